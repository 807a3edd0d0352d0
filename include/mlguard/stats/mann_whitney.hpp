#ifndef MLGUARD_STATS_MANN_WHITNEY_HPP
#define MLGUARD_STATS_MANN_WHITNEY_HPP

// Mann–Whitney U rank test with the semantics of scipy.stats.mannwhitneyu
// (scipy 1.10).
//
// Input contract: an empty sample throws stats_error mlguard.stats.empty_sample;
// NaN throws stats_error mlguard.stats.nan_input (scipy raises ValueError
// too); ±infinity are ordinary values. Stateless: safe to call concurrently
// with distinct scratch buffers.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/stats/alternative.hpp"

namespace mlguard::stats {

/// How mann_whitney_u computes its p-value (scipy's `method=`).
enum class mann_whitney_method {
  automatic,  ///< "auto": exact when min(n1, n2) ≤ 8 and there are no ties, else asymptotic
  exact,      ///< "exact": the exact null distribution of U (no tie correction)
  asymptotic, ///< "asymptotic": normal approximation with tie correction
};

/// scipy's spelling of `m`: "auto", "exact" or "asymptotic".
inline const char* to_string(mann_whitney_method m) noexcept {
  switch (m) {
  case mann_whitney_method::exact:
    return "exact";
  case mann_whitney_method::asymptotic:
    return "asymptotic";
  case mann_whitney_method::automatic:
  default:
    return "auto";
  }
}

/// Result of a Mann–Whitney U test; fields as scipy's MannwhitneyuResult.
struct mann_whitney_result {
  /// U1, the statistic of the first sample: R1 − n1(n1+1)/2, with R1 the sum
  /// of its average ranks in the pooled sample (a multiple of ½).
  double statistic = 0.0;
  /// p-value in [0, 1].
  double p_value = 1.0;
  /// The method actually used (never mann_whitney_method::automatic).
  mann_whitney_method method = mann_whitney_method::asymptotic;
  std::size_t n1 = 0; ///< size of the first sample
  std::size_t n2 = 0; ///< size of the second sample
};

/// JSON form: {"statistic", "p_value", "method", "n1", "n2"} (doubles as json_number writes them).
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const mann_whitney_result& r);

/// Mann–Whitney U test of `a` against `b`.
///
/// alternative::greater: the distribution of a is stochastically greater than
/// that of b (p from the upper tail of U1); less: stochastically less (upper
/// tail of U2 = n1·n2 − U1); two_sided: twice the upper tail of max(U1, U2),
/// clipped to 1. Asymptotic: z = (U − n1n2/2 − ½·use_continuity)/σ with the
/// tie-corrected σ² = n1n2/12·((n+1) − Σ(t³−t)/(n(n−1))), p = sf(z).
/// Exact: the null distribution of U (Mann & Whitney 1947) as counts of
/// Gaussian-binomial coefficients, not corrected for ties (U truncated to an
/// integer as scipy does). automatic: exact when min(n1, n2) ≤ 8 and the
/// pooled sample has no ties, asymptotic otherwise (scipy 1.10's rule).
/// Matches scipy.stats.mannwhitneyu(a, b, use_continuity, alternative,
/// method=...) (scipy 1.10.1): U exactly, p within 1e-12 absolute or 1e-9
/// relative (tests/stats/mann_whitney.test.cpp). The exact method holds
/// O(n1·n2) doubles and takes O(min(n1,n2)·n1·n2) time; beyond
/// C(n1+n2, n1) ≈ 1e308 its p-value is NaN.
/// Throws stats_error mlguard.stats.empty_sample / mlguard.stats.nan_input.
template <class = void>
mann_whitney_result mann_whitney_u(span<const double> a, span<const double> b,
                                   alternative alt = alternative::two_sided,
                                   bool use_continuity = true,
                                   mann_whitney_method method = mann_whitney_method::automatic);

/// As above, with `scratch` as reusable working memory (grown, never shrunk).
template <class = void>
mann_whitney_result mann_whitney_u(span<const double> a, span<const double> b, alternative alt,
                                   bool use_continuity, mann_whitney_method method,
                                   std::vector<double>& scratch);

namespace detail {

/// Pr(U ≥ u) under the null for sizes m, n without ties (scipy's _MWU.sf):
/// the CDF of U at m·n − u (by symmetry), from the coefficients of the
/// Gaussian binomial [m+n choose m]_q = Π_{i=1..s} (1 − q^(l+i))/(1 − q^i),
/// s = min(m, n), l = max(m, n), truncated at degree m·n − u.
template <class = void>
double mann_whitney_exact_sf(std::int64_t u, std::int64_t m, std::int64_t n,
                             std::vector<double>& counts);

} // namespace detail

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/stats/detail/binom.hpp"
#include "mlguard/stats/detail/sort.hpp"
#include "mlguard/stats/normal.hpp"
#include "mlguard/stats/rank.hpp"

namespace mlguard::stats {

template <class>
mann_whitney_result mann_whitney_u(span<const double> a, span<const double> b, alternative alt,
                                   bool use_continuity, mann_whitney_method method,
                                   std::vector<double>& scratch) {
  detail::require_nonempty(a, "mann_whitney_u", "a");
  detail::require_nonempty(b, "mann_whitney_u", "b");
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();
  const std::size_t need = n1 + n2 + std::max(n1, n2);
  if (scratch.size() < need) {
    scratch.resize(need);
  }
  double* sa = scratch.data();
  double* sb = sa + n1;
  double* tmp = sb + n2;
  detail::copy_sorted(a, sa, tmp, "mann_whitney_u", "a");
  detail::copy_sorted(b, sb, tmp, "mann_whitney_u", "b");

  // R1 (exact: ranks are multiples of ½) and the tie term Σ(t³ − t).
  double r1 = 0.0;
  long double tie_sum = 0.0L; // exact up to 2^64, like scipy's integer sum
  bool ties = false;
  detail::for_each_tie_group(
      sa, n1, sb, n2, [&](double, std::size_t ca, std::size_t cb, std::size_t first) {
        const std::size_t t = ca + cb;
        const double rank = static_cast<double>(first) + 0.5 * static_cast<double>(t + 1);
        r1 += static_cast<double>(ca) * rank;
        if (t > 1) {
          ties = true;
          const auto td = static_cast<long double>(t);
          tie_sum += td * td * td - td;
        }
      });
  const auto d1 = static_cast<double>(n1);
  const auto d2 = static_cast<double>(n2);
  const auto tie_term = static_cast<double>(tie_sum);
  const double u1 = r1 - d1 * (d1 + 1.0) / 2.0;
  const double u2 = d1 * d2 - u1;

  if (method == mann_whitney_method::automatic) {
    method =
        (n1 > 8 && n2 > 8) || ties ? mann_whitney_method::asymptotic : mann_whitney_method::exact;
  }
  double u = 0.0;
  double factor = 1.0;
  if (alt == alternative::greater) {
    u = u1;
  } else if (alt == alternative::less) {
    u = u2;
  } else {
    u = std::max(u1, u2);
    factor = 2.0;
  }
  double p = 0.0;
  if (method == mann_whitney_method::exact) {
    p = detail::mann_whitney_exact_sf(static_cast<std::int64_t>(u), static_cast<std::int64_t>(n1),
                                      static_cast<std::int64_t>(n2), scratch);
  } else {
    const double mu = d1 * d2 / 2.0;
    const double n = d1 + d2;
    const double s = std::sqrt(d1 * d2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0))));
    double numerator = u - mu;
    if (use_continuity) {
      numerator -= 0.5;
    }
    const double z = numerator / s;
    p = normal_sf(z);
  }
  p *= factor;
  mann_whitney_result r;
  r.statistic = u1;
  r.p_value = std::clamp(p, 0.0, 1.0); // NaN passes through, as with numpy.clip
  r.method = method;
  r.n1 = n1;
  r.n2 = n2;
  return r;
}

template <class>
mann_whitney_result mann_whitney_u(span<const double> a, span<const double> b, alternative alt,
                                   bool use_continuity, mann_whitney_method method) {
  std::vector<double> scratch;
  return mann_whitney_u(a, b, alt, use_continuity, method, scratch);
}

template <class> // deferred: see core/json.hpp
void to_json(json& j, const mann_whitney_result& r) {
  j = json::object();
  j["statistic"] = json_number(r.statistic);
  j["p_value"] = json_number(r.p_value);
  j["method"] = to_string(r.method);
  j["n1"] = r.n1;
  j["n2"] = r.n2;
}

} // namespace mlguard::stats

namespace mlguard::stats::detail {

template <class>
double mann_whitney_exact_sf(std::int64_t u, std::int64_t m, std::int64_t n,
                             std::vector<double>& counts) {
  const std::int64_t k = m * n - u;
  if (k < 0) {
    return 0.0;
  }
  const std::int64_t s = std::min(m, n);
  const std::int64_t l = std::max(m, n);
  counts.assign(static_cast<std::size_t>(k + 1), 0.0);
  double* c = counts.data();
  c[0] = 1.0;
  for (std::int64_t i = 1; i <= s; ++i) {
    // × (1 − q^(l+i)), descending so each coefficient uses the old values.
    for (std::int64_t d = k; d >= l + i; --d) {
      c[d] -= c[d - l - i];
    }
    // ÷ (1 − q^i): running sums with stride i.
    for (std::int64_t d = i; d <= k; ++d) {
      c[d] += c[d - i];
    }
  }
  double cdf = 0.0;
  for (std::int64_t d = 0; d <= k; ++d) {
    cdf += c[d];
  }
  return cdf / scipy_binom(static_cast<double>(m + n), static_cast<double>(m));
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_MANN_WHITNEY_HPP

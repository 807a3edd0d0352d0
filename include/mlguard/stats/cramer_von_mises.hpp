#ifndef MLGUARD_STATS_CRAMER_VON_MISES_HPP
#define MLGUARD_STATS_CRAMER_VON_MISES_HPP

// Two-sample Cramér–von Mises test with the semantics of
// scipy.stats.cramervonmises_2samp (scipy 1.10).
//
// Input contract: a sample with fewer than two values throws stats_error
// mlguard.stats.empty_sample (no values) or mlguard.stats.sample_too_small
// (one value; scipy raises ValueError); NaN throws stats_error
// mlguard.stats.nan_input; ±infinity are ordinary values. Stateless: safe to
// call concurrently with distinct scratch buffers.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::stats {

/// How cramer_von_mises_2samp computes its p-value (scipy's `method=`).
enum class cvm_method {
  automatic,  ///< "auto": exact when max(n1, n2) ≤ 20, asymptotic otherwise
  exact,      ///< "exact": exact permutation distribution (Xiao, Gordon & Yakovlev 2006)
  asymptotic, ///< "asymptotic": normalised statistic against the limiting distribution
};

/// scipy's spelling of `m`: "auto", "exact" or "asymptotic".
inline const char* to_string(cvm_method m) noexcept {
  switch (m) {
  case cvm_method::exact:
    return "exact";
  case cvm_method::asymptotic:
    return "asymptotic";
  case cvm_method::automatic:
  default:
    return "auto";
  }
}

/// Result of a two-sample Cramér–von Mises test.
struct cvm_result {
  /// T = U/(n1·n2·N) − (4·n1·n2 − 1)/(6N) (Anderson 1962, eq. 9), N = n1 + n2,
  /// with U from the average ranks of both samples in the pooled sample.
  double statistic = 0.0;
  /// p-value in [0, 1].
  double p_value = 1.0;
  /// The method actually used (never cvm_method::automatic).
  cvm_method method = cvm_method::asymptotic;
  std::size_t n1 = 0; ///< size of the first sample
  std::size_t n2 = 0; ///< size of the second sample
};

/// JSON form: {"statistic", "p_value", "method", "n1", "n2"} (doubles as json_number writes them).
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const cvm_result& r);

/// Two-sample Cramér–von Mises test of `a` against `b` (two-sided).
/// Ties take average ranks. Exact p-value: the share of the C(N, n1)
/// arrangements whose U is at least the observed one, from the frequency
/// tables of Xiao, Gordon & Yakovlev (2006). Asymptotic: T normalised by its
/// null mean and variance (Anderson 1962, eqs. 11, 14, 15) and referred to
/// the limiting one-sample distribution (Csörgő & Faraway 1996, eq. 1.2,
/// summed until a term falls below 1e-7, as scipy does).
/// Matches scipy.stats.cramervonmises_2samp(a, b, method) (scipy 1.10.1):
/// statistic within 1e-12 relative, p within 1e-12 absolute or 1e-9 relative
/// (tests/stats/cramer_von_mises.test.cpp). The exact method's cost grows
/// quickly with the sizes; scipy's automatic rule only uses it up to 20.
/// Throws stats_error mlguard.stats.empty_sample, mlguard.stats.sample_too_small,
/// mlguard.stats.nan_input.
template <class = void>
cvm_result cramer_von_mises_2samp(span<const double> a, span<const double> b,
                                  cvm_method method = cvm_method::automatic);

/// As above, with `scratch` as reusable working memory (grown, never shrunk).
template <class = void>
cvm_result cramer_von_mises_2samp(span<const double> a, span<const double> b, cvm_method method,
                                  std::vector<double>& scratch);

namespace detail {

/// e^(−x)·K_{1/4}(x), x > 0: Temme's series below 2, Steed's continued
/// fraction above (the standard pair for fractional orders).
template <class = void>
double scaled_bessel_k_quarter(double x) noexcept;

/// The limiting CDF of the one-sample Cramér–von Mises statistic
/// (Csörgő & Faraway 1996, eq. 1.2), summed until a term is below 1e-7.
template <class = void>
double cvm_limit_cdf(double x) noexcept;

/// Exact p-value Pr(U ≥ u) for sizes m, n (Xiao, Gordon & Yakovlev 2006):
/// for every lattice point (i, j) a frequency table of the partial sums of
/// (a·j − b·i)², a = lcm/m, b = lcm/n, over the paths reaching it.
template <class = void>
double cvm_exact_p(double u, std::int64_t m, std::int64_t n);

} // namespace detail

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/stats/detail/sort.hpp"
#include "mlguard/stats/rank.hpp"

namespace mlguard::stats {

template <class>
cvm_result cramer_von_mises_2samp(span<const double> a, span<const double> b, cvm_method method,
                                  std::vector<double>& scratch) {
  detail::require_nonempty(a, "cramer_von_mises_2samp", "a");
  detail::require_nonempty(b, "cramer_von_mises_2samp", "b");
  if (a.size() < 2 || b.size() < 2) {
    throw stats_error("sample_too_small",
                      "cramer_von_mises_2samp: each sample needs at least two values");
  }
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();
  const std::size_t need = n1 + n2 + std::max(n1, n2);
  if (scratch.size() < need) {
    scratch.resize(need);
  }
  double* sa = scratch.data();
  double* sb = sa + n1;
  double* tmp = sb + n2;
  detail::copy_sorted(a, sa, tmp, "cramer_von_mises_2samp", "a");
  detail::copy_sorted(b, sb, tmp, "cramer_von_mises_2samp", "b");
  if (method == cvm_method::automatic) {
    method = std::max(n1, n2) > 20 ? cvm_method::asymptotic : cvm_method::exact;
  }
  // U = n1·Σ(r_i − i)² + n2·Σ(s_j − j)² over the sorted samples' pooled
  // average ranks. Twice a rank is an integer, so accumulate (2r − 2i)² exactly.
  long double sum_a = 0.0L;
  long double sum_b = 0.0L;
  std::size_t ia = 0;
  std::size_t ib = 0;
  detail::for_each_tie_group(
      sa, n1, sb, n2, [&](double, std::size_t ca, std::size_t cb, std::size_t first) {
        const std::size_t twice_rank = 2 * first + ca + cb + 1;
        for (std::size_t k = 0; k < ca; ++k) {
          ++ia;
          const auto diff =
              static_cast<long double>(twice_rank) - 2.0L * static_cast<long double>(ia);
          sum_a += diff * diff;
        }
        for (std::size_t k = 0; k < cb; ++k) {
          ++ib;
          const auto diff =
              static_cast<long double>(twice_rank) - 2.0L * static_cast<long double>(ib);
          sum_b += diff * diff;
        }
      });
  const auto d1 = static_cast<double>(n1);
  const auto d2 = static_cast<double>(n2);
  const double u = d1 * static_cast<double>(sum_a / 4.0L) + d2 * static_cast<double>(sum_b / 4.0L);
  const double k = d1 * d2;
  const double big_n = d1 + d2;
  const double t = u / (k * big_n) - (4.0 * k - 1.0) / (6.0 * big_n);
  double p = 1.0;
  if (method == cvm_method::exact) {
    p = detail::cvm_exact_p(u, static_cast<std::int64_t>(n1), static_cast<std::int64_t>(n2));
  } else {
    const double et = (1.0 + 1.0 / big_n) / 6.0;
    const long double vt_num =
        static_cast<long double>(big_n + 1.0) *
        (4.0L * static_cast<long double>(k) * static_cast<long double>(big_n) -
         3.0L * (static_cast<long double>(d1) * d1 + static_cast<long double>(d2) * d2) -
         2.0L * static_cast<long double>(k));
    const long double vt_den = 45.0L * static_cast<long double>(big_n) * big_n * 4.0L * k;
    const auto vt = static_cast<double>(vt_num / vt_den);
    const double tn = 1.0 / 6.0 + (t - et) / std::sqrt(45.0 * vt);
    if (tn < 0.003) {
      p = 1.0;
    } else {
      p = std::max(0.0, 1.0 - detail::cvm_limit_cdf(tn));
    }
  }
  cvm_result r;
  r.statistic = t;
  r.p_value = p;
  r.method = method;
  r.n1 = n1;
  r.n2 = n2;
  return r;
}

template <class>
cvm_result cramer_von_mises_2samp(span<const double> a, span<const double> b, cvm_method method) {
  std::vector<double> scratch;
  return cramer_von_mises_2samp(a, b, method, scratch);
}

template <class> // deferred: see core/json.hpp
void to_json(json& j, const cvm_result& r) {
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
double scaled_bessel_k_quarter(double x) noexcept {
  constexpr double mu = 0.25;
  constexpr double pi = 3.14159265358979323846264338327950288;
  constexpr double eps = std::numeric_limits<double>::epsilon();
  if (x < 2.0) {
    const double x2 = 0.5 * x;
    const double pimu = pi * mu;
    const double fact = pimu / std::sin(pimu);
    double d = -std::log(x2);
    double e = mu * d;
    const double fact2 = std::fabs(e) < eps ? 1.0 : std::sinh(e) / e;
    const double gammi = 1.0 / std::tgamma(1.0 - mu); // 1/Γ(1−μ)
    const double gampl = 1.0 / std::tgamma(1.0 + mu); // 1/Γ(1+μ)
    const double gam1 = (gammi - gampl) / (2.0 * mu);
    const double gam2 = (gammi + gampl) / 2.0;
    double ff = fact * (gam1 * std::cosh(e) + gam2 * fact2 * d);
    double sum = ff;
    e = std::exp(e);
    double p = 0.5 * e / gampl;
    double q = 0.5 / (e * gammi);
    double c = 1.0;
    d = x2 * x2;
    for (int i = 1; i < 10000; ++i) {
      const double id = i;
      ff = (id * ff + p + q) / (id * id - mu * mu);
      c *= d / id;
      p /= id - mu;
      q /= id + mu;
      const double del = c * ff;
      sum += del;
      if (std::fabs(del) < std::fabs(sum) * eps) {
        break;
      }
    }
    return std::exp(-x) * sum;
  }
  double b = 2.0 * (1.0 + x);
  double d = 1.0 / b;
  double delh = d;
  double q1 = 0.0;
  double q2 = 1.0;
  const double a1 = 0.25 - mu * mu;
  double q = a1;
  double c = a1;
  double a = -a1;
  double s = 1.0 + q * delh;
  for (int i = 1; i < 10000; ++i) {
    const double id = i;
    a -= 2.0 * id;
    c = -a * c / (id + 1.0);
    const double qnew = (q1 - b * q2) / a;
    q1 = q2;
    q2 = qnew;
    q += c * qnew;
    b += 2.0;
    d = 1.0 / (b + a * d);
    delh = (b * d - 1.0) * delh;
    const double dels = q * delh;
    s += dels;
    if (std::fabs(dels / s) < eps) {
      break;
    }
  }
  // K = √(π/(2x))·e^(−x)/s; times e^(−x).
  return std::sqrt(pi / (2.0 * x)) * std::exp(-2.0 * x) / s;
}

template <class>
double cvm_limit_cdf(double x) noexcept {
  constexpr double pi = 3.14159265358979323846264338327950288;
  const double pi15 = std::pow(pi, 1.5);
  double total = 0.0;
  for (int k = 0; k < 100000; ++k) {
    const double kd = k;
    const double u =
        std::exp(std::lgamma(kd + 0.5) - std::lgamma(kd + 1.0)) / (pi15 * std::sqrt(x));
    const double y = 4.0 * kd + 1.0;
    const double q = y * y / (16.0 * x);
    const double term = u * std::sqrt(y) * scaled_bessel_k_quarter(q);
    total += term;
    if (!(std::fabs(term) >= 1e-7)) {
      break;
    }
  }
  return total;
}

template <class>
double cvm_exact_p(double u, std::int64_t m, std::int64_t n) {
  const std::int64_t lcm = std::lcm(m, n);
  const std::int64_t a = lcm / m;
  const std::int64_t b = lcm / n;
  const std::int64_t mn = m * n;
  // ζ = ⌊lcm²(m+n)(6u − mn(4mn−1)) / (6(mn)²)⌋, in floating point as scipy.
  const double zeta = std::floor(static_cast<double>(lcm * lcm * (m + n)) *
                                 (6.0 * u - static_cast<double>(mn * (4 * mn - 1))) /
                                 static_cast<double>(6 * mn * mn));
  using table = std::vector<std::pair<std::int64_t, double>>; // (value, count), ascending
  std::vector<table> gs(static_cast<std::size_t>(m + 1));
  gs[0] = {{0, 1.0}};
  table tmp;
  table merged;
  for (std::int64_t i = 0; i <= n; ++i) {
    tmp.clear();
    for (std::int64_t j = 0; j <= m; ++j) {
      const table& g = gs[static_cast<std::size_t>(j)];
      merged.clear();
      merged.reserve(tmp.size() + g.size());
      std::size_t p = 0;
      std::size_t q = 0;
      while (p < tmp.size() || q < g.size()) {
        if (q >= g.size() || (p < tmp.size() && tmp[p].first < g[q].first)) {
          merged.push_back(tmp[p++]);
        } else if (p >= tmp.size() || g[q].first < tmp[p].first) {
          merged.push_back(g[q++]);
        } else {
          merged.emplace_back(tmp[p].first, tmp[p].second + g[q].second);
          ++p;
          ++q;
        }
      }
      const std::int64_t step = a * j - b * i;
      for (auto& e : merged) {
        e.first += step * step;
      }
      tmp.swap(merged);
      gs[static_cast<std::size_t>(j)] = tmp;
    }
  }
  double count = 0.0;
  for (const auto& e : gs[static_cast<std::size_t>(m)]) {
    if (static_cast<double>(e.first) >= zeta) {
      count += e.second;
    }
  }
  // C(m+n, m), exact while it fits.
  double combinations = 1.0;
  for (std::int64_t k = 1; k <= std::min(m, n); ++k) {
    combinations = combinations * static_cast<double>(std::max(m, n) + k) / static_cast<double>(k);
  }
  combinations = std::nearbyint(combinations);
  return count / combinations;
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_CRAMER_VON_MISES_HPP

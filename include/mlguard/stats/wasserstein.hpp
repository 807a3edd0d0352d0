#ifndef MLGUARD_STATS_WASSERSTEIN_HPP
#define MLGUARD_STATS_WASSERSTEIN_HPP

// Distances between two one-dimensional empirical distributions through
// their CDFs, as scipy.stats computes them:
//   wasserstein_distance = ∫ |U(x) − V(x)| dx
//   energy_distance      = √2 · (∫ (U(x) − V(x))² dx)^½
// Both sort the samples once and walk the merged order: O((n+m) log(n+m)).
// The integral is summed with numpy's pairwise sum (stats/detail/numpy.hpp),
// as scipy does, so the results agree to the last bits.

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::stats {

namespace detail {

template <class = void>
void check_cdf_sample(span<const double> x, const char* which);

// A sample sorted by value with the cumulative weights (cum[0] = 0,
// cum[i] = sum of the i smallest values' weights; all 1 when unweighted).
struct sorted_sample {
  std::vector<double> values;
  std::vector<double> cum;
  bool weighted = false;
};

template <class = void>
sorted_sample sort_sample(span<const double> x, span<const double> w, const char* which);

// scipy.stats._stats_py._cdf_distance for p = 1 or 2, same arithmetic. When
// the samples span more than DBL_MAX (values of both signs near ±1e308),
// scipy's gaps overflow and 0 · inf gives NaN; here the gaps are taken in
// units of 4 (exact: a power of two) and the result scaled back, so the
// distance is finite whenever it is (p = 2 always is), and +inf only when
// the true distance exceeds DBL_MAX.
template <class = void>
double cdf_distance(int p, const sorted_sample& u, const sorted_sample& v);

} // namespace detail

/// The first Wasserstein (earth mover's) distance between the empirical
/// distributions of u and v, ∫ |U − V| dx, in the samples' units.
/// Matches scipy.stats.wasserstein_distance(u, v) (scipy 1.10, same
/// arithmetic) within 1e-12. O((n+m) log(n+m)). Samples spanning more than
/// DBL_MAX (both signs near ±1e308, where scipy gives NaN or inf) get the
/// true distance: 0 for identical samples, finite when it is, +inf only when
/// it exceeds DBL_MAX.
/// Throws stats_error: mlguard.stats.empty_sample, mlguard.stats.nan_input,
/// mlguard.stats.non_finite (±inf: scipy returns inf or NaN there).
template <class = void>
double wasserstein_distance(span<const double> u, span<const double> v);

/// Weighted form: scipy.stats.wasserstein_distance(u, v, u_weights, v_weights).
/// An empty weight span means all weights 1.
/// Throws as the unweighted form, and argument_error (mlguard.argument.size_mismatch)
/// when a weight span's size differs from its sample's, stats_error
/// (mlguard.stats.bad_weights) on negative or non-finite weights or a zero sum.
template <class = void>
double wasserstein_distance(span<const double> u, span<const double> v,
                            span<const double> u_weights, span<const double> v_weights);

/// The energy distance between the empirical distributions of u and v,
/// √2 · (∫ (U − V)² dx)^½. Matches scipy.stats.energy_distance(u, v) within
/// 1e-12. Finite for all finite samples (at most ≈ 2.7e154), also where
/// scipy gives NaN or inf near ±1e308. Throws as wasserstein_distance.
template <class = void>
double energy_distance(span<const double> u, span<const double> v);

/// Weighted form: scipy.stats.energy_distance(u, v, u_weights, v_weights).
/// Throws as the weighted wasserstein_distance.
template <class = void>
double energy_distance(span<const double> u, span<const double> v, span<const double> u_weights,
                       span<const double> v_weights);

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

#include "mlguard/stats/detail/numpy.hpp"
#include "mlguard/stats/detail/sort.hpp"

namespace mlguard::stats::detail {

template <class>
void check_cdf_sample(span<const double> x, const char* which) {
  if (x.empty()) {
    throw stats_error("empty_sample", std::string("the ") + which + " sample is empty");
  }
  for (double v : x) {
    if (std::isnan(v)) {
      throw stats_error("nan_input", std::string("the ") + which +
                                         " sample holds NaN; drop missing values first");
    }
    if (std::isinf(v)) {
      throw stats_error("non_finite", std::string("the ") + which +
                                          " sample holds ±inf; the distance is not defined");
    }
  }
}

template <class>
sorted_sample sort_sample(span<const double> x, span<const double> w, const char* which) {
  check_cdf_sample(x, which);
  sorted_sample s;
  if (w.empty()) {
    s.values.assign(x.begin(), x.end());
    std::sort(s.values.begin(), s.values.end());
    return s;
  }
  if (w.size() != x.size()) {
    throw argument_error("size_mismatch", std::string("the ") + which + " sample has " +
                                              std::to_string(x.size()) + " values and " +
                                              std::to_string(w.size()) + " weights");
  }
  double total = 0.0;
  for (double v : w) {
    if (!(v >= 0.0) || std::isinf(v)) {
      throw stats_error("bad_weights", "weights must be finite and non-negative");
    }
    total += v;
  }
  if (!(total > 0.0) || std::isinf(total)) {
    throw stats_error("bad_weights", "weights must have a positive, finite sum");
  }
  const std::vector<std::size_t> order = stable_order(x);
  s.weighted = true;
  s.values.resize(x.size());
  s.cum.resize(x.size() + 1);
  s.cum[0] = 0.0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    s.values[i] = x[order[i]];
    s.cum[i + 1] = s.cum[i] + w[order[i]];
  }
  return s;
}

template <class>
double cdf_distance(int p, const sorted_sample& u, const sorted_sample& v) {
  const std::size_t n = u.values.size();
  const std::size_t m = v.values.size();
  std::vector<double> all(n + m);
  std::merge(u.values.begin(), u.values.end(), v.values.begin(), v.values.end(), all.begin());
  const bool quartered = std::isinf(all.back() - all.front());
  const double unit = quartered ? 0.25 : 1.0;
  std::vector<double> terms(all.size() - 1);
  std::size_t iu = 0;
  std::size_t iv = 0;
  for (std::size_t k = 0; k + 1 < all.size(); ++k) {
    const double x = all[k];
    while (iu < n && u.values[iu] <= x) {
      ++iu;
    }
    while (iv < m && v.values[iv] <= x) {
      ++iv;
    }
    const double u_cdf =
        u.weighted ? u.cum[iu] / u.cum[n] : static_cast<double>(iu) / static_cast<double>(n);
    const double v_cdf =
        v.weighted ? v.cum[iv] / v.cum[m] : static_cast<double>(iv) / static_cast<double>(m);
    const double d = u_cdf - v_cdf;
    const double delta = all[k + 1] * unit - x * unit;
    terms[k] = p == 1 ? std::abs(d) * delta : d * d * delta;
  }
  const double sum = numpy_sum(terms.data(), terms.size());
  if (quartered) { // ∫ in units of 4: × 4, and √(∫ · 4) = 2 √∫
    return p == 1 ? 4.0 * sum : 2.0 * std::sqrt(sum);
  }
  return p == 1 ? sum : std::sqrt(sum);
}

} // namespace mlguard::stats::detail

namespace mlguard::stats {

template <class>
double wasserstein_distance(span<const double> u, span<const double> v) {
  return detail::cdf_distance(1, detail::sort_sample(u, {}, "first"),
                              detail::sort_sample(v, {}, "second"));
}

template <class>
double wasserstein_distance(span<const double> u, span<const double> v,
                            span<const double> u_weights, span<const double> v_weights) {
  return detail::cdf_distance(1, detail::sort_sample(u, u_weights, "first"),
                              detail::sort_sample(v, v_weights, "second"));
}

template <class>
double energy_distance(span<const double> u, span<const double> v) {
  return std::sqrt(2.0) * detail::cdf_distance(2, detail::sort_sample(u, {}, "first"),
                                               detail::sort_sample(v, {}, "second"));
}

template <class>
double energy_distance(span<const double> u, span<const double> v, span<const double> u_weights,
                       span<const double> v_weights) {
  return std::sqrt(2.0) * detail::cdf_distance(2, detail::sort_sample(u, u_weights, "first"),
                                               detail::sort_sample(v, v_weights, "second"));
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_WASSERSTEIN_HPP

#ifndef MLGUARD_DRIFT_WASSERSTEIN_HPP
#define MLGUARD_DRIFT_WASSERSTEIN_HPP

// CDF distances of numeric features as drift statistics: the raw Wasserstein
// distance, Evidently's normalised Wasserstein distance (its default drift
// method for numeric features with more than 1000 reference values) and the
// energy distance. The raw distances are stats/wasserstein.hpp's.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/detail/samples.hpp"
#include "mlguard/drift/statistic.hpp"
#include "mlguard/stats/detail/numpy.hpp"
#include "mlguard/stats/wasserstein.hpp"

namespace mlguard::drift {

namespace detail {

template <class = void>
void check_finite_sample(span<const double> x, const char* which);

} // namespace detail

/// The Wasserstein-1 distance of reference and current, in the feature's
/// units: scipy.stats.wasserstein_distance(reference, current), also near
/// ±1e308 where scipy gives NaN or inf (see stats::wasserstein_distance):
/// +inf only when the true distance exceeds DBL_MAX, which a drift report
/// skips with the reason.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf; scipy would return inf or NaN).
template <class = void>
statistic_result wasserstein(span<const double> reference, span<const double> current);

/// Evidently's normalised Wasserstein distance ("wasserstein" stattest):
/// scipy.stats.wasserstein_distance(reference, current) / max(numpy.std(reference), 0.001),
/// the population standard deviation (ddof = 0). Unitless; Evidently's
/// default threshold is 0.1. Matches Evidently's published 0.5528576852340608
/// on its normal example. Where the distance or numpy's standard deviation
/// overflows (values past ±1e154 square past DBL_MAX), both are computed on
/// the samples scaled by a power of two, so the ratio is right; it is +inf
/// only when the true ratio exceeds DBL_MAX. Throws as wasserstein.
template <class = void>
statistic_result wasserstein_norm(span<const double> reference, span<const double> current);

/// The energy distance of reference and current: scipy.stats.energy_distance,
/// finite for all finite samples (also near ±1e308, where scipy gives NaN
/// or inf). Throws as wasserstein.
template <class = void>
statistic_result energy(span<const double> reference, span<const double> current);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class>
void check_finite_sample(span<const double> x, const char* which) {
  check_sample(x, which);
  for (double v : x) {
    if (std::isinf(v)) {
      throw drift_error("non_finite", std::string("the ") + which +
                                          " sample holds ±inf; CDF distances are not defined");
    }
  }
}

} // namespace mlguard::drift::detail

namespace mlguard::drift {

template <class>
statistic_result wasserstein(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  r.statistic = stats::wasserstein_distance(reference, current);
  return r;
}

template <class>
statistic_result wasserstein_norm(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  const double distance = stats::wasserstein_distance(reference, current);
  const double sd = stats::detail::numpy_std(reference);
  if (std::isfinite(distance) && std::isfinite(sd)) {
    r.statistic = distance / std::max(sd, 0.001);
    return r;
  }
  // Scale both samples into (-4, 4) by 2^-k (exact but for values below
  // 2^(k-1022), which lose bits next to the largest), and the floor with
  // them; the distance then is below 8 and the deviation below 4.
  double largest = 0.0;
  for (auto sample : {reference, current}) {
    for (double v : sample) {
      largest = std::max(largest, std::abs(v));
    }
  }
  const int k = std::ilogb(largest) - 1; // large: something overflowed
  const double scale = std::ldexp(1.0, -k);
  std::vector<double> ref_scaled(reference.begin(), reference.end());
  std::vector<double> cur_scaled(current.begin(), current.end());
  for (double& v : ref_scaled) {
    v *= scale;
  }
  for (double& v : cur_scaled) {
    v *= scale;
  }
  r.statistic = stats::wasserstein_distance(ref_scaled, cur_scaled) /
                std::max(stats::detail::numpy_std(ref_scaled), std::ldexp(0.001, -k));
  return r;
}

template <class>
statistic_result energy(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  r.statistic = stats::energy_distance(reference, current);
  return r;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_WASSERSTEIN_HPP

#ifndef MLGUARD_DRIFT_WASSERSTEIN_HPP
#define MLGUARD_DRIFT_WASSERSTEIN_HPP

// CDF distances of numeric features as drift statistics: the raw Wasserstein
// distance, Evidently's normalised Wasserstein distance (its default drift
// method for numeric features with more than 1000 reference values) and the
// energy distance. The raw distances are stats/wasserstein.hpp's.

#include <algorithm>
#include <cmath>
#include <string>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/detail/samples.hpp"
#include "mlguard/drift/statistic.hpp"
#include "mlguard/stats/detail/numpy.hpp"
#include "mlguard/stats/wasserstein.hpp"

namespace mlguard::drift {

namespace detail {

inline void check_finite_sample(span<const double> x, const char* which) {
  check_sample(x, which);
  for (double v : x) {
    if (std::isinf(v)) {
      throw drift_error("non_finite", std::string("the ") + which +
                                          " sample holds ±inf; CDF distances are not defined");
    }
  }
}

} // namespace detail

/// The Wasserstein-1 distance of reference and current, in the feature's
/// units: scipy.stats.wasserstein_distance(reference, current).
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf; scipy would return inf or NaN).
inline statistic_result wasserstein(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  r.statistic = stats::wasserstein_distance(reference, current);
  return r;
}

/// Evidently's normalised Wasserstein distance ("wasserstein" stattest):
/// scipy.stats.wasserstein_distance(reference, current) / max(numpy.std(reference), 0.001),
/// the population standard deviation (ddof = 0). Unitless; Evidently's
/// default threshold is 0.1. Matches Evidently's published 0.5528576852340608
/// on its normal example. Throws as wasserstein.
inline statistic_result wasserstein_norm(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  r.statistic = stats::wasserstein_distance(reference, current) /
                std::max(stats::detail::numpy_std(reference), 0.001);
  return r;
}

/// The energy distance of reference and current: scipy.stats.energy_distance.
/// Throws as wasserstein.
inline statistic_result energy(span<const double> reference, span<const double> current) {
  detail::check_finite_sample(reference, "reference");
  detail::check_finite_sample(current, "current");
  statistic_result r;
  r.statistic = stats::energy_distance(reference, current);
  return r;
}

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_WASSERSTEIN_HPP

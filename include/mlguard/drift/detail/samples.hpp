#ifndef MLGUARD_DRIFT_DETAIL_SAMPLES_HPP
#define MLGUARD_DRIFT_DETAIL_SAMPLES_HPP

// Checks and small helpers on the numeric samples drift's statistics take.
// Not for direct use.

#include <cmath>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::drift::detail {

/// Throws drift_error mlguard.drift.empty_sample when `x` is empty and
/// mlguard.drift.nan_input when it holds NaN; `which` names the sample.
template <class = void>
void check_sample(span<const double> x, const char* which);

/// Sorted distinct values (−0.0 and 0.0 are one value, as in pandas).
template <class = void>
std::vector<double> distinct_sorted(std::vector<double> v);

} // namespace mlguard::drift::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::drift::detail {

template <class>
void check_sample(span<const double> x, const char* which) {
  if (x.empty()) {
    throw drift_error("empty_sample", std::string("the ") + which + " sample is empty");
  }
  for (double v : x) {
    if (std::isnan(v)) {
      throw drift_error("nan_input", std::string("the ") + which +
                                         " sample holds NaN; drop missing values first");
    }
  }
}

template <class>
std::vector<double> distinct_sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_SAMPLES_HPP

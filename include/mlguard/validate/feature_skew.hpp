#ifndef MLGUARD_VALIDATE_FEATURE_SKEW_HPP
#define MLGUARD_VALIDATE_FEATURE_SKEW_HPP

// What comparing one feature's training and serving profiles measured (the
// result of validate::compare_profiles in skew.hpp, and part of a
// validation_report): one entry per comparator with its threshold, or the
// reason no comparison was made.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/validate/anomaly.hpp"

namespace mlguard::validate {

/// One comparator's measurement on one feature.
struct skew_measurement {
  /// "l_infinity", "normalized_abs_difference", "jensen_shannon" or "unseen_share".
  std::string comparator;
  double value = 0.0;
  /// The schema's threshold, when it sets one.
  std::optional<double> threshold;
  /// value > threshold (TFDV's rule).
  bool anomalous = false;
  /// The anomaly kind reported when anomalous (skew_anomaly_kind(comparator)).
  anomaly_kind kind = anomaly_kind::comparator_l_infty_high;
  /// For L-infinity and the normalised absolute difference, the category
  /// where the largest difference is (TFDV returns it too).
  std::string category;
};

/// The measurements of one feature, or why none could be made.
struct feature_skew {
  std::string name;
  std::vector<skew_measurement> measurements;
  std::optional<std::string> skipped;
};

/// The anomaly kind a comparator reports: COMPARATOR_L_INFTY_HIGH for
/// "l_infinity", COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH,
/// COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH, COMPARATOR_UNSEEN_CATEGORIES_HIGH;
/// nothing for a name that is not a comparator.
template <class = void>
std::optional<anomaly_kind> skew_anomaly_kind(std::string_view comparator) noexcept;

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class>
std::optional<anomaly_kind> skew_anomaly_kind(std::string_view comparator) noexcept {
  if (comparator == "l_infinity") {
    return anomaly_kind::comparator_l_infty_high;
  }
  if (comparator == "normalized_abs_difference") {
    return anomaly_kind::comparator_normalized_absolute_difference_high;
  }
  if (comparator == "jensen_shannon") {
    return anomaly_kind::comparator_jensen_shannon_divergence_high;
  }
  if (comparator == "unseen_share") {
    return anomaly_kind::comparator_unseen_categories_high;
  }
  return std::nullopt;
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_FEATURE_SKEW_HPP

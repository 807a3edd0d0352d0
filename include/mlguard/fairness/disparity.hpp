#ifndef MLGUARD_FAIRNESS_DISPARITY_HPP
#define MLGUARD_FAIRNESS_DISPARITY_HPP

// The names of the group disparities (fairness/group_metrics.hpp computes
// them) and a limit on one of them, fairness_threshold: the small vocabulary
// the promotion guard (registry/fairness_guard.hpp) and the rollback policy
// (rollback/fairness_policy.hpp) share. Kept apart from the metrics so those
// headers stay cheap to include.

#include <string>
#include <string_view>

namespace mlguard::fairness {

/// A disparity of fairness_metrics (group_metrics.hpp), by name.
enum class disparity {
  demographic_parity_difference,
  demographic_parity_ratio,
  equalized_odds_difference,
  equal_opportunity_difference,
  tpr_difference,
  fpr_difference
};

/// The disparity's field name, e.g. "demographic_parity_difference".
inline const char* to_string(disparity d) noexcept {
  switch (d) {
  case disparity::demographic_parity_ratio:
    return "demographic_parity_ratio";
  case disparity::equalized_odds_difference:
    return "equalized_odds_difference";
  case disparity::equal_opportunity_difference:
    return "equal_opportunity_difference";
  case disparity::tpr_difference:
    return "tpr_difference";
  case disparity::fpr_difference:
    return "fpr_difference";
  case disparity::demographic_parity_difference:
  default:
    return "demographic_parity_difference";
  }
}

/// A fairness limit on one disparity: a difference must stay at or below
/// `limit`, the ratio at or above it (the "four-fifths rule" is
/// {demographic_parity_ratio, 0.8}). Used by registry::guards::fairness_limit
/// (registry/fairness_guard.hpp) and rollback::fairness_policy
/// (rollback/fairness_policy.hpp).
struct fairness_threshold {
  disparity metric = disparity::demographic_parity_difference;
  double limit = 0.1;

  /// True for the ratio, whose fair side is high.
  bool higher_is_fairer() const noexcept { return metric == disparity::demographic_parity_ratio; }
  /// True when `value` is on the unfair side of the limit (NaN: true).
  bool violated(double value) const noexcept {
    return higher_is_fairer() ? !(value >= limit) : !(value <= limit);
  }
};

/// "<prefix>.<disparity>": the name of a disparity as a registry metric
/// (metric_entries) and as a rollback signal (rollback/fairness_signals.hpp),
/// e.g. "fairness.zone.demographic_parity_difference".
template <class = void>
std::string metric_name(disparity d, std::string_view prefix);

} // namespace mlguard::fairness

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::fairness {

template <class>
std::string metric_name(disparity d, std::string_view prefix) {
  std::string s(prefix);
  s.append(".").append(to_string(d));
  return s;
}

} // namespace mlguard::fairness

#endif // MLGUARD_COMPILED
#endif // MLGUARD_FAIRNESS_DISPARITY_HPP

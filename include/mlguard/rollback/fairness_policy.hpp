#ifndef MLGUARD_ROLLBACK_FAIRNESS_POLICY_HPP
#define MLGUARD_ROLLBACK_FAIRNESS_POLICY_HPP

// A fairness limit as a rollback policy: fairness_policy, a threshold policy
// on a fairness signal ("<prefix>.<disparity>", fairness::metric_name, which
// rollback/fairness_signals.hpp sends from a fairness_monitor's windows).
// Apart from fairness_signals.hpp, so a program that builds its policy does
// not pay for the monitor, and the reverse.

#include <cstdint>
#include <string>
#include <string_view>

#include "mlguard/fairness/disparity.hpp"
#include "mlguard/rollback/policy.hpp"

namespace mlguard::rollback {

/// A threshold policy (hysteresis) on a fairness signal: trips when the
/// disparity passes `limit.limit` (above it for a difference, below it for the
/// ratio), clears when it is back past `reset`; windows of fewer than
/// `min_samples` rows are ignored. Throws rollback_error
/// (mlguard.rollback.invalid_option) when `reset` is beyond the limit on the unfair side.
template <class = void> // deferred: see core/json.hpp
policy fairness_policy(const fairness::fairness_threshold& limit, double reset,
                       std::uint64_t min_samples = 0, std::string_view prefix = "fairness");

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class> // deferred: see core/json.hpp
policy fairness_policy(const fairness::fairness_threshold& limit, double reset,
                       std::uint64_t min_samples, std::string_view prefix) {
  return threshold(fairness::metric_name(limit.metric, prefix), limit.limit, reset,
                   limit.higher_is_fairer() ? worse::below : worse::above, min_samples);
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_FAIRNESS_POLICY_HPP

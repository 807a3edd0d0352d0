#ifndef MLGUARD_ROLLBACK_DECISION_HPP
#define MLGUARD_ROLLBACK_DECISION_HPP

// What a rollback controller (or a canary judge, or replay) decided, and why:
// the verdict, the policy that fired, the numbers behind it and the time.

#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/rollback/policy.hpp"

namespace mlguard::rollback {

/// What to do with a version.
enum class decision_verdict {
  keep,     ///< it serves on
  rollback, ///< move the alias back (or abort a canary)
  promote,  ///< a canary passed: give it the alias
  hold,     ///< a rollback is called for but not allowed now (a gate, no earlier version)
};

/// "keep", "rollback", "promote" or "hold".
constexpr const char* to_string(decision_verdict v) noexcept {
  switch (v) {
  case decision_verdict::rollback:
    return "rollback";
  case decision_verdict::promote:
    return "promote";
  case decision_verdict::hold:
    return "hold";
  case decision_verdict::keep:
  default:
    return "keep";
  }
}

/// One policy's state and numbers at a decision.
struct finding {
  std::string policy;
  policy_state state = policy_state::unknown;
  /// The number the policy compared (a mean, a rate, a count); NaN when none.
  double value = 0.0;
  /// What it was compared with; NaN when nothing.
  double limit = 0.0;
  /// The samples behind value (threshold, consecutive: the last observation's).
  std::uint64_t samples = 0;
};

/// A decision about one version.
struct decision {
  timestamp time{};
  /// The version decided about.
  int version = 0;
  decision_verdict action = decision_verdict::keep;
  /// The policy that fired (rollback), the gate that blocked (hold), or what
  /// else decided ("canary judge", "no earlier version", a refusing guard).
  std::string policy;
  /// One line a person reads in the journal and the timeline.
  std::string reason;
  /// rollback: the version the alias goes back to.
  std::optional<int> target;
  /// The leaf policies' states and numbers when it was made.
  std::vector<finding> findings;
};

template <class = void> // deferred: see core/json.hpp
json to_json(const finding& f);

/// The decision as JSON: {"time": ISO-8601, "version", "verdict", "policy",
/// "reason", "target" (or null), "findings": [...]}.
template <class = void>
json to_json(const decision& d);

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/iso8601.hpp"

namespace mlguard::rollback {

template <class> // deferred: see core/json.hpp
json to_json(const finding& f) {
  return {{"policy", f.policy},
          {"state", to_string(f.state)},
          {"value", json_number(f.value)},
          {"limit", json_number(f.limit)},
          {"samples", f.samples}};
}

template <class>
json to_json(const decision& d) {
  json findings = json::array();
  for (const auto& f : d.findings) {
    findings.push_back(to_json(f));
  }
  return {{"time", format_iso8601(d.time)},
          {"version", d.version},
          {"verdict", to_string(d.action)},
          {"policy", d.policy},
          {"reason", d.reason},
          {"target", d.target ? json(*d.target) : json(nullptr)},
          {"findings", std::move(findings)}};
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_DECISION_HPP

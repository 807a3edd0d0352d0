#ifndef MLGUARD_ROLLBACK_POLICY_HPP
#define MLGUARD_ROLLBACK_POLICY_HPP

// Rollback policies: small values that say when the version an alias serves
// should be rolled back, composed with any_of and all_of, and saved as a
// "mlguard.rollback_policy" document.
//
// A policy answers, after each observation, one of three states:
//   tripped  the evidence says roll back;
//   clear    the evidence says keep;
//   unknown  not enough evidence yet (too few samples, no baseline).
// any_of and all_of combine them as Kleene's three-valued or / and.
//
// Triggers watch one signal of the version being served and start afresh
// when the alias moves:
//   threshold    hysteresis: trips when the value crosses `trip`, clears only
//                when it comes back past `reset`, so a value oscillating
//                between the two does not flap;
//   consecutive  k windows in a row beyond a level;
//   rate         value / samples summed over a sliding time window, once it
//                holds at least min_samples (a rejected or error rate);
//   drift        at least m features drifted in k of the last n windows;
//   detector     an online detector (DDM, ADWIN, ...) on the signal's values;
//                trips at its first drift and stays tripped for that version;
//   baseline     the version's mean is worse than the previous version's mean
//                (observed while it served) by more than a tolerance.
// Gates say whether acting is allowed now; they are tripped when they allow
// and unknown when they block, never clear, so all_of(gate, trigger) rolls
// back only when both agree, and the controller reports a blocked rollback as
// "hold" naming the gate:
//   grace        no decision before N samples of a signal (labelled requests)
//                and a duration since the alias moved;
//   cooldown     no rollback within a duration of the last one;
//   limit        at most R rollbacks per trailing period.
// docs/rollback.md draws each one's states.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::rollback {

/// Which side of a level is bad.
enum class worse { above, below };

/// A policy's answer after an observation (see the header comment).
enum class policy_state { clear, tripped, unknown };

/// "clear", "tripped" or "unknown".
constexpr const char* to_string(policy_state s) noexcept {
  return s == policy_state::clear ? "clear" : s == policy_state::tripped ? "tripped" : "unknown";
}

/// Trips when the signal crosses `trip`; clears when it is back past `reset`.
struct threshold_rule {
  std::string signal;
  double trip = 0.0;
  double reset = 0.0;
  worse bad = worse::above;
  /// Observations with fewer samples are ignored.
  std::uint64_t min_samples = 0;
};
/// Trips after `windows` observations in a row beyond `level`.
struct consecutive_rule {
  std::string signal;
  double level = 0.0;
  std::size_t windows = 1;
  worse bad = worse::above;
};
/// Trips when Σvalue / Σsamples over the last `window` exceeds `max_rate`.
struct rate_rule {
  std::string signal;
  double max_rate = 0.0;
  std::chrono::nanoseconds window{0};
  std::uint64_t min_samples = 1;
};
/// Trips when at least `features` drifted in `windows` of the last `of` windows.
struct drift_rule {
  std::string signal = "drifted_features";
  std::size_t features = 1;
  std::size_t windows = 1;
  std::size_t of = 1;
};
/// Trips at the first drift an online detector finds on the signal's values.
struct detector_rule {
  std::string signal = "error";
  std::string detector = "ddm";
  /// Options as `mlguard detect --param` takes them (River's names).
  std::vector<std::pair<std::string, std::string>> settings;
};
/// Trips when the version's mean is worse than the previous version's by
/// more than `tolerance` (relative: a share of the baseline; absolute).
struct baseline_rule {
  std::string signal;
  double tolerance = 0.0;
  worse bad = worse::above;
  bool relative = true;
  /// Samples of the signal both versions need before they are compared.
  std::uint64_t min_samples = 1;
};
/// Allows acting once the version has `samples` of `signal` and has served for `duration`.
struct grace_rule {
  std::string signal = "error";
  std::uint64_t samples = 0;
  std::chrono::nanoseconds duration{0};
};
/// Allows a rollback once `duration` has passed since the last one.
struct cooldown_rule {
  std::chrono::nanoseconds duration{0};
};
/// Allows a rollback while fewer than `rollbacks` happened in the trailing `period`.
struct limit_rule {
  std::size_t rollbacks = 1;
  std::chrono::nanoseconds period{0};
};
/// any_of / all_of: the combination of `policy::children`.
struct any_of_rule {};
struct all_of_rule {};

/// A rollback policy: one rule, or a combination of policies. A plain value;
/// its state lives in the decision engine that runs it.
template <class = void> // deferred: see core/json.hpp
class basic_policy {
public:
  using rule_type =
      std::variant<threshold_rule, consecutive_rule, rate_rule, drift_rule, detector_rule,
                   baseline_rule, grace_rule, cooldown_rule, limit_rule, any_of_rule, all_of_rule>;

  /// Wraps a rule, checking it. Throws rollback_error
  /// (mlguard.rollback.invalid_option) naming the setting that is out of range.
  explicit basic_policy(rule_type rule, std::vector<basic_policy> children = {},
                        std::string name = {});

  /// The same policy under another name (decisions cite policies by name).
  basic_policy named(std::string name) const;

  const rule_type& rule() const noexcept { return rule_; }
  const std::vector<basic_policy>& children() const noexcept { return children_; }
  /// Its name: the one given, or one describing the rule ("error_rate above 0.2").
  std::string name() const { return name_.empty() ? describe() : name_; }
  /// True for grace, cooldown and limit.
  bool is_gate() const noexcept;
  bool is_combination() const noexcept;

  /// A one-line description of the rule, e.g. "threshold error_rate above 0.2 (reset 0.1)".
  std::string describe() const;

private:
  void check() const;

  rule_type rule_;
  std::vector<basic_policy> children_;
  std::string name_;
};

/// The type to name (a class template only so that its bodies compile where used).
using policy = basic_policy<>;

/// Hysteresis on `signal`: trips at `trip`, clears at `reset` (reset must not
/// be beyond trip on the bad side).
template <class = void>
policy threshold(std::string signal, double trip, double reset, worse bad = worse::above,
                 std::uint64_t min_samples = 0);
/// `windows` observations of `signal` in a row beyond `level`.
template <class = void>
policy consecutive(std::string signal, double level, std::size_t windows, worse bad = worse::above);
/// Σvalue / Σsamples of `signal` over the trailing `window` above `max_rate`,
/// once the window holds `min_samples`.
template <class = void>
policy rate(std::string signal, double max_rate, std::chrono::nanoseconds window,
            std::uint64_t min_samples);
/// At least `features` drifted features in `windows` of the last `of` windows.
template <class = void>
policy drift(std::size_t features, std::size_t windows, std::size_t of,
             std::string signal = "drifted_features");
/// An online detector ("ddm", "adwin", ... as drift/online/detectors.hpp
/// names them) on `signal`'s values.
template <class = void>
policy detector(std::string name, std::string signal = "error",
                std::vector<std::pair<std::string, std::string>> settings = {});
/// The version's mean of `signal` against the previous version's.
template <class = void>
policy baseline(std::string signal, double tolerance, worse bad = worse::above,
                bool relative = true, std::uint64_t min_samples = 1);
/// Grace after each alias move: `samples` of `signal`, and `duration`.
template <class = void>
policy grace(std::uint64_t samples, std::string signal = "error",
             std::chrono::nanoseconds duration = std::chrono::nanoseconds(0));
/// No rollback within `duration` of the last one.
template <class = void>
policy cooldown(std::chrono::nanoseconds duration);
/// At most `rollbacks` rollbacks per trailing `period`.
template <class = void>
policy limit(std::size_t rollbacks, std::chrono::nanoseconds period);
/// Tripped when any is tripped; clear when all are clear; else unknown.
template <class = void>
policy any_of(std::vector<policy> policies);
/// Tripped when all are tripped; clear when any is clear; else unknown.
template <class = void>
policy all_of(std::vector<policy> policies);

/// The policy as JSON: {"kind": "threshold", "signal", "trip", ...} with
/// durations in seconds, combinations as {"kind": "any_of", "policies": [...]},
/// and "name" when one was given.
template <class = void>
json to_json(const policy& p);

/// Reads what to_json(policy) wrote; `source` names the document in errors.
/// Throws format_error (mlguard.format.corrupt, unknown_field, naming the
/// field's path; corrupt too when any_of/all_of nest deeper than 32 levels)
/// and rollback_error (mlguard.rollback.invalid_option).
template <class = void>
policy policy_from_json(const json_reader& r);

/// A saved rollback policy: {"format": "mlguard.rollback_policy",
/// "format_version": 1, "policy": {...}}.
struct policy_document {
  policy rollback;

  static constexpr document_format format{"mlguard.rollback_policy", 1};

  template <class = void>
  json to_json() const {
    json d = new_document(format);
    d["policy"] = rollback::to_json(rollback);
    return d;
  }
  /// Throws as policy_from_json, and format_error (wrong_kind, newer_version).
  template <class = void>
  static policy_document from_json(const json& document, std::string_view source) {
    const auto r = json_reader::document(document, format, std::string(source), {"policy"});
    return policy_document{policy_from_json(r.object("policy"))};
  }
  /// Writes atomically. Throws io_error (mlguard.io.write_failed).
  template <class = void>
  void save(const std::string& path) const {
    save_json(path, to_json());
  }
  /// Throws io_error (open_failed, read_failed) and as from_json.
  template <class = void>
  static policy_document load(const std::string& path) {
    return from_json(load_json(path), path);
  }
};

} // namespace mlguard::rollback

#include "mlguard/rollback/detail/policy_impl.hpp"

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class V>
MLGUARD_INLINE basic_policy<V>::basic_policy(rule_type rule, std::vector<basic_policy> children,
                                             std::string name)
    : rule_(std::move(rule)), children_(std::move(children)), name_(std::move(name)) {
  check();
}

template <class V>
MLGUARD_INLINE auto basic_policy<V>::named(std::string name) const -> basic_policy {
  basic_policy p = *this;
  p.name_ = std::move(name);
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_policy<V>::is_gate() const noexcept -> bool {
  return std::holds_alternative<grace_rule>(rule_) ||
         std::holds_alternative<cooldown_rule>(rule_) || std::holds_alternative<limit_rule>(rule_);
}

template <class V>
MLGUARD_INLINE auto basic_policy<V>::is_combination() const noexcept -> bool {
  return std::holds_alternative<any_of_rule>(rule_) || std::holds_alternative<all_of_rule>(rule_);
}

template <class>
policy threshold(std::string signal, double trip, double reset, worse bad,
                 std::uint64_t min_samples) {
  return policy(threshold_rule{std::move(signal), trip, reset, bad, min_samples});
}

template <class>
policy consecutive(std::string signal, double level, std::size_t windows, worse bad) {
  return policy(consecutive_rule{std::move(signal), level, windows, bad});
}

template <class>
policy rate(std::string signal, double max_rate, std::chrono::nanoseconds window,
            std::uint64_t min_samples) {
  return policy(rate_rule{std::move(signal), max_rate, window, min_samples});
}

template <class>
policy drift(std::size_t features, std::size_t windows, std::size_t of, std::string signal) {
  return policy(drift_rule{std::move(signal), features, windows, of});
}

template <class>
policy detector(std::string name, std::string signal,
                std::vector<std::pair<std::string, std::string>> settings) {
  return policy(detector_rule{std::move(signal), std::move(name), std::move(settings)});
}

template <class>
policy baseline(std::string signal, double tolerance, worse bad, bool relative,
                std::uint64_t min_samples) {
  return policy(baseline_rule{std::move(signal), tolerance, bad, relative, min_samples});
}

template <class>
policy grace(std::uint64_t samples, std::string signal, std::chrono::nanoseconds duration) {
  return policy(grace_rule{std::move(signal), samples, duration});
}

template <class>
policy cooldown(std::chrono::nanoseconds duration) {
  return policy(cooldown_rule{duration});
}

template <class>
policy limit(std::size_t rollbacks, std::chrono::nanoseconds period) {
  return policy(limit_rule{rollbacks, period});
}

template <class>
policy any_of(std::vector<policy> policies) {
  return policy(any_of_rule{}, std::move(policies));
}

template <class>
policy all_of(std::vector<policy> policies) {
  return policy(all_of_rule{}, std::move(policies));
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_POLICY_HPP

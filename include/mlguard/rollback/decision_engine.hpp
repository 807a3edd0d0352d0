#ifndef MLGUARD_ROLLBACK_DECISION_ENGINE_HPP
#define MLGUARD_ROLLBACK_DECISION_ENGINE_HPP

// The decision engine: a policy's running state, fed a trace of events, one
// at a time, answering with decisions. The live controller and replay both
// run it, so a recorded trace replays to the same decisions.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/rollback/decision.hpp"
#include "mlguard/rollback/detail/rule_state.hpp"
#include "mlguard/rollback/policy.hpp"
#include "mlguard/rollback/signal.hpp"

namespace mlguard::rollback {

/// Runs a policy over the events of one alias.
///
/// - An alias event starts watching its version: the triggers start afresh,
///   the grace period begins; a rollback is remembered for cooldown and limit.
/// - An observation of the watched version (or of version 0) updates the
///   policy, which is then evaluated. Observations of other versions only add
///   to those versions' statistics (the baseline policy compares with them).
/// - After each observation the verdict is:
///     rollback  the policy is tripped and an earlier version exists;
///     hold      it is tripped but there is no earlier version, or it would
///               be tripped if its closed gates were open;
///     keep      otherwise.
///   A decision is returned when the verdict, or the policy behind it, changes
///   (a hold for a grace period that becomes a hold for want of an earlier
///   version is news). After a rollback the
///   engine decides nothing more about that version until the alias moves.
///
/// Not thread-safe: one thread feeds it (the controller's).
template <class = void> // deferred: see core/json.hpp
class basic_decision_engine {
public:
  /// Throws nothing beyond what copying the policy throws.
  explicit basic_decision_engine(policy p) : policy_(std::move(p)), root_(policy_) {}

  basic_decision_engine(const basic_decision_engine&) = delete;
  basic_decision_engine& operator=(const basic_decision_engine&) = delete;

  /// Feeds one event; returns the decision it caused, if any.
  std::optional<decision> feed(const trace_event& e);

  /// The alias moved (or was first seen): watch `a.version` from now on.
  void feed(const alias_event& a);

  /// An observation; returns a decision when the verdict changed.
  std::optional<decision> feed(const observation& o);

  /// The controller could not roll back (a guard refused, the alias had no
  /// earlier version after all): a hold decision citing `by`. The engine
  /// does not try again for this version.
  decision refused(timestamp t, std::string by, std::string reason);

  /// The verdict the policy gives now, with its findings (whether or not it changed).
  decision evaluate() const;

  /// Every leaf policy's state and numbers now.
  std::vector<finding> findings() const;

  /// The watched version (0 before the first alias event).
  int version() const noexcept { return version_; }
  /// The version a rollback would go to.
  std::optional<int> previous() const noexcept { return previous_; }
  /// The last verdict decided for the watched version.
  decision_verdict last() const noexcept { return last_; }
  const policy& rules() const noexcept { return policy_; }

private:
  detail::rule_context context() const;

  static std::string numbers_of(const std::string& name, const std::vector<finding>& fs);

  policy policy_;
  detail::rule_state root_;
  int version_ = 0;
  std::optional<int> previous_;
  timestamp since_{};
  timestamp now_{};
  bool acted_ = false;
  decision_verdict last_ = decision_verdict::keep;
  std::string last_policy_ = policy_.name();
  std::vector<timestamp> rollbacks_;
  std::map<int, std::map<std::string, detail::signal_stats>> stats_;
};

/// The type to name (a class template only so that its bodies compile where used).
using decision_engine = basic_decision_engine<>;

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::feed(const trace_event& e)
    -> std::optional<decision> {
  if (e.type == trace_event::kind::alias) {
    feed(e.moved);
    return std::nullopt;
  }
  return feed(e.observed);
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::feed(const alias_event& a) -> void {
  if (a.rollback) {
    rollbacks_.push_back(a.time);
  }
  if (a.version != version_ || a.rollback) {
    root_.restart();
    acted_ = false;
    last_ = decision_verdict::keep;
    last_policy_ = policy_.name();
  }
  version_ = a.version;
  previous_ = a.previous;
  since_ = a.time;
  now_ = std::max(now_, a.time);
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::feed(const observation& o)
    -> std::optional<decision> {
  const int v = o.version == 0 ? version_ : o.version;
  if (std::isfinite(o.value)) {
    stats_[v][o.signal].add(o.value, o.samples);
  }
  now_ = std::max(now_, o.time);
  if (v != version_ || version_ == 0) {
    return std::nullopt;
  }
  root_.observe(o);
  if (acted_) {
    return std::nullopt;
  }
  decision d = evaluate();
  if (d.action == last_ && d.policy == last_policy_) {
    return std::nullopt;
  }
  last_ = d.action;
  last_policy_ = d.policy;
  acted_ = d.action == decision_verdict::rollback;
  return d;
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::refused(timestamp t, std::string by,
                                                      std::string reason) -> decision {
  decision d;
  d.time = t;
  d.version = version_;
  d.action = decision_verdict::hold;
  d.policy = std::move(by);
  d.reason = std::move(reason);
  d.findings = findings();
  last_ = decision_verdict::hold;
  last_policy_ = d.policy;
  acted_ = true;
  return d;
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::evaluate() const -> decision {
  const auto ctx = context();
  decision d;
  d.time = now_;
  d.version = version_;
  d.findings = findings();
  const auto s = root_.evaluate(ctx, false);
  if (s == policy_state::tripped) {
    const auto* fired = root_.first(ctx, policy_state::tripped, false);
    d.policy = fired != nullptr ? fired->spec().name() : policy_.name();
    if (previous_) {
      d.action = decision_verdict::rollback;
      d.target = previous_;
      d.reason = d.policy + " tripped" + numbers_of(d.policy, d.findings);
    } else {
      d.action = decision_verdict::hold;
      d.reason = d.policy + " tripped, but no earlier version to roll back to";
      d.policy = "no earlier version";
    }
    return d;
  }
  if (root_.evaluate(ctx, true) == policy_state::tripped) {
    const auto* fired = root_.first(ctx, policy_state::tripped, false);
    const auto* gate = root_.first(ctx, policy_state::unknown, true);
    d.action = decision_verdict::hold;
    d.policy = gate != nullptr ? gate->spec().name() : policy_.name();
    d.reason = (fired != nullptr ? fired->spec().name() : policy_.name()) + " tripped; held by " +
               d.policy + numbers_of(d.policy, d.findings);
    return d;
  }
  d.action = decision_verdict::keep;
  d.policy = policy_.name();
  d.reason = s == policy_state::clear ? "clear" : "waiting for evidence";
  return d;
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::findings() const -> std::vector<finding> {
  std::vector<finding> out;
  root_.findings(context(), out);
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::context() const -> detail::rule_context {
  detail::rule_context ctx;
  ctx.now = now_;
  ctx.since = since_;
  const auto cur = stats_.find(version_);
  ctx.current = cur == stats_.end() ? nullptr : &cur->second;
  if (previous_) {
    const auto prev = stats_.find(*previous_);
    ctx.previous = prev == stats_.end() ? nullptr : &prev->second;
  }
  ctx.rollbacks = &rollbacks_;
  return ctx;
}

template <class V>
MLGUARD_INLINE auto basic_decision_engine<V>::numbers_of(const std::string& name,
                                                         const std::vector<finding>& fs)
    -> std::string {
  for (const auto& f : fs) {
    if (f.policy == name) {
      return ": " + detail::number_text(f.value) + " vs " + detail::number_text(f.limit) + " (" +
             std::to_string(f.samples) + (f.samples == 1 ? " sample)" : " samples)");
    }
  }
  return {};
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_DECISION_ENGINE_HPP

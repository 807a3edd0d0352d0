#ifndef MLGUARD_ROLLBACK_DETAIL_RULE_STATE_HPP
#define MLGUARD_ROLLBACK_DETAIL_RULE_STATE_HPP

// The running state of one policy tree node, and its evaluation. The decision
// engine owns a tree of these mirroring its policy.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/rollback/decision.hpp"
#include "mlguard/rollback/policy.hpp"
#include "mlguard/rollback/signal.hpp"

namespace mlguard::rollback::detail {

/// Count and mean of one signal's values.
struct signal_stats {
  std::uint64_t samples = 0;
  double sum = 0.0; ///< Σ value × samples
  double mean() const noexcept {
    return samples == 0 ? std::numeric_limits<double>::quiet_NaN()
                        : sum / static_cast<double>(samples);
  }
  void add(double value, std::uint64_t n) noexcept {
    samples += n;
    sum += value * static_cast<double>(n);
  }
};

/// What the gates and the baseline see besides the observations.
struct rule_context {
  timestamp now{};
  /// When the alias moved to the watched version.
  timestamp since{};
  /// The watched version's statistics per signal.
  const std::map<std::string, signal_stats>* current = nullptr;
  /// The previous version's (null: none known).
  const std::map<std::string, signal_stats>* previous = nullptr;
  /// Every rollback of the alias so far, oldest first.
  const std::vector<timestamp>* rollbacks = nullptr;
};

inline const signal_stats* find_stats(const std::map<std::string, signal_stats>* m,
                                      const std::string& signal) {
  if (m == nullptr) {
    return nullptr;
  }
  const auto it = m->find(signal);
  return it == m->end() ? nullptr : &it->second;
}

template <class = void>
bool at_or_beyond(double v, double level, worse bad) noexcept;

/// A detector rule's online detector. Defined with the bodies, so that the
/// declarations need not parse every detector (drift/online/detectors.hpp).
struct rule_detector;

/// The state of one node of a policy tree. Move-only: it points into its
/// engine's policy.
template <class = void> // deferred: see core/json.hpp
class basic_rule_state {
public:
  explicit basic_rule_state(const policy& p);
  basic_rule_state(basic_rule_state&& other);
  basic_rule_state& operator=(basic_rule_state&& other);
  ~basic_rule_state();

  /// Forgets everything about the watched version (the alias moved).
  void restart();

  /// Takes one observation of the watched version.
  void observe(const observation& o);

  /// The node's state; with gates_open, every gate counts as allowing.
  policy_state evaluate(const rule_context& ctx, bool gates_open) const;

  /// The leaves' findings, depth first.
  void findings(const rule_context& ctx, std::vector<finding>& out) const;

  /// The first leaf, depth first, that is a trigger in state `s` (or a gate
  /// when `gate`), or null.
  const basic_rule_state* first(const rule_context& ctx, policy_state s, bool gate) const;

  const policy& spec() const noexcept { return *spec_; }

private:
  static constexpr double nan = std::numeric_limits<double>::quiet_NaN();

  // ---- taking an observation
  void take(const threshold_rule& t, const observation& o);
  void take(const consecutive_rule& c, const observation& o);
  void take(const rate_rule& r, const observation& o);
  void take(const drift_rule& d, const observation& o);
  void take(const detector_rule& d, const observation& o);
  template <class Rule>
  void take(const Rule&, const observation&) {} // baseline and gates read the context

  // ---- states
  policy_state state(const threshold_rule&, const rule_context&) const;
  policy_state state(const consecutive_rule& c, const rule_context&) const;
  std::pair<double, std::uint64_t> rate_now(const rate_rule& r, const rule_context& ctx) const;
  policy_state state(const rate_rule& r, const rule_context& ctx) const;
  std::size_t drift_hits() const;
  policy_state state(const drift_rule& d, const rule_context&) const;
  policy_state state(const detector_rule&, const rule_context&) const;
  static double baseline_limit(const baseline_rule& b, double base);
  policy_state state(const baseline_rule& b, const rule_context& ctx) const;
  policy_state state(const grace_rule& g, const rule_context& ctx) const;
  policy_state state(const cooldown_rule& c, const rule_context& ctx) const;
  std::size_t recent_rollbacks(const limit_rule& l, const rule_context& ctx) const;
  policy_state state(const limit_rule& l, const rule_context& ctx) const;
  template <class Rule>
  policy_state state(const Rule&, const rule_context&) const {
    return policy_state::unknown; // combinations are evaluated above
  }

  // ---- the numbers behind a finding
  void numbers(const threshold_rule& t, const rule_context&, finding& f) const;
  void numbers(const consecutive_rule& c, const rule_context&, finding& f) const;
  void numbers(const rate_rule& r, const rule_context& ctx, finding& f) const;
  void numbers(const drift_rule& d, const rule_context&, finding& f) const;
  void numbers(const detector_rule&, const rule_context&, finding& f) const;
  void numbers(const baseline_rule& b, const rule_context& ctx, finding& f) const;
  void numbers(const grace_rule& g, const rule_context& ctx, finding& f) const;
  void numbers(const cooldown_rule& c, const rule_context& ctx, finding& f) const;
  void numbers(const limit_rule& l, const rule_context& ctx, finding& f) const;
  template <class Rule>
  void numbers(const Rule&, const rule_context&, finding&) const {}

  struct rate_event {
    timestamp time;
    double value;
    std::uint64_t samples;
  };

  const policy* spec_;
  std::vector<basic_rule_state> children_;
  bool tripped_ = false;
  std::uint64_t seen_ = 0;         ///< observations taken
  std::uint64_t samples_ = 0;      ///< a detector's: the samples behind its values
  std::uint64_t last_samples_ = 0; ///< behind the last value (threshold, consecutive)
  std::size_t run_ = 0;
  double value_ = nan;
  std::deque<rate_event> events_;
  std::deque<bool> windows_;
  std::unique_ptr<rule_detector> detector_; ///< a detector rule's; null for the others
  bool drifted_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using rule_state = basic_rule_state<>;

} // namespace mlguard::rollback::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/online/detectors.hpp"

namespace mlguard::rollback::detail {

template <class>
bool at_or_beyond(double v, double level, worse bad) noexcept {
  return bad == worse::above ? v >= level : v <= level;
}

struct rule_detector {
  drift::online::any_detector detector;
};

template <class V>
MLGUARD_INLINE basic_rule_state<V>::basic_rule_state(const policy& p) : spec_(&p) {
  for (const auto& c : p.children()) {
    children_.emplace_back(c);
  }
  if (const auto* d = std::get_if<detector_rule>(&p.rule())) {
    detector_ = std::make_unique<rule_detector>(
        rule_detector{drift::online::make_detector(d->detector, d->settings)});
  }
}

template <class V>
MLGUARD_INLINE basic_rule_state<V>::basic_rule_state(basic_rule_state&& other) = default;

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::operator=(basic_rule_state&& other)
    -> basic_rule_state& = default;

template <class V>
MLGUARD_INLINE basic_rule_state<V>::~basic_rule_state() = default;

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::restart() -> void {
  tripped_ = false;
  seen_ = 0;
  samples_ = 0;
  last_samples_ = 0;
  run_ = 0;
  events_.clear();
  windows_.clear();
  drifted_ = false;
  value_ = std::numeric_limits<double>::quiet_NaN();
  if (detector_) {
    std::visit([](auto& d) { d.reset(); }, detector_->detector);
  }
  for (auto& c : children_) {
    c.restart();
  }
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::observe(const observation& o) -> void {
  for (auto& c : children_) {
    c.observe(o);
  }
  std::visit([&](const auto& rule) { take(rule, o); }, spec_->rule());
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::evaluate(const rule_context& ctx, bool gates_open) const
    -> policy_state {
  if (std::holds_alternative<any_of_rule>(spec_->rule()) ||
      std::holds_alternative<all_of_rule>(spec_->rule())) {
    const bool any = std::holds_alternative<any_of_rule>(spec_->rule());
    bool unknown = false;
    for (const auto& c : children_) {
      const auto s = c.evaluate(ctx, gates_open);
      if (s == (any ? policy_state::tripped : policy_state::clear)) {
        return s;
      }
      unknown = unknown || s == policy_state::unknown;
    }
    if (unknown) {
      return policy_state::unknown;
    }
    return any ? policy_state::clear : policy_state::tripped;
  }
  if (spec_->is_gate() && gates_open) {
    return policy_state::tripped;
  }
  return std::visit([&](const auto& rule) { return state(rule, ctx); }, spec_->rule());
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::findings(const rule_context& ctx,
                                                  std::vector<finding>& out) const -> void {
  if (spec_->is_combination()) {
    for (const auto& c : children_) {
      c.findings(ctx, out);
    }
    return;
  }
  finding f;
  f.policy = spec_->name();
  f.state = evaluate(ctx, false);
  std::visit([&](const auto& rule) { numbers(rule, ctx, f); }, spec_->rule());
  out.push_back(std::move(f));
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::first(const rule_context& ctx, policy_state s,
                                               bool gate) const -> const basic_rule_state* {
  if (spec_->is_combination()) {
    for (const auto& c : children_) {
      if (const auto* hit = c.first(ctx, s, gate)) {
        return hit;
      }
    }
    return nullptr;
  }
  return spec_->is_gate() == gate && evaluate(ctx, false) == s ? this : nullptr;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::take(const threshold_rule& t, const observation& o)
    -> void {
  if (o.signal != t.signal || o.samples < t.min_samples || !std::isfinite(o.value)) {
    return;
  }
  value_ = o.value;
  ++seen_;
  last_samples_ = o.samples;
  if (tripped_ &&
      at_or_beyond(o.value, t.reset, t.bad == worse::above ? worse::below : worse::above)) {
    tripped_ = false;
  }
  if (!tripped_ && at_or_beyond(o.value, t.trip, t.bad)) {
    tripped_ = true;
  }
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::take(const consecutive_rule& c, const observation& o)
    -> void {
  if (o.signal != c.signal || !std::isfinite(o.value)) {
    return;
  }
  value_ = o.value;
  ++seen_;
  last_samples_ = o.samples;
  run_ = at_or_beyond(o.value, c.level, c.bad) ? run_ + 1 : 0;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::take(const rate_rule& r, const observation& o) -> void {
  if (o.signal != r.signal || !std::isfinite(o.value) || o.value < 0.0) {
    return;
  }
  events_.push_back({o.time, o.value, o.samples});
  while (!events_.empty() && events_.front().time <= o.time - r.window) {
    events_.pop_front();
  }
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::take(const drift_rule& d, const observation& o) -> void {
  if (o.signal != d.signal || !std::isfinite(o.value)) {
    return;
  }
  windows_.push_back(o.value >= static_cast<double>(d.features));
  if (windows_.size() > d.of) {
    windows_.pop_front();
  }
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::take(const detector_rule& d, const observation& o)
    -> void {
  if (o.signal != d.signal || !std::isfinite(o.value)) {
    return;
  }
  ++seen_;
  samples_ += o.samples;
  value_ = o.value;
  const auto s = std::visit([&](auto& det) { return det.update(o.value); }, detector_->detector);
  drifted_ = drifted_ || s == drift::online::detector_state::drift;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const threshold_rule&, const rule_context&) const
    -> policy_state {
  return seen_ == 0 ? policy_state::unknown
         : tripped_ ? policy_state::tripped
                    : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const consecutive_rule& c, const rule_context&) const
    -> policy_state {
  return run_ >= c.windows ? policy_state::tripped
         : seen_ == 0      ? policy_state::unknown
                           : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::rate_now(const rate_rule& r, const rule_context& ctx) const
    -> std::pair<double, std::uint64_t> {
  double bad = 0.0;
  std::uint64_t n = 0;
  for (const auto& e : events_) {
    if (e.time > ctx.now - r.window) {
      bad += e.value;
      n += e.samples;
    }
  }
  return {n == 0 ? nan : bad / static_cast<double>(n), n};
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const rate_rule& r, const rule_context& ctx) const
    -> policy_state {
  const auto [rate, n] = rate_now(r, ctx);
  if (n < r.min_samples) {
    return policy_state::unknown;
  }
  return rate > r.max_rate ? policy_state::tripped : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::drift_hits() const -> std::size_t {
  std::size_t hits = 0;
  for (bool w : windows_) {
    hits += w ? 1 : 0;
  }
  return hits;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const drift_rule& d, const rule_context&) const
    -> policy_state {
  if (windows_.empty()) {
    return policy_state::unknown;
  }
  return drift_hits() >= d.windows ? policy_state::tripped : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const detector_rule&, const rule_context&) const
    -> policy_state {
  return drifted_     ? policy_state::tripped
         : seen_ == 0 ? policy_state::unknown
                      : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::baseline_limit(const baseline_rule& b, double base)
    -> double {
  const double margin = b.relative ? std::abs(base) * b.tolerance : b.tolerance;
  return b.bad == worse::above ? base + margin : base - margin;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const baseline_rule& b,
                                               const rule_context& ctx) const -> policy_state {
  const auto* cur = find_stats(ctx.current, b.signal);
  const auto* base = find_stats(ctx.previous, b.signal);
  if (cur == nullptr || base == nullptr || cur->samples < b.min_samples ||
      base->samples < b.min_samples) {
    return policy_state::unknown;
  }
  const double limit = baseline_limit(b, base->mean());
  const bool worse_than = b.bad == worse::above ? cur->mean() > limit : cur->mean() < limit;
  return worse_than ? policy_state::tripped : policy_state::clear;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const grace_rule& g, const rule_context& ctx) const
    -> policy_state {
  const auto* s = find_stats(ctx.current, g.signal);
  const std::uint64_t n = s == nullptr ? 0 : s->samples;
  const bool over = n >= g.samples && ctx.now - ctx.since >= g.duration;
  return over ? policy_state::tripped : policy_state::unknown;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const cooldown_rule& c,
                                               const rule_context& ctx) const -> policy_state {
  const bool over = ctx.rollbacks->empty() || ctx.now - ctx.rollbacks->back() >= c.duration;
  return over ? policy_state::tripped : policy_state::unknown;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::recent_rollbacks(const limit_rule& l,
                                                          const rule_context& ctx) const
    -> std::size_t {
  std::size_t n = 0;
  for (const auto t : *ctx.rollbacks) {
    n += t > ctx.now - l.period ? 1 : 0;
  }
  return n;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::state(const limit_rule& l, const rule_context& ctx) const
    -> policy_state {
  return recent_rollbacks(l, ctx) < l.rollbacks ? policy_state::tripped : policy_state::unknown;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const threshold_rule& t, const rule_context&,
                                                 finding& f) const -> void {
  f.value = value_;
  f.limit = t.trip;
  f.samples = last_samples_;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const consecutive_rule& c, const rule_context&,
                                                 finding& f) const -> void {
  f.value = static_cast<double>(run_);
  f.limit = static_cast<double>(c.windows);
  f.samples = last_samples_;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const rate_rule& r, const rule_context& ctx,
                                                 finding& f) const -> void {
  const auto [rate, n] = rate_now(r, ctx);
  f.value = rate;
  f.limit = r.max_rate;
  f.samples = n;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const drift_rule& d, const rule_context&,
                                                 finding& f) const -> void {
  f.value = static_cast<double>(drift_hits());
  f.limit = static_cast<double>(d.windows);
  f.samples = windows_.size();
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const detector_rule&, const rule_context&,
                                                 finding& f) const -> void {
  f.value = drifted_ ? 1.0 : 0.0;
  f.limit = 1.0;
  f.samples = samples_;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const baseline_rule& b, const rule_context& ctx,
                                                 finding& f) const -> void {
  const auto* cur = find_stats(ctx.current, b.signal);
  const auto* base = find_stats(ctx.previous, b.signal);
  f.value = cur == nullptr ? nan : cur->mean();
  f.limit = base == nullptr ? nan : baseline_limit(b, base->mean());
  f.samples = cur == nullptr ? 0 : cur->samples;
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const grace_rule& g, const rule_context& ctx,
                                                 finding& f) const -> void {
  const auto* s = find_stats(ctx.current, g.signal);
  f.samples = s == nullptr ? 0 : s->samples;
  f.value = static_cast<double>(f.samples);
  f.limit = static_cast<double>(g.samples);
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const cooldown_rule& c, const rule_context& ctx,
                                                 finding& f) const -> void {
  f.value = ctx.rollbacks->empty()
                ? nan
                : std::chrono::duration<double>(ctx.now - ctx.rollbacks->back()).count();
  f.limit = std::chrono::duration<double>(c.duration).count();
}

template <class V>
MLGUARD_INLINE auto basic_rule_state<V>::numbers(const limit_rule& l, const rule_context& ctx,
                                                 finding& f) const -> void {
  f.value = static_cast<double>(recent_rollbacks(l, ctx));
  f.limit = static_cast<double>(l.rollbacks);
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_DETAIL_RULE_STATE_HPP

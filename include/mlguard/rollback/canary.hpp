#ifndef MLGUARD_ROLLBACK_CANARY_HPP
#define MLGUARD_ROLLBACK_CANARY_HPP

// A canary release: the canary judge (canary_judge.hpp) applied to a
// serving::canary_router's per-arm metrics, and the registry moves that
// follow from its verdict.
//
//   router.snapshot() ──judge_canary()──▶ decision ──canary_release──▶ registry
//     pass     → promote: set_alias(model, "champion", challenger,
//                  expected = version(champion), {actor, reason})
//     fail     → rollback (abort the canary): router share → 0, then
//                  delete_alias(model, "challenger", expected = version(challenger), ...)
//     marginal, nodata → keep: the canary runs on, nothing is written
//
// The followers of the two aliases then swap what the router's slots hold.
// Every move carries the decision's reason and the release's actor, so the
// registry's journal says why a challenger was promoted or aborted; a keep
// changes nothing and is not journaled (it would repeat on every poll).
//
// Threads: judge_canary is stateless. canary_release::poll() from one thread
// at a time (never a request thread: it writes the registry); the router it
// reads may serve requests meanwhile.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/report/alert.hpp"
#include "mlguard/rollback/canary_judge.hpp"
#include "mlguard/rollback/decision.hpp"
#include "mlguard/serving/router.hpp"

namespace mlguard::rollback {

/// The judge's options for a per-request error: Kayenta's defaults, with
/// only an increase counted as bad (direction increase) and the metric critical.
template <class = void>
canary_metric_options canary_error_options();

/// Judges a router snapshot's challenger (the experiment) against its champion
/// (the control) with canary_judge, on the metric "error" (the per-request
/// errors of the labelled requests, with `metric`) and, when both arms have
/// reported latencies, "latency" (with `metric`, but never critical).
/// The decision (time `now`, version = the challenger's):
///  - pass → promote; fail → rollback, target = the champion's version (the
///    canary is aborted); marginal or nodata → keep;
///  - policy "canary judge"; reason: the verdict, score, and each metric's
///    Hodges–Lehmann shift, interval, mean ratio and sample sizes;
///  - findings: "canary judge: <metric>" per metric (state tripped for high or
///    low, clear for pass, unknown for nodata; value = the shift experiment −
///    control, limit = tolerance × |shift|, the margin the interval must clear;
///    samples = the challenger's values) and "canary judge: score" (value =
///    score, limit = pass_threshold).
/// A snapshot without a challenger or champion version is judged nodata.
/// Throws what canary_judge throws (rollback_error invalid_option for options
/// out of range, non_finite for an infinite value).
template <class = void>
decision judge_canary(const serving::router_snapshot& snapshot,
                      const canary_metric_options& metric = canary_error_options(),
                      const canary_judge_options& options = {}, timestamp now = {});

/// How a canary_release acts.
struct canary_release_options {
  /// The model, and the aliases its router's two slots follow.
  std::string model;
  std::string champion_alias = "champion";
  std::string challenger_alias = "challenger";
  /// Recorded as the actor of its alias moves in the registry's journal.
  std::string actor = "canary-release";
  /// Time source for decisions and alerts (nullptr: the system clock).
  const clock_source* clock = nullptr;
  /// How the judge compares the arms (judge_canary).
  canary_metric_options metric = canary_error_options();
  canary_judge_options judge;
  /// Receives every decision (on the thread running poll()).
  std::function<void(const decision&)> on_decision;
  /// Receive the alerts: a promotion (info), an abort (warning), a move the
  /// registry refused or lost to another writer (critical / warning).
  report::alert_sinks alerts;
};

/// Runs one canary: judges the router's arms and promotes or aborts through the registry.
///
/// poll() judges the router's snapshot (judge_canary) and acts on it (see
/// the header comment). It returns nothing while no canary runs: the
/// router's share is 0 (after an abort or a promotion, until the application
/// sets a share for the next challenger), an arm is empty, or both arms serve
/// the same version. On promote it sets the share to 0 too: the new champion
/// takes all traffic once the champion's follower swaps it in.
/// A promotion the registry does not apply (the champion alias moved since
/// the snapshot: a conflict; or a transition guard refused it) becomes a
/// hold decision with the reason, and an alert. An abort always stops the
/// canary's traffic first, whatever the registry then says.
template <class = void> // deferred: see core/json.hpp
class basic_canary_release {
public:
  /// Throws rollback_error (mlguard.rollback.invalid_option) for an empty
  /// model or alias name, or the same alias for both arms. The registry and
  /// the router must outlive the release.
  basic_canary_release(registry::model_registry& registry, serving::canary_router& router,
                       canary_release_options options);

  /// One round (see the class comment). Throws what the registry throws
  /// (io_error, registry_error not_found for an unknown model) and what
  /// judge_canary throws.
  std::optional<decision> poll();

private:
  registry::change_context context(const decision& d) const;

  void promote(decision& d, const serving::router_snapshot& s);

  void abort(decision& d, const serving::router_snapshot& s);

  void raise(report::alert_level level, const std::string& what, std::string summary,
             const decision& d);

  registry::model_registry& registry_;
  serving::canary_router& router_;
  canary_release_options options_;
  const clock_source& clock_;
};

/// The type to name (a class template only so that its bodies compile where used).
using canary_release = basic_canary_release<>;

namespace detail {

template <class = void>
std::string canary_number(double x);

template <class = void>
policy_state canary_state(metric_class c) noexcept;

} // namespace detail

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class>
decision judge_canary(const serving::router_snapshot& snapshot, const canary_metric_options& metric,
                      const canary_judge_options& options, timestamp now) {
  std::vector<canary_metric> metrics;
  metrics.push_back({"error", snapshot.champion.errors, snapshot.challenger.errors, metric});
  if (!snapshot.champion.latencies.empty() && !snapshot.challenger.latencies.empty()) {
    auto latency = metric;
    latency.critical = false;
    metrics.push_back(
        {"latency", snapshot.champion.latencies, snapshot.challenger.latencies, latency});
  }
  const judgement j = canary_judge(metrics, options);

  decision d;
  d.time = now;
  d.version = snapshot.challenger.version;
  d.policy = "canary judge";
  switch (j.verdict) {
  case canary_verdict::pass:
    d.action = decision_verdict::promote;
    break;
  case canary_verdict::fail:
    d.action = decision_verdict::rollback;
    d.target = snapshot.champion.version;
    break;
  case canary_verdict::marginal:
  case canary_verdict::nodata:
  default:
    d.action = decision_verdict::keep;
    break;
  }
  using detail::canary_number;
  std::string reason = "canary v" + std::to_string(snapshot.challenger.version) + " against v" +
                       std::to_string(snapshot.champion.version) + ": " + to_string(j.verdict) +
                       ", score " + canary_number(j.score) + " (pass ≥ " +
                       canary_number(options.pass_threshold) + ", marginal ≥ " +
                       canary_number(options.marginal_threshold) + ")";
  if (!j.reason.empty()) {
    reason += ", " + j.reason;
  }
  std::size_t samples = 0;
  for (std::size_t i = 0; i < j.metrics.size(); ++i) {
    const auto& m = j.metrics[i];
    reason += "; " + m.name + " " + to_string(m.classification);
    if (m.classification == metric_class::nodata) {
      reason += " (" + std::to_string(m.n_experiment) + " challenger and " +
                std::to_string(m.n_control) + " champion values, " +
                std::to_string(metrics[i].options.min_sample_size) + " needed per arm)";
    } else {
      reason += ": shift " + canary_number(m.estimate) + " [" + canary_number(m.ci_lower) + ", " +
                canary_number(m.ci_upper) + "], mean ratio " + canary_number(m.mean_ratio) + ", " +
                std::to_string(m.n_experiment) + " challenger and " + std::to_string(m.n_control) +
                " champion values";
    }
    finding f;
    f.policy = "canary judge: " + m.name;
    f.state = detail::canary_state(m.classification);
    f.value = m.estimate;
    f.limit = metrics[i].options.tolerance * std::abs(m.estimate);
    f.samples = m.n_experiment;
    d.findings.push_back(std::move(f));
    samples = std::max(samples, m.n_experiment);
  }
  finding score;
  score.policy = "canary judge: score";
  score.state = j.verdict == canary_verdict::pass   ? policy_state::clear
                : j.verdict == canary_verdict::fail ? policy_state::tripped
                                                    : policy_state::unknown;
  score.value = j.score;
  score.limit = options.pass_threshold;
  score.samples = samples;
  d.findings.push_back(std::move(score));
  d.reason = std::move(reason);
  return d;
}

template <class>
canary_metric_options canary_error_options() {
  canary_metric_options o;
  o.direction = metric_direction::increase;
  o.critical = true;
  return o;
}

template <class V>
MLGUARD_INLINE basic_canary_release<V>::basic_canary_release(registry::model_registry& registry,
                                                             serving::canary_router& router,
                                                             canary_release_options options)
    : registry_(registry), router_(router), options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock::instance()) {
  if (options_.model.empty() || options_.champion_alias.empty() ||
      options_.challenger_alias.empty() || options_.champion_alias == options_.challenger_alias) {
    throw rollback_error("invalid_option",
                         "a canary release needs a model and two different alias names");
  }
}

template <class V>
MLGUARD_INLINE auto basic_canary_release<V>::poll() -> std::optional<decision> {
  const auto snapshot = router_.snapshot();
  if (snapshot.percent == 0.0 || snapshot.champion.version == 0 ||
      snapshot.challenger.version == 0 ||
      snapshot.champion.version == snapshot.challenger.version) {
    return std::nullopt;
  }
  decision d = judge_canary(snapshot, options_.metric, options_.judge, clock_.now());
  if (d.action == decision_verdict::promote) {
    promote(d, snapshot);
  } else if (d.action == decision_verdict::rollback) {
    abort(d, snapshot);
  }
  if (options_.on_decision) {
    options_.on_decision(d);
  }
  return d;
}

template <class V>
MLGUARD_INLINE auto basic_canary_release<V>::context(const decision& d) const
    -> registry::change_context {
  return registry::change_context{options_.actor, d.reason};
}

template <class V>
MLGUARD_INLINE auto basic_canary_release<V>::promote(decision& d, const serving::router_snapshot& s)
    -> void {
  const auto r =
      registry_.set_alias(options_.model, options_.champion_alias, d.version,
                          registry::alias_expectation::version(s.champion.version), context(d));
  if (r) {
    router_.set_percent(0.0);
    router_.reset_metrics();
    raise(report::alert_level::info, "promoted",
          "promoted v" + std::to_string(d.version) + " to " + options_.champion_alias + ": " +
              d.reason,
          d);
    return;
  }
  d.action = decision_verdict::hold;
  if (r.outcome == registry::alias_outcome::conflict) {
    d.reason =
        "promotion of v" + std::to_string(d.version) + " not applied: " + options_.champion_alias +
        " moved from v" + std::to_string(s.champion.version) + " to " +
        (r.previous ? "v" + std::to_string(*r.previous) : std::string("nothing")) + "; " + d.reason;
    raise(report::alert_level::warning, "promotion_conflict", d.reason, d);
  } else {
    d.policy = "guard " + r.guard;
    d.reason = "promotion of v" + std::to_string(d.version) + " refused by guard " + r.guard +
               ": " + r.reason;
    raise(report::alert_level::critical, "promotion_refused", d.reason, d);
  }
}

template <class V>
MLGUARD_INLINE auto basic_canary_release<V>::abort(decision& d, const serving::router_snapshot& s)
    -> void {
  router_.set_percent(0.0); // stop the canary's traffic before anything else
  std::string note;
  try {
    const auto r = registry_.delete_alias(
        options_.model, options_.challenger_alias,
        registry::alias_expectation::version(s.challenger.version), context(d));
    if (r.outcome == registry::alias_outcome::conflict) {
      note = "; " + options_.challenger_alias + " had moved to " +
             (r.previous ? "v" + std::to_string(*r.previous) : std::string("nothing")) +
             ", left as it is";
    }
  } catch (const registry_error& e) {
    if (e.id() != "mlguard.registry.not_found") {
      throw;
    }
    note = "; " + options_.challenger_alias + " was already deleted";
  }
  router_.reset_metrics();
  raise(report::alert_level::warning, "canary_aborted",
        "aborted the canary of v" + std::to_string(d.version) + ": " + d.reason + note, d);
}

template <class V>
MLGUARD_INLINE auto basic_canary_release<V>::raise(report::alert_level level,
                                                   const std::string& what, std::string summary,
                                                   const decision& d) -> void {
  report::alert a;
  a.time = clock_.now();
  a.level = level;
  a.source = "canary_release " + options_.model + "@" + options_.challenger_alias;
  a.key = options_.model + "@" + options_.challenger_alias + "/" + what;
  a.summary = std::move(summary);
  a.labels["alertname"] = what;
  a.labels["model"] = options_.model;
  a.labels["alias"] = options_.challenger_alias;
  a.details = to_json(d);
  report::send_to_all(options_.alerts, a);
}

} // namespace mlguard::rollback

namespace mlguard::rollback::detail {

template <class>
std::string canary_number(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

template <class>
policy_state canary_state(metric_class c) noexcept {
  switch (c) {
  case metric_class::high:
  case metric_class::low:
    return policy_state::tripped;
  case metric_class::pass:
    return policy_state::clear;
  case metric_class::nodata:
  default:
    return policy_state::unknown;
  }
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_CANARY_HPP

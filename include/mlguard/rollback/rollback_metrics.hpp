#ifndef MLGUARD_ROLLBACK_ROLLBACK_METRICS_HPP
#define MLGUARD_ROLLBACK_ROLLBACK_METRICS_HPP

// Rollback decisions as Prometheus metrics: decisions by verdict, rollbacks
// by the policy that fired, the canary judge's latest score, and the
// observations a busy controller dropped. It reads decisions only, so it does
// not include the controller or the canary release (their options and the
// controller are template arguments here).

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/report/metric_registry.hpp"
#include "mlguard/rollback/decision.hpp"

namespace mlguard::rollback {

/// Records the decisions of a rollback_controller or a canary_release into
/// a report::metric_registry. Every series carries `model` and `alias` first:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `mlguard_rollback_decisions_total` | counter (each verdict from 0) | verdict |
/// | `mlguard_rollbacks_total` | counter | reason (the policy that fired) |
/// | `mlguard_canary_score` | gauge, 0–100 (from the first judgement on) | |
/// | `mlguard_controller_dropped_observations_total` | counter | (watch(controller)) |
///
/// Lifetime: the registry (and a watched controller) must outlive this
/// object; callbacks chained by connect() refer to it.
template <class = void> // deferred: see core/json.hpp
class basic_rollback_metrics {
public:
  /// `alias`: the alias the controller guards, or the champion alias of a
  /// canary release. Throws report_error (mlguard.report.*) for a registry
  /// whose metric names clash.
  basic_rollback_metrics(report::metric_registry& registry, std::string model, std::string alias);

  ~basic_rollback_metrics();
  basic_rollback_metrics(const basic_rollback_metrics&) = delete;
  basic_rollback_metrics& operator=(const basic_rollback_metrics&) = delete;

  /// Counts `d`; a rollback also under its reason, and a canary judgement's
  /// score ("canary judge: score" finding) becomes the score gauge.
  void record(const decision& d);

  /// Records every decision of a controller or a canary release, then calls
  /// the on_decision already set. `Options`: controller_options or
  /// canary_release_options (a template, so this header needs neither).
  template <class Options>
  void connect(Options& options) {
    chain(options.on_decision);
  }

  /// At each scrape, reads how many observations `controller` (a
  /// rollback_controller) dropped.
  template <class Controller>
  void watch(const Controller& controller) {
    collector_ = registry_.add_collector([this, &controller](report::metric_writer& w) {
      w.counter("mlguard_controller_dropped_observations_total",
                "Observations the controller's full queue dropped.", labels({}),
                static_cast<double>(controller.dropped()));
    });
  }

private:
  void chain(std::function<void(const decision&)>& on_decision);

  report::label_set labels(report::label_set more) const;

  report::metric_registry& registry_;
  std::string model_;
  std::string alias_;
  std::vector<report::counter*> decisions_;
  report::collector_id collector_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using rollback_metrics = basic_rollback_metrics<>;

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class V>
MLGUARD_INLINE basic_rollback_metrics<V>::basic_rollback_metrics(report::metric_registry& registry,
                                                                 std::string model,
                                                                 std::string alias)
    : registry_(registry), model_(std::move(model)), alias_(std::move(alias)) {
  for (const auto v : {decision_verdict::keep, decision_verdict::rollback,
                       decision_verdict::promote, decision_verdict::hold}) {
    decisions_.push_back(&registry.add_counter("mlguard_rollback_decisions_total",
                                               "Decisions made, by verdict.",
                                               labels({{"verdict", to_string(v)}})));
  }
}

template <class V>
MLGUARD_INLINE basic_rollback_metrics<V>::~basic_rollback_metrics() {
  if (collector_ != 0) {
    registry_.remove_collector(collector_);
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_metrics<V>::record(const decision& d) -> void {
  decisions_[static_cast<std::size_t>(d.action)]->inc();
  if (d.action == decision_verdict::rollback) {
    registry_
        .add_counter("mlguard_rollbacks_total", "Rollbacks decided, by the policy that fired.",
                     labels({{"reason", d.policy}}))
        .inc();
  }
  for (const auto& f : d.findings) {
    if (f.policy == "canary judge: score") {
      registry_
          .add_gauge("mlguard_canary_score", "The canary judge's latest score, 0 to 100.",
                     labels({}))
          .set(f.value);
    }
  }
}

template <class V>
MLGUARD_INLINE auto
basic_rollback_metrics<V>::chain(std::function<void(const decision&)>& on_decision) -> void {
  auto next = std::move(on_decision);
  on_decision = [this, next = std::move(next)](const decision& d) {
    record(d);
    if (next) {
      next(d);
    }
  };
}

template <class V>
MLGUARD_INLINE auto basic_rollback_metrics<V>::labels(report::label_set more) const
    -> report::label_set {
  report::label_set all{{"model", model_}, {"alias", alias_}};
  all.insert(all.end(), more.begin(), more.end());
  return all;
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_ROLLBACK_METRICS_HPP

#ifndef MLGUARD_SERVING_SERVING_METRICS_HPP
#define MLGUARD_SERVING_SERVING_METRICS_HPP

// The serving layer as Prometheus metrics: requests by status and version,
// anomalies per feature and kind, the version each slot serves and each
// alias names, follower swaps, the router's share, drift per closed window,
// and a request latency histogram. Counters the models keep anyway are read
// at scrape time, so serving pays nothing more per request.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/report/metric_registry.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/model_slot.hpp"
#include "mlguard/serving/registry_follower.hpp"
#include "mlguard/serving/router.hpp"

namespace mlguard::serving {

/// Exposes one model's serving objects in a report::metric_registry. Every
/// series carries `model` (the registry name) first:
///
/// | metric | type | labels | from |
/// |---|---|---|---|
/// | `mlguard_requests_total` | counter | [arm], version, status | watch(slot) |
/// | `mlguard_imputed_values_total` | counter | [arm], version | watch(slot) |
/// | `mlguard_request_anomalies_total` | counter (non-zero only) | [arm], version, feature, kind |
/// watch(slot) | | `mlguard_serving_version` | gauge (0: none) | [arm] | watch(slot) | |
/// `mlguard_slot_generation` | gauge | [arm] | watch(slot) | | `mlguard_alias_version` | gauge |
/// alias | watch(registry) | | `mlguard_follower_swaps_total`, `mlguard_follower_failures_total` |
/// counter | | connect(follower_options) | | `mlguard_router_share` | gauge, 0–1 | mode |
/// watch(router) | | `mlguard_router_requests_total` | counter | arm | watch(router) | |
/// `mlguard_shadow_comparisons_total`, `mlguard_shadow_disagreements_total` | counter | |
/// watch(router) | | `mlguard_request_duration_seconds` | histogram | | request_seconds() |
///
/// plus report::monitor_metrics' drift metrics (with `version`) through
/// connect(guarded_options). Counters read from a model restart at 0 with
/// each new version, which Prometheus' rate() treats as a counter reset.
///
/// Lifetime: the registry and every watched object must outlive this
/// object, whose destructor removes its collectors (waiting for a scrape in
/// progress). Callbacks chained by connect() refer to it too.
template <class = void> // deferred: see core/json.hpp
class basic_serving_metrics {
public:
  /// Labels everything with `model` (the registry name). Throws
  /// report_error (mlguard.report.*) for a registry whose metric names clash.
  basic_serving_metrics(report::metric_registry& registry, std::string model)
      : registry_(registry), model_(std::move(model)),
        latency_(registry.add_histogram("mlguard_request_duration_seconds",
                                        "Time to score one request, in seconds.",
                                        report::latency_buckets(), {{"model", model_}})),
        swaps_(registry.add_counter("mlguard_follower_swaps_total",
                                    "Versions the follower put into service.",
                                    {{"model", model_}})),
        failures_(registry.add_counter("mlguard_follower_failures_total",
                                       "Versions the follower could not put into service.",
                                       {{"model", model_}})) {}

  ~basic_serving_metrics();
  basic_serving_metrics(const basic_serving_metrics&) = delete;
  basic_serving_metrics& operator=(const basic_serving_metrics&) = delete;

  /// The request latency histogram: observe each request's seconds (the
  /// hot path: lock-free, no allocation).
  report::histogram& request_seconds() noexcept { return latency_; }

  /// At each scrape, reads the model `slot` serves then. `arm` labels the
  /// series when several slots serve one model ("champion", "challenger");
  /// empty: no arm label.
  void watch(const model_slot<guarded_model>& slot, std::string arm = "");

  /// At each scrape, reads which version each alias of the model names
  /// (a model the registry lacks: no series).
  void watch(const registry::model_registry& registry);

  /// At each scrape, reads the router: the challenger's share under the
  /// current mode, requests per arm, shadow comparisons and disagreements.
  void watch(const canary_router& router);

  /// Records each closed monitor window (report::monitor_metrics, labelled
  /// with model and version), then calls the on_window already set.
  void connect(guarded_options& options);

  /// Counts the follower's swaps and failures, then calls the on_event
  /// already set.
  void connect(follower_options& options);

private:
  void collect(report::metric_writer& w, const model_slot<guarded_model>& slot,
               const std::string& arm) const;

  report::metric_registry& registry_;
  std::string model_;
  report::histogram& latency_;
  report::counter& swaps_;
  report::counter& failures_;
  std::vector<report::collector_id> collectors_;
};

/// The type to name (a class template only so that its bodies compile where used).
using serving_metrics = basic_serving_metrics<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/report/monitor_metrics.hpp"
#include "mlguard/serving/guarded_model.hpp"

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE basic_serving_metrics<V>::~basic_serving_metrics() {
  for (const auto id : collectors_) {
    registry_.remove_collector(id);
  }
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::watch(const model_slot<guarded_model>& slot,
                                                    std::string arm) -> void {
  collectors_.push_back(registry_.add_collector(
      [this, &slot, arm = std::move(arm)](report::metric_writer& w) { collect(w, slot, arm); }));
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::watch(const registry::model_registry& registry)
    -> void {
  collectors_.push_back(registry_.add_collector([this, &registry](report::metric_writer& w) {
    if (!registry.has_model(model_)) {
      return;
    }
    for (const auto& [alias, version] : registry.get_model(model_).aliases) {
      w.gauge("mlguard_alias_version", "The version each alias of the model names.",
              {{"model", model_}, {"alias", alias}}, version);
    }
  }));
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::watch(const canary_router& router) -> void {
  collectors_.push_back(registry_.add_collector([this, &router](report::metric_writer& w) {
    const auto s = router.snapshot();
    w.gauge("mlguard_router_share",
            "Share of requests the challenger answers (canary) or scores (shadow), 0 to 1.",
            {{"model", model_}, {"mode", to_string(s.mode)}}, s.percent / 100.0);
    const char* help = "Requests each arm of the router answered or scored.";
    w.counter("mlguard_router_requests_total", help, {{"model", model_}, {"arm", "champion"}},
              static_cast<double>(s.champion.requests));
    w.counter("mlguard_router_requests_total", help, {{"model", model_}, {"arm", "challenger"}},
              static_cast<double>(s.challenger.requests));
    w.counter("mlguard_shadow_comparisons_total", "Requests both arms scored in shadow mode.",
              {{"model", model_}}, static_cast<double>(s.shadow.compared));
    w.counter("mlguard_shadow_disagreements_total", "Shadow comparisons where the arms disagreed.",
              {{"model", model_}}, static_cast<double>(s.shadow.disagreements));
  }));
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::connect(guarded_options& options) -> void {
  auto next = std::move(options.on_window);
  options.on_window = [this, next = std::move(next)](const version_window& w) {
    report::monitor_metrics(registry_, {{"model", model_}, {"version", std::to_string(w.version)}})
        .record_window(w.stream, w.report);
    if (next) {
      next(w);
    }
  };
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::connect(follower_options& options) -> void {
  auto next = std::move(options.on_event);
  options.on_event = [this, next = std::move(next)](const follower_event& e) {
    (e.what == follower_event::kind::swapped ? swaps_ : failures_).inc();
    if (next) {
      next(e);
    }
  };
}

template <class V>
MLGUARD_INLINE auto basic_serving_metrics<V>::collect(report::metric_writer& w,
                                                      const model_slot<guarded_model>& slot,
                                                      const std::string& arm) const -> void {
  const auto labels = [&](report::label_set more) {
    report::label_set all{{"model", model_}};
    if (!arm.empty()) {
      all.emplace_back("arm", arm);
    }
    all.insert(all.end(), more.begin(), more.end());
    return all;
  };
  const auto model = slot.acquire();
  w.gauge("mlguard_serving_version", "The registry version the slot serves (0: none).", labels({}),
          model ? model->version() : 0);
  w.gauge("mlguard_slot_generation", "Models the slot has held.", labels({}),
          static_cast<double>(model.generation()));
  if (!model) {
    return;
  }
  const std::string version = std::to_string(model->version());
  const auto c = model->counts();
  const char* requests = "Requests scored, by outcome status.";
  const std::pair<const char*, std::uint64_t> by_status[] = {
      {"ok", c.ok}, {"flagged", c.flagged}, {"imputed", c.imputed}, {"rejected", c.rejected}};
  for (const auto& [status, n] : by_status) {
    w.counter("mlguard_requests_total", requests,
              labels({{"version", version}, {"status", status}}), static_cast<double>(n));
  }
  w.counter("mlguard_imputed_values_total", "Values the schema or the pipeline made up.",
            labels({{"version", version}}), static_cast<double>(c.imputed_values));
  const auto& layout = model->layout();
  for (std::size_t f = 0; f < layout.size(); ++f) {
    for (std::size_t k = 0; k < validate::anomaly_kind_count; ++k) {
      const auto kind = static_cast<validate::anomaly_kind>(k);
      const auto n = model->anomaly_count(f, kind);
      if (n > 0) {
        w.counter("mlguard_request_anomalies_total",
                  "Requests with an anomaly, by feature and anomaly kind.",
                  labels({{"version", version},
                          {"feature", layout[f].name},
                          {"kind", validate::to_string(kind)}}),
                  static_cast<double>(n));
      }
    }
  }
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_SERVING_METRICS_HPP

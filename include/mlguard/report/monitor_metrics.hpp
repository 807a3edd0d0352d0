#ifndef MLGUARD_REPORT_MONITOR_METRICS_HPP
#define MLGUARD_REPORT_MONITOR_METRICS_HPP

// What monitors and validators found, as metrics: the latest drift statistic,
// p-value and verdict per feature and method (gauges), windows, drifted
// windows and rows per stream, and rows and anomalies per feature and kind
// (counters). Records are made where a window closes or a batch is validated,
// which allocates anyway; the hot path is untouched.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/compiled.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/report/metric_registry.hpp"
#include "mlguard/validate/validation_report.hpp"

namespace mlguard::report {

/// Records closed monitor windows and validation reports into a
/// metric_registry. Metric names (all with the constant labels first):
///
/// | metric | type | labels |
/// |---|---|---|
/// | `mlguard_drift_statistic` | gauge | stream, feature, method |
/// | `mlguard_drift_p_value` | gauge (p-value methods only) | stream, feature, method |
/// | `mlguard_drift_detected` | gauge, 1 drifted / 0 not | stream, feature, method |
/// | `mlguard_drift_share` | gauge: drifted / evaluated features | stream |
/// | `mlguard_monitor_windows_total` | counter | stream |
/// | `mlguard_monitor_drifted_windows_total` | counter (dataset drift) | stream |
/// | `mlguard_monitor_rows_total` | counter | stream |
/// | `mlguard_validation_rows_total` | counter | source |
/// | `mlguard_validation_rejected_rows_total` | counter | source |
/// | `mlguard_validation_anomalies_total` | counter (rows with it) | source, feature, kind |
///
/// A skipped feature keeps its last statistic and reads as not drifted.
/// Thread-safe (each record locks the registry briefly, per metric).
template <class = void> // deferred: see core/json.hpp
class basic_monitor_metrics {
public:
  /// Records into `registry`, which must outlive this object; every series
  /// carries `constant_labels` first (e.g. {{"model", "tips"}, {"version", "3"}}).
  explicit basic_monitor_metrics(metric_registry& registry, label_set constant_labels = {})
      : registry_(registry), labels_(std::move(constant_labels)) {}

  /// Records one closed window of `stream` ("inputs", "predictions").
  /// Throws report_error (mlguard.report.invalid_name) for a label the
  /// constant labels repeat.
  void record_window(std::string_view stream, const drift::window_report& w);

  /// Records one validation report of `source` (a file, a batch name):
  /// its rows, rejected rows, and for each feature and anomaly kind the rows
  /// that had it (comparator kinds, which are about the batch, count 1).
  /// Throws as record_window().
  void record_validation(std::string_view source, const validate::validation_report& r);

private:
  label_set with(label_set more) const;

  metric_registry& registry_;
  label_set labels_;
};

/// The type to name (a class template only so that its bodies compile where used).
using monitor_metrics = basic_monitor_metrics<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class V>
MLGUARD_INLINE auto basic_monitor_metrics<V>::record_window(std::string_view stream,
                                                            const drift::window_report& w) -> void {
  const auto per_stream = with({{"stream", std::string(stream)}});
  registry_.add_counter("mlguard_monitor_windows_total", "Monitor windows closed.", per_stream)
      .inc();
  registry_
      .add_counter("mlguard_monitor_rows_total", "Rows observed in closed windows.", per_stream)
      .inc(w.rows);
  auto& drifted_windows = registry_.add_counter(
      "mlguard_monitor_drifted_windows_total",
      "Closed windows whose share of drifted features reached the drift share.", per_stream);
  if (w.drift.dataset_drift) {
    drifted_windows.inc();
  }
  registry_
      .add_gauge("mlguard_drift_share", "Share of the features drifted in the latest window.",
                 per_stream)
      .set(w.drift.share_drifted);
  for (const auto& c : w.drift.columns) {
    const auto series = with({{"stream", std::string(stream)},
                              {"feature", c.name},
                              {"method", drift::to_string(c.stat)}});
    registry_
        .add_gauge("mlguard_drift_detected",
                   "1 when the feature drifted in the latest window, else 0.", series)
        .set(c.drifted && !c.skipped ? 1.0 : 0.0);
    if (c.skipped) {
      continue;
    }
    registry_
        .add_gauge("mlguard_drift_statistic",
                   "The drift statistic of the feature in the latest window.", series)
        .set(c.statistic);
    if (c.p_value) {
      registry_
          .add_gauge("mlguard_drift_p_value",
                     "The p-value of the feature's drift test in the latest window.", series)
          .set(*c.p_value);
    }
  }
}

template <class V>
MLGUARD_INLINE auto
basic_monitor_metrics<V>::record_validation(std::string_view source,
                                            const validate::validation_report& r) -> void {
  const auto per_source = with({{"source", std::string(source)}});
  registry_.add_counter("mlguard_validation_rows_total", "Rows validated.", per_source).inc(r.rows);
  registry_
      .add_counter("mlguard_validation_rejected_rows_total", "Rows validation rejected.",
                   per_source)
      .inc(r.rejected_rows);
  for (const auto& f : r.features) {
    for (const auto& a : f.anomalies) {
      registry_
          .add_counter("mlguard_validation_anomalies_total",
                       "Rows with an anomaly, by feature and anomaly kind.",
                       with({{"source", std::string(source)},
                             {"feature", f.name},
                             {"kind", validate::to_string(a.kind)}}))
          .inc(a.count > 0 ? a.count : 1);
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_monitor_metrics<V>::with(label_set more) const -> label_set {
  label_set all = labels_;
  all.insert(all.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return all;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_MONITOR_METRICS_HPP

#ifndef MLGUARD_REPORT_DRIFT_ALERTS_HPP
#define MLGUARD_REPORT_DRIFT_ALERTS_HPP

// drift_alerts: closed monitor windows in, per-feature drift alerts out.
// Each (stream, feature) has a window_trigger fed with the feature's drift
// flag, window after window; when it fires, an alert goes to an
// alert_notifier, and when it resolves, the alert is resolved there. The
// notifier then groups, de-duplicates and repeats (alert_notifier.hpp).
//
// An alert's labels: alertname (options.alertname, "FeatureDrift"), stream,
// feature, method, severity, and options.labels; its details carry the
// window's numbers. With a guarded_model (serving/guarded_model.hpp):
//
//   options.on_window = [&](const serving::version_window& w) {
//     drift.observe(w.stream, w.report);
//   };
//
// A feature the window skipped (no statistic) leaves its trigger as it was.
// Thread safety: observe() may be called from several threads at once (the
// input and prediction monitors close windows on request threads); it takes
// a mutex of its own and the notifier's, and never waits on a sink.

#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/report/alert.hpp"
#include "mlguard/report/alert_notifier.hpp"
#include "mlguard/report/window_trigger.hpp"

namespace mlguard::report {

/// Settings of drift_alerts.
struct drift_alerts_options {
  /// When a feature's alert fires and resolves (default: on each change of state).
  window_trigger_options trigger;
  /// The alertname label.
  std::string alertname = "FeatureDrift";
  alert_level level = alert_level::warning;
  /// Labels added to every alert (say {"model", "churn"}).
  alert_labels labels;
};

/// Per-feature drift alerts from closed monitor windows (see the header comment).
template <class = void> // deferred: see core/json.hpp
class basic_drift_alerts {
public:
  /// Sends to `notifier`, which must outlive this object. Throws
  /// report_error (mlguard.report.invalid_trigger) for bad trigger options.
  explicit basic_drift_alerts(alert_notifier& notifier, drift_alerts_options options = {});

  /// Feeds the closed window `w` of `stream` ("inputs", "predictions"):
  /// each evaluated feature's drift flag into its trigger. Returns how many
  /// alerts fired or resolved.
  std::size_t observe(std::string_view stream, const drift::window_report& w);

private:
  alert make_alert(std::string_view stream, const drift::window_report& w,
                   const drift::column_drift& c, const window_trigger& t) const;

  alert_notifier& notifier_;
  drift_alerts_options options_;
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, window_trigger> triggers_;
};

/// The type to name (a class template only so that its bodies compile where used).
using drift_alerts = basic_drift_alerts<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class V>
MLGUARD_INLINE basic_drift_alerts<V>::basic_drift_alerts(alert_notifier& notifier,
                                                         drift_alerts_options options)
    : notifier_(notifier), options_(std::move(options)) {
  window_trigger check(options_.trigger); // fail here, not at the first window
  (void)check;
}

template <class V>
MLGUARD_INLINE auto basic_drift_alerts<V>::observe(std::string_view stream,
                                                   const drift::window_report& w) -> std::size_t {
  std::size_t changes = 0;
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& c : w.drift.columns) {
    if (c.skipped) {
      continue;
    }
    auto key = std::make_pair(std::string(stream), c.name);
    auto it = triggers_.try_emplace(std::move(key), options_.trigger).first;
    const trigger_change change = it->second.observe(c.drifted);
    if (change == trigger_change::fired) {
      notifier_.fire(make_alert(stream, w, c, it->second));
    } else if (change == trigger_change::resolved) {
      notifier_.resolve(make_alert(stream, w, c, it->second));
    }
    changes += change == trigger_change::none ? 0 : 1;
  }
  return changes;
}

template <class V>
MLGUARD_INLINE auto basic_drift_alerts<V>::make_alert(std::string_view stream,
                                                      const drift::window_report& w,
                                                      const drift::column_drift& c,
                                                      const window_trigger& t) const -> alert {
  alert a;
  a.level = options_.level;
  a.source = "drift_alerts " + std::string(stream);
  a.key = std::string(stream) + "/" + c.name + "/drift";
  a.labels = options_.labels;
  a.labels["alertname"] = options_.alertname;
  a.labels["stream"] = std::string(stream);
  a.labels["feature"] = c.name;
  a.labels["method"] = drift::to_string(c.stat);
  a.labels["severity"] = to_string(options_.level);
  a.summary = "feature '" + c.name + "' of " + std::string(stream) + " drifted in " +
              std::to_string(t.bad_windows()) + " of the last " + std::to_string(t.options().n) +
              " windows";
  a.details["window"] = w.index;
  a.details["statistic"] = json_number(c.statistic);
  a.details["p_value"] = json_number(c.p_value);
  a.details["threshold"] = json_number(c.threshold);
  a.details["drifted"] = c.drifted;
  return a;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DRIFT_ALERTS_HPP

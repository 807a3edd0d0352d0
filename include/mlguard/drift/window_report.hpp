#ifndef MLGUARD_DRIFT_WINDOW_REPORT_HPP
#define MLGUARD_DRIFT_WINDOW_REPORT_HPP

// What a closed monitor window yields (drift_monitor's callback,
// drift_monitor::evaluate, concurrent_monitor::collect): where the window
// lies in the stream (window_span, drift/window.hpp) and its drift verdict,
// a drift_report whose columns are the monitored features
// (drift/drift_report.hpp: the same type, and the same JSON, as the batch
// report of compare()). One JSON object
// per window is what `mlguard monitor --format json` prints, one per line.

#include <string>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/drift_report.hpp"
#include "mlguard/drift/window.hpp"

namespace mlguard::drift {

/// A closed window: its span (index, first_row, last_row, rows, start) and
/// the drift verdict per feature and for the window (`drift.dataset_drift`:
/// the share of drifted features is ≥ drift_share).
struct window_report : window_span {
  drift_report drift;

  /// Reads what to_json(window_report) wrote; `source` names it in errors.
  /// Throws format_error (mlguard.format.corrupt, unknown_field) naming the field.
  static window_report from_json(const json& j, std::string_view source = "window_report") {
    const json_reader r(j, std::string(source));
    window_report w;
    static_cast<window_span&>(w) = read_window_span(r);
    detail::read_report_fields(r, w.drift, {"window", "first_row", "last_row", "rows", "start_ns"});
    return w;
  }
};

/// JSON of a window: the window_span fields ("window", "first_row",
/// "last_row", "rows", "start_ns"?) and then the fields of its drift_report
/// as drift/report.hpp writes them ("dataset_drift", "share_drifted",
/// "drifted_columns", "evaluated_columns", "drift_share", "correction",
/// "columns": [column_drift...], "only_in_reference", "only_in_current"),
/// without the document envelope: a window is a line of a stream, not a file.
inline void to_json(json& j, const window_report& w) {
  j = json::object();
  write_window_span(j, w);
  detail::write_report_fields(j, w.drift);
}

/// nlohmann's ADL hook: window_report::from_json(j). Throws as that.
inline void from_json(const json& j, window_report& w) { w = window_report::from_json(j); }

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_WINDOW_REPORT_HPP

#ifndef MLGUARD_DRIFT_WINDOW_REPORT_HPP
#define MLGUARD_DRIFT_WINDOW_REPORT_HPP

// What a closed monitor window yields (drift_monitor's callback,
// drift_monitor::evaluate, concurrent_monitor::collect): where the window
// lies in the stream (window_span, drift/window.hpp) and its drift verdict,
// a drift_report whose columns are the monitored features
// (drift/drift_report.hpp: the same type, and the same JSON, as the batch
// report of compare()).
//
// A window_report is a document of its own:
//   {"format": "mlguard.window_report", "format_version": 1,
//    "window", "first_row", "last_row", "rows", "start_ns"?,
//    "dataset_drift", "share_drifted", ..., "columns": [column_drift...], ...}
// the window's span, then the drift_report's fields exactly as a
// drift_report document has them. `mlguard monitor --format json` prints one
// per line (JSON lines). save(path) / load(path) keep one in a file.

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

  /// The document's identity: "mlguard.window_report", version 1.
  static constexpr document_format format{"mlguard.window_report", 1};

  /// Reads what to_json(window_report) wrote; `source` names it in errors.
  /// Throws format_error: mlguard.format.corrupt (naming the field),
  /// unknown_field, wrong_kind, newer_version.
  template <class = void> // deferred: see core/json.hpp
  static window_report from_json(const json& document, std::string_view source = "window_report") {
    check_format(document, format, source);
    const json_reader r(document, std::string(source));
    window_report w;
    static_cast<window_span&>(w) = read_window_span(r);
    detail::read_report_fields(
        r, w.drift,
        {"format", "format_version", "window", "first_row", "last_row", "rows", "start_ns"});
    return w;
  }

  /// Writes the document to `path` atomically. Throws io_error (mlguard.io.write_failed).
  template <class = void>
  void save(const std::string& path) const;

  /// Reads the document at `path`. Throws io_error (mlguard.io.open_failed,
  /// read_failed) and as from_json.
  template <class = void>
  static window_report load(const std::string& path) {
    return from_json(load_json(path), path);
  }
};

/// JSON of a window: the document envelope, the window_span fields
/// ("window", "first_row", "last_row", "rows", "start_ns"?), then the fields
/// of its drift_report as a drift_report document has them
/// ("dataset_drift", "share_drifted", "drifted_columns", "evaluated_columns",
/// "drift_share", "correction", "columns": [column_drift...],
/// "only_in_reference", "only_in_current").
template <class = void>
void to_json(json& j, const window_report& w);

template <class>
void window_report::save(const std::string& path) const {
  json document;
  to_json(document, *this);
  save_json(path, document);
}

/// nlohmann's ADL hook: window_report::from_json(j). Throws as that.
template <class = void>
void from_json(const json& j, window_report& w);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class>
void to_json(json& j, const window_report& w) {
  j = new_document(window_report::format);
  write_window_span(j, w);
  detail::write_report_fields(j, w.drift);
}

template <class>
void from_json(const json& j, window_report& w) {
  w = window_report::from_json(j);
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_WINDOW_REPORT_HPP

#ifndef MLGUARD_DRIFT_DRIFT_REPORT_HPP
#define MLGUARD_DRIFT_DRIFT_REPORT_HPP

// The drift verdict, one shape everywhere in mlguard: a column_drift per
// column (a feature, for the monitors) inside a drift_report, which also
// decides for the dataset. compare() (drift/report.hpp) returns one; every
// closed window of the streaming monitors carries one (window_report,
// drift/window_report.hpp); the same functions write both to JSON, so
// `mlguard drift --format json` and the lines of `mlguard monitor --format
// json` are read with one parser.
//
// A drift_report is a persisted document:
//   {"format": "mlguard.drift_report", "format_version": 1,
//    "dataset_drift", "share_drifted", "drifted_columns", "evaluated_columns",
//    "drift_share", "correction", "columns": [column_drift...],
//    "only_in_reference", "only_in_current"}
// with save(path) / load(path); reports written by mlguard 0.1 ("format":
// "drift_report", the same fields) still load. Doubles follow core/json.hpp:
// NaN is null, ±Inf "inf"/"-inf". Reading throws format_error naming the
// field; save/load throw io_error. The bodies are in detail/report_json.hpp.

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/correction.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {

/// The drift verdict on one column (a feature, for the monitors).
struct column_drift {
  std::string name;
  column_kind kind = column_kind::numeric;
  method stat = method::automatic;                             ///< the method actually run
  double statistic = std::numeric_limits<double>::quiet_NaN(); ///< NaN when skipped
  std::optional<double> p_value;                               ///< for p-value methods
  std::optional<double> p_value_adjusted; ///< after the report's correction, when one is set
  double threshold = 0;
  bool drifted = false;
  std::size_t n_reference = 0; ///< values used (missing and ±Inf excluded)
  std::size_t n_current = 0;
  std::size_t missing_reference = 0; ///< NaN / empty fields / missing codes
  std::size_t missing_current = 0;
  std::size_t non_finite_reference = 0; ///< ±Inf values, excluded like Evidently does
  std::size_t non_finite_current = 0;
  std::size_t unseen_categories = 0;  ///< categories in current that reference lacks
  std::size_t unseen_current = 0;     ///< current values falling in those categories
  std::optional<std::string> skipped; ///< why no statistic was computed, if so
};

/// The drift verdict on the columns of two tables (or the features of a
/// monitor window) and on the whole.
struct drift_report {
  bool dataset_drift = false; ///< share_drifted ≥ drift_share (and something was compared)
  double share_drifted = 0;   ///< drifted / evaluated columns
  std::size_t drifted = 0;    ///< the number of drifted columns
  std::size_t evaluated = 0;  ///< columns with a statistic (not skipped)
  double drift_share = 0.5;   ///< the decision threshold used
  correction multiple_testing = correction::none;
  std::vector<column_drift> columns;
  std::vector<std::string> only_in_reference; ///< columns the current table lacks
  std::vector<std::string> only_in_current;   ///< columns the reference table lacks

  /// The document's identity: "mlguard.drift_report", version 1 (legacy name "drift_report").
  static constexpr document_format format{"mlguard.drift_report", 1, "drift_report"};

  /// Reads a report document (see the header comment); `source` names it in
  /// errors. Throws format_error: mlguard.format.corrupt (a field missing or
  /// of the wrong type, with its path), mlguard.format.wrong_kind,
  /// mlguard.format.newer_version, mlguard.format.unknown_field.
  template <class = void> // deferred: see core/json.hpp
  static drift_report from_json(const json& document, std::string_view source = "drift_report");
  /// Writes the document to `path` atomically (core/json.hpp save_json).
  /// Throws io_error (mlguard.io.write_failed).
  template <class = void>
  void save(const std::string& path) const;
  /// Reads the document at `path`. Throws io_error (mlguard.io.open_failed,
  /// read_failed) and as from_json.
  template <class = void>
  static drift_report load(const std::string& path);
};

/// JSON of one column's verdict: {"name", "kind", "method", "statistic",
/// "p_value" (null for distances), "threshold", "drifted", "n_reference",
/// "n_current", "missing_reference", "missing_current",
/// "non_finite_reference", "non_finite_current", "p_value_adjusted"?,
/// "unseen_categories"?, "unseen_current"? (categorical columns, or when
/// non-zero), "skipped"?}; doubles as core/json.hpp's json_number writes them.
template <class = void>
void to_json(json& j, const column_drift& c);

/// JSON of a report: the document of the header comment, what
/// `mlguard drift --format json` prints and drift_report::save writes.
template <class = void>
void to_json(json& j, const drift_report& r);

/// nlohmann's ADL hook: drift_report::from_json(j). Throws as that.
template <class = void>
void from_json(const json& j, drift_report& r);

namespace detail {

/// The aggregate verdict from the columns' verdicts: the columns evaluated
/// (not skipped) and drifted, their share, and dataset drift when something
/// was evaluated and the share is ≥ drift_share.
template <class = void>
void tally(drift_report& report, double drift_share) noexcept;

} // namespace detail

} // namespace mlguard::drift

#include "mlguard/drift/detail/report_json.hpp"

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class>
void tally(drift_report& report, double drift_share) noexcept {
  report.drift_share = drift_share;
  report.drifted = 0;
  report.evaluated = 0;
  for (const auto& c : report.columns) {
    if (!c.skipped) {
      ++report.evaluated;
      report.drifted += c.drifted ? 1 : 0;
    }
  }
  report.share_drifted = report.evaluated == 0 ? 0.0
                                               : static_cast<double>(report.drifted) /
                                                     static_cast<double>(report.evaluated);
  report.dataset_drift = report.evaluated > 0 && report.share_drifted >= drift_share;
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DRIFT_REPORT_HPP

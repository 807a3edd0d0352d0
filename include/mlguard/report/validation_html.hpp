#ifndef MLGUARD_REPORT_VALIDATION_HTML_HPP
#define MLGUARD_REPORT_VALIDATION_HTML_HPP

// A validation report as one self-contained HTML page, in the style of the
// drift report (drift_html.hpp):
//
//   const auto found = validate::validate_batch(schema, batch);
//   const std::string page = report::validation_html(found, &batch);
//
// (or, for a batch validated chunk by chunk, validation_html(report,
// checker.samples()) with validate::batch_validator's sample values)
//
// The page has a summary (verdict, rows, rejected rows, errors, warnings),
// one chart of the anomalies by feature (<svg class="chart">; none when the
// batch is clean), a table of every anomaly (features with errors first),
// the sample failing rows of each feature, and the skew measurements when
// the batch was validated against a profile. Every name and value from the
// data is escaped (html.hpp). Rendering is linear in the report's entries.

#include <cstddef>
#include <string>

#include "mlguard/core/table.hpp"
#include "mlguard/validate/sample_values.hpp"
#include "mlguard/validate/validation_report.hpp"

namespace mlguard::report {

/// Settings of validation_html.
struct validation_html_options {
  /// The page's title and heading (escaped); empty = "Validation report".
  std::string title;
  /// Failing rows shown per anomaly; the report keeps at most
  /// validate_options::max_sample_rows of them.
  std::size_t max_sample_rows = 5;
};

/// The HTML page of `report`. A validation_report keeps the numbers of its
/// first failing rows but not their values; `data`, when given, is the table
/// that was validated, and the page shows the failing feature's value in
/// each sample row from it (a row or column it lacks shows "–"). Without
/// `data` the page lists row numbers only. Rows are numbered from 1, as in
/// the report's JSON and `mlguard validate`.
/// Throws report_error (mlguard.report.invalid_option) when max_sample_rows is 0.
template <class = void> // deferred: see core/json.hpp
std::string validation_html(const validate::validation_report& report, const table* data = nullptr,
                            const validation_html_options& options = {});

/// The same page, with each sample row's value read from `samples` instead
/// of the table: what validate::batch_validator::samples() keeps when a
/// batch was validated chunk by chunk and the table is gone. Gives the page
/// validation_html(report, &table) gives for the whole table, byte for byte.
/// Throws as above.
template <class = void>
std::string validation_html(const validate::validation_report& report,
                            const validate::sample_values& samples,
                            const validation_html_options& options = {});

} // namespace mlguard::report

#include "mlguard/report/detail/validation_html_impl.hpp"

#endif // MLGUARD_REPORT_VALIDATION_HTML_HPP

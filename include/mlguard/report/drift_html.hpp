#ifndef MLGUARD_REPORT_DRIFT_HTML_HPP
#define MLGUARD_REPORT_DRIFT_HTML_HPP

// The drift report as one self-contained HTML page (inline CSS and SVG, no
// script, no network), for people who read Evidently's reports:
//
//   const auto verdict = drift::compare(training, serving);
//   const std::string page = report::drift_html(verdict, training, serving);
//
// The page has three parts: a summary (the dataset verdict, drifted columns
// out of those evaluated, the methods, the rows of each table), a table with
// one row per column, drifted columns first (statistic, p-value, threshold,
// verdict, skip reasons), then one picture per column, in the table's order:
// overlaid histograms of reference and current on common bins for numeric
// columns, paired bars of the top categories and "other" for categorical
// ones. Each picture is one <svg class="chart">, so a page has exactly as
// many charts as the report has columns (a column with nothing to draw gets
// a chart saying why). Every name and value from the data is escaped
// (html.hpp). Rendering is linear in the rows and columns.

#include <cstddef>
#include <string>

#include "mlguard/core/table.hpp"
#include "mlguard/drift/drift_report.hpp"

namespace mlguard::report {

/// Settings of drift_html.
struct drift_html_options {
  /// The page's title and heading (escaped); empty = "Drift report".
  std::string title;
  /// Equal-width bins of the numeric histograms, over the finite values of
  /// both tables together.
  std::size_t bins = 20;
  /// Categories drawn per categorical column, by combined share; the rest
  /// are summed as "other".
  std::size_t top_categories = 10;
};

/// The HTML page of `report`, which compare(reference, current) returned
/// (drift/report.hpp; a report loaded from its JSON document works as well
/// with the same tables). The tables give the distributions the pictures
/// draw; in them missing values (NaN, missing codes) and ±Inf are left out,
/// and each picture's legend counts them. Categories are matched by name.
/// Throws report_error: mlguard.report.invalid_option (bins or
/// top_categories 0), mlguard.report.unknown_column (a column of the report
/// is missing from either table: the tables are not the ones compared).
template <class = void> // deferred: see core/json.hpp
std::string drift_html(const drift::drift_report& report, const table& reference,
                       const table& current, const drift_html_options& options = {});

} // namespace mlguard::report

#include "mlguard/report/detail/drift_html_impl.hpp"

#endif // MLGUARD_REPORT_DRIFT_HTML_HPP

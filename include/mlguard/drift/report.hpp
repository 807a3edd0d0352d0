#ifndef MLGUARD_DRIFT_REPORT_HPP
#define MLGUARD_DRIFT_REPORT_HPP

// The batch drift report: compare(reference, current, options) runs a drift
// statistic on every column that two tables share and decides, per column
// and for the dataset, whether the current data drifted from the reference,
// the way Evidently's data-drift preset does.
//
//   auto report = drift::compare(training, serving);   // drift_report
//   json j = report;                    // what `mlguard drift --format json` prints
//   report.save("drift.json");          // a document: "format": "mlguard.drift_report"
//
// The result, drift_report (one column_drift per column), its JSON (to_json,
// from_json) and save/load are declared in drift/drift_report.hpp, which this
// header includes: the monitors' windows carry the same type
// (window_report), and that header spares them the statistics compare() needs.
//
// Errors: compare() throws drift_error (mlguard.drift.invalid_option,
// mlguard.drift.unknown_column); a column whose statistic cannot run is
// skipped with the reason, never thrown. Threads: compare() keeps no state
// and may run concurrently. The body is in detail/report_impl.hpp.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/correction.hpp"
#include "mlguard/drift/drift_report.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {

/// Per-column overrides of a drift report's options.
struct column_options {
  method stat = method::automatic; ///< automatic = the report's method
  std::optional<double> threshold; ///< unset = the report's threshold
};

/// What a drift report computes and how it decides.
struct report_options {
  /// The method for every column; automatic picks per column (default_method).
  method stat = method::automatic;
  /// The threshold for every column; unset = each method's default_threshold.
  std::optional<double> threshold;
  /// Binning of numeric columns for the binned methods, and its bin count.
  binning_strategy binning = binning_strategy::quantile;
  std::size_t bins = default_bins;
  /// Correction of p-values across the report's columns before thresholding.
  correction multiple_testing = correction::none;
  /// The dataset drifts when the share of drifted columns is ≥ this (Evidently: 0.5).
  double drift_share = 0.5;
  /// The columns to compare, in this order; empty = every column of the
  /// reference that the current table also has.
  std::vector<std::string> columns;
  /// Overrides by column name.
  std::map<std::string, column_options> per_column;
};

/// Compares every selected column of `current` with the same column of
/// `reference` and decides per column and for the dataset, as Evidently's
/// data-drift preset does: missing values (NaN, empty fields) and ±Inf are
/// excluded from the statistics and counted; each column runs its method
/// (chosen by Evidently's rules when automatic); p-value methods drift when
/// p (adjusted, if a correction is set) < threshold, distances when ≥ threshold;
/// the dataset drifts when the share of drifted columns is ≥ drift_share.
///
/// Columns that cannot be compared (no values left, a column numeric in one
/// table and categorical in the other, an order-based method such as ks asked
/// of a categorical column, a statistic that cannot run on so few values) are
/// reported with `skipped` saying why, and do not count towards the share.
/// Throws drift_error: mlguard.drift.unknown_column (a requested column is
/// missing from either table), mlguard.drift.invalid_option (bins = 0, a
/// threshold that is NaN or negative, a drift_share outside [0, 1]).
template <class = void> // deferred: see core/json.hpp
drift_report compare(const table& reference, const table& current,
                     const report_options& options = {});

} // namespace mlguard::drift

#include "mlguard/drift/detail/report_impl.hpp"

#endif // MLGUARD_DRIFT_REPORT_HPP

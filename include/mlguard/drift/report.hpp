#ifndef MLGUARD_DRIFT_REPORT_HPP
#define MLGUARD_DRIFT_REPORT_HPP

#include <cmath>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/correction.hpp"
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
  std::size_t bins = 10;
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

/// The drift verdict on one column.
struct column_drift {
  std::string name;
  column_kind kind = column_kind::numeric;
  method stat = method::automatic;        ///< the method actually run
  double statistic = std::nan("");        ///< the method's statistic (NaN when skipped)
  std::optional<double> p_value;          ///< for p-value methods
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

/// A drift report over the columns of two tables.
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
};

} // namespace mlguard::drift

#include "mlguard/drift/detail/report_impl.hpp"

#endif // MLGUARD_DRIFT_REPORT_HPP

#ifndef MLGUARD_VALIDATE_INFER_SCHEMA_HPP
#define MLGUARD_VALIDATE_INFER_SCHEMA_HPP

// Schema inference from training data, after TFDV's infer_schema: one
// feature_spec per column with its kind, presence, domain or vocabulary,
// NaN/Inf rules, an impute value and skew thresholds.

#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate {

/// Options of infer_schema.
struct infer_options {
  /// A categorical feature with at most this many distinct values gets a
  /// vocabulary (ENUM_TYPE_UNEXPECTED_STRING_VALUES for others); above it,
  /// any string is accepted.
  std::size_t categorical_threshold = 100;
  /// The numeric domain [min, max] is widened by this fraction of its range
  /// on each side (0: exactly the training range); integer bounds are then
  /// rounded outward.
  double domain_margin = 0.0;
  /// An optional feature's max_missing_fraction is the training fraction
  /// plus this (capped at 1).
  double missing_margin = 0.0;
  /// Numeric features whose values are exactly {0, 1} and categorical
  /// features whose values are exactly {true, false} become boolean.
  bool infer_boolean = true;
  /// Comparator thresholds written into every categorical (L-infinity,
  /// unseen share) and every numeric or categorical (Jensen–Shannon)
  /// feature; nothing turns a comparator off.
  std::optional<double> l_infinity = 0.1;
  std::optional<double> jensen_shannon = 0.1;
  std::optional<double> unseen_share;
  /// The row policy of every inferred feature (impute values are always
  /// filled in: the median for numbers, the most frequent category).
  row_action action = row_action::flag;
  /// How the profile behind a table is built.
  profile::profile_options profile;
};

/// Infers a schema from a training profile (TFDV infer_schema's role):
/// - kind: a numeric feature whose finite values are all integers is
///   integer, and boolean when they are exactly {0, 1}; otherwise numeric.
///   A categorical feature is categorical (boolean for exactly {true, false}).
/// - required when no value is missing, else optional with
///   max_missing_fraction = missing fraction + missing_margin.
/// - domain [min, max] of the finite values, widened by domain_margin.
/// - vocabulary (sorted) when the exact distinct count ≤ categorical_threshold.
/// - allow_inf when training had ±inf; allow_nan false (a profile counts NaN as missing).
/// - impute value: the median (KLL quantile 0.5) or the most frequent category.
/// Throws validation_error: mlguard.validate.empty_data (no rows or no
/// columns), mlguard.validate.all_missing_column (a column without any
/// value: its kind cannot be inferred), mlguard.validate.invalid_option.
template <class = void> // deferred: see core/json.hpp
schema infer_schema(const profile::dataset_profile& training, const infer_options& options = {}) {
  if (!(options.domain_margin >= 0.0) || !(options.missing_margin >= 0.0) ||
      !std::isfinite(options.domain_margin) || !std::isfinite(options.missing_margin)) {
    throw validation_error("invalid_option", "domain_margin and missing_margin must be finite "
                                             "and non-negative");
  }
  if (training.rows() == 0 || training.size() == 0) {
    throw validation_error("empty_data", "cannot infer a schema from data without rows");
  }
  std::vector<feature_spec> specs;
  for (const auto& name : training.columns()) {
    const profile::feature_profile& p = training.at(name);
    if (p.present_count() == 0) {
      throw validation_error("all_missing_column", "column '" + name +
                                                       "' has no value in the training data; "
                                                       "its kind cannot be inferred");
    }
    feature_spec f;
    f.name = name;
    f.action = options.action;
    const double missing = *p.missing_fraction();
    f.required = p.missing_count() == 0;
    f.max_missing_fraction = f.required ? 0.0 : std::min(1.0, missing + options.missing_margin);
    if (p.kind() == column_kind::numeric) {
      f.allow_inf = p.non_finite_count() > 0;
      if (p.finite_count() == 0) {
        f.kind = feature_kind::numeric;
      } else {
        const double lo = *p.min();
        const double hi = *p.max();
        const bool integer = p.non_integer_count() == 0;
        f.kind = integer ? feature_kind::integer : feature_kind::numeric;
        if (integer && options.infer_boolean && lo == 0.0 && hi == 1.0) {
          f.kind = feature_kind::boolean;
        } else {
          const double pad = (hi - lo) * options.domain_margin;
          f.min = lo - pad;
          f.max = hi + pad;
          if (integer) {
            f.min = std::floor(*f.min);
            f.max = std::ceil(*f.max);
          }
        }
        f.impute = impute_source::median;
        f.impute_value = *p.quantile(0.5);
        f.skew.jensen_shannon = options.jensen_shannon;
      }
    } else {
      f.kind = feature_kind::categorical;
      const auto& freq = p.frequencies();
      const auto top = freq.top(1);
      if (!top.empty()) {
        f.impute = impute_source::most_frequent;
        f.impute_category = top.front().item;
      }
      if (freq.is_exact() && freq.size() <= options.categorical_threshold) {
        for (const auto& kv : freq.counts()) {
          f.vocabulary.push_back(kv.first); // counts() is in item order: sorted
        }
      }
      auto lower = [](std::string s) {
        for (auto& ch : s) {
          ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
        return s;
      };
      if (options.infer_boolean && f.vocabulary.size() == 2 && lower(f.vocabulary[0]) == "false" &&
          lower(f.vocabulary[1]) == "true") {
        f.kind = feature_kind::boolean;
        f.vocabulary.clear();
        f.impute_value = lower(*f.impute_category) == "true" ? 1.0 : 0.0;
        f.impute_category.reset();
        f.skew.jensen_shannon = options.jensen_shannon;
      } else {
        if (f.vocabulary.empty() && f.action == row_action::impute) {
          f.action = row_action::flag; // an open vocabulary has no code to impute
        }
        f.skew.l_infinity = options.l_infinity;
        f.skew.jensen_shannon = options.jensen_shannon;
        f.skew.unseen_share = options.unseen_share;
      }
    }
    if (f.action == row_action::clip && !f.min && !f.max) {
      f.action = row_action::flag;
    }
    specs.push_back(std::move(f));
  }
  return schema(std::move(specs));
}

/// Infers a schema from a training table (its profile::dataset_profile, then as above).
/// Throws as infer_schema(profile::dataset_profile), and profile_error from profiling.
template <class = void>
schema infer_schema(const table& training, const infer_options& options = {}) {
  if (training.rows() == 0 || training.cols() == 0) {
    throw validation_error("empty_data", "cannot infer a schema from a table without rows");
  }
  return infer_schema(profile::dataset_profile::of(training, options.profile), options);
}

} // namespace mlguard::validate

#endif // MLGUARD_VALIDATE_INFER_SCHEMA_HPP

#ifndef MLGUARD_VALIDATE_FEATURE_SPEC_HPP
#define MLGUARD_VALIDATE_FEATURE_SPEC_HPP

// What a schema says about one feature: its kind, presence, domain or
// vocabulary, NaN/Inf rules, the row policy, the severity of its anomalies
// and the skew thresholds.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/validate/anomaly.hpp"

namespace mlguard::validate {

/// The kind of a feature (TFDV: FLOAT, INT, BYTES with a string domain, BOOL).
enum class feature_kind : std::uint8_t { numeric, integer, categorical, boolean };

/// "numeric", "integer", "categorical" or "boolean".
inline const char* to_string(feature_kind k) noexcept {
  switch (k) {
  case feature_kind::numeric:
    return "numeric";
  case feature_kind::integer:
    return "integer";
  case feature_kind::categorical:
    return "categorical";
  case feature_kind::boolean:
    return "boolean";
  }
  return "numeric";
}

/// What validate_row does to a value with an anomaly.
enum class row_action : std::uint8_t {
  flag,   ///< pass the value through, report the anomaly
  reject, ///< report, and mark the whole row rejected
  impute, ///< replace a missing or anomalous value with the spec's impute value
  clip,   ///< clamp an out-of-domain or infinite value to the domain
};

/// "flag", "reject", "impute" or "clip".
inline const char* to_string(row_action a) noexcept {
  switch (a) {
  case row_action::flag:
    return "flag";
  case row_action::reject:
    return "reject";
  case row_action::impute:
    return "impute";
  case row_action::clip:
    return "clip";
  }
  return "flag";
}

/// Where an impute value came from (kept in the schema for the reader).
enum class impute_source : std::uint8_t { median, most_frequent, constant };

/// "median", "most_frequent" or "constant".
inline const char* to_string(impute_source s) noexcept {
  return s == impute_source::median          ? "median"
         : s == impute_source::most_frequent ? "most_frequent"
                                             : "constant";
}

/// Thresholds of the training–serving skew comparators; an absent threshold
/// switches its comparator off. A measurement above its threshold is an
/// anomaly (TFDV: value > threshold).
struct skew_thresholds {
  /// L-infinity distance between categorical distributions (TFDV's skew_comparator.infinity_norm).
  std::optional<double> l_infinity;
  /// Jensen–Shannon divergence, base 2 (TFDV's jensen_shannon_divergence).
  std::optional<double> jensen_shannon;
  /// Normalised absolute difference (TFDV's normalized_abs_difference).
  std::optional<double> normalized_abs_difference;
  /// Share of serving values whose category the training profile never saw.
  std::optional<double> unseen_share;
};

/// One feature of a schema (DESIGN.md's feature_spec).
struct feature_spec {
  /// The column name (unique in a schema).
  std::string name;
  /// What the values are.
  feature_kind kind = feature_kind::numeric;
  /// A required feature may not be missing in any row; an optional one may
  /// be missing in up to max_missing_fraction of a batch's rows.
  bool required = true;
  double max_missing_fraction = 0.0;
  /// Numeric/integer domain [min, max]; absent bounds are not checked.
  std::optional<double> min;
  std::optional<double> max;
  /// Categorical vocabulary; empty = any string is accepted.
  std::vector<std::string> vocabulary;
  /// Whether a "nan" value (FLOAT_TYPE_HAS_NAN) and ±inf (FLOAT_TYPE_HAS_INF)
  /// are accepted. An accepted ±inf is not checked against the domain (clip
  /// still clamps it to a bound on its side).
  bool allow_nan = false;
  bool allow_inf = false;
  /// The row policy and, for impute, the value (numeric kinds) or category.
  row_action action = row_action::flag;
  impute_source impute = impute_source::median;
  std::optional<double> impute_value;
  std::optional<std::string> impute_category;
  /// The severity of every anomaly of this feature, over the schema's
  /// per-kind severities (schema::severity_of); nothing: the schema's.
  std::optional<severity> level;
  /// Training–serving skew thresholds (compare_profiles).
  skew_thresholds skew;
};

} // namespace mlguard::validate

#endif // MLGUARD_VALIDATE_FEATURE_SPEC_HPP

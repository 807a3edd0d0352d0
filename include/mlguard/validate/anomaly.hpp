#ifndef MLGUARD_VALIDATE_ANOMALY_HPP
#define MLGUARD_VALIDATE_ANOMALY_HPP

// Anomaly kinds (named as TFDV's AnomalyInfo.Type where one exists), their
// severities, and the fixed-size per-feature set a row validation fills in.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "mlguard/core/error.hpp"

namespace mlguard::validate {

/// What is wrong with a feature. The names are those of
/// tensorflow_metadata's anomalies.proto (AnomalyInfo.Type) where TFDV has
/// one; COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH and
/// COMPARATOR_UNSEEN_CATEGORIES_HIGH are mlguard's own (TFDV folds the first
/// into its L-infinity comparator and has no second).
enum class anomaly_kind : std::uint8_t {
  schema_missing_column, ///< SCHEMA_MISSING_COLUMN: a schema feature absent from the data
  schema_new_column,     ///< SCHEMA_NEW_COLUMN: a data column not in the schema
  feature_type_low_fraction_present, ///< FEATURE_TYPE_LOW_FRACTION_PRESENT: too many missing values
  float_type_has_nan,                ///< FLOAT_TYPE_HAS_NAN: a "nan" value where NaN is not allowed
  float_type_has_inf,                ///< FLOAT_TYPE_HAS_INF: ±inf where it is not allowed
  float_type_big_float,              ///< FLOAT_TYPE_BIG_FLOAT: above the domain's max
  float_type_small_float,            ///< FLOAT_TYPE_SMALL_FLOAT: below the domain's min
  float_type_string_not_float,       ///< FLOAT_TYPE_STRING_NOT_FLOAT: text in a numeric feature
  int_type_big_int,                  ///< INT_TYPE_BIG_INT: integer above the domain's max
  int_type_small_int,                ///< INT_TYPE_SMALL_INT: integer below the domain's min
  int_type_not_int_string, ///< INT_TYPE_NOT_INT_STRING: not an integer (text or a fraction)
  enum_type_unexpected_string_values, ///< ENUM_TYPE_UNEXPECTED_STRING_VALUES: not in the vocabulary
  bool_type_unexpected_float,         ///< BOOL_TYPE_UNEXPECTED_FLOAT: a number other than 0 and 1
  bool_type_unexpected_string, ///< BOOL_TYPE_UNEXPECTED_STRING: text other than true/false/0/1
  comparator_l_infty_high,     ///< COMPARATOR_L_INFTY_HIGH: categorical skew
  comparator_jensen_shannon_divergence_high,      ///< COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH
  comparator_normalized_absolute_difference_high, ///< mlguard's name (see the enum comment)
  comparator_unseen_categories_high, ///< mlguard's name: share of serving values unseen in training
};

/// The number of anomaly kinds.
inline constexpr std::size_t anomaly_kind_count = 18;

/// The TFDV-style upper-case name of `kind`, e.g. "FLOAT_TYPE_BIG_FLOAT".
inline const char* to_string(anomaly_kind kind) noexcept {
  static constexpr const char* names[anomaly_kind_count] = {
      "SCHEMA_MISSING_COLUMN",
      "SCHEMA_NEW_COLUMN",
      "FEATURE_TYPE_LOW_FRACTION_PRESENT",
      "FLOAT_TYPE_HAS_NAN",
      "FLOAT_TYPE_HAS_INF",
      "FLOAT_TYPE_BIG_FLOAT",
      "FLOAT_TYPE_SMALL_FLOAT",
      "FLOAT_TYPE_STRING_NOT_FLOAT",
      "INT_TYPE_BIG_INT",
      "INT_TYPE_SMALL_INT",
      "INT_TYPE_NOT_INT_STRING",
      "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
      "BOOL_TYPE_UNEXPECTED_FLOAT",
      "BOOL_TYPE_UNEXPECTED_STRING",
      "COMPARATOR_L_INFTY_HIGH",
      "COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH",
      "COMPARATOR_NORMALIZED_ABSOLUTE_DIFFERENCE_HIGH",
      "COMPARATOR_UNSEEN_CATEGORIES_HIGH",
  };
  const auto i = static_cast<std::size_t>(kind);
  return i < anomaly_kind_count ? names[i] : "UNKNOWN_TYPE";
}

/// The kind called `name` (as to_string writes it). Throws validation_error
/// (mlguard.validate.unknown_anomaly_kind).
template <class = void>
anomaly_kind anomaly_kind_from_string(std::string_view name);

/// How serious an anomaly is (TFDV's AnomalyInfo.Severity without UNKNOWN).
enum class severity : std::uint8_t { warning, error };

/// "warning" or "error".
inline const char* to_string(severity s) noexcept {
  return s == severity::warning ? "warning" : "error";
}

/// The severity called `name`. Throws validation_error (mlguard.validate.unknown_severity).
template <class = void>
severity severity_from_string(std::string_view name);

/// The default severity of a kind: a new column is a warning, everything
/// else an error (TFDV reports schema, domain and comparator anomalies as ERROR).
constexpr severity default_severity(anomaly_kind kind) noexcept {
  return kind == anomaly_kind::schema_new_column ? severity::warning : severity::error;
}

/// The anomalies of one feature in one row: a fixed-size bitset (no
/// allocation), plus an observation bit saying the value was missing (not
/// an anomaly by itself: an optional feature may be missing).
template <class = void> // deferred: see core/json.hpp
class basic_anomaly_set {
public:
  /// True when no anomaly is set (the missing observation does not count).
  constexpr bool empty() const noexcept { return (bits_ & anomaly_mask) == 0; }
  /// True when `kind` is set.
  constexpr bool has(anomaly_kind kind) const noexcept { return (bits_ & bit(kind)) != 0; }
  /// Sets `kind`.
  constexpr void set(anomaly_kind kind) noexcept { bits_ |= bit(kind); }
  /// Whether the value was missing (empty, NaN in a row of doubles, missing_code).
  constexpr bool missing() const noexcept { return (bits_ & missing_bit) != 0; }
  /// Records that the value was missing.
  constexpr void set_missing() noexcept { bits_ |= missing_bit; }
  /// Clears everything.
  constexpr void clear() noexcept { bits_ = 0; }
  /// The anomaly bits (bit i = anomaly_kind i).
  constexpr std::uint32_t bits() const noexcept { return bits_ & anomaly_mask; }

  friend constexpr bool operator==(basic_anomaly_set a, basic_anomaly_set b) noexcept {
    return a.bits_ == b.bits_;
  }
  friend constexpr bool operator!=(basic_anomaly_set a, basic_anomaly_set b) noexcept {
    return !(a == b);
  }

private:
  static constexpr std::uint32_t missing_bit = std::uint32_t{1} << 31;
  static constexpr std::uint32_t anomaly_mask = (std::uint32_t{1} << anomaly_kind_count) - 1;
  static constexpr std::uint32_t bit(anomaly_kind kind) noexcept {
    return std::uint32_t{1} << static_cast<unsigned>(kind);
  }
  std::uint32_t bits_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using anomaly_set = basic_anomaly_set<>;

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class>
anomaly_kind anomaly_kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < anomaly_kind_count; ++i) {
    if (name == to_string(static_cast<anomaly_kind>(i))) {
      return static_cast<anomaly_kind>(i);
    }
  }
  throw validation_error("unknown_anomaly_kind",
                         "'" + std::string(name) + "' is not an anomaly kind mlguard knows");
}

template <class>
severity severity_from_string(std::string_view name) {
  if (name == "warning") {
    return severity::warning;
  }
  if (name == "error") {
    return severity::error;
  }
  throw validation_error("unknown_severity",
                         "'" + std::string(name) + "' is not a severity (warning or error)");
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_ANOMALY_HPP

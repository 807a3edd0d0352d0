#ifndef MLGUARD_VALIDATE_SCHEMA_HPP
#define MLGUARD_VALIDATE_SCHEMA_HPP

// A schema: the feature specs a model expects, checked once when built and
// compiled into flat per-feature checks that validate_row reads without
// allocating. Persisted as the "mlguard.schema" JSON document.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/feature_spec.hpp"

namespace mlguard::validate {

namespace detail {

// What validate_row needs of one feature, flat and allocation-free.
struct feature_check {
  feature_kind kind = feature_kind::numeric;
  row_action action = row_action::flag;
  bool required = true;
  bool allow_nan = false;
  bool allow_inf = false;
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  std::int32_t vocab_size = 0; // 0: any category accepted
  double impute = std::numeric_limits<double>::quiet_NaN();
  std::uint32_t error_mask = 0; // anomaly bits of error severity on this feature
};

} // namespace detail

/// The features a model expects (DESIGN.md's schema), in column order, with
/// per-kind severity overrides and the histogram size of the numeric skew
/// comparator.
///
/// JSON ("mlguard.schema", format_version 1), meant to be read and edited:
/// {"format", "format_version", "histogram_buckets", "severity": {KIND: "warning"|"error"},
///  "features": [{"name", "kind", "required", "max_missing_fraction",
///  "domain": {"min", "max"}, "vocabulary": [...], "allow_nan", "allow_inf",
///  "policy": {"action", "impute": {"strategy", "value" | "category"}},
///  "severity": "warning"|"error", "skew": {"l_infinity", "jensen_shannon",
///  "normalized_abs_difference", "unseen_share"}}]}.
/// Optional members may be left out. Doubles are written by json_number.
/// Unknown fields, a newer format_version and ill-typed values are rejected
/// (mlguard.format.*, naming the file and the field path).
///
/// A feature's "severity" member is written only when set, so a schema
/// without one reads in mlguard versions that predate it.
///
/// Threads: after construction (and any set_severity or set_feature calls,
/// which are not synchronised) a schema is only read: share it freely
/// between threads.
template <class = void> // deferred: see core/json.hpp
class basic_schema {
public:
  /// The document a schema is saved as: "mlguard.schema", version 1.
  static constexpr document_format format{"mlguard.schema", 1};
  /// TFDV's default number of histogram buckets (StatsOptions.num_histogram_buckets).
  static constexpr std::size_t default_histogram_buckets = 10;

  /// An empty schema (no features).
  basic_schema() { update_error_mask(); }

  /// Builds a schema. Throws validation_error: mlguard.validate.invalid_spec
  /// (naming features[i]) for an empty or repeated name, min > max or a
  /// non-finite bound, a max_missing_fraction outside [0, 1], a vocabulary
  /// on a non-categorical feature or with a repeated category, impute
  /// without a value (or with a category outside the vocabulary), clip
  /// without a domain, a negative skew threshold;
  /// mlguard.validate.invalid_option for histogram_buckets of 0.
  explicit basic_schema(std::vector<feature_spec> features,
                        std::size_t histogram_buckets = default_histogram_buckets);

  /// The features in order.
  const std::vector<feature_spec>& features() const noexcept { return features_; }
  /// The number of features.
  std::size_t size() const noexcept { return features_.size(); }
  /// The feature at `i` (unchecked in release builds; i < size()).
  const feature_spec& operator[](std::size_t i) const noexcept { return features_[i]; }
  /// The position of the feature called `name`, or nothing.
  std::optional<std::size_t> index_of(std::string_view name) const noexcept;
  /// The vocabulary of feature `i` as a code lookup (empty when open).
  const vocabulary& vocab(std::size_t i) const noexcept { return vocabs_[i]; }
  /// Buckets per numeric histogram in the Jensen–Shannon comparator.
  std::size_t histogram_buckets() const noexcept { return histogram_buckets_; }

  /// The severity of `kind` in this schema (default_severity unless overridden).
  severity severity_of(anomaly_kind kind) const noexcept;
  /// The severity of `kind` on feature `i`: the feature's own level
  /// (feature_spec::level) when set, else severity_of(kind). i < size().
  severity severity_of(std::size_t i, anomaly_kind kind) const noexcept;
  /// Overrides the severity of `kind` (features with their own level keep it).
  void set_severity(anomaly_kind kind, severity s) noexcept;
  /// The anomaly bits (anomaly_set::bits) whose severity is error, schema-wide.
  std::uint32_t error_mask() const noexcept { return error_mask_; }
  /// The anomaly bits whose severity is error on feature `i` (its level applied).
  std::uint32_t error_mask(std::size_t i) const noexcept { return checks_[i].error_mask; }

  /// Replaces feature `i` with `spec`, checked as the constructor checks it
  /// against the other features; the schema's severities and histogram size
  /// are kept. On a throw the schema is unchanged. Throws validation_error
  /// (mlguard.validate.invalid_spec, as the constructor) and argument_error
  /// (mlguard.argument.out_of_range) when i >= size().
  void set_feature(std::size_t i, feature_spec spec);

  /// The compiled check of feature `i` (for validate_row).
  const detail::feature_check& check(std::size_t i) const noexcept { return checks_[i]; }

  /// The schema as a "mlguard.schema" document (see the class comment).
  json to_json() const;
  /// The schema as JSON text (`indent` < 0: one line).
  std::string dump(int indent = 2) const { return dump_json(to_json(), indent); }
  /// Reads a "mlguard.schema" document; `source` names it in errors. Throws
  /// format_error (mlguard.format.corrupt, unknown_field, wrong_kind,
  /// newer_version; messages name the field path, e.g. `s.json:
  /// features[2].domain.min: expected a number`) and validation_error
  /// (mlguard.validate.invalid_spec, naming the source and the feature).
  static basic_schema from_json(const json& document, const std::string& source = "schema");
  /// Parses JSON text and reads it (parse_json's errors, then from_json's).
  static basic_schema parse(std::string_view text, const std::string& source = "schema");
  /// Writes the schema document to `path` atomically (save_json).
  /// Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads a schema document from `path` (load_json, then from_json).
  /// Throws io_error (mlguard.io.open_failed, read_failed) and from_json's errors.
  static basic_schema load(const std::string& path) { return from_json(load_json(path), path); }

private:
  void compile();
  void update_error_mask() noexcept;
  static constexpr std::uint32_t all_kinds_mask = (std::uint32_t{1} << anomaly_kind_count) - 1;

  std::vector<feature_spec> features_;
  std::size_t histogram_buckets_ = default_histogram_buckets;
  std::array<std::uint8_t, anomaly_kind_count> severities_{}; // 0 default, 1 warning, 2 error
  std::vector<detail::feature_check> checks_;
  std::vector<vocabulary> vocabs_;
  std::uint32_t error_mask_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using schema = basic_schema<>;

} // namespace mlguard::validate

#include "mlguard/validate/detail/schema_impl.hpp"

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class V>
MLGUARD_INLINE basic_schema<V>::basic_schema(std::vector<feature_spec> features,
                                             std::size_t histogram_buckets)
    : features_(std::move(features)), histogram_buckets_(histogram_buckets) {
  severities_.fill(0);
  compile();
  update_error_mask();
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::index_of(std::string_view name) const noexcept
    -> std::optional<std::size_t> {
  for (std::size_t i = 0; i < features_.size(); ++i) {
    if (features_[i].name == name) {
      return i;
    }
  }
  return std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::severity_of(anomaly_kind kind) const noexcept -> severity {
  const auto o = severities_[static_cast<std::size_t>(kind)];
  return o == 0 ? default_severity(kind) : (o == 1 ? severity::warning : severity::error);
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::severity_of(std::size_t i, anomaly_kind kind) const noexcept
    -> severity {
  return features_[i].level ? *features_[i].level : severity_of(kind);
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::set_severity(anomaly_kind kind, severity s) noexcept -> void {
  severities_[static_cast<std::size_t>(kind)] = s == severity::warning ? 1 : 2;
  update_error_mask();
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::parse(std::string_view text, const std::string& source)
    -> basic_schema {
  return from_json(parse_json(text, source), source);
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::update_error_mask() noexcept -> void {
  error_mask_ = 0;
  for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
    if (severity_of(static_cast<anomaly_kind>(k)) == severity::error) {
      error_mask_ |= std::uint32_t{1} << k;
    }
  }
  for (std::size_t i = 0; i < checks_.size(); ++i) {
    const auto& level = features_[i].level;
    checks_[i].error_mask =
        !level ? error_mask_ : (*level == severity::error ? all_kinds_mask : 0U);
  }
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_SCHEMA_HPP

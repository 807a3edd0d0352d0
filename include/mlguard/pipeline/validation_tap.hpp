#ifndef MLGUARD_PIPELINE_VALIDATION_TAP_HPP
#define MLGUARD_PIPELINE_VALIDATION_TAP_HPP

// A pipeline tap that checks every row against a validate::schema and applies
// the schema's row policies (clip, impute, reject, flag) before later stages
// see the row.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/tap.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/validate_row.hpp"

namespace mlguard::pipeline {

/// Validates each row against a schema (validate::validate_row) and maps the
/// outcome to a row status: rejected when a feature whose policy is reject
/// has an anomaly, flagged when any feature has one (after clip or impute
/// edited the row), ok otherwise. The schema's features are found in the
/// pipeline's input by name in bind(); input columns the schema does not name
/// pass through unchecked. Per row it gathers the schema's features into a
/// buffer sized at bind(), so it never allocates, throws or blocks.
///
/// Counters (rows_checked, rows_flagged, rows_rejected) and last_anomalies()
/// belong to this copy of the tap: a pipeline copied per thread counts per
/// thread. to_json() embeds the schema document, so a saved pipeline keeps
/// its checks.
template <class = void> // deferred: see core/json.hpp
class basic_validation_tap : public tap<basic_validation_tap<>> {
public:
  static constexpr std::string_view kind = "validation_tap";

  /// A tap checking rows against `s`.
  explicit basic_validation_tap(validate::schema s) : schema_(std::move(s)) {}

  /// Learns the input layout and finds every schema feature in it. Throws
  /// pipeline_error (mlguard.pipeline.unknown_feature) when the input lacks a
  /// feature the schema names.
  void bind(const std::vector<std::string>& names_in);

  /// Checks one row in place (see the class comment). Never throws.
  row_status inspect(span<double> row) noexcept;

  /// The schema checked against.
  const validate::schema& schema() const noexcept { return schema_; }
  /// The anomalies of the last row inspected, one set per schema feature.
  span<const validate::anomaly_set> last_anomalies() const noexcept;
  std::size_t rows_checked() const noexcept { return checked_; }   ///< rows inspected
  std::size_t rows_flagged() const noexcept { return flagged_; }   ///< ... with an anomaly, kept
  std::size_t rows_rejected() const noexcept { return rejected_; } ///< ... stopped by a policy

  /// {"schema": the schema document}.
  json to_json() const;
  /// The tap of a saved schema, bound to `names_in`. Throws format_error
  /// (unknown_field, and the schema's own format errors) and as bind().
  static basic_validation_tap from_json(const json_reader& params,
                                        const std::vector<std::string>& names_in);

private:
  validate::schema schema_;
  std::vector<std::size_t> positions_;
  std::vector<double> row_;
  std::vector<validate::anomaly_set> found_;
  std::size_t checked_ = 0;
  std::size_t flagged_ = 0;
  std::size_t rejected_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using validation_tap = basic_validation_tap<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_validation_tap<V>::bind(const std::vector<std::string>& names_in)
    -> void {
  std::vector<std::size_t> positions;
  positions.reserve(schema_.size());
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    const std::string& name = schema_[i].name;
    std::size_t j = 0;
    while (j < names_in.size() && names_in[j] != name) {
      ++j;
    }
    if (j == names_in.size()) {
      throw pipeline_error("unknown_feature", std::string(kind) + ": the schema's feature '" +
                                                  name + "' is not an input column");
    }
    positions.push_back(j);
  }
  tap::bind(names_in);
  positions_ = std::move(positions);
  row_.assign(schema_.size(), 0.0);
  found_.assign(schema_.size(), validate::anomaly_set{});
}

template <class V>
MLGUARD_INLINE auto basic_validation_tap<V>::inspect(span<double> row) noexcept -> row_status {
  for (std::size_t i = 0; i < positions_.size(); ++i) {
    row_[i] = row[positions_[i]];
  }
  const validate::row_result r =
      validate::validate_row(schema_, span<double>(row_), span<validate::anomaly_set>(found_));
  for (std::size_t i = 0; i < positions_.size(); ++i) {
    row[positions_[i]] = row_[i]; // clip and impute act on the row
  }
  ++checked_;
  if (r.rejected) {
    ++rejected_;
    return row_status::rejected;
  }
  if (r.anomalous_features > 0) {
    ++flagged_;
    return row_status::flagged;
  }
  return row_status::ok;
}

template <class V>
MLGUARD_INLINE auto basic_validation_tap<V>::last_anomalies() const noexcept
    -> span<const validate::anomaly_set> {
  return span<const validate::anomaly_set>(found_);
}

template <class V>
MLGUARD_INLINE auto basic_validation_tap<V>::to_json() const -> json {
  json j = json::object();
  j["schema"] = schema_.to_json();
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_validation_tap<V>::from_json(const json_reader& params,
                                                       const std::vector<std::string>& names_in)
    -> basic_validation_tap {
  params.allow_fields({"schema"});
  basic_validation_tap t(validate::schema::from_json(params.at("schema"), params.where("schema")));
  t.bind(names_in);
  return t;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_VALIDATION_TAP_HPP

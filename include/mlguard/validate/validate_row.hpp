#ifndef MLGUARD_VALIDATE_VALIDATE_ROW_HPP
#define MLGUARD_VALIDATE_VALIDATE_ROW_HPP

// Per-row validation: the hot path. A row is one double per schema feature
// (categorical features as vocabulary codes), or one text field per feature
// (a CSV record, a request's strings). Results go to a caller-provided
// array of anomaly_set; nothing allocates, nothing throws on bad data.

#include <cstddef>
#include <limits>
#include <string_view>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate {

/// The outcome of validating one row.
struct row_result {
  /// Features with at least one anomaly.
  std::size_t anomalous_features = 0;
  /// True when a feature whose policy is reject has an anomaly.
  bool rejected = false;
  /// True when an anomaly of error severity (schema::severity_of(i, kind)) was found.
  bool has_error = false;

  /// True when the row has no anomaly at all.
  bool clean() const noexcept { return anomalous_features == 0; }
};

namespace detail {

template <class = void>
void tally(const schema& s, std::size_t i, anomaly_set a, row_result& r) noexcept;

template <class = void>
void check_sizes(const schema& s, std::size_t row, std::size_t out);

} // namespace detail

/// Validates a row of doubles in place, one value per schema feature in
/// schema order: NaN is missing; a categorical feature's value is its code
/// in the schema's vocabulary (missing_code or NaN = missing, any other
/// code outside the vocabulary = ENUM_TYPE_UNEXPECTED_STRING_VALUES); a
/// boolean is 0 or 1. out[i] receives feature i's anomalies, and the row
/// policy is applied to row[i] (impute replaces a missing or anomalous
/// value, clip clamps to the domain, reject marks the row).
///
/// No heap allocation, no lock; safe to call from many threads on one schema.
/// Throws argument_error (mlguard.argument.size_mismatch) only when the row
/// or output size differs from the schema (a programming error, not bad data).
template <class = void>
row_result validate_row(const schema& s, span<double> row, span<anomaly_set> out);

/// Validates a row of text fields, one per schema feature: an empty field
/// is missing; "nan" is FLOAT_TYPE_HAS_NAN unless allowed; text that is not
/// a number is FLOAT_TYPE_STRING_NOT_FLOAT / INT_TYPE_NOT_INT_STRING /
/// BOOL_TYPE_UNEXPECTED_STRING by kind; a boolean also accepts true/false.
/// row_out[i] receives the parsed value after the row policy (categories as
/// vocabulary codes; unseen_code for an open vocabulary), so the row can go
/// on to the model. Numbers parse exactly as io::read_csv parses them.
///
/// No heap allocation. Throws argument_error (mlguard.argument.size_mismatch)
/// when a size differs from the schema's.
template <class = void>
row_result validate_fields(const schema& s, span<const std::string_view> fields,
                           span<double> row_out, span<anomaly_set> out);

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/validate/detail/cell.hpp"

namespace mlguard::validate::detail {

template <class>
void tally(const schema& s, std::size_t i, anomaly_set a, row_result& r) noexcept {
  if (!a.empty()) {
    ++r.anomalous_features;
    r.rejected = r.rejected || s.check(i).action == row_action::reject;
    r.has_error = r.has_error || (a.bits() & s.error_mask(i)) != 0;
  }
}

template <class>
void check_sizes(const schema& s, std::size_t row, std::size_t out) {
  if (row != s.size() || out < s.size()) {
    throw argument_error("size_mismatch", "the schema has " + std::to_string(s.size()) +
                                              " features; the row has " + std::to_string(row) +
                                              " values and the output room for " +
                                              std::to_string(out));
  }
}

} // namespace mlguard::validate::detail

namespace mlguard::validate {

template <class>
row_result validate_row(const schema& s, span<double> row, span<anomaly_set> out) {
  detail::check_sizes(s, row.size(), out.size());
  row_result r;
  for (std::size_t i = 0; i < row.size(); ++i) {
    const auto& c = s.check(i);
    double& v = row[i];
    out[i] = detail::check_cell(c, detail::state_of(c, v), v);
    detail::tally(s, i, out[i], r);
  }
  return r;
}

template <class>
row_result validate_fields(const schema& s, span<const std::string_view> fields,
                           span<double> row_out, span<anomaly_set> out) {
  detail::check_sizes(s, fields.size(), out.size());
  detail::check_sizes(s, row_out.size(), out.size());
  row_result r;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto& c = s.check(i);
    double& v = row_out[i];
    v = c.kind == feature_kind::categorical ? double{missing_code}
                                            : std::numeric_limits<double>::quiet_NaN();
    const auto state = detail::parse_field(c, s.vocab(i), fields[i], v);
    out[i] = detail::check_cell(c, state, v);
    detail::tally(s, i, out[i], r);
  }
  return r;
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_VALIDATE_ROW_HPP

#ifndef MLGUARD_VALIDATE_DETAIL_CELL_HPP
#define MLGUARD_VALIDATE_DETAIL_CELL_HPP

// One value on its way into validation: parsed from text or taken from a row
// of doubles, then checked against a feature's compiled check. Nothing here
// allocates or throws.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <system_error>

#include "mlguard/core/table.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate::detail {

// What a value turned out to be before the kind checks.
enum class cell_state : std::uint8_t {
  value,        // a number, or a category code
  missing,      // empty field, NaN double, missing_code
  nan_literal,  // the text "nan" in a numeric field
  not_a_number, // text that is not a number where one is expected
  unseen,       // a category outside the vocabulary
};

template <class = void>
bool equals_ignore_case(std::string_view a, std::string_view b) noexcept;

// The number in `text` (spaces/tabs trimmed, a leading '+', inf/infinity;
// "nan" in any case gives nan_literal). Round-trip exact (std::from_chars),
// like io::parse_number, so a CSV validates as it profiles.
template <class = void>
cell_state parse_number(std::string_view text, double& out) noexcept;

// Parses a text field for feature `c` (vocabulary `vocab`): a number for
// numeric/integer, true/false/0/1 for boolean, the vocabulary code for
// categorical (unseen_code for any category when the vocabulary is open).
template <class = void>
cell_state parse_field(const feature_check& c, const vocabulary& vocab, std::string_view text,
                       double& out) noexcept;

// A value from a row of doubles: NaN is missing; for a categorical feature
// the double holds a vocabulary code (missing_code = missing).
template <class = void>
cell_state state_of(const feature_check& c, double v) noexcept;

// Checks one cell against feature `c`, applies the row policy to `v` and
// returns the anomalies.
template <class = void>
anomaly_set check_cell(const feature_check& c, cell_state state, double& v) noexcept;

} // namespace mlguard::validate::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <charconv>

namespace mlguard::validate::detail {

template <class>
bool equals_ignore_case(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    if ((x | 0x20) != (y | 0x20) || ((x | 0x20) < 'a' && x != y)) {
      return false;
    }
  }
  return true;
}

template <class>
cell_state parse_number(std::string_view text, double& out) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  if (text.empty()) {
    return cell_state::missing;
  }
  if (text.size() > 1 && text.front() == '+' && text[1] != '-' && text[1] != '+') {
    text.remove_prefix(1);
  }
  const char* first = text.data();
  const char* last = first + text.size();
  double v = 0.0;
  const auto r = std::from_chars(first, last, v);
  if (r.ptr != last) {
    return cell_state::not_a_number;
  }
  if (r.ec == std::errc::result_out_of_range) {
    // Overflow or underflow: strtod's answer, as Python's float() and the CSV reader give.
    char buffer[64];
    if (text.size() >= sizeof buffer) {
      return cell_state::not_a_number;
    }
    std::memcpy(buffer, text.data(), text.size());
    buffer[text.size()] = '\0';
    v = std::strtod(buffer, nullptr);
  } else if (r.ec != std::errc()) {
    return cell_state::not_a_number;
  }
  if (std::isnan(v)) {
    out = v;
    return cell_state::nan_literal;
  }
  out = v;
  return cell_state::value;
}

template <class>
cell_state parse_field(const feature_check& c, const vocabulary& vocab, std::string_view text,
                       double& out) noexcept {
  if (c.kind == feature_kind::categorical) {
    if (text.empty()) {
      return cell_state::missing;
    }
    if (c.vocab_size == 0) {
      out = unseen_code;
      return cell_state::value;
    }
    const auto code = vocab.code_of(text);
    out = code;
    return code == unseen_code ? cell_state::unseen : cell_state::value;
  }
  if (c.kind == feature_kind::boolean) {
    std::string_view t = text;
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) {
      t.remove_prefix(1);
    }
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) {
      t.remove_suffix(1);
    }
    if (equals_ignore_case(t, "true")) {
      out = 1.0;
      return cell_state::value;
    }
    if (equals_ignore_case(t, "false")) {
      out = 0.0;
      return cell_state::value;
    }
  }
  return parse_number(text, out);
}

template <class>
cell_state state_of(const feature_check& c, double v) noexcept {
  if (std::isnan(v)) {
    return cell_state::missing;
  }
  if (c.kind == feature_kind::categorical && v == missing_code) {
    return cell_state::missing;
  }
  return cell_state::value;
}

template <class>
anomaly_set check_cell(const feature_check& c, cell_state state, double& v) noexcept {
  anomaly_set a;
  switch (state) {
  case cell_state::missing:
    a.set_missing();
    if (c.required) {
      a.set(anomaly_kind::feature_type_low_fraction_present);
    }
    if (c.action == row_action::impute) {
      v = c.impute; // impute fills every missing value, required or not
    }
    return a;
  case cell_state::nan_literal:
    if (!c.allow_nan) {
      a.set(anomaly_kind::float_type_has_nan);
    }
    v = std::numeric_limits<double>::quiet_NaN();
    break;
  case cell_state::not_a_number:
    a.set(c.kind == feature_kind::integer   ? anomaly_kind::int_type_not_int_string
          : c.kind == feature_kind::boolean ? anomaly_kind::bool_type_unexpected_string
                                            : anomaly_kind::float_type_string_not_float);
    v = std::numeric_limits<double>::quiet_NaN();
    break;
  case cell_state::unseen:
    a.set(anomaly_kind::enum_type_unexpected_string_values);
    v = unseen_code;
    break;
  case cell_state::value:
    switch (c.kind) {
    case feature_kind::categorical:
      if (c.vocab_size > 0 && !(v >= 0.0 && v < c.vocab_size && std::floor(v) == v)) {
        a.set(anomaly_kind::enum_type_unexpected_string_values);
      } else if (c.vocab_size == 0 && !(v >= 0.0 || v == unseen_code)) {
        a.set(anomaly_kind::enum_type_unexpected_string_values);
      }
      break;
    case feature_kind::boolean:
      if (v != 0.0 && v != 1.0) {
        a.set(anomaly_kind::bool_type_unexpected_float);
      }
      break;
    case feature_kind::numeric:
    case feature_kind::integer: {
      const bool integer = c.kind == feature_kind::integer;
      if (std::isinf(v)) {
        // ±inf is its own anomaly, or accepted: an allowed inf is not also
        // outside the domain (a schema inferred from data with inf accepts it).
        if (!c.allow_inf) {
          a.set(anomaly_kind::float_type_has_inf);
        }
      } else {
        if (integer && std::isfinite(v) && std::floor(v) != v) {
          a.set(anomaly_kind::int_type_not_int_string);
        }
        if (v > c.hi) {
          a.set(integer ? anomaly_kind::int_type_big_int : anomaly_kind::float_type_big_float);
        } else if (v < c.lo) {
          a.set(integer ? anomaly_kind::int_type_small_int : anomaly_kind::float_type_small_float);
        }
      }
      if (c.action == row_action::clip) {
        v = std::min(std::max(v, c.lo), c.hi); // ±inf too, when the side has a bound
      }
      break;
    }
    }
    break;
  }
  if (c.action == row_action::impute && !a.empty()) {
    v = c.impute;
  }
  return a;
}

} // namespace mlguard::validate::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_DETAIL_CELL_HPP

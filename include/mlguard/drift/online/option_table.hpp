#ifndef MLGUARD_DRIFT_ONLINE_OPTION_TABLE_HPP
#define MLGUARD_DRIFT_ONLINE_OPTION_TABLE_HPP

// The parameter table of an online drift detector: one row per field of its
// *_options struct (name, member, allowed range, meaning). Each detector
// writes its table once, as `static constexpr auto option_table()`, and
// that table alone drives
//   - the range checks of its constructor (drift_error mlguard.drift.invalid_option),
//   - the "params" object of its saved state (to_json and from_json),
//   - set_option(options, name, text) and describe_options(), which the
//     `mlguard detect` command uses for `--param name=value` and `--list`.
//
// A row is made with option():
//
//   option("delta", &adwin_options::delta, open_closed(0.0, 1.0), "confidence of the cut test")
//
// Field types: double, unsigned integers, bool, an enum with a name list
// (option(name, member, names, doc)), and std::optional<std::uint64_t>
// (null / "none" when unset). Doubles are written with json_number.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::drift::online {

/// The values a numeric setting may take: from lo to hi, each end included
/// or not. Integers are also bounded by their type.
struct option_range {
  double lo = -std::numeric_limits<double>::infinity(); ///< lower end
  double hi = std::numeric_limits<double>::infinity();  ///< upper end
  bool lo_open = true;                                  ///< lo itself excluded
  bool hi_open = true;                                  ///< hi itself excluded

  /// True when v lies in the range (never for NaN).
  constexpr bool contains(double v) const noexcept {
    return (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
};

/// [lo, hi].
constexpr option_range closed(double lo, double hi) noexcept { return {lo, hi, false, false}; }
/// (lo, hi).
constexpr option_range open_interval(double lo, double hi) noexcept { return {lo, hi, true, true}; }
/// (lo, hi].
constexpr option_range open_closed(double lo, double hi) noexcept { return {lo, hi, true, false}; }
/// [lo, inf): a finite number at least lo.
constexpr option_range at_least(double lo) noexcept {
  return {lo, std::numeric_limits<double>::infinity(), false, true};
}
/// (lo, inf): a finite number above lo.
constexpr option_range above(double lo) noexcept {
  return {lo, std::numeric_limits<double>::infinity(), true, true};
}

/// One row of a parameter table: the field `member` of `Options`, known as
/// `name` (and as `alias`, River's spelling, when that differs).
template <typename Options, typename T>
struct option_field {
  std::string_view name;                   ///< in JSON, set_option and --param
  T Options::*member;                      ///< the field it sets
  option_range range;                      ///< numeric fields only
  std::string_view doc;                    ///< what the setting means
  const std::string_view* names = nullptr; ///< enum fields: the name of each value, in order
  std::size_t n_names = 0;                 ///< how many names
  std::string_view alias = {};             ///< another name set_option accepts
};

/// A numeric row (double or unsigned integer) with its range.
template <typename Options, typename T>
constexpr option_field<Options, T> option(std::string_view name, T Options::*member,
                                          option_range range, std::string_view doc,
                                          std::string_view alias = {}) noexcept {
  static_assert(std::is_arithmetic_v<T> && !std::is_same_v<T, bool>,
                "a range applies to numbers; use option(name, member, doc) for the others");
  return {name, member, range, doc, nullptr, 0, alias};
}

/// A row without range: bool or std::optional<std::uint64_t>.
template <typename Options, typename T>
constexpr option_field<Options, T> option(std::string_view name, T Options::*member,
                                          std::string_view doc) noexcept {
  static_assert(std::is_same_v<T, bool> || std::is_same_v<T, std::optional<std::uint64_t>>,
                "numbers need a range, enums their names");
  return {name, member, {}, doc, nullptr, 0, {}};
}

/// An enum row; `names[i]` names the value static_cast<T>(i).
template <typename Options, typename T, std::size_t N>
constexpr option_field<Options, T> option(std::string_view name, T Options::*member,
                                          const std::string_view (&names)[N],
                                          std::string_view doc) noexcept {
  static_assert(std::is_enum_v<T>, "a name list is for enum fields");
  return {name, member, {}, doc, names, N, {}};
}

/// One setting described as text, for listings (`mlguard detect --list`).
struct option_description {
  std::string name;          ///< as in JSON and --param
  std::string type;          ///< "number", "integer", "bool", "up|down|both", "integer|none"
  std::string default_value; ///< the value in a default-constructed options struct
  std::string range;         ///< "(0, 1]", "[1, 4294967295]", or "" when any value of the type goes
  std::string doc;           ///< what it means
};

namespace detail {

/// Throws drift_error mlguard.drift.invalid_option "<detector>: <what>".
[[noreturn]] inline void invalid_option(std::string_view detector, std::string_view what) {
  std::string message(detector);
  message.append(": ").append(what);
  throw drift_error("invalid_option", message);
}

/// Throws drift_error mlguard.drift.invalid_option "<detector>: <what>" unless `ok`.
template <class = void>
void require_option(bool ok, std::string_view detector, std::string_view what);

template <typename T>
inline constexpr bool is_count_v =
    std::is_integral_v<T>&& std::is_unsigned_v<T> && !std::is_same_v<T, bool>;

/// The shortest text that reads back to v ("0.002", "inf", "-inf", "nan").
template <class = void>
std::string format_double(double v);

/// The range a field accepts, as text ("" when the type alone bounds it).
template <typename T>
std::string range_text(const option_range& r) {
  if constexpr (std::is_floating_point_v<T>) {
    return (r.lo_open ? "(" : "[") + format_double(r.lo) + ", " + format_double(r.hi) +
           (r.hi_open ? ")" : "]");
  } else if constexpr (is_count_v<T>) {
    const auto max = static_cast<double>(std::numeric_limits<T>::max());
    const double lo = r.lo > 0.0 ? r.lo : 0.0;
    if (lo == 0.0 && r.hi >= max) {
      return "";
    }
    const std::string lo_text = std::to_string(static_cast<std::uint64_t>(lo));
    if (r.hi >= max) {
      return "[" + lo_text + ", " + std::to_string(std::numeric_limits<T>::max()) + "]";
    }
    return "[" + lo_text + ", " + std::to_string(static_cast<std::uint64_t>(r.hi)) + "]";
  } else {
    return "";
  }
}

/// True when `value` is allowed by the field's range (always, for non-numbers).
template <typename Options, typename T>
bool in_range(const option_field<Options, T>& f, const T& value) noexcept {
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    return f.range.contains(static_cast<double>(value));
  } else {
    return true;
  }
}

/// A value as text, the way set_option reads it back.
template <typename Options, typename T>
std::string value_text(const option_field<Options, T>& f, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    return v ? "true" : "false";
  } else if constexpr (std::is_floating_point_v<T>) {
    return format_double(v);
  } else if constexpr (is_count_v<T>) {
    return std::to_string(v);
  } else if constexpr (std::is_enum_v<T>) {
    const auto i = static_cast<std::size_t>(v);
    return i < f.n_names ? std::string(f.names[i]) : std::to_string(i);
  } else {
    return v ? std::to_string(*v) : "none";
  }
}

template <typename Options, typename T>
std::string type_text(const option_field<Options, T>& f) {
  if constexpr (std::is_same_v<T, bool>) {
    return "bool";
  } else if constexpr (std::is_floating_point_v<T>) {
    return "number";
  } else if constexpr (is_count_v<T>) {
    return "integer";
  } else if constexpr (std::is_enum_v<T>) {
    std::string s;
    for (std::size_t i = 0; i < f.n_names; ++i) {
      s.append(i == 0 ? "" : "|").append(f.names[i]);
    }
    return s;
  } else {
    return "integer|none";
  }
}

/// What a value of the field's type looks like, for error messages.
template <typename Options, typename T>
std::string expected_text(const option_field<Options, T>& f) {
  if constexpr (std::is_same_v<T, bool>) {
    return "true or false";
  } else if constexpr (std::is_floating_point_v<T>) {
    return "a number";
  } else if constexpr (is_count_v<T>) {
    return "a non-negative integer";
  } else if constexpr (std::is_enum_v<T>) {
    return "one of " + type_text(f);
  } else {
    return "a non-negative integer or none";
  }
}

/// Throws invalid_option: the field's value is outside its range.
template <typename Options, typename T>
[[noreturn]] void range_failure(const option_field<Options, T>& f, T value,
                                std::string_view detector) {
  std::string what(f.name);
  what.append(" must be in ").append(range_text<T>(f.range));
  what.append(", not ").append(value_text(f, value));
  invalid_option(detector, what);
}

/// Throws invalid_option unless the field's value is in its range. The
/// test is inline and takes the value, not its address, so that checking a
/// detector's options costs nothing at run time when they are constants
/// and never makes the detector's address escape.
template <typename Options, typename T>
void check_field(const option_field<Options, T>& f, T value, std::string_view detector) {
  if (!in_range(f, value)) {
    range_failure(f, value, detector);
  }
}

/// Parses `text` into `out` by out's type; false when the text is not such a value.
template <typename Options, typename T>
bool parse_value(const option_field<Options, T>& f, std::string_view text, T& out) noexcept {
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if constexpr (std::is_same_v<T, bool>) {
    if (text == "true" || text == "1") {
      out = true;
      return true;
    }
    if (text == "false" || text == "0") {
      out = false;
      return true;
    }
    return false;
  } else if constexpr (std::is_arithmetic_v<T>) {
    T v{};
    const auto r = std::from_chars(begin, end, v);
    if (text.empty() || r.ec != std::errc() || r.ptr != end) {
      return false;
    }
    out = v;
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    for (std::size_t i = 0; i < f.n_names; ++i) {
      if (text == f.names[i]) {
        out = static_cast<T>(i);
        return true;
      }
    }
    return false;
  } else {
    if (text == "none") {
      out.reset();
      return true;
    }
    std::uint64_t v = 0;
    const auto r = std::from_chars(begin, end, v);
    if (text.empty() || r.ec != std::errc() || r.ptr != end) {
      return false;
    }
    out = v;
    return true;
  }
}

/// Writes the field into a "params" object.
template <typename Options, typename T>
void write_field(json& params, const option_field<Options, T>& f, const T& v) {
  json& slot = params[std::string(f.name)];
  if constexpr (std::is_same_v<T, bool>) {
    slot = v;
  } else if constexpr (std::is_floating_point_v<T>) {
    slot = json_number(v);
  } else if constexpr (is_count_v<T>) {
    slot = static_cast<std::uint64_t>(v);
  } else if constexpr (std::is_enum_v<T>) {
    slot = value_text(f, v);
  } else {
    slot = v ? json(*v) : json(nullptr);
  }
}

/// Reads the field from a "params" object. Throws format_error
/// mlguard.format.corrupt naming the field when it is missing, ill-typed
/// or out of its range.
template <typename Options, typename T>
void read_field(const json_reader& params, const option_field<Options, T>& f, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    out = params.flag(f.name);
  } else if constexpr (std::is_floating_point_v<T>) {
    out = params.number(f.name);
  } else if constexpr (is_count_v<T>) {
    out = static_cast<T>(params.count(f.name, std::numeric_limits<T>::max()));
  } else if constexpr (std::is_enum_v<T>) {
    if (!parse_value(f, params.text(f.name), out)) {
      params.fail(f.name, "expected " + expected_text(f));
    }
  } else {
    if (params.at(f.name).is_null()) {
      out.reset();
    } else {
      out = params.count(f.name);
    }
  }
  if (!in_range(f, out)) {
    params.fail(f.name, "expected a value in " + range_text<T>(f.range));
  }
}

/// Calls fn(field) for each row of `table` (a tuple of option_field).
template <typename Table, typename Fn>
void for_each_field(const Table& table, Fn&& fn) {
  std::apply([&](const auto&... field) { (fn(field), ...); }, table);
}

/// Throws invalid_option unless every field of `o` is in its range.
template <typename Table, typename Options>
void check_options(const Table& table, const Options& o, std::string_view detector) {
  for_each_field(table, [&](const auto& f) { check_field(f, o.*f.member, detector); });
}

/// The "params" object: one entry per row of `table`.
template <typename Table, typename Options>
json write_options(const Table& table, const Options& o) {
  json params = json::object();
  for_each_field(table, [&](const auto& f) { write_field(params, f, o.*f.member); });
  return params;
}

/// Reads the "params" object; fields beyond the table's are rejected
/// (format_error mlguard.format.unknown_field).
template <typename Options, typename Table>
Options read_options(const Table& table, const json_reader& params) {
  std::apply([&](const auto&... f) { params.allow_fields({f.name...}); }, table);
  Options o;
  for_each_field(table, [&](const auto& f) { read_field(params, f, o.*f.member); });
  return o;
}

/// The field names of `table`, ", "-separated.
template <typename Table>
std::string field_names(const Table& table) {
  std::string s;
  for_each_field(table, [&](const auto& f) { s.append(s.empty() ? "" : ", ").append(f.name); });
  return s;
}

/// Sets the field called `name` (or its alias) from its text form. Throws
/// drift_error mlguard.drift.invalid_option for an unknown name, a value
/// that is not of the field's type, or one outside its range.
template <typename Table, typename Options>
void set_option(const Table& table, Options& o, std::string_view name, std::string_view text,
                std::string_view detector) {
  bool found = false;
  for_each_field(table, [&](const auto& f) {
    if (found || (name != f.name && (f.alias.empty() || name != f.alias))) {
      return;
    }
    found = true;
    using T = std::decay_t<decltype(o.*f.member)>;
    T value = o.*f.member;
    bool parsed = false;
    if constexpr (is_count_v<T>) {
      // Read as 64 bits, so that a value too large for T fails its range, not its type.
      std::uint64_t wide = 0;
      parsed = parse_value(option_field<Options, std::uint64_t>{}, text, wide);
      if (parsed && wide > std::numeric_limits<T>::max()) {
        std::string what(f.name);
        what.append(" must be in ").append(range_text<T>(f.range)).append(", not ");
        invalid_option(detector, what.append(text));
      }
      value = static_cast<T>(wide);
    } else {
      parsed = parse_value(f, text, value);
    }
    if (!parsed) {
      std::string what(f.name);
      what.append(": \"").append(text).append("\" is not ").append(expected_text(f));
      invalid_option(detector, what);
    }
    check_field(f, value, detector);
    o.*f.member = value;
  });
  if (!found) {
    std::string what("unknown parameter \"");
    what.append(name).append("\" (known: ").append(field_names(table)).append(")");
    invalid_option(detector, what);
  }
}

/// One option_description per row, defaults taken from Options{}.
template <typename Options, typename Table>
std::vector<option_description> describe_options(const Table& table) {
  const Options defaults{};
  std::vector<option_description> out;
  for_each_field(table, [&](const auto& f) {
    using T = std::decay_t<decltype(defaults.*f.member)>;
    out.push_back({std::string(f.name), type_text(f), value_text(f, defaults.*f.member),
                   range_text<T>(f.range), std::string(f.doc)});
  });
  return out;
}

} // namespace detail
} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online::detail {

template <class>
void require_option(bool ok, std::string_view detector, std::string_view what) {
  if (!ok) {
    invalid_option(detector, what);
  }
}

template <class>
std::string format_double(double v) {
  if (v != v) {
    return "nan";
  }
  char buffer[32];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v);
  return std::string(buffer, r.ptr);
}

} // namespace mlguard::drift::online::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_OPTION_TABLE_HPP

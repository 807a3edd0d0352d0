#ifndef MLGUARD_VALIDATE_DETAIL_SETTINGS_HPP
#define MLGUARD_VALIDATE_DETAIL_SETTINGS_HPP

// Reading "key=value" settings of one feature (schema edits, per-feature
// inference options), with one error id for every way such text is wrong:
// mlguard.validate.invalid_setting, naming the setting.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "mlguard/core/error.hpp"

namespace mlguard::validate::detail {

// One setting, split at its first '='.
struct setting {
  std::string_view key;
  std::string_view value;
  std::string_view text; // the whole "key=value", for messages
};

[[noreturn]] inline void bad_setting(std::string_view text, const std::string& why) {
  throw validation_error("invalid_setting", "'" + std::string(text) + "': " + why);
}

template <class = void>
setting split_setting(std::string_view text);

template <class = void>
bool setting_flag(const setting& s);

// A finite number (std::from_chars, so "1e308" and "-0.5" read as written).
template <class = void>
double setting_number(const setting& s);

// The value among the first `count` of Enum whose to_string is the setting's value.
template <typename Enum>
Enum setting_enum(const setting& s, std::size_t count, const char* expected) {
  for (std::size_t i = 0; i < count; ++i) {
    if (s.value == to_string(static_cast<Enum>(i))) {
      return static_cast<Enum>(i);
    }
  }
  bad_setting(s.text, std::string("expected ") + expected);
}

// "a, b, c" (the first 20 names, then "..."), for messages naming what exists.
template <typename Names>
std::string name_list(const Names& names) {
  std::string out;
  std::size_t n = 0;
  for (const auto& name : names) {
    if (n++ == 20) {
      return out + ", ...";
    }
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

} // namespace mlguard::validate::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate::detail {

template <class>
setting split_setting(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    bad_setting(text, "expected key=value");
  }
  return {text.substr(0, eq), text.substr(eq + 1), text};
}

template <class>
bool setting_flag(const setting& s) {
  if (s.value == "true") {
    return true;
  }
  if (s.value == "false") {
    return false;
  }
  bad_setting(s.text, "expected true or false");
}

template <class>
double setting_number(const setting& s) {
  double v = 0.0;
  const char* first = s.value.data();
  const char* last = first + s.value.size();
  const auto r = std::from_chars(first, last, v);
  if (s.value.empty() || r.ec != std::errc() || r.ptr != last || !std::isfinite(v)) {
    bad_setting(s.text, "expected a finite number");
  }
  return v;
}

} // namespace mlguard::validate::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_DETAIL_SETTINGS_HPP

#ifndef MLGUARD_CORE_ISO8601_HPP
#define MLGUARD_CORE_ISO8601_HPP

// ISO-8601 / RFC 3339 UTC times: how mlguard writes timestamps into its
// documents (exact to the nanosecond) and reads them back.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard {

namespace detail {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil, http://howardhinnant.github.io/date_algorithms.html).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil_date {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// The inverse of days_from_civil (civil_from_days in the same reference).
constexpr civil_date civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}

template <class = void>
void append_digits(std::string& out, std::int64_t value, int width);

} // namespace detail

/// How many fractional-second digits format_iso8601 writes.
enum class iso8601_precision {
  seconds,      ///< "2026-11-27T02:41:12Z"
  milliseconds, ///< "2026-11-27T02:41:12.123Z" (truncated, not rounded)
  microseconds, ///< "2026-11-27T02:41:12.123456Z"
  nanoseconds,  ///< "2026-11-27T02:41:12.123456789Z"
  exact,        ///< the shortest of milli/micro/nanoseconds that loses nothing:
                ///< what mlguard writes into persisted documents, so they round-trip
};

/// Formats `t` as an ISO-8601 / RFC 3339 UTC time, e.g. "2026-11-27T02:41:12.123Z".
/// Years outside 0000..9999 (beyond what a `timestamp` can hold anyway) are not supported.
/// Never throws except std::bad_alloc.
template <class = void>
std::string format_iso8601(timestamp t,
                           iso8601_precision precision = iso8601_precision::milliseconds);

/// Parses an RFC 3339 time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)",
/// with 1 to 9 fractional digits ('t'/'z' and a space separator accepted, as RFC 3339
/// allows), or a bare date "YYYY-MM-DD" meaning its midnight UTC. Offsets are applied, so
/// the result is always UTC. Leap seconds (":60") are refused.
/// Throws argument_error (mlguard.argument.invalid_time) naming the text otherwise.
template <class = void>
timestamp parse_iso8601(std::string_view text);

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::detail {

template <class>
void append_digits(std::string& out, std::int64_t value, int width) {
  char buffer[24];
  for (int i = width - 1; i >= 0; --i) {
    buffer[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buffer, static_cast<std::size_t>(width));
}

} // namespace mlguard::detail

namespace mlguard {

template <class>
std::string format_iso8601(timestamp t, iso8601_precision precision) {
  const std::int64_t ns = t.time_since_epoch().count();
  constexpr std::int64_t per_second = 1'000'000'000;
  constexpr std::int64_t per_day = 86'400;
  std::int64_t seconds = ns / per_second;
  std::int64_t fraction = ns % per_second;
  if (fraction < 0) { // floor division for times before 1970
    fraction += per_second;
    seconds -= 1;
  }
  std::int64_t days = seconds / per_day;
  std::int64_t second_of_day = seconds % per_day;
  if (second_of_day < 0) {
    second_of_day += per_day;
    days -= 1;
  }
  const auto date = detail::civil_from_days(days);
  std::string out;
  out.reserve(32);
  detail::append_digits(out, date.year, 4);
  out.push_back('-');
  detail::append_digits(out, date.month, 2);
  out.push_back('-');
  detail::append_digits(out, date.day, 2);
  out.push_back('T');
  detail::append_digits(out, second_of_day / 3600, 2);
  out.push_back(':');
  detail::append_digits(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  detail::append_digits(out, second_of_day % 60, 2);
  if (precision == iso8601_precision::exact) {
    precision = fraction % 1'000'000 == 0 ? iso8601_precision::milliseconds
                : fraction % 1'000 == 0   ? iso8601_precision::microseconds
                                          : iso8601_precision::nanoseconds;
  }
  switch (precision) {
  case iso8601_precision::milliseconds:
    out.push_back('.');
    detail::append_digits(out, fraction / 1'000'000, 3);
    break;
  case iso8601_precision::microseconds:
    out.push_back('.');
    detail::append_digits(out, fraction / 1'000, 6);
    break;
  case iso8601_precision::nanoseconds:
    out.push_back('.');
    detail::append_digits(out, fraction, 9);
    break;
  default:
    break;
  }
  out.push_back('Z');
  return out;
}

template <class>
timestamp parse_iso8601(std::string_view text) {
  auto fail = [&](const char* why) -> timestamp {
    std::string message("not an ISO-8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fff]Z): \"");
    message.append(text).append("\": ").append(why);
    throw argument_error("invalid_time", message);
  };
  std::size_t pos = 0;
  auto number = [&](std::size_t width, std::int64_t& value) {
    if (pos + width > text.size()) {
      return false;
    }
    value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') {
        return false;
      }
      value = value * 10 + (c - '0');
    }
    pos += width;
    return true;
  };
  auto expect = [&](char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  };
  std::int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!number(4, year) || !expect('-') || !number(2, month) || !expect('-') || !number(2, day)) {
    return fail("bad date");
  }
  if (month < 1 || month > 12 || day < 1 || day > 31) {
    return fail("month or day out of range");
  }
  const auto days =
      detail::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (detail::civil_from_days(days).day != static_cast<unsigned>(day)) {
    return fail("no such day in that month");
  }
  std::int64_t fraction_ns = 0;
  std::int64_t offset_seconds = 0;
  if (pos < text.size()) {
    if (!(expect('T') || expect('t') || expect(' '))) {
      return fail("expected 'T' after the date");
    }
    if (!number(2, hour) || !expect(':') || !number(2, minute) || !expect(':') ||
        !number(2, second)) {
      return fail("bad time of day");
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return fail("time of day out of range");
    }
    if (expect('.')) {
      int digits = 0;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        if (digits == 9) {
          return fail("more than 9 fractional digits");
        }
        fraction_ns = fraction_ns * 10 + (text[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) {
        return fail("no digits after '.'");
      }
      for (int i = digits; i < 9; ++i) {
        fraction_ns *= 10;
      }
    }
    if (expect('Z') || expect('z')) {
      // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      const bool minus = text[pos] == '-';
      ++pos;
      std::int64_t oh = 0, om = 0;
      if (!number(2, oh) || !expect(':') || !number(2, om) || oh > 23 || om > 59) {
        return fail("bad UTC offset");
      }
      offset_seconds = (oh * 3600 + om * 60) * (minus ? -1 : 1);
    } else {
      return fail("missing time zone ('Z' or +HH:MM)");
    }
  }
  if (pos != text.size()) {
    return fail("unexpected trailing characters");
  }
  if (year < 1678 || year > 2261) {
    return fail("year outside what a nanosecond timestamp holds (1678..2261)");
  }
  const std::int64_t seconds = days * 86'400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return timestamp(std::chrono::nanoseconds(seconds * 1'000'000'000 + fraction_ns));
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_ISO8601_HPP

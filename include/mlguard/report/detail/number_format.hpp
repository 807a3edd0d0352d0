#ifndef MLGUARD_REPORT_DETAIL_NUMBER_FORMAT_HPP
#define MLGUARD_REPORT_DETAIL_NUMBER_FORMAT_HPP

// Numbers as the Prometheus and OpenMetrics text formats write them: the
// shortest text that reads back to the same double, and +Inf, -Inf, NaN.

#include <cmath>
#include <string>

namespace mlguard::report::detail {

/// Appends `v` to `out` ("0.25", "1e-06", "+Inf", "NaN"). Does not allocate
/// beyond `out`'s growth.
template <class = void>
void append_number(std::string& out, double v);

/// `v` as text (append_number).
template <class = void>
std::string format_number(double v);

} // namespace mlguard::report::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <charconv>

namespace mlguard::report::detail {

template <class>
void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else {
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, v);
    out.append(text, r.ptr);
  }
}

template <class>
std::string format_number(double v) {
  std::string s;
  append_number(s, v);
  return s;
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_NUMBER_FORMAT_HPP

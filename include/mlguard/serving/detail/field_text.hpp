#ifndef MLGUARD_SERVING_DETAIL_FIELD_TEXT_HPP
#define MLGUARD_SERVING_DETAIL_FIELD_TEXT_HPP

// Table cells and numbers as a request sends them (text fields), for the
// smoke rows make_bundle writes and the base rows the model tests perturb;
// and numbers as the model tests' reasons print them. Not for direct use.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

#include "mlguard/core/table.hpp"

namespace mlguard::serving::detail {

// A number as request text that reads back as the same double: "%.17g",
// "inf" / "-inf", "" for NaN (missing).
template <class = void>
std::string request_number(double v);

// A number for a person reading a reason or a report line: "%.6g".
template <class = void>
std::string short_number(double v);

// A cell as a request would send it: the number (request_number), the
// category's name, "" for missing.
template <class = void> // deferred: see core/json.hpp
std::string field_text(const column& c, std::size_t row);

} // namespace mlguard::serving::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving::detail {

template <class>
std::string request_number(double v) {
  if (std::isnan(v)) {
    return {};
  }
  if (std::isinf(v)) {
    return v > 0 ? "inf" : "-inf";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

template <class>
std::string short_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

template <class> // deferred: see core/json.hpp
std::string field_text(const column& c, std::size_t row) {
  if (c.is_categorical()) {
    const auto code = c.codes()[row];
    return code < 0 ? std::string() : c.vocab().name_of(code);
  }
  return request_number(c.values()[row]);
}

} // namespace mlguard::serving::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_DETAIL_FIELD_TEXT_HPP

#ifndef MLGUARD_SKETCH_DETAIL_JSON_HPP
#define MLGUARD_SKETCH_DETAIL_JSON_HPP

// What the sketches' (and profiles') loaders share on top of core/json.hpp:
// opening a document that may sit inside another one (a profile's feature
// holds three sketch documents), so that errors carry the whole field path
// (`p.json: features.fare.quantiles.levels[2]: expected a number`), and the
// 16-hex-digit text of 64-bit seeds and generator states (JSON numbers lose
// integers above 2^53 in many readers).

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "mlguard/core/json.hpp"

namespace mlguard::sketch::detail {

// json_reader::document for a document found at `path` inside `source`
// ("" at the root): checks the envelope and the known fields, and returns a
// reader whose errors continue the path.
template <class = void>
json_reader open_document(const json& document, const document_format& format,
                          const std::string& source, const std::string& path,
                          std::initializer_list<std::string_view> known);

// `value` as 16 lowercase hex digits.
template <class = void>
std::string hex64(std::uint64_t value);

// Reads what hex64 wrote; false for anything else.
template <class = void>
bool parse_hex64(std::string_view s, std::uint64_t& out) noexcept;

// The field `field` of `r` as a 64-bit value written by hex64. Throws
// format_error (mlguard.format.corrupt) naming the field.
template <class = void>
std::uint64_t read_hex64(const json_reader& r, std::string_view field);

} // namespace mlguard::sketch::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::sketch::detail {

template <class>
json_reader open_document(const json& document, const document_format& format,
                          const std::string& source, const std::string& path,
                          std::initializer_list<std::string_view> known) {
  if (path.empty()) {
    return json_reader::document(document, format, source, known);
  }
  check_format(document, format, source + ": " + path);
  json_reader reader(document, source, path);
  reader.allow_fields(known, {"format", "format_version"});
  return reader;
}

template <class>
std::string hex64(std::uint64_t value) {
  static const char digits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = digits[value & 15U];
    value >>= 4;
  }
  return out;
}

template <class>
bool parse_hex64(std::string_view s, std::uint64_t& out) noexcept {
  if (s.size() != 16) {
    return false;
  }
  std::uint64_t value = 0;
  for (const char c : s) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else {
      return false;
    }
    value = (value << 4) | digit;
  }
  out = value;
  return true;
}

template <class>
std::uint64_t read_hex64(const json_reader& r, std::string_view field) {
  std::uint64_t value = 0;
  if (!parse_hex64(r.text(field), value)) {
    r.fail(field, "expected 16 lowercase hex digits");
  }
  return value;
}

} // namespace mlguard::sketch::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SKETCH_DETAIL_JSON_HPP

#ifndef MLGUARD_CORE_JSON_HPP
#define MLGUARD_CORE_JSON_HPP

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "mlguard/core/error.hpp"

namespace mlguard {

/// The JSON value type used throughout mlguard (nlohmann::json).
using json = nlohmann::json;

/// Parses `text` as JSON. `source` names where the text came from (a file
/// path, "stdin", ...) and appears in the error.
/// Throws format_error (mlguard.format.corrupt) on malformed or truncated input.
inline json parse_json(std::string_view text, std::string_view source) {
  try {
    return json::parse(text.begin(), text.end());
  } catch (const json::exception& e) {
    std::string message(source);
    message.append(": not valid JSON: ").append(e.what());
    throw format_error("corrupt", message);
  }
}

/// Checks the envelope every persisted mlguard document carries:
/// an object with "format" equal to `kind` and an integer "format_version"
/// between 1 and `supported`.
/// Throws format_error: mlguard.format.corrupt when the document is not an
/// object or lacks the fields, mlguard.format.wrong_kind when it holds another
/// kind of document, mlguard.format.newer_version when it was written by a
/// newer mlguard.
inline std::int64_t check_format(const json& document, std::string_view kind,
                                 std::int64_t supported, std::string_view source) {
  auto fail = [&](std::string_view reason, const std::string& what) {
    std::string message(source);
    message.append(": ").append(what);
    throw format_error(reason, message);
  };
  if (!document.is_object()) {
    fail("corrupt", "expected a JSON object");
  }
  const auto format = document.find("format");
  if (format == document.end() || !format->is_string()) {
    fail("corrupt", "missing string field \"format\"");
  }
  if (format->get_ref<const std::string&>() != kind) {
    fail("wrong_kind", "holds a \"" + format->get<std::string>() + "\" document, expected \"" +
                           std::string(kind) + "\"");
  }
  const auto version = document.find("format_version");
  if (version == document.end() || !version->is_number_integer()) {
    fail("corrupt", "missing integer field \"format_version\"");
  }
  const auto v = version->get<std::int64_t>();
  if (v < 1) {
    fail("corrupt", "format_version " + std::to_string(v) + " is not valid");
  }
  if (v > supported) {
    fail("newer_version", "format_version " + std::to_string(v) +
                              " is newer than this mlguard reads (" + std::to_string(supported) +
                              "); upgrade mlguard");
  }
  return v;
}

/// Rejects fields of `object` that are not in `known`, so a typo in a
/// hand-edited document is reported rather than silently ignored.
/// Throws format_error (mlguard.format.unknown_field).
inline void check_known_fields(const json& object, std::initializer_list<std::string_view> known,
                               std::string_view source) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool found = false;
    for (auto name : known) {
      found = found || it.key() == name;
    }
    if (!found) {
      std::string message(source);
      message.append(": unknown field \"").append(it.key()).append("\"");
      throw format_error("unknown_field", message);
    }
  }
}

} // namespace mlguard

#endif // MLGUARD_CORE_JSON_HPP

#ifndef MLGUARD_REGISTRY_NAMES_HPP
#define MLGUARD_REGISTRY_NAMES_HPP

// The rules for model, alias and tag names, checked before a name reaches the
// registry's storage (no path separators, no "..", bounded length).

#include <cstddef>
#include <string>
#include <string_view>

#include "mlguard/core/error.hpp"

namespace mlguard::registry {

/// The longest model or alias name, in bytes. Below NAME_MAX (255) so that the
/// file registry can add its suffixes (".lock", ".deleted.<time>") to a name.
inline constexpr std::size_t max_name_length = 200;

/// The longest tag, metric or parameter key, in bytes.
inline constexpr std::size_t max_key_length = 250;

namespace detail {
inline bool name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
inline bool alnum_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
inline std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      static const char hex[] = "0123456789abcdef";
      out.append("\\x").push_back(hex[u >> 4]);
      out.push_back(hex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  if (s.size() > 64) {
    out.append("...");
  }
  return out;
}
} // namespace detail

/// Why `name` is not a valid model or alias name, or an empty string when it is valid.
///
/// A valid name is 1 to max_name_length (200) bytes of ASCII letters, digits, '.',
/// '_' and '-', starts with a letter or digit, and contains no "..". So a name
/// can never hold a path separator, a NUL or control character, be "." or "..",
/// start with '-' (an option on a command line) or name a hidden file: no name
/// can escape the file registry's root. Names are case-sensitive.
inline std::string name_problem(std::string_view name) {
  if (name.empty()) {
    return "is empty";
  }
  if (name.size() > max_name_length) {
    return "is " + std::to_string(name.size()) + " bytes long; the limit is " +
           std::to_string(max_name_length);
  }
  for (char c : name) {
    if (c == '/' || c == '\\') {
      return "contains a path separator";
    }
    if (c == '\0') {
      return "contains a NUL character";
    }
    if (!detail::name_char(c)) {
      return "contains a character outside [A-Za-z0-9._-]";
    }
  }
  if (!detail::alnum_char(name.front())) {
    return "must start with a letter or a digit";
  }
  if (name.find("..") != std::string_view::npos) {
    return "contains \"..\"";
  }
  return {};
}

/// Checks a model name (rules in name_problem).
/// Throws registry_error (mlguard.registry.invalid_name).
inline void validate_model_name(std::string_view name) {
  auto problem = name_problem(name);
  if (!problem.empty()) {
    throw registry_error("invalid_name", "model name '" + detail::printable(name) + "' " + problem);
  }
}

/// Checks an alias name: the rules of name_problem, and not "latest" (reserved for
/// "models:/name/latest") nor all digits (which would read as a version number).
/// Throws registry_error (mlguard.registry.invalid_name).
inline void validate_alias_name(std::string_view alias) {
  auto problem = name_problem(alias);
  if (problem.empty() && alias == "latest") {
    problem = "is reserved (models:/NAME/latest means the newest version)";
  }
  if (problem.empty() && alias.find_first_not_of("0123456789") == std::string_view::npos) {
    problem = "is all digits, which would read as a version number";
  }
  if (!problem.empty()) {
    throw registry_error("invalid_name", "alias '" + detail::printable(alias) + "' " + problem);
  }
}

/// Checks a tag, metric or parameter key: 1 to max_key_length bytes with no control
/// characters (keys live inside JSON documents, never in file names).
/// Throws registry_error (mlguard.registry.invalid_name).
inline void validate_key(std::string_view key) {
  std::string problem;
  if (key.empty()) {
    problem = "is empty";
  } else if (key.size() > max_key_length) {
    problem = "is longer than " + std::to_string(max_key_length) + " bytes";
  } else {
    for (char c : key) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u == 0x7f) {
        problem = "contains a control character";
        break;
      }
    }
  }
  if (!problem.empty()) {
    throw registry_error("invalid_name", "key '" + detail::printable(key) + "' " + problem);
  }
}

} // namespace mlguard::registry

#endif // MLGUARD_REGISTRY_NAMES_HPP

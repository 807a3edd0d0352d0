#ifndef MLGUARD_REGISTRY_NAMES_HPP
#define MLGUARD_REGISTRY_NAMES_HPP

// The rules for model, alias and tag names, checked before a name reaches the
// registry's storage (no path separators, no "..", bounded length), and for the free
// text the registry stores (valid UTF-8, so every document it writes is valid JSON).

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
template <class = void>
bool name_char(char c) noexcept;
template <class = void>
bool alnum_char(char c) noexcept;
template <class = void>
std::string printable(std::string_view s);

/// The offset of the first byte of `s` that does not begin a well-formed UTF-8 sequence
/// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), or npos.
template <class = void>
std::size_t invalid_utf8_at(std::string_view s) noexcept;
} // namespace detail

/// Checks that the free text `text` (a description, tag value, artifact URI, actor,
/// reason, ...) is valid UTF-8: the registry stores it in JSON documents, which hold
/// Unicode text only. `what` names the field in the message.
/// Throws registry_error (mlguard.registry.invalid_argument), giving the offset and
/// value of the first bad byte.
template <class = void>
void validate_text(std::string_view what, std::string_view text);

/// Why `name` is not a valid model or alias name, or an empty string when it is valid.
///
/// A valid name is 1 to max_name_length (200) bytes of ASCII letters, digits, '.',
/// '_' and '-', starts with a letter or digit, and contains no "..". So a name
/// can never hold a path separator, a NUL or control character, be "." or "..",
/// start with '-' (an option on a command line) or name a hidden file: no name
/// can escape the file registry's root. Names are case-sensitive.
template <class = void>
std::string name_problem(std::string_view name);

/// Checks a model name (rules in name_problem).
/// Throws registry_error (mlguard.registry.invalid_name).
template <class = void>
void validate_model_name(std::string_view name);

/// Checks an alias name: the rules of name_problem, and not "latest" (reserved for
/// "models:/name/latest") nor all digits (which would read as a version number).
/// Throws registry_error (mlguard.registry.invalid_name).
template <class = void>
void validate_alias_name(std::string_view alias);

/// Checks a tag, metric or parameter key: valid UTF-8 (validate_text), then 1 to
/// max_key_length bytes with no control characters (keys live inside JSON documents,
/// never in file names).
/// Throws registry_error: mlguard.registry.invalid_argument when the key is not valid
/// UTF-8, mlguard.registry.invalid_name when it breaks another rule.
template <class = void>
void validate_key(std::string_view key);

/// Checks a client token (version_metadata::client_token): the rules of name_problem,
/// so a token is always a safe file name (the file registry keeps one file per token).
/// A UUID, a ULID or "nightly-2026-11-27-attempt" qualifies.
/// Throws registry_error (mlguard.registry.invalid_name).
template <class = void>
void validate_client_token(std::string_view token);

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
bool name_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

template <class>
bool alnum_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

template <class>
std::string printable(std::string_view s) {
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

template <class>
std::size_t invalid_utf8_at(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      lo = c == 0xe0 ? 0xa0 : 0x80; // no overlong three-byte forms
      hi = c == 0xed ? 0x9f : 0xbf; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      lo = c == 0xf0 ? 0x90 : 0x80; // no overlong four-byte forms
      hi = c == 0xf4 ? 0x8f : 0xbf; // nothing above U+10FFFF
    } else {
      return i;
    }
    if (s.size() - i <= n) {
      return i;
    }
    for (std::size_t k = 1; k <= n; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) {
        return i;
      }
    }
    i += n + 1;
  }
  return std::string_view::npos;
}

} // namespace mlguard::registry::detail

namespace mlguard::registry {

template <class>
void validate_text(std::string_view what, std::string_view text) {
  const auto at = detail::invalid_utf8_at(text);
  if (at != std::string_view::npos) {
    static const char hex[] = "0123456789abcdef";
    const auto u = static_cast<unsigned char>(text[at]);
    std::string message(what);
    message.append(" is not valid UTF-8 (byte 0x").push_back(hex[u >> 4]);
    message.push_back(hex[u & 15]);
    message.append(" at offset ").append(std::to_string(at)).append(")");
    throw registry_error("invalid_argument", message);
  }
}

template <class>
std::string name_problem(std::string_view name) {
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

template <class>
void validate_model_name(std::string_view name) {
  auto problem = name_problem(name);
  if (!problem.empty()) {
    throw registry_error("invalid_name", "model name '" + detail::printable(name) + "' " + problem);
  }
}

template <class>
void validate_alias_name(std::string_view alias) {
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

template <class>
void validate_key(std::string_view key) {
  validate_text("key", key);
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

template <class>
void validate_client_token(std::string_view token) {
  const auto problem = name_problem(token);
  if (!problem.empty()) {
    throw registry_error("invalid_name",
                         "client token '" + detail::printable(token) + "' " + problem);
  }
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_NAMES_HPP

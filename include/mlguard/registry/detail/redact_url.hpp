#ifndef MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP
#define MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP

// A database URL made fit for an error message: its password hidden. Kept apart from
// postgres_session.hpp so code without libpqxx (the CLI built without PostgreSQL) can
// name a URL it refuses.

#include <string>
#include <string_view>

namespace mlguard::registry::detail {

/// `url` with its password replaced by "***": in a URL's user:password@, in a query's
/// password=... (also percent-encoded, password%3D...), and in a libpq key=value string,
/// where spaces may surround the '=' and the value may be single-quoted with backslash
/// escapes (password = 'a b\'c').
template <class = void>
std::string redact_url(std::string url);

} // namespace mlguard::registry::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
std::string redact_url(std::string url) {
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    const auto authority_end = url.find_first_of("/?", scheme + 3);
    const auto at = url.rfind('@', authority_end);
    const auto colon = url.find(':', scheme + 3);
    if (at != std::string::npos && at > scheme && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (const std::string_view key :
       {std::string_view("password"), std::string_view("password%3D")}) {
    const bool encoded = key.size() > 8;
    for (auto p = url.find(key); p != std::string::npos; p = url.find(key, p + key.size())) {
      auto start = p + key.size();
      if (!encoded) { // key [spaces] = [spaces] value
        while (start < url.size() && url[start] == ' ') {
          ++start;
        }
        if (start >= url.size() || url[start] != '=') {
          continue; // "password" inside another word or value
        }
        ++start;
        while (start < url.size() && url[start] == ' ') {
          ++start;
        }
      }
      auto end = start;
      if (!encoded && end < url.size() && url[end] == '\'') {
        for (++end; end < url.size() && url[end] != '\''; ++end) {
          end += url[end] == '\\' ? 1 : 0; // an escaped character
        }
        end = end < url.size() ? end + 1 : url.size(); // past the closing quote
      } else {
        end = url.find_first_of(" &", start);
        end = end == std::string::npos ? url.size() : end;
      }
      url.replace(start, end - start, "***");
      p = start;
    }
  }
  return url;
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP

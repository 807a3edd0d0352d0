#ifndef MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP
#define MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP

// A database URL made fit for an error message: its password hidden. Kept apart from
// postgres_session.hpp so code without libpqxx (the CLI built without PostgreSQL) can
// name a URL it refuses.

#include <string>
#include <string_view>

namespace mlguard::registry::detail {

/// `url` with its password (in user:password@ or password=...) replaced by "***".
inline std::string redact_url(std::string url) {
  const auto scheme = url.find("://");
  if (scheme != std::string::npos) {
    const auto authority_end = url.find_first_of("/?", scheme + 3);
    const auto at = url.rfind('@', authority_end);
    const auto colon = url.find(':', scheme + 3);
    if (at != std::string::npos && at > scheme && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (const char* key : {"password=", "password%3D"}) {
    auto p = url.find(key);
    while (p != std::string::npos) {
      const auto start = p + std::string_view(key).size();
      auto end = url.find_first_of(" &", start);
      end = end == std::string::npos ? url.size() : end;
      url.replace(start, end - start, "***");
      p = url.find(key, start + 3);
    }
  }
  return url;
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_REGISTRY_DETAIL_REDACT_URL_HPP

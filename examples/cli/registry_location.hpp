#ifndef MLGUARD_CLI_REGISTRY_LOCATION_HPP
#define MLGUARD_CLI_REGISTRY_LOCATION_HPP

// Where a command's registry and artifact store live: `--registry DIR` (a file registry,
// bundles under DIR/artifacts) or `--registry postgresql://...`, or a libpq key=value
// string such as "host=db dbname=ml" (the PostgreSQL registry and store, schema
// "mlguard"; built when the CLI links mlguard::postgres, MLGUARD_CLI_POSTGRES). --root
// is the older name of --registry; MLGUARD_REGISTRY_URL stands in for a missing one.

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include <mlguard/core/error.hpp>
#include <mlguard/registry/detail/redact_url.hpp>
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/serving/artifact_store.hpp>
#ifdef MLGUARD_CLI_POSTGRES
#include <mlguard/registry/postgres_registry.hpp>
#include <mlguard/serving/postgres_artifact_store.hpp>
#endif

namespace mlguard::cli {

/// Whether `location` names a PostgreSQL database rather than a directory: a
/// postgresql:// or postgres:// URL (the scheme in any case), or a libpq key=value string
/// ("host=db dbname=ml": it starts with a keyword and '=').
inline bool is_postgres_url(std::string_view location) {
  const auto starts = [&](std::string_view scheme) {
    if (location.size() < scheme.size()) {
      return false;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
      const char c = location[i];
      if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != scheme[i]) {
        return false;
      }
    }
    return true;
  };
  if (starts("postgresql://") || starts("postgres://")) {
    return true;
  }
  std::size_t i = 0;
  while (i < location.size() &&
         ((location[i] >= 'a' && location[i] <= 'z') || location[i] == '_')) {
    ++i;
  }
  while (i > 0 && i < location.size() && location[i] == ' ') {
    ++i;
  }
  return i > 0 && i < location.size() && location[i] == '=';
}

/// `location`, or MLGUARD_REGISTRY_URL when it is empty. Throws argument_error
/// (mlguard.argument.invalid_option) when both are empty.
inline std::string registry_location(const std::string& location) {
  if (!location.empty()) {
    return location;
  }
  if (const char* env = std::getenv("MLGUARD_REGISTRY_URL"); env != nullptr && *env != '\0') {
    return env;
  }
  throw argument_error("invalid_option", "no registry: pass --registry DIR|URL (or --root DIR), "
                                         "or set MLGUARD_REGISTRY_URL");
}

[[noreturn]] inline void throw_no_postgres(const std::string& location) {
  throw argument_error("invalid_option",
                       "'" + registry::detail::redact_url(location) +
                           "' is a PostgreSQL URL, but this mlguard was built without "
                           "PostgreSQL (the component mlguard::postgres, libpqxx)");
}

/// The registry at `location` (a directory or a PostgreSQL URL); `create` makes a missing
/// file registry. Throws as the backend's constructor, and argument_error
/// (mlguard.argument.invalid_option) for a URL when PostgreSQL is not built in.
inline std::unique_ptr<registry::model_registry> open_registry(const std::string& location,
                                                               bool create) {
  if (is_postgres_url(location)) {
#ifdef MLGUARD_CLI_POSTGRES
    registry::postgres_registry_options options;
    options.url = location;
    return std::make_unique<registry::postgres_registry>(options);
#else
    throw_no_postgres(location);
#endif
  }
  registry::file_registry_options options;
  options.create = create;
  return std::make_unique<registry::file_registry>(location, options);
}

/// The artifact store of the registry at `location`: `store` when given (a directory),
/// else DIR/artifacts, or the PostgreSQL store of the same database.
inline std::unique_ptr<serving::artifact_store> open_store(const std::string& location,
                                                           const std::string& store) {
  if (!store.empty()) {
    return std::make_unique<serving::file_artifact_store>(store);
  }
  if (is_postgres_url(location)) {
#ifdef MLGUARD_CLI_POSTGRES
    registry::postgres_options options;
    options.url = location;
    return std::make_unique<serving::postgres_artifact_store>(options);
#else
    throw_no_postgres(location);
#endif
  }
  return std::make_unique<serving::file_artifact_store>(location + "/artifacts");
}

} // namespace mlguard::cli

#endif // MLGUARD_CLI_REGISTRY_LOCATION_HPP

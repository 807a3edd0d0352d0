#ifndef MLGUARD_TESTS_POSTGRES_FIXTURES_HPP
#define MLGUARD_TESTS_POSTGRES_FIXTURES_HPP

// The PostgreSQL backend for the conformance suite: a registry in a schema of its own
// on the test process's server (postgres_server.hpp), so test cases never share state.

#include <memory>
#include <string>

#include "mlguard/registry/postgres_registry.hpp"
#include "postgres_server.hpp"
#include "registry/registry_fixtures.hpp"

namespace mlguard::test {

/// The PostgreSQL backend in a fresh schema.
struct postgres_backend {
  manual_clock clock{test_epoch()};
  std::string schema = postgres_server::fresh_schema();
  std::unique_ptr<registry::postgres_registry> registry;
  postgres_backend() { reopen(); }
  registry::model_registry& reg() { return *registry; }
  /// Drops the registry object (and its connections) and connects again.
  void reopen() {
    registry.reset();
    registry = std::make_unique<registry::postgres_registry>(options());
  }
  /// The options of this backend's registry (its URL, schema and clock).
  registry::postgres_registry_options options() {
    registry::postgres_registry_options o;
    o.url = shared_postgres()->url();
    o.schema = schema;
    o.clock = &clock;
    return o;
  }
  static constexpr bool persistent = true;
  /// False, with a message, when no PostgreSQL server can run here.
  static bool available() {
    if (shared_postgres() == nullptr) {
      MESSAGE("skipped: no PostgreSQL server (Debian: apt-get install postgresql)");
      return false;
    }
    return true;
  }
};

} // namespace mlguard::test

#endif // MLGUARD_TESTS_POSTGRES_FIXTURES_HPP

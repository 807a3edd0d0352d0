// A consumer of the component mlguard::postgres: through find_package(mlguard
// COMPONENTS postgres) alone it compiles the PostgreSQL registry and artifact store,
// links libpqxx and libpq, and asks a server that is not there (no server needed: the
// answer must be mlguard.registry.unavailable, without the password).
#include <mlguard/core/version.hpp>
#include <mlguard/registry/postgres_registry.hpp>
#include <mlguard/serving/postgres_artifact_store.hpp>

#include <cstdio>
#include <string>

int main() {
  mlguard::registry::postgres_registry_options options;
  options.url = "postgresql://consumer:secret@/db?host=/nonexistent-mlguard-consumer";
  options.retries = 0;
  try {
    mlguard::registry::postgres_registry registry(options);
  } catch (const mlguard::error& e) {
    const std::string what = e.what();
    const bool ok =
        e.id() == "mlguard.registry.unavailable" && what.find("secret") == std::string::npos;
    std::printf("mlguard %s postgres consumer %s\n", mlguard::version().string,
                ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
  }
  std::printf("postgres consumer FAILED: connected to nothing\n");
  return 1;
}

#ifndef MLGUARD_TESTS_REGISTRY_FIXTURES_HPP
#define MLGUARD_TESTS_REGISTRY_FIXTURES_HPP

// Backends for the behavioural suite, and a temporary directory.

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "mlguard/core/clock.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "process.hpp"
#include "test_support.hpp"

namespace mlguard::test {

/// A fresh directory under /tmp (mkdtemp), removed with its contents at the end.
/// 2026-11-27T00:00:00Z, where the manual clocks of the registry tests start.
inline timestamp test_epoch() { return timestamp(std::chrono::seconds(1795737600)); }

/// The in-memory backend.
struct memory_backend {
  manual_clock clock{test_epoch()};
  registry::in_memory_registry registry{clock};
  registry::model_registry& reg() { return registry; }
  /// Persistent backends reopen from storage here; memory has nothing to reopen.
  void reopen() {}
  static constexpr bool persistent = false;
  static bool available() { return true; }
};

/// The file-system backend in a temporary directory (fsync off: the suite tests
/// behaviour; durability has its own tests).
struct file_backend {
  temp_dir dir;
  manual_clock clock{test_epoch()};
  std::unique_ptr<registry::file_registry> registry;
  file_backend() { reopen(); }
  registry::model_registry& reg() { return *registry; }
  /// Drops the registry object (and its cache) and opens the directory again.
  void reopen() {
    registry.reset();
    registry::file_registry_options options;
    options.fsync = false;
    options.clock = &clock;
    registry = std::make_unique<registry::file_registry>(dir.path + "/registry", options);
  }
  static constexpr bool persistent = true;
  static bool available() { return true; }
};

} // namespace mlguard::test

#endif // MLGUARD_TESTS_REGISTRY_FIXTURES_HPP

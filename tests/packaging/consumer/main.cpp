// A tiny program that uses mlguard the way a consumer would; the packaging
// tests build it through find_package, add_subdirectory and pkg-config.
#include <mlguard/mlguard.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>

int main() {
  mlguard::manual_clock clock;
  clock.advance(std::chrono::seconds(5));
  if (clock.now().time_since_epoch() != std::chrono::seconds(5)) {
    return 1;
  }
  try {
    throw mlguard::registry_error("not_found", "model 'churn' has no version 7");
  } catch (const mlguard::error& e) {
    if (std::strcmp(e.what(), "[mlguard.registry.not_found] model 'churn' has no version 7") != 0) {
      return 2;
    }
  }
  mlguard::table t;
  t.add(mlguard::column::numeric("x", {1.0, 2.0, 3.0}));
  if (t.at("x").vector().sum() != 6.0) {
    return 3;
  }
  std::printf("mlguard %s consumer OK\n", mlguard::version().string);
  return 0;
}

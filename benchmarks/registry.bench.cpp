// Model registry costs: resolve("models:/name@alias") with 10,000 versions registered
// (target: <= 5 µs from the in-process cache), the cold cost, and register + alias move
// on the file registry with and without fsync.
//
//   build/<preset>/benchmarks/bench_registry --benchmark_repetitions=5
//       --benchmark_report_aggregates_only=true
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/registry/in_memory_registry.hpp>

#include <cstdlib>
#include <memory>
#include <string>

#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include "alloc_counter.hpp"

namespace {

using namespace mlguard::registry;

constexpr int versions = 10000;

int remove_entry(const char* path, const struct stat*, int, struct FTW*) { return ::remove(path); }

/// A temporary directory under /tmp, removed at exit.
struct temp_root {
  std::string path;
  temp_root() {
    char pattern[] = "/tmp/mlguard-bench-registry-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      std::abort();
    }
    path = pattern;
  }
  ~temp_root() { ::nftw(path.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS); }
};

version_metadata sample_metadata(int i) {
  version_metadata m;
  m.artifact_digest = "sha256:" + std::to_string(i);
  m.metrics = {{"auc", 0.8 + i * 1e-6}, {"logloss", 0.3}};
  m.tags = {{"framework", "xgboost"}, {"run", std::to_string(i)}};
  m.params = {{"max_depth", "6"}};
  m.code_version = "git:abcdef";
  return m;
}

void fill(model_registry& reg) {
  reg.create_model("churn");
  for (int i = 1; i <= versions; ++i) {
    reg.register_version("churn", "s3://models/churn/" + std::to_string(i), sample_metadata(i));
  }
  reg.set_alias("churn", "champion", versions / 2);
}

in_memory_registry& memory_registry() {
  static in_memory_registry reg;
  static const bool filled = (fill(reg), true);
  (void)filled;
  return reg;
}

/// A file registry with 10,000 versions (built once, fsync off to build it quickly).
file_registry& big_file_registry() {
  static temp_root dir;
  static std::unique_ptr<file_registry> reg = [] {
    file_registry_options o;
    o.fsync = false;
    auto r = std::make_unique<file_registry>(dir.path + "/reg", o);
    fill(*r);
    return r;
  }();
  return *reg;
}

void BM_resolve_alias_memory(benchmark::State& state) {
  auto& reg = memory_registry();
  for (auto _ : state) {
    benchmark::DoNotOptimize(reg.resolve("models:/churn@champion"));
  }
}
BENCHMARK(BM_resolve_alias_memory);

void BM_resolve_alias_file_cached(benchmark::State& state) {
  auto& reg = big_file_registry();
  (void)reg.resolve("models:/churn@champion"); // warm the cache
  for (auto _ : state) {
    benchmark::DoNotOptimize(reg.resolve("models:/churn@champion"));
  }
}
BENCHMARK(BM_resolve_alias_file_cached);

void BM_resolve_version_number_file_cached(benchmark::State& state) {
  auto& reg = big_file_registry();
  (void)reg.resolve_version("models:/churn@champion");
  for (auto _ : state) {
    benchmark::DoNotOptimize(reg.resolve_version("models:/churn@champion"));
  }
}
BENCHMARK(BM_resolve_version_number_file_cached);

// Cold: the cache is dropped before each call, so each resolve takes a shared flock,
// reads model.json and the journal past its offset, and one version document.
void BM_resolve_alias_file_cold(benchmark::State& state) {
  auto& reg = big_file_registry();
  for (auto _ : state) {
    state.PauseTiming();
    reg.clear_cache();
    state.ResumeTiming();
    benchmark::DoNotOptimize(reg.resolve("models:/churn@champion"));
  }
}
BENCHMARK(BM_resolve_alias_file_cold);

// A new process opening the registry and resolving once.
void BM_open_and_resolve_file(benchmark::State& state) {
  auto& reg = big_file_registry();
  file_registry_options o;
  o.create = false;
  for (auto _ : state) {
    file_registry fresh(reg.root(), o);
    benchmark::DoNotOptimize(fresh.resolve("models:/churn@champion"));
  }
}
BENCHMARK(BM_open_and_resolve_file);

// register_version + set_alias (compare-and-swap) on the file registry;
// state.range(0): fsync on (1) or off (0).
void BM_register_and_move_alias_file(benchmark::State& state) {
  temp_root dir;
  file_registry_options o;
  o.fsync = state.range(0) != 0;
  file_registry reg(dir.path + "/reg", o);
  reg.create_model("churn");
  std::optional<int> current;
  int i = 0;
  for (auto _ : state) {
    ++i;
    const auto v = reg.register_version("churn", "s3://m/" + std::to_string(i), sample_metadata(i));
    const auto r =
        reg.set_alias("churn", "champion", v.version,
                      current ? alias_expectation::version(*current) : alias_expectation::absent());
    current = r.current;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_register_and_move_alias_file)->Arg(0)->Arg(1)->ArgName("fsync")->MinTime(1.0);

void BM_register_and_move_alias_memory(benchmark::State& state) {
  in_memory_registry reg;
  reg.create_model("churn");
  int i = 0;
  for (auto _ : state) {
    ++i;
    const auto v = reg.register_version("churn", "s3://m/" + std::to_string(i), sample_metadata(i));
    reg.set_alias("churn", "champion", v.version);
  }
}
BENCHMARK(BM_register_and_move_alias_memory);

} // namespace

BENCHMARK_MAIN();

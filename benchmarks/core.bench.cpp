// Core vocabulary costs: reading the injectable clock and looking up a category.
#include <mlguard/core/clock.hpp>
#include <mlguard/core/table.hpp>

#include <string>

#include "alloc_counter.hpp"

static void BM_manual_clock_now(benchmark::State& state) {
  mlguard::manual_clock clock;
  const mlguard::clock_source& c = clock;
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(c.now());
  }
  mlguard::bench::report_allocations(state, before);
}
BENCHMARK(BM_manual_clock_now);

static void BM_vocabulary_code_of(benchmark::State& state) {
  mlguard::vocabulary vocab;
  for (int i = 0; i < state.range(0); ++i) {
    vocab.add("category_" + std::to_string(i));
  }
  const std::string key = "category_" + std::to_string(state.range(0) / 2);
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(vocab.code_of(key));
  }
  mlguard::bench::report_allocations(state, before);
}
BENCHMARK(BM_vocabulary_code_of)->Arg(8)->Arg(100)->Arg(10000);

BENCHMARK_MAIN();

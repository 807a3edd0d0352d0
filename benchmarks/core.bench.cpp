// Core vocabulary costs: reading the injectable clock, looking up a category, and
// hashing a model bundle's bytes (SHA-256 throughput, reported as bytes_per_second).
#include <mlguard/core/clock.hpp>
#include <mlguard/core/digest.hpp>
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

// SHA-256 of 1 MiB in one update (content_digest of a bundle file's bytes).
static void BM_sha256_1MiB(benchmark::State& state) {
  std::string bytes(std::size_t{1} << 20, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<char>((i * 131 + 7) & 0xff);
  }
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(mlguard::sha256().update(bytes).digest());
  }
  mlguard::bench::report_allocations(state, before);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_sha256_1MiB);

BENCHMARK_MAIN();

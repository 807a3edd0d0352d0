// Profiles and sketches: profiling a 1e6 x 20 table (target ≥ 50 million
// values/s on one core), KLL update (≥ 20 million values/s) and merging two
// k = 200 KLL sketches (≤ 20 µs). Run with --benchmark_repetitions=5 and read
// the medians.
#include <mlguard/profile/dataset_profile.hpp>
#include <mlguard/sketch/distinct_count.hpp>
#include <mlguard/sketch/kll_sketch.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

std::vector<double> random_values(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> lognormal(1.0, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) {
    x = lognormal(gen);
  }
  return v;
}

// rows x cols; columns cycle through continuous, integer-valued, sparse-missing
// and low-cardinality data. The last `categorical` columns are categorical.
mlguard::table make_table(std::size_t rows, std::size_t cols, std::size_t categorical) {
  std::mt19937_64 gen(42);
  std::normal_distribution<double> normal(100.0, 15.0);
  std::exponential_distribution<double> expo(0.5);
  std::uniform_int_distribution<int> small(0, 9);
  mlguard::table t;
  for (std::size_t c = 0; c < cols; ++c) {
    const std::string name = "f" + std::to_string(c);
    if (c >= cols - categorical) {
      mlguard::vocabulary vocab;
      for (int i = 0; i < 50; ++i) {
        vocab.add("category_" + std::to_string(i));
      }
      std::vector<std::int32_t> codes(rows);
      for (auto& code : codes) {
        code = static_cast<std::int32_t>(gen() % 50);
      }
      t.add(mlguard::column::categorical(name, std::move(codes), std::move(vocab)));
      continue;
    }
    std::vector<double> v(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      switch (c % 4) {
      case 0:
        v[r] = normal(gen);
        break;
      case 1:
        v[r] = std::floor(expo(gen) * 10.0);
        break;
      case 2:
        v[r] = r % 50 == 0 ? std::nan("") : expo(gen);
        break;
      default:
        v[r] = small(gen);
        break;
      }
    }
    t.add(mlguard::column::numeric(name, std::move(v)));
  }
  return t;
}

} // namespace

// Profiling a whole table: items are values (rows x columns).
static void BM_profile_table(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto categorical = static_cast<std::size_t>(state.range(1));
  const auto data = make_table(rows, 20, categorical);
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    auto profile = mlguard::profile::dataset_profile::of(data);
    benchmark::DoNotOptimize(profile);
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows * 20));
}
BENCHMARK(BM_profile_table)
    ->Args({1000000, 0})
    ->Args({1000000, 4})
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);

// One feature, batch path, to see the per-value cost without table overhead.
static void BM_feature_profile_batch(benchmark::State& state) {
  const auto values = random_values(1 << 20, 1);
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    mlguard::profile::feature_profile p;
    p.update(mlguard::span<const double>(values));
    benchmark::DoNotOptimize(p);
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(BM_feature_profile_batch)->Unit(benchmark::kMillisecond);

// KLL update, one value per call, on a sketch already in steady state.
static void BM_kll_update(benchmark::State& state) {
  const auto values = random_values(1 << 20, 2);
  mlguard::sketch::kll_sketch<double> sketch(200, 1);
  for (const double x : values) {
    sketch.update(x);
  }
  std::size_t i = 0;
  const std::size_t mask = values.size() - 1;
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    sketch.update(values[i]);
    i = (i + 1) & mask;
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(sketch.n());
}
BENCHMARK(BM_kll_update);

// KLL update from a span (the path profiles use).
static void BM_kll_update_span(benchmark::State& state) {
  const auto values = random_values(1 << 20, 3);
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    mlguard::sketch::kll_sketch<double> sketch(200, 1);
    sketch.update(mlguard::span<const double>(values));
    benchmark::DoNotOptimize(sketch.n());
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(BM_kll_update_span)->Unit(benchmark::kMillisecond);

// Merging two k = 200 sketches of 1e6 values each. The copy of the target
// is timed too; BM_kll_copy measures it alone.
static void BM_kll_merge(benchmark::State& state) {
  mlguard::sketch::kll_sketch<double> a(200, 1);
  mlguard::sketch::kll_sketch<double> b(200, 2);
  a.update(mlguard::span<const double>(random_values(1000000, 4)));
  b.update(mlguard::span<const double>(random_values(1000000, 5)));
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    auto merged = a;
    merged.merge(b);
    benchmark::DoNotOptimize(merged.n());
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_kll_merge)->Unit(benchmark::kMicrosecond);

static void BM_kll_copy(benchmark::State& state) {
  mlguard::sketch::kll_sketch<double> a(200, 1);
  a.update(mlguard::span<const double>(random_values(1000000, 4)));
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    auto copy = a;
    benchmark::DoNotOptimize(copy.n());
  }
  mlguard::bench::report_allocations(state, before);
}
BENCHMARK(BM_kll_copy)->Unit(benchmark::kMicrosecond);

// KLL quantile query (builds the sorted view).
static void BM_kll_get_quantile(benchmark::State& state) {
  mlguard::sketch::kll_sketch<double> a(200, 1);
  a.update(mlguard::span<const double>(random_values(1000000, 6)));
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.get_quantile(0.5));
  }
}
BENCHMARK(BM_kll_get_quantile)->Unit(benchmark::kMicrosecond);

// HyperLogLog update of doubles.
static void BM_distinct_count_update(benchmark::State& state) {
  const auto values = random_values(1 << 16, 7);
  mlguard::sketch::distinct_count d;
  std::size_t i = 0;
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    d.update(values[i]);
    i = (i + 1) & (values.size() - 1);
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations());
  benchmark::DoNotOptimize(d);
}
BENCHMARK(BM_distinct_count_update);

BENCHMARK_MAIN();

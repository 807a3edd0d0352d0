// A whole-table drift report: 100k × 20 reference vs 100k × 20 current rows
// (15 numeric and 5 categorical columns). Target: under 1 s on one core.
#include <mlguard/drift/report.hpp>

#include <random>
#include <string>

#include <benchmark/benchmark.h>

namespace {

mlguard::table make_table(std::size_t rows, double shift, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  mlguard::table t;
  for (int f = 0; f < 15; ++f) {
    std::vector<double> v(rows);
    for (auto& x : v) {
      x = normal(rng) + (f % 3 == 0 ? shift : 0.0);
    }
    t.add(mlguard::column::numeric("num_" + std::to_string(f), std::move(v)));
  }
  for (int f = 0; f < 5; ++f) {
    mlguard::vocabulary vocab;
    for (int c = 0; c < 12; ++c) {
      vocab.add("category_" + std::to_string(c));
    }
    std::discrete_distribution<std::int32_t> pick({30, 20, 10, 10, 5, 5, 5, 5, 4, 3, 2, 1});
    std::vector<std::int32_t> codes(rows);
    for (auto& c : codes) {
      c = pick(rng);
    }
    t.add(mlguard::column::categorical("cat_" + std::to_string(f), std::move(codes), vocab));
  }
  return t;
}

void run_report(benchmark::State& state, mlguard::drift::method m) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto reference = make_table(rows, 0.0, 1);
  const auto current = make_table(rows, 0.1, 2);
  mlguard::drift::report_options options;
  options.stat = m;
  for (auto _ : state) {
    auto report = mlguard::drift::compare(reference, current, options);
    benchmark::DoNotOptimize(report.share_drifted);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(2 * rows * 20));
}

void BM_report_auto(benchmark::State& state) {
  run_report(state, mlguard::drift::method::automatic);
}
void BM_report_psi(benchmark::State& state) { run_report(state, mlguard::drift::method::psi); }
void BM_report_jensen_shannon(benchmark::State& state) {
  run_report(state, mlguard::drift::method::jensen_shannon);
}

} // namespace

BENCHMARK(BM_report_auto)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_report_psi)->Arg(100000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_report_jensen_shannon)->Arg(100000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

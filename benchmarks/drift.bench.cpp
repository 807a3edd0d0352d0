// Drift statistics: counting a current sample into precomputed quantile bins
// (the monitoring hot path), PSI, quantile-edge computation, Jensen–Shannon
// and the Wasserstein distance.
//
// The samples are 1e6 doubles N(0,1) (reference) and N(0.2,1.1) (current).
// benchmarks/run_drift_vs_numpy.sh writes them to files and sets
// MLGUARD_DRIFT_BENCH_DATA, so this and benchmarks/peers/drift_peer.py time
// the very same input; without it the samples are generated here.
#include <mlguard/drift/binning.hpp>
#include <mlguard/drift/distances.hpp>
#include <mlguard/drift/psi.hpp>
#include <mlguard/drift/wasserstein.hpp>
#include <mlguard/stats/wasserstein.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

std::vector<double> read_f64(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<double> out(bytes / sizeof(double));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(bytes));
  return out;
}

struct samples {
  std::vector<double> reference;
  std::vector<double> current;
};

const samples& data() {
  static const samples s = [] {
    samples out;
    if (const char* dir = std::getenv("MLGUARD_DRIFT_BENCH_DATA")) {
      out.reference = read_f64(std::string(dir) + "/reference.f64");
      out.current = read_f64(std::string(dir) + "/current.f64");
      return out;
    }
    std::mt19937_64 rng(42);
    std::normal_distribution<double> ref(0.0, 1.0);
    std::normal_distribution<double> cur(0.2, 1.1);
    for (int i = 0; i < 1000000; ++i) {
      out.reference.push_back(ref(rng));
      out.current.push_back(cur(rng));
    }
    return out;
  }();
  return s;
}

mlguard::span<const double> head(const std::vector<double>& v, std::int64_t n) {
  return {v.data(), std::min(v.size(), static_cast<std::size_t>(n))};
}

} // namespace

// The counting loop alone: 1e6 current values into 10 precomputed bins.
static void BM_reference_bins_count(benchmark::State& state) {
  const auto& d = data();
  const mlguard::drift::reference_bins bins(d.reference, static_cast<std::size_t>(state.range(0)));
  const auto cur = head(d.current, state.range(1));
  std::vector<std::uint64_t> counts(bins.size());
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    std::fill(counts.begin(), counts.end(), 0);
    bins.count(cur, counts);
    benchmark::DoNotOptimize(counts.data());
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cur.size()));
}
BENCHMARK(BM_reference_bins_count)->Args({10, 1000000})->Args({20, 1000000})->Args({10, 1000});

// PSI value against precomputed bins (allocation-free for ≤ 64 bins).
static void BM_psi_precomputed(benchmark::State& state) {
  const auto& d = data();
  const mlguard::drift::reference_bins bins(d.reference, 10);
  const auto cur = head(d.current, state.range(0));
  const auto before = mlguard::bench::allocations.load();
  double value = 0;
  for (auto _ : state) {
    value = mlguard::drift::psi_value(bins, cur);
    benchmark::DoNotOptimize(value);
  }
  mlguard::bench::report_allocations(state, before);
  state.counters["psi"] = value;
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cur.size()));
}
BENCHMARK(BM_psi_precomputed)->Arg(1000000);

// PSI with its full result (bins, filled proportions) against precomputed bins.
static void BM_psi_precomputed_result(benchmark::State& state) {
  const auto& d = data();
  const mlguard::drift::reference_bins bins(d.reference, 10);
  const auto cur = head(d.current, state.range(0));
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    auto r = mlguard::drift::psi(bins, cur);
    benchmark::DoNotOptimize(r.statistic);
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cur.size()));
}
BENCHMARK(BM_psi_precomputed_result)->Arg(1000000);

// Quantile edges of a reference sample (sort-dominated, done once per reference).
static void BM_quantile_edges(benchmark::State& state) {
  const auto ref = head(data().reference, state.range(0));
  for (auto _ : state) {
    auto edges = mlguard::drift::quantile_edges(ref, 10);
    benchmark::DoNotOptimize(edges.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(ref.size()));
}
BENCHMARK(BM_quantile_edges)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Evidently's PSI end to end: Sturges edges over both samples, two histograms.
static void BM_psi_evidently(benchmark::State& state) {
  const auto& d = data();
  const auto ref = head(d.reference, state.range(0));
  const auto cur = head(d.current, state.range(0));
  for (auto _ : state) {
    auto r = mlguard::drift::psi(ref, cur, {mlguard::drift::binning_strategy::evidently});
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(state.iterations() * 2 * static_cast<std::int64_t>(ref.size()));
}
BENCHMARK(BM_psi_evidently)->Arg(1000000)->Unit(benchmark::kMillisecond);

// Jensen–Shannon distance against precomputed quantile bins.
static void BM_jensen_shannon_precomputed(benchmark::State& state) {
  const auto& d = data();
  const mlguard::drift::reference_bins bins(d.reference, 10);
  const auto cur = head(d.current, state.range(0));
  for (auto _ : state) {
    auto r = mlguard::drift::jensen_shannon(bins.table(cur));
    benchmark::DoNotOptimize(r.statistic);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(cur.size()));
}
BENCHMARK(BM_jensen_shannon_precomputed)->Arg(1000000);

// Raw Wasserstein distance (two sorts and a merge walk).
static void BM_wasserstein(benchmark::State& state) {
  const auto& d = data();
  const auto ref = head(d.reference, state.range(0));
  const auto cur = head(d.current, state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(mlguard::stats::wasserstein_distance(ref, cur));
  }
  state.SetItemsProcessed(state.iterations() * 2 * static_cast<std::int64_t>(ref.size()));
}
BENCHMARK(BM_wasserstein)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();

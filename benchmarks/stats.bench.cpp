// Two-sample tests: KS (asymptotic on 1e6 vs 1e6, exact on 10000 vs 10037),
// Cramér–von Mises and Mann–Whitney on moderate sizes.
//
// The inputs come from a documented generator that benchmarks/peers/stats_peer.py
// reproduces bit for bit, so scipy is timed on the very same doubles:
// splitmix64 from a seed, u = (z >> 11)·2^-53, x = loc + (u1 + u2 + u3 + u4 − 2)
// (the "irwin_hall" recipe of tests/reference/gen_stats.py).
// benchmarks/run_stats_vs_scipy.sh runs both and prints the ratios.
#include <mlguard/stats/cramer_von_mises.hpp>
#include <mlguard/stats/ks.hpp>
#include <mlguard/stats/mann_whitney.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "alloc_counter.hpp"

namespace {

std::uint64_t splitmix_next(std::uint64_t& state) {
  state += 0x9E3779B97F4A7C15ULL;
  std::uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// n draws of loc + (u1 + u2 + u3 + u4 − 2) from splitmix64(seed).
std::vector<double> irwin_hall(std::uint64_t seed, std::size_t n, double loc) {
  std::vector<double> out(n);
  std::uint64_t state = seed;
  for (auto& x : out) {
    double u[4];
    for (double& ui : u) {
      ui = static_cast<double>(splitmix_next(state) >> 11) * 0x1.0p-53;
    }
    const double s = u[0] + u[1] + u[2] + u[3] - 2.0;
    x = loc + s;
  }
  return out;
}

} // namespace

static void BM_ks_2samp_1e6_vs_1e6(benchmark::State& state) {
  const auto a = irwin_hall(1, 1000000, 0.0);
  const auto b = irwin_hall(2, 1000000, 0.002);
  std::vector<double> scratch;
  // Grow the scratch buffer once, so the loop measures steady state.
  (void)mlguard::stats::ks_2samp(a, b, mlguard::stats::alternative::two_sided,
                                 mlguard::stats::ks_method::exact, scratch);
  const auto before = mlguard::bench::allocations.load();
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r = mlguard::stats::ks_2samp(a, b, mlguard::stats::alternative::two_sided,
                                            mlguard::stats::ks_method::automatic, scratch);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
  mlguard::bench::report_allocations(state, before);
}
BENCHMARK(BM_ks_2samp_1e6_vs_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_ks_2samp_1e6_vs_1e6_fresh_buffers(benchmark::State& state) {
  const auto a = irwin_hall(1, 1000000, 0.0);
  const auto b = irwin_hall(2, 1000000, 0.002);
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r = mlguard::stats::ks_2samp(a, b);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
}
BENCHMARK(BM_ks_2samp_1e6_vs_1e6_fresh_buffers)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_ks_2samp_sorted_1e6_vs_1e6(benchmark::State& state) {
  auto a = irwin_hall(1, 1000000, 0.0);
  auto b = irwin_hall(2, 1000000, 0.002);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::vector<double> scratch;
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r = mlguard::stats::ks_2samp_sorted(a, b, mlguard::stats::alternative::two_sided,
                                                   mlguard::stats::ks_method::automatic, scratch);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
}
BENCHMARK(BM_ks_2samp_sorted_1e6_vs_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_ks_2samp_exact_10000_vs_10037(benchmark::State& state) {
  const auto a = irwin_hall(3, 10000, 0.0);
  const auto b = irwin_hall(4, 10037, 0.02);
  std::vector<double> scratch;
  // Grow the scratch buffer once, so the loop measures steady state.
  (void)mlguard::stats::ks_2samp(a, b, mlguard::stats::alternative::two_sided,
                                 mlguard::stats::ks_method::exact, scratch);
  const auto before = mlguard::bench::allocations.load();
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r = mlguard::stats::ks_2samp(a, b, mlguard::stats::alternative::two_sided,
                                            mlguard::stats::ks_method::exact, scratch);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
  mlguard::bench::report_allocations(state, before);
}
BENCHMARK(BM_ks_2samp_exact_10000_vs_10037)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_cramer_von_mises_2samp_5000_vs_6000(benchmark::State& state) {
  const auto a = irwin_hall(5, 5000, 0.0);
  const auto b = irwin_hall(6, 6000, 0.01);
  std::vector<double> scratch;
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r = mlguard::stats::cramer_von_mises_2samp(
        a, b, mlguard::stats::cvm_method::automatic, scratch);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
}
BENCHMARK(BM_cramer_von_mises_2samp_5000_vs_6000)->Unit(benchmark::kMillisecond)->UseRealTime();

static void BM_mann_whitney_u_5000_vs_6000(benchmark::State& state) {
  const auto a = irwin_hall(7, 5000, 0.0);
  const auto b = irwin_hall(8, 6000, 0.01);
  std::vector<double> scratch;
  double last_p = 0.0;
  double last_stat = 0.0;
  for (auto _ : state) {
    const auto r =
        mlguard::stats::mann_whitney_u(a, b, mlguard::stats::alternative::two_sided, true,
                                       mlguard::stats::mann_whitney_method::automatic, scratch);
    benchmark::DoNotOptimize(r.p_value);
    last_p = r.p_value;
    last_stat = r.statistic;
  }
  state.counters["p_value"] = last_p;
  state.counters["statistic"] = last_stat;
}
BENCHMARK(BM_mann_whitney_u_5000_vs_6000)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();

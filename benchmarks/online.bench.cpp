// Online drift detectors: cost of one update(x), amortised over a long
// stream, and heap allocations per update (must be 0). Targets (issue 5):
// ADWIN ≤ 100 ns; DDM, EDDM, HDDM_A, HDDM_W, Page-Hinkley ≤ 20 ns; KSWIN
// with window 100 ≤ 2 µs. Since issue 11 the detectors share detector_base
// (CRTP), which must keep these figures: docs/online.md has the medians
// before and after. Run with --benchmark_repetitions=5 and read the medians.
#include <mlguard/drift/online/adwin.hpp>
#include <mlguard/drift/online/ddm.hpp>
#include <mlguard/drift/online/eddm.hpp>
#include <mlguard/drift/online/hddm_a.hpp>
#include <mlguard/drift/online/hddm_w.hpp>
#include <mlguard/drift/online/kswin.hpp>
#include <mlguard/drift/online/page_hinkley.hpp>

#include <cstdint>
#include <random>
#include <vector>

#include "alloc_counter.hpp"

namespace {

namespace online = mlguard::drift::online;

// A stationary stream: Bernoulli(0.2) errors for the binary detectors, or
// integers 0..7 for the others (River's s1 after its change).
std::vector<double> stream(bool binary) {
  std::mt19937_64 gen(12345);
  std::bernoulli_distribution error(0.2);
  std::uniform_int_distribution<int> level(0, 7);
  std::vector<double> v(1 << 16);
  for (auto& x : v) {
    x = binary ? (error(gen) ? 1.0 : 0.0) : static_cast<double>(level(gen));
  }
  return v;
}

template <typename Detector>
void run(benchmark::State& state, Detector detector, bool binary) {
  const auto values = stream(binary);
  const std::size_t mask = values.size() - 1;
  std::size_t i = 0;
  std::uint64_t drifts = 0;
  // Warm up past the first window fill so steady state is measured.
  for (double x : values) {
    detector.update(x);
  }
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    const auto s = detector.update(values[i++ & mask]);
    drifts += s == online::detector_state::drift ? 1 : 0;
    benchmark::DoNotOptimize(s);
  }
  mlguard::bench::report_allocations(state, before);
  state.counters["drifts"] = static_cast<double>(drifts);
}

void bm_adwin(benchmark::State& state) { run(state, online::adwin{}, false); }
void bm_ddm(benchmark::State& state) { run(state, online::ddm{}, true); }
void bm_eddm(benchmark::State& state) { run(state, online::eddm{}, true); }
void bm_hddm_a(benchmark::State& state) {
  online::hddm_a_options p;
  p.two_sided_test = true;
  run(state, online::hddm_a{p}, true);
}
void bm_hddm_w(benchmark::State& state) {
  online::hddm_w_options p;
  p.two_sided_test = true;
  run(state, online::hddm_w{p}, true);
}
void bm_page_hinkley(benchmark::State& state) { run(state, online::page_hinkley{}, false); }
void bm_kswin(benchmark::State& state) {
  online::kswin_options p; // River's defaults: window 100, stat_size 30
  p.seed = 42;
  run(state, online::kswin{p}, false);
}

} // namespace

BENCHMARK(bm_adwin);
BENCHMARK(bm_ddm);
BENCHMARK(bm_eddm);
BENCHMARK(bm_hddm_a);
BENCHMARK(bm_hddm_w);
BENCHMARK(bm_page_hinkley);
BENCHMARK(bm_kswin);
BENCHMARK_MAIN();

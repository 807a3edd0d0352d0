// The fairness monitor's per-observation path: observe one labelled
// prediction (tumbling and sliding windows, window closes included: closing
// does not allocate either), the delayed-label path (record_prediction +
// record_label), and the batch metrics over 10 000 rows for scale. Each
// reports allocations per iteration ("allocs/iter").
//
//   g++ -std=c++17 -O2 -DNDEBUG -Iinclude -Ibenchmarks -I/usr/include/eigen3
//     benchmarks/fairness.bench.cpp -o /tmp/bench_fairness -lbenchmark -lpthread
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "alloc_counter.hpp"
#include "mlguard/fairness/fairness_monitor.hpp"
#include "mlguard/fairness/group_metrics.hpp"

namespace {

using namespace mlguard;
using namespace mlguard::fairness;

constexpr std::size_t stream_rows = 4096; // cycled

struct stream {
  std::vector<std::int32_t> group;
  std::vector<double> label;
  std::vector<double> score;
  stream() {
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> u;
    for (std::size_t i = 0; i < stream_rows; ++i) {
      group.push_back(static_cast<std::int32_t>(rng() % 5));
      label.push_back(u(rng) < 0.6 ? 1.0 : 0.0);
      score.push_back(u(rng));
    }
  }
};

const stream& shared_stream() {
  static const stream s;
  return s;
}

fairness_monitor_options options(drift::window_options w) {
  fairness_monitor_options o;
  o.groups = {"g0", "g1", "g2", "g3", "g4"};
  o.window = w;
  o.metrics.decision_threshold = 0.5;
  return o;
}

void run_observe(benchmark::State& state, drift::window_options w) {
  const auto& s = shared_stream();
  std::uint64_t windows = 0;
  fairness_monitor m(options(w), [&](const fairness_window&) { ++windows; });
  std::size_t i = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.observe(s.group[i], s.label[i], s.score[i]));
    i = i + 1 == stream_rows ? 0 : i + 1;
  }
  bench::report_allocations(state, before);
  state.counters["windows"] = static_cast<double>(windows);
}

void BM_fairness_observe_tumbling(benchmark::State& state) {
  run_observe(state, drift::window_options::tumbling(1000));
}
BENCHMARK(BM_fairness_observe_tumbling);

void BM_fairness_observe_sliding(benchmark::State& state) {
  run_observe(state, drift::window_options::sliding(1000, 100));
}
BENCHMARK(BM_fairness_observe_sliding);

void BM_fairness_delayed_label(benchmark::State& state) {
  const auto& s = shared_stream();
  fairness_monitor m(options(drift::window_options::tumbling(1000)));
  std::uint64_t id = 0;
  std::size_t i = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    m.record_prediction(id, s.group[i], s.score[i]);
    benchmark::DoNotOptimize(m.record_label(id, s.label[i]));
    ++id;
    i = i + 1 == stream_rows ? 0 : i + 1;
  }
  bench::report_allocations(state, before);
}
BENCHMARK(BM_fairness_delayed_label);

void BM_fairness_batch_10k(benchmark::State& state) {
  const auto& s = shared_stream();
  std::vector<double> y, p;
  std::vector<std::int32_t> g;
  for (std::size_t k = 0; k < 10000; ++k) {
    y.push_back(s.label[k % stream_rows]);
    p.push_back(s.score[k % stream_rows]);
    g.push_back(s.group[k % stream_rows]);
  }
  fairness_options o;
  o.decision_threshold = 0.5;
  const std::vector<std::string> names{"g0", "g1", "g2", "g3", "g4"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(evaluate(y, p, g, names, o));
  }
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_fairness_batch_10k);

} // namespace

BENCHMARK_MAIN();

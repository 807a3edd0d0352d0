// The windowed drift monitor's hot path (observe one 20-feature row, and a
// row with 5 categorical features more) and the cost of closing a window,
// reported separately.
//
//   build/hb/benchmarks/bench_monitor --benchmark_repetitions=5
//     --benchmark_report_aggregates_only=true
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "alloc_counter.hpp"
#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/drift/performance_tracker.hpp"

namespace {

using namespace mlguard;
using namespace mlguard::drift;

constexpr std::size_t features = 20;
constexpr std::size_t reference_rows = 10000;
constexpr std::size_t stream_rows = 4096; // cycled

struct data {
  std::vector<feature_reference> refs;
  std::vector<double> stream; // row-major
  data() {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal;
    for (std::size_t f = 0; f < features; ++f) {
      std::vector<double> x(reference_rows);
      for (auto& v : x) {
        v = normal(rng) * static_cast<double>(f + 1);
      }
      refs.push_back(feature_reference::from_sample("f" + std::to_string(f), x));
    }
    stream.resize(stream_rows * features);
    for (std::size_t i = 0; i < stream_rows; ++i) {
      for (std::size_t f = 0; f < features; ++f) {
        stream[i * features + f] = (normal(rng) + 0.1) * static_cast<double>(f + 1);
      }
    }
  }
};

const data& shared_data() {
  static const data d;
  return d;
}

// observe() alone: the rows that close a window run with the timer paused
// and their allocations are not counted (closing is measured below).
void observe_only(benchmark::State& state, method m) {
  const auto& d = shared_data();
  monitor_options o;
  o.stat = m;
  o.window = window_options::tumbling(10000);
  drift_monitor monitor(d.refs, o, [](const window_report& w) { benchmark::DoNotOptimize(&w); });
  std::size_t i = 0;
  std::size_t excluded = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const double* row = d.stream.data() + i * features;
    i = i + 1 == stream_rows ? 0 : i + 1;
    if (monitor.rows_in_window() + 1 == o.window.size) {
      state.PauseTiming();
      const auto a = bench::allocations.load();
      monitor.observe(row);
      excluded += bench::allocations.load() - a;
      state.ResumeTiming();
      continue;
    }
    monitor.observe(row);
  }
  const auto after = bench::allocations.load();
  state.counters["allocs/iter"] = benchmark::Counter(
      static_cast<double>(after - before - excluded) / static_cast<double>(state.iterations()));
}

void BM_monitor_observe_psi(benchmark::State& state) { observe_only(state, method::psi); }
void BM_monitor_observe_ks(benchmark::State& state) { observe_only(state, method::ks_2samp); }
BENCHMARK(BM_monitor_observe_psi);
BENCHMARK(BM_monitor_observe_ks);

// Closing one window of `window` rows (20 features): the statistics, the report.
void close_window(benchmark::State& state, method m,
                  stats::ks_method ks = stats::ks_method::automatic) {
  const auto& d = shared_data();
  const auto window = static_cast<std::size_t>(state.range(0));
  monitor_options o;
  o.stat = m;
  o.window = window_options::tumbling(window);
  o.ks = ks;
  drift_monitor monitor(d.refs, o, [](const window_report& w) { benchmark::DoNotOptimize(&w); });
  std::size_t i = 0;
  for (auto _ : state) {
    state.PauseTiming();
    while (monitor.rows_in_window() + 1 < window) {
      monitor.observe(d.stream.data() + i * features);
      i = i + 1 == stream_rows ? 0 : i + 1;
    }
    state.ResumeTiming();
    monitor.observe(d.stream.data() + i * features); // closes the window
    i = i + 1 == stream_rows ? 0 : i + 1;
  }
  state.counters["per_row_amortised_ns"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(window),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_monitor_close_psi(benchmark::State& state) { close_window(state, method::psi); }
void BM_monitor_close_ks(benchmark::State& state) { close_window(state, method::ks_2samp); }
void BM_monitor_close_ks_asymptotic(benchmark::State& state) {
  close_window(state, method::ks_2samp, stats::ks_method::asymptotic);
}
BENCHMARK(BM_monitor_close_psi)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_monitor_close_ks)->Arg(1000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor_close_ks_asymptotic)->Arg(1000)->Unit(benchmark::kMicrosecond);

// observe() on a mixed row: the 20 numeric features plus 5 categorical ones
// (12 categories each; codes as validate_fields gives them, with unseen and
// missing codes mixed in), closes excluded as above. allocs/iter must be 0.
struct mixed_data {
  std::vector<feature_reference> refs;
  std::vector<double> stream; // row-major, features + categorical columns
  static constexpr std::size_t categorical = 5;
  static constexpr std::size_t width = features + categorical;
  mixed_data() {
    const auto& d = shared_data();
    refs = d.refs;
    std::mt19937_64 rng(43);
    std::vector<std::string> names;
    for (int c = 0; c < 12; ++c) {
      names.push_back("c" + std::to_string(c));
    }
    std::uniform_int_distribution<int> code(0, 11);
    for (std::size_t f = 0; f < categorical; ++f) {
      std::vector<double> counts(names.size());
      for (std::size_t c = 0; c < counts.size(); ++c) {
        counts[c] = static_cast<double>(100 + 10 * c);
      }
      refs.push_back(feature_reference::from_categories("cat" + std::to_string(f), names, counts));
    }
    stream.resize(stream_rows * width);
    for (std::size_t i = 0; i < stream_rows; ++i) {
      for (std::size_t f = 0; f < features; ++f) {
        stream[i * width + f] = d.stream[i * features + f];
      }
      for (std::size_t f = 0; f < categorical; ++f) {
        const int c = code(rng);
        // ~1 in 12 an unseen code, ~1 in 12 missing.
        stream[i * width + features + f] =
            c == 11 ? -2.0 : (c == 10 && f == 0 ? -1.0 : static_cast<double>(c));
      }
    }
  }
};

void BM_monitor_observe_mixed(benchmark::State& state) {
  static const mixed_data d;
  monitor_options o;
  o.stat = method::psi;
  o.per_feature["cat0"] = {method::chi_square, {}};
  o.window = window_options::tumbling(10000);
  drift_monitor monitor(d.refs, o, [](const window_report& w) { benchmark::DoNotOptimize(&w); });
  std::size_t i = 0;
  std::size_t excluded = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const double* row = d.stream.data() + i * mixed_data::width;
    i = i + 1 == stream_rows ? 0 : i + 1;
    if (monitor.rows_in_window() + 1 == o.window.size) {
      state.PauseTiming();
      const auto a = bench::allocations.load();
      monitor.observe(row);
      excluded += bench::allocations.load() - a;
      state.ResumeTiming();
      continue;
    }
    monitor.observe(row);
  }
  state.counters["allocs/iter"] =
      benchmark::Counter(static_cast<double>(bench::allocations.load() - before - excluded) /
                         static_cast<double>(state.iterations()));
}
BENCHMARK(BM_monitor_observe_mixed);

// A sliding window (evict + add per row), closes excluded as above.
void BM_monitor_observe_sliding_psi(benchmark::State& state) {
  const auto& d = shared_data();
  monitor_options o;
  o.stat = method::psi;
  o.window = window_options::sliding(1000, 1000);
  drift_monitor monitor(d.refs, o, [](const window_report& w) { benchmark::DoNotOptimize(&w); });
  std::size_t i = 0;
  std::size_t excluded = 0;
  std::size_t since = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const double* row = d.stream.data() + i * features;
    i = i + 1 == stream_rows ? 0 : i + 1;
    if (++since == 1000) { // every 1000th row closes a window
      since = 0;
      state.PauseTiming();
      const auto a = bench::allocations.load();
      monitor.observe(row);
      excluded += bench::allocations.load() - a;
      state.ResumeTiming();
      continue;
    }
    monitor.observe(row);
  }
  state.counters["allocs/iter"] =
      benchmark::Counter(static_cast<double>(bench::allocations.load() - before - excluded) /
                         static_cast<double>(state.iterations()));
}
BENCHMARK(BM_monitor_observe_sliding_psi);

// The performance tracker: one labelled observation (window closes excluded as above).
void BM_performance_observe(benchmark::State& state) {
  performance_options o;
  o.window = 100000;
  double sum = 0.0;
  performance_tracker t(o, {}, [&sum](double e) { sum += e; });
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> u;
  std::vector<double> p(4096), y(4096);
  for (std::size_t i = 0; i < p.size(); ++i) {
    p[i] = u(rng);
    y[i] = u(rng) < p[i] ? 1.0 : 0.0;
  }
  std::size_t i = 0;
  std::size_t excluded = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    if (t.in_window() + 1 == o.window) {
      state.PauseTiming();
      const auto a = bench::allocations.load();
      benchmark::DoNotOptimize(t.observe(p[i], y[i]));
      excluded += bench::allocations.load() - a;
      state.ResumeTiming();
    } else {
      benchmark::DoNotOptimize(t.observe(p[i], y[i]));
    }
    i = (i + 1) & 4095;
  }
  state.counters["allocs/iter"] =
      benchmark::Counter(static_cast<double>(bench::allocations.load() - before - excluded) /
                         static_cast<double>(state.iterations()));
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(BM_performance_observe);

} // namespace

BENCHMARK_MAIN();

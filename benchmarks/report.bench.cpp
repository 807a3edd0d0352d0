// Metrics (issue 14 §1). Targets:
// - a counter increment on the hot path takes <= 5 ns with 0 allocations
//   (allocs/iter must read 0; the benchmark fails otherwise);
// - rendering the exposition for 20 features x 5 metrics takes <= 50 us.
// Also: gauge set, histogram observe, a contended counter, and a whole scrape
// (collect + render) of the same 100 series.
// Run with --benchmark_repetitions=5 and read the medians (CPU time).
#include <mlguard/report/exposition.hpp>
#include <mlguard/report/metric_registry.hpp>

#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

using namespace mlguard;

void fail_if_allocating(benchmark::State& state, std::size_t before) {
  if (bench::allocations.load() != before) {
    state.SkipWithError("the hot path allocated");
  }
  bench::report_allocations(state, before);
}

void bm_counter_inc(benchmark::State& state) {
  report::counter c;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    c.inc();
  }
  fail_if_allocating(state, before);
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(bm_counter_inc);

// Two threads on one counter: the cache line moves between the cores. (The
// allocation count is global, and the benchmark's own threads allocate, so
// the single-thread run above is the proof of 0 allocations.)
void bm_counter_inc_contended(benchmark::State& state) {
  static report::counter c;
  for (auto _ : state) {
    c.inc();
  }
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(bm_counter_inc_contended)->Threads(2);

void bm_gauge_set(benchmark::State& state) {
  report::gauge g;
  double x = 0.0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    g.set(x);
    x += 0.5;
  }
  fail_if_allocating(state, before);
  benchmark::DoNotOptimize(g.value());
}
BENCHMARK(bm_gauge_set);

void bm_histogram_observe(benchmark::State& state) {
  report::histogram h(report::latency_buckets());
  double x = 1e-5;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    h.observe(x);
    x = x < 2.0 ? x * 1.7 : 1e-5; // walks every bucket
  }
  fail_if_allocating(state, before);
  benchmark::DoNotOptimize(h.snapshot().count);
}
BENCHMARK(bm_histogram_observe);

// 20 features x 5 metrics: a drift statistic, p-value, flag, and two counters per feature.
void fill_features(report::metric_registry& r) {
  for (int f = 0; f < 20; ++f) {
    const report::label_set labels{{"model", "tips"},
                                   {"stream", "inputs"},
                                   {"feature", "feature_" + std::to_string(f)},
                                   {"method", "ks_2samp"}};
    r.add_gauge("mlguard_drift_statistic", "The drift statistic.", labels).set(0.01 * f);
    r.add_gauge("mlguard_drift_p_value", "The p-value.", labels).set(1.0 / (f + 1));
    r.add_gauge("mlguard_drift_detected", "1 when drifted.", labels).set(f % 3 == 0 ? 1 : 0);
    r.add_counter("mlguard_rows_total", "Rows.", labels).inc(static_cast<std::uint64_t>(1000 + f));
    r.add_counter("mlguard_anomalies_total", "Anomalies.", labels)
        .inc(static_cast<std::uint64_t>(f));
  }
}

void bm_render_exposition(benchmark::State& state) {
  report::metric_registry r;
  fill_features(r);
  const auto families = r.collect();
  const auto format = static_cast<report::exposition_format>(state.range(0));
  std::string out;
  for (auto _ : state) {
    out.clear();
    report::write_exposition(out, families, format);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(bm_render_exposition)
    ->Arg(static_cast<int>(report::exposition_format::prometheus_text))
    ->Arg(static_cast<int>(report::exposition_format::openmetrics))
    ->Unit(benchmark::kMicrosecond);

void bm_scrape(benchmark::State& state) {
  report::metric_registry r;
  fill_features(r);
  for (auto _ : state) {
    benchmark::DoNotOptimize(report::expose(r, report::exposition_format::openmetrics));
  }
}
BENCHMARK(bm_scrape)->Unit(benchmark::kMicrosecond);

} // namespace

BENCHMARK_MAIN();

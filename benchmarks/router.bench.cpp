// The canary router (issue 13 §5). Targets:
// - a routed request (canary 10 %, or shadow of every request) allocates
//   nothing: allocs/iter is 0 — the benchmark fails (SkipWithError) otherwise;
// - routing costs two slot handles and a hash over the guarded request alone;
// - with 4 threads, the per-arm rings (a short mutex each) do not serialise requests.
// Run with --benchmark_repetitions=5 and read the medians (CPU time).
#include <mlguard/pipeline/logistic_regression.hpp>
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>
#include <mlguard/serving/make_bundle.hpp>
#include <mlguard/serving/router.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

using namespace mlguard;

constexpr std::size_t router_features = 8;

table router_table(std::size_t rows, std::uint64_t seed, Eigen::VectorXd* y) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<std::vector<double>> cols(router_features, std::vector<double>(rows));
  if (y) {
    y->resize(static_cast<Eigen::Index>(rows));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    double z = 0;
    for (std::size_t j = 0; j < router_features; ++j) {
      cols[j][i] = normal(gen);
      z += (j % 2 == 0 ? 0.5 : -0.3) * cols[j][i];
    }
    if (y) {
      (*y)[static_cast<Eigen::Index>(i)] = z > 0 ? 1.0 : 0.0;
    }
  }
  table t;
  for (std::size_t j = 0; j < router_features; ++j) {
    t.add(column::numeric("x" + std::to_string(j), std::move(cols[j])));
  }
  return t;
}

serving::model_bundle router_bundle(std::uint64_t seed) {
  Eigen::VectorXd y;
  const table t = router_table(5000, seed, &y);
  const auto names = t.names();
  const Eigen::MatrixXd X = to_matrix(t, names);
  pipeline::static_pipeline<pipeline::standard_scaler, pipeline::logistic_regression> p;
  p.fit(X, names, y);
  return serving::make_bundle(p, t);
}

serving::guarded_options router_model_options() {
  serving::guarded_options o;
  o.lanes = 4;
  // No monitor window closes during a run: allocs/iter is the per-request figure.
  o.inputs.window.size = std::size_t{1} << 40;
  o.predictions.window.size = std::size_t{1} << 40;
  return o;
}

struct router_rig {
  serving::model_slot<serving::guarded_model> champion;
  serving::model_slot<serving::guarded_model> challenger;
  std::vector<double> rows;
  router_rig() {
    champion.emplace(router_bundle(1), 1, router_model_options());
    challenger.emplace(router_bundle(2), 2, router_model_options());
    const table t = router_table(4096, 99, nullptr);
    for (std::size_t i = 0; i < t.rows(); ++i) {
      for (const auto& c : t) {
        rows.push_back(c.values()[i]);
      }
    }
  }
};

router_rig& rig() {
  static router_rig r;
  return r;
}

// mode 0: canary at 10 %; mode 1: shadow of every request. Each iteration
// routes one request under an integer key and reports its latency.
void bm_router_request(benchmark::State& state) {
  auto& r = rig();
  const bool shadow = state.range(0) == 1;
  static serving::canary_router* router = nullptr;
  if (state.thread_index() == 0) {
    serving::router_options o;
    o.mode = shadow ? serving::router_mode::shadow : serving::router_mode::canary;
    o.percent = shadow ? 100.0 : 10.0;
    router = new serving::canary_router(r.champion, r.challenger, o);
  }
  const std::size_t n = r.rows.size() / router_features;
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 977;
  std::uint64_t key = static_cast<std::uint64_t>(state.thread_index()) << 32;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto out = router->predict(
        ++key, span<const double>(r.rows.data() + (i % n) * router_features, router_features));
    router->record_latency(out, 1e-6);
    benchmark::DoNotOptimize(out.answer.prediction);
    ++i;
  }
  if (state.thread_index() == 0) {
    const auto allocated = bench::allocations.load() - before;
    bench::report_allocations(state, before);
    if (state.threads() == 1 && allocated != 0) {
      state.SkipWithError("a routed request allocated");
    }
    delete router;
    router = nullptr;
  }
}
BENCHMARK(bm_router_request)->ArgName("shadow")->Arg(0)->Arg(1)->Threads(1);
BENCHMARK(bm_router_request)->ArgName("shadow")->Arg(0)->Arg(1)->Threads(4)->UseRealTime();

// The guarded request alone, for comparison.
void bm_router_baseline(benchmark::State& state) {
  auto& r = rig();
  const std::size_t n = r.rows.size() / router_features;
  std::size_t i = 0;
  std::uint64_t id = 0;
  auto h = r.champion.acquire();
  for (auto _ : state) {
    const auto out = h->predict(
        span<const double>(r.rows.data() + (i % n) * router_features, router_features), ++id);
    benchmark::DoNotOptimize(out.prediction);
    ++i;
  }
}
BENCHMARK(bm_router_baseline);

} // namespace

BENCHMARK_MAIN();

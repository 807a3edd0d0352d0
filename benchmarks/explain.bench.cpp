// Explanations (issue 17). Target: the top-5 contributions of a 20-feature
// logistic pipeline ≤ 200 ns with 0 heap allocations. Also: every
// contribution of the same row, and one guarded request with and without
// top-5 contributions in its outcome (the cost a service pays for them).
// The pipeline is the serving benchmark's: impute, standard-scale, clip,
// robust-scale, logistic on 20 numeric features (5% missing).
// Run with --benchmark_repetitions=5 and read the medians (CPU time).
#include <mlguard/explain/linear_contributions.hpp>
#include <mlguard/pipeline/clipper.hpp>
#include <mlguard/pipeline/imputer.hpp>
#include <mlguard/pipeline/logistic_regression.hpp>
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/robust_scaler.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/make_bundle.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "serving_data.hpp"

namespace {

using namespace mlguard;

using serving_bench::features;
using serving_bench::five_stage;
using serving_bench::make_table;

const serving::model_bundle& bundle() {
  static const serving::model_bundle b = [] {
    Eigen::VectorXd y;
    const table t = make_table(20000, 1, 0.0, &y);
    const auto names = t.names();
    five_stage p;
    p.fit(to_matrix(t, names), names, y);
    return serving::make_bundle(p, t);
  }();
  return b;
}

// Request rows, row-major.
const std::vector<double>& requests() {
  static const std::vector<double> out = [] {
    const table t = make_table(4096, 99, 0.0, nullptr);
    std::vector<double> rows;
    for (std::size_t i = 0; i < t.rows(); ++i) {
      for (const auto& c : t) {
        rows.push_back(c.values()[i]);
      }
    }
    return rows;
  }();
  return out;
}

void bm_top5_contributions(benchmark::State& state) {
  auto e = explain::linear_explainer::from_document(bundle().pipeline, bundle().background);
  const auto& rows = requests();
  explain::feature_contribution top[5];
  std::size_t i = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const std::size_t n = e.top(rows.data() + i * features, top, 5);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(top[0].value);
    i = (i + 1) % (rows.size() / features);
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_top5_contributions);

void bm_all_contributions(benchmark::State& state) {
  auto e = explain::linear_explainer::from_document(bundle().pipeline, bundle().background);
  const auto& rows = requests();
  double out[features];
  std::size_t i = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto st = e.contributions(rows.data() + i * features, out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out[0]);
    i = (i + 1) % (rows.size() / features);
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_all_contributions);

// One guarded request (no monitor window closes during the run), listing
// `top` contributions in its outcome.
void bm_guarded_request_top(benchmark::State& state) {
  serving::guarded_options o;
  o.lanes = 1;
  o.inputs.window.size = std::size_t{1} << 40;
  o.predictions.window.size = std::size_t{1} << 40;
  o.top_contributions = static_cast<std::size_t>(state.range(0));
  serving::guarded_model model(bundle(), 1, o);
  const auto& rows = requests();
  std::size_t i = 0;
  std::uint64_t id = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto out = model.predict(span<const double>(rows.data() + i * features, features), ++id);
    benchmark::DoNotOptimize(out.prediction);
    benchmark::DoNotOptimize(out.contributions[0].value);
    i = (i + 1) % (rows.size() / features);
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_guarded_request_top)->ArgName("top")->Arg(0)->Arg(5);

} // namespace

BENCHMARK_MAIN();

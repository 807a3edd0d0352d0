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

namespace {

using namespace mlguard;

constexpr std::size_t features = 20;

using five_stage =
    pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler, pipeline::clipper,
                              pipeline::robust_scaler, pipeline::logistic_regression>;

// 20 numeric features (5% missing), a logistic label.
table make_table(std::size_t rows, std::uint64_t seed, Eigen::VectorXd* y) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<double>> cols(features, std::vector<double>(rows));
  if (y) {
    y->resize(static_cast<Eigen::Index>(rows));
  }
  for (std::size_t i = 0; i < rows; ++i) {
    double z = 0;
    for (std::size_t j = 0; j < features; ++j) {
      double v = 3.0 * normal(gen) + static_cast<double>(j);
      z += (j % 3 == 0 ? 0.2 : -0.1) * (v - static_cast<double>(j));
      if (u(gen) < 0.05) {
        v = std::nan("");
      }
      cols[j][i] = v;
    }
    if (y) {
      (*y)[static_cast<Eigen::Index>(i)] = u(gen) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
    }
  }
  table t;
  for (std::size_t j = 0; j < features; ++j) {
    t.add(column::numeric("x" + std::to_string(j), std::move(cols[j])));
  }
  return t;
}

const serving::model_bundle& bundle() {
  static const serving::model_bundle b = [] {
    Eigen::VectorXd y;
    const table t = make_table(20000, 1, &y);
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
    const table t = make_table(4096, 99, nullptr);
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

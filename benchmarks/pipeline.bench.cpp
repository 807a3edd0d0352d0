// Pipelines: the five-stage pipeline of issue 6 (impute, scale, clip, one-hot,
// logistic) on 20 features (16 numeric with 5% missing, 4 categorical codes
// of cardinality 6). Targets: one row ≤ 150 ns with 0 heap allocations; a
// 1e5-row batch ≥ 5 million rows/s on one core. Also the same document
// loaded as a pipeline::dynamic_pipeline (one virtual call per stage per row).
// Run with --benchmark_repetitions=5 and read the medians.
#include <mlguard/pipeline/clipper.hpp>
#include <mlguard/pipeline/dynamic_pipeline.hpp>
#include <mlguard/pipeline/imputer.hpp>
#include <mlguard/pipeline/logistic_regression.hpp>
#include <mlguard/pipeline/one_hot_encoder.hpp>
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

using namespace mlguard;

constexpr Eigen::Index numeric_features = 16;
constexpr Eigen::Index categorical_features = 4;
constexpr Eigen::Index features = numeric_features + categorical_features;

using five_stage =
    pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler, pipeline::clipper,
                              pipeline::one_hot_encoder, pipeline::logistic_regression>;

struct data {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
};

data make_data(Eigen::Index rows, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  data d{Eigen::MatrixXd(rows, features), Eigen::VectorXd(rows)};
  for (Eigen::Index i = 0; i < rows; ++i) {
    double z = 0;
    for (Eigen::Index j = 0; j < features; ++j) {
      double v = j < numeric_features ? 3.0 * normal(gen) + static_cast<double>(j)
                                      : std::floor(u(gen) * 6);
      z += (j % 3 == 0 ? 0.2 : -0.1) * v;
      if (j < numeric_features && u(gen) < 0.05) {
        v = std::nan("");
      }
      d.X(i, j) = v;
    }
    d.y[i] = u(gen) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
  }
  return d;
}

std::vector<std::string> names(Eigen::Index from, Eigen::Index to) {
  std::vector<std::string> out;
  for (Eigen::Index j = from; j < to; ++j) {
    out.push_back("f" + std::to_string(j));
  }
  return out;
}

five_stage& fitted() {
  static five_stage p = [] {
    const auto numeric = names(0, numeric_features);
    five_stage q(pipeline::imputer(pipeline::impute_strategy::median),
                 pipeline::standard_scaler(numeric), pipeline::clipper(numeric),
                 pipeline::one_hot_encoder(names(numeric_features, features)),
                 pipeline::logistic_regression(1.0));
    const auto d = make_data(20000, 1);
    q.fit(d.X, names(0, features), d.y);
    return q;
  }();
  return p;
}

// Rows stored contiguously (row-major), as a service receives them.
std::vector<double> row_buffer(Eigen::Index rows) {
  const auto d = make_data(rows, 2);
  std::vector<double> out(static_cast<std::size_t>(rows * features));
  for (Eigen::Index i = 0; i < rows; ++i) {
    for (Eigen::Index j = 0; j < features; ++j) {
      out[static_cast<std::size_t>(i * features + j)] = d.X(i, j);
    }
  }
  return out;
}

template <typename Pipeline>
void run_rows(benchmark::State& state, Pipeline& p) {
  const Eigen::Index rows = 1024;
  const auto buffer = row_buffer(rows);
  double out = 0;
  std::size_t r = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const pipeline::row_status s = p.transform_row(buffer.data() + r * features, &out);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out);
    r = (r + 1) & (rows - 1);
  }
  bench::report_allocations(state, before);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_pipeline_row(benchmark::State& state) { run_rows(state, fitted()); }
BENCHMARK(bm_pipeline_row);

void bm_dynamic_pipeline_row(benchmark::State& state) {
  auto p = pipeline::dynamic_pipeline::from_json(fitted().to_json());
  run_rows(state, p);
}
BENCHMARK(bm_dynamic_pipeline_row);

void bm_pipeline_batch(benchmark::State& state) {
  const auto d = make_data(state.range(0), 3);
  auto& p = fitted();
  for (auto _ : state) {
    Eigen::MatrixXd out = p.transform(d.X);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(bm_pipeline_batch)->Arg(100000)->Unit(benchmark::kMillisecond);

void bm_pipeline_fit(benchmark::State& state) {
  const auto d = make_data(state.range(0), 4);
  for (auto _ : state) {
    five_stage q = fitted();
    q.fit(d.X, names(0, features), d.y);
    benchmark::DoNotOptimize(q);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(bm_pipeline_fit)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

#ifndef MLGUARD_BENCHMARKS_SERVING_DATA_HPP
#define MLGUARD_BENCHMARKS_SERVING_DATA_HPP

// The serving benchmarks' data and pipeline (bench_serving, bench_explain): 20 numeric
// features (5% missing) with a logistic label, and the five-stage pipeline fitted on them.

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <mlguard/core/table.hpp>
#include <mlguard/pipeline/clipper.hpp>
#include <mlguard/pipeline/imputer.hpp>
#include <mlguard/pipeline/logistic_regression.hpp>
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/robust_scaler.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>

namespace serving_bench {

constexpr std::size_t features = 20;

using five_stage = mlguard::pipeline::static_pipeline<
    mlguard::pipeline::imputer, mlguard::pipeline::standard_scaler, mlguard::pipeline::clipper,
    mlguard::pipeline::robust_scaler, mlguard::pipeline::logistic_regression>;

// `rows` rows of 20 numeric features (5% missing, each moved by `shift`) and, into `y`
// when given, a logistic label.
inline mlguard::table make_table(std::size_t rows, std::uint64_t seed, double shift,
                                 Eigen::VectorXd* y) {
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
      double v = 3.0 * normal(gen) + static_cast<double>(j) + shift;
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
  mlguard::table t;
  for (std::size_t j = 0; j < features; ++j) {
    t.add(mlguard::column::numeric("x" + std::to_string(j), std::move(cols[j])));
  }
  return t;
}

} // namespace serving_bench

#endif // MLGUARD_BENCHMARKS_SERVING_DATA_HPP

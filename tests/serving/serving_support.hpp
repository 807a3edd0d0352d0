#ifndef MLGUARD_TESTS_SERVING_SUPPORT_HPP
#define MLGUARD_TESTS_SERVING_SUPPORT_HPP

// A small fitted model and its bundle for the serving tests: tips from fare
// and distance, as in the README.

#include <cstddef>
#include <random>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/table.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::test {

using tip_pipeline = pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler,
                                               pipeline::logistic_regression>;

/// n trips (fare ~ N(mean_fare, 4), distance ~ Exp(0.5)) and whether each tipped.
inline table tip_trips(std::uint64_t seed, double mean_fare, std::size_t n,
                       Eigen::VectorXd* tipped = nullptr) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> fare(mean_fare, 4.0);
  std::exponential_distribution<double> distance(0.5);
  std::vector<double> fares(n), distances(n);
  for (std::size_t i = 0; i < n; ++i) {
    fares[i] = fare(rng);
    distances[i] = distance(rng);
  }
  if (tipped) {
    tipped->resize(static_cast<Eigen::Index>(n));
    for (std::size_t i = 0; i < n; ++i) {
      (*tipped)[static_cast<Eigen::Index>(i)] = fares[i] + 2 * distances[i] > 16 ? 1 : 0;
    }
  }
  table t;
  t.add(column::numeric("fare", fares));
  t.add(column::numeric("distance", distances));
  return t;
}

/// The fitted tip pipeline (trained on tip_trips(seed, mean_fare, 2000)).
inline tip_pipeline fitted_tips(std::uint64_t seed = 1, double mean_fare = 12.0) {
  Eigen::VectorXd y;
  const table t = tip_trips(seed, mean_fare, 2000, &y);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(t.rows()), 2);
  X << t.at("fare").vector(), t.at("distance").vector();
  tip_pipeline p;
  p.fit(X, {"fare", "distance"}, y);
  return p;
}

/// Guarded-model options for tests: `lanes` lanes, input and prediction
/// windows of `window` requests, performance windows of 50 labels.
inline serving::guarded_options small_model_options(std::size_t lanes = 2,
                                                    std::size_t window = 100) {
  serving::guarded_options o;
  o.lanes = lanes;
  o.inputs.window.size = window;
  o.predictions.window.size = window;
  o.performance.window = 50;
  return o;
}

/// A bundle of fitted_tips(seed, mean_fare), with every feature's row policy set to `action`.
inline serving::model_bundle tip_bundle(std::uint64_t seed = 1, double mean_fare = 12.0,
                                        validate::row_action action = validate::row_action::flag) {
  auto b = serving::make_bundle(fitted_tips(seed, mean_fare), tip_trips(seed, mean_fare, 2000));
  auto features = b.schema.features();
  for (auto& f : features) {
    f.action = action;
    if (action == validate::row_action::impute) {
      f.impute_value = 10.0;
    }
  }
  b.schema = validate::schema(features);
  return b;
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_SERVING_SUPPORT_HPP

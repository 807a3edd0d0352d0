#ifndef MLGUARD_TESTS_XGBOOST_SUPPORT_HPP
#define MLGUARD_TESTS_XGBOOST_SUPPORT_HPP

// Boosters for the tests that serve XGBoost: trained through the C API on
// the serving tests' tip trips (serving/serving_support.hpp).

#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/xgboost/train.hpp"
#include "mlguard/xgboost/xgboost_model.hpp"
#include "serving/serving_support.hpp"

namespace mlguard::test {

/// A pipeline that hands the named request features to the booster as they are.
inline pipeline::dynamic_pipeline selector(const std::vector<std::string>& names) {
  json doc = {
      {"format", "mlguard.pipeline"},
      {"format_version", 1},
      {"input_features", names},
      {"output_features", names},
      {"stages", json::array({{{"kind", "column_selector"}, {"params", {{"columns", names}}}}})}};
  return pipeline::dynamic_pipeline::from_json(doc);
}

/// A booster for the tip trips (fare, distance), `rounds` trees of depth 3.
inline std::string tip_booster(int rounds = 8,
                               const std::vector<std::string>& names = {"fare", "distance"}) {
  Eigen::VectorXd y;
  const table t = tip_trips(5, 12.0, 1000, &y);
  Eigen::MatrixXd x(static_cast<Eigen::Index>(t.rows()), 2);
  x << t.at("fare").vector(), t.at("distance").vector();
  xgboost::train_options o;
  o.params = {{"objective", "binary:logistic"}, {"max_depth", "3"}, {"nthread", "1"}};
  o.rounds = rounds;
  return xgboost::train_booster(x, y, names, o);
}

/// A bundle serving `booster` (as member booster.ubj) behind a selector of fare and distance.
inline serving::model_bundle tip_xgboost_bundle(const std::string& booster) {
  serving::model_loaders loaders;
  loaders.add<xgboost::xgboost_model>();
  return serving::make_bundle(
      selector({"fare", "distance"}), serving::model_spec{"xgboost", "booster.ubj"},
      serving::bundle_members{{"booster.ubj", booster}}, tip_trips(1, 12.0, 2000), loaders);
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_XGBOOST_SUPPORT_HPP

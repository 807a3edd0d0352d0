// A consumer of the component mlguard::xgboost: through find_package(mlguard
// COMPONENTS xgboost) alone it compiles mlguard's XGBoost adapter, links
// libxgboost, trains a booster and serves it behind a pipeline.
#include <mlguard/mlguard.hpp>
#include <mlguard/xgboost/train.hpp>
#include <mlguard/xgboost/xgboost_model.hpp>

#include <cstdio>

int main() {
  using namespace mlguard;
  Eigen::MatrixXd x(4, 1);
  x << 1, 2, 3, 4;
  Eigen::VectorXd y(4);
  y << 0, 0, 1, 1;
  xgboost::train_options options;
  options.params = {{"objective", "binary:logistic"}, {"nthread", "1"}, {"min_child_weight", "0"}};
  options.rounds = 3;
  const auto booster = xgboost::train_booster(x, y, {"a"}, options);
  const auto select = pipeline::dynamic_pipeline::from_json(json::parse(
      R"({"format": "mlguard.pipeline", "format_version": 1, "input_features": ["a"],
          "output_features": ["a"], "stages": [{"kind": "column_selector",
          "params": {"columns": ["a"]}}]})"));
  xgboost::xgboost_model model(select, booster, "booster.ubj");
  const double low = 1.0, high = 4.0;
  double p_low = 0, p_high = 0;
  model.predict_row(&low, &p_low);
  model.predict_row(&high, &p_high);
  std::printf("mlguard %s xgboost consumer %s (%.3f < %.3f)\n", version().string,
              p_low < p_high ? "OK" : "FAILED", p_low, p_high);
  return p_low < p_high ? 0 : 1;
}

#include "mlguard/explain/partial_dependence.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "explain/explain_fixtures.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::explain;
using namespace mlguard::explain_test;

TEST_CASE("partial_dependence equals sklearn's partial_dependence(method=\"brute\") to 1e-12") {
  // tests/reference/gen_explain_sklearn.py: sklearn 1.2.1, grid_resolution=7,
  // default percentiles; the grid is sklearn's, the model the exported pipeline
  // (a classifier's prediction is predict_proba[:, 1], as sklearn averages).
  for (const std::string name : {"logistic", "linear"}) {
    CAPTURE(name);
    const json& c = reference()[name];
    auto model = pipeline::dynamic_pipeline::from_json(c["document"]);
    auto predict = [&model](const Eigen::MatrixXd& X) -> Eigen::VectorXd {
      return model.predict(X);
    };
    const Eigen::MatrixXd X = matrix(c["X_train"]);
    for (const auto& pd : c["partial_dependence"]) {
      const auto features = pd["features"].get<std::vector<std::size_t>>();
      std::vector<std::vector<double>> grid;
      for (const auto& g : pd["grid"]) {
        grid.push_back(numbers(g));
      }
      const auto r = partial_dependence(predict, X, features, grid);
      const auto want = numbers(pd["average"]);
      REQUIRE(r.average.size() == want.size());
      double worst = 0;
      for (std::size_t i = 0; i < want.size(); ++i) {
        worst = std::max(worst, std::abs(r.average[i] - want[i]));
      }
      MESSAGE(name << " features " << pd["features"].dump()
                   << ": max |mlguard - sklearn| = " << worst);
      CHECK(worst <= 1e-12);
    }
  }
}

TEST_CASE("partial_dependence by feature name, and its errors") {
  const json& c = reference()["linear"];
  auto model = pipeline::dynamic_pipeline::from_json(c["document"]);
  auto predict = [&model](const Eigen::MatrixXd& X) -> Eigen::VectorXd { return model.predict(X); };
  const Eigen::MatrixXd X = matrix(c["X_train"]);
  const std::vector<std::string> names = {"x1", "x2", "x3"};
  const auto by_name = partial_dependence(predict, X, names, {"x3", "x1"}, {{0.0, 1.0}, {2.0}});
  const auto by_index = partial_dependence(predict, X, {2, 0}, {{0.0, 1.0}, {2.0}});
  CHECK(by_name.average == by_index.average);
  CHECK(by_name.features == std::vector<std::size_t>{2, 0});

  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, names, {"nope"}, {{1.0}}),
                          "mlguard.explain.unknown_feature");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {3}, {{1.0}}),
                          "mlguard.explain.unknown_feature");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {"x1", "x2"}, {"x1"}, {{1.0}}),
                          "mlguard.explain.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X.topRows(0), {0}, {{1.0}}),
                          "mlguard.explain.empty_data");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {0}, {{}}),
                          "mlguard.explain.invalid_option");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {0, 1, 2}, {{1.0}, {1.0}, {1.0}}),
                          "mlguard.explain.invalid_option");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {1, 1}, {{1.0}, {1.0}}),
                          "mlguard.explain.invalid_option");
  MLGUARD_CHECK_THROWS_ID(partial_dependence(predict, X, {0}, {{1.0, std::nan("")}}),
                          "mlguard.explain.nan_input");
  auto short_model = [](const Eigen::MatrixXd& A) -> Eigen::VectorXd {
    return A.col(0).head(A.rows() - 1);
  };
  MLGUARD_CHECK_THROWS_ID(partial_dependence(short_model, X, {0}, {{1.0}}),
                          "mlguard.explain.size_mismatch");
  // A model that cannot score a row (no imputer, a NaN left in x2).
  json doc = c["document"];
  doc["stages"].erase(0);
  auto raw = pipeline::dynamic_pipeline::from_json(doc);
  auto raw_predict = [&raw](const Eigen::MatrixXd& A) -> Eigen::VectorXd {
    Eigen::VectorXd out(A.rows());
    for (Eigen::Index i = 0; i < A.rows(); ++i) {
      const Eigen::RowVectorXd row = A.row(i);
      (void)raw.transform_row(row.data(), &out[i]); // NaN for a row it cannot score
    }
    return out;
  };
  MLGUARD_CHECK_THROWS_ID(partial_dependence(raw_predict, X, {0}, {{1.0}}),
                          "mlguard.explain.nan_input");
}

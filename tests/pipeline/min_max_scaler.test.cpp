#include "mlguard/pipeline/min_max_scaler.hpp"

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("min_max_scaler matches sklearn MinMaxScaler") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["X"]);
  min_max_scaler s;
  const Eigen::MatrixXd out = fit_transform(s, X);
  const Eigen::VectorXd scale = vector_from(ref["min_max_scaler"]["scale"]);
  const Eigen::VectorXd min = vector_from(ref["min_max_scaler"]["min"]);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    CHECK(s.scale()[static_cast<std::size_t>(j)] == doctest::Approx(scale[j]).epsilon(1e-14));
    CHECK(s.min()[static_cast<std::size_t>(j)] == doctest::Approx(min[j]).epsilon(1e-14));
  }
  CHECK(max_abs_diff(out, matrix_from(ref["min_max_scaler"]["output"])) < 1e-12);
}

TEST_CASE("min_max_scaler: range, persistence and errors") {
  MLGUARD_CHECK_THROWS_ID(min_max_scaler({}, 1.0, 1.0), "mlguard.pipeline.invalid_option");
  Eigen::MatrixXd X(3, 1);
  X << 2, 4, 6;
  min_max_scaler s({}, -1.0, 1.0);
  s.bind({"a"});
  s.fit(X);
  double in = 6;
  double out = 0;
  s.transform_row(&in, &out);
  CHECK(out == 1.0);
  const json s_doc = s.to_json();
  const auto copy = min_max_scaler::from_json(s_doc, {"a"});
  CHECK(copy.to_json() == s.to_json());
  MLGUARD_CHECK_THROWS_ID(min_max_scaler::from_json(s_doc, {"a", "b"}),
                          "mlguard.pipeline.width_mismatch");
}

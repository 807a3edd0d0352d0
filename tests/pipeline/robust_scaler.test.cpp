#include "mlguard/pipeline/robust_scaler.hpp"

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("robust_scaler matches sklearn RobustScaler (median, IQR 25-75, numpy linear)") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["X"]);
  robust_scaler s;
  const Eigen::MatrixXd out = fit_transform(s, X);
  const Eigen::VectorXd center = vector_from(ref["robust_scaler"]["center"]);
  const Eigen::VectorXd scale = vector_from(ref["robust_scaler"]["scale"]);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    CHECK(s.center()[static_cast<std::size_t>(j)] == doctest::Approx(center[j]).epsilon(1e-15));
    CHECK(s.scale()[static_cast<std::size_t>(j)] == doctest::Approx(scale[j]).epsilon(1e-14));
  }
  CHECK(s.scale()[3] == 1.0); // the constant column: zero IQR
  CHECK(max_abs_diff(out, matrix_from(ref["robust_scaler"]["output"])) < 1e-12);
}

TEST_CASE("robust_scaler: persistence and bad configuration") {
  MLGUARD_CHECK_THROWS_ID(robust_scaler({}, 80, 20), "mlguard.pipeline.invalid_option");
  Eigen::MatrixXd X(4, 1);
  X << 1, 2, 3, 100;
  robust_scaler s;
  s.bind({"a"});
  s.fit(X);
  CHECK(s.center()[0] == 2.5);
  const json s_doc = s.to_json();
  const auto copy = robust_scaler::from_json(s_doc, {"a"});
  CHECK(copy.to_json() == s.to_json());
}

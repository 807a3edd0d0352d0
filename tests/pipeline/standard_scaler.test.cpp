#include "mlguard/pipeline/standard_scaler.hpp"

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("standard_scaler matches sklearn StandardScaler (NaN ignored, constant column scale 1)") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["X"]);
  standard_scaler s;
  const Eigen::MatrixXd out = fit_transform(s, X);
  const Eigen::VectorXd mean = vector_from(ref["standard_scaler"]["mean"]);
  const Eigen::VectorXd scale = vector_from(ref["standard_scaler"]["scale"]);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    CHECK(s.mean()[static_cast<std::size_t>(j)] == doctest::Approx(mean[j]).epsilon(1e-13));
    CHECK(s.scale()[static_cast<std::size_t>(j)] == doctest::Approx(scale[j]).epsilon(1e-13));
  }
  CHECK(s.scale()[3] == 1.0); // the constant column
  CHECK(max_abs_diff(out, matrix_from(ref["standard_scaler"]["output"])) < 1e-12);
}

TEST_CASE("standard_scaler: columns subset, JSON round trip, bad input") {
  Eigen::MatrixXd X(4, 2);
  X << 1, 10, 2, 20, 3, 30, 4, 40;
  standard_scaler s({"b"});
  s.bind({"a", "b"});
  s.fit(X);
  REQUIRE(s.mean().size() == 1);
  CHECK(s.mean()[0] == 25.0);
  double row[2] = {7, 25};
  double out[2];
  s.transform_row(row, out);
  CHECK(out[0] == 7); // untouched
  CHECK(out[1] == 0);
  const json s_doc = s.to_json();
  const auto copy = standard_scaler::from_json(s_doc, {"a", "b"});
  CHECK(copy.to_json() == s.to_json());
  MLGUARD_CHECK_THROWS_ID(standard_scaler::from_json(s_doc, {"a", "c"}),
                          "mlguard.pipeline.unknown_feature");
  json wrong = s.to_json();
  wrong["mean"] = {1.0, 2.0};
  MLGUARD_CHECK_THROWS_ID(standard_scaler::from_json(wrong, {"a", "b"}),
                          "mlguard.pipeline.width_mismatch");
  wrong = s.to_json();
  wrong["typo"] = 1;
  MLGUARD_CHECK_THROWS_ID(standard_scaler::from_json(wrong, {"a", "b"}),
                          "mlguard.format.unknown_field");
  Eigen::MatrixXd narrow(2, 1);
  narrow << 1, 2;
  MLGUARD_CHECK_THROWS_ID(s.fit(narrow), "mlguard.pipeline.width_mismatch");
  Eigen::MatrixXd empty_col(2, 2);
  empty_col << 1, NAN, 2, NAN;
  MLGUARD_CHECK_THROWS_ID(s.fit(empty_col), "mlguard.pipeline.empty_column");
  standard_scaler unfitted;
  unfitted.bind({"a"});
  Eigen::MatrixXd o(2, 1);
  std::vector<row_status> st(2);
  MLGUARD_CHECK_THROWS_ID(unfitted.transform(narrow, o, span<row_status>(st)),
                          "mlguard.pipeline.not_fitted");
}

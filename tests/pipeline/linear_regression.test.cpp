#include "mlguard/pipeline/linear_regression.hpp"

#include <cmath>
#include <vector>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("linear_regression matches sklearn LinearRegression") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["models_X"]);
  const Eigen::VectorXd y = vector_from(ref["y_reg"]);
  linear_regression m;
  m.bind(column_names(X.cols()));
  m.fit(X, y);
  const Eigen::VectorXd coef = vector_from(ref["linear_regression"]["coef"]);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    CHECK(m.coef()[static_cast<std::size_t>(j)] == doctest::Approx(coef[j]).epsilon(1e-12));
  }
  CHECK(m.intercept() ==
        doctest::Approx(ref["linear_regression"]["intercept"].get<double>()).epsilon(1e-12));
  Eigen::MatrixXd out(X.rows(), 1);
  std::vector<row_status> status(static_cast<std::size_t>(X.rows()));
  m.transform(X, out, span<row_status>(status));
  CHECK(max_abs_diff(out, vector_from(ref["linear_regression"]["prediction"])) < 1e-11);
}

TEST_CASE("linear models: NaN throws on the batch path, is a status on the row path") {
  Eigen::MatrixXd X(3, 1);
  X << 0, 1, 2;
  Eigen::VectorXd y(3);
  y << 1, 3, 5;
  linear_regression m;
  m.bind({"x"});
  m.fit(X, y);
  CHECK(m.coef()[0] == doctest::Approx(2.0));
  CHECK(m.intercept() == doctest::Approx(1.0));
  Eigen::MatrixXd bad(2, 1);
  bad << 1, NAN;
  Eigen::MatrixXd out(2, 1);
  std::vector<row_status> status(2);
  MLGUARD_CHECK_THROWS_ID(m.transform(bad, out, span<row_status>(status)),
                          "mlguard.pipeline.nan_input");
  // A row an earlier tap stopped is skipped, not an error.
  status[1] = row_status::rejected;
  m.transform(bad, out, span<row_status>(status));
  CHECK(std::isnan(out(1, 0)));
  double in = NAN;
  double o = 0;
  CHECK(m.transform_row(&in, &o) == row_status::invalid_input);
  CHECK(std::isnan(o));
  MLGUARD_CHECK_THROWS_ID(m.fit(bad, Eigen::VectorXd::Ones(2)), "mlguard.pipeline.nan_input");
  MLGUARD_CHECK_THROWS_ID(m.fit(X, Eigen::VectorXd::Ones(2)), "mlguard.pipeline.size_mismatch");
  const json m_doc = m.to_json();
  const auto copy = linear_regression::from_json(m_doc, {"x"});
  CHECK(copy.to_json() == m.to_json());
  MLGUARD_CHECK_THROWS_ID(linear_regression::from_json(m_doc, {"x", "y"}),
                          "mlguard.pipeline.width_mismatch");
}

#include "mlguard/pipeline/logistic_regression.hpp"

#include <cmath>
#include <vector>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("logistic_regression reaches sklearn LogisticRegression's optimum (l2, C = 1/lambda)") {
  // Reference: tests/reference/gen_pipeline_sklearn.py. sklearn's newton-cg (tol
  // 1e-10) converges (gradient <= 2e-12); lbfgs stops on scipy's ftol = 64 eps
  // with gradient entries up to 5e-2 (C = 100), so it is compared more loosely.
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["models_X"]);
  const Eigen::VectorXd y = vector_from(ref["y_cls"]);
  for (const auto& r : ref["logistic_regression"]) {
    const double C = r["C"].get<double>();
    const std::string solver = r["solver"].get<std::string>();
    const bool converged = solver == "newton-cg";
    CAPTURE(C);
    CAPTURE(solver);
    logistic_regression m(C);
    m.bind(column_names(X.cols()));
    m.fit(X, y);
    CHECK(m.iterations() < 30);
    const double tol = converged ? 1e-9 : 1e-4;
    const Eigen::VectorXd coef = vector_from(r["coef"]);
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      CHECK(m.coef()[static_cast<std::size_t>(j)] == doctest::Approx(coef[j]).epsilon(tol));
    }
    CHECK(m.intercept() == doctest::Approx(r["intercept"].get<double>()).epsilon(tol));
    Eigen::MatrixXd out(X.rows(), 1);
    std::vector<row_status> status(static_cast<std::size_t>(X.rows()));
    m.transform(X, out, span<row_status>(status));
    const double diff = max_abs_diff(out, vector_from(r["probability"]));
    MESSAGE("C=" << C << " " << solver << ": max |p_mlguard - p_sklearn| = " << diff);
    CHECK(diff < (converged ? 1e-11 : 1e-5));
  }
}

TEST_CASE("logistic_regression: labels, parameters and persistence") {
  MLGUARD_CHECK_THROWS_ID(logistic_regression(0.0), "mlguard.pipeline.invalid_option");
  Eigen::MatrixXd X(4, 1);
  X << 0, 1, 2, 3;
  Eigen::VectorXd y(4);
  y << 0, 2, 1, 1;
  logistic_regression m(1.0);
  m.bind({"x"});
  MLGUARD_CHECK_THROWS_ID(m.fit(X, y), "mlguard.pipeline.bad_label");
  y << 0, 1, 0, 1;
  m.fit(X, y);
  const json m_doc = m.to_json();
  const auto copy = logistic_regression::from_json(m_doc, {"x"});
  CHECK(copy.to_json() == m.to_json());
  double in = 1.5;
  double a = 0;
  double b = 1;
  m.transform_row(&in, &a);
  copy.transform_row(&in, &b);
  CHECK(a == b);
  // Perfectly separable data stays finite thanks to the L2 penalty.
  y << 0, 0, 1, 1;
  m.fit(X, y);
  CHECK(std::isfinite(m.coef()[0]));
  CHECK(m.coef()[0] > 0);
}

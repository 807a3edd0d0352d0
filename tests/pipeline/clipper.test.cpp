#include "mlguard/pipeline/clipper.hpp"

#include <cmath>
#include <limits>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("clipper learns numpy.nanquantile(0.01, 0.99, method='linear') bounds") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["X"]);
  clipper c;
  const Eigen::MatrixXd out = fit_transform(c, X);
  const Eigen::VectorXd lower = vector_from(ref["quantiles_01_99"]["lower"]);
  const Eigen::VectorXd upper = vector_from(ref["quantiles_01_99"]["upper"]);
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    CHECK(c.lower()[static_cast<std::size_t>(j)] == doctest::Approx(lower[j]).epsilon(1e-15));
    CHECK(c.upper()[static_cast<std::size_t>(j)] == doctest::Approx(upper[j]).epsilon(1e-15));
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      if (std::isnan(X(i, j))) {
        CHECK(std::isnan(out(i, j)));
      } else {
        CHECK(out(i, j) >= c.lower()[static_cast<std::size_t>(j)]);
        CHECK(out(i, j) <= c.upper()[static_cast<std::size_t>(j)]);
      }
    }
  }
}

TEST_CASE("clipper::domain clips to given bounds, Inf included, and persists") {
  const double inf = std::numeric_limits<double>::infinity();
  auto c = clipper::domain({"fare"}, {0.0}, {inf});
  c.bind({"id", "fare"});
  Eigen::MatrixXd X(1, 2);
  X << 1, 2;
  c.fit(X); // learns nothing
  double in[2] = {-5, -inf};
  double out[2];
  c.transform_row(in, out);
  CHECK(out[0] == -5);
  CHECK(out[1] == 0.0);
  const json c_doc = c.to_json();
  const auto copy = clipper::from_json(c_doc, {"id", "fare"});
  CHECK(copy.to_json() == c.to_json());
  CHECK(copy.upper()[0] == inf); // "inf" survives JSON
  MLGUARD_CHECK_THROWS_ID(clipper::domain({"a"}, {1.0}, {0.0}), "mlguard.pipeline.invalid_option");
  MLGUARD_CHECK_THROWS_ID(clipper::domain({"a"}, {1.0, 2.0}, {3.0}),
                          "mlguard.argument.size_mismatch");
}

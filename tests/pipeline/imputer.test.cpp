#include "mlguard/pipeline/imputer.hpp"

#include <cmath>

#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("imputer matches sklearn SimpleImputer for every strategy") {
  const auto& ref = stage_reference();
  const Eigen::MatrixXd X = matrix_from(ref["X"]);
  for (auto strategy : {impute_strategy::mean, impute_strategy::median,
                        impute_strategy::most_frequent, impute_strategy::constant}) {
    CAPTURE(to_string(strategy));
    const auto& r = ref[std::string("imputer_") + to_string(strategy)];
    imputer s(strategy, {}, -1.5);
    const Eigen::MatrixXd out = fit_transform(s, X);
    const Eigen::VectorXd stats = vector_from(r["statistics"]);
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      CHECK(s.statistics()[static_cast<std::size_t>(j)] ==
            doctest::Approx(stats[j]).epsilon(1e-14));
    }
    CHECK(max_abs_diff(out, matrix_from(r["output"])) < 1e-12);
    CHECK_FALSE(out.hasNaN());
  }
}

TEST_CASE("imputer: per-column strategy, persistence and errors") {
  Eigen::MatrixXd X(4, 2);
  X << 1, 5, NAN, 5, 3, NAN, 10, 7;
  imputer s(impute_strategy::median);
  s.set_strategy("b", impute_strategy::constant, 99.0);
  s.bind({"a", "b"});
  s.fit(X);
  CHECK(s.statistics()[0] == 3.0);
  CHECK(s.statistics()[1] == 99.0);
  const json s_doc = s.to_json();
  const auto copy = imputer::from_json(s_doc, {"a", "b"});
  CHECK(copy.to_json() == s.to_json());
  double in[2] = {NAN, NAN};
  double out[2];
  CHECK(copy.transform_row(in, out) == row_status::ok);
  CHECK(out[0] == 3.0);
  CHECK(out[1] == 99.0);

  imputer bad;
  bad.set_strategy("zzz", impute_strategy::mean);
  bad.bind({"a", "b"});
  MLGUARD_CHECK_THROWS_ID(bad.fit(X), "mlguard.pipeline.unknown_feature");
  Eigen::MatrixXd all_missing(2, 1);
  all_missing << NAN, NAN;
  imputer m;
  m.bind({"a"});
  MLGUARD_CHECK_THROWS_ID(m.fit(all_missing), "mlguard.pipeline.empty_column");
  json j = s.to_json();
  j["strategy"] = "mode";
  MLGUARD_CHECK_THROWS_ID(imputer::from_json(j, {"a", "b"}), "mlguard.format.corrupt");
}

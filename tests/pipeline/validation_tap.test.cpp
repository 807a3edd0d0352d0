#include "mlguard/pipeline/validation_tap.hpp"

#include <cmath>
#include <cstring>
#include <vector>

#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/pipeline/tap_stages.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::pipeline;

namespace {
// "a" must lie in [0, 10] and is clipped there; "b" must lie in [0, 5] and a
// row with "b" outside is rejected. "c" is not in the schema.
validate::schema two_feature_schema() {
  validate::feature_spec a;
  a.name = "a";
  a.min = 0.0;
  a.max = 10.0;
  a.action = validate::row_action::clip;
  validate::feature_spec b;
  b.name = "b";
  b.min = 0.0;
  b.max = 5.0;
  b.action = validate::row_action::reject;
  return validate::schema({a, b});
}

using checked_chain = static_pipeline<validation_tap, imputer, linear_regression>;

checked_chain fitted() {
  Eigen::MatrixXd X(4, 3);
  X << 1, 1, 0, 2, 2, 1, 3, 3, 0, 4, 4, 1;
  Eigen::VectorXd y(4);
  y << 2, 4, 6, 8;
  checked_chain p(validation_tap(two_feature_schema()), imputer{}, linear_regression{});
  p.fit(X, {"c", "b", "a"}, y); // the tap finds the schema's features by name
  return p;
}
} // namespace

TEST_CASE("validation_tap: rows are checked, clipped, flagged and rejected on both paths") {
  auto p = fitted();
  Eigen::MatrixXd Y(4, 3);
  Y << 0, 1, 2, // clean
      0, 1, 50, // a above its domain: clipped to 10, flagged
      0, 9, 2,  // b above its domain: rejected
      7, 1, 2;  // c is not checked
  std::vector<row_status> status;
  const Eigen::MatrixXd out = p.transform(Y, status);
  CHECK(status == std::vector<row_status>{row_status::ok, row_status::flagged, row_status::rejected,
                                          row_status::ok});
  CHECK(std::isnan(out(2, 0)));
  // Row 1 reaches the model with a = 10.
  const double clipped[3] = {0, 1, 10};
  double expected = 0;
  p.stage<2>().transform_row(clipped, &expected);
  CHECK(out(1, 0) == expected);
  for (Eigen::Index i = 0; i < Y.rows(); ++i) {
    const Eigen::RowVectorXd in = Y.row(i);
    double o = 0;
    CHECK(p.transform_row(in.data(), &o) == status[static_cast<std::size_t>(i)]);
    CHECK(std::memcmp(&o, &out(i, 0), sizeof o) == 0);
  }
  const auto& tap = p.stage<0>();
  CHECK(tap.last_anomalies().size() == 2);
  CHECK(tap.last_anomalies()[0].empty()); // the last row (clean for a)
  CHECK(tap.rows_rejected() == 2);        // once per path
  CHECK(tap.rows_flagged() == 2);
}

TEST_CASE("validation_tap: the schema is saved with the pipeline and loads on both pipelines") {
  auto p = fitted();
  const json doc = p.to_json();
  const double row[3] = {0, 9, 2};
  double o = 0;
  auto q = checked_chain::from_json(doc);
  CHECK(q.transform_row(row, &o) == row_status::rejected);
  auto d = dynamic_pipeline::from_json(doc, all_stages());
  CHECK(d.transform_row(row, &o) == row_status::rejected);
  CHECK(q.to_json() == doc);
}

TEST_CASE("validation_tap: a schema feature missing from the input, and bad documents") {
  checked_chain p(validation_tap(two_feature_schema()), imputer{}, linear_regression{});
  Eigen::MatrixXd X = Eigen::MatrixXd::Ones(3, 2);
  Eigen::VectorXd y = Eigen::VectorXd::Ones(3);
  MLGUARD_CHECK_THROWS_ID(p.fit(X, {"a", "c"}, y), "mlguard.pipeline.unknown_feature");
  const json empty = json::object();
  MLGUARD_CHECK_THROWS_ID(validation_tap::from_json(empty, {"a", "b"}), "mlguard.format.corrupt");
  const json extra_field = json{{"schema", 1}, {"extra", 2}};
  MLGUARD_CHECK_THROWS_ID(validation_tap::from_json(extra_field, {"a", "b"}),
                          "mlguard.format.unknown_field");
}

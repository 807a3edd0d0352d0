#include "mlguard/pipeline/tap.hpp"

#include <cmath>
#include <vector>

#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

namespace {
// Flags negative first features, rejects values above 100, and caps the
// second feature at 10 (a tap may edit the row).
row_status policy(span<double> row) noexcept {
  if (row[0] > 100) {
    return row_status::rejected;
  }
  row[1] = std::min(row[1], 10.0);
  return row[0] < 0 ? row_status::flagged : row_status::ok;
}
} // namespace

TEST_CASE("callback_tap observes, edits, flags and rejects rows on both paths") {
  Eigen::MatrixXd X(4, 2);
  X << 1, 1, 2, 3, 3, 5, 4, 7;
  Eigen::VectorXd y(4);
  y << 3, 7, 11, 15;
  int seen = 0;
  using chain = static_pipeline<imputer, callback_tap, linear_regression>;
  chain p(imputer{},
          callback_tap(
              [&seen](span<double> row) noexcept {
                ++seen;
                return policy(row);
              },
              "policy"),
          linear_regression{});
  p.fit(X, {"a", "b"}, y);
  CHECK(seen == 4); // the tap sees training rows too

  Eigen::MatrixXd Y(4, 2);
  Y << 1, 1, -1, 1, 500, 1, 1, 50;
  std::vector<row_status> status;
  const Eigen::MatrixXd out = p.transform(Y, status);
  CHECK(status == std::vector<row_status>{row_status::ok, row_status::flagged, row_status::rejected,
                                          row_status::ok});
  CHECK(std::isnan(out(2, 0)));
  CHECK_FALSE(std::isnan(out(1, 0)));
  // Row 3's second feature was capped to 10 before the model.
  const double capped[2] = {1, 10};
  double expected = 0;
  p.stage<2>().transform_row(capped, &expected);
  CHECK(out(3, 0) == expected);
  for (Eigen::Index i = 0; i < Y.rows(); ++i) {
    const Eigen::RowVectorXd in = Y.row(i);
    double o = 0;
    CHECK(p.transform_row(in.data(), &o) == status[static_cast<std::size_t>(i)]);
    CHECK(std::memcmp(&o, &out(i, 0), sizeof o) == 0);
  }

  // Persisted: only the label. A loaded tap passes rows through until given a callback.
  auto q = chain::from_json(p.to_json());
  CHECK(q.stage<1>().label() == "policy");
  const double big[2] = {500, 1};
  double o = 0;
  CHECK(q.transform_row(big, &o) == row_status::ok);
  q.stage<1>().set_callback(policy);
  CHECK(q.transform_row(big, &o) == row_status::rejected);
  CHECK(std::isnan(o));
  // The dynamic pipeline loads it too, and an application can register its own loader.
  stage_registry registry = builtin_stages();
  registry.add("callback_tap",
               [](const json_reader& params, const std::vector<std::string>& names) {
                 auto t = callback_tap::from_json(params, names);
                 t.set_callback(policy);
                 return make_any_stage(std::move(t));
               });
  auto d = dynamic_pipeline::from_json(p.to_json(), registry);
  CHECK(d.transform_row(big, &o) == row_status::rejected);
}

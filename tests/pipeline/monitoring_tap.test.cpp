#include "mlguard/pipeline/monitoring_tap.hpp"

#include <random>
#include <string>
#include <vector>

#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap_stages.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::pipeline;

namespace {
using monitored_chain = static_pipeline<standard_scaler, monitoring_tap, linear_regression>;

drift::monitor_options options() {
  drift::monitor_options o;
  o.stat = drift::method::psi;
  o.window = drift::window_options::tumbling(500);
  return o;
}

// Feeds 1000 rows like the training data, then 1000 with "x" shifted by
// `shift`, one at a time; returns the row statuses.
std::vector<row_status> serve(monitored_chain& p, double shift) {
  std::mt19937_64 gen(5);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<row_status> out;
  for (int i = 0; i < 2000; ++i) {
    const double row[2] = {normal(gen) + (i >= 1000 ? shift : 0.0), normal(gen)};
    double o = 0;
    out.push_back(p.transform_row(row, &o));
  }
  return out;
}
} // namespace

TEST_CASE("monitoring_tap: a shift after the training data is reported per window") {
  std::mt19937_64 gen(1);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd X(3000, 2);
  Eigen::VectorXd y(3000);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    X(i, 0) = normal(gen);
    X(i, 1) = normal(gen);
    y[i] = 2 * X(i, 0) - X(i, 1);
  }
  std::vector<bool> window_drift;
  monitored_chain p(standard_scaler{},
                    monitoring_tap(options(),
                                   [&](const drift::window_report& w) {
                                     window_drift.push_back(w.drift.columns[0].drifted);
                                   }),
                    linear_regression{});
  p.fit(X, {"x", "z"}, y);
  const auto* monitor = p.stage<1>().monitor();
  REQUIRE(monitor != nullptr);
  CHECK(monitor->windows_closed() == 0); // the training rows are not observed
  CHECK(monitor->features() == 2);

  const auto status = serve(p, 3.0);
  REQUIRE(window_drift.size() == 4);
  CHECK(window_drift == std::vector<bool>{false, false, true, true});
  CHECK(status[999] == row_status::ok);
  CHECK(status[1498] == row_status::ok);      // the third window has not closed yet
  CHECK(status[1499] == row_status::flagged); // ... its last row closes it: drifted
  CHECK(p.stage<1>().drifting());

  // Saved and loaded (typed and dynamic), it monitors the same way.
  const json doc = p.to_json();
  auto q = monitored_chain::from_json(doc);
  std::vector<bool> loaded_drift;
  q.stage<1>().set_on_window(
      [&](const drift::window_report& w) { loaded_drift.push_back(w.drift.columns[0].drifted); });
  CHECK(serve(q, 3.0) == status);
  CHECK(loaded_drift == window_drift);
  auto d = dynamic_pipeline::from_json(doc, all_stages());
  // The default registry leaves the taps out and says where to find them.
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(doc), "mlguard.pipeline.unknown_stage");
  try {
    (void)dynamic_pipeline::from_json(doc);
  } catch (const mlguard::error& e) {
    CHECK(std::string(e.what()).find("tap_stages.hpp") != std::string::npos);
  }
  const double row[2] = {0.1, -0.2};
  double o = 0;
  CHECK(d.transform_row(row, &o) == row_status::ok);
  CHECK(q.to_json() == doc);

  // A copy owns its own monitor and starts with an empty window.
  monitored_chain copy = p;
  CHECK(copy.stage<1>().monitor() != p.stage<1>().monitor());
  CHECK(copy.stage<1>().monitor()->windows_closed() == 0);
}

TEST_CASE("monitoring_tap: bad documents and unfitted use") {
  const monitoring_tap unfitted;
  MLGUARD_CHECK_THROWS_ID(unfitted.to_json(), "mlguard.pipeline.not_fitted");
  const json empty = json::object();
  MLGUARD_CHECK_THROWS_ID(monitoring_tap::from_json(empty, {"x"}), "mlguard.format.corrupt");
  const json no_options = json{{"options", json::object()}, {"reference", 1}};
  MLGUARD_CHECK_THROWS_ID(monitoring_tap::from_json(no_options, {"x"}), "mlguard.format.corrupt");
}

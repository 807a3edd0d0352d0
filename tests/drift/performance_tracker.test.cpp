// The performance tracker against scikit-learn 1.2.1 (fixture from
// tests/reference/gen_performance.py), delayed labels and the error stream.
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/ddm.hpp"
#include "mlguard/drift/performance_tracker.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {
bool close_to(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); }
} // namespace

TEST_CASE("performance_tracker: metrics match sklearn on the same inputs") {
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/performance.json")), "fixture");
  CHECK(doc["sklearn"] == "1.2.1");
  REQUIRE(doc["cases"].size() >= 8);
  for (const auto& c : doc["cases"]) {
    CAPTURE(c["name"].get<std::string>());
    const auto p = c["predictions"].get<std::vector<double>>();
    const auto y = c["labels"].get<std::vector<double>>();
    performance_options o;
    o.task = c["task"] == "regression" ? model_task::regression : model_task::binary_classification;
    o.window = p.size();
    std::vector<performance_report> got;
    performance_tracker t(o, [&](const performance_report& r) { got.push_back(r); });
    for (std::size_t i = 0; i < p.size(); ++i) {
      t.observe(p[i], y[i]);
    }
    REQUIRE(got.size() == 1);
    const auto& r = got[0];
    CHECK(r.index == 0);
    CHECK(r.rows == p.size());
    CHECK(r.first_row == 1);
    CHECK(r.last_row == p.size());
    if (o.task == model_task::regression) {
      REQUIRE(r.mae);
      REQUIRE(r.rmse);
      CHECK(close_to(*r.mae, c["mae"].get<double>()));
      CHECK(close_to(*r.rmse, c["rmse"].get<double>()));
      CHECK_FALSE(r.accuracy);
      continue;
    }
    REQUIRE(r.accuracy);
    CHECK(*r.accuracy == c["accuracy"].get<double>());
    CHECK(*r.error_rate == 1.0 - c["accuracy"].get<double>());
    REQUIRE(r.log_loss);
    CHECK(close_to(*r.log_loss, c["log_loss"].get<double>()));
    CHECK(r.auc.has_value() == c.contains("auc"));
    if (r.auc) {
      CHECK(close_to(*r.auc, c["auc"].get<double>()));
    }
  }
}

TEST_CASE("performance_tracker: the error stream is 0/1 or absolute, one value per label") {
  std::vector<double> errors;
  performance_options o;
  o.window = 3;
  performance_tracker t(o, {}, [&](double e) { errors.push_back(e); });
  CHECK(t.observe(0.9, 1) == 0.0);
  CHECK(t.observe(0.9, 0) == 1.0);
  CHECK(t.observe(0.5, 1) == 1.0); // 0.5 is not > 0.5: class 0
  CHECK(std::isnan(t.observe(std::nan(""), 1)));
  CHECK(std::isnan(t.observe(0.3, 2))); // not a binary label
  CHECK(errors == std::vector<double>{0.0, 1.0, 1.0});
  CHECK(t.invalid() == 2);
  CHECK(t.windows_closed() == 1);

  performance_options reg;
  reg.task = model_task::regression;
  performance_tracker r(reg);
  CHECK(r.observe(2.5, 3.0) == 0.5);
  CHECK(r.observe(-1.0, 1.0) == 2.0);
  CHECK(std::isnan(r.observe(1.0, std::numeric_limits<double>::infinity())));
  const auto now = r.current();
  CHECK(now.rows == 2);
  CHECK(*now.mae == 1.25);
}

TEST_CASE("performance_tracker: delayed labels join their predictions by id") {
  performance_options o;
  o.window = 1000;
  o.pending_capacity = 4;
  performance_tracker t(o);
  CHECK(t.record_prediction(10, 0.8));
  CHECK(t.record_prediction(11, 0.2));
  CHECK(t.record_prediction(12, 0.7));
  CHECK_FALSE(t.record_prediction(12, 0.1)); // already pending
  CHECK(t.record_prediction(13, 0.6));
  CHECK_FALSE(t.record_prediction(14, 0.6)); // full
  CHECK(t.dropped() == 2);
  CHECK(t.pending() == 4);
  CHECK(t.record_label(11, 1) == 1.0);
  CHECK_FALSE(t.record_label(11, 1)); // already joined
  CHECK(t.unmatched() == 1);
  CHECK(t.record_label(13, 1) == 0.0);
  CHECK(t.record_label(10, 1) == 0.0);
  CHECK(t.record_prediction(14, 0.1));
  CHECK(t.record_label(14, 0) == 0.0);
  CHECK(t.record_label(12, 0) == 1.0);
  CHECK(t.pending() == 0);
  CHECK(t.labelled() == 5);
  CHECK(*t.current().accuracy == 0.6);

  SUBCASE("many ids through a small table (backward-shift deletion keeps probes valid)") {
    performance_options big;
    big.pending_capacity = 64;
    performance_tracker u(big);
    std::size_t matched = 0;
    for (std::uint64_t id = 0; id < 100000; ++id) {
      REQUIRE(u.record_prediction(id, 0.9));
      if (id >= 40) {
        matched += u.record_label(id - 40, 1) ? 1 : 0;
      }
    }
    CHECK(matched == 100000 - 40);
    CHECK(u.pending() == 40);
  }
}

TEST_CASE("performance_tracker: options outside their range are invalid_option") {
  performance_options o;
  o.window = 0;
  MLGUARD_CHECK_THROWS_ID(performance_tracker{o}, "mlguard.drift.invalid_option");
  o.window = 4;
  o.decision_threshold = std::nan("");
  MLGUARD_CHECK_THROWS_ID(performance_tracker{o}, "mlguard.drift.invalid_option");
}

TEST_CASE("performance_tracker: windows are numbered like the drift monitor's, in C++ and JSON") {
  performance_options o;
  o.window = 2;
  std::vector<performance_report> closed;
  performance_tracker t(o, [&](const performance_report& r) { closed.push_back(r); });
  for (double p : {0.9, 0.2, 0.8, 0.7, 0.1}) {
    t.observe(p, 1);
  }
  REQUIRE(closed.size() == 2);
  // The second window holds labelled observations 3 and 4; the open one, 5.
  CHECK(closed[1].index == 1);
  CHECK(closed[1].first_row == 3);
  CHECK(closed[1].last_row == 4);
  CHECK(closed[1].rows == 2);
  const auto open = t.current();
  CHECK(open.index == 2);
  CHECK(open.first_row == 5);
  CHECK(open.rows == 1);

  // The JSON names the window fields as write_window_span does for every
  // windowed result (window_report too), and only the metrics that are defined.
  const json j = closed[0];
  json span_only = json::object();
  write_window_span(span_only, closed[0]);
  for (const auto& field : span_only.items()) {
    CAPTURE(field.key());
    CHECK(j.at(field.key()) == field.value());
  }
  CHECK(j["window"] == 0);
  CHECK(j["rows"] == 2);
  CHECK(j["accuracy"] == 0.5);         // 0.9 → 1 right, 0.2 → 0 wrong
  CHECK_FALSE(j.contains("auc"));      // one class only: undefined
  CHECK_FALSE(j.contains("mae"));      // a regression metric
  CHECK_FALSE(j.contains("start_ns")); // not a time window
}

TEST_CASE("performance_tracker: its error stream drives an online detector (DDM)") {
  // A classifier right 90% of the time, then 60% from label 3000 on: the
  // 0/1 errors fed to DDM must raise a drift soon after the change, never before.
  online::ddm detector;
  std::vector<std::uint64_t> drifts;
  std::uint64_t labelled = 0;
  performance_tracker t(performance_options{}, {}, [&](double error) {
    if (detector.update(error) == online::detector_state::drift) {
      drifts.push_back(labelled);
    }
  });
  std::mt19937_64 gen(11);
  std::bernoulli_distribution good(0.9);
  std::bernoulli_distribution bad(0.6);
  for (std::uint64_t id = 0; id < 6000; ++id) {
    const double label = (id % 2 == 0) ? 1.0 : 0.0;
    const bool right = id < 3000 ? good(gen) : bad(gen);
    const double prediction = right == (label == 1.0) ? 0.8 : 0.2;
    t.record_prediction(id, prediction); // served now, labelled later
    if (id >= 10) {
      ++labelled;
      t.record_label(id - 10, (id - 10) % 2 == 0 ? 1.0 : 0.0);
    }
  }
  REQUIRE_FALSE(drifts.empty());
  CHECK(drifts.front() > 2990);
  CHECK(drifts.front() < 3400);
}

#include "mlguard/serving/guarded_model.hpp"

#include <string>
#include <string_view>
#include <vector>

#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace {

guarded_options small_windows(std::vector<version_window>* windows) {
  guarded_options o;
  o.lanes = 2;
  o.inputs.window.size = 100;
  o.predictions.window.size = 100;
  o.performance.window = 50;
  o.on_window = [windows](const version_window& w) { windows->push_back(w); };
  return o;
}

} // namespace

TEST_CASE("guarded_model: a valid request scores as the pipeline does, tagged with its version") {
  auto fitted = test::fitted_tips();
  guarded_model m(test::tip_bundle(), 3, small_windows(nullptr));
  const double row[2] = {18.0, 3.5};
  double expected = 0;
  CHECK(fitted.transform_row(row, &expected) == pipeline::row_status::ok);
  const auto o = m.predict(row);
  CHECK(o.status == request_status::ok);
  CHECK(o.prediction == expected);
  CHECK(o.version == 3);
  CHECK(o.request_id != 0);
  CHECK(o.anomalous_features == 0);
  const std::string_view fields[2] = {"18", "3.5"};
  CHECK(m.predict_fields(fields, 77).prediction == expected);
  CHECK(m.predict_fields(fields, 77).request_id == 77);
  CHECK(to_json(o)["status"] == "ok");
}

TEST_CASE("guarded_model: nothing is imputed silently") {
  const std::string_view text_fare[2] = {"twelve", "3.5"};
  const std::string_view empty_fare[2] = {"", "3.5"};
  SUBCASE("reject policy: a string in a numeric field is rejected, not scored") {
    guarded_model m(test::tip_bundle(1, 12.0, validate::row_action::reject), 1,
                    small_windows(nullptr));
    const auto o = m.predict_fields(text_fare);
    CHECK(o.status == request_status::rejected);
    CHECK(std::isnan(o.prediction));
    REQUIRE(o.listed == 1);
    CHECK(o.anomalies[0].feature == 0);
    CHECK(o.anomalies[0].kinds.has(validate::anomaly_kind::float_type_string_not_float));
    CHECK(m.counts().rejected == 1);
  }
  SUBCASE("impute policy: imputed, and counted") {
    guarded_model m(test::tip_bundle(1, 12.0, validate::row_action::impute), 1,
                    small_windows(nullptr));
    const auto o = m.predict_fields(text_fare);
    CHECK(o.status == request_status::imputed);
    CHECK(o.imputed_values == 1);
    CHECK(std::isfinite(o.prediction));
    CHECK(m.predict_fields(empty_fare).status == request_status::imputed);
    CHECK(m.counts().imputed == 2);
    CHECK(m.counts().imputed_values == 2);
  }
  SUBCASE("flag policy: the value goes on as missing, the pipeline's imputer fills it: imputed") {
    guarded_model m(test::tip_bundle(), 1, small_windows(nullptr));
    const auto o = m.predict_fields(text_fare);
    CHECK(o.status == request_status::imputed);
    CHECK(o.anomalous_features == 1);
    CHECK(std::isfinite(o.prediction));
    // An out-of-domain value passes through, flagged.
    const double far[2] = {1e6, 3.5};
    CHECK(m.predict(far).status == request_status::flagged);
    CHECK(m.counts().ok == 0);
  }
  SUBCASE("a row of the wrong width is rejected as malformed") {
    guarded_model m(test::tip_bundle(), 1, small_windows(nullptr));
    const double three[3] = {1, 2, 3};
    const auto o = m.predict(three);
    CHECK(o.status == request_status::rejected);
    CHECK(o.malformed);
  }
}

TEST_CASE("guarded_model: windows and labels belong to one version") {
  std::vector<version_window> windows;
  std::vector<version_performance> performance;
  auto options = small_windows(&windows);
  options.on_performance = [&](const version_performance& p) { performance.push_back(p); };
  guarded_model m(test::tip_bundle(), 5, options);
  const table shifted = test::tip_trips(9, 20.0, 250); // fares went up
  const auto& fare = shifted.at("fare").values();
  const auto& distance = shifted.at("distance").values();
  std::vector<std::uint64_t> ids;
  for (std::size_t i = 0; i < shifted.rows(); ++i) {
    const double row[2] = {fare[i], distance[i]};
    ids.push_back(m.predict(row).request_id);
  }
  // 250 rows: two windows of 100 per stream.
  REQUIRE(windows.size() == 4);
  for (const auto& w : windows) {
    CHECK(w.version == 5);
    CHECK(w.report.rows == 100);
  }
  const auto inputs = std::find_if(windows.begin(), windows.end(),
                                   [](const version_window& w) { return w.stream == "inputs"; });
  REQUIRE(inputs != windows.end());
  REQUIRE(inputs->report.drift.columns.size() == 2);
  CHECK(inputs->report.drift.columns[0].name == "fare");
  CHECK(inputs->report.drift.columns[0].drifted); // +8 on a sd of 4
  m.flush();
  CHECK(windows.size() == 6); // the last 50 rows, per stream

  CHECK(m.awaits_label(ids[0]));
  CHECK_FALSE(m.awaits_label(123456789));
  for (std::size_t i = 0; i < 50; ++i) {
    CHECK(m.record_label(ids[i], 1.0));
  }
  CHECK_FALSE(m.record_label(ids[0], 1.0)); // joined once
  REQUIRE(performance.size() == 1);
  CHECK(performance[0].version == 5);
  CHECK(performance[0].report.rows == 50);
}

TEST_CASE("guarded_model: a bundle whose smoke rows fail does not build") {
  auto b = test::tip_bundle();
  b.smoke[0].expected[0] += 0.25;
  MLGUARD_CHECK_THROWS_ID(guarded_model(b, 1), "mlguard.serving.smoke_failed");
  guarded_options unchecked;
  unchecked.check_smoke = false;
  guarded_model m(b, 1, unchecked);
  MLGUARD_CHECK_THROWS_ID(m.check_smoke(), "mlguard.serving.smoke_failed");
}

#include "mlguard/serving/guarded_model.hpp"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/table_ops.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace {

guarded_options small_windows(std::vector<version_window>* windows) {
  auto o = test::small_model_options();
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

namespace {

// Trips with a payment type whose first-seen order (card, cash, app) is not the
// sorted one, so a schema that kept infer_schema's sorted vocabulary would
// hand the one-hot encoder the wrong codes.
table payment_trips(std::size_t n, Eigen::VectorXd* tipped) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> fare(12.0, 4.0);
  const char* names[3] = {"card", "cash", "app"};
  std::vector<double> fares(n);
  std::vector<std::int32_t> codes(n);
  tipped->resize(static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    fares[i] = fare(rng);
    codes[i] = static_cast<std::int32_t>(i % 3);
    (*tipped)[static_cast<Eigen::Index>(i)] =
        codes[i] == 0 || (codes[i] == 2 && fares[i] > 14) ? 1 : 0;
  }
  table t;
  t.add(column::numeric("fare", fares));
  t.add(column::categorical("payment", codes, vocabulary({names[0], names[1], names[2]})));
  return t;
}

} // namespace

TEST_CASE("guarded_model: categorical features are read in the training codes and monitored") {
  using encoded =
      pipeline::static_pipeline<pipeline::one_hot_encoder, pipeline::logistic_regression>;
  Eigen::VectorXd y;
  const table t = payment_trips(900, &y);
  encoded p(pipeline::one_hot_encoder({"payment"}), pipeline::logistic_regression());
  p.fit(to_matrix(t, {"fare", "payment"}), {"fare", "payment"}, y);
  const auto b = make_bundle(p, t);
  CHECK(b.schema.vocab(1).names() == std::vector<std::string>{"card", "cash", "app"});

  std::vector<version_window> windows;
  guarded_options o = small_windows(&windows);
  o.inputs.per_feature["payment"] = {drift::method::chi_square, 0.01}; // a method per feature
  guarded_model m(b, 2, o);
  const std::string_view cash[2] = {"13.5", "cash"};
  const double cash_row[2] = {13.5, 1.0}; // "cash" is the table's code 1
  double expected = 0;
  CHECK(p.transform_row(cash_row, &expected) == pipeline::row_status::ok);
  const auto answer = m.predict_fields(cash);
  CHECK(answer.status == request_status::ok);
  CHECK(answer.prediction == expected);

  // An unseen category is flagged, scored through the encoder's unseen column,
  // and counted in the monitor's "other" bin.
  const std::string_view crypto[2] = {"13.5", "bitcoin"};
  const auto odd = m.predict_fields(crypto);
  CHECK(odd.status == request_status::flagged);
  REQUIRE(odd.listed == 1);
  CHECK(odd.anomalies[0].kinds.has(validate::anomaly_kind::enum_type_unexpected_string_values));

  // The batch form: the same rows, every column by name.
  const auto batch = m.predict_batch(t);
  REQUIRE(batch.size() == t.rows());
  const double first_row[2] = {t.at("fare").values()[0], 0.0};
  CHECK(p.transform_row(first_row, &expected) == pipeline::row_status::ok);
  CHECK(batch[0].prediction == expected);
  m.flush();
  const auto inputs = std::find_if(windows.begin(), windows.end(),
                                   [](const version_window& w) { return w.stream == "inputs"; });
  REQUIRE(inputs != windows.end());
  REQUIRE(inputs->report.drift.columns.size() == 2);
  CHECK(inputs->report.drift.columns[1].name == "payment");
  CHECK(inputs->report.drift.columns[1].kind == column_kind::categorical);
  CHECK(inputs->report.drift.columns[1].stat == drift::method::chi_square);
  CHECK(inputs->report.drift.columns[1].threshold == 0.01);
  CHECK(inputs->report.drift.columns[0].stat == drift::method::psi); // the monitor's default
  // The first window holds "bitcoin": chi-square against a reference with no "other"
  // value calls one unseen category drift. The fare, training rows, does not drift.
  CHECK(inputs->report.drift.columns[1].drifted);
  CHECK_FALSE(inputs->report.drift.columns[0].drifted);
  MLGUARD_CHECK_THROWS_ID(m.predict_batch(select_columns(t, {"fare"})),
                          "mlguard.argument.unknown_column");
}

TEST_CASE("guarded_model: predict_into writes every output, NaN for a rejected row") {
  // A pipeline without a final model: two outputs, the scaled fare and distance.
  using scaling = pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler>;
  const table trips = test::tip_trips(1, 12.0, 500);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(trips.rows()), 2);
  X << trips.at("fare").vector(), trips.at("distance").vector();
  scaling fitted;
  fitted.fit(X, {"fare", "distance"});
  auto bundle = make_bundle(fitted, trips);
  auto features = bundle.schema.features();
  features[1].action = validate::row_action::reject;
  bundle.schema = validate::schema(features);
  guarded_model m(bundle, 2, small_windows(nullptr));
  REQUIRE(m.outputs() == 2);
  CHECK(m.output_names() == fitted.feature_names_out());

  const double row[2] = {18.0, 3.5};
  double expected[2] = {0, 0};
  CHECK(fitted.transform_row(row, expected) == pipeline::row_status::ok);
  double out[2] = {-1, -1};
  const auto o = m.predict_into(row, out);
  CHECK(o.status == request_status::ok);
  CHECK(o.prediction == expected[0]);
  CHECK(out[0] == expected[0]);
  CHECK(out[1] == expected[1]);
  // A shorter span gets the first outputs only.
  double first[1] = {-1};
  CHECK(m.predict_into(row, first).prediction == first[0]);
  // Rejected (a reject policy on distance; a malformed row): NaN everywhere.
  const double bad[2] = {18.0, std::numeric_limits<double>::quiet_NaN()};
  const auto r = m.predict_into(bad, out);
  CHECK(r.status == request_status::rejected);
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
  out[0] = out[1] = 0;
  const double three[3] = {1, 2, 3};
  CHECK(m.predict_into(three, out).malformed);
  CHECK(std::isnan(out[0]));
  CHECK(std::isnan(out[1]));
  CHECK(m.counts().ok == 2);
  CHECK(m.counts().rejected == 2);
}

#include "mlguard/validate/validation_report.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace {

// A report with every kind of entry: row anomalies with sampled rows,
// missing and new columns, comparator anomalies with values and
// thresholds, and skew measurements (feature "e" skipped: no serving values).
validation_report full_report() {
  table train;
  train.add(column::categorical("c", {0, 0, 0, 1}, vocabulary({"a", "b"})));
  train.add(column::numeric("x", {1.5, 2, 3, 4}));
  train.add(column::numeric("gone", {1, 1, 2, 2}));
  train.add(column::numeric("e", {0.5, 1, 2, 2}));
  const auto s = infer_schema(train);
  const auto reference = profile::dataset_profile::of(train);
  table serve;
  serve.add(column::categorical("c", {1, 1, 1, 0, 2}, vocabulary({"a", "b", "zz"})));
  serve.add(column::numeric("x", {1, 2, 30, 4, 0.5}));
  serve.add(column::numeric("e", std::vector<double>(5, std::nan(""))));
  serve.add(column::numeric("new", {1, 1, 1, 1, 1}));
  const auto skew = compare_profiles(s, reference, serve);
  validate_options o;
  o.skew = &skew;
  return validate_batch(s, serve, o);
}

} // namespace

TEST_CASE("validation_report: JSON round trip keeps every field") {
  const auto r = full_report();
  REQUIRE(r.find("x", anomaly_kind::float_type_big_float) != nullptr);
  REQUIRE(r.find("c", anomaly_kind::comparator_l_infty_high) != nullptr);
  REQUIRE(r.find("gone", anomaly_kind::schema_missing_column) != nullptr);
  REQUIRE(r.find("new", anomaly_kind::schema_new_column) != nullptr);
  REQUIRE(r.features[3].skew.has_value());
  REQUIRE(r.features[3].skew->skipped.has_value()); // e: no values in the serving data

  const auto j = r.to_json();
  CHECK(j["format"].get<std::string>() == "mlguard.validation_report");
  CHECK(j["format_version"] == 1);
  const auto back = validation_report::from_json(parse_json(j.dump(), "r.json"), "r.json");
  CHECK(back.to_json() == j);
  CHECK(back.rows == r.rows);
  CHECK(back.outcome == r.outcome);
  CHECK(back.errors == r.errors);
  CHECK(back.find("x", anomaly_kind::float_type_big_float)->sample_rows ==
        r.find("x", anomaly_kind::float_type_big_float)->sample_rows);
  const auto* linf = back.find("c", anomaly_kind::comparator_l_infty_high);
  CHECK(*linf->value == *r.find("c", anomaly_kind::comparator_l_infty_high)->value);
  CHECK(back.features[0].skew->measurements.at(0).kind == anomaly_kind::comparator_l_infty_high);
  CHECK(back.features[3].skew->skipped == r.features[3].skew->skipped);

  json via_adl = r;
  CHECK(via_adl.get<validation_report>().to_json() == j);
}

TEST_CASE("validation_report: save and load") {
  const auto r = full_report();
  const test::temp_dir dir;
  const auto path = dir.path + "/report.json";
  r.save(path);
  CHECK(validation_report::load(path).to_json() == r.to_json());
}

TEST_CASE("validation_report: bad documents fail with stable ids and field paths") {
  const auto good = full_report().to_json();
  auto j = good;
  j["format_version"] = 2;
  MLGUARD_CHECK_THROWS_ID(validation_report::from_json(j), "mlguard.format.newer_version");
  j = good;
  j["format"] = "mlguard.schema";
  MLGUARD_CHECK_THROWS_ID(validation_report::from_json(j), "mlguard.format.wrong_kind");
  j = good;
  j["features"][0]["note"] = "x";
  MLGUARD_CHECK_THROWS_ID(validation_report::from_json(j), "mlguard.format.unknown_field");
  for (const auto& mutate : std::vector<void (*)(json&)>{
           [](json& d) { d["verdict"] = "fine"; },
           [](json& d) { d["features"][1]["anomalies"][0]["kind"] = "FLOAT_TYPE_HUGE"; },
           [](json& d) { d["features"][1]["anomalies"][0]["severity"] = "fatal"; },
           [](json& d) { d["features"][1]["anomalies"][0]["rows"] = json::array({0}); },
           [](json& d) { d["features"][0]["skew"]["measurements"][0]["comparator"] = "psi"; },
           [](json& d) { d["rows"] = -1; },
       }) {
    auto bad = good;
    mutate(bad);
    CAPTURE(bad.dump().substr(0, 300));
    MLGUARD_CHECK_THROWS_ID(validation_report::from_json(bad), "mlguard.format.corrupt");
  }
  j = good;
  j["features"][1]["anomalies"][0]["kind"] = 7;
  try {
    (void)validation_report::from_json(j, "r.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("r.json: features[1].anomalies[0].kind: ", 0) == 0);
  }
}

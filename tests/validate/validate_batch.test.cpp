#include "mlguard/validate/validate_batch.hpp"

#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/io/csv.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;
using namespace mlguard::profile;

namespace {

schema small_schema() {
  feature_spec x;
  x.name = "x";
  x.min = 0.0;
  x.max = 10.0;
  feature_spec c;
  c.name = "c";
  c.kind = feature_kind::categorical;
  c.vocabulary = {"a", "b"};
  c.required = false;
  c.max_missing_fraction = 0.2;
  feature_spec gone;
  gone.name = "gone";
  return schema({x, c, gone});
}

} // namespace

TEST_CASE("validate_batch: counts, rates, sampled rows, severities, verdict") {
  table t;
  t.add(column::numeric("x", {1, 2, 11, 3, 12, 13, -1, 4, 14, 15}));
  t.add(column::categorical("c", {0, 1, missing_code, 2, missing_code, missing_code, 0, 0, 1, 0},
                            vocabulary({"a", "b", "zz"})));
  t.add(column::numeric("extra", std::vector<double>(10, 1.0)));
  validate_options o;
  o.max_sample_rows = 3;
  const auto r = validate_batch(small_schema(), t, o);
  CHECK(r.rows == 10);
  const auto* big = r.find("x", anomaly_kind::float_type_big_float);
  REQUIRE(big != nullptr);
  CHECK(big->count == 5);
  CHECK(big->rate == doctest::Approx(0.5));
  CHECK(big->sample_rows == std::vector<std::uint64_t>{2, 4, 5}); // bounded at 3
  CHECK(big->level == severity::error);
  const auto* small = r.find("x", anomaly_kind::float_type_small_float);
  REQUIRE(small != nullptr);
  CHECK(small->count == 1);
  CHECK(small->sample_rows == std::vector<std::uint64_t>{6});
  const auto* unseen = r.find("c", anomaly_kind::enum_type_unexpected_string_values);
  REQUIRE(unseen != nullptr);
  CHECK(unseen->count == 1);
  CHECK(unseen->sample_rows == std::vector<std::uint64_t>{3});
  const auto* low = r.find("c", anomaly_kind::feature_type_low_fraction_present);
  REQUIRE(low != nullptr); // 3 of 10 missing > 0.2
  CHECK(low->count == 3);
  CHECK(low->sample_rows == std::vector<std::uint64_t>{2, 4, 5});
  CHECK(r.find("gone", anomaly_kind::schema_missing_column) != nullptr);
  const auto* extra = r.find("extra", anomaly_kind::schema_new_column);
  REQUIRE(extra != nullptr);
  CHECK(extra->level == severity::warning);
  CHECK(r.outcome == verdict::error);
  CHECK(r.errors == 5);
  CHECK(r.warnings == 1);

  const json j = r;
  CHECK(j["format"] == "mlguard.validation_report");
  CHECK(j["verdict"] == "error");
  CHECK(j["features"][0]["anomalies"][0]["rows"][0] == 3); // 1-based in JSON
}

TEST_CASE("validate_batch: warnings only, and a clean batch") {
  auto s = small_schema();
  table t;
  t.add(column::numeric("x", {1, 2, 3}));
  t.add(column::categorical("c", {0, 1, 0}, vocabulary({"a", "b"})));
  t.add(column::numeric("gone", {1, 1, 1}));
  CHECK(validate_batch(s, t).outcome == verdict::pass);
  CHECK(validate_batch(s, t).errors == 0);
  t.add(column::numeric("new", {1, 1, 1}));
  CHECK(validate_batch(s, t).outcome == verdict::warning);
}

TEST_CASE("validate_batch: a column numeric in training and text in serving") {
  const auto s = infer_schema(io::parse_csv("x,y\n1.5,1\n2.5,2\n3.5,3\n"));
  const auto serving = io::parse_csv("x,y\n2.0,1\nabc,2\n3.0,oops\n,3\n");
  const auto r = validate_batch(s, serving);
  const auto* not_float = r.find("x", anomaly_kind::float_type_string_not_float);
  REQUIRE(not_float != nullptr);
  CHECK(not_float->count == 1);
  CHECK(not_float->sample_rows == std::vector<std::uint64_t>{1});
  const auto* not_int = r.find("y", anomaly_kind::int_type_not_int_string);
  REQUIRE(not_int != nullptr);
  CHECK(not_int->sample_rows == std::vector<std::uint64_t>{2});
  CHECK(r.find("x", anomaly_kind::feature_type_low_fraction_present)->count == 1);
  CHECK(r.outcome == verdict::error);
}

TEST_CASE("report_builder streams validate_fields rows into the same report") {
  const auto s = small_schema();
  report_builder b(s);
  std::vector<anomaly_set> sets(s.size());
  std::vector<double> row(s.size());
  const std::vector<std::vector<std::string_view>> rows{
      {"1", "a", "2"}, {"20", "b", "2"}, {"x", "", "2"}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto r = validate_fields(s, rows[i], row, sets);
    b.add(i, sets, r);
  }
  const auto rep = b.finish();
  CHECK(rep.find("x", anomaly_kind::float_type_big_float)->sample_rows ==
        std::vector<std::uint64_t>{1});
  CHECK(rep.find("x", anomaly_kind::float_type_string_not_float)->count == 1);
  CHECK(rep.find("c", anomaly_kind::feature_type_low_fraction_present)->count == 1);
}

TEST_CASE("validate with a reference profile reports skew as COMPARATOR anomalies") {
  table train;
  train.add(column::categorical("c", {0, 0, 0, 1}, vocabulary({"a", "b"})));
  train.add(column::numeric("x", {1, 2, 3, 4}));
  const auto s = infer_schema(train);
  const auto reference = dataset_profile::of(train);
  table serve;
  serve.add(column::categorical("c", {1, 1, 1, 0}, vocabulary({"a", "b"})));
  serve.add(column::numeric("x", {1, 2, 3, 4}));
  const auto skew = compare_profiles(s, reference, serve);
  validate_options o;
  o.skew = &skew;
  const auto r = validate_batch(s, serve, o);
  const auto* linf = r.find("c", anomaly_kind::comparator_l_infty_high);
  REQUIRE(linf != nullptr);
  CHECK(*linf->value == doctest::Approx(0.5)); // |0.75 - 0.25|
  CHECK(*linf->threshold == 0.1);
  CHECK(r.find("x", anomaly_kind::comparator_jensen_shannon_divergence_high) == nullptr);
  REQUIRE(r.features[1].skew.has_value());
  CHECK(r.features[1].skew->measurements.at(0).value == 0.0);
}

TEST_CASE("NYC taxi: January's schema accepts January and flags February's congestion_surcharge") {
  const auto dir = test::shared_data_dir();
  if (!dir) {
    return;
  }
  const auto jan = io::read_csv(*dir + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  const auto feb = io::read_csv(*dir + "/nyc-taxi/yellow_tripdata_sample_2019-02.csv");
  const auto s = infer_schema(jan);
  const auto on_jan = validate_batch(s, jan);
  CHECK(on_jan.outcome == verdict::pass);
  CHECK(on_jan.errors == 0);

  const auto on_feb = validate_batch(s, feb);
  CHECK(on_feb.outcome == verdict::error);
  // pandas on the February sample: congestion_surcharge is 2.5 in 8727 rows,
  // -2.5 in 8 rows, 0.0 in 1265 and never empty. January: only 0.0 or empty.
  const auto* not_int = on_feb.find("congestion_surcharge", anomaly_kind::int_type_not_int_string);
  REQUIRE(not_int != nullptr);
  CHECK(not_int->count == 8735);
  const auto* big = on_feb.find("congestion_surcharge", anomaly_kind::int_type_big_int);
  REQUIRE(big != nullptr);
  CHECK(big->count == 8727);
  CHECK(big->rate == doctest::Approx(0.8727));
  CHECK(on_feb.find("congestion_surcharge", anomaly_kind::int_type_small_int)->count == 8);
  CHECK(on_feb.find("congestion_surcharge", anomaly_kind::feature_type_low_fraction_present) ==
        nullptr);
  // Also from pandas: January's smallest passenger_count is 1, February has 1579
  // rows with 0; 11 February extra and 1 tolls_amount values exceed January's max.
  CHECK(on_feb.find("passenger_count", anomaly_kind::int_type_small_int)->count == 1579);
  CHECK(on_feb.find("extra", anomaly_kind::float_type_big_float)->count == 11);
  CHECK(on_feb.find("tolls_amount", anomaly_kind::float_type_big_float)->count == 1);
  CHECK(on_feb.errors == 6);

  const auto reference = dataset_profile::of(jan);
  const auto measured = compare_profiles(s, reference, feb);
  validate_options o;
  o.skew = &measured;
  const auto skew = validate_batch(s, feb, o);
  const auto* js =
      skew.find("congestion_surcharge", anomaly_kind::comparator_jensen_shannon_divergence_high);
  REQUIRE(js != nullptr);
  CHECK(*js->value == doctest::Approx(1.0)); // a point mass at 0 against a spread: disjoint buckets
}

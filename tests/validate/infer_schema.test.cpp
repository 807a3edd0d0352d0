#include "mlguard/validate/infer_schema.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/io/csv.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace {

constexpr double no_value = std::numeric_limits<double>::quiet_NaN();

table training() {
  table t;
  t.add(column::numeric("price", {1.5, 2.0, 3.25, 10.0, 4.0, no_value}));
  t.add(column::numeric("count", {1, 2, 3, 4, 5, 6}));
  t.add(column::numeric("flag", {0, 1, 1, 0, 1, 1}));
  t.add(
      column::numeric("temp", {1.0, std::numeric_limits<double>::infinity(), 2.0, 3.0, 4.0, 5.0}));
  vocabulary v({"red", "green", "blue"});
  t.add(column::categorical("colour", {0, 1, 2, 0, 0, missing_code}, v));
  vocabulary tf({"true", "false"});
  t.add(column::categorical("ok", {0, 1, 0, 0, 1, 0}, tf));
  return t;
}

} // namespace

TEST_CASE("infer_schema: kinds, presence, domains, vocabularies, impute values") {
  const auto s = infer_schema(training());
  REQUIRE(s.size() == 6);
  const auto& price = s[0];
  CHECK(price.kind == feature_kind::numeric);
  CHECK_FALSE(price.required);
  CHECK(price.max_missing_fraction == doctest::Approx(1.0 / 6.0));
  CHECK(*price.min == 1.5);
  CHECK(*price.max == 10.0);
  CHECK(*price.impute_value == 3.25); // median of the 5 present values
  CHECK(*price.skew.jensen_shannon == 0.1);
  CHECK(s[1].kind == feature_kind::integer);
  CHECK(s[1].required);
  CHECK(*s[1].min == 1.0);
  CHECK(*s[1].max == 6.0);
  CHECK(s[2].kind == feature_kind::boolean);
  CHECK_FALSE(s[2].min.has_value());
  CHECK(s[3].allow_inf);
  CHECK_FALSE(s[3].allow_nan);
  CHECK(s[4].kind == feature_kind::categorical);
  CHECK(s[4].vocabulary == std::vector<std::string>{"blue", "green", "red"});
  CHECK(*s[4].impute_category == "red");
  CHECK(*s[4].skew.l_infinity == 0.1);
  CHECK(s[5].kind == feature_kind::boolean);
}

TEST_CASE("infer_schema: options widen domains and cap vocabularies") {
  infer_options o;
  o.domain_margin = 0.5;
  o.categorical_threshold = 2;
  o.missing_margin = 0.1;
  o.infer_boolean = false;
  const auto s = infer_schema(training(), o);
  CHECK(*s[0].min == doctest::Approx(1.5 - 0.5 * 8.5));
  CHECK(*s[0].max == doctest::Approx(10.0 + 0.5 * 8.5));
  CHECK(s[0].max_missing_fraction == doctest::Approx(1.0 / 6.0 + 0.1));
  CHECK(*s[1].min == std::floor(1.0 - 2.5)); // integer bounds rounded outward
  CHECK(*s[1].max == std::ceil(6.0 + 2.5));
  CHECK(s[2].kind == feature_kind::integer);
  CHECK(s[4].vocabulary.empty()); // 3 categories > threshold 2: open
  CHECK(s[5].kind == feature_kind::categorical);
}

TEST_CASE("infer_schema: a schema accepts the data it was inferred from") {
  // Every kind is here: optional numbers with NaN, ±inf, integers, {0, 1}
  // as boolean, categories with a missing value, "true"/"false" as boolean.
  const auto t = training();
  const auto s = infer_schema(t);
  const auto back = schema::parse(s.dump(), "inferred");
  CHECK(back.dump() == s.dump());
  for (const auto* inferred : {&s, &back}) {
    const auto r = validate_batch(*inferred, t);
    CHECK(r.rows == t.rows());
    CHECK(r.outcome == verdict::pass);
    CHECK(r.errors == 0);
    CHECK(r.warnings == 0);
    for (const auto& f : r.features) {
      CAPTURE(f.name);
      CHECK(f.anomalies.empty());
    }
  }
  // The same through the CSV reader and the per-row path, with a margin of 0.
  const auto csv = io::parse_csv("x,n,c\n1.5,1,a\n-2.25,7,b\n,3,\n1e300,4,a\n");
  const auto from_csv = infer_schema(csv);
  CHECK(validate_batch(from_csv, csv).outcome == verdict::pass);
  std::vector<anomaly_set> found(from_csv.size());
  std::vector<double> row(from_csv.size());
  for (const auto& fields : std::vector<std::vector<std::string_view>>{
           {"1.5", "1", "a"}, {"-2.25", "7", "b"}, {"", "3", ""}, {"1e300", "4", "a"}}) {
    CHECK(validate_fields(from_csv, fields, row, found).clean());
  }
  // ... and it does reject what lies outside: the check is not vacuous.
  CHECK_FALSE(
      validate_fields(from_csv, std::vector<std::string_view>{"1e301", "4", "a"}, row, found)
          .clean());
}

TEST_CASE("infer_schema: bad training data fails with stable ids") {
  MLGUARD_CHECK_THROWS_ID(infer_schema(table{}), "mlguard.validate.empty_data");
  table empty_rows;
  empty_rows.add(column::numeric("x", {}));
  MLGUARD_CHECK_THROWS_ID(infer_schema(empty_rows), "mlguard.validate.empty_data");
  table all_missing;
  all_missing.add(column::numeric("x", {1.0, 2.0}));
  all_missing.add(column::numeric("gone", {no_value, no_value}));
  MLGUARD_CHECK_THROWS_ID(infer_schema(all_missing), "mlguard.validate.all_missing_column");
  infer_options bad;
  bad.domain_margin = -1.0;
  MLGUARD_CHECK_THROWS_ID(infer_schema(training(), bad), "mlguard.validate.invalid_option");
  MLGUARD_CHECK_THROWS_ID(infer_schema(io::parse_csv("a,b\n")), "mlguard.validate.empty_data");
}

TEST_CASE("infer_schema on NYC taxi January 2019") {
  const auto dir = test::shared_data_dir();
  if (!dir) {
    return;
  }
  const auto jan = io::read_csv(*dir + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  const auto s = infer_schema(jan);
  CHECK(s.size() == jan.cols());
  const auto& cs = s[*s.index_of("congestion_surcharge")];
  // 6327 of 10000 January rows are empty and the rest are 0.0 (pandas).
  CHECK(cs.kind == feature_kind::integer);
  CHECK_FALSE(cs.required);
  CHECK(cs.max_missing_fraction == doctest::Approx(0.6327));
  CHECK(*cs.min == 0.0);
  CHECK(*cs.max == 0.0);
  const auto& flag = s[*s.index_of("store_and_fwd_flag")];
  CHECK(flag.kind == feature_kind::categorical);
  CHECK(flag.vocabulary == std::vector<std::string>{"N", "Y"});
  const auto& pickup = s[*s.index_of("pickup_datetime")];
  CHECK(pickup.vocabulary.empty()); // thousands of distinct timestamps: no vocabulary
  CHECK(s[*s.index_of("fare_amount")].kind == feature_kind::numeric);
  CHECK(s[*s.index_of("vendor_id")].kind == feature_kind::integer);
}

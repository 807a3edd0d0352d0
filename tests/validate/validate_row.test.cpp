#include "mlguard/validate/validate_row.hpp"

#include <cmath>
#include <limits>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace {

constexpr double na = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

// x numeric [0, 10]; n integer [1, 5]; c categorical {a, b, c}; b boolean; o optional numeric.
schema make_schema(row_action x_action = row_action::flag) {
  feature_spec x;
  x.name = "x";
  x.min = 0.0;
  x.max = 10.0;
  x.action = x_action;
  x.impute_value = 4.5;
  feature_spec n;
  n.name = "n";
  n.kind = feature_kind::integer;
  n.min = 1;
  n.max = 5;
  feature_spec c;
  c.name = "c";
  c.kind = feature_kind::categorical;
  c.vocabulary = {"a", "b", "c"};
  c.impute_category = "b";
  feature_spec b;
  b.name = "b";
  b.kind = feature_kind::boolean;
  feature_spec o;
  o.name = "o";
  o.required = false;
  o.max_missing_fraction = 0.5;
  return schema({x, n, c, b, o});
}

} // namespace

TEST_CASE("validate_row: a clean row has no anomalies and is unchanged") {
  const auto s = make_schema();
  std::vector<double> row{3.5, 2.0, 1.0, 1.0, 7.0};
  const auto before = row;
  std::vector<anomaly_set> out(s.size());
  const auto r = validate_row(s, row, out);
  CHECK(r.clean());
  CHECK_FALSE(r.has_error);
  CHECK_FALSE(r.rejected);
  CHECK(row == before);
  for (auto a : out) {
    CHECK(a.empty());
  }
}

TEST_CASE("validate_row: each kind of bad value sets its TFDV anomaly") {
  const auto s = make_schema();
  std::vector<anomaly_set> out(s.size());
  std::vector<double> row{11.0, 0.0, 7.0, 0.5, na};
  const auto r = validate_row(s, row, out);
  CHECK(out[0].has(anomaly_kind::float_type_big_float));
  CHECK(out[1].has(anomaly_kind::int_type_small_int));
  CHECK(out[2].has(anomaly_kind::enum_type_unexpected_string_values));
  CHECK(out[3].has(anomaly_kind::bool_type_unexpected_float));
  CHECK(out[4].missing());
  CHECK(out[4].empty()); // optional: a missing value is not an anomaly by itself
  CHECK(r.anomalous_features == 4);
  CHECK(r.has_error);

  row = {-1.0, 2.5, double{unseen_code}, 1.0, 1.0};
  validate_row(s, row, out);
  CHECK(out[0].has(anomaly_kind::float_type_small_float));
  CHECK(out[1].has(anomaly_kind::int_type_not_int_string));
  CHECK_FALSE(out[1].has(anomaly_kind::int_type_big_int));
  CHECK(out[2].has(anomaly_kind::enum_type_unexpected_string_values));

  row = {inf, 9.0, double{missing_code}, na, -inf};
  validate_row(s, row, out);
  CHECK(out[0].has(anomaly_kind::float_type_has_inf));
  CHECK(out[1].has(anomaly_kind::int_type_big_int));
  CHECK(out[2].missing());
  CHECK(out[2].has(anomaly_kind::feature_type_low_fraction_present)); // required
  CHECK(out[3].has(anomaly_kind::feature_type_low_fraction_present));
  CHECK(out[4].has(anomaly_kind::float_type_has_inf));
}

TEST_CASE("validate_row: row policies act in place") {
  std::vector<anomaly_set> out(5);
  SUBCASE("clip clamps to the domain and still reports") {
    const auto s = make_schema(row_action::clip);
    std::vector<double> row{12.0, 2.0, 0.0, 0.0, 1.0};
    validate_row(s, row, out);
    CHECK(row[0] == 10.0);
    CHECK(out[0].has(anomaly_kind::float_type_big_float));
    row[0] = -inf;
    validate_row(s, row, out);
    CHECK(row[0] == 0.0);
    CHECK(out[0].has(anomaly_kind::float_type_has_inf));
  }
  SUBCASE("impute replaces missing and anomalous values") {
    const auto s = make_schema(row_action::impute);
    std::vector<double> row{na, 2.0, 0.0, 0.0, 1.0};
    validate_row(s, row, out);
    CHECK(row[0] == 4.5);
    row[0] = 99.0;
    validate_row(s, row, out);
    CHECK(row[0] == 4.5);
    row[0] = 5.0;
    validate_row(s, row, out);
    CHECK(row[0] == 5.0);
  }
  SUBCASE("reject marks the row") {
    const auto s = make_schema(row_action::reject);
    std::vector<double> row{3.0, 9.0, 0.0, 0.0, 1.0};
    auto r = validate_row(s, row, out);
    CHECK_FALSE(r.rejected); // the anomaly is on n, whose policy is flag
    row[0] = 30.0;
    r = validate_row(s, row, out);
    CHECK(r.rejected);
    CHECK(row[0] == 30.0);
  }
  SUBCASE("impute of a categorical feature uses the category's code") {
    auto specs = make_schema().features();
    specs[2].action = row_action::impute;
    const schema s(specs);
    std::vector<double> row{3.0, 2.0, double{missing_code}, 0.0, 1.0};
    validate_row(s, row, out);
    CHECK(row[2] == 1.0); // "b"
  }
}

TEST_CASE("validate_row: severities come from the schema") {
  auto s = make_schema();
  s.set_severity(anomaly_kind::float_type_big_float, severity::warning);
  std::vector<anomaly_set> out(s.size());
  std::vector<double> row{11.0, 2.0, 0.0, 0.0, 1.0};
  auto r = validate_row(s, row, out);
  CHECK(r.anomalous_features == 1);
  CHECK_FALSE(r.has_error);
}

TEST_CASE("validate_row: a row of the wrong size is a programming error") {
  const auto s = make_schema();
  std::vector<double> row(4, 0.0);
  std::vector<anomaly_set> out(5);
  MLGUARD_CHECK_THROWS_ID(validate_row(s, row, out), "mlguard.argument.size_mismatch");
}

TEST_CASE("validate_fields: text rows parse like the CSV reader") {
  const auto s = make_schema();
  std::vector<anomaly_set> out(s.size());
  std::vector<double> row(s.size());
  std::vector<std::string_view> fields{" +3.25 ", "4", "c", "true", ""};
  auto r = validate_fields(s, fields, row, out);
  CHECK(r.clean());
  CHECK(row[0] == 3.25);
  CHECK(row[1] == 4.0);
  CHECK(row[2] == 2.0);
  CHECK(row[3] == 1.0);
  CHECK(std::isnan(row[4]));
  CHECK(out[4].missing());

  fields = {"abc", "x7", "zz", "maybe", "NaN"};
  r = validate_fields(s, fields, row, out);
  CHECK(out[0].has(anomaly_kind::float_type_string_not_float));
  CHECK(out[1].has(anomaly_kind::int_type_not_int_string));
  CHECK(out[2].has(anomaly_kind::enum_type_unexpected_string_values));
  CHECK(row[2] == unseen_code);
  CHECK(out[3].has(anomaly_kind::bool_type_unexpected_string));
  CHECK(out[4].has(anomaly_kind::float_type_has_nan));
  CHECK(r.anomalous_features == 5);

  fields = {"1e999", "3", "", "FALSE", "-inf"};
  validate_fields(s, fields, row, out);
  CHECK(out[0].has(anomaly_kind::float_type_has_inf)); // overflow reads as inf, as Python's float()
  CHECK(out[2].has(anomaly_kind::feature_type_low_fraction_present));
  CHECK(row[2] == missing_code);
  CHECK(row[3] == 0.0);
  CHECK(out[4].has(anomaly_kind::float_type_has_inf));
}

TEST_CASE("validate_row: one schema shared by several threads (run under TSan)") {
  const auto s = make_schema(row_action::clip);
  std::vector<std::thread> threads;
  std::vector<std::size_t> anomalies(4, 0);
  for (std::size_t t = 0; t < 4; ++t) {
    threads.emplace_back([&s, &anomalies, t] {
      std::vector<anomaly_set> out(s.size());
      for (int i = 0; i < 2000; ++i) {
        std::vector<double> row{static_cast<double>(i % 20), 2.0, 1.0, 0.0, 1.0};
        anomalies[t] += validate_row(s, row, out).anomalous_features;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (auto n : anomalies) {
    CHECK(n == 900); // values 11..19 of every 20 are above the domain max 10
  }
}

TEST_CASE("validate_row: an allowed ±inf is accepted, not also outside the domain") {
  feature_spec t;
  t.name = "t";
  t.kind = feature_kind::integer;
  t.min = 1.0;
  t.max = 5.0;
  t.allow_inf = true;
  std::vector<anomaly_set> out(1);
  std::vector<double> row{inf};
  CHECK(validate_row(schema({t}), row, out).clean());
  row = {-inf};
  CHECK(validate_row(schema({t}), row, out).clean());
  row = {6.0}; // finite values still meet the domain
  validate_row(schema({t}), row, out);
  CHECK(out[0].has(anomaly_kind::int_type_big_int));
  t.action = row_action::clip; // and clip still clamps an accepted inf
  row = {inf};
  CHECK(validate_row(schema({t}), row, out).clean());
  CHECK(row[0] == 5.0);
}

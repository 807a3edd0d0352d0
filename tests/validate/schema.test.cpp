#include "mlguard/validate/schema.hpp"

#include <cstdio>
#include <string>

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace {

schema sample_schema() {
  feature_spec fare;
  fare.name = "fare";
  fare.kind = feature_kind::numeric;
  fare.min = 0.0;
  fare.max = 500.0;
  fare.action = row_action::clip;
  fare.skew.jensen_shannon = 0.1;
  feature_spec flag;
  flag.name = "flag";
  flag.kind = feature_kind::categorical;
  flag.required = false;
  flag.max_missing_fraction = 0.25;
  flag.vocabulary = {"N", "Y"};
  flag.action = row_action::impute;
  flag.impute = impute_source::most_frequent;
  flag.impute_category = "N";
  flag.skew.l_infinity = 0.05;
  feature_spec count;
  count.name = "count";
  count.kind = feature_kind::integer;
  count.min = 1;
  count.allow_inf = true;
  schema s({fare, flag, count});
  s.set_severity(anomaly_kind::float_type_big_float, severity::warning);
  return s;
}

} // namespace

TEST_CASE("schema JSON round trip keeps every field and is stable") {
  const auto s = sample_schema();
  const auto text = s.dump();
  const auto back = schema::parse(text, "round-trip");
  CHECK(back.dump() == text);
  REQUIRE(back.size() == 3);
  CHECK(back[0].name == "fare");
  CHECK(*back[0].max == 500.0);
  CHECK(back[0].action == row_action::clip);
  CHECK(*back[0].skew.jensen_shannon == 0.1);
  CHECK(back[1].vocabulary == std::vector<std::string>{"N", "Y"});
  CHECK(back[1].max_missing_fraction == 0.25);
  CHECK(*back[1].impute_category == "N");
  CHECK(back[2].kind == feature_kind::integer);
  CHECK_FALSE(back[2].max.has_value());
  CHECK(back[2].allow_inf);
  CHECK(back.severity_of(anomaly_kind::float_type_big_float) == severity::warning);
  CHECK(back.severity_of(anomaly_kind::float_type_small_float) == severity::error);
  const auto doc = parse_json(text, "t");
  CHECK(doc["format"] == "mlguard.schema");
  CHECK(doc["format_version"] == 1);
}

TEST_CASE("a hand-written minimal schema reads with defaults") {
  const auto s = schema::parse(R"({"format": "mlguard.schema", "format_version": 1,
    "features": [{"name": "x", "kind": "numeric"}, {"name": "c", "kind": "categorical"}]})");
  REQUIRE(s.size() == 2);
  CHECK(s[0].required);
  CHECK(s[0].action == row_action::flag);
  CHECK(s[1].vocabulary.empty());
  CHECK(s.histogram_buckets() == schema::default_histogram_buckets);
}

TEST_CASE("schema JSON: bad documents fail with stable ids") {
  const std::string head = R"({"format": "mlguard.schema", "format_version": 1, )";
  MLGUARD_CHECK_THROWS_ID(schema::parse(head + R"("features": [], "colour": 1})"),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(head + R"("features": [{"name": "x", "kind": "numeric", "maximum": 3}]})"),
      "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(schema::parse(head + R"("features": [{"name": "x", "kind": "numeric",
        "domain": {"min": 0, "upper": 3}}]})"),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(R"({"format": "mlguard.schema", "format_version": 2, "features": []})"),
      "mlguard.format.newer_version");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(R"({"format": "mlguard.schema", "format_version": 0, "features": []})"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(schema::parse(R"({"format": "profile", "format_version": 1})"),
                          "mlguard.format.wrong_kind");
  const auto good = sample_schema().dump();
  MLGUARD_CHECK_THROWS_ID(schema::parse(good.substr(0, good.size() / 2)), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(schema::parse(std::string("\x00\xff\x13garbage", 10)),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(schema::parse(""), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(schema::parse("[1, 2]"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(head + R"("features": [{"name": "x", "kind": "decimal"}]})"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(head + R"("features": [{"name": "x", "kind": "numeric", "required": "yes"}]})"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      schema::parse(head + R"("severity": {"FLOAT_TYPE_HUGE": "warning"}, "features": []})"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(schema::parse(head + R"("features": [{"name": "x", "kind": "numeric",
        "domain": {"min": 5, "max": 1}}]})"),
                          "mlguard.validate.invalid_spec");
}

TEST_CASE("schema: inconsistent specs are rejected") {
  feature_spec a;
  a.name = "a";
  SUBCASE("duplicate names") {
    MLGUARD_CHECK_THROWS_ID(schema({a, a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("empty name") {
    a.name.clear();
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("missing fraction outside [0, 1]") {
    a.required = false;
    a.max_missing_fraction = 1.5;
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("vocabulary on a numeric feature") {
    a.vocabulary = {"x"};
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("repeated category") {
    a.kind = feature_kind::categorical;
    a.vocabulary = {"x", "x"};
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("impute without a value, clip without a domain") {
    a.action = row_action::impute;
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
    a.action = row_action::clip;
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("impute category outside the vocabulary") {
    a.kind = feature_kind::categorical;
    a.vocabulary = {"x"};
    a.action = row_action::impute;
    a.impute_category = "y";
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
  SUBCASE("non-finite bound, negative threshold") {
    a.max = std::numeric_limits<double>::infinity();
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
    a.max.reset();
    a.skew.jensen_shannon = -0.1;
    MLGUARD_CHECK_THROWS_ID(schema({a}), "mlguard.validate.invalid_spec");
  }
}

TEST_CASE("schema: save and load a mlguard.schema document") {
  const auto s = sample_schema();
  const test::temp_dir dir;
  const auto path = dir.path + "/schema.json";
  s.save(path);
  const auto doc = parse_json(test::read_file(path), path);
  CHECK(doc["format"].get<std::string>() == "mlguard.schema");
  CHECK(doc["format_version"] == 1);
  const auto back = schema::load(path);
  CHECK(back.dump() == s.dump());
  std::remove(path.c_str());
  MLGUARD_CHECK_THROWS_ID(schema::load(path), "mlguard.io.open_failed");
}

TEST_CASE("schema: load errors name the file and the field path") {
  const std::string head = R"({"format": "mlguard.schema", "format_version": 1, )";
  const auto message_of = [](const std::string& text) {
    try {
      (void)schema::parse(text, "s.json");
    } catch (const error& e) {
      return e.id() + " " + std::string(e.message());
    }
    return std::string("no error");
  };
  CHECK(message_of(head + R"("features": [{"name": "x", "kind": "numeric"},
        {"name": "y", "kind": "numeric", "domain": {"min": "low"}}]})")
            .rfind("mlguard.format.corrupt s.json: features[1].domain.min: expected a number", 0) ==
        0);
  CHECK(message_of(head + R"("features": [{"name": "x", "kind": "numeric",
        "policy": {"action": "drop"}}]})")
            .rfind("mlguard.format.corrupt s.json: features[0].policy.action: ", 0) == 0);
  CHECK(message_of(head + R"("severity": {"FLOAT_TYPE_BIG_FLOAT": "fatal"}, "features": []})")
            .rfind("mlguard.format.corrupt s.json: severity.FLOAT_TYPE_BIG_FLOAT: ", 0) == 0);
  CHECK(message_of(head + R"("features": [{"name": "x", "kind": "numeric",
        "domain": {"min": 5, "max": 1}}]})")
            .rfind("mlguard.validate.invalid_spec s.json: features[0] ('x'): ", 0) == 0);
}

TEST_CASE("schema: histogram_buckets of 0 is an option out of range") {
  MLGUARD_CHECK_THROWS_ID(schema({}, 0), "mlguard.validate.invalid_option");
}

TEST_CASE("schema: domains and thresholds go through json_number") {
  feature_spec x;
  x.name = "x";
  x.min = -1e308;
  x.max = 5e-324; // the smallest subnormal: written and read back exactly
  x.skew.jensen_shannon = 0.1;
  const schema s({x});
  const auto back = schema::parse(s.dump(), "s.json");
  CHECK(*back[0].min == -1e308);
  CHECK(*back[0].max == 5e-324);
  CHECK(*back[0].skew.jensen_shannon == 0.1);
}

TEST_CASE("schema: a feature's own severity overrides the schema's, in JSON and in validation") {
  auto s = sample_schema();
  auto specs = s.features();
  specs[2].level = severity::warning; // count: every anomaly a warning
  specs[0].level = severity::error;   // fare: FLOAT_TYPE_BIG_FLOAT an error again
  schema t(specs);
  t.set_severity(anomaly_kind::float_type_big_float, severity::warning);
  CHECK(t.severity_of(anomaly_kind::float_type_big_float) == severity::warning);
  CHECK(t.severity_of(0, anomaly_kind::float_type_big_float) == severity::error);
  CHECK(t.severity_of(1, anomaly_kind::enum_type_unexpected_string_values) == severity::error);
  CHECK(t.severity_of(2, anomaly_kind::int_type_small_int) == severity::warning);
  CHECK(t.error_mask(2) == 0U);
  CHECK(t.error_mask(1) == t.error_mask());
  CHECK((t.error_mask(0) >> static_cast<unsigned>(anomaly_kind::float_type_big_float) & 1U) == 1U);

  const auto text = t.dump();
  CHECK(text.find(R"("severity": "warning")") != std::string::npos);
  const auto back = schema::parse(text, "levels");
  CHECK(back.dump() == text);
  CHECK(back[2].level == severity::warning);
  CHECK(back[0].level == severity::error);
  CHECK_FALSE(back[1].level.has_value());
  CHECK(back.error_mask(2) == 0U);
  // Without a level the member is not written, so older readers still read it.
  CHECK(sample_schema().dump().find(R"("severity": "warning")") == std::string::npos);
  const std::string head = R"({"format": "mlguard.schema", "format_version": 1, )";
  MLGUARD_CHECK_THROWS_ID(schema::parse(head + R"("features": [{"name": "x", "kind": "numeric",
        "severity": "info"}]})"),
                          "mlguard.format.corrupt");
}

TEST_CASE("schema: set_feature replaces one feature, checked, or leaves the schema as it was") {
  auto s = sample_schema();
  auto fare = s[0];
  fare.max = 900.0;
  fare.level = severity::warning;
  s.set_feature(0, fare);
  CHECK(*s[0].max == 900.0);
  CHECK(s.check(0).hi == 900.0);
  CHECK(s.error_mask(0) == 0U);
  CHECK(s.severity_of(anomaly_kind::float_type_big_float) == severity::warning); // kept
  const auto before = s.dump();
  fare.min = 1000.0; // above max
  MLGUARD_CHECK_THROWS_ID(s.set_feature(0, fare), "mlguard.validate.invalid_spec");
  auto renamed = s[1];
  renamed.name = "fare"; // a second "fare"
  MLGUARD_CHECK_THROWS_ID(s.set_feature(1, renamed), "mlguard.validate.invalid_spec");
  MLGUARD_CHECK_THROWS_ID(s.set_feature(7, s[0]), "mlguard.argument.out_of_range");
  CHECK(s.dump() == before);
  CHECK(s.check(0).hi == 900.0);
}

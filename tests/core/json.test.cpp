#include "mlguard/core/json.hpp"

#include "test_support.hpp"

using namespace mlguard;

TEST_CASE("parse_json: corrupt and truncated text is a format error naming the source") {
  CHECK(parse_json(R"({"a": 1})", "x.json")["a"] == 1);
  MLGUARD_CHECK_THROWS_ID(parse_json(R"({"a": )", "x.json"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(parse_json("", "x.json"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(parse_json("\x01\xff garbage", "x.json"), "mlguard.format.corrupt");
  try {
    parse_json("[1, 2", "models/churn.json");
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(e.message().find("models/churn.json") == 0);
  }
}

TEST_CASE("check_format: kind and format_version are checked") {
  const auto ok = json{{"format", "schema"}, {"format_version", 1}};
  CHECK(check_format(ok, "schema", 2, "s.json") == 1);
  MLGUARD_CHECK_THROWS_ID(check_format(json::array(), "schema", 1, "s.json"),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(check_format(json{{"format_version", 1}}, "schema", 1, "s.json"),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(check_format(json{{"format", "schema"}}, "schema", 1, "s.json"),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      check_format(json{{"format", "schema"}, {"format_version", "1"}}, "schema", 1, "s.json"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      check_format(json{{"format", "schema"}, {"format_version", 0}}, "schema", 1, "s.json"),
      "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(check_format(ok, "profile", 1, "s.json"), "mlguard.format.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(
      check_format(json{{"format", "schema"}, {"format_version", 3}}, "schema", 2, "s.json"),
      "mlguard.format.newer_version");
}

TEST_CASE("check_known_fields: a typo is reported, not ignored") {
  const auto doc = json{{"format", "schema"}, {"featrues", json::array()}};
  check_known_fields(json{{"format", "x"}}, {"format", "features"}, "s.json");
  MLGUARD_CHECK_THROWS_ID(check_known_fields(doc, {"format", "features"}, "s.json"),
                          "mlguard.format.unknown_field");
}

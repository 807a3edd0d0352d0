// Policies as documents: every kind round-trips, names survive, and a
// hand-edited document with a mistake is refused with the field's path.

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "mlguard/rollback/policy.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;

namespace {

rb::policy every_kind() {
  return rb::any_of(
      {rb::all_of({rb::grace(200, "error", 30s), rb::cooldown(10min), rb::limit(3, 24h),
                   rb::threshold("error_rate", 0.2, 0.1, rb::worse::above, 50)}),
       rb::consecutive("accuracy", 0.8, 3, rb::worse::below),
       rb::rate("rejected", 0.05, 5min, 1000), rb::drift(2, 2, 3),
       rb::detector("adwin", "error", {{"delta", "0.01"}}),
       rb::baseline("log_loss", 0.1, rb::worse::above, true, 500).named("log loss regression")});
}

} // namespace

TEST_CASE("policy_document: every kind round-trips through its document") {
  mlguard::test::temp_dir dir;
  const rb::policy_document doc{every_kind()};
  doc.save(dir.file("policy.json"));
  const auto back = rb::policy_document::load(dir.file("policy.json"));
  CHECK(mlguard::dump_json(back.to_json()) == mlguard::dump_json(doc.to_json()));
  const auto j = doc.to_json();
  CHECK(j["format"] == "mlguard.rollback_policy");
  CHECK(j["policy"]["policies"][0]["policies"][0]["seconds"] == 30.0);
  CHECK(j["policy"]["policies"][5]["name"] == "log loss regression");
  CHECK(back.rollback.children()[5].name() == "log loss regression");
  CHECK(back.rollback.children()[1].describe() == "consecutive 3 × accuracy below 0.8");
}

TEST_CASE("policy_document: mistakes are refused with the field's path") {
  const auto load = [](const std::string& policy) {
    return rb::policy_document::from_json(
        mlguard::parse_json(R"({"format": "mlguard.rollback_policy", "format_version": 1,
                               "policy": )" +
                                policy + "}",
                            "policy.json"),
        "policy.json");
  };
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "thresold", "signal": "e"})"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "cooldown", "seconds": 1, "minutes": 2})"),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "cooldown", "seconds": -1})"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "any_of", "policies": []})"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "threshold", "signal": "e", "trip": 0.1,
                                   "reset": 0.2, "worse": "above", "min_samples": 0})"),
                          "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "threshold", "signal": "e", "trip": 0.2,
                                   "reset": 0.1, "worse": "sideways", "min_samples": 0})"),
                          "mlguard.format.corrupt");
  try {
    load(R"({"kind": "all_of", "policies": [{"kind": "limit", "rollbacks": "3",
                                                "seconds": 60}]})");
    FAIL("expected an error");
  } catch (const mlguard::error& e) {
    CHECK(std::string(e.what()).find("policy.json: policy.policies[0].rollbacks") !=
          std::string::npos);
  }
  // A hostile document nested a million levels deep is refused, not a stack overflow.
  std::string deep;
  for (int i = 0; i < 100000; ++i) {
    deep += R"({"kind": "any_of", "policies": [)";
  }
  deep += R"({"kind": "cooldown", "seconds": 1})";
  for (int i = 0; i < 100000; ++i) {
    deep += "]}";
  }
  MLGUARD_CHECK_THROWS_ID(load(deep), "mlguard.format.corrupt");
  std::string fine = R"({"kind": "cooldown", "seconds": 1})";
  for (int i = 0; i < 32; ++i) {
    fine = R"({"kind": "any_of", "policies": [)" + fine + "]}";
  }
  CHECK(load(fine).rollback.is_combination());
  MLGUARD_CHECK_THROWS_ID(load(R"({"kind": "any_of", "policies": [)" + fine + "]}"),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(
      rb::policy_document::from_json(mlguard::parse_json(R"({"format": "mlguard.schema",
                                                             "format_version": 1})",
                                                         "x"),
                                     "x"),
      "mlguard.format.wrong_kind");
}

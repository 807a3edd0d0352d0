#include "mlguard/serving/model_test_suite.hpp"

#include <string>
#include <vector>

#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace model_test_suite_test {

guarded_options check_options() {
  guarded_options o;
  o.lanes = 1;
  o.monitor_inputs = false;
  o.monitor_predictions = false;
  return o;
}

// Behaviour the tip model (tipped when fare + 2·distance > 16) should show.
model_test_suite tip_suite() {
  model_test_suite s;
  s.add_directional("more fare, no less tip", "fare", 5.0)
      .add_directional("longer trips, no less tip", "distance", 1.0)
      .add_case("a long expensive trip tips", {{"fare", "40"}, {"distance", "10"}}, 0.9, {})
      .add_case("a short cheap trip does not", {{"fare", "2"}, {"distance", "0.1"}}, {}, 0.1);
  return s;
}

} // namespace model_test_suite_test

TEST_CASE("run_model_tests: directional and minimum-functionality tests pass on the tip model") {
  guarded_model model(test::tip_bundle(), 1, model_test_suite_test::check_options());
  const auto base = request_fields(test::tip_trips(3, 12.0, 200), model.bundle().layout);
  const auto r = run_model_tests(model_test_suite_test::tip_suite(), model, base);
  CHECK(r.passed);
  REQUIRE(r.tests.size() == 4);
  CHECK(r.tests[0].checked == 200);
  CHECK(r.tests[2].checked == 1);
  // From the smoke rows too.
  CHECK(run_model_tests(model_test_suite_test::tip_suite(), model).passed);
}

TEST_CASE("run_model_tests: violated expectations fail with their numbers") {
  guarded_model model(test::tip_bundle(), 1, model_test_suite_test::check_options());
  const auto base = request_fields(test::tip_trips(3, 12.0, 100), model.bundle().layout);
  model_test_suite s;
  s.add_invariance("distance must not matter", "distance", {"0.5", "8"}, 1e-3)
      .add_directional("more fare, less tip?", "fare", 5.0, false)
      .add_case("cheap trips tip", {{"fare", "2"}, {"distance", "0.1"}}, 0.9, {})
      .add_invariance("a tiny change of distance is invisible", "distance", {"1", "1.0000001"},
                      1e-3);
  const auto r = run_model_tests(s, model, base);
  CHECK_FALSE(r.passed);
  REQUIRE(r.tests.size() == 4);
  CHECK_FALSE(r.tests[0].passed);
  CHECK(r.tests[0].failed > 0);
  CHECK(r.tests[0].worst > 1e-3);
  CHECK(r.tests[0].example.find("over the values of 'distance'") != std::string::npos);
  CHECK_FALSE(r.tests[1].passed);
  CHECK(r.tests[1].example.find("raising 'fare'") != std::string::npos);
  CHECK_FALSE(r.tests[2].passed);
  CHECK(r.tests[2].example.find("outside [0.9, inf]") != std::string::npos);
  CHECK(r.tests[3].passed);
  CHECK(r.reason.find("invariance test 'distance must not matter' failed on") == 0);
  const json j = r;
  CHECK(j["passed"] == false);
  CHECK(j["tests"][0]["kind"] == "invariance");
  CHECK(j["tests"][0]["failed"] == r.tests[0].failed);
  CHECK(j["tests"][3]["passed"] == true);
  MESSAGE(r.reason);
}

TEST_CASE("model_test_suite: the JSON document round-trips, and bad suites have stable ids") {
  const auto s = model_test_suite_test::tip_suite();
  const auto j = s.to_json();
  CHECK(j["format"] == "mlguard.model_test_suite");
  const auto back = model_test_suite::from_json(j);
  CHECK(back.to_json() == j);
  CHECK(back.tests()[2].min == 0.9);
  CHECK_FALSE(back.tests()[2].max);

  MLGUARD_CHECK_THROWS_ID(model_test_suite().add_invariance("x", "fare", {"1"}),
                          "mlguard.serving.invalid_model_test");
  MLGUARD_CHECK_THROWS_ID(model_test_suite().add_directional("x", "fare", -1),
                          "mlguard.serving.invalid_model_test");
  MLGUARD_CHECK_THROWS_ID(model_test_suite().add_case("x", {}, {}, {}),
                          "mlguard.serving.invalid_model_test");
  model_test_suite unknown;
  unknown.add_directional("tolls", "tolls", 1.0);
  auto b = test::tip_bundle();
  MLGUARD_CHECK_THROWS_ID(attach_model_tests(b, unknown), "mlguard.serving.invalid_model_test");
  auto typo = j;
  typo["tests"][0]["delat"] = 1;
  MLGUARD_CHECK_THROWS_ID(model_test_suite::from_json(typo), "mlguard.format.unknown_field");
}

TEST_CASE("attach_model_tests: the suite travels in the bundle, and a bundle without one keeps its "
          "digest") {
  auto b = test::tip_bundle();
  const auto plain = encode_bundle(b);
  const auto plain_digest = bundle_digest(plain);
  CHECK(plain.count(model_tests_member) == 0);
  CHECK(plain.at(member::manifest).find("\"format_version\":1") != std::string::npos);
  CHECK_FALSE(model_tests_of(b));

  attach_model_tests(b, model_test_suite_test::tip_suite());
  memory_artifact_store store;
  const auto digest = write_bundle(store, b);
  CHECK(digest != plain_digest);
  const auto read = read_bundle(store, digest);
  const auto suite = model_tests_of(read);
  REQUIRE(suite);
  CHECK(suite->to_json() == model_test_suite_test::tip_suite().to_json());
  guarded_model model(read, 1, model_test_suite_test::check_options());
  CHECK(run_model_tests(*suite, model).passed);

  b.artifacts.erase(model_tests_member);
  CHECK(bundle_digest(encode_bundle(b)) == plain_digest);

  b.artifacts[model_tests_member] = "{\"format\": \"mlguard.model_test_suite\"}";
  MLGUARD_CHECK_THROWS_ID(model_tests_of(b), "mlguard.serving.bundle_corrupt");
}

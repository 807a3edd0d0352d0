#include "mlguard/drift/correction.hpp"

#include <limits>
#include <string>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("adjust_p_values matches statsmodels multipletests (gen_correction.py)") {
  const auto doc = parse_json(test::read_file(test::fixture_path("reference/correction.json")),
                              "correction.json");
  REQUIRE(doc["cases"].size() >= 20);
  for (const auto& c : doc["cases"]) {
    const auto p = c["p_values"].get<std::vector<double>>();
    const auto expected = c["adjusted"].get<std::vector<double>>();
    const auto method = correction_from_string(c["method"].get<std::string>());
    const auto got = adjust_p_values(p, method);
    REQUIRE(got.size() == expected.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO(to_string(method) << " case of size " << p.size() << ", index " << i);
      CHECK(got[i] == doctest::Approx(expected[i]).epsilon(1e-12));
    }
  }
}

TEST_CASE("adjust_p_values: none leaves p-values alone, bad input is refused") {
  const std::vector<double> p{0.2, 0.01};
  CHECK(adjust_p_values(p, correction::none) == p);
  CHECK(adjust_p_values(std::vector<double>{}, correction::benjamini_hochberg).empty());
  MLGUARD_CHECK_THROWS_ID(adjust_p_values(std::vector<double>{1.5}, correction::bonferroni),
                          "mlguard.drift.bad_p_value");
  MLGUARD_CHECK_THROWS_ID(
      adjust_p_values(std::vector<double>{std::numeric_limits<double>::quiet_NaN()},
                      correction::none),
      "mlguard.drift.bad_p_value");
  MLGUARD_CHECK_THROWS_ID(correction_from_string("holm"), "mlguard.drift.invalid_option");
  CHECK(correction_from_string("fdr") == correction::benjamini_hochberg);
}

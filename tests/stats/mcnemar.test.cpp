#include "mlguard/stats/mcnemar.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;

namespace mcnemar_test {

alternative alternative_named(const std::string& s) {
  return s == "less" ? alternative::less
                     : (s == "greater" ? alternative::greater : alternative::two_sided);
}

} // namespace mcnemar_test

TEST_CASE("binomial_test_half matches scipy 1.10 binomtest(k, n, 0.5) "
          "(tests/reference/gen_model_tests.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/model_tests.json")),
      "model_tests.json");
  INFO("scipy " << doc["scipy"].get<std::string>());
  REQUIRE(doc["binomtest"].size() > 150);
  double worst = 0.0;
  for (const auto& c : doc["binomtest"]) {
    const auto k = c["k"].get<std::uint64_t>();
    const auto n = c["n"].get<std::uint64_t>();
    const auto alt = mcnemar_test::alternative_named(c["alternative"].get<std::string>());
    const double expected = c["p_value"].get<double>();
    const double got = binomial_test_half(k, n, alt);
    INFO("k=" << k << " n=" << n << " " << std::string(to_string(alt)));
    const double rel = std::abs(got - expected) / std::max(expected, 1e-300);
    worst = std::max(worst, rel);
    // Both sides evaluate the regularised incomplete beta (Eigen's betainc here, Boost's
    // ibeta in scipy); at n = 10^6 discordant rows they part at the 9th digit.
    CHECK(rel <= (n <= 10000 ? 1e-10 : 5e-9));
    // McNemar is the same test on the discordant pairs.
    CHECK(mcnemar_exact(k, n - k, alt).p_value == got);
  }
  MESSAGE("worst relative difference from scipy: " << worst);
}

TEST_CASE(
    "mcnemar_exact: no discordant pairs is no evidence, and the sides mean A better / worse") {
  CHECK(mcnemar_exact(0, 0).p_value == 1.0);
  const auto worse = mcnemar_exact(2, 20, alternative::greater); // A right only 2 times
  CHECK(worse.p_value > 0.99);
  const auto better = mcnemar_exact(20, 2, alternative::greater);
  CHECK(better.p_value < 1e-3);
  CHECK(better.b == 20);
  CHECK(better.c == 2);
}

#include "mlguard/stats/special.hpp"

#include <string>

#include "mlguard/core/json.hpp"
#include "mlguard/stats/normal.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;

TEST_CASE("special functions match scipy.special (tests/reference/gen_special.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/special.json")),
      "special.json");
  REQUIRE(doc["cases"].size() > 30);
  for (const auto& c : doc["cases"]) {
    const auto name = c["name"].get<std::string>();
    const auto args = c["args"].get<std::vector<double>>();
    const double expected = c["expected"].get<double>();
    double got = 0;
    if (name == "ndtr") {
      got = normal_cdf(args[0]);
    } else if (name == "norm_sf") {
      got = normal_sf(args[0]);
    } else if (name == "ndtri") {
      got = normal_ppf(args[0]);
    } else if (name == "gammainc") {
      got = gamma_p(args[0], args[1]);
    } else if (name == "gammaincc") {
      got = gamma_q(args[0], args[1]);
    } else if (name == "betainc") {
      got = beta_inc(args[0], args[1], args[2]);
    } else if (name == "chi2_sf") {
      got = chi2_sf(args[0], args[1]);
    } else {
      FAIL("unknown reference function " << name);
    }
    INFO(name << "(" << args[0] << ", ...) = " << got << ", scipy " << expected);
    CHECK(got == doctest::Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("special functions: edges") {
  CHECK(chi2_sf(0.0, 3.0) == 1.0);
  CHECK(chi2_sf(-1.0, 3.0) == 1.0);
  CHECK(std::isinf(normal_ppf(1.0)));
  CHECK(std::isnan(normal_ppf(1.5)));
  CHECK(normal_sf(37.0) > 0.0); // the upper tail does not cancel to zero
}

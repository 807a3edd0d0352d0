#include "mlguard/stats/cramer_von_mises.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "stats/sample_recipes.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;
using mlguard::test::close_to_scipy;
using mlguard::test::fixture_number;

TEST_CASE("cramer_von_mises_2samp matches scipy 1.10 cramervonmises_2samp (gen_stats.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/cramervonmises_2samp.json")),
      "cramervonmises_2samp.json");
  INFO("scipy " << doc["scipy"].get<std::string>() << ", numpy "
                << doc["numpy"].get<std::string>());
  REQUIRE(doc["cases"].size() > 100);
  std::vector<double> scratch;
  std::size_t exact = 0;
  double worst = 0.0;
  for (const auto& c : doc["cases"]) {
    const auto a = mlguard::test::materialise(c["a"]);
    const auto b = mlguard::test::materialise(c["b"]);
    const auto m = c["method"].get<std::string>();
    const auto method = m == "exact"        ? cvm_method::exact
                        : m == "asymptotic" ? cvm_method::asymptotic
                                            : cvm_method::automatic;
    const auto r = cramer_von_mises_2samp(a, b, method, scratch);
    const double t = fixture_number(c["statistic"]);
    const double p = fixture_number(c["p_value"]);
    INFO(c["name"].get<std::string>()
         << " n1=" << a.size() << " n2=" << b.size() << " " << m << ": T=" << r.statistic
         << " (scipy " << t << "), p=" << r.p_value << " (scipy " << p << ")");
    CHECK(r.statistic == doctest::Approx(t).epsilon(1e-12));
    CHECK(close_to_scipy(r.p_value, p));
    CHECK(std::string(to_string(r.method)) == c["method_used"].get<std::string>());
    if (p > 0.0) {
      worst = std::max(worst, std::fabs(r.p_value - p) / p);
    }
    exact += r.method == cvm_method::exact ? 1 : 0;
  }
  MESSAGE(doc["cases"].size() << " cramervonmises_2samp cases, " << exact
                              << " exact; largest relative p-value difference " << worst);
  CHECK(exact > 20);
}

TEST_CASE("cramer_von_mises_2samp: behaviour") {
  SUBCASE("identical samples: T is the minimum, p = 1") {
    const std::vector<double> a{1, 2, 3, 4, 5};
    const auto r = cramer_von_mises_2samp(a, a);
    CHECK(r.p_value == 1.0);
    CHECK(r.method == cvm_method::exact);
  }
  SUBCASE("separated samples are significant") {
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < 40; ++i) {
      a.push_back(i);
      b.push_back(i + 30.5);
    }
    const auto r = cramer_von_mises_2samp(a, b);
    CHECK(r.method == cvm_method::asymptotic);
    CHECK(r.p_value < 1e-6);
  }
  SUBCASE("JSON") {
    const std::vector<double> a{1, 2, 3};
    const std::vector<double> b{4, 5, 6};
    const mlguard::json j = cramer_von_mises_2samp(a, b);
    CHECK(j["method"] == "exact");
    CHECK(j["n2"] == 3);
  }
}

TEST_CASE("cramer_von_mises_2samp: input contract") {
  const std::vector<double> empty;
  const std::vector<double> one{1.0};
  const std::vector<double> some{1.0, 2.0};
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  MLGUARD_CHECK_THROWS_ID(cramer_von_mises_2samp(empty, some), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(cramer_von_mises_2samp(some, one), "mlguard.stats.sample_too_small");
  MLGUARD_CHECK_THROWS_ID(cramer_von_mises_2samp(with_nan, some), "mlguard.stats.nan_input");
}

#include "mlguard/stats/mann_whitney.hpp"

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

namespace {

alternative mw_alternative(const std::string& s) {
  if (s == "less") {
    return alternative::less;
  }
  if (s == "greater") {
    return alternative::greater;
  }
  return alternative::two_sided;
}

mann_whitney_method mw_method(const std::string& s) {
  if (s == "exact") {
    return mann_whitney_method::exact;
  }
  if (s == "asymptotic") {
    return mann_whitney_method::asymptotic;
  }
  return mann_whitney_method::automatic;
}

} // namespace

TEST_CASE("mann_whitney_u matches scipy 1.10 mannwhitneyu (tests/reference/gen_stats.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/mannwhitneyu.json")),
      "mannwhitneyu.json");
  INFO("scipy " << doc["scipy"].get<std::string>() << ", numpy "
                << doc["numpy"].get<std::string>());
  REQUIRE(doc["cases"].size() > 200);
  std::vector<double> scratch;
  std::size_t exact = 0;
  double worst = 0.0;
  for (const auto& c : doc["cases"]) {
    const auto a = mlguard::test::materialise(c["a"]);
    const auto b = mlguard::test::materialise(c["b"]);
    const auto alt = mw_alternative(c["alternative"].get<std::string>());
    const auto method = mw_method(c["method"].get<std::string>());
    const bool cont = c["use_continuity"].get<bool>();
    const auto r = mann_whitney_u(a, b, alt, cont, method, scratch);
    const double u = fixture_number(c["statistic"]);
    const double p = fixture_number(c["p_value"]);
    INFO(c["name"].get<std::string>()
         << " n1=" << a.size() << " n2=" << b.size() << " " << c["alternative"].get<std::string>()
         << " " << c["method"].get<std::string>() << " continuity=" << cont << ": U=" << r.statistic
         << " (scipy " << u << "), p=" << r.p_value << " (scipy " << p << ")");
    CHECK(r.statistic == u); // a multiple of 1/2, exact in both
    CHECK(close_to_scipy(r.p_value, p));
    CHECK(std::string(to_string(r.method)) == c["method_used"].get<std::string>());
    if (p > 0.0) {
      worst = std::max(worst, std::fabs(r.p_value - p) / p);
    }
    exact += r.method == mann_whitney_method::exact ? 1 : 0;
  }
  MESSAGE(doc["cases"].size() << " mannwhitneyu cases, " << exact
                              << " exact; largest relative p-value difference " << worst);
  CHECK(exact > 30);
}

TEST_CASE("mann_whitney_u: scipy's documented example") {
  // scipy.stats.mannwhitneyu docstring (Shier 2004): males vs females.
  const std::vector<double> males{19, 22, 16, 29, 24};
  const std::vector<double> females{20, 11, 17, 12};
  const auto exact =
      mann_whitney_u(males, females, alternative::two_sided, true, mann_whitney_method::exact);
  CHECK(exact.statistic == 17.0);
  CHECK(exact.p_value == doctest::Approx(1.0 / 9.0).epsilon(1e-14));
  const auto asym =
      mann_whitney_u(males, females, alternative::two_sided, true, mann_whitney_method::asymptotic);
  CHECK(asym.p_value == doctest::Approx(0.11134688653314041).epsilon(1e-12));
  const auto no_cc = mann_whitney_u(males, females, alternative::two_sided, false,
                                    mann_whitney_method::asymptotic);
  CHECK(no_cc.p_value == doctest::Approx(0.0864107329737).epsilon(1e-11));
  const auto less =
      mann_whitney_u(females, males, alternative::less, true, mann_whitney_method::exact);
  CHECK(less.statistic == 3.0);
  CHECK(less.p_value == doctest::Approx(0.05555555555555555).epsilon(1e-14));
  // The automatic rule: no ties and a sample of at most 8 → exact.
  CHECK(mann_whitney_u(males, females).method == mann_whitney_method::exact);
}

TEST_CASE("mann_whitney_u: behaviour") {
  SUBCASE("U1 + U2 = n1·n2 and the alternatives are mirror images") {
    const std::vector<double> a{1.5, 2.5, 2.5, 7.0, 9.0, 11.0, 0.5, 3.0, 4.0, 8.0};
    const std::vector<double> b{2.5, 3.5, 5.0, 6.0, 10.0, 12.0, 13.0, 14.0, 1.0};
    const auto ab = mann_whitney_u(a, b, alternative::greater);
    const auto ba = mann_whitney_u(b, a, alternative::less);
    CHECK(ab.statistic + mann_whitney_u(b, a).statistic == 90.0);
    CHECK(ab.p_value == doctest::Approx(ba.p_value).epsilon(1e-14));
  }
  SUBCASE("all values tied: p = 1") {
    const std::vector<double> a(12, 4.0);
    const std::vector<double> b(15, 4.0);
    CHECK(mann_whitney_u(a, b).p_value == 1.0);
  }
  SUBCASE("JSON") {
    const std::vector<double> a{1, 2, 3};
    const std::vector<double> b{4, 5};
    const mlguard::json j = mann_whitney_u(a, b);
    CHECK(j["statistic"].get<double>() == 0.0);
    CHECK(j["method"] == "exact");
    CHECK(j["n1"] == 3);
  }
}

TEST_CASE("mann_whitney_u: input contract") {
  const std::vector<double> empty;
  const std::vector<double> some{1.0, 2.0};
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  MLGUARD_CHECK_THROWS_ID(mann_whitney_u(empty, some), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(mann_whitney_u(some, empty), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(mann_whitney_u(with_nan, some), "mlguard.stats.nan_input");
  MLGUARD_CHECK_THROWS_ID(mann_whitney_u(some, with_nan), "mlguard.stats.nan_input");
}

#include "mlguard/stats/wasserstein.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"

using namespace mlguard;

TEST_CASE("wasserstein_distance and energy_distance match scipy.stats (gen_drift.py)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  std::size_t checked = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto u = test::numbers(c["reference"]);
    const auto v = test::numbers(c["current"]);
    if (c["wasserstein"].is_object()) {
      MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(u, v), c["wasserstein"]["error"]);
      MLGUARD_CHECK_THROWS_ID(stats::energy_distance(u, v), c["wasserstein"]["error"]);
      continue;
    }
    MLGUARD_CHECK_CLOSE(stats::wasserstein_distance(u, v), test::number(c["wasserstein"]));
    MLGUARD_CHECK_CLOSE(stats::energy_distance(u, v), test::number(c["energy"]));
    // Unit weights give the unweighted distances.
    const std::vector<double> uw(u.size(), 1.0);
    const std::vector<double> vw(v.size(), 1.0);
    MLGUARD_CHECK_CLOSE(stats::wasserstein_distance(u, v, uw, vw), test::number(c["wasserstein"]));
    checked += 2;
  }
  CHECK(checked > 150);
}

TEST_CASE("weighted wasserstein_distance and energy_distance match scipy.stats") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  REQUIRE(doc["weighted"].size() >= 10);
  for (const auto& c : doc["weighted"]) {
    INFO(c["name"].get<std::string>());
    const auto u = test::numbers(c["u"]);
    const auto v = test::numbers(c["v"]);
    const auto uw = test::numbers(c["u_weights"]);
    const auto vw = test::numbers(c["v_weights"]);
    MLGUARD_CHECK_CLOSE(stats::wasserstein_distance(u, v, uw, vw), test::number(c["wasserstein"]));
    MLGUARD_CHECK_CLOSE(stats::energy_distance(u, v, uw, vw), test::number(c["energy"]));
  }
}

TEST_CASE("wasserstein_distance: known values") {
  const std::vector<double> a{0, 1, 3};
  const std::vector<double> b{5, 6, 8};
  CHECK(stats::wasserstein_distance(a, b) == 5.0); // a shift by 5
  CHECK(stats::wasserstein_distance(a, a) == 0.0);
  CHECK(stats::energy_distance(a, a) == 0.0);
  const std::vector<double> one{0};
  const std::vector<double> other{2};
  CHECK(stats::wasserstein_distance(one, other) == 2.0);
  MLGUARD_CHECK_CLOSE(stats::energy_distance(one, other), 2.0); // √2·√(1·2)
}

TEST_CASE("wasserstein_distance: the input contract") {
  const std::vector<double> empty;
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> with_inf{1, std::numeric_limits<double>::infinity()};
  MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(empty, ok), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(stats::energy_distance(ok, empty), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(ok, with_nan), "mlguard.stats.nan_input");
  MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(with_inf, ok), "mlguard.stats.non_finite");
  const std::vector<double> w2{1, 1};
  const std::vector<double> negative{1, -1, 1};
  const std::vector<double> zeros{0, 0, 0};
  MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(ok, ok, w2, {}),
                          "mlguard.argument.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(stats::wasserstein_distance(ok, ok, negative, {}),
                          "mlguard.stats.bad_weights");
  MLGUARD_CHECK_THROWS_ID(stats::energy_distance(ok, ok, {}, zeros), "mlguard.stats.bad_weights");
}

TEST_CASE("wasserstein_distance and energy_distance near ±1e308: the true distance, not scipy's "
          "NaN or inf (issue 16, gen_extremes.py)") {
  // scipy's gaps overflow there (0 · inf = NaN for identical samples); mlguard
  // takes the gaps in units of 4, which is scipy's arithmetic on the samples
  // divided by 4, scaled back: equal to that bit for bit, and to the exact
  // value (Python's rationals) within rounding. Wasserstein is +inf only when
  // the true distance exceeds DBL_MAX; energy is always finite.
  const auto& doc = test::drift_fixture("reference/extremes.json");
  REQUIRE(doc["distances"].size() >= 10);
  for (const auto& c : doc["distances"]) {
    INFO(c["name"].get<std::string>());
    const auto u = test::numbers(c["u"]);
    const auto v = test::numbers(c["v"]);
    const double w = stats::wasserstein_distance(u, v);
    const double e = stats::energy_distance(u, v);
    CHECK(w == test::number(c["scipy_scaled"]["wasserstein"]));
    CHECK(e == test::number(c["scipy_scaled"]["energy"]));
    MLGUARD_CHECK_CLOSE(w, test::number(c["exact"]["wasserstein"]));
    MLGUARD_CHECK_CLOSE(e, test::number(c["exact"]["energy"]));
    CHECK_FALSE(std::isnan(w));
    CHECK(std::isfinite(e));
  }
  const std::vector<double> same{1e308, -1e308, 1.5e308};
  CHECK(stats::wasserstein_distance(same, same) == 0.0); // scipy: nan
  CHECK(stats::energy_distance(same, same) == 0.0);
}

#include "mlguard/drift/wasserstein.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("normalised Wasserstein reproduces Evidently's published number") {
  const auto doc = parse_json(test::read_file(test::fixture_path("evidently_normal_samples.json")),
                              "evidently_normal_samples.json");
  const auto ref = doc["reference"].get<std::vector<double>>();
  const auto cur = doc["current"].get<std::vector<double>>();
  MLGUARD_CHECK_CLOSE(wasserstein_norm(ref, cur).statistic, 0.5528576852340608);
}

TEST_CASE("wasserstein, wasserstein_norm and energy match scipy/Evidently (gen_drift.py)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  std::size_t checked = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    if (c["wasserstein"].is_object()) {
      MLGUARD_CHECK_THROWS_ID(wasserstein(ref, cur), "mlguard.drift.non_finite");
      MLGUARD_CHECK_THROWS_ID(wasserstein_norm(ref, cur), "mlguard.drift.non_finite");
      MLGUARD_CHECK_THROWS_ID(energy(ref, cur), "mlguard.drift.non_finite");
      continue;
    }
    CHECK(stats::detail::numpy_std(ref) == test::number(c["std_reference"]));
    MLGUARD_CHECK_CLOSE(wasserstein(ref, cur).statistic, test::number(c["wasserstein"]));
    MLGUARD_CHECK_CLOSE(wasserstein_norm(ref, cur).statistic, test::number(c["wasserstein_norm"]));
    MLGUARD_CHECK_CLOSE(energy(ref, cur).statistic, test::number(c["energy"]));
    CHECK_FALSE(wasserstein_norm(ref, cur).p_value.has_value());
    checked += 3;
  }
  CHECK(checked > 250);
}

TEST_CASE("wasserstein_norm: a constant reference divides by 0.001") {
  const std::vector<double> ref{2, 2, 2};
  const std::vector<double> cur{2, 2, 3};
  MLGUARD_CHECK_CLOSE(wasserstein_norm(ref, cur).statistic, (1.0 / 3.0) / 0.001);
}

TEST_CASE("drift wasserstein: the input contract") {
  const std::vector<double> empty;
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> with_inf{1, -std::numeric_limits<double>::infinity()};
  MLGUARD_CHECK_THROWS_ID(wasserstein_norm(empty, ok), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(wasserstein(ok, empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(energy(ok, with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(wasserstein_norm(ok, with_inf), "mlguard.drift.non_finite");
}

TEST_CASE("drift wasserstein_norm near ±1e308: the ratio of the true distance and deviation "
          "(issue 16, gen_extremes.py)") {
  // scipy's ratio is NaN or 0 there (its numpy.std overflows to inf); mlguard
  // computes both on the samples scaled by 2^-k, as the fixture's
  // "scipy_scaled" does with scipy and numpy.
  const auto& doc = test::drift_fixture("reference/extremes.json");
  for (const auto& c : doc["distances"]) {
    INFO(c["name"].get<std::string>());
    const auto u = test::numbers(c["u"]);
    const auto v = test::numbers(c["v"]);
    const double r = wasserstein_norm(u, v).statistic;
    CHECK(r == test::number(c["scipy_scaled"]["wasserstein_norm"]));
    MLGUARD_CHECK_CLOSE(r, test::number(c["exact"]["wasserstein_norm"]));
    CHECK(wasserstein(u, v).statistic == test::number(c["scipy_scaled"]["wasserstein"]));
    CHECK(energy(u, v).statistic == test::number(c["scipy_scaled"]["energy"]));
  }
}

#include "mlguard/drift/psi.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {
struct evidently_samples {
  std::vector<double> reference;
  std::vector<double> current;
};

evidently_samples load_evidently_samples() {
  const auto doc = parse_json(test::read_file(test::fixture_path("evidently_normal_samples.json")),
                              "evidently_normal_samples.json");
  return {doc["reference"].get<std::vector<double>>(), doc["current"].get<std::vector<double>>()};
}
} // namespace

TEST_CASE("PSI reproduces Evidently's published number on its normal example") {
  // ref = N(0,1), cur = N(0.5,1), n = 1000 each, numpy.random.default_rng(0), ref drawn first.
  const auto s = load_evidently_samples();
  const auto r = psi(s.reference, s.current, {binning_strategy::evidently});
  MLGUARD_CHECK_CLOSE(r.statistic, 0.2897924033807395);
  REQUIRE(r.bins.has_value());
  CHECK(r.bins->size() == 12); // Sturges
  CHECK(r.bins->zero_filled);  // the current sample has an empty first bin
  CHECK_FALSE(r.p_value.has_value());
}

TEST_CASE("PSI matches the numpy/Evidently reference for both binnings (gen_drift.py)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  std::size_t quantile_cases = 0;
  std::size_t evidently_cases = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto bins = c["bins"].get<std::size_t>();
    {
      const auto r = psi(ref, cur, {binning_strategy::quantile, bins});
      MLGUARD_CHECK_CLOSE(r.statistic, test::number(c["quantile"]["psi"]));
      const auto fr = test::numbers(c["quantile"]["filled_reference"]);
      const auto fc = test::numbers(c["quantile"]["filled_current"]);
      REQUIRE(r.bins->reference.size() == fr.size());
      for (std::size_t i = 0; i < fr.size(); ++i) {
        CHECK(r.bins->reference[i] == fr[i]);
        CHECK(r.bins->current[i] == fc[i]);
      }
      // The precomputed-bins paths agree exactly with the one-shot path.
      const reference_bins rb(ref, bins);
      CHECK(psi(rb, cur).statistic == r.statistic);
      CHECK(psi_value(rb, cur) == r.statistic);
      ++quantile_cases;
    }
    const auto& e = c["evidently"];
    if (e.contains("error")) {
      MLGUARD_CHECK_THROWS_ID(psi(ref, cur, {binning_strategy::evidently}),
                              e["error"].get<std::string>());
      continue;
    }
    const auto r = psi(ref, cur, {binning_strategy::evidently});
    MLGUARD_CHECK_CLOSE(r.statistic, test::number(e["psi"]));
    ++evidently_cases;
  }
  CHECK(quantile_cases > 80);
  CHECK(evidently_cases > 80);
}

TEST_CASE("psi_value: identical proportions give 0, a known value otherwise") {
  const std::vector<double> p{0.25, 0.25, 0.5};
  CHECK(psi_value(p, p) == 0.0);
  const std::vector<double> q{0.5, 0.25, 0.25};
  const double expected = (0.25 - 0.5) * std::log(0.5) + (0.5 - 0.25) * std::log(2.0);
  MLGUARD_CHECK_CLOSE(psi_value(p, q), expected);
}

TEST_CASE("psi: the input contract") {
  const std::vector<double> empty;
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> two{0.5, 0.5};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> with_inf{1,  std::numeric_limits<double>::infinity(),
                                     3,  4,
                                     5,  6,
                                     7,  8,
                                     9,  10,
                                     11, 12,
                                     13, 14,
                                     15, 16,
                                     17, 18,
                                     19, 20,
                                     21, 22};
  MLGUARD_CHECK_THROWS_ID(psi(empty, ok), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(psi(ok, empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(psi(ok, with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(psi(with_nan, ok), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(psi(with_inf, ok, {binning_strategy::evidently}),
                          "mlguard.drift.non_finite");
  MLGUARD_CHECK_THROWS_ID(psi_value(reference_bins(ok), empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(psi_value(reference_bins(ok), with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(psi_value(ok, two), "mlguard.argument.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(psi_value(empty, empty), "mlguard.drift.empty_sample");
  // ±inf with quantile bins: counted in the outer bins.
  CHECK(std::isfinite(psi(ok, with_inf).statistic));
}

TEST_CASE("psi: the result converts to JSON with its bins") {
  const std::vector<double> ref{1, 2, 3, 4, 5, 6};
  const std::vector<double> cur{4, 5, 6, 7, 8, 9};
  const json j = psi(ref, cur, {binning_strategy::quantile, 3});
  CHECK(j["statistic"].is_number());
  CHECK_FALSE(j.contains("p_value"));
  CHECK(j["bins"]["kind"] == "intervals");
  CHECK(j["bins"]["edges"].size() == 4);
  CHECK(j["bins"]["zero_filled"] == true);
}

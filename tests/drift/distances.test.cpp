#include "mlguard/drift/distances.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"
#include "mlguard/drift/psi.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("Jensen-Shannon reproduces Evidently's published number on its normal example") {
  const auto doc = parse_json(test::read_file(test::fixture_path("evidently_normal_samples.json")),
                              "evidently_normal_samples.json");
  const auto ref = doc["reference"].get<std::vector<double>>();
  const auto cur = doc["current"].get<std::vector<double>>();
  const auto r = jensen_shannon(ref, cur, {binning_strategy::evidently});
  MLGUARD_CHECK_CLOSE(r.statistic, 0.18665865345042323);
  CHECK_FALSE(r.bins->zero_filled); // Evidently's jensenshannon uses raw proportions
}

TEST_CASE("binned distances match scipy/numpy for both binnings (gen_drift.py)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  std::size_t checked = 0;
  for (const auto& c : doc["cases"]) {
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto bins = c["bins"].get<std::size_t>();
    for (const auto strategy : {binning_strategy::quantile, binning_strategy::evidently}) {
      const auto& e = c[to_string(strategy)];
      INFO(c["name"].get<std::string>() << ", " << to_string(strategy) << " binning");
      const binning_options options{strategy, bins};
      if (e.contains("error")) {
        const auto id = e["error"].get<std::string>();
        MLGUARD_CHECK_THROWS_ID(jensen_shannon(ref, cur, options), id);
        MLGUARD_CHECK_THROWS_ID(kl_divergence(ref, cur, options), id);
        MLGUARD_CHECK_THROWS_ID(hellinger(ref, cur, options), id);
        MLGUARD_CHECK_THROWS_ID(total_variation(ref, cur, options), id);
        MLGUARD_CHECK_THROWS_ID(l_infinity(ref, cur, options), id);
        continue;
      }
      MLGUARD_CHECK_CLOSE(jensen_shannon(ref, cur, options).statistic,
                          test::number(e["js_distance_e"]));
      MLGUARD_CHECK_CLOSE(
          jensen_shannon(ref, cur, options, js_output::distance, log_base::two).statistic,
          test::number(e["js_distance_2"]));
      MLGUARD_CHECK_CLOSE(
          jensen_shannon(ref, cur, options, js_output::divergence, log_base::natural).statistic,
          test::number(e["js_divergence_e"]));
      MLGUARD_CHECK_CLOSE(
          jensen_shannon(ref, cur, options, js_output::divergence, log_base::two).statistic,
          test::number(e["js_divergence_2"]));
      MLGUARD_CHECK_CLOSE(kl_divergence(ref, cur, options).statistic, test::number(e["kl"]));
      MLGUARD_CHECK_CLOSE(hellinger(ref, cur, options).statistic, test::number(e["hellinger"]));
      MLGUARD_CHECK_CLOSE(total_variation(ref, cur, options).statistic, test::number(e["tvd"]));
      MLGUARD_CHECK_CLOSE(l_infinity(ref, cur, options).statistic, test::number(e["linf"]));
      checked += 8;
    }
  }
  CHECK(checked > 1000);
}

TEST_CASE("distances of probability vectors: known values and bounds") {
  const std::vector<double> p{1, 0};
  const std::vector<double> q{0, 1};
  CHECK(jensen_shannon_value(p, q, js_output::divergence, log_base::two) == 1.0);
  MLGUARD_CHECK_CLOSE(jensen_shannon_value(p, q), std::sqrt(std::log(2.0)));
  CHECK(hellinger_value(p, q) == 1.0);
  CHECK(total_variation_value(p, q) == 1.0);
  CHECK(l_infinity_value(p, q) == 1.0);
  CHECK(std::isinf(kl_value(p, q)));
  // jensenshannon and entropy normalise their inputs: counts work as proportions.
  const std::vector<double> counts{2, 6, 2};
  const std::vector<double> props{0.2, 0.6, 0.2};
  const std::vector<double> other{0.5, 0.25, 0.25};
  MLGUARD_CHECK_CLOSE(jensen_shannon_value(counts, other), jensen_shannon_value(props, other));
  MLGUARD_CHECK_CLOSE(kl_value(counts, other), kl_value(props, other));
  CHECK(jensen_shannon_value(props, props) == 0.0);
  CHECK(hellinger_value(props, props) == 0.0);
}

TEST_CASE("distances: the input contract") {
  const std::vector<double> empty;
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> negative{0.5, -0.1, 0.6};
  const std::vector<double> zeros{0, 0, 0};
  const std::vector<double> two{0.5, 0.5};
  MLGUARD_CHECK_THROWS_ID(jensen_shannon(empty, ok), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(hellinger(ok, with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(kl_divergence(ok, empty, {binning_strategy::evidently}),
                          "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(jensen_shannon_value(ok, two), "mlguard.argument.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(jensen_shannon_value(negative, ok), "mlguard.drift.bad_proportions");
  MLGUARD_CHECK_THROWS_ID(total_variation_value(zeros, ok), "mlguard.drift.bad_proportions");
  MLGUARD_CHECK_THROWS_ID(l_infinity_value(with_nan, ok), "mlguard.drift.bad_proportions");
  MLGUARD_CHECK_THROWS_ID(kl_value(empty, empty), "mlguard.drift.empty_sample");
}

TEST_CASE("binned statistics near ±1e308 match gen_drift.py's formulas over finite edges (issue "
          "16, gen_extremes.py)") {
  const auto& doc = test::drift_fixture("reference/extremes.json");
  for (const auto& c : doc["binnings"]) {
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto bins = c["bins"].get<std::size_t>();
    for (const auto strategy : {binning_strategy::quantile, binning_strategy::evidently}) {
      const char* key = strategy == binning_strategy::quantile ? "quantile" : "evidently";
      if (!c.contains(key)) {
        continue;
      }
      const auto& e = c[key];
      INFO(c["name"].get<std::string>() << ", " << key << " binning");
      const binning_options options{strategy, bins};
      MLGUARD_CHECK_CLOSE(psi(ref, cur, options).statistic, test::number(e["psi"]));
      MLGUARD_CHECK_CLOSE(jensen_shannon(ref, cur, options).statistic,
                          test::number(e["js_distance_e"]));
      MLGUARD_CHECK_CLOSE(kl_divergence(ref, cur, options).statistic, test::number(e["kl"]));
      MLGUARD_CHECK_CLOSE(hellinger(ref, cur, options).statistic, test::number(e["hellinger"]));
      MLGUARD_CHECK_CLOSE(total_variation(ref, cur, options).statistic, test::number(e["tvd"]));
      MLGUARD_CHECK_CLOSE(l_infinity(ref, cur, options).statistic, test::number(e["linf"]));
    }
  }
}

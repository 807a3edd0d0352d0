#include "mlguard/stats/paired_bootstrap.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;

namespace paired_bootstrap_test {

std::vector<double> numbers(const mlguard::json& j) { return j.get<std::vector<double>>(); }

mlguard::json fixture() {
  return mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/model_tests.json")),
      "model_tests.json");
}

} // namespace paired_bootstrap_test

TEST_CASE("model metrics match sklearn 1.2.1 (accuracy, roc_auc with ties, rmse, mae)") {
  const auto doc = paired_bootstrap_test::fixture();
  INFO("sklearn " << doc["sklearn"].get<std::string>());
  for (const auto& c : doc["metrics"]) {
    INFO(c["name"].get<std::string>());
    const auto y = paired_bootstrap_test::numbers(c["y"]);
    const auto s = paired_bootstrap_test::numbers(c["score"]);
    const auto ry = paired_bootstrap_test::numbers(c["regression_y"]);
    const auto rp = paired_bootstrap_test::numbers(c["regression_pred"]);
    CHECK(model_metric_value(model_metric::accuracy, y, s) == c["accuracy"].get<double>());
    CHECK(model_metric_value(model_metric::roc_auc, y, s) ==
          doctest::Approx(c["roc_auc"].get<double>()).epsilon(1e-13));
    CHECK(model_metric_value(model_metric::rmse, ry, rp) ==
          doctest::Approx(c["rmse"].get<double>()).epsilon(1e-13));
    CHECK(model_metric_value(model_metric::mae, ry, rp) ==
          doctest::Approx(c["mae"].get<double>()).epsilon(1e-13));
  }
}

TEST_CASE("paired_bootstrap: the interval numpy computes from the same resample indices") {
  const auto doc = paired_bootstrap_test::fixture();
  REQUIRE(doc["bootstrap"].size() == 5);
  for (const auto& c : doc["bootstrap"]) {
    const auto m = model_metric_from_string(c["metric"].get<std::string>());
    INFO(to_string(m) << " seed " << c["seed"].get<std::uint64_t>());
    const auto y = paired_bootstrap_test::numbers(c["y"]);
    const auto a = paired_bootstrap_test::numbers(c["a"]);
    const auto b = paired_bootstrap_test::numbers(c["b"]);
    // The documented generator draws the script's indices.
    bootstrap_index_stream stream(c["seed"].get<std::uint64_t>(), y.size());
    for (const auto& expected : c["first_indices"]) {
      CHECK(stream.next() == expected.get<std::size_t>());
    }
    paired_bootstrap_options o;
    o.seed = c["seed"].get<std::uint64_t>();
    o.resamples = c["resamples"].get<std::size_t>();
    const auto r = paired_bootstrap(m, y, a, b, o);
    CHECK(r.value_a == doctest::Approx(c["value_a"].get<double>()).epsilon(1e-13));
    CHECK(r.value_b == doctest::Approx(c["value_b"].get<double>()).epsilon(1e-13));
    CHECK(r.difference == doctest::Approx(r.value_b - r.value_a));
    CHECK(r.used == c["used"].get<std::size_t>());
    CHECK(r.resamples == o.resamples);
    CHECK(r.ci_low == doctest::Approx(c["ci_low"].get<double>()).epsilon(1e-12));
    CHECK(r.ci_high == doctest::Approx(c["ci_high"].get<double>()).epsilon(1e-12));
    // Same seed, same interval; injected indices equal to the stream's give it too.
    const auto again = paired_bootstrap(m, y, a, b, o);
    CHECK(again.ci_low == r.ci_low);
    CHECK(again.ci_high == r.ci_high);
    std::vector<std::size_t> indices;
    bootstrap_index_stream redraw(o.seed, y.size());
    for (std::size_t i = 0; i < o.resamples * y.size(); ++i) {
      indices.push_back(redraw.next());
    }
    const auto injected = paired_bootstrap(m, y, a, b, indices, o);
    CHECK(injected.ci_low == r.ci_low);
    CHECK(injected.ci_high == r.ci_high);
  }
}

TEST_CASE("paired_bootstrap: bad input has stable ids") {
  const std::vector<double> y{0, 1, 0, 1};
  const std::vector<double> a{0.1, 0.9, 0.2, 0.8};
  const std::vector<double> short_b{0.1, 0.9};
  const std::vector<double> nan_b{0.1, std::numeric_limits<double>::quiet_NaN(), 0.2, 0.8};
  const std::vector<double> empty;
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::roc_auc, y, a, short_b),
                          "mlguard.argument.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::roc_auc, y, a, nan_b),
                          "mlguard.stats.nan_input");
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::roc_auc, empty, empty, empty),
                          "mlguard.stats.empty_sample");
  const std::vector<double> not_binary{0, 2, 0, 1};
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::accuracy, not_binary, a, a),
                          "mlguard.stats.invalid_label");
  const std::vector<double> one_class{1, 1, 1, 1};
  MLGUARD_CHECK_THROWS_ID(model_metric_value(model_metric::roc_auc, one_class, a),
                          "mlguard.stats.undefined_metric");
  paired_bootstrap_options o;
  o.confidence = 1.0;
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::rmse, y, a, a, o),
                          "mlguard.stats.invalid_option");
  const std::vector<std::size_t> partial{0, 1, 2};
  MLGUARD_CHECK_THROWS_ID(paired_bootstrap(model_metric::rmse, y, a, a, partial),
                          "mlguard.argument.size_mismatch");
  MLGUARD_CHECK_THROWS_ID(model_metric_from_string("f1"), "mlguard.stats.invalid_option");
}

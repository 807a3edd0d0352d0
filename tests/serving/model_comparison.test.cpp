#include "mlguard/serving/model_comparison.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/serving/publish.hpp"
#include "mlguard/stats/mcnemar.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace model_comparison_test {

// Labels of the tip rule with `weight` on distance: tipped when fare + weight·distance > 16.
Eigen::VectorXd rule_labels(const table& t, double weight) {
  const auto& fare = t.at("fare").values();
  const auto& distance = t.at("distance").values();
  Eigen::VectorXd y(static_cast<Eigen::Index>(t.rows()));
  for (std::size_t i = 0; i < t.rows(); ++i) {
    y[static_cast<Eigen::Index>(i)] = fare[i] + weight * distance[i] > 16 ? 1 : 0;
  }
  return y;
}

// A tip model fitted to the rule with `weight`: 2 is the truth, 0 ignores distance.
model_bundle rule_bundle(double weight) {
  const table t = test::tip_trips(1, 12.0, 2000);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(t.rows()), 2);
  X << t.at("fare").vector(), t.at("distance").vector();
  test::tip_pipeline p;
  p.fit(X, {"fare", "distance"}, rule_labels(t, weight));
  return make_bundle(p, t);
}

// A holdout of n trips labelled by the true rule, in column "tipped".
table holdout(std::size_t n, std::uint64_t seed = 77) {
  table t = test::tip_trips(seed, 12.0, n);
  const auto y = rule_labels(t, 2.0);
  t.add(column::numeric("tipped", std::vector<double>(y.data(), y.data() + y.size())));
  return t;
}

comparison_options options() {
  comparison_options o;
  o.label = "tipped";
  o.tolerance = 0.01;
  o.bootstrap.resamples = 300;
  o.bootstrap.seed = 11;
  return o;
}

// A hand-written model that answers 0.5, or NaN (status ok) when the fare is above 30.
class nan_above_30 {
public:
  static constexpr std::string_view kind = "nan_above_30";
  static nan_above_30 from_bundle(const model_bundle&, const pipeline::stage_registry&) {
    return {};
  }
  std::vector<std::string> feature_names_in() const { return {"fare", "distance"}; }
  std::vector<std::string> feature_names_out() const { return {"score"}; }
  pipeline::row_status predict_row(const double* in, double* out) noexcept {
    out[0] = in[0] > 30 ? std::nan("") : 0.5;
    return pipeline::row_status::ok;
  }
};

} // namespace model_comparison_test

TEST_CASE("compare_models: a worse challenger is refused by McNemar and the bootstrap, with "
          "the numbers") {
  const auto good = model_comparison_test::rule_bundle(2.0);
  const auto worse = model_comparison_test::rule_bundle(0.0);
  const auto data = model_comparison_test::holdout(600);
  const auto r = compare_models(good, worse, data, model_comparison_test::options());
  CHECK_FALSE(r.passed);
  REQUIRE(r.metrics.size() == 2);
  const auto& acc = r.metrics[0];
  CHECK(acc.test == "mcnemar_exact");
  CHECK(acc.metric == "accuracy");
  CHECK_FALSE(acc.passed);
  CHECK(acc.champion > acc.challenger + 0.05);
  REQUIRE(acc.p_value);
  CHECK(*acc.p_value < 1e-6);
  CHECK(*acc.p_value ==
        stats::mcnemar_exact(acc.champion_only, acc.challenger_only, stats::alternative::greater)
            .p_value);
  const auto& auc = r.metrics[1];
  CHECK(auc.test == "paired_bootstrap");
  CHECK(auc.metric == "roc_auc");
  CHECK_FALSE(auc.passed);
  REQUIRE(auc.ci_high);
  CHECK(*auc.ci_high < -0.01);
  CHECK(r.reason == acc.reason);
  CHECK(r.reason.find("McNemar") != std::string::npos);
  CHECK(r.reason.find("p = ") != std::string::npos);
  CHECK(auc.reason.find("interval [") != std::string::npos);
  MESSAGE(r.reason);
  MESSAGE(auc.reason);
  const json j = r;
  CHECK(j["passed"] == false);
  CHECK(j["metrics"][0]["test"] == "mcnemar_exact");
  CHECK(j["metrics"][0]["p_value"].get<double>() == *acc.p_value);
  CHECK(j["metrics"][0]["champion_only"] == acc.champion_only);
  CHECK(j["metrics"][1]["ci_high"].get<double>() == *auc.ci_high);
  CHECK_FALSE(j["metrics"][1].contains("p_value"));
}

TEST_CASE("compare_models: a better challenger passes, and so does the same model") {
  const auto good = model_comparison_test::rule_bundle(2.0);
  const auto worse = model_comparison_test::rule_bundle(0.0);
  const auto data = model_comparison_test::holdout(600);
  const auto better = compare_models(worse, good, data, model_comparison_test::options());
  CHECK(better.passed);
  CHECK(better.metrics[0].improvement > 0.05);
  CHECK(*better.metrics[1].ci_low > 0.0);
  const auto same = compare_models(good, good, data, model_comparison_test::options());
  CHECK(same.passed);
  CHECK(same.metrics[0].p_value == 1.0);
}

TEST_CASE("compare_models: rmse for regression labels, refused beyond the tolerance") {
  std::vector<double> y, a, b;
  for (int i = 0; i < 200; ++i) {
    y.push_back(std::sin(i * 0.1) * 3);
    a.push_back(y.back() + 0.1 * std::cos(i * 0.7));
    b.push_back(y.back() + 1.0 * std::cos(i * 0.3));
  }
  auto o = model_comparison_test::options();
  const auto r = compare_predictions(y, a, b, {}, o);
  REQUIRE(r.metrics.size() == 1);
  CHECK(r.metrics[0].metric == "rmse");
  CHECK(r.metrics[0].improvement < 0);
  CHECK_FALSE(r.passed);
  o.tolerance = 10.0;
  CHECK(compare_predictions(y, a, b, {}, o).passed);
}

TEST_CASE("compare_models: rows a model rejects are a refusal, not an error, even when no "
          "metric is left defined") {
  std::vector<double> y, a, b;
  for (int i = 0; i < 100; ++i) {
    y.push_back(i % 2);
    a.push_back(0.25 + 0.5 * (i % 2));
    b.push_back(0.5);
  }
  auto o = model_comparison_test::options();
  o.max_excluded_share = 1.0;
  // Every row rejected: no metric can be computed, and the verdict is a refusal.
  const auto all = compare_predictions(y, a, b, std::vector<bool>(100, true), o);
  CHECK_FALSE(all.passed);
  CHECK(all.metrics.empty());
  CHECK(all.reason.find("100 of 100 holdout rows were rejected") != std::string::npos);
  // Only the positives left: the AUC is undefined, so it cannot show the challenger is
  // not worse; accuracy is still computed.
  std::vector<bool> negatives(100, false);
  for (int i = 0; i < 100; i += 2) {
    negatives[static_cast<std::size_t>(i)] = true;
  }
  const auto one_class = compare_predictions(y, a, b, negatives, o);
  CHECK_FALSE(one_class.passed);
  REQUIRE(one_class.metrics.size() == 2);
  CHECK(one_class.metrics[1].metric == "roc_auc");
  CHECK(one_class.metrics[1].reason.find("undefined") != std::string::npos);
  // Above the share the options allow: refused before any metric.
  o.max_excluded_share = 0.1;
  const auto over = compare_predictions(y, a, b, negatives, o);
  CHECK_FALSE(over.passed);
  CHECK(over.metrics.empty());
}

TEST_CASE("compare_models: bad input has stable ids") {
  const auto good = model_comparison_test::rule_bundle(2.0);
  auto o = model_comparison_test::options();
  SUBCASE("a label column missing") {
    o.label = "nope";
    MLGUARD_CHECK_THROWS_ID(compare_models(good, good, model_comparison_test::holdout(50), o),
                            "mlguard.argument.unknown_column");
  }
  SUBCASE("an empty holdout") {
    const auto empty = slice_rows(model_comparison_test::holdout(50), 0, 0);
    MLGUARD_CHECK_THROWS_ID(compare_models(good, good, empty, o), "mlguard.validate.empty_data");
  }
  SUBCASE("mismatched lengths") {
    const std::vector<double> y{0, 1, 1}, a{0.2, 0.8, 0.7}, b{0.1, 0.9};
    MLGUARD_CHECK_THROWS_ID(compare_predictions(y, a, b, {}, o), "mlguard.argument.size_mismatch");
  }
  SUBCASE("NaN predictions") {
    const std::vector<double> y{0, 1, 1}, a{0.2, 0.8, 0.7},
        b{0.1, std::numeric_limits<double>::quiet_NaN(), 0.9};
    MLGUARD_CHECK_THROWS_ID(compare_predictions(y, a, b, {}, o), "mlguard.stats.nan_input");
  }
  SUBCASE("a negative tolerance") {
    o.tolerance = -1;
    const std::vector<double> y{0, 1}, a{0.2, 0.8};
    MLGUARD_CHECK_THROWS_ID(compare_predictions(y, a, a, {}, o), "mlguard.serving.invalid_option");
  }
}

TEST_CASE("guards::model_checked: the promotion guard refuses a worse challenger, naming the "
          "test and the numbers, and lets a better one through") {
  registry::in_memory_registry models;
  memory_artifact_store store;
  const auto good = model_comparison_test::rule_bundle(2.0);
  const auto worse = model_comparison_test::rule_bundle(0.0);
  const auto v_worse = publish(models, store, "tips", worse);
  const auto v_good = publish(models, store, "tips", good);
  REQUIRE(models.set_alias("tips", "champion", v_worse.version));
  models.guards().add("model_checked", serving::guards::model_checked<>(), "champion");

  // No check recorded: refused.
  auto refused = models.set_alias("tips", "champion", v_good.version);
  CHECK_FALSE(refused);
  CHECK(refused.guard == "model_checked");
  CHECK(refused.reason.find("no model check") != std::string::npos);

  // The comparison runs outside the registry's lock; the guard reads the tags.
  const auto data = model_comparison_test::holdout(600);
  const auto champion = open_bundle(models, store, "models:/tips@champion");
  const auto better = compare_models(champion.bundle, good, data, model_comparison_test::options());
  REQUIRE(better.passed);
  record_model_check(models, "tips", v_good.version, better.passed,
                     champion.version.artifact_digest, better.reason);
  CHECK(models.set_alias("tips", "champion", v_good.version));

  // Now a worse challenger (the old model, published again as v3) is refused.
  const auto v3 = publish(models, store, "tips", worse, {});
  const auto now = open_bundle(models, store, "models:/tips@champion");
  const auto r = compare_models(now.bundle, worse, data, model_comparison_test::options());
  REQUIRE_FALSE(r.passed);
  record_model_check(models, "tips", v3.version, r.passed, now.version.artifact_digest, r.reason);
  refused = models.set_alias("tips", "champion", v3.version);
  CHECK_FALSE(refused);
  CHECK(refused.guard == "model_checked");
  CHECK(refused.reason.find("McNemar's exact test on accuracy") != std::string::npos);
  CHECK(refused.reason.find("p = ") != std::string::npos);
  CHECK(refused.reason.find("tolerance 0.01") != std::string::npos);
  MESSAGE(refused.reason);
  CHECK(models.alias_version("tips", "champion") == v_good.version);

  // A stale pass (measured against another champion) is refused too.
  record_model_check(models, "tips", v3.version, true, "sha256:stale", "passed");
  refused = models.set_alias("tips", "champion", v3.version);
  CHECK_FALSE(refused);
  CHECK(refused.reason.find("not the current champion") != std::string::npos);
  // A long reason is cut to 1000 bytes, not inside a UTF-8 character.
  std::string long_reason(999, 'x');
  long_reason += "\xc3\xa9 and more"; // é across byte 1000
  record_model_check(models, "tips", v3.version, false, now.version.artifact_digest, long_reason);
  CHECK(models.get_version("tips", v3.version).tags.at(model_check_tag::reason) ==
        std::string(999, 'x'));
  // Rollbacks do not need a check.
  CHECK(models.rollback_alias("tips", "champion"));
}

TEST_CASE("score_holdout: a NaN answer to an accepted row is an error naming the row") {
  // The built-in pipelines never answer an accepted row with NaN (they stop it); a
  // hand-written model can.
  model_loaders loaders;
  loaders.add<model_comparison_test::nan_above_30>();
  const auto selector = pipeline::dynamic_pipeline::from_json(json::parse(R"({
    "format": "mlguard.pipeline", "format_version": 1,
    "input_features": ["fare", "distance"], "output_features": ["fare", "distance"],
    "stages": [{"kind": "column_selector", "params": {"columns": ["fare", "distance"]}}]})"));
  const auto b =
      make_bundle(selector, model_spec{"nan_above_30", "nothing.txt"},
                  bundle_members{{"nothing.txt", "-"}}, test::tip_trips(3, 12.0, 200), loaders);
  table t;
  t.add(column::numeric("fare", {10.0, 12.0, 45.0}));
  t.add(column::numeric("distance", {1.0, 2.0, 3.0}));
  try {
    score_holdout(b, t, loaders);
    FAIL("no error");
  } catch (const serving_error& e) {
    CHECK(std::string(e.id()) == "mlguard.serving.nan_prediction");
    CHECK(std::string(e.what()).find("holdout row 3") != std::string::npos);
  }
  // A rejected row is no error: it is left out (NaN, rejected).
  const auto rejecting = test::tip_bundle(1, 12.0, validate::row_action::reject);
  table extreme;
  extreme.add(column::numeric("fare", {10.0, 1e308}));
  extreme.add(column::numeric("distance", {1.0, -1e308}));
  const auto s = score_holdout(rejecting, extreme);
  CHECK_FALSE(s.rejected[0]);
  CHECK(s.rejected[1]);
  CHECK(std::isnan(s.predictions[1]));
}

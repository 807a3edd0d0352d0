// Linear explanations through serving: make_bundle measures the background,
// pipeline_model explains through explain/, guarded_model::explain and the
// per-request top-k contributions.
#include "mlguard/explain/linear_contributions.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/serving/pipeline_model.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace serving_explain_test {

double logit(double p) { return std::log(p / (1.0 - p)); }

} // namespace serving_explain_test

using namespace serving_explain_test;

TEST_CASE("make_bundle measures the background of a linear pipeline on its training rows") {
  const auto fitted = test::fitted_tips();
  const table train = test::tip_trips(1, 12.0, 2000);
  const auto b = make_bundle(fitted, train);
  REQUIRE_FALSE(b.background.empty());
  CHECK(b.background.features == std::vector<std::string>{"fare", "distance"});
  CHECK(b.background.rows == 2000);
  Eigen::MatrixXd X(2000, 2);
  X << train.at("fare").vector(), train.at("distance").vector();
  const auto direct = explain::measure_background(fitted, X);
  CHECK(direct.mean == b.background.mean);
  // standardised on these very rows: E[z] is ~0
  CHECK(std::abs(b.background.mean[0]) < 1e-12);

  bundle_options no_background;
  no_background.explain_background = false;
  CHECK(make_bundle(fitted, train, no_background).background.empty());
}

TEST_CASE("guarded_model::explain works for a pipeline bundle and sums to the log-odds") {
  guarded_model m(test::tip_bundle(), 1, test::small_model_options());
  // Near the decision boundary (fare + 2 distance = 16), where logit(p) is exact
  // to ~1e-15; far from it p rounds towards 1 and its logit loses digits.
  const double row[2] = {12.5, 1.6};
  const auto o = m.predict(row);
  CHECK(o.prediction > 0.05);
  CHECK(o.prediction < 0.95);
  const auto e = m.explain(row);
  REQUIRE(e.names == std::vector<std::string>{"fare", "distance"});
  REQUIRE(e.contributions.size() == 2);
  const double sum = e.contributions[0] + e.contributions[1] + e.base_value;
  CHECK(std::abs(sum - logit(o.prediction)) <= 1e-12);
  CHECK(e.contributions[0] > 0); // a fare above the mean (12) raises the odds of a tip

  // ... and it is the explainer's own answer on the same bundle
  const auto b = test::tip_bundle();
  auto direct = explain::linear_explainer::from_document(b.pipeline, b.background);
  double values[3];
  REQUIRE(direct.explain_row(row, values) == pipeline::row_status::ok);
  CHECK(values[0] == e.contributions[0]);
  CHECK(values[1] == e.contributions[1]);
  CHECK(values[2] == e.base_value);
}

TEST_CASE("a bundle without a background (made before backgrounds existed) does not explain") {
  auto b = test::tip_bundle();
  b.background = {};
  guarded_model m(b, 1, test::small_model_options());
  const double row[2] = {18.0, 3.5};
  MLGUARD_CHECK_THROWS_ID(m.explain(row), "mlguard.serving.not_explainable");
  auto o = test::small_model_options();
  o.top_contributions = 2;
  guarded_model listed(b, 1, o);
  CHECK(listed.predict(row).contributions_listed == 0);
}

TEST_CASE("guarded_options::top_contributions lists the largest contributions in each outcome") {
  const auto b = test::tip_bundle();
  auto direct = explain::linear_explainer::from_document(b.pipeline, b.background);
  const double row[2] = {30.0, 0.5};
  double values[3];
  REQUIRE(direct.explain_row(row, values) == pipeline::row_status::ok);
  const bool fare_first = std::abs(values[0]) >= std::abs(values[1]);

  SUBCASE("off by default") {
    guarded_model m(b, 1, test::small_model_options());
    const auto o = m.predict(row);
    CHECK(o.contributions_listed == 0);
    CHECK_FALSE(to_json(o).contains("contributions"));
  }
  SUBCASE("k = 1 and k = 2") {
    for (std::size_t k : {std::size_t{1}, std::size_t{2}}) {
      auto opts = test::small_model_options();
      opts.top_contributions = k;
      guarded_model m(b, 1, opts);
      const auto o = m.predict(row);
      REQUIRE(o.contributions_listed == k);
      CHECK(o.contributions[0].feature == (fare_first ? 0U : 1U));
      CHECK(o.contributions[0].value == values[fare_first ? 0 : 1]);
      if (k == 2) {
        CHECK(o.contributions[1].value == values[fare_first ? 1 : 0]);
      }
      const json j = to_json(o);
      REQUIRE(j["contributions"].size() == k);
      CHECK(j["contributions"][0]["feature"] == o.contributions[0].feature);
    }
  }
  SUBCASE("a rejected row lists none") {
    auto opts = test::small_model_options();
    opts.top_contributions = 2;
    guarded_model m(test::tip_bundle(1, 12.0, validate::row_action::reject), 1, opts);
    const double bad[2] = {std::nan(""), 1.0};
    const auto o = m.predict(bad);
    CHECK(o.status == request_status::rejected);
    CHECK(o.contributions_listed == 0);
  }
  SUBCASE("more than an outcome holds") {
    auto opts = test::small_model_options();
    opts.top_contributions = outcome::max_contributions + 1;
    MLGUARD_CHECK_THROWS_ID(guarded_model(b, 1, opts), "mlguard.serving.invalid_option");
  }
}

TEST_CASE("the background and the explainer survive saving and loading the bundle") {
  test::temp_dir dir;
  const auto b = test::tip_bundle();
  const auto digest = save_bundle(dir.path, b);
  const auto loaded = load_bundle(dir.path);
  CHECK(loaded.digest == digest);
  CHECK(loaded.members.count(member::background) == 1);
  CHECK(loaded.bundle.background.mean == b.background.mean);
  auto model = pipeline_model::from_bundle(loaded.bundle, pipeline::builtin_stages());
  CHECK(model.explains());
  CHECK(model.explanation_names() == std::vector<std::string>{"fare", "distance"});
}

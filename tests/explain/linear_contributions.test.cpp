#include "mlguard/explain/linear_contributions.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "explain/explain_fixtures.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/monitoring_tap.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap_stages.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::explain;
using namespace mlguard::explain_test;

// SHAP is not packaged in Debian, so the reference is SHAP's linear formula,
// coef · (z − E[z]) with E[z] the mean of the transformed training rows, computed
// with numpy on sklearn's own transform (tests/reference/gen_explain_sklearn.py,
// sklearn 1.2.1) and summed per original feature.
TEST_CASE("linear contributions equal SHAP's linear formula computed with numpy on sklearn's "
          "transform, and sum to the margin") {
  for (const std::string name : {"logistic", "linear"}) {
    CAPTURE(name);
    const json& c = reference()[name];
    const Eigen::MatrixXd train = matrix(c["X_train"]);
    const auto bg = measure_background(c["document"], train);
    const auto want_mean = numbers(c["background_mean"]);
    REQUIRE(bg.mean.size() == want_mean.size());
    CHECK(bg.rows == static_cast<std::uint64_t>(train.rows()));
    for (std::size_t t = 0; t < want_mean.size(); ++t) {
      CHECK(std::abs(bg.mean[t] - want_mean[t]) <= 1e-12 * std::max(1.0, std::abs(want_mean[t])));
    }

    auto e = linear_explainer::from_document(c["document"], bg);
    CHECK(e.logistic() == (name == "logistic"));
    CHECK(std::abs(e.base_value() - c["base_value"].get<double>()) <= 1e-12);
    std::vector<std::uint32_t> origin;
    for (const auto& o : c["origin"]) {
      origin.push_back(o.get<std::uint32_t>());
    }
    CHECK(e.origin() == origin);

    const Eigen::MatrixXd test = matrix(c["X_test"]);
    const Eigen::MatrixXd want = matrix(c["contributions"]);
    const auto margin = numbers(c["margin"]);
    std::vector<double> out(e.input_width() + 1);
    double worst = 0.0;
    double worst_sum = 0.0;
    for (Eigen::Index i = 0; i < test.rows(); ++i) {
      const Eigen::RowVectorXd row = test.row(i);
      REQUIRE(e.explain_row(row.data(), out.data()) == pipeline::row_status::ok);
      double sum = out.back();
      for (std::size_t j = 0; j < e.input_width(); ++j) {
        worst = std::max(worst, std::abs(out[j] - want(i, static_cast<Eigen::Index>(j))));
        sum += out[j];
      }
      worst_sum = std::max(worst_sum, std::abs(sum - margin[static_cast<std::size_t>(i)]));
    }
    MESSAGE(name << ": max |mlguard - numpy| = " << worst
                 << ", max |sum + base - margin| = " << worst_sum);
    CHECK(worst <= 1e-12);
    CHECK(worst_sum <= 1e-12);
  }
}

TEST_CASE("contributions credit one-hot blocks to their categorical input, dropped inputs get 0, "
          "clipped values count at the bound") {
  const json& c = reference()["logistic"];
  const auto bg = measure_background(c["document"], matrix(c["X_train"]));
  auto e = linear_explainer::from_document(c["document"], bg);
  REQUIRE(e.feature_names() == std::vector<std::string>{"a", "b", "c", "cat", "d", "e"});
  const Eigen::MatrixXd test = matrix(c["X_test"]);
  std::vector<double> out(e.input_width());
  Eigen::RowVectorXd row = test.row(1); // c = 4.0, clipped to 1.5
  REQUIRE(e.contributions(row.data(), out.data()) == pipeline::row_status::ok);
  CHECK(out[4] == 0.0); // "d" is dropped by the column selector
  std::vector<double> at_bound(e.input_width());
  row[2] = 1.5;
  REQUIRE(e.contributions(row.data(), at_bound.data()) == pipeline::row_status::ok);
  CHECK(out[2] == at_bound[2]);
  row[4] = 1e6; // the dropped input changes nothing
  REQUIRE(e.contributions(row.data(), at_bound.data()) == pipeline::row_status::ok);
  CHECK(at_bound[4] == 0.0);
}

TEST_CASE("top(k) lists the largest contributions by magnitude, largest first") {
  const json& c = reference()["logistic"];
  const auto bg = measure_background(c["document"], matrix(c["X_train"]));
  auto e = linear_explainer::from_document(c["document"], bg);
  const Eigen::MatrixXd test = matrix(c["X_test"]);
  std::vector<double> all(e.input_width());
  feature_contribution top[8];
  for (Eigen::Index i = 0; i < test.rows(); ++i) {
    const Eigen::RowVectorXd row = test.row(i);
    REQUIRE(e.contributions(row.data(), all.data()) == pipeline::row_status::ok);
    std::vector<std::uint32_t> order(all.size());
    for (std::uint32_t j = 0; j < order.size(); ++j) {
      order[j] = j;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::abs(all[a]) > std::abs(all[b]);
    });
    for (std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{8}}) {
      const std::size_t n = e.top(row.data(), top, k);
      REQUIRE(n == std::min(k, all.size()));
      for (std::size_t r = 0; r < n; ++r) {
        CHECK(top[r].feature == order[r]);
        CHECK(top[r].value == all[order[r]]);
      }
    }
    CHECK(e.top(row.data(), top, 0) == 0);
  }
}

TEST_CASE("a row the preprocessing cannot finish gives NaN contributions and no top list") {
  // The linear case imputes; without its imputer a NaN reaches the model.
  json doc = reference()["linear"]["document"];
  doc["stages"].erase(0);
  Eigen::MatrixXd train = matrix(reference()["linear"]["X_train"]);
  for (Eigen::Index i = 0; i < train.rows(); ++i) {
    if (std::isnan(train(i, 1))) {
      train(i, 1) = 0.0;
    }
  }
  auto e = linear_explainer::from_document(doc, measure_background(doc, train));
  const double row[3] = {1.0, std::nan(""), 2.0};
  double out[4];
  CHECK(e.explain_row(row, out) == pipeline::row_status::invalid_input);
  CHECK(std::isnan(out[0]));
  feature_contribution top[2];
  CHECK(e.top(row, top, 2) == 0);
}

TEST_CASE("linear_explainer refuses what it cannot explain, with stable ids") {
  const json& c = reference()["logistic"];
  const Eigen::MatrixXd train = matrix(c["X_train"]);
  const auto bg = measure_background(c["document"], train);
  SUBCASE("the last stage is not a linear model") {
    json doc = c["document"];
    doc["stages"].erase(doc["stages"].size() - 1);
    doc["output_features"] = {"a", "b", "c", "cat=0", "cat=1", "cat=2", "cat=3", "e"};
    MLGUARD_CHECK_THROWS_ID(linear_explainer::from_document(doc, bg),
                            "mlguard.explain.unsupported_model");
  }
  SUBCASE("a stage that may mix columns") {
    json doc = c["document"];
    doc["stages"].insert(doc["stages"].begin(),
                         json{{"kind", "callback_tap"}, {"params", {{"label", "x"}}}});
    MLGUARD_CHECK_THROWS_ID(linear_explainer::from_document(doc, bg),
                            "mlguard.explain.unsupported_stage");
  }
  SUBCASE("a background for other features") {
    auto other = bg;
    other.features[0] = "z";
    MLGUARD_CHECK_THROWS_ID(linear_explainer::from_document(c["document"], other),
                            "mlguard.explain.background_mismatch");
    other = bg;
    other.mean.pop_back();
    MLGUARD_CHECK_THROWS_ID(linear_explainer::from_document(c["document"], other),
                            "mlguard.explain.background_mismatch");
  }
  SUBCASE("training rows of the wrong width, or none") {
    MLGUARD_CHECK_THROWS_ID(measure_background(c["document"], train.leftCols(3)),
                            "mlguard.explain.size_mismatch");
    MLGUARD_CHECK_THROWS_ID(measure_background(c["document"], train.topRows(0)),
                            "mlguard.explain.empty_data");
  }
}

TEST_CASE("the background round-trips through its document") {
  const json& c = reference()["linear"];
  const auto bg = measure_background(c["document"], matrix(c["X_train"]));
  const auto back = background::from_json(bg.to_json());
  CHECK(back.features == bg.features);
  CHECK(back.mean == bg.mean);
  CHECK(back.rows == bg.rows);
  json bad = bg.to_json();
  bad["mean"].erase(0);
  MLGUARD_CHECK_THROWS_ID(background::from_json(bad), "mlguard.format.corrupt");
}

TEST_CASE("top(k) agrees with a full sort on wide models, on both of its paths") {
  // A bare linear model over n features: contributions are coef · (x − mean).
  for (const std::size_t n : {std::size_t{40}, std::size_t{300}}) {
    CAPTURE(n);
    std::vector<std::string> names;
    std::vector<double> coef;
    for (std::size_t j = 0; j < n; ++j) {
      names.push_back("f" + std::to_string(j));
      coef.push_back(std::sin(static_cast<double>(j) * 1.7) * 3.0);
    }
    json doc = {{"format", "mlguard.pipeline"},
                {"format_version", 1},
                {"input_features", names},
                {"output_features", {"prediction"}},
                {"stages",
                 {{{"kind", "linear_regression"},
                   {"params", {{"coef", coef}, {"intercept", 0.5}, {"output", "prediction"}}}}}}};
    background bg;
    bg.features = names;
    bg.mean.assign(n, 0.25);
    auto e = linear_explainer::from_document(doc, bg);
    std::vector<double> row(n);
    for (std::size_t j = 0; j < n; ++j) {
      row[j] = std::cos(static_cast<double>(j) * 0.37) * 2.0;
    }
    row[3] = row[5] = 0.25; // two exact zeros: a tie the lower index wins
    std::vector<double> all(n);
    REQUIRE(e.contributions(row.data(), all.data()) == pipeline::row_status::ok);
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t j = 0; j < n; ++j) {
      order[j] = j;
    }
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::abs(all[a]) > std::abs(all[b]);
    });
    for (const std::size_t k : {std::size_t{5}, std::size_t{8}, std::size_t{12}}) {
      std::vector<feature_contribution> top(k);
      REQUIRE(e.top(row.data(), top.data(), k) == k);
      for (std::size_t r = 0; r < k; ++r) {
        CHECK(top[r].feature == order[r]);
        CHECK(top[r].value == all[order[r]]);
      }
    }
    // the smallest ones, ties included, come out in index order
    std::vector<feature_contribution> everything(n);
    REQUIRE(e.top(row.data(), everything.data(), n) == n);
    CHECK(everything[n - 2].feature == 3);
    CHECK(everything[n - 1].feature == 5);
  }
}

TEST_CASE("linear contributions: a monitoring tap is passed over, so explaining feeds no second "
          "drift monitor, and the contributions are those of the pipeline without it") {
  using namespace mlguard::pipeline;
  std::mt19937_64 gen(3);
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd X(400, 2);
  Eigen::VectorXd y(400);
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    X(i, 0) = normal(gen);
    X(i, 1) = normal(gen);
    y[i] = 2 * X(i, 0) - X(i, 1);
  }
  drift::monitor_options o;
  o.window = drift::window_options::tumbling(10);
  static_pipeline<standard_scaler, monitoring_tap, linear_regression> tapped(
      standard_scaler{}, monitoring_tap(o), linear_regression{});
  tapped.fit(X, {"x", "z"}, y);
  static_pipeline<standard_scaler, linear_regression> plain;
  plain.fit(X, {"x", "z"}, y);
  const auto with_tap = linear_explainer::from_document(
      tapped.to_json(), measure_background(tapped.to_json(), X, all_stages()), all_stages());
  auto e = with_tap;
  auto reference = linear_explainer::of(plain, measure_background(plain, X));
  double a[3];
  double b[3];
  for (Eigen::Index i = 0; i < 100; ++i) { // ten tap windows' worth of rows
    const double row[2] = {X(i, 0) + 3.0, X(i, 1)};
    e.explain_row(row, a);
    reference.explain_row(row, b);
    for (int k = 0; k < 3; ++k) {
      CHECK(a[k] == doctest::Approx(b[k]).epsilon(1e-12));
    }
  }
  CHECK(e.preprocessing_stages() == 1); // the scaler alone: the tap is not in the copy
}

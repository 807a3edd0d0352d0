// `mlguard check-model` end to end: the real executable on a registry with a published
// champion, challenger bundle directories and generated holdout CSV files.
#include <cstdio>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/serving/model_comparison.hpp"
#include "mlguard/serving/model_test_suite.hpp"
#include "mlguard/serving/publish.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace check_model_cli {

// A tip model fitted to "tipped when fare + weight·distance > 16" (2 is the truth).
serving::model_bundle rule_bundle(double weight) {
  Eigen::VectorXd y;
  const table t = test::tip_trips(1, 12.0, 2000, &y);
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    const auto r = static_cast<std::size_t>(i);
    y[i] = t.at("fare").values()[r] + weight * t.at("distance").values()[r] > 16 ? 1 : 0;
  }
  Eigen::MatrixXd X(static_cast<Eigen::Index>(t.rows()), 2);
  X << t.at("fare").vector(), t.at("distance").vector();
  test::tip_pipeline p;
  p.fit(X, {"fare", "distance"}, y);
  return serving::make_bundle(p, t);
}

// A holdout CSV of n trips labelled by the true rule ("tipped"); no rows when n is 0.
std::string holdout_csv(const test::temp_dir& dir, const std::string& name, std::size_t n) {
  Eigen::VectorXd y;
  const table t = test::tip_trips(77, 12.0, n == 0 ? 1 : n, &y);
  std::string csv = "fare,distance,tipped\n";
  for (std::size_t i = 0; i < n; ++i) {
    char line[128];
    std::snprintf(line, sizeof line, "%.17g,%.17g,%g\n", t.at("fare").values()[i],
                  t.at("distance").values()[i], y[static_cast<Eigen::Index>(i)]);
    csv += line;
  }
  return dir.write(name, csv);
}

// A registry at dir/registry whose model "tips" has the ignore-distance model as
// version 1 at champion, and the true-rule model as version 2 (unaliased).
std::string registry_with_champion(const test::temp_dir& dir) {
  const auto root = dir.file("registry");
  registry::file_registry models(root);
  serving::file_artifact_store store(root + "/artifacts");
  const auto v1 = serving::publish(models, store, "tips", rule_bundle(0.0));
  serving::publish(models, store, "tips", rule_bundle(2.0));
  REQUIRE(models.set_alias("tips", "champion", v1.version));
  return root;
}

using taxi_pipeline = pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler,
                                                pipeline::linear_regression>;

// A bundle of tip_amount regressed on `features` of the month at `path`.
serving::model_bundle taxi_bundle(const table& month, const std::vector<std::string>& features) {
  taxi_pipeline p;
  p.fit(to_matrix<Eigen::MatrixXd>(month, features), features, month.at("tip_amount").vector());
  return serving::make_bundle(p, month);
}

} // namespace check_model_cli

TEST_CASE("mlguard check-model: exit 1 for a worse challenger, 0 for a better one, and --record "
          "feeds the promotion guard") {
  const test::temp_dir dir;
  const auto root = check_model_cli::registry_with_champion(dir);
  const auto holdout = check_model_cli::holdout_csv(dir, "holdout.csv", 400);
  serving::save_bundle(dir.file("worse"), check_model_cli::rule_bundle(-1.0));
  serving::save_bundle(dir.file("better"), check_model_cli::rule_bundle(2.0));
  const std::vector<std::string> common{
      "--holdout",   holdout, "--against",   "models:/tips@champion",
      "--registry",  root,    "--label",     "tipped",
      "--tolerance", "0.01",  "--resamples", "200"};
  auto args = std::vector<std::string>{"check-model", "--bundle", dir.file("worse")};
  args.insert(args.end(), common.begin(), common.end());
  args.insert(args.end(), {"--format", "json"});
  const auto worse = test::run_cli(args);
  CHECK_MESSAGE(worse.exit_code == 1, worse.err);
  const auto doc = parse_json(worse.out, "stdout");
  CHECK(doc["format"] == "mlguard.model_check");
  CHECK(doc["passed"] == false);
  CHECK(doc["comparison"]["metrics"][0]["test"] == "mcnemar_exact");
  CHECK(doc["reason"].get<std::string>().find("McNemar's exact test on accuracy") !=
        std::string::npos);
  CHECK(doc["comparison"]["metrics"][1]["ci_high"].get<double>() < -0.01);

  args = {"check-model", "--bundle", dir.file("better")};
  args.insert(args.end(), common.begin(), common.end());
  args.push_back("--record");
  const auto better = test::run_cli(args);
  CHECK_MESSAGE(better.exit_code == 0, better.err);
  CHECK(better.out.find("verdict: pass") != std::string::npos);
  CHECK(better.out.find("verdict recorded on tips v2") != std::string::npos);

  // The recorded verdict lets the guard promote v2.
  registry::file_registry models(root);
  models.guards().add("model_checked", serving::guards::model_checked<>(), "champion");
  CHECK(models.get_version("tips", 2).tags.at(serving::model_check_tag::verdict) == "pass");
  CHECK(models.set_alias("tips", "champion", 2));

  // HTML to a file.
  args = {"check-model", "--bundle", dir.file("worse")};
  args.insert(args.end(), common.begin(), common.end());
  args.insert(args.end(), {"--format", "html", "-o", dir.file("check.html")});
  const auto html = test::run_cli(args);
  CHECK(html.exit_code == 1);
  const auto page = test::read_file(dir.file("check.html"));
  CHECK(page.find("<title>Model check</title>") != std::string::npos);
  CHECK(page.find("mcnemar_exact") != std::string::npos);
  CHECK(page.find("badge bad") != std::string::npos);
}

TEST_CASE("mlguard check-model: the behavioural tests kept in the bundle decide alone without "
          "--against") {
  const test::temp_dir dir;
  const auto holdout = check_model_cli::holdout_csv(dir, "holdout.csv", 100);
  auto b = check_model_cli::rule_bundle(2.0);
  serving::model_test_suite ok;
  ok.add_directional("more fare, no less tip", "fare", 5.0);
  serving::attach_model_tests(b, ok);
  serving::save_bundle(dir.file("ok"), b);
  serving::model_test_suite bad;
  bad.add_invariance("distance must not matter", "distance", {"0.5", "8"}, 1e-3);
  serving::attach_model_tests(b, bad);
  serving::save_bundle(dir.file("bad"), b);

  const auto pass =
      test::run_cli({"check-model", "--bundle", dir.file("ok"), "--holdout", holdout});
  CHECK_MESSAGE(pass.exit_code == 0, pass.err);
  CHECK(pass.out.find("more fare, no less tip") != std::string::npos);
  const auto fail = test::run_cli(
      {"check-model", "--bundle", dir.file("bad"), "--holdout", holdout, "--format", "json"});
  CHECK(fail.exit_code == 1);
  const auto doc = parse_json(fail.out, "stdout");
  CHECK(doc["behaviour"]["tests"][0]["passed"] == false);
  CHECK(doc["reason"].get<std::string>().find("invariance test 'distance must not matter'") == 0);
}

TEST_CASE("mlguard check-model: input errors exit 2 with their ids") {
  const test::temp_dir dir;
  const auto root = check_model_cli::registry_with_champion(dir);
  serving::save_bundle(dir.file("better"), check_model_cli::rule_bundle(2.0));
  const auto holdout = check_model_cli::holdout_csv(dir, "holdout.csv", 50);
  const auto run = [&](const std::string& data, const std::string& label,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"check-model",
                                  "--bundle",
                                  dir.file("better"),
                                  "--holdout",
                                  data,
                                  "--against",
                                  "models:/tips@champion",
                                  "--registry",
                                  root,
                                  "--label",
                                  label};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::run_cli(args);
  };
  SUBCASE("a label column missing") {
    const auto r = run(holdout, "tip");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("mlguard.argument.unknown_column") != std::string::npos);
    CHECK(r.err.find("'tip'") != std::string::npos);
  }
  SUBCASE("an empty holdout") {
    const auto r = run(dir.write("empty.csv", "fare,distance,tipped\n"), "tipped");
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("mlguard.validate.empty_data") != std::string::npos);
  }
  SUBCASE("labels that are not 0/1 for accuracy") {
    const auto r = run(dir.write("bad_labels.csv", "fare,distance,tipped\n10,1,0\n20,3,2\n"),
                       "tipped", {"--metric", "accuracy"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("mlguard.stats.invalid_label") != std::string::npos);
  }
  SUBCASE("nothing to check") {
    const auto r =
        test::run_cli({"check-model", "--bundle", dir.file("better"), "--holdout", holdout});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("nothing to check") != std::string::npos);
  }
  SUBCASE("--against without --registry") {
    const auto r = test::run_cli({"check-model", "--bundle", dir.file("better"), "--holdout",
                                  holdout, "--against", "models:/tips@champion"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("mlguard.argument.invalid_option") != std::string::npos);
  }
}

TEST_CASE("mlguard check-model on NYC taxi: tip models compared by RMSE on February") {
  const auto data = test::shared_data_dir();
  if (!data) {
    MESSAGE("skipped: the NYC taxi sample (../shared/data/nyc-taxi) is not here");
    return;
  }
  const test::temp_dir dir;
  const table jan = io::read_csv(*data + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  const auto feb = *data + "/nyc-taxi/yellow_tripdata_sample_2019-02.csv";
  const auto root = dir.file("registry");
  {
    registry::file_registry models(root);
    serving::file_artifact_store store(root + "/artifacts");
    const auto v1 =
        serving::publish(models, store, "taxi",
                         check_model_cli::taxi_bundle(jan, {"payment_type", "passenger_count"}));
    REQUIRE(models.set_alias("taxi", "champion", v1.version));
  }
  serving::save_bundle(dir.file("full"),
                       check_model_cli::taxi_bundle(jan, {"fare_amount", "trip_distance",
                                                          "passenger_count", "payment_type"}));
  serving::save_bundle(dir.file("passengers"),
                       check_model_cli::taxi_bundle(jan, {"passenger_count"}));
  const auto check = [&](const std::string& bundle) {
    return test::run_cli({"check-model", "--bundle", dir.file(bundle), "--holdout", feb, "--label",
                          "tip_amount", "--against", "models:/taxi@champion", "--registry", root,
                          "--tolerance", "0.01", "--max-excluded", "0.05", "--format", "json"});
  };
  const auto better = check("full");
  REQUIRE_MESSAGE(better.exit_code == 0, better.err);
  const auto good = parse_json(better.out, "stdout");
  CHECK(good["comparison"]["metrics"][0]["metric"] == "rmse");
  CHECK(good["comparison"]["metrics"][0]["ci_low"].get<double>() > 0.0);
  const auto worse = check("passengers");
  CHECK_MESSAGE(worse.exit_code == 1, worse.err);
  const auto bad = parse_json(worse.out, "stdout");
  CHECK(bad["comparison"]["metrics"][0]["ci_high"].get<double>() < -0.01);
  CHECK(bad["reason"].get<std::string>().find("paired bootstrap on rmse") != std::string::npos);
  MESSAGE(good["comparison"]["metrics"][0]["reason"].get<std::string>());
  MESSAGE(bad["reason"].get<std::string>());
}

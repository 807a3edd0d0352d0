// `mlguard assess`: the risk assessment of a bundle before deployment
// (issue 17, part 4): the checks it lists, its exit status, its documents.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/report/risk_report.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/model_test_suite.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace assess_cli_test {

/// `n` tip trips as CSV (fare, distance), drawn with `seed` around `mean_fare`.
std::string trips_csv(std::uint64_t seed, double mean_fare, std::size_t n) {
  const table t = test::tip_trips(seed, mean_fare, n);
  std::string csv = "fare,distance\n";
  char line[80];
  for (std::size_t i = 0; i < t.rows(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%.17g\n", t.at("fare").values()[i],
                  t.at("distance").values()[i]);
    csv += line;
  }
  return csv;
}

/// `n` tip trips as CSV with their labels (tipped) and two group columns: `near`
/// (distance below 2, which the model's score depends on) and `parity` (the row's
/// parity, which nothing depends on).
std::string labelled_trips_csv(std::uint64_t seed, std::size_t n) {
  Eigen::VectorXd tipped;
  const table t = test::tip_trips(seed, 12.0, n, &tipped);
  std::string csv = "fare,distance,tipped,near,parity\n";
  char line[120];
  for (std::size_t i = 0; i < t.rows(); ++i) {
    const double distance = t.at("distance").values()[i];
    std::snprintf(line, sizeof line, "%.17g,%.17g,%g,%s,%s\n", t.at("fare").values()[i], distance,
                  tipped[static_cast<Eigen::Index>(i)], distance < 2 ? "near" : "far",
                  i % 2 == 0 ? "even" : "odd");
    csv += line;
  }
  return csv;
}

/// The tip bundle with fare bounded to [-100, 100] and distance given `max` (none: unbounded).
serving::model_bundle tips(std::uint64_t seed, std::optional<double> distance_max) {
  auto b = test::tip_bundle(seed);
  auto features = b.schema.features();
  for (auto& f : features) {
    f.min = f.name == "fare" ? -100.0 : 0.0;
    f.max = f.name == "fare" ? std::optional<double>(100.0) : distance_max;
  }
  b.schema = validate::schema(features);
  return b;
}

/// The open risks of `doc` (a mlguard.risk_assessment) as "area/check/subject/level".
std::vector<std::string> open_risks(const json& doc) {
  std::vector<std::string> out;
  for (const auto& r : doc.at("risks")) {
    if (r.at("open").get<bool>()) {
      out.push_back(r.at("area").get<std::string>() + "/" + r.at("check").get<std::string>() + "/" +
                    r.at("subject").get<std::string>() + "/" + r.at("level").get<std::string>());
    }
  }
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

} // namespace assess_cli_test

TEST_CASE("mlguard assess: no rollback target and an unbounded feature are blocking risks: exit 1, "
          "in text, JSON and HTML") {
  using namespace assess_cli_test;
  const test::temp_dir dir;
  serving::save_bundle(dir.file("bundle"), tips(1, std::nullopt));
  const auto holdout = dir.write("holdout.csv", trips_csv(7, 12.0, 500));
  const std::vector<std::string> base{"assess", "--bundle", dir.file("bundle"), "--holdout",
                                      holdout};

  auto with = [&](std::vector<std::string> more) {
    auto a = base;
    a.insert(a.end(), more.begin(), more.end());
    return test::run_cli(a);
  };
  const auto as_json = with({"--format", "json"});
  REQUIRE_MESSAGE(as_json.exit_code == 1, as_json.err);
  const json doc = parse_json(as_json.out, "assess");
  CHECK(doc["format"] == "mlguard.risk_assessment");
  CHECK(doc["blocked"] == true);
  CHECK(doc["holdout_rows"] == 500);
  const auto open = open_risks(doc);
  CHECK(has(open, "schema/unbounded_numeric/distance/blocking"));
  CHECK(has(open, "operations/rollback_target//blocking"));
  CHECK(has(open, "operations/rollback_policy//warning"));
  CHECK(!has(open, "schema/unbounded_numeric/fare/blocking")); // fare has both bounds
  CHECK(doc["open"]["blocking"] == 2);
  // The document reads back.
  const auto back = report::risk_report::from_json(doc, "assess");
  CHECK(back.blocked());
  CHECK(back.to_json() == doc);

  const auto text = with({});
  CHECK(text.exit_code == 1);
  CHECK(text.out.find("'distance' has no max in the schema") != std::string::npos);
  CHECK(text.out.find("no --registry and --model given") != std::string::npos);
  CHECK(text.out.find("do not deploy") != std::string::npos);

  const auto page = with({"--format", "html", "-o", dir.file("risk.html")});
  CHECK(page.exit_code == 1);
  const auto html = test::read_file(dir.file("risk.html"));
  CHECK(html.find("do not deploy") != std::string::npos);
  CHECK(html.find("<tr class=\"error\"><td>blocking</td><td>schema</td><td>unbounded_numeric</td>"
                  "<td>distance</td>") != std::string::npos);

  // --level makes a check weigh less: with both downgraded, nothing blocks.
  const auto relaxed =
      with({"--level", "unbounded_numeric=warning", "--level", "rollback_target=info"});
  CHECK_MESSAGE(relaxed.exit_code == 0, relaxed.err);
  CHECK(relaxed.out.find("no blocking risk") != std::string::npos);
}

TEST_CASE("mlguard assess: a bounded bundle with a champion to return to and a policy: exit 0, "
          "and skew and missing values of the holdout are listed") {
  using namespace assess_cli_test;
  const test::temp_dir dir;
  const auto root = dir.file("registry");
  // Version 1 is the champion; the bundle assessed is a new fit, not registered yet.
  serving::save_bundle(dir.file("v1"), tips(2, 50.0));
  REQUIRE(
      test::run_cli({"registry", "--root", root, "publish", "tips", dir.file("v1")}).exit_code ==
      0);
  REQUIRE(test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "1"}).exit_code ==
          0);
  serving::save_bundle(dir.file("bundle"), tips(1, 50.0));
  const auto policy = dir.write(
      "policy.json", "{\"format\": \"mlguard.rollback_policy\", \"format_version\": 1, "
                     "\"policy\": {\"kind\": \"threshold\", \"signal\": \"error_rate\", "
                     "\"trip\": 0.5, \"reset\": 0.2, \"worse\": \"above\", \"min_samples\": 0}}");
  const auto holdout = dir.write("holdout.csv", trips_csv(7, 12.0, 500));
  const std::vector<std::string> args{
      "assess",  "--bundle", dir.file("bundle"), "--holdout", holdout,    "--registry", root,
      "--model", "tips",     "--policy",         policy,      "--format", "json"};
  const auto r = test::run_cli(args);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const json doc = parse_json(r.out, "assess");
  CHECK(doc["blocked"] == false);
  const auto open = open_risks(doc);
  // Only the two checks this bundle and holdout cannot satisfy: no group column to
  // measure bias on, no behavioural tests kept.
  CHECK(open == std::vector<std::string>{"fairness/bias_unmeasured//warning",
                                         "model_tests/no_behavioural_tests//warning"});
  bool rollback_passed = false;
  for (const auto& x : doc["risks"]) {
    if (x["check"] == "rollback_target") {
      rollback_passed = !x["open"].get<bool>() && x["detail"].get<std::string>().find(
                                                      "returns to version 1") != std::string::npos;
    }
  }
  CHECK(rollback_passed);

  // Once the bundle is the champion, the target is the champion's previous version.
  REQUIRE(test::run_cli({"registry", "--root", root, "publish", "tips", dir.file("bundle")})
              .exit_code == 0);
  REQUIRE(test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "2"}).exit_code ==
          0);
  const auto promoted = test::run_cli(args);
  CHECK(promoted.exit_code == 0);
  CHECK(promoted.out.find("champion's previous version") != std::string::npos);

  // A holdout that drifted (fares around 30 instead of 12) and lost an eighth of its
  // distances: skew above the threshold the inferred schema sets (blocking: exit 1) and
  // a high missing share (a warning).
  std::string shifted = trips_csv(8, 30.0, 500);
  std::size_t at = 0;
  for (int i = 0; i < 60; ++i) { // every 8th row's distance emptied
    for (int k = 0; k < 8; ++k) {
      at = shifted.find('\n', at) + 1;
    }
    const auto comma = shifted.find(',', at);
    shifted.erase(comma + 1, shifted.find('\n', comma) - comma - 1);
  }
  auto skewed_args = args;
  skewed_args[4] = dir.write("shifted.csv", shifted);
  const auto skewed = test::run_cli(skewed_args);
  CHECK_MESSAGE(skewed.exit_code == 1, skewed.err);
  const auto skew_open = open_risks(parse_json(skewed.out, "assess"));
  CHECK(has(skew_open, "skew/training_serving_skew/fare/blocking"));
  CHECK(!has(skew_open, "skew/training_serving_skew/distance/blocking"));
  CHECK(has(skew_open, "schema/high_missing_share/distance/warning"));

  // Where the schema sets no skew threshold, the default Jensen-Shannon limit finds it,
  // as a warning.
  auto b = tips(1, 50.0);
  auto features = b.schema.features();
  for (auto& f : features) {
    f.skew = {};
  }
  b.schema = validate::schema(features);
  serving::save_bundle(dir.file("no_thresholds"), b);
  auto default_args = skewed_args;
  default_args[2] = dir.file("no_thresholds");
  const auto by_default = test::run_cli(default_args);
  CHECK_MESSAGE(by_default.exit_code == 0, by_default.err);
  const auto default_open = open_risks(parse_json(by_default.out, "assess"));
  CHECK(has(default_open, "skew/training_serving_skew/fare/warning"));
  CHECK(by_default.out.find("above the default 0.1") != std::string::npos);
}

TEST_CASE("mlguard assess: bias across the groups of a sensitive attribute, by Fairlearn's "
          "disparities: blocking beyond the four-fifths rule") {
  using namespace assess_cli_test;
  const test::temp_dir dir;
  serving::save_bundle(dir.file("bundle"), tips(1, 50.0));
  const auto holdout = dir.write("holdout.csv", labelled_trips_csv(11, 2000));
  const std::vector<std::string> base{"assess",
                                      "--bundle",
                                      dir.file("bundle"),
                                      "--holdout",
                                      holdout,
                                      "--labels",
                                      "tipped",
                                      "--format",
                                      "json",
                                      "--level",
                                      "rollback_target=info"};
  auto with = [&](std::vector<std::string> more) {
    auto a = base;
    a.insert(a.end(), more.begin(), more.end());
    return test::run_cli(a);
  };
  auto risk_of = [](const json& doc, const std::string& check, const std::string& subject) {
    for (const auto& x : doc["risks"]) {
      if (x["area"] == "fairness" && x["check"] == check && x["subject"] == subject) {
        return x;
      }
    }
    return json();
  };
  // Groups the score depends on: the near trips are tipped far less often.
  const auto near = with({"--group", "near", "--group", "parity"});
  CHECK_MESSAGE(near.exit_code == 1, near.err);
  const json doc = parse_json(near.out, "assess");
  const json parity_near = risk_of(doc, "demographic_parity", "near");
  REQUIRE(parity_near.is_object());
  CHECK(parity_near["open"] == true);
  CHECK(parity_near["level"] == "blocking");
  CHECK(parity_near["detail"].get<std::string>().find(
            "below 0.8 on 2 groups of 'near', 2000 rows") != std::string::npos);
  // Groups nothing depends on pass.
  const json parity_even = risk_of(doc, "demographic_parity", "parity");
  REQUIRE(parity_even.is_object());
  CHECK(parity_even["open"] == false);
  CHECK(risk_of(doc, "equalized_odds", "parity")["open"] == false);

  // Without --group the bias is not measured: a warning, which does not block.
  const auto none = with({});
  CHECK(none.exit_code == 0);
  CHECK(risk_of(parse_json(none.out, "assess"), "bias_unmeasured", "")["open"] == true);
  // --group needs --labels; a group column the holdout lacks is an input error.
  auto no_labels = base;
  no_labels.erase(no_labels.begin() + 5, no_labels.begin() + 7);
  no_labels.insert(no_labels.end(), {"--group", "near"});
  CHECK(test::run_cli(no_labels).exit_code == 2);
  const auto unknown = with({"--group", "borough"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("borough") != std::string::npos);
}

TEST_CASE("mlguard assess: the behavioural tests the bundle keeps, and the global importance with "
          "features that should not matter") {
  using namespace assess_cli_test;
  const test::temp_dir dir;
  auto b = tips(1, 50.0);
  serving::save_bundle(dir.file("untested"), b);
  serving::model_test_suite suite;
  suite.add_directional("longer trips are not tipped less", "distance", 1.0)
      .add_invariance("the fare does not matter", "fare", {"5", "40"}, 1e-6);
  serving::attach_model_tests(b, suite);
  serving::save_bundle(dir.file("tested"), b);
  const auto holdout = dir.write("holdout.csv", trips_csv(7, 12.0, 300));
  auto assess = [&](const std::string& bundle, std::vector<std::string> more) {
    std::vector<std::string> a{"assess",    "--bundle", dir.file(bundle),
                               "--holdout", holdout,    "--format",
                               "json",      "--level",  "rollback_target=info"};
    a.insert(a.end(), more.begin(), more.end());
    const auto r = test::run_cli(a);
    CHECK_MESSAGE(r.exit_code != 2, r.err);
    return std::make_pair(r.exit_code, parse_json(r.out, "assess"));
  };

  // The fare matters, so its invariance test fails: blocking, with the numbers.
  const auto [tested_exit, tested] = assess("tested", {});
  CHECK(tested_exit == 1);
  const auto open = open_risks(tested);
  CHECK(has(open, "model_tests/behavioural_test/the fare does not matter/blocking"));
  CHECK(!has(open, "model_tests/behavioural_test/longer trips are not tipped less/blocking"));
  // A bundle without tests: a warning only.
  const auto [untested_exit, untested] = assess("untested", {});
  CHECK(untested_exit == 0);
  CHECK(has(open_risks(untested), "model_tests/no_behavioural_tests//warning"));

  // The global importance: both features, shares summing to 100%.
  std::string importance;
  for (const auto& x : untested["risks"]) {
    if (x["check"] == "global_importance") {
      importance = x["detail"].get<std::string>();
    }
  }
  CHECK(importance.find("mean |contribution| shares: ") == 0);
  CHECK(importance.find("fare") != std::string::npos);
  CHECK(importance.find("distance") != std::string::npos);
  // A feature that should not matter but carries much of the importance blocks; with a
  // limit above its share it passes.
  const auto [distance_exit, distance] = assess("untested", {"--unexpected", "distance"});
  CHECK(distance_exit == 1);
  CHECK(has(open_risks(distance), "explanations/unexpected_importance/distance/blocking"));
  const auto [relaxed_exit, relaxed] =
      assess("untested", {"--unexpected", "distance", "--max-unexpected", "0.99"});
  CHECK(relaxed_exit == 0);
  CHECK(open_risks(relaxed).size() == open_risks(untested).size());
  // A misspelt name is an input error, not a passed check.
  const auto misspelt = test::run_cli({"assess", "--bundle", dir.file("untested"), "--holdout",
                                       holdout, "--unexpected", "distanse"});
  CHECK(misspelt.exit_code == 2);
  CHECK(misspelt.err.find("[mlguard.argument.unknown_column] --unexpected 'distanse'") !=
        std::string::npos);
}

TEST_CASE("mlguard assess: bad input is exit 2 with the error id") {
  using namespace assess_cli_test;
  const test::temp_dir dir;
  serving::save_bundle(dir.file("bundle"), tips(1, 50.0));
  const auto holdout = dir.write("holdout.csv", trips_csv(7, 12.0, 50));
  auto run = [&](std::vector<std::string> more) {
    std::vector<std::string> a{"assess"};
    a.insert(a.end(), more.begin(), more.end());
    return test::run_cli(a);
  };
  auto fails = [](const test::process_result& r, const std::string& id) {
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("[" + id + "]") != std::string::npos, r.err);
  };
  fails(run({"--bundle", dir.file("nothing"), "--holdout", holdout}),
        "mlguard.serving.bundle_incomplete");
  fails(
      run({"--bundle", dir.file("bundle"), "--holdout", dir.write("empty.csv", "fare,distance\n")}),
      "mlguard.validate.empty_data");
  fails(run({"--bundle", dir.file("bundle"), "--holdout", holdout, "--registry", dir.path}),
        "mlguard.argument.invalid_option");
  fails(run({"--bundle", dir.file("bundle"), "--holdout", holdout, "--level", "vibes=blocking"}),
        "mlguard.argument.invalid_option");
  fails(run({"--bundle", dir.file("bundle"), "--holdout", holdout, "--level", "smoke_rows=urgent"}),
        "mlguard.argument.invalid_option");
  fails(run({"--bundle", dir.file("bundle"), "--holdout", holdout, "--policy",
             dir.write("p.json", "{\"format\": \"mlguard.rollback_policy\"")}),
        "mlguard.format.corrupt");
}

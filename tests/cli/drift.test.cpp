// `mlguard drift` end to end: the real executable, real files.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/drift_report.hpp"
#include "mlguard/drift/method.hpp"
#include "test_support.hpp"

using namespace mlguard;

TEST_CASE("mlguard drift: JSON output is the drift_report document") {
  test::temp_dir dir;
  const auto ref = dir.write("ref.csv", "x,c\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n7,a\n,b\n");
  const auto cur = dir.write("cur.csv", "x,c\n11,a\n12,b\n13,c\n14,b\n15,a\n16,b\n17,a\n18,b\n");
  const auto r = test::run_cli({"drift", "--reference", ref, "--current", cur, "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 1, r.err); // x drifted: findings
  const auto doc = parse_json(r.out, "stdout");
  const auto report = drift::drift_report::from_json(doc, "stdout"); // the documented envelope
  CHECK(report.dataset_drift);
  REQUIRE(report.columns.size() == 2);
  const auto& x = doc["columns"][0];
  CHECK(x["name"] == "x");
  CHECK(x["kind"] == "numeric");
  CHECK(x["method"] == "ks_2samp"); // Evidently's rule: ≤ 1000 reference values, > 5 distinct
  CHECK(x["p_value"].is_number());
  CHECK(x["drifted"] == true);
  CHECK(x["n_reference"] == 7);
  CHECK(x["missing_reference"] == 1);
  CHECK(x["n_current"] == 8);
  CHECK(x["missing_current"] == 0);
  const auto& c = doc["columns"][1];
  CHECK(c["kind"] == "categorical");
  CHECK(c["method"] == "chi_square");
  CHECK(c["unseen_categories"] == 1);
}

TEST_CASE("mlguard drift: a distance method has a null p_value, and text output is a table") {
  test::temp_dir dir;
  const auto ref = dir.write("ref.csv", "x\n1\n2\n3\n4\n5\n6\n");
  const auto cur = dir.write("cur.csv", "x\n1\n2\n3\n4\n5\n6\n");
  auto r = test::run_cli(
      {"drift", "--reference", ref, "--current", cur, "--method", "psi", "--format", "json"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err); // identical data: clean
  const auto doc = parse_json(r.out, "stdout");
  CHECK(doc["columns"][0]["p_value"].is_null());
  CHECK(doc["columns"][0]["statistic"] == 0.0);
  CHECK(doc["dataset_drift"] == false);

  r = test::run_cli({"drift", "--reference", ref, "--current", cur});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("column") == 0);
  CHECK(r.out.find("no dataset drift") != std::string::npos);
}

TEST_CASE("mlguard drift: exit status 1 on dataset drift, 0 when clean, so scripts can gate") {
  test::temp_dir dir;
  std::string same = "x,y\n";
  std::string moved = "x,y\n";
  for (int i = 0; i < 60; ++i) {
    same += std::to_string(i % 17) + "," + std::to_string(i % 13) + "\n";
    moved += std::to_string(i % 17 + 40) + "," + std::to_string(i % 13) + "\n";
  }
  const auto ref = dir.write("ref.csv", same);
  const auto clean = dir.write("clean.csv", same);
  const auto drifted = dir.write("drifted.csv", moved);
  // x moved, y did not: one of two columns drifted.
  CHECK(test::run_cli({"drift", "--reference", ref, "--current", clean}).exit_code == 0);
  CHECK(test::run_cli({"drift", "--reference", ref, "--current", drifted}).exit_code == 1);
  // The gate follows the dataset verdict, so --drift-share moves it.
  CHECK(test::run_cli({"drift", "--reference", ref, "--current", drifted, "--drift-share", "0.6"})
            .exit_code == 0);
  CHECK(test::run_cli({"drift", "--reference", ref, "--current", drifted, "--columns", "y"})
            .exit_code == 0);

  SUBCASE("-o writes the report instead of stdout, in either format") {
    const auto json_path = dir.path + "/report.json";
    auto r = test::run_cli(
        {"drift", "--reference", ref, "--current", drifted, "--format", "json", "-o", json_path});
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    const auto saved = drift::drift_report::load(json_path);
    CHECK(saved.dataset_drift);
    CHECK(saved.columns.size() == 2);
    const auto text_path = dir.path + "/report.txt";
    r = test::run_cli({"drift", "--reference", ref, "--current", clean, "-o", text_path});
    CHECK(r.exit_code == 0);
    CHECK(r.out.empty());
    CHECK(test::read_file(text_path).find("no dataset drift") != std::string::npos);
  }
}

TEST_CASE("mlguard drift: bad input is one clear line on stderr and exit status 2") {
  test::temp_dir dir;
  const auto good = dir.write("good.csv", "a,b\n1,2\n3,4\n");
  const auto ragged = dir.write("ragged.csv", "a,b\n1,2\n3\n");
  const auto empty = dir.write("empty.csv", "");
  struct bad_case {
    std::vector<std::string> args;
    std::string expected_in_stderr;
  };
  const std::vector<bad_case> cases = {
      {{"drift", "--reference", dir.path + "/missing.csv", "--current", good}, "missing.csv"},
      {{"drift", "--reference", good, "--current", ragged}, "ragged.csv:3"},
      {{"drift", "--reference", empty, "--current", good}, "empty.csv"},
      {{"drift", "--reference", good, "--current", good, "--columns", "a,zzz"}, "zzz"},
      {{"drift", "--reference", good, "--current", good, "--method", "magic"}, "magic"},
      {{"drift", "--reference", good, "--current", good, "--binning", "wide"}, "wide"},
      {{"drift", "--reference", good}, "--current"},
      {{"drift", "--reference", good, "--current", good, "--bins", "0"}, "bins"},
  };
  for (const auto& c : cases) {
    const auto r = test::run_cli(c.args);
    CAPTURE(c.expected_in_stderr);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(test::count_lines(r.err) == 1);
    CHECK(r.err.find(c.expected_in_stderr) != std::string::npos);
  }
}

TEST_CASE("mlguard drift on NYC taxi January vs February agrees with the Python twin") {
  const auto data = test::shared_data_dir();
  if (!data) {
    return;
  }
  const auto expected =
      parse_json(test::read_file(test::fixture_path("reference/nyc_drift.json")), "nyc_drift.json");
  const std::string ref = *data + "/" + expected["reference"].get<std::string>();
  const std::string cur = *data + "/" + expected["current"].get<std::string>();
  for (const auto& run : expected["runs"]) {
    std::vector<std::string> args{"drift", "--reference", ref,   "--current",
                                  cur,     "--format",    "json"};
    for (const auto& a : run["args"]) {
      args.push_back(a.get<std::string>());
    }
    const auto r = test::run_cli(args);
    const auto got = parse_json(r.out, "stdout");
    REQUIRE_MESSAGE(r.exit_code == (got["dataset_drift"] == true ? 1 : 0), r.err);
    REQUIRE(got["columns"].size() == run["columns"].size());
    for (std::size_t i = 0; i < run["columns"].size(); ++i) {
      const auto& want = run["columns"][i];
      const auto& have = got["columns"][i];
      INFO("args " << run["args"].dump() << ", column " << want["name"]);
      CHECK(have["name"] == want["name"]);
      CHECK(have["kind"] == want["kind"]);
      CHECK(have["n_reference"] == want["n_reference"]);
      CHECK(have["n_current"] == want["n_current"]);
      CHECK(have["missing_reference"] == want["missing_reference"]);
      CHECK(have["missing_current"] == want["missing_current"]);
      if (want.contains("skipped")) {
        CHECK(have.contains("skipped"));
        continue;
      }
      // The twin writes Evidently's stattest names; mlguard writes its function names.
      CHECK(drift::method_from_string(have["method"].get<std::string>()) ==
            drift::method_from_string(want["method"].get<std::string>()));
      const double s = want["statistic"].get<double>();
      CHECK(std::abs(have["statistic"].get<double>() - s) <= std::max(1e-12, 1e-9 * std::abs(s)));
      if (want["p_value"].is_null()) {
        CHECK(have["p_value"].is_null());
      } else {
        const double p = want["p_value"].get<double>();
        CHECK(std::abs(have["p_value"].get<double>() - p) <= std::max(1e-12, 1e-9 * p));
      }
    }
  }
}

// `mlguard bundle` and `mlguard registry publish` end to end: the real executable.
#include <cstdio>
#include <fstream>
#include <string>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/version.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"
#ifdef MLGUARD_TEST_XGBOOST
#include "xgboost/xgboost_support.hpp"
#endif

using namespace mlguard;

namespace {

// The training trips as CSV, with the label column the pipeline does not read.
std::string trips_csv() {
  Eigen::VectorXd y;
  const table t = test::tip_trips(1, 12.0, 2000, &y);
  std::string csv = "fare,distance,tipped\n";
  char line[96];
  for (std::size_t i = 0; i < t.rows(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%.17g,%g\n", t.at("fare").values()[i],
                  t.at("distance").values()[i], y[static_cast<Eigen::Index>(i)]);
    csv += line;
  }
  return csv;
}

} // namespace

TEST_CASE("cli bundle: create, verify, show, and publish to the registry") {
  const test::temp_dir dir;
  test::fitted_tips().save(dir.file("model.json"));
  const auto data = dir.write("train.csv", trips_csv());
  const auto bundle = dir.file("bundle");

  const auto created =
      test::run_cli({"bundle", "--format", "json", "create", "--pipeline", dir.file("model.json"),
                     "--data", data, "--out", bundle, "--meta", "owner=tips-team"});
  REQUIRE_MESSAGE(created.exit_code == 0, created.err);
  const json summary = json::parse(created.out);
  const std::string digest = summary["digest"];
  CHECK(digest.rfind("sha256:", 0) == 0);
  CHECK(summary["layout"].size() == 2);
  CHECK(summary["layout"][0]["name"] == "fare");
  CHECK(summary["smoke_rows"] == 5);
  CHECK(summary["metadata"]["owner"] == "tips-team");
  CHECK(summary["model"]["kind"] == "pipeline");
  CHECK(summary["outputs"] == test::fitted_tips().to_json()["output_features"]);

  const auto verified = test::run_cli({"bundle", "verify", bundle, "--digest", digest});
  CHECK(verified.exit_code == 0);
  CHECK(verified.out == "ok " + digest + "\n");
  const auto shown = test::run_cli({"bundle", "show", bundle});
  CHECK(shown.exit_code == 0);
  CHECK(shown.out.find("distance") != std::string::npos);
  CHECK(shown.out.find("model: pipeline\n") != std::string::npos);
  CHECK(test::run_cli({"bundle", "verify", bundle, "--digest", "sha256:" + std::string(64, 'a')})
            .exit_code == 1);

  // Published: the version records the bundle's digest.
  const auto root = dir.file("registry");
  const auto published = test::run_cli({"registry", "--root", root, "--format", "json", "publish",
                                        "tips", bundle, "--reason", "v1"});
  REQUIRE_MESSAGE(published.exit_code == 0, published.err);
  const json v = json::parse(published.out);
  CHECK(v["version"] == 1);
  CHECK(v["artifact_digest"] == digest);

  // A damaged member: verify says which, publish refuses.
  { std::ofstream(bundle + "/schema.json", std::ios::app) << " "; }
  const auto damaged = test::run_cli({"bundle", "verify", bundle});
  CHECK(damaged.exit_code == 1);
  CHECK(damaged.out.find("mlguard.serving.digest_mismatch") != std::string::npos);
  CHECK(damaged.out.find("schema.json") != std::string::npos);
  const auto refused = test::run_cli({"registry", "--root", root, "publish", "tips", bundle});
  CHECK(refused.exit_code == 2);
  CHECK(refused.err.find("digest_mismatch") != std::string::npos);
  CHECK(test::run_cli({"bundle", "show", dir.file("nothing")}).exit_code == 2);
}

#ifdef MLGUARD_TEST_XGBOOST
TEST_CASE("cli bundle: show names an XGBoost bundle's model and its outputs") {
  const test::temp_dir dir;
  const auto bundle = dir.file("bundle");
  serving::save_bundle(bundle, test::tip_xgboost_bundle(test::tip_booster()));
  const auto shown = test::run_cli({"bundle", "show", bundle});
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  CHECK(shown.out.find("booster.ubj") != std::string::npos);
  CHECK(shown.out.find("model: xgboost (booster.ubj)\n") != std::string::npos);
  const auto as_json = test::run_cli({"bundle", "--format", "json", "show", bundle});
  REQUIRE(as_json.exit_code == 0);
  const json summary = json::parse(as_json.out);
  CHECK(summary["model"] == json{{"kind", "xgboost"}, {"member", "booster.ubj"}});
  CHECK(summary["outputs"] == json::array({"score"}));
  CHECK(summary["members"].contains("model.json"));
}
#endif

TEST_CASE("cli bundle: show answers how a bundle was made (its lineage)") {
  const test::temp_dir dir;
  test::fitted_tips().save(dir.file("model.json"));
  const auto data = dir.write("train.csv", trips_csv());
  const auto bundle = dir.file("bundle");
  const auto created = test::run_cli({"bundle", "create", "--pipeline", dir.file("model.json"),
                                      "--data", data, "--out", bundle, "--code-version", "3f2c1ab",
                                      "--fit-option", "label=tipped", "--fit-option", "C=1"});
  REQUIRE_MESSAGE(created.exit_code == 0, created.err);

  const auto as_json = test::run_cli({"bundle", "--format", "json", "show", bundle});
  REQUIRE(as_json.exit_code == 0);
  const json l = json::parse(as_json.out)["lineage"];
  CHECK(l["code_version"] == "3f2c1ab");
  CHECK(l["fit_options"] == json{{"label", "tipped"}, {"C", "1"}});
  CHECK(l["data_rows"] == 2000);
  CHECK(l["mlguard_version"] == std::string(version().string));
  CHECK(std::string(l["data_fingerprint"]).rfind("sha256:", 0) == 0);
  CHECK(l["pipeline_stages"] == json::array({"imputer", "standard_scaler", "logistic_regression"}));
  CHECK(json::parse(as_json.out)["explains"] == true);

  const auto shown = test::run_cli({"bundle", "show", bundle});
  CHECK(shown.out.find("how it was made") != std::string::npos);
  CHECK(shown.out.find("3f2c1ab") != std::string::npos);
  CHECK(shown.out.find("imputer -> standard_scaler -> logistic_regression") != std::string::npos);

  // A bundle from before lineage existed says so.
  const auto old =
      test::run_cli({"bundle", "show", test::fixture_path("bundles/tip_before_lineage")});
  REQUIRE_MESSAGE(old.exit_code == 0, old.err);
  CHECK(old.out.find("lineage: not recorded") != std::string::npos);
  CHECK(test::run_cli({"bundle", "create", "--pipeline", dir.file("model.json"), "--data", data,
                       "--out", dir.file("b2"), "--fit-option", "nokey"})
            .exit_code == 2);
}

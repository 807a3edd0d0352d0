// The CLI on PostgreSQL, end to end with the real `mlguard` executable: a file registry
// migrated into a fresh database (`mlguard registry migrate`), then read, scored and
// written through `--registry postgresql://...` exactly as through the directory.
#ifdef MLGUARD_CLI_PATH
#include <cstdio>
#include <string>

#include "cli/cli_support.hpp"
#include "postgres_fixtures.hpp"
#include "serving/serving_support.hpp"

using namespace mlguard;

namespace {

/// Tip trips as CSV (the columns the tips pipeline reads, and the label it does not).
std::string pg_trips_csv(std::size_t rows) {
  Eigen::VectorXd y;
  const table t = test::tip_trips(1, 12.0, rows, &y);
  std::string csv = "fare,distance,tipped\n";
  char line[96];
  for (std::size_t i = 0; i < t.rows(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%.17g,%g\n", t.at("fare").values()[i],
                  t.at("distance").values()[i], y[static_cast<Eigen::Index>(i)]);
    csv += line;
  }
  return csv;
}

/// A database of its own, so the CLI's default schema is fresh; returns its URL.
std::string pg_fresh_database() {
  const auto name = "cli" + test::postgres_server::fresh_schema();
  pqxx::connection c(test::shared_postgres()->url());
  pqxx::nontransaction tx(c);
  tx.exec("CREATE DATABASE " + name);
  return test::shared_postgres()->url(name);
}

} // namespace

TEST_CASE(
    "cli postgres: registry migrate copies a file registry, and every command takes the URL") {
  if (!test::postgres_backend::available()) {
    return;
  }
  const test::temp_dir dir;
  test::fitted_tips().save(dir.file("model.json"));
  const auto data = dir.write("train.csv", pg_trips_csv(2000));
  const auto bundle = dir.file("bundle");
  REQUIRE(test::run_cli({"bundle", "create", "--pipeline", dir.file("model.json"), "--data", data,
                         "--out", bundle})
              .exit_code == 0);
  const auto root = dir.file("registry");
  REQUIRE(test::run_cli({"registry", "--root", root, "publish", "tips", bundle, "--reason", "v1"})
              .exit_code == 0);
  REQUIRE(test::run_cli({"registry", "--root", root, "register", "tips", "--artifact", "s3://x/2",
                         "--client-token", "tok-2", "--metric", "auc=0.7"})
              .exit_code == 0);
  REQUIRE(test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "1", "--expect",
                         "none", "--reason", "first"})
              .exit_code == 0);
  const auto url = pg_fresh_database();

  const auto migrated =
      test::run_cli({"registry", "--format", "json", "migrate", "--from", root, "--to", url});
  REQUIRE_MESSAGE(migrated.exit_code == 0, migrated.err);
  const json m = json::parse(migrated.out);
  REQUIRE(m["models"].size() == 1);
  CHECK(m["models"][0]["model"] == "tips");
  CHECK(m["models"][0]["versions"] == 2);
  CHECK(m["models"][0]["outcome"] == "copied");
  CHECK(m["bundles"] == 1);
  // Again: nothing to do, nothing duplicated.
  const auto again =
      test::run_cli({"registry", "--format", "json", "migrate", "--from", root, "--to", url});
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(json::parse(again.out)["models"][0]["outcome"] == "already there");

  // The same commands read the same from the directory and the database.
  for (const std::vector<std::string>& command : {std::vector<std::string>{"list"},
                                                  {"list", "tips"},
                                                  {"history", "tips"},
                                                  {"show", "tips@champion"}}) {
    std::vector<std::string> on_dir = {"registry", "--root", root, "--format", "json"};
    std::vector<std::string> on_db = {"registry", "--registry", url, "--format", "json"};
    on_dir.insert(on_dir.end(), command.begin(), command.end());
    on_db.insert(on_db.end(), command.begin(), command.end());
    const auto a = test::run_cli(on_dir);
    const auto b = test::run_cli(on_db);
    CHECK_MESSAGE(b.exit_code == 0, b.err);
    CHECK_MESSAGE(a.out == b.out, command[0]);
  }

  // score reads the bundle from the database's store and records its run there.
  const auto input = dir.write("day.csv", pg_trips_csv(300));
  const auto scored = test::run_cli({"score", "--registry", url, "--model", "models:/tips@champion",
                                     input, "-o", dir.file("pred.csv")});
  CHECK_MESSAGE(scored.exit_code == 0, scored.err << scored.out);
  const auto runs =
      test::run_cli({"registry", "--registry", url, "--format", "json", "runs", "tips"});
  REQUIRE(runs.exit_code == 0);
  CHECK(json::parse(runs.out).size() == 1);
  CHECK(test::run_cli({"registry", "--root", root, "--format", "json", "runs", "tips"}).out ==
        "[]\n");

  // MLGUARD_REGISTRY_URL stands in for --registry; writes go to the database.
  ::setenv("MLGUARD_REGISTRY_URL", url.c_str(), 1);
  const auto moved = test::run_cli({"registry", "alias", "tips", "champion", "2", "--expect", "1"});
  ::unsetenv("MLGUARD_REGISTRY_URL");
  CHECK_MESSAGE(moved.exit_code == 0, moved.err);
  const auto lost = test::run_cli(
      {"registry", "--registry", url, "alias", "tips", "champion", "1", "--expect", "1"});
  CHECK(lost.exit_code == 3); // a lost compare-and-swap, as with a directory

  // Errors name the problem, and never the password.
  const auto down = test::run_cli(
      {"registry", "--registry", "postgresql://bob:hunter2@/x?host=/nonexistent-mlguard", "list"});
  CHECK(down.exit_code == 2);
  CHECK(down.err.find("mlguard.registry.unavailable") != std::string::npos);
  CHECK(down.err.find("hunter2") == std::string::npos);
  const auto not_url =
      test::run_cli({"registry", "migrate", "--from", root, "--to", dir.file("x")});
  CHECK(not_url.exit_code == 2);
  CHECK(not_url.err.find("PostgreSQL URL") != std::string::npos);
}
#endif // MLGUARD_CLI_PATH

// `mlguard registry` end to end: the real executable on a real directory.
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "registry/registry_fixtures.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

struct cli_registry {
  test::temp_dir dir;
  std::string root() const { return dir.path + "/reg"; }

  // JSON output, so the test reads what the registry returned.
  test::process_result run(std::vector<std::string> args) const {
    args.insert(args.begin(), {MLGUARD_CLI_PATH, "registry", "--root", root(), "--actor", "tester",
                               "--format", "json"});
    return test::run_process(args);
  }
  test::process_result run_text(std::vector<std::string> args) const {
    args.insert(args.begin(),
                {MLGUARD_CLI_PATH, "registry", "--root", root(), "--actor", "tester"});
    return test::run_process(args);
  }

  json ok(const std::vector<std::string>& args) const {
    const auto r = run(args);
    REQUIRE_MESSAGE(r.exit_code == 0, "stderr: " << r.err);
    CHECK(r.err.empty());
    return parse_json(r.out, "stdout");
  }
};

} // namespace

TEST_CASE("mlguard registry: create, register, list and show") {
  cli_registry cli;
  const auto created = cli.ok({"create", "churn", "--description", "predicts churn"});
  CHECK(created["name"] == "churn");
  CHECK(created["latest_version"] == 0);
  const auto v1 = cli.ok({"register", "churn", "--artifact", "s3://m/1", "--digest", "sha256:aa",
                          "--metric", "auc=0.87", "--metric", "logloss=0.3", "--tag",
                          "framework=xgboost", "--param", "depth=6"});
  CHECK(v1["version"] == 1);
  CHECK(v1["artifact_digest"] == "sha256:aa");
  CHECK(v1["metrics"]["auc"] == 0.87);
  CHECK(v1["tags"]["framework"] == "xgboost");
  CHECK(v1["lineage"]["created_by"] == "tester");
  const auto v2 = cli.ok({"register", "churn", "--artifact", "s3://m/2", "--parent", "1"});
  CHECK(v2["version"] == 2);
  CHECK(v2["lineage"]["parent_version"] == 1);

  const auto models = cli.ok({"list"});
  REQUIRE(models.size() == 1);
  CHECK(models[0]["name"] == "churn");
  const auto versions = cli.ok({"list", "churn"});
  REQUIRE(versions.size() == 2);
  CHECK(versions[1]["artifact_uri"] == "s3://m/2");
  CHECK(cli.ok({"show", "churn"})["description"] == "predicts churn");
  CHECK(cli.ok({"show", "churn/1"})["artifact_uri"] == "s3://m/1");
  CHECK(cli.ok({"show", "churn/latest"})["version"] == 2);
  CHECK(cli.ok({"show", "models:/churn/2"})["version"] == 2);
}

TEST_CASE("mlguard registry: alias compare-and-swap, history and rollback") {
  cli_registry cli;
  cli.ok({"create", "churn"});
  for (int i = 1; i <= 3; ++i) {
    cli.ok({"register", "churn", "--artifact", "s3://m/" + std::to_string(i)});
  }
  auto moved = cli.ok({"alias", "churn", "champion", "1", "--expect", "none"});
  CHECK(moved["outcome"] == "applied");
  CHECK(moved["current"] == 1);
  CHECK(cli.ok({"show", "churn@champion"})["version"] == 1);

  // A lost compare-and-swap: exit 3, the alias does not move.
  const auto lost = cli.run({"alias", "churn", "champion", "2", "--expect", "3"});
  CHECK(lost.exit_code == 3);
  CHECK(parse_json(lost.out, "stdout")["outcome"] == "conflict");
  CHECK(test::count_lines(lost.err) == 1);
  CHECK(cli.ok({"show", "churn@champion"})["version"] == 1);

  cli.ok({"alias", "churn", "champion", "2", "--expect", "1", "--reason", "better auc"});
  cli.ok({"alias", "churn", "champion", "3", "--expect", "2"});
  const auto rolled = cli.ok({"rollback", "churn", "champion", "--reason", "latency regression"});
  CHECK(rolled["outcome"] == "applied");
  CHECK(rolled["previous"] == 3);
  CHECK(rolled["current"] == 2);

  const auto moves = cli.ok({"history", "churn", "--alias", "champion"});
  REQUIRE(moves.size() == 4);
  CHECK(moves[1]["reason"] == "better auc");
  CHECK(moves[1]["actor"] == "tester");
  CHECK(moves[3]["rollback"] == true);
  CHECK(moves[3]["reason"] == "latency regression");
  const auto log = cli.ok({"history", "churn"});
  CHECK(log.size() == 8); // create, 3 registrations, 3 moves, 1 rollback
  CHECK(log.back()["action"] == "rollback_alias");

  // Where champion pointed at the time of its second move, and far in the past.
  const auto second_move_time = moves[1]["time"].get<std::string>();
  const auto at = cli.ok({"history", "churn", "--alias", "champion", "--at", second_move_time});
  CHECK(at["aliases"]["champion"] == 2);
  const auto before = cli.ok({"history", "churn", "--at", "2001-01-01T00:00:00Z"});
  CHECK(before["aliases"]["champion"].is_null());
}

TEST_CASE("mlguard registry: usage and input errors exit 2 with one line on stderr") {
  cli_registry cli;
  cli.ok({"create", "churn"});
  const std::vector<std::vector<std::string>> bad = {
      {"create", "../x"},
      {"create", "churn"},   // already exists
      {"register", "churn"}, // --artifact missing
      {"register", "churn", "--artifact", "s3://x", "--metric", "auc=high"},
      {"register", "churn", "--artifact", "s3://x", "--tag", "novalue"},
      {"register", "nope", "--artifact", "s3://x"},
      {"show", "churn/7"},
      {"show", "churn@champion"},
      {"alias", "churn", "champion", "1"}, // no version 1 yet
      {"alias", "churn", "champion", "1", "--expect", "soon"},
      {"history", "churn", "--at", "yesterday"},
      {"rollback", "churn", "champion"},
      {"frobnicate"},
  };
  for (const auto& args : bad) {
    CAPTURE(args.front());
    CAPTURE(args.back());
    const auto r = cli.run(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_MESSAGE(test::count_lines(r.err) == 1, r.err);
  }
  // No registry at all: a clear error, and nothing is created.
  const auto missing = test::run_process(
      {MLGUARD_CLI_PATH, "registry", "--root", cli.dir.path + "/nowhere", "list"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("no registry") != std::string::npos);
}

TEST_CASE("mlguard registry: text for people by default, -o writes the result to a file") {
  cli_registry cli;
  cli.ok({"create", "churn", "--description", "who leaves"});
  cli.ok({"register", "churn", "--artifact", "s3://m/1", "--metric", "auc=0.91"});
  cli.ok({"alias", "churn", "champion", "1"});

  const auto shown = cli.run_text({"show", "churn@champion"});
  REQUIRE(shown.exit_code == 0);
  CHECK(shown.out.find("version         1") != std::string::npos);
  CHECK(shown.out.find("auc=0.91") != std::string::npos);
  CHECK(shown.out.find("champion") != std::string::npos);
  const auto models = cli.run_text({"list"});
  CHECK(models.out.rfind("model ", 0) == 0); // a header row, then one row per model
  CHECK(test::count_lines(models.out) == 2);
  CHECK(models.out.find("champion=1") != std::string::npos);

  const std::string file = cli.dir.path + "/versions.json";
  const auto written = cli.run({"list", "churn", "-o", file});
  REQUIRE(written.exit_code == 0);
  CHECK(written.out.empty());
  const json versions = parse_json(test::read_file(file), file);
  REQUIRE(versions.size() == 1);
  CHECK(versions[0]["metrics"]["auc"] == 0.91);
  const auto bad_format = cli.run_text({"list", "--format", "yaml"});
  CHECK(bad_format.exit_code == 2);
}

TEST_CASE("mlguard registry: --client-token makes register safe to run again") {
  cli_registry cli;
  cli.ok({"create", "churn"});
  const std::vector<std::string> once = {"register", "churn",   "--artifact",     "s3://m/1",
                                         "--metric", "auc=0.9", "--client-token", "nightly-42"};
  CHECK(cli.ok(once)["version"] == 1);
  CHECK(cli.ok(once)["version"] == 1); // the retry: the same version, nothing registered
  CHECK(cli.ok({"register", "churn", "--artifact", "s3://m/2"})["version"] == 2);
  const auto log = cli.ok({"history", "churn"});
  REQUIRE(log.size() == 3);
  CHECK(log[1]["client_token"] == "nightly-42");
  // The same token for another artifact: refused, one line naming the mistake.
  const auto reused =
      cli.run({"register", "churn", "--artifact", "s3://m/3", "--client-token", "nightly-42"});
  CHECK(reused.exit_code == 2);
  CHECK(reused.err.find("mlguard.registry.client_token_reused") != std::string::npos);
  CHECK(test::count_lines(reused.err) == 1);
  CHECK(cli.ok({"show", "churn/latest"})["version"] == 2);
}

TEST_CASE("mlguard registry: text that is not UTF-8 is refused with the registry's id") {
  cli_registry cli;
  cli.ok({"create", "churn"});
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"create", "fraud", "--description", "caf\xe9"},
           {"register", "churn", "--artifact", "s3://caf\xe9"},
           {"register", "churn", "--artifact", "s3://x", "--tag", "k=caf\xe9"},
           {"register", "churn", "--artifact", "s3://x", "--description", "caf\xe9"},
       }) {
    const auto r = cli.run(args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(r.err.find("mlguard.registry.invalid_argument") != std::string::npos, r.err);
    CHECK(r.err.find("json.exception") == std::string::npos);
  }
  CHECK(cli.ok({"list"}).size() == 1);
  CHECK(cli.ok({"show", "churn"})["latest_version"] == 0);
}

TEST_CASE("mlguard registry: a root that is a file is named as such") {
  cli_registry cli;
  const auto file = cli.dir.write("registry.txt", "not a directory");
  const auto r = test::run_process({MLGUARD_CLI_PATH, "registry", "--root", file, "list"});
  CHECK(r.exit_code == 2);
  CHECK_MESSAGE(r.err.find("is a file, not a directory") != std::string::npos, r.err);
  CHECK(r.err.find("symlink") == std::string::npos);
}

TEST_CASE("mlguard registry: an unprivileged user lists, shows and reads the history of a "
          "registry it may only read") {
  if (::geteuid() != 0 || ::access("/usr/bin/setpriv", X_OK) != 0) {
    MESSAGE("skipped: needs root and setpriv to run the CLI as another user");
    return;
  }
  cli_registry cli;
  cli.ok({"create", "churn", "--description", "who leaves"});
  cli.ok({"register", "churn", "--artifact", "s3://m/1"});
  cli.ok({"alias", "churn", "champion", "1"});
  REQUIRE(::chmod(cli.dir.path.c_str(), 0755) == 0); // mkdtemp made it 0700
  auto as_nobody = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                 MLGUARD_CLI_PATH, "registry", "--root", cli.root(), "--format", "json"});
    return test::run_process(args);
  };
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"list"}, {"list", "churn"}, {"show", "churn@champion"}, {"history", "churn"}}) {
    const auto r = as_nobody(args);
    CHECK_MESSAGE(r.exit_code == 0, args.front() << ": " << r.err);
  }
  CHECK(parse_json(as_nobody({"show", "churn@champion"}).out, "stdout")["version"] == 1);
  const auto write = as_nobody({"register", "churn", "--artifact", "s3://m/2"});
  CHECK(write.exit_code == 2);
  CHECK_MESSAGE(write.err.find("mlguard.registry.read_only") != std::string::npos, write.err);
  CHECK(cli.ok({"show", "churn"})["latest_version"] == 1);
}

// The conformance suite of the model_registry interface: every behaviour the interface
// documents, tested once. A test file defines MLGUARD_REGISTRY_BACKENDS (the backend
// fixtures to run it against) and includes this header: tests/registry/model_registry
// .test.cpp runs it against the in-memory and file backends, tests/postgres/
// postgres_registry.test.cpp against PostgreSQL (kept apart so only one translation unit
// pays for libpqxx). A backend fixture has reg(), reopen(), a manual clock, and
// available() (false, with a message, when its server cannot run here).
#ifndef MLGUARD_TESTS_REGISTRY_CONFORMANCE_HPP
#define MLGUARD_TESTS_REGISTRY_CONFORMANCE_HPP

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/registry/model_registry.hpp"
#include "registry_fixtures.hpp"

#ifndef MLGUARD_REGISTRY_BACKENDS
#error "define MLGUARD_REGISTRY_BACKENDS before including registry_conformance.hpp"
#endif

using namespace mlguard;
using namespace mlguard::registry;
using namespace std::chrono_literals;

namespace {

version_metadata metadata_with(double auc, std::string stage = "") {
  version_metadata m;
  m.metrics["auc"] = auc;
  if (!stage.empty()) {
    m.tags["stage"] = stage;
  }
  return m;
}

} // namespace

TEST_CASE_TEMPLATE("registry: registered models are created, described, tagged, listed and deleted",
                   B, MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  CHECK(reg.model_names().empty());
  const auto created =
      reg.create_model("churn", "predicts churn", {{"team", "growth"}}, {"alice", "first model"});
  CHECK(created.name == "churn");
  CHECK(created.description == "predicts churn");
  CHECK(created.created_at == test::test_epoch());
  CHECK(created.latest_version == 0);
  reg.create_model("fraud");
  MLGUARD_CHECK_THROWS_ID(reg.create_model("churn"), "mlguard.registry.already_exists");
  CHECK(reg.model_names() == std::vector<std::string>{"churn", "fraud"});
  CHECK(reg.has_model("churn"));
  CHECK_FALSE(reg.has_model("nope"));
  MLGUARD_CHECK_THROWS_ID(reg.get_model("nope"), "mlguard.registry.not_found");

  b.clock.advance(1s);
  reg.set_model_description("churn", "predicts churn within 30 days");
  reg.set_model_tag("churn", "owner", "bob");
  reg.set_model_tag("churn", "team", "retention");
  reg.delete_model_tag("churn", "owner");
  MLGUARD_CHECK_THROWS_ID(reg.delete_model_tag("churn", "owner"), "mlguard.registry.not_found");
  b.reopen();
  auto& r2 = b.reg();
  const auto m = r2.get_model("churn");
  CHECK(m.description == "predicts churn within 30 days");
  CHECK(m.tags == string_map{{"team", "retention"}});
  CHECK(m.updated_at == test::test_epoch() + 1s);
  CHECK(r2.list_models().size() == 2);

  r2.register_version("churn", "s3://m/1");
  r2.delete_model("churn", {"alice", "retired"});
  CHECK_FALSE(r2.has_model("churn"));
  MLGUARD_CHECK_THROWS_ID(r2.get_version("churn", 1), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(r2.delete_model("churn"), "mlguard.registry.not_found");
  CHECK(r2.model_names() == std::vector<std::string>{"fraud"});
  // The name is free again; a new model starts again at version 1.
  r2.create_model("churn");
  CHECK(r2.register_version("churn", "s3://m/new").version == 1);
}

TEST_CASE_TEMPLATE("registry: versions are numbered 1, 2, 3 and keep their metadata and lineage", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  MLGUARD_CHECK_THROWS_ID(reg.register_version("nope", "s3://x"), "mlguard.registry.not_found");
  version_metadata meta;
  meta.artifact_digest = "sha256:abc";
  meta.description = "baseline";
  meta.tags = {{"framework", "xgboost"}};
  meta.metrics = {{"auc", 0.87}, {"logloss", 0.31}};
  meta.params = {{"max_depth", "6"}};
  meta.data_fingerprint = "data:1";
  meta.pipeline_fingerprint = "pipe:1";
  meta.code_version = "git:abc123";
  const auto v1 = reg.register_version("churn", "s3://m/1", meta, {"trainer-job", "nightly"});
  CHECK(v1.version == 1);
  b.clock.advance(5s);
  meta.parent_version = 1;
  meta.status = version_status::pending;
  const auto v2 = reg.register_version("churn", "s3://m/2", meta, {"carol", ""});
  CHECK(v2.version == 2);
  meta.parent_version = 7;
  MLGUARD_CHECK_THROWS_ID(reg.register_version("churn", "s3://m/x", meta),
                          "mlguard.registry.not_found");
  meta.parent_version.reset();
  CHECK(reg.register_version("churn", "s3://m/3", meta).version == 3);

  b.reopen();
  auto& r = b.reg();
  const auto g1 = r.get_version("churn", 1);
  CHECK(g1.model == "churn");
  CHECK(g1.artifact_uri == "s3://m/1");
  CHECK(g1.artifact_digest == "sha256:abc");
  CHECK(g1.status == version_status::ready);
  CHECK(g1.description == "baseline");
  CHECK(g1.tags.at("framework") == "xgboost");
  CHECK(g1.metrics.at("auc") == 0.87);
  CHECK(g1.params.at("max_depth") == "6");
  CHECK(g1.lineage.data_fingerprint == "data:1");
  CHECK(g1.lineage.pipeline_fingerprint == "pipe:1");
  CHECK(g1.lineage.code_version == "git:abc123");
  CHECK_FALSE(g1.lineage.parent_version.has_value());
  CHECK(g1.lineage.created_at == test::test_epoch());
  CHECK(g1.lineage.created_by == "trainer-job");
  const auto g2 = r.get_version("churn", 2);
  CHECK(g2.lineage.parent_version == 1);
  CHECK(g2.lineage.created_at == test::test_epoch() + 5s);
  CHECK(g2.lineage.created_by == "carol");
  CHECK(g2.status == version_status::pending);
  CHECK(r.get_model("churn").latest_version == 3);
  MLGUARD_CHECK_THROWS_ID(r.get_version("churn", 0), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(r.get_version("churn", 4), "mlguard.registry.not_found");
  const auto all = r.list_versions("churn");
  REQUIRE(all.size() == 3);
  CHECK(all[2].artifact_uri == "s3://m/3");

  r.set_version_status("churn", 2, version_status::ready, {"ci", "upload verified"});
  r.set_version_tag("churn", 2, "validated", "yes");
  r.set_version_tag("churn", 2, "framework", "lightgbm");
  r.delete_version_tag("churn", 2, "validated");
  r.set_version_description("churn", 2, "retrained");
  MLGUARD_CHECK_THROWS_ID(r.delete_version_tag("churn", 2, "validated"),
                          "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(r.set_version_tag("churn", 9, "k", "v"), "mlguard.registry.not_found");
  b.reopen();
  const auto g2b = b.reg().get_version("churn", 2);
  CHECK(g2b.status == version_status::ready);
  CHECK(g2b.tags == string_map{{"framework", "lightgbm"}});
  CHECK(g2b.description == "retrained");
  CHECK(g2b.metrics.at("auc") == 0.87); // metrics are fixed at registration
}

TEST_CASE_TEMPLATE("registry: search by tag, metric, alias and status", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1", metadata_with(0.80, "cand"));
  reg.register_version("churn", "s3://2", metadata_with(0.90, "cand"));
  reg.register_version("churn", "s3://3", metadata_with(0.85));
  reg.set_version_status("churn", 3, version_status::failed);
  reg.set_alias("churn", "champion", 2);

  auto numbers = [](const std::vector<model_version>& vs) {
    std::vector<int> out;
    for (const auto& v : vs) {
      out.push_back(v.version);
    }
    return out;
  };
  version_query q;
  q.tags = {{"stage", "cand"}};
  CHECK(numbers(reg.search_versions("churn", q)) == std::vector<int>{1, 2});
  q = {};
  q.metrics = {{"auc", metric_filter::op::greater_equal, 0.85}};
  CHECK(numbers(reg.search_versions("churn", q)) == std::vector<int>{2, 3});
  q.metrics.push_back({"auc", metric_filter::op::less, 0.9});
  CHECK(numbers(reg.search_versions("churn", q)) == std::vector<int>{3});
  q = {};
  q.metrics = {{"rmse", metric_filter::op::less, 1.0}};
  CHECK(reg.search_versions("churn", q).empty());
  q = {};
  q.alias = "champion";
  const auto champ = reg.search_versions("churn", q);
  REQUIRE(champ.size() == 1);
  CHECK(champ[0].version == 2);
  CHECK(champ[0].aliases == std::vector<std::string>{"champion"});
  q.alias = "nobody";
  CHECK(reg.search_versions("churn", q).empty());
  q = {};
  q.status = version_status::failed;
  CHECK(numbers(reg.search_versions("churn", q)) == std::vector<int>{3});
}

TEST_CASE_TEMPLATE("registry: set_alias is a compare-and-swap", B, MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  for (int i = 0; i < 3; ++i) {
    reg.register_version("churn", "s3://" + std::to_string(i + 1));
  }
  auto r = reg.set_alias("churn", "champion", 1, alias_expectation::absent(), {"alice", "first"});
  CHECK(r.outcome == alias_outcome::applied);
  CHECK(static_cast<bool>(r));
  CHECK_FALSE(r.previous.has_value());
  CHECK(r.current == 1);
  CHECK(r.sequence > 0);

  // Expecting absence when it exists: conflict, and where it actually is.
  r = reg.set_alias("churn", "champion", 2, alias_expectation::absent());
  CHECK(r.outcome == alias_outcome::conflict);
  CHECK_FALSE(static_cast<bool>(r));
  CHECK(r.previous == 1);
  CHECK(r.reason.find("version 1") != std::string::npos);
  // Expecting the wrong version: conflict.
  r = reg.set_alias("churn", "champion", 2, alias_expectation::version(3));
  CHECK(r.outcome == alias_outcome::conflict);
  CHECK(reg.alias_version("churn", "champion") == 1);
  // The right expectation: applied.
  r = reg.set_alias("churn", "champion", 2, alias_expectation::version(1));
  CHECK(r.outcome == alias_outcome::applied);
  CHECK(r.previous == 1);
  // Already there: unchanged, nothing journaled.
  const auto seq = reg.get_model("churn").sequence;
  r = reg.set_alias("churn", "champion", 2);
  CHECK(r.outcome == alias_outcome::unchanged);
  CHECK(static_cast<bool>(r));
  CHECK(reg.get_model("churn").sequence == seq);

  MLGUARD_CHECK_THROWS_ID(reg.set_alias("churn", "champion", 9), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.set_alias("nope", "champion", 1), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.set_alias("churn", "latest", 1), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(reg.set_alias("churn", "42", 1), "mlguard.registry.invalid_name");

  reg.set_alias("churn", "challenger", 3);
  b.reopen();
  auto& r2 = b.reg();
  CHECK(r2.get_model("churn").aliases ==
        std::map<std::string, int>{{"challenger", 3}, {"champion", 2}});
  CHECK(r2.get_version("churn", 2).aliases == std::vector<std::string>{"champion"});

  auto d = r2.delete_alias("churn", "challenger", alias_expectation::version(1));
  CHECK(d.outcome == alias_outcome::conflict);
  d = r2.delete_alias("churn", "challenger", alias_expectation::version(3));
  CHECK(d.outcome == alias_outcome::applied);
  CHECK_FALSE(r2.alias_version("churn", "challenger").has_value());
  MLGUARD_CHECK_THROWS_ID(r2.delete_alias("churn", "challenger"), "mlguard.registry.not_found");
}

TEST_CASE_TEMPLATE("registry: resolve model URIs", B, MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  MLGUARD_CHECK_THROWS_ID(reg.resolve("models:/churn/latest"), "mlguard.registry.not_found");
  reg.register_version("churn", "s3://1");
  reg.register_version("churn", "s3://2");
  reg.set_alias("churn", "champion", 1);
  CHECK(reg.resolve("models:/churn@champion").artifact_uri == "s3://1");
  CHECK(reg.resolve("models:/churn@champion").aliases == std::vector<std::string>{"champion"});
  CHECK(reg.resolve_version("models:/churn@champion") == 1);
  CHECK(reg.resolve("models:/churn/2").artifact_uri == "s3://2");
  CHECK(reg.resolve_version("models:/churn/latest") == 2);
  reg.set_alias("churn", "champion", 2);
  CHECK(reg.resolve_version("models:/churn@champion") == 2); // the cache follows the move
  MLGUARD_CHECK_THROWS_ID(reg.resolve("models:/churn/3"), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.resolve("models:/churn@nobody"), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.resolve("models:/other@champion"), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.resolve("runs:/abc/model"), "mlguard.registry.invalid_uri");
  MLGUARD_CHECK_THROWS_ID(reg.resolve("models:/../x@a"), "mlguard.registry.invalid_name");
}

TEST_CASE_TEMPLATE("registry: transition guards refuse with a reason", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1", metadata_with(0.91));
  reg.register_version("churn", "s3://2", metadata_with(0.80));
  auto pending = metadata_with(0.95);
  pending.status = version_status::pending;
  reg.register_version("churn", "s3://3", pending);

  reg.guards().add("auc>=0.85", guards::min_metric("auc", 0.85), "champion");
  reg.guards().add("ready", guards::require_ready());
  CHECK(reg.set_alias("churn", "champion", 1).outcome == alias_outcome::applied);
  auto r = reg.set_alias("churn", "champion", 2, alias_expectation::version(1));
  CHECK(r.outcome == alias_outcome::refused);
  CHECK(r.guard == "auc>=0.85");
  CHECK(r.reason.find("auc") != std::string::npos);
  CHECK(r.previous == 1);
  CHECK(reg.alias_version("churn", "champion") == 1);
  // The guard is scoped to "champion": the challenger alias may take version 2.
  CHECK(reg.set_alias("churn", "challenger", 2).outcome == alias_outcome::applied);
  r = reg.set_alias("churn", "champion", 3);
  CHECK(r.outcome == alias_outcome::refused);
  CHECK(r.guard == "ready");

  // A guard sees the current version and the context.
  reg.guards().add("no-downgrade", [](const transition& t) {
    if (t.current != nullptr && !t.rollback &&
        t.candidate->metrics.at("auc") < t.current->metrics.at("auc")) {
      return guard_verdict::refuse("worse than the current " + t.alias);
    }
    return guard_verdict::allow();
  });
  reg.set_version_status("churn", 3, version_status::ready);
  CHECK(reg.set_alias("churn", "champion", 3).outcome == alias_outcome::applied);
  CHECK(reg.guards().remove("auc>=0.85"));
  r = reg.set_alias("churn", "champion", 1);
  CHECK(r.outcome == alias_outcome::refused);
  CHECK(r.guard == "no-downgrade");
  // Rollbacks pass through the guards with transition::rollback set.
  const auto back = reg.rollback_alias("churn", "champion", {"oncall", "latency"});
  CHECK(back.outcome == alias_outcome::applied);
  CHECK(back.current == 1);
  CHECK_FALSE(reg.guards().remove("auc>=0.85"));

  // A digest guard: the application recomputes the artifact's digest.
  in_memory_registry other;
  other.create_model("m");
  version_metadata with_digest;
  with_digest.artifact_digest = "sha256:good";
  other.register_version("m", "file:///good", with_digest);
  with_digest.artifact_digest = "sha256:stale";
  other.register_version("m", "file:///bad", with_digest);
  other.guards().add("digest", guards::verified_digest([](const model_version& v) {
                       return v.artifact_uri == "file:///good" ? "sha256:good" : "sha256:changed";
                     }));
  CHECK(other.set_alias("m", "champion", 1).outcome == alias_outcome::applied);
  CHECK(other.set_alias("m", "champion", 2).outcome == alias_outcome::refused);
}

TEST_CASE_TEMPLATE("registry: the audit journal records who did what, when and why", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn", "", {}, {"alice", "new project"});
  b.clock.advance(1min);
  reg.register_version("churn", "s3://1", {}, {"ci", "nightly"});
  b.clock.advance(1min);
  reg.set_alias("churn", "champion", 1, alias_expectation::absent(), {"alice", "go live"});
  b.clock.advance(1min);
  reg.set_model_tag("churn", "team", "growth", {"bob", ""});
  reg.set_version_tag("churn", 1, "approved", "yes", {"carol", "review"});
  b.reopen();
  auto& r = b.reg();
  const auto log = r.audit_log("churn");
  REQUIRE(log.size() == 5);
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i].sequence == i + 1);
    CHECK(log[i].model == "churn");
  }
  CHECK(log[0].action == audit_action::create_model);
  CHECK(log[0].actor == "alice");
  CHECK(log[0].reason == "new project");
  CHECK(log[0].time == test::test_epoch());
  CHECK(log[1].action == audit_action::register_version);
  CHECK(log[1].version == 1);
  CHECK(log[1].time == test::test_epoch() + 1min);
  CHECK(log[2].action == audit_action::set_alias);
  CHECK(log[2].alias == "champion");
  CHECK(log[2].version == 1);
  CHECK_FALSE(log[2].previous_version.has_value());
  CHECK(log[2].reason == "go live");
  CHECK(log[3].action == audit_action::set_model_tag);
  CHECK(log[3].key == "team");
  CHECK(log[3].value == "growth");
  CHECK(log[4].action == audit_action::set_version_tag);
  CHECK(log[4].version == 1);

  // watch: changes since a sequence number.
  CHECK(r.changes_since("churn", 5).empty());
  const auto tail = r.changes_since("churn", 3);
  REQUIRE(tail.size() == 2);
  CHECK(tail[0].sequence == 4);
  r.register_version("churn", "s3://2");
  const auto next = r.changes_since("churn", 5);
  REQUIRE(next.size() == 1);
  CHECK(next[0].action == audit_action::register_version);
  CHECK(json(next[0])["action"] == "register_version");
}

TEST_CASE_TEMPLATE("registry: watch returns what changed, or nothing when the time is up", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& r = b.reg();
  r.create_model("churn");
  r.register_version("churn", "s3://1");
  // Already there: returned at once, as changes_since would.
  const auto now = r.watch("churn", 1, std::chrono::seconds(30));
  REQUIRE(now.size() == 1);
  CHECK(now[0].action == audit_action::register_version);
  // Nothing new: empty once the timeout has passed, not before.
  const auto start = std::chrono::steady_clock::now();
  CHECK(r.watch("churn", 2, std::chrono::milliseconds(60)).empty());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(60));
  // A change made while it waits (from another thread) ends the wait.
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    r.set_alias("churn", "champion", 1);
  });
  const auto woke = r.watch("churn", 2, std::chrono::seconds(30));
  writer.join();
  REQUIRE(woke.size() == 1);
  CHECK(woke[0].alias == "champion");
  CHECK(woke[0].sequence == 3);
  MLGUARD_CHECK_THROWS_ID(r.watch("nope", 0, std::chrono::milliseconds(1)),
                          "mlguard.registry.not_found");
}

TEST_CASE_TEMPLATE("registry: alias history, alias at a time, previous version and rollback", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  for (int i = 1; i <= 4; ++i) {
    reg.register_version("churn", "s3://" + std::to_string(i));
  }
  const auto t0 = b.clock.now();
  CHECK_FALSE(reg.previous_version("churn", "champion").has_value());
  MLGUARD_CHECK_THROWS_ID(reg.rollback_alias("churn", "champion"), "mlguard.registry.not_found");
  b.clock.advance(1h);
  reg.set_alias("churn", "champion", 1); // t0 + 1h
  MLGUARD_CHECK_THROWS_ID(reg.rollback_alias("churn", "champion"), "mlguard.registry.not_found");
  b.clock.advance(1h);
  reg.set_alias("churn", "champion", 2); // t0 + 2h
  b.clock.advance(1h);
  reg.set_alias("churn", "champion", 3, alias_expectation::version(2), {"alice", "better auc"});
  reg.set_alias("churn", "challenger", 4);
  b.clock.advance(1h);

  CHECK_FALSE(reg.alias_at("churn", "champion", t0).has_value());
  CHECK(reg.alias_at("churn", "champion", t0 + 1h) == 1);
  CHECK(reg.alias_at("churn", "champion", t0 + 90min) == 1);
  CHECK(reg.alias_at("churn", "champion", t0 + 2h) == 2);
  CHECK(reg.alias_at("churn", "champion", t0 + 10h) == 3);
  CHECK(reg.previous_version("churn", "champion") == 2);

  b.reopen();
  auto& r = b.reg();
  const auto back = r.rollback_alias("churn", "champion", {"oncall", "p99 latency regression"});
  CHECK(back.outcome == alias_outcome::applied);
  CHECK(back.previous == 3);
  CHECK(back.current == 2);
  CHECK(r.alias_version("churn", "champion") == 2);
  // Rolling back again goes further back rather than flip-flopping.
  CHECK(r.previous_version("churn", "champion") == 1);
  CHECK(r.rollback_alias("churn", "champion").current == 1);
  CHECK_FALSE(r.previous_version("churn", "champion").has_value());

  const auto history = r.alias_history("churn", "champion");
  REQUIRE(history.size() == 5);
  CHECK_FALSE(history[0].from.has_value());
  CHECK(history[0].to == 1);
  CHECK(history[2].from == 2);
  CHECK(history[2].to == 3);
  CHECK(history[2].actor == "alice");
  CHECK(history[3].rollback);
  CHECK(history[3].reason == "p99 latency regression");
  CHECK(history[3].from == 3);
  CHECK(history[3].to == 2);
  const auto log = r.audit_log("churn");
  CHECK(log.back().action == audit_action::rollback_alias);
  CHECK(r.alias_at("churn", "challenger", t0 + 10h) == 4);

  r.delete_alias("churn", "challenger");
  CHECK_FALSE(r.alias_at("churn", "challenger", b.clock.now()).has_value());
}

TEST_CASE_TEMPLATE("registry: rollback_alias compares before it moves", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  for (int v = 1; v <= 3; ++v) {
    reg.register_version("churn", "s3://m/" + std::to_string(v));
    reg.set_alias("churn", "champion", v);
  }
  // Two controllers both saw version 3 misbehave: the first rolls back, the second
  // finds the alias already moved and does not roll back further.
  const auto first = reg.rollback_alias("churn", "champion", alias_expectation::version(3),
                                        {"controller-a", "error rate"});
  CHECK(first.outcome == alias_outcome::applied);
  CHECK(first.current == 2);
  const auto second = reg.rollback_alias("churn", "champion", alias_expectation::version(3),
                                         {"controller-b", "error rate"});
  CHECK(second.outcome == alias_outcome::conflict);
  CHECK(second.previous == 2);
  CHECK(second.current == 2);
  CHECK(second.reason.find("version 3") != std::string::npos);
  CHECK(reg.alias_version("churn", "champion") == 2);
  CHECK(reg.audit_log("churn").back().actor == "controller-a");
  // Expecting a version of an alias that does not exist is a conflict, not an error.
  CHECK(reg.rollback_alias("churn", "shadow", alias_expectation::version(1)).outcome ==
        alias_outcome::conflict);
  MLGUARD_CHECK_THROWS_ID(reg.rollback_alias("churn", "shadow"), "mlguard.registry.not_found");
}

TEST_CASE_TEMPLATE("registry: invalid names are rejected everywhere", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("ok");
  reg.register_version("ok", "s3://1");
  const std::vector<std::string> bad = {
      "../x", "a/b",  "",          std::string(300, 'm'), std::string("nu\0l", 4), "..", ".hidden",
      "-rf",  "a\\b", "tab\there", "caf\xc3\xa9"};
  for (const auto& name : bad) {
    CAPTURE(name);
    MLGUARD_CHECK_THROWS_ID(reg.create_model(name), "mlguard.registry.invalid_name");
    MLGUARD_CHECK_THROWS_ID(reg.get_model(name), "mlguard.registry.invalid_name");
    MLGUARD_CHECK_THROWS_ID(reg.register_version(name, "s3://x"), "mlguard.registry.invalid_name");
    MLGUARD_CHECK_THROWS_ID(reg.delete_model(name), "mlguard.registry.invalid_name");
    MLGUARD_CHECK_THROWS_ID(reg.set_alias("ok", name, 1), "mlguard.registry.invalid_name");
  }
  MLGUARD_CHECK_THROWS_ID(reg.set_model_tag("ok", "", "v"), "mlguard.registry.invalid_name");
  version_metadata m;
  m.tags[std::string("k\nx")] = "v";
  MLGUARD_CHECK_THROWS_ID(reg.register_version("ok", "s3://x", m), "mlguard.registry.invalid_name");
  CHECK(reg.model_names() == std::vector<std::string>{"ok"});
  CHECK(reg.get_model("ok").latest_version == 1);
}

TEST_CASE_TEMPLATE("registry: threads registering at once get distinct consecutive versions", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://0");
  constexpr int threads = 4;
  constexpr int each = 25;
  std::vector<std::vector<int>> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto& mine = got[static_cast<std::size_t>(t)];
      for (int i = 0; i < each; ++i) {
        mine.push_back(reg.register_version("churn", "s3://t" + std::to_string(t)).version);
        reg.set_alias("churn", "t" + std::to_string(t), mine.back());
        (void)reg.resolve("models:/churn@t" + std::to_string(t));
        (void)reg.resolve_version("models:/churn/latest");
      }
    });
  }
  for (auto& th : pool) {
    th.join();
  }
  std::set<int> all;
  for (const auto& g : got) {
    CHECK(std::is_sorted(g.begin(), g.end()));
    all.insert(g.begin(), g.end());
  }
  CHECK(all.size() == static_cast<std::size_t>(threads * each));
  CHECK(*all.begin() == 2);
  CHECK(*all.rbegin() == threads * each + 1);
  CHECK(reg.list_versions("churn").size() == static_cast<std::size_t>(threads * each + 1));
}

TEST_CASE_TEMPLATE("registry: a client token makes a registration exactly-once", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  version_metadata meta;
  meta.metrics["auc"] = 0.91;
  meta.tags["run"] = "nightly";
  meta.client_token = "6f1c2d3e-0b4a-4e59-9a51-2f8c7d6e5b4a";
  const auto first = reg.register_version("churn", "s3://m/1", meta, {"ci", "nightly"});
  CHECK(first.version == 1);
  // The retry of a call whose answer was lost: the same version, nothing written.
  b.clock.advance(1min);
  const auto retry = reg.register_version("churn", "s3://m/1", meta, {"ci", "retry"});
  CHECK(retry.version == 1);
  CHECK(retry.lineage.created_at == first.lineage.created_at);
  CHECK(reg.get_model("churn").latest_version == 1);
  CHECK(reg.audit_log("churn").size() == 2);
  CHECK(reg.audit_log("churn").back().client_token == meta.client_token);
  CHECK(json(reg.audit_log("churn").back())["client_token"] == meta.client_token);

  // Without a token, or with another one, each call registers a new version.
  version_metadata plain = meta;
  plain.client_token.clear();
  CHECK(reg.register_version("churn", "s3://m/1", plain).version == 2);
  version_metadata other = meta;
  other.client_token = "job-42.attempt-1";
  CHECK(reg.register_version("churn", "s3://m/3", other).version == 3);

  // The same token for another request is refused, naming what differs; nothing written.
  version_metadata changed = meta;
  changed.metrics["auc"] = 0.5;
  try {
    reg.register_version("churn", "s3://m/other", changed);
    FAIL("expected mlguard.registry.client_token_reused");
  } catch (const registry_error& e) {
    CHECK(e.id() == "mlguard.registry.client_token_reused");
    const std::string what = e.what();
    CHECK(what.find("artifact_uri") != std::string::npos);
    CHECK(what.find("metrics") != std::string::npos);
    CHECK(what.find("version 1") != std::string::npos);
  }
  CHECK(reg.get_model("churn").latest_version == 3);

  // A change made to the version since (its description) does not make a retry of
  // the original request a different request.
  reg.set_version_description("churn", 1, "promoted");
  b.reopen(); // the file registry finds the token on disk
  auto& r = b.reg();
  const auto again = r.register_version("churn", "s3://m/1", meta);
  CHECK(again.version == 1);
  CHECK(again.description == "promoted");
  CHECK(r.register_version("churn", "s3://m/3", other).version == 3);
  CHECK(r.get_model("churn").latest_version == 3);
  CHECK(r.audit_log("churn").size() == 5);

  // A token belongs to its model, and a deleted model's tokens go with it.
  r.create_model("fraud");
  CHECK(r.register_version("fraud", "s3://m/1", meta).version == 1);
  r.delete_model("churn");
  r.create_model("churn");
  CHECK(r.register_version("churn", "s3://m/1", meta).version == 1);
  CHECK(r.register_version("churn", "s3://m/1", meta).version == 1);

  // Tokens follow the name rules (one file per token in the file registry).
  for (const std::string& bad :
       std::vector<std::string>{"../x", "a/b", ".hidden", std::string(201, 't'), "t\nx"}) {
    version_metadata m;
    m.client_token = bad;
    MLGUARD_CHECK_THROWS_ID(r.register_version("churn", "s3://x", m),
                            "mlguard.registry.invalid_name");
  }
  CHECK(r.get_model("churn").latest_version == 1);
}

TEST_CASE_TEMPLATE("registry: a retried registration racing the original makes one version", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  constexpr int threads = 4;
  std::vector<int> got(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      version_metadata m;
      m.client_token = "the-one";
      got[static_cast<std::size_t>(t)] = reg.register_version("churn", "s3://m/1", m).version;
    });
  }
  for (auto& th : pool) {
    th.join();
  }
  CHECK(got == std::vector<int>(threads, 1));
  CHECK(reg.get_model("churn").latest_version == 1);
}

TEST_CASE_TEMPLATE("registry: text that is not UTF-8 is refused before anything is written", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  const std::string latin1 = "caf\xe9";                    // Latin-1, not UTF-8
  const std::string utf8 = "caf\xc3\xa9 \xf0\x9f\x9a\x80"; // café and a rocket: fine
  // Byte sequences UTF-8 forbids: a lone continuation byte, an overlong '/', a
  // surrogate, a code point above U+10FFFF, a sequence cut short.
  const std::vector<std::string> bad = {
      latin1, "\x80", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe2\x82"};
  const std::uint64_t records = reg.get_model("churn").sequence;
  for (const auto& text : bad) {
    CAPTURE(text.size());
    auto refused = [&](auto&& call) {
      MLGUARD_CHECK_THROWS_ID(call(), "mlguard.registry.invalid_argument");
    };
    refused([&] { return reg.create_model("other", text); });
    refused([&] { return reg.create_model("other", "", {{"k", text}}); });
    refused([&] { return reg.create_model("other", "", {{text, "v"}}); });
    refused([&] { reg.set_model_description("churn", text); });
    refused([&] { reg.set_model_tag("churn", "k", text); });
    refused([&] { reg.set_model_tag("churn", text, "v"); });
    refused([&] { return reg.register_version("churn", text); });
    auto field = [&](auto set) {
      version_metadata m;
      set(m);
      refused([&] { return reg.register_version("churn", "s3://x", m); });
    };
    field([&](version_metadata& m) { m.artifact_digest = text; });
    field([&](version_metadata& m) { m.description = text; });
    field([&](version_metadata& m) { m.tags["k"] = text; });
    field([&](version_metadata& m) { m.tags[text] = "v"; });
    field([&](version_metadata& m) { m.metrics[text] = 1.0; });
    field([&](version_metadata& m) { m.params["k"] = text; });
    field([&](version_metadata& m) { m.params[text] = "v"; });
    field([&](version_metadata& m) { m.data_fingerprint = text; });
    field([&](version_metadata& m) { m.pipeline_fingerprint = text; });
    field([&](version_metadata& m) { m.code_version = text; });
    refused([&] { return reg.register_version("churn", "s3://x", {}, {text, ""}); });
    refused([&] { return reg.register_version("churn", "s3://x", {}, {"", text}); });
    refused([&] { reg.set_version_description("churn", 1, text); });
    refused([&] { reg.set_version_tag("churn", 1, "k", text); });
    refused([&] { reg.set_version_tag("churn", 1, text, "v"); });
    refused([&] { reg.set_version_status("churn", 1, version_status::ready, {text, ""}); });
    refused([&] {
      return reg.set_alias("churn", "champion", 1, alias_expectation::any(), {"", text});
    });
    refused([&] {
      return reg.delete_alias("churn", "champion", alias_expectation::any(), {text, ""});
    });
    refused([&] { return reg.rollback_alias("churn", "champion", {"", text}); });
    refused([&] { reg.delete_model_tag("churn", "k", {text, ""}); });
    refused([&] { reg.delete_model("churn", {"", text}); });
  }
  CHECK(reg.get_model("churn").sequence == records);
  CHECK(reg.model_names() == std::vector<std::string>{"churn"});
  b.reopen();
  CHECK(b.reg().audit_log("churn").size() == records);

  // Valid UTF-8 is stored and read back byte for byte.
  version_metadata m;
  m.description = utf8;
  m.tags[utf8] = utf8;
  const int v = b.reg().register_version("churn", "s3://" + utf8, m, {utf8, utf8}).version;
  b.reopen();
  const auto back = b.reg().get_version("churn", v);
  CHECK(back.description == utf8);
  CHECK(back.tags.at(utf8) == utf8);
  CHECK(back.artifact_uri == "s3://" + utf8);
  CHECK(b.reg().audit_log("churn").back().reason == utf8);
}

namespace {

// A run of the taxi scoring job, every field set.
run_record scoring_run(int exit_code) {
  run_record run;
  run.kind = "score";
  run.model_uri = "models:/churn@champion";
  run.artifact_digest = "sha256:" + std::string(64, 'b');
  run.input = "/data/feb.csv";
  run.input_fingerprint = "sha256:" + std::string(64, 'c');
  run.input_bytes = 976571;
  run.counts = {{"rows", 10000}, {"ok", 9990}, {"rejected", 10}};
  run.timings = {{"read", 0.25}, {"total", 0.5}};
  run.thresholds = {{"drift_share", 0.5}, {"max_rejected", 0.01}};
  run.metrics = {{"auc", 0.93}, {"rejected_share", 0.001}};
  run.outputs = {{"predictions", "/out/p.csv"}, {"report", "/out/r.json"}};
  run.exit_code = exit_code;
  run.started_at = test::test_epoch() + 30s;
  run.finished_at = test::test_epoch() + 31s;
  run.tags = {{"host", "batch-1"}};
  return run;
}

} // namespace

TEST_CASE_TEMPLATE("registry: run records are lineage of a version, read back in order", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  reg.register_version("churn", "s3://2");
  b.clock.advance(1min);
  const auto first = reg.record_run("churn", 2, scoring_run(0), {"cron", "hourly"});
  CHECK(first.sequence == 4);
  CHECK(first.model == "churn");
  CHECK(first.version == 2);
  CHECK(first.recorded_at == test::test_epoch() + 1min);
  CHECK(first.actor == "cron");
  b.clock.advance(1min);
  reg.record_run("churn", 1, scoring_run(2), {"alice", ""});
  b.clock.advance(1min);
  reg.record_run("churn", 2, scoring_run(1), {"cron", "hourly"});
  MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 3, scoring_run(0)), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 0, scoring_run(0)), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.record_run("nope", 1, scoring_run(0)), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.runs("churn", 3), "mlguard.registry.not_found");
  MLGUARD_CHECK_THROWS_ID(reg.runs("nope"), "mlguard.registry.not_found");

  b.reopen();
  auto& r = b.reg();
  const auto runs = r.runs("churn", 2);
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].sequence == 4);
  CHECK(runs[1].sequence == 6);
  CHECK(runs[1].exit_code == 1);
  CHECK(runs[1].recorded_at == test::test_epoch() + 3min);
  // Every field as recorded.
  const auto want = scoring_run(0);
  const auto& got = runs[0];
  CHECK(got.model == "churn");
  CHECK(got.version == 2);
  CHECK(got.actor == "cron");
  CHECK(got.kind == want.kind);
  CHECK(got.model_uri == want.model_uri);
  CHECK(got.artifact_digest == want.artifact_digest);
  CHECK(got.input == want.input);
  CHECK(got.input_fingerprint == want.input_fingerprint);
  CHECK(got.input_bytes == want.input_bytes);
  CHECK(got.counts == want.counts);
  CHECK(got.timings == want.timings);
  CHECK(got.thresholds == want.thresholds);
  CHECK(got.metrics == want.metrics);
  CHECK(got.outputs == want.outputs);
  CHECK(got.exit_code == 0);
  CHECK(got.started_at == want.started_at);
  CHECK(got.finished_at == want.finished_at);
  CHECK(got.tags == want.tags);
  CHECK(json(got) == json(first));
  CHECK(r.runs("churn", 1).size() == 1);
  CHECK(r.runs("churn", 1)[0].exit_code == 2);
  const auto all = r.runs("churn");
  REQUIRE(all.size() == 3);
  CHECK(all[0].sequence == 4);
  CHECK(all[1].sequence == 5);
  CHECK(all[1].version == 1);
  CHECK(all[2].sequence == 6);
  // The JSON form reads back.
  CHECK(json(json(got).get<run_record>()) == json(got));

  // The audit journal has each run as its own action; versions are not changed by runs.
  const auto log = r.audit_log("churn");
  REQUIRE(log.size() == 6);
  CHECK(log[3].action == audit_action::record_run);
  CHECK(log[3].version == 2);
  CHECK(log[3].actor == "cron");
  CHECK(log[3].reason == "hourly");
  CHECK(json(log[3])["action"] == "record_run");
  CHECK(r.get_model("churn").sequence == 6);
  CHECK(r.get_version("churn", 2).artifact_uri == "s3://2");
  CHECK(r.changes_since("churn", 5).size() == 1);
  // A run of a version registered later is found too.
  r.register_version("churn", "s3://3");
  CHECK(r.runs("churn", 3).empty());
  r.record_run("churn", 3, scoring_run(0));
  CHECK(r.runs("churn").size() == 4);
}

TEST_CASE_TEMPLATE("registry: a run with text that is not UTF-8 or a bad key is refused", B,
                   MLGUARD_REGISTRY_BACKENDS) {
  if (!B::available()) {
    return; // the backend said why
  }
  B b;
  auto& reg = b.reg();
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  const std::uint64_t records = reg.get_model("churn").sequence;
  const std::vector<std::string> bad_text = {"caf\xe9", "\x80", "\xc0\xaf", "ok\xe2\x82"};
  for (const auto& text : bad_text) {
    CAPTURE(text.size());
    auto refused = [&](auto set) {
      auto run = scoring_run(0);
      set(run);
      MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 1, run), "mlguard.registry.invalid_argument");
    };
    refused([&](run_record& r) { r.model_uri = text; });
    refused([&](run_record& r) { r.artifact_digest = text; });
    refused([&](run_record& r) { r.input = text; });
    refused([&](run_record& r) { r.input_fingerprint = text; });
    refused([&](run_record& r) { r.outputs["predictions"] = text; });
    refused([&](run_record& r) { r.tags["host"] = text; });
    refused([&](run_record& r) { r.tags[text] = "x"; });
    refused([&](run_record& r) { r.counts[text] = 1; });
    refused([&](run_record& r) { r.metrics[text] = 1.0; });
    refused([&](run_record& r) { r.kind = text; });
    MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 1, scoring_run(0), {text, ""}),
                            "mlguard.registry.invalid_argument");
    MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 1, scoring_run(0), {"", text}),
                            "mlguard.registry.invalid_argument");
  }
  // Keys follow the key rules: not empty, no control characters.
  for (const std::string& key : {std::string(), std::string("a\nb"), std::string(300, 'k')}) {
    auto run = scoring_run(0);
    run.timings[key] = 1.0;
    MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 1, run), "mlguard.registry.invalid_name");
    run = scoring_run(0);
    run.kind = key;
    MLGUARD_CHECK_THROWS_ID(reg.record_run("churn", 1, run), "mlguard.registry.invalid_name");
  }
  MLGUARD_CHECK_THROWS_ID(reg.record_run("../churn", 1, scoring_run(0)),
                          "mlguard.registry.invalid_name");
  CHECK(reg.get_model("churn").sequence == records);
  b.reopen();
  CHECK(b.reg().runs("churn", 1).empty());
  CHECK(b.reg().audit_log("churn").size() == records);

  // JSON control characters, quotes and valid UTF-8 are stored and read back byte for byte.
  auto run = scoring_run(0);
  run.input = "/data/\"quoted\"\n\t\x01 caf\xc3\xa9.csv";
  run.tags["note"] = "\xf0\x9f\x9a\x80";
  b.reg().record_run("churn", 1, run);
  b.reopen();
  const auto back = b.reg().runs("churn", 1);
  REQUIRE(back.size() == 1);
  CHECK(back[0].input == run.input);
  CHECK(back[0].tags.at("note") == run.tags.at("note"));
}

#endif // MLGUARD_TESTS_REGISTRY_CONFORMANCE_HPP

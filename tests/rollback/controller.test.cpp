// The controller against real registries: it rolls back through the journal,
// holds and alerts when it cannot, records one rollback when several decide,
// and its trace replays to the same decisions.

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "../registry/registry_fixtures.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/rollback/controller.hpp"
#include "mlguard/rollback/replay.hpp"
#include "process.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;
namespace reg = mlguard::registry;

namespace {

// A model with versions 1..n, champion moved through each.
void champion_history(reg::model_registry& r, int n) {
  r.create_model("tips");
  for (int v = 1; v <= n; ++v) {
    r.register_version("tips", "mem://tips/" + std::to_string(v));
    r.set_alias("tips", "champion", v);
  }
}

rb::controller_options controller_for(const mlguard::clock_source& clock, std::string actor) {
  rb::controller_options o;
  o.model = "tips";
  o.actor = std::move(actor);
  o.clock = &clock;
  return o;
}

} // namespace

TEST_CASE("rollback_controller: rolls back through the registry with the decision as reason") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  champion_history(registry, 3);
  std::vector<mlguard::report::alert> alerts;
  auto options = controller_for(clock, "controller-a");
  options.alerts.push_back(std::make_shared<mlguard::report::callback_sink>(
      [&](const mlguard::report::alert& a) { alerts.push_back(a); }));
  rb::rollback_controller controller(registry, rb::threshold("error_rate", 0.2, 0.1), options);

  CHECK(controller.poll().empty());
  CHECK(controller.engine().version() == 3);
  clock.advance(1s);
  controller.observe({{}, 0, "error_rate", 0.1, 100});
  CHECK(controller.poll().empty());
  clock.advance(1s);
  controller.observe({{}, 0, "error_rate", 0.3, 100});
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::rollback);
  CHECK(decided[0].version == 3);
  CHECK(decided[0].target == 2);
  CHECK(decided[0].time == mlguard::test::test_epoch() + 2s);

  CHECK(registry.alias_version("tips", "champion") == 2);
  const auto last = registry.audit_log("tips").back();
  CHECK(last.action == reg::audit_action::rollback_alias);
  CHECK(last.actor == "controller-a");
  CHECK(last.reason == decided[0].reason);
  CHECK(last.reason.find("error_rate") != std::string::npos);
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].key == "tips@champion/rollback");
  CHECK(alerts[0].labels == mlguard::report::alert_labels{{"alertname", "rollback"},
                                                          {"model", "tips"},
                                                          {"alias", "champion"}});
  // The controller now watches v2, afresh.
  CHECK(controller.engine().version() == 2);
  CHECK(controller.engine().previous() == 1);
}

TEST_CASE("rollback_controller: no earlier version is a hold and an alert, never an exception") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  champion_history(registry, 1);
  std::vector<mlguard::report::alert> alerts;
  auto options = controller_for(clock, "controller");
  options.alerts.push_back(std::make_shared<mlguard::report::callback_sink>(
      [&](const mlguard::report::alert& a) { alerts.push_back(a); }));
  rb::rollback_controller controller(registry, rb::threshold("error_rate", 0.2, 0.1), options);
  controller.observe({{}, 0, "error_rate", 0.5, 10});
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::hold);
  CHECK(decided[0].policy == "no earlier version");
  REQUIRE(alerts.size() == 1);
  CHECK(alerts[0].level == mlguard::report::alert_level::critical);
  CHECK(alerts[0].key == "tips@champion/no_earlier_version");
  CHECK(registry.alias_version("tips", "champion") == 1);
  // Still bad: no repeat of the same hold, so no alert storm.
  controller.observe({{}, 0, "error_rate", 0.5, 10});
  CHECK(controller.poll().empty());
  CHECK(alerts.size() == 1);
}

TEST_CASE("rollback_controller: a guard's refusal is a hold naming the guard") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  champion_history(registry, 2);
  registry.guards().add("change freeze", [](const reg::transition&) {
    return reg::guard_verdict::refuse("frozen for the holidays");
  });
  rb::rollback_controller controller(registry, rb::threshold("error_rate", 0.2, 0.1),
                                     controller_for(clock, "controller"));
  controller.observe({{}, 0, "error_rate", 0.5, 10});
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::hold);
  CHECK(decided[0].policy == "guard change freeze");
  CHECK(decided[0].reason.find("frozen for the holidays") != std::string::npos);
  CHECK(registry.alias_version("tips", "champion") == 2);
}

TEST_CASE("rollback_controller: two controllers that both decide record exactly one rollback") {
  mlguard::test::temp_dir dir;
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::file_registry_options ro;
  ro.fsync = false;
  ro.clock = &clock;
  reg::file_registry first(dir.path + "/registry", ro);
  reg::file_registry second(dir.path + "/registry", ro);
  champion_history(first, 3);
  rb::rollback_controller a(first, rb::threshold("error_rate", 0.2, 0.1),
                            controller_for(clock, "replica-a"));
  rb::rollback_controller b(second, rb::threshold("error_rate", 0.2, 0.1),
                            controller_for(clock, "replica-b"));
  a.poll();
  b.poll();
  a.observe({{}, 0, "error_rate", 0.5, 10});
  b.observe({{}, 0, "error_rate", 0.5, 10});
  CHECK(a.poll().size() == 1);
  CHECK(b.poll().empty()); // its rollback met a moved alias: a conflict, not a second rollback
  CHECK(b.engine().version() == 2);
  int rollbacks = 0;
  for (const auto& r : first.audit_log("tips")) {
    rollbacks += r.action == reg::audit_action::rollback_alias ? 1 : 0;
  }
  CHECK(rollbacks == 1);
  CHECK(first.alias_version("tips", "champion") == 2);
}

TEST_CASE("rollback_controller: controllers in four processes record exactly one rollback") {
  mlguard::test::temp_dir dir;
  const std::string root = dir.path + "/registry";
  {
    reg::file_registry_options ro;
    ro.fsync = false;
    reg::file_registry setup(root, ro);
    champion_history(setup, 3);
  }
  const std::string go = dir.path + "/go";
  std::vector<std::unique_ptr<mlguard::test::child_process>> workers;
  for (int i = 0; i < 4; ++i) {
    workers.push_back(std::make_unique<mlguard::test::child_process>(std::vector<std::string>{
        MLGUARD_REGISTRY_WORKER_PATH, "controller", root, "tips", go, "nofsync"}));
  }
  for (auto& w : workers) {
    REQUIRE(w->wait_for("ready\n", 20000));
  }
  dir.write("go", "");
  int applied = 0;
  for (auto& w : workers) {
    REQUIRE(w->wait_for("done\n", 20000));
    const auto at = w->text.find("rollbacks ");
    REQUIRE(at != std::string::npos);
    applied += std::stoi(w->text.substr(at + 10));
    w->kill_and_reap();
  }
  CHECK(applied == 1);
  reg::file_registry check(root);
  int rollbacks = 0;
  for (const auto& r : check.audit_log("tips")) {
    rollbacks += r.action == reg::audit_action::rollback_alias ? 1 : 0;
  }
  CHECK(rollbacks == 1);
  CHECK(check.alias_version("tips", "champion") == 2);
}

TEST_CASE("rollback_controller: its recorded trace replays to the same decisions") {
  mlguard::test::temp_dir dir;
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  champion_history(registry, 3);
  const auto p = rb::all_of({rb::grace(3, "error_rate"), rb::threshold("error_rate", 0.2, 0.1)});
  auto options = controller_for(clock, "controller");
  options.trace_path = dir.path + "/trace.jsonl";
  std::vector<rb::decision> live;
  {
    rb::rollback_controller controller(registry, p, options);
    controller.poll();
    for (double e : {0.3, 0.3, 0.05, 0.3, 0.3, 0.3, 0.4, 0.3, 0.3, 0.3}) {
      clock.advance(1s);
      controller.observe({{}, 0, "error_rate", e, 1});
      for (auto& d : controller.poll()) {
        live.push_back(std::move(d));
      }
    }
  }
  std::vector<std::string> story;
  for (const auto& d : live) {
    story.push_back(std::to_string((d.time - mlguard::test::test_epoch()) / 1s) + " v" +
                    std::to_string(d.version) + " " + rb::to_string(d.action) + " " + d.policy);
  }
  const std::string trip = "threshold error_rate above 0.2 (reset 0.1)";
  CHECK(story == std::vector<std::string>{"1 v3 hold grace 3 error_rate", "3 v3 keep all_of",
                                          "4 v3 rollback " + trip, "5 v2 hold grace 3 error_rate",
                                          "7 v2 rollback " + trip, "8 v1 hold grace 3 error_rate",
                                          "10 v1 hold no earlier version"});
  CHECK(live[2].target == 2);
  CHECK(live[4].target == 1);

  const auto events = rb::read_trace(options.trace_path);
  std::vector<rb::decision> replayed;
  for (auto& e : rb::replay(p, events)) {
    if (e.type == rb::trace_event::kind::observation) {
      replayed.push_back(e.decided);
    }
  }
  REQUIRE(replayed.size() == live.size());
  for (std::size_t i = 0; i < live.size(); ++i) {
    CHECK(mlguard::dump_json(rb::to_json(replayed[i])) == mlguard::dump_json(rb::to_json(live[i])));
  }
}

TEST_CASE("rollback_controller: a trace it cannot write is one alert, decisions go on") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  champion_history(registry, 2);
  std::vector<mlguard::report::alert> alerts;
  auto options = controller_for(clock, "controller");
  options.trace_path = "/dev/full"; // every write fails with ENOSPC
  options.alerts.push_back(std::make_shared<mlguard::report::callback_sink>(
      [&](const mlguard::report::alert& a) { alerts.push_back(a); }));
  rb::rollback_controller controller(registry, rb::threshold("error_rate", 0.2, 0.1), options);
  controller.poll();
  controller.observe({{}, 0, "error_rate", 0.5, 10});
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::rollback);
  REQUIRE(alerts.size() == 2);
  CHECK(alerts[0].key == "tips@champion/trace_failed");
  CHECK(alerts[1].key == "tips@champion/rollback");
}

TEST_CASE("rollback_controller: bad options and traces are refused by id") {
  mlguard::manual_clock clock;
  reg::in_memory_registry registry(clock);
  rb::controller_options none;
  MLGUARD_CHECK_THROWS_ID(rb::rollback_controller(registry, rb::cooldown(1s), none),
                          "mlguard.rollback.invalid_option");
  auto o = controller_for(clock, "c");
  o.interval = 0ms;
  MLGUARD_CHECK_THROWS_ID(rb::rollback_controller(registry, rb::cooldown(1s), o),
                          "mlguard.rollback.invalid_option");
  mlguard::test::temp_dir dir;
  auto trace = dir.write("bad.jsonl", "{\"t\": 1, \"alias\": 2, \"previous\": null}\n{\"t\": 2}\n");
  MLGUARD_CHECK_THROWS_ID(rb::read_trace(trace), "mlguard.format.corrupt");
  trace = dir.write("bad.jsonl", "{\"t\": 1, \"alias\": 2, \"colour\": 1}\n");
  MLGUARD_CHECK_THROWS_ID(rb::read_trace(trace), "mlguard.format.unknown_field");
  trace = dir.write("bad.jsonl", "{\"t\": 1, \"alias\"\n");
  MLGUARD_CHECK_THROWS_ID(rb::read_trace(trace), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(rb::read_trace(dir.path + "/missing.jsonl"), "mlguard.io.open_failed");
  // A directory opens, but reading it fails: not an empty trace.
  MLGUARD_CHECK_THROWS_ID(rb::read_trace(dir.path), "mlguard.io.read_failed");
}

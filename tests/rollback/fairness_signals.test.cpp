// A fairness limit as a rollback signal: a fairness_monitor's windows feed a
// controller, whose fairness policy rolls an unfair version back.

#include <chrono>
#include <string>
#include <vector>

#include "../registry/registry_fixtures.hpp"
#include "mlguard/fairness/fairness_monitor.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/rollback/controller.hpp"
#include "mlguard/rollback/fairness_policy.hpp"
#include "mlguard/rollback/fairness_signals.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;

TEST_CASE("fairness signals: windows become observations, one per disparity") {
  using namespace mlguard;
  fairness::fairness_window w;
  w.rows = 10;
  w.metrics.groups.resize(2);
  w.metrics.groups[0].counts.tp = 5; // a: all selected
  w.metrics.groups[1].counts.tn = 5; // b: none selected
  fairness::summarise(w.metrics, fairness::undefined_rate::skip);
  const auto obs = rollback::observations_of(w, 4, timestamp{});
  // dp difference and ratio; TPR and FPR are defined in one group each: differences 0.
  REQUIRE(obs.size() == 6);
  CHECK(obs[0].signal == "fairness.demographic_parity_difference");
  CHECK(obs[0].value == 1.0);
  CHECK(obs[0].samples == 10);
  CHECK(obs[0].version == 4);
  CHECK(obs[1].signal == "fairness.demographic_parity_ratio");
  CHECK(obs[1].value == 0.0);
  w.metrics.groups[1].counts = {};
  fairness::summarise(w.metrics, fairness::undefined_rate::skip);
  CHECK(rollback::observations_of(w, 4, timestamp{}).empty()); // one group: no evidence
  CHECK(fairness::metric_name(fairness::disparity::equalized_odds_difference, "fairness.zone") ==
        "fairness.zone.equalized_odds_difference");
  const auto p =
      rollback::fairness_policy({fairness::disparity::demographic_parity_ratio, 0.8}, 0.85, 100);
  const auto& rule = std::get<rollback::threshold_rule>(p.rule());
  CHECK(rule.signal == "fairness.demographic_parity_ratio");
  CHECK(rule.bad == rollback::worse::below);
  CHECK(rule.trip == 0.8);
  CHECK(rule.min_samples == 100);
  MLGUARD_CHECK_THROWS_ID(
      rollback::fairness_policy({fairness::disparity::demographic_parity_ratio, 0.8}, 0.7),
      "mlguard.rollback.invalid_option");
}

TEST_CASE("fairness signals: an unfair version is rolled back by the controller") {
  using namespace mlguard;
  manual_clock clock(test::test_epoch());
  registry::in_memory_registry reg(clock);
  reg.create_model("tips");
  reg.register_version("tips", "mem://1");
  reg.register_version("tips", "mem://2");
  reg.set_alias("tips", "champion", 1);
  reg.set_alias("tips", "champion", 2);
  rollback::controller_options co;
  co.model = "tips";
  co.clock = &clock;
  rollback::rollback_controller controller(
      reg,
      rollback::fairness_policy({fairness::disparity::demographic_parity_difference, 0.2}, 0.1, 50),
      co);
  CHECK(controller.poll().empty());

  fairness::fairness_monitor_options mo;
  mo.groups = {"a", "b"};
  mo.window = drift::window_options::tumbling(100);
  fairness::fairness_monitor monitor(mo, rollback::feed_fairness(controller, 2, clock));
  // A fair window: both groups selected half the time.
  for (int i = 0; i < 100; ++i) {
    monitor.observe(i % 2, 1.0, (i / 2) % 2 == 0 ? 1.0 : 0.0);
  }
  clock.advance(1s);
  CHECK(controller.poll().empty());
  CHECK(reg.alias_version("tips", "champion") == 2);
  // An unfair one: group a always selected, group b never.
  for (int i = 0; i < 100; ++i) {
    monitor.observe(i % 2, 1.0, i % 2 == 0 ? 1.0 : 0.0);
  }
  clock.advance(1s);
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rollback::decision_verdict::rollback);
  CHECK(decided[0].reason.find("fairness.demographic_parity_difference") != std::string::npos);
  CHECK(reg.alias_version("tips", "champion") == 1);
}

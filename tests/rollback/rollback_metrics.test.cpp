// Rollback metrics: decisions by verdict, rollbacks by the policy that fired
// (from a real controller rolling back through a registry), the canary judge's
// score (from a real judgement), and the exposition checked by promtool.

#include "mlguard/rollback/rollback_metrics.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include <mlguard/registry/in_memory_registry.hpp>
#include <mlguard/report/exposition.hpp>
#include <mlguard/rollback/canary.hpp>
#include <mlguard/rollback/controller.hpp>

#include "../registry/registry_fixtures.hpp"
#include "report/exposition_check.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;
namespace reg = mlguard::registry;
using mlguard::report::metric_registry;

namespace {

// The value of sample `name` with `labels` in one scrape (throws when there is none).
double sample_value(const metric_registry& r, const std::string& name,
                    const mlguard::report::label_set& labels) {
  std::string key = name + "{";
  for (const auto& [label, value] : labels) {
    key += label + "=" + value + ",";
  }
  return mlguard::test::scrape_values(r).at(key + "}");
}

} // namespace

TEST_CASE("rollback_metrics: a controller's rollback is counted under the policy that fired") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  reg::in_memory_registry registry(clock);
  registry.create_model("tips");
  for (int v = 1; v <= 3; ++v) {
    registry.register_version("tips", "mem://tips/" + std::to_string(v));
    registry.set_alias("tips", "champion", v);
  }
  metric_registry metrics;
  rb::rollback_metrics rm(metrics, "tips", "champion");
  rb::controller_options options;
  options.model = "tips";
  options.clock = &clock;
  int chained = 0;
  options.on_decision = [&](const rb::decision&) { ++chained; };
  rm.connect(options);
  rb::rollback_controller controller(registry, rb::threshold("error_rate", 0.2, 0.1), options);
  rm.watch(controller);

  const mlguard::report::label_set base{{"model", "tips"}, {"alias", "champion"}};
  auto with = [&](const char* label, const std::string& value) {
    auto l = base;
    l.emplace_back(label, value);
    return l;
  };
  // Every verdict has a series from the start, at 0, so rate() sees the first one.
  CHECK(sample_value(metrics, "mlguard_rollback_decisions_total", with("verdict", "rollback")) ==
        0.0);
  // No judge, no score: a controller's metrics carry no canary series.
  for (const auto& f : metrics.collect()) {
    CHECK(f.name != "mlguard_canary_score");
  }

  clock.advance(1s);
  controller.observe({{}, 0, "error_rate", 0.3, 100});
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(chained == 1);
  CHECK(sample_value(metrics, "mlguard_rollback_decisions_total", with("verdict", "rollback")) ==
        1.0);
  CHECK(sample_value(metrics, "mlguard_rollback_decisions_total", with("verdict", "keep")) == 0.0);
  CHECK(sample_value(metrics, "mlguard_rollbacks_total", with("reason", decided[0].policy)) == 1.0);
  CHECK(sample_value(metrics, "mlguard_controller_dropped_observations_total", base) == 0.0);
  for (const auto format : {mlguard::report::exposition_format::prometheus_text,
                            mlguard::report::exposition_format::openmetrics}) {
    mlguard::test::check_exposition(mlguard::report::expose(metrics, format), format);
  }
}

TEST_CASE("rollback_metrics: the canary judge's score becomes a gauge") {
  mlguard::serving::router_snapshot s;
  s.champion.version = 4;
  s.challenger.version = 5;
  for (int i = 0; i < 200; ++i) {
    s.champion.errors.push_back(i % 10 == 0 ? 1.0 : 0.0);
    s.challenger.errors.push_back(i % 10 == 0 ? 1.0 : 0.0);
    s.champion.latencies.push_back(1.0 + 0.01 * i);
    s.challenger.latencies.push_back(3.0 + 0.01 * i);
  }
  const auto d = rb::judge_canary(s); // errors pass, latency fails: score 50, a rollback
  metric_registry metrics;
  rb::rollback_metrics rm(metrics, "tips", "champion");
  rm.record(d);
  const mlguard::report::label_set base{{"model", "tips"}, {"alias", "champion"}};
  CHECK(sample_value(metrics, "mlguard_canary_score", base) == 50.0);
  auto reason = base;
  reason.emplace_back("reason", "canary judge");
  CHECK(sample_value(metrics, "mlguard_rollbacks_total", reason) == 1.0);
}

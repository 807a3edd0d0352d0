// A canary release end to end, without files: a router in front of two
// slots, labelled traffic, the judge, and the registry moves with their
// reasons in the journal. A challenger fitted on flipped labels (the issue's
// "label bug") is aborted; a sound one is promoted.

#include "mlguard/rollback/canary.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "../registry/registry_fixtures.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;
namespace reg = mlguard::registry;
namespace sv = mlguard::serving;

namespace {

// The tip model retrained on flipped labels: it predicts "tip" for the trips
// that do not tip.
sv::model_bundle canary_label_bug_bundle() {
  Eigen::VectorXd y;
  const mlguard::table t = mlguard::test::tip_trips(4, 12.0, 2000, &y);
  Eigen::MatrixXd X(static_cast<Eigen::Index>(t.rows()), 2);
  X << t.at("fare").vector(), t.at("distance").vector();
  const Eigen::VectorXd flipped = (1.0 - y.array()).matrix();
  mlguard::test::tip_pipeline p;
  p.fit(X, {"fare", "distance"}, flipped);
  return sv::make_bundle(p, t);
}

sv::guarded_options canary_model_options() {
  sv::guarded_options o;
  o.lanes = 1;
  o.monitor_inputs = false;
  o.monitor_predictions = false;
  return o;
}

// Versions 1..3 of "tips": champion → 1, challenger → `challenger`; the
// router's slots hold what the aliases point at (as two followers would).
struct canary_rig {
  mlguard::manual_clock clock{mlguard::test::test_epoch()};
  reg::in_memory_registry registry{clock};
  sv::model_slot<sv::guarded_model> champion;
  sv::model_slot<sv::guarded_model> challenger;
  std::unique_ptr<sv::canary_router> router;
  std::vector<mlguard::report::alert> alerts;

  explicit canary_rig(int challenger_version, sv::model_bundle challenger_bundle) {
    registry.create_model("tips");
    for (int v = 1; v <= 3; ++v) {
      registry.register_version("tips", "mem://tips/" + std::to_string(v));
    }
    registry.set_alias("tips", "champion", 1);
    registry.set_alias("tips", "challenger", challenger_version);
    champion.emplace(mlguard::test::tip_bundle(1, 12.0), 1, canary_model_options());
    challenger.emplace(std::move(challenger_bundle), challenger_version, canary_model_options());
    router = std::make_unique<sv::canary_router>(champion, challenger,
                                                 sv::router_options{sv::router_mode::canary, 10.0});
  }

  rb::canary_release_options options() {
    rb::canary_release_options o;
    o.model = "tips";
    o.actor = "canary-test";
    o.clock = &clock;
    o.alerts.push_back(std::make_shared<mlguard::report::callback_sink>(
        [this](const mlguard::report::alert& a) { alerts.push_back(a); }));
    return o;
  }

  // n labelled requests on trips from tip_trips (keys and ids from `first`).
  void serve(std::uint64_t first, std::size_t n) {
    Eigen::VectorXd y;
    const auto t = mlguard::test::tip_trips(first, 12.0, n, &y);
    for (std::size_t i = 0; i < n; ++i) {
      const std::array<double, 2> row{t.at("fare").vector()[static_cast<Eigen::Index>(i)],
                                      t.at("distance").vector()[static_cast<Eigen::Index>(i)]};
      const std::uint64_t id = first * 100000 + i + 1;
      router->predict(id, row, id);
      router->record_label(id, y[static_cast<Eigen::Index>(i)]);
    }
  }
};

} // namespace

TEST_CASE("canary_release: a challenger with a label bug is judged fail and aborted") {
  canary_rig rig(2, canary_label_bug_bundle());
  rb::canary_release release(rig.registry, *rig.router, rig.options());

  SUBCASE("too early to tell: keep, and nothing is written") {
    rig.serve(1, 40); // a handful of challenger labels, below min_sample_size
    const auto journal = rig.registry.audit_log("tips").size();
    const auto d = release.poll();
    REQUIRE(d);
    CHECK(d->action == rb::decision_verdict::keep);
    CHECK(d->reason.find("nodata") != std::string::npos);
    CHECK(rig.registry.audit_log("tips").size() == journal);
    CHECK(rig.router->percent() == 10.0);
  }

  rig.serve(2, 2000);
  const auto s = rig.router->snapshot();
  REQUIRE(s.challenger.errors.size() >= 100);
  rig.clock.advance(5s);
  const auto d = release.poll();
  REQUIRE(d);
  CHECK(d->action == rb::decision_verdict::rollback);
  CHECK(d->version == 2);
  CHECK(d->target == 1);
  CHECK(d->policy == "canary judge");
  CHECK(d->time == rig.clock.now());
  CHECK(d->reason.find("canary v2 against v1: fail") == 0);
  REQUIRE(d->findings.size() == 2);
  CHECK(d->findings[0].policy == "canary judge: error");
  CHECK(d->findings[0].state == rb::policy_state::tripped);
  CHECK(d->findings[0].value > 0.0); // the challenger's errors are higher
  CHECK(d->findings[1].policy == "canary judge: score");
  CHECK(d->findings[1].value == 0.0);

  // The canary's traffic stopped, the challenger alias is gone, the journal says why.
  CHECK(rig.router->percent() == 0.0);
  CHECK(!rig.registry.alias_version("tips", "challenger"));
  CHECK(rig.registry.alias_version("tips", "champion") == 1);
  const auto last = rig.registry.audit_log("tips").back();
  CHECK(last.action == reg::audit_action::delete_alias);
  CHECK(last.alias == "challenger");
  CHECK(last.actor == "canary-test");
  CHECK(last.reason == d->reason);
  REQUIRE(rig.alerts.size() == 1);
  CHECK(rig.alerts[0].key == "tips@challenger/canary_aborted");
  CHECK(rig.alerts[0].level == mlguard::report::alert_level::warning);
  // Every key is the champion's again, and no canary is left to judge.
  for (std::uint64_t k = 0; k < 200; ++k) {
    CHECK(rig.router->arm_of(k) == sv::router_arm::champion);
  }
  CHECK(!release.poll());
}

TEST_CASE("canary_release: a sound challenger is judged pass and promoted") {
  canary_rig rig(3, mlguard::test::tip_bundle(3, 12.0));
  std::vector<rb::decision> seen;
  auto options = rig.options();
  options.on_decision = [&](const rb::decision& d) { seen.push_back(d); };
  rb::canary_release release(rig.registry, *rig.router, options);
  rig.serve(2, 3000);
  const auto d = release.poll();
  REQUIRE(d);
  CAPTURE(d->reason);
  CHECK(d->action == rb::decision_verdict::promote);
  CHECK(d->version == 3);
  CHECK(!d->target);
  CHECK(d->reason.find("canary v3 against v1: pass") == 0);
  CHECK(rig.registry.alias_version("tips", "champion") == 3);
  const auto last = rig.registry.audit_log("tips").back();
  CHECK(last.action == reg::audit_action::set_alias);
  CHECK(last.alias == "champion");
  CHECK(last.version == 3);
  CHECK(last.actor == "canary-test");
  CHECK(last.reason == d->reason);
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].reason == d->reason);
  REQUIRE(rig.alerts.size() == 1);
  CHECK(rig.alerts[0].key == "tips@challenger/promoted");
  CHECK(rig.alerts[0].labels.at("alertname") == "promoted");
  CHECK(rig.alerts[0].labels.at("alias") == "challenger");
  CHECK(rig.router->percent() == 0.0);
  CHECK(!release.poll());
}

TEST_CASE("canary_release: a promotion that loses the compare-and-swap is a hold") {
  canary_rig rig(3, mlguard::test::tip_bundle(3, 12.0));
  rb::canary_release release(rig.registry, *rig.router, rig.options());
  rig.serve(2, 3000);
  rig.registry.set_alias("tips", "champion", 2, reg::alias_expectation::any(),
                         {"someone", "manual move"});
  const auto d = release.poll();
  REQUIRE(d);
  CHECK(d->action == rb::decision_verdict::hold);
  CHECK(d->reason.find("champion moved from v1 to v2") != std::string::npos);
  CHECK(rig.registry.alias_version("tips", "champion") == 2);
  CHECK(rig.registry.audit_log("tips").back().actor == "someone");
  REQUIRE(rig.alerts.size() == 1);
  CHECK(rig.alerts[0].key == "tips@challenger/promotion_conflict");
}

TEST_CASE("judge_canary: verdicts on snapshots, with the judge's numbers") {
  sv::router_snapshot s;
  s.champion.version = 4;
  s.challenger.version = 5;
  for (int i = 0; i < 200; ++i) {
    s.champion.errors.push_back(i % 10 == 0 ? 1.0 : 0.0);
    s.challenger.errors.push_back(i % 10 == 0 ? 1.0 : 0.0);
  }
  SUBCASE("the same errors pass") {
    const auto d = rb::judge_canary(s);
    CHECK(d.action == rb::decision_verdict::promote);
    CHECK(d.version == 5);
    CHECK(d.findings[0].state == rb::policy_state::clear);
  }
  SUBCASE("latencies are judged too when both arms report them, never critically") {
    for (int i = 0; i < 200; ++i) {
      s.champion.latencies.push_back(1.0 + 0.01 * i);
      s.challenger.latencies.push_back(3.0 + 0.01 * i);
    }
    const auto d = rb::judge_canary(s);
    REQUIRE(d.findings.size() == 3);
    CHECK(d.findings[1].policy == "canary judge: latency");
    CHECK(d.findings[1].state == rb::policy_state::tripped);
    CHECK(d.findings[1].value == doctest::Approx(2.0));
    // One of two metrics failed: score 50, below the marginal threshold.
    CHECK(d.action == rb::decision_verdict::rollback);
    CHECK(d.findings[2].value == 50.0);
  }
  SUBCASE("0/1 errors hide a rate of 5 % against 30 %; batch means (error_batch) show it") {
    // 400 requests per arm: the champion errs on every 20th, the challenger on 3 in 10.
    sv::router_snapshot per_request;
    per_request.champion.version = 4;
    per_request.challenger.version = 5;
    for (int i = 0; i < 400; ++i) {
      per_request.champion.errors.push_back(i % 20 == 0 ? 1.0 : 0.0);
      per_request.challenger.errors.push_back(i % 10 < 3 ? 1.0 : 0.0);
    }
    // The median pairwise difference is 0 and so is the interval: pass.
    CHECK(rb::judge_canary(per_request).action == rb::decision_verdict::promote);
    // The same errors as rates over batches of 10 (what error_batch = 10 stores).
    sv::router_snapshot batched;
    batched.champion.version = 4;
    batched.challenger.version = 5;
    for (int b = 0; b < 40; ++b) {
      double c = 0.0;
      double e = 0.0;
      for (int i = 10 * b; i < 10 * b + 10; ++i) {
        c += per_request.champion.errors[static_cast<std::size_t>(i)];
        e += per_request.challenger.errors[static_cast<std::size_t>(i)];
      }
      batched.champion.errors.push_back(c / 10.0);
      batched.challenger.errors.push_back(e / 10.0);
    }
    const auto d = rb::judge_canary(batched);
    CHECK(d.action == rb::decision_verdict::rollback);
    CHECK(d.findings[0].value == doctest::Approx(0.25));
  }
  SUBCASE("an empty arm is nodata: keep") {
    s.challenger.errors.clear();
    const auto d = rb::judge_canary(s);
    CHECK(d.action == rb::decision_verdict::keep);
    CHECK(d.findings[0].state == rb::policy_state::unknown);
  }
  SUBCASE("bad judge options throw") {
    rb::canary_judge_options bad;
    bad.pass_threshold = 50.0;
    bad.marginal_threshold = 60.0;
    MLGUARD_CHECK_THROWS_ID(rb::judge_canary(s, rb::canary_error_options(), bad),
                            "mlguard.rollback.invalid_option");
  }
}

TEST_CASE("canary_release: bad options are rejected by id") {
  canary_rig rig(3, mlguard::test::tip_bundle(3, 12.0));
  auto o = rig.options();
  o.model.clear();
  MLGUARD_CHECK_THROWS_ID(rb::canary_release(rig.registry, *rig.router, o),
                          "mlguard.rollback.invalid_option");
  o = rig.options();
  o.challenger_alias = "champion";
  MLGUARD_CHECK_THROWS_ID(rb::canary_release(rig.registry, *rig.router, o),
                          "mlguard.rollback.invalid_option");
}

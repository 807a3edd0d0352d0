// Scripted traces with a manual clock: every policy's exact decision times.

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/drift/online/detectors.hpp"
#include "mlguard/rollback/decision_engine.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;

namespace {

mlguard::timestamp at_seconds(double s) {
  return mlguard::timestamp(std::chrono::nanoseconds(static_cast<std::int64_t>(s * 1e9)));
}

// Runs `values` of `signal` (one per second, from t = 1 s) through `p` with
// version 2 served and version 1 before it; returns "t:verdict" per decision.
std::vector<std::string> run(const rb::policy& p, const std::string& signal,
                             const std::vector<double>& values, std::uint64_t samples = 1,
                             std::optional<int> previous = 1) {
  rb::decision_engine engine(p);
  engine.feed(rb::alias_event{at_seconds(0), 2, previous, false});
  std::vector<std::string> out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double t = static_cast<double>(i + 1);
    if (auto d = engine.feed(rb::observation{at_seconds(t), 2, signal, values[i], samples})) {
      out.push_back(std::to_string(i + 1) + ":" + rb::to_string(d->action));
    }
  }
  return out;
}

using lines = std::vector<std::string>;

} // namespace

TEST_CASE("decision_engine: a threshold with hysteresis trips once and does not flap") {
  // Oscillates between 0.15 and 0.25 around trip 0.2 after tripping: the reset
  // level 0.1 is never reached, so the verdict stays rollback (decided once).
  const auto p = rb::threshold("error_rate", 0.2, 0.1);
  CHECK(run(p, "error_rate", {0.05, 0.19, 0.2, 0.15, 0.25, 0.15, 0.25}) == lines{"3:rollback"});
  // Below the trip level it never decides anything.
  CHECK(run(p, "error_rate", {0.19, 0.18, 0.199}).empty());
  // Another signal's values do not count.
  CHECK(run(p, "latency", {5.0, 5.0}).empty());
}

TEST_CASE("decision_engine: hysteresis without a rollback target holds, then recovers") {
  // No earlier version: the trip is a hold; clearing needs the reset level.
  const auto p = rb::threshold("error_rate", 0.2, 0.1);
  CHECK(run(p, "error_rate", {0.3, 0.15, 0.25, 0.1, 0.05, 0.3}, 1, std::nullopt) ==
        lines{"1:hold", "4:keep", "6:hold"});
}

TEST_CASE("decision_engine: a threshold ignores observations below its minimum sample size") {
  const auto p = rb::threshold("accuracy", 0.8, 0.85, rb::worse::below, 100);
  CHECK(run(p, "accuracy", {0.5}, 99).empty());
  CHECK(run(p, "accuracy", {0.9, 0.81, 0.8}, 100) == lines{"3:rollback"});
}

TEST_CASE("decision_engine: k consecutive bad windows") {
  const auto p = rb::consecutive("drifted_features", 2, 3);
  CHECK(run(p, "drifted_features", {2, 2, 1, 2, 2, 2, 2}) == lines{"6:rollback"});
}

TEST_CASE("decision_engine: a rate over a sliding window needs its minimum sample size") {
  // 10 requests a second; rejected counts per second. The window is 3 s and
  // needs 25 requests: at t=1 and 2 (10, 20 requests) a 50% rate is unknown;
  // t=3 has 30 requests, 5 rejected: 0.167 > 0.1.
  const auto p = rb::rate("rejected", 0.1, 3s, 25);
  CHECK(run(p, "rejected", {5, 0, 0}, 10) == lines{"3:rollback"});
  // The window slides: t=5 sees (0+1+1)/30, t=6 (1+1+2)/30 = 0.133.
  CHECK(run(p, "rejected", {0, 0, 0, 1, 1, 2}, 10) == lines{"6:rollback"});
  // t=4 drops t=1's 5 rejected: 3/30 = 0.1 is not above 0.1.
  CHECK(run(p, "rejected", {5, 0, 0, 3}, 10) == lines{"3:rollback"});
  CHECK(run(p, "rejected", {0, 0, 0, 3, 0, 0}, 10).empty());
}

TEST_CASE("decision_engine: drift in k of the last n windows") {
  // ≥ 2 drifted features in 2 of the last 3 windows.
  const auto p = rb::drift(2, 2, 3);
  CHECK(run(p, "drifted_features", {2, 0, 0, 2, 1, 3}) == lines{"6:rollback"});
  CHECK(run(p, "drifted_features", {2, 0, 0, 2, 0, 0, 2}).empty());
}

TEST_CASE("decision_engine: DDM on the error stream trips at River's drift point") {
  // 0/1 errors: 1000 at a 10% rate (every 10th), then every one wrong.
  std::vector<double> errors;
  for (int i = 0; i < 1000; ++i) {
    errors.push_back(i % 10 == 9 ? 1.0 : 0.0);
  }
  errors.resize(1100, 1.0);
  const auto decided = run(rb::detector("ddm"), "error", errors);
  REQUIRE(decided.size() == 1);
  // The same detector alone finds the drift at the same observation.
  auto ddm = mlguard::drift::online::make_detector("ddm");
  std::size_t at = 0;
  for (std::size_t i = 0; i < errors.size() && at == 0; ++i) {
    const auto s = std::visit([&](auto& d) { return d.update(errors[i]); }, ddm);
    if (s == mlguard::drift::online::detector_state::drift) {
      at = i + 1;
    }
  }
  REQUIRE(at > 1000);
  CHECK(decided.front() == std::to_string(at) + ":rollback");
}

TEST_CASE("decision_engine: a baseline compares with the previous version's mean") {
  rb::decision_engine engine(rb::baseline("error", 0.25, rb::worse::above, true, 4));
  // Version 1 served first: mean error 0.2.
  engine.feed(rb::alias_event{at_seconds(0), 1, std::nullopt, false});
  for (double e : {0.1, 0.3, 0.2, 0.2}) {
    CHECK_FALSE(engine.feed(rb::observation{at_seconds(1), 1, "error", e, 1}));
  }
  engine.feed(rb::alias_event{at_seconds(10), 2, 1, false});
  // 0.24 ≤ 0.2 × 1.25 = 0.25: clear, then the mean climbs past 0.25.
  for (double e : {0.24, 0.24, 0.24}) {
    CHECK_FALSE(engine.feed(rb::observation{at_seconds(11), 2, "error", e, 1}));
  }
  CHECK_FALSE(engine.feed(rb::observation{at_seconds(12), 2, "error", 0.24, 1}));
  const auto d = engine.feed(rb::observation{at_seconds(13), 2, "error", 0.5, 1});
  REQUIRE(d);
  CHECK(d->action == rb::decision_verdict::rollback);
  CHECK(d->target == 1);
  CHECK(d->findings.front().value == doctest::Approx((0.24 * 4 + 0.5) / 5).epsilon(1e-15));
  CHECK(d->findings.front().limit == doctest::Approx(0.25).epsilon(1e-15));
}

TEST_CASE("decision_engine: grace, cooldown and limit gate a rollback and name themselves") {
  const auto trigger = rb::threshold("error_rate", 0.2, 0.1);
  SUBCASE("grace: no decision before 3 samples of error_rate") {
    const auto p = rb::all_of({rb::grace(3, "error_rate"), trigger});
    rb::decision_engine engine(p);
    engine.feed(rb::alias_event{at_seconds(0), 2, 1, false});
    const auto first = engine.feed(rb::observation{at_seconds(1), 2, "error_rate", 0.5, 1});
    REQUIRE(first);
    CHECK(first->action == rb::decision_verdict::hold);
    CHECK(first->policy == "grace 3 error_rate");
    CHECK_FALSE(engine.feed(rb::observation{at_seconds(2), 2, "error_rate", 0.5, 1}));
    const auto third = engine.feed(rb::observation{at_seconds(3), 2, "error_rate", 0.5, 1});
    REQUIRE(third);
    CHECK(third->action == rb::decision_verdict::rollback);
    CHECK(third->policy == "threshold error_rate above 0.2 (reset 0.1)");
  }
  SUBCASE("cooldown: 60 s after the last rollback") {
    rb::decision_engine engine(rb::all_of({rb::cooldown(60s), trigger}));
    engine.feed(rb::alias_event{at_seconds(100), 2, 1, true}); // a rollback made v2 current
    auto d = engine.feed(rb::observation{at_seconds(159), 2, "error_rate", 0.5, 1});
    REQUIRE(d);
    CHECK(d->action == rb::decision_verdict::hold);
    CHECK(d->policy == "cooldown 60 s");
    d = engine.feed(rb::observation{at_seconds(160), 2, "error_rate", 0.5, 1});
    REQUIRE(d);
    CHECK(d->action == rb::decision_verdict::rollback);
    CHECK(d->time == at_seconds(160));
  }
  SUBCASE("limit: at most 2 rollbacks per hour") {
    rb::decision_engine engine(rb::all_of({rb::limit(2, 1h), trigger}));
    engine.feed(rb::alias_event{at_seconds(0), 3, 2, true});
    engine.feed(rb::alias_event{at_seconds(1000), 2, 1, true});
    auto d = engine.feed(rb::observation{at_seconds(3599), 2, "error_rate", 0.5, 1});
    REQUIRE(d);
    CHECK(d->action == rb::decision_verdict::hold);
    CHECK(d->policy == "limit 2 per 3600 s");
    d = engine.feed(rb::observation{at_seconds(3600), 2, "error_rate", 0.5, 1});
    REQUIRE(d);
    CHECK(d->action == rb::decision_verdict::rollback);
  }
}

TEST_CASE("decision_engine: any_of and all_of are Kleene's or and and") {
  const auto hot = rb::threshold("a", 1, 0);
  const auto cold = rb::threshold("b", 1, 0);
  // any_of: one tripped is enough, even with the other unknown.
  CHECK(run(rb::any_of({hot, cold}), "a", {1}) == lines{"1:rollback"});
  // all_of: tripped a with b unknown is not a rollback.
  CHECK(run(rb::all_of({hot, cold}), "a", {1, 1}).empty());
  rb::decision_engine engine(rb::all_of({hot, cold}));
  engine.feed(rb::alias_event{at_seconds(0), 2, 1, false});
  CHECK_FALSE(engine.feed(rb::observation{at_seconds(1), 2, "a", 1, 1}));
  const auto d = engine.feed(rb::observation{at_seconds(2), 2, "b", 1, 1});
  REQUIRE(d);
  CHECK(d->action == rb::decision_verdict::rollback);
  CHECK(d->findings.size() == 2);
}

TEST_CASE("decision_engine: after a rollback nothing more is decided until the alias moves") {
  rb::decision_engine engine(rb::threshold("e", 1, 0));
  engine.feed(rb::alias_event{at_seconds(0), 3, 2, false});
  REQUIRE(engine.feed(rb::observation{at_seconds(1), 3, "e", 2, 1}));
  CHECK_FALSE(engine.feed(rb::observation{at_seconds(2), 3, "e", 0, 1}));
  CHECK_FALSE(engine.feed(rb::observation{at_seconds(3), 3, "e", 2, 1}));
  // The alias moved back to 2: the policy starts afresh there; v3's late
  // observations no longer count.
  engine.feed(rb::alias_event{at_seconds(4), 2, 1, true});
  CHECK_FALSE(engine.feed(rb::observation{at_seconds(5), 3, "e", 2, 1}));
  CHECK(engine.last() == rb::decision_verdict::keep);
  const auto d = engine.feed(rb::observation{at_seconds(6), 2, "e", 2, 1});
  REQUIRE(d);
  CHECK(d->target == 1);
}

TEST_CASE("policy: bad settings are refused by id") {
  MLGUARD_CHECK_THROWS_ID(rb::threshold("e", 0.1, 0.2), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::threshold("", 0.2, 0.1), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::threshold("e", NAN, 0.1), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::consecutive("e", 1, 0), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::rate("e", 1.5, 1s, 1), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::rate("e", 0.5, 0s, 1), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::drift(1, 4, 3), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::detector("nope"), "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::baseline("e", -1), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::limit(0, 1h), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(rb::any_of({}), "mlguard.rollback.invalid_option");
}

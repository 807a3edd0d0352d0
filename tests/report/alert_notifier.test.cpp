// alert_notifier against a manual clock: exact notification times for
// group_wait, group_interval and repeat_interval, resolved alerts sent once,
// failing sinks, and several threads firing at once.

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/report/alert_notifier.hpp"
#include "test_support.hpp"

namespace rp = mlguard::report;
using namespace std::chrono_literals;

namespace {

// What one notification looked like: when, why, and each alert as "feature/stream:status".
struct seen_group {
  std::chrono::nanoseconds at;
  rp::notify_reason reason;
  std::vector<std::string> alerts;
};

struct notifier_rig {
  mlguard::manual_clock clock;
  std::mutex mutex;
  std::vector<seen_group> seen;
  std::unique_ptr<rp::alert_notifier> notifier;

  explicit notifier_rig(rp::notifier_options o = {}) {
    o.clock = &clock;
    o.sinks.push_back(
        std::make_shared<rp::callback_sink>([](const rp::alert&) { FAIL("groups arrive whole"); },
                                            [this](const rp::alert_group& g) { record(g); }));
    notifier = std::make_unique<rp::alert_notifier>(std::move(o));
  }

  void record(const rp::alert_group& g) {
    seen_group s{g.time.time_since_epoch(), g.reason, {}};
    for (const auto& a : g.alerts) {
      s.alerts.push_back(a.labels.at("feature") + "/" + a.labels.at("stream") + ":" +
                         rp::to_string(a.status));
    }
    const std::lock_guard<std::mutex> lock(mutex);
    seen.push_back(std::move(s));
  }

  // Moves the clock to `t` in 1 s steps, ticking at each.
  void run_until(std::chrono::nanoseconds t) {
    while (clock.now().time_since_epoch() < t) {
      clock.advance(1s);
      notifier->tick();
    }
  }
};

rp::alert drift_alert(const std::string& feature, const std::string& stream) {
  rp::alert a;
  a.labels = {{"alertname", "FeatureDrift"}, {"feature", feature}, {"stream", stream}};
  a.summary = feature + " drifted";
  return a;
}

std::vector<std::chrono::nanoseconds> times_of(const std::vector<seen_group>& seen) {
  std::vector<std::chrono::nanoseconds> out;
  for (const auto& s : seen) {
    out.push_back(s.at);
  }
  return out;
}

using ns_list = std::vector<std::chrono::nanoseconds>;

} // namespace

TEST_CASE("alert_notifier: group_wait batches the alerts of a new group into one notification") {
  notifier_rig rig; // Alertmanager's defaults: 30 s, 5 min, 4 h
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.run_until(10s);
  rig.notifier->fire(drift_alert("age", "predictions")); // same group: alertname + feature
  rig.notifier->fire(drift_alert("fare", "inputs"));     // another group, its own group_wait
  rig.run_until(29s);
  CHECK(rig.seen.empty());
  rig.run_until(30s);
  REQUIRE(rig.seen.size() == 1);
  CHECK(rig.seen[0].at == 30s);
  CHECK(rig.seen[0].reason == rp::notify_reason::first);
  CHECK(rig.seen[0].alerts ==
        std::vector<std::string>{"age/inputs:firing", "age/predictions:firing"});
  rig.run_until(40s);
  REQUIRE(rig.seen.size() == 2);
  CHECK(rig.seen[1].at == 40s);
  CHECK(rig.seen[1].alerts == std::vector<std::string>{"fare/inputs:firing"});
  CHECK(rig.notifier->counts().groups == 2);
}

TEST_CASE("alert_notifier: a change to a notified group waits for the next group_interval tick") {
  notifier_rig rig;
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.run_until(1min);
  rig.notifier->fire(drift_alert("age", "predictions"));
  rig.notifier->fire(drift_alert("age", "inputs")); // a refresh is no news
  rig.run_until(20min);
  CHECK(times_of(rig.seen) == ns_list{30s, 5min + 30s});
  CHECK(rig.seen[1].reason == rp::notify_reason::changed);
  CHECK(rig.seen[1].alerts.size() == 2);
}

TEST_CASE("alert_notifier: an unchanged firing group is sent again only after repeat_interval") {
  rp::notifier_options o;
  o.repeat_interval = 1h;
  notifier_rig rig(o);
  rig.notifier->fire(drift_alert("age", "inputs"));
  for (int minute = 1; minute <= 180; ++minute) { // still drifting every minute for 3 h
    rig.run_until(std::chrono::minutes(minute));
    rig.notifier->fire(drift_alert("age", "inputs"));
  }
  CHECK(times_of(rig.seen) == ns_list{30s, 1h + 30s, 2h + 30s});
  CHECK(rig.seen[1].reason == rp::notify_reason::repeat);

  SUBCASE("a repeat that is not a multiple of group_interval waits for the next tick") {
    rp::notifier_options odd;
    odd.repeat_interval = 12min;
    notifier_rig r(odd);
    r.notifier->fire(drift_alert("age", "inputs"));
    r.run_until(40min);
    CHECK(times_of(r.seen) == ns_list{30s, 15min + 30s, 30min + 30s});
  }
}

TEST_CASE("alert_notifier: a resolved alert is sent once, then dropped with its empty group") {
  notifier_rig rig;
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.notifier->fire(drift_alert("age", "predictions"));
  rig.run_until(2min);
  CHECK(rig.notifier->resolve(drift_alert("age", "predictions")));
  CHECK_FALSE(rig.notifier->resolve(drift_alert("age", "predictions"))); // already resolved
  CHECK_FALSE(rig.notifier->resolve(drift_alert("fare", "inputs")));     // never fired
  rig.run_until(6min);
  REQUIRE(times_of(rig.seen) == ns_list{30s, 5min + 30s});
  CHECK(rig.seen[1].reason == rp::notify_reason::resolved);
  CHECK(rig.seen[1].alerts ==
        std::vector<std::string>{"age/inputs:firing", "age/predictions:resolved"});
  CHECK(rig.notifier->counts().alerts == 1);

  rig.run_until(12min);
  CHECK(rig.notifier->resolve(drift_alert("age", "inputs")));
  rig.run_until(30min);
  REQUIRE(times_of(rig.seen) == ns_list{30s, 5min + 30s, 15min + 30s});
  CHECK(rig.seen[2].alerts == std::vector<std::string>{"age/inputs:resolved"});
  CHECK(rig.notifier->counts().groups == 0);
  CHECK_FALSE(rig.notifier->next_due().has_value());

  // The same alert again starts a new group, with group_wait.
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.run_until(31min);
  CHECK(rig.seen.size() == 4);
  CHECK(rig.seen[3].at == 30min + 30s);
  CHECK(rig.seen[3].reason == rp::notify_reason::first);
}

TEST_CASE("alert_notifier: an alert that fires and resolves within group_wait is never sent") {
  notifier_rig rig;
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.run_until(10s);
  rig.notifier->resolve(drift_alert("age", "inputs"));
  rig.run_until(1h);
  CHECK(rig.seen.empty());
  CHECK(rig.notifier->counts().groups == 0);
}

TEST_CASE("alert_notifier: without send_resolved, resolutions are dropped unsent") {
  rp::notifier_options o;
  o.send_resolved = false;
  notifier_rig rig(o);
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.notifier->fire(drift_alert("age", "predictions"));
  rig.run_until(1min);
  rig.notifier->resolve(drift_alert("age", "predictions"));
  rig.run_until(6min);
  rig.notifier->resolve(drift_alert("age", "inputs"));
  rig.run_until(20min);
  CHECK(times_of(rig.seen) == ns_list{30s});
  CHECK(rig.notifier->counts().groups == 0);
}

TEST_CASE("alert_notifier: ticks missed keep the group's phase, flush sends what is pending") {
  notifier_rig rig;
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.clock.advance(17min); // nobody ticked for 17 minutes
  CHECK(rig.notifier->tick() == 1);
  CHECK(rig.seen[0].at == 15min + 30s); // the latest of the ticks missed
  CHECK(rig.notifier->next_due() == mlguard::timestamp(20min + 30s));
  rig.notifier->fire(drift_alert("age", "predictions"));
  CHECK(rig.notifier->flush() == 1);
  CHECK(rig.seen[1].at == 17min);
}

TEST_CASE("alert_notifier: a failing sink stops neither the others nor the notifier") {
  struct broken_sink final : rp::alert_sink {
    void send(const rp::alert&) override { throw std::runtime_error("down"); }
  };
  struct single_sink final : rp::alert_sink { // written before groups existed
    std::vector<std::string> keys;
    void send(const rp::alert& a) override { keys.push_back(a.labels.at("stream")); }
  };
  mlguard::manual_clock clock;
  auto old_style = std::make_shared<single_sink>();
  rp::notifier_options o;
  o.clock = &clock;
  o.sinks = {std::make_shared<broken_sink>(), old_style};
  rp::alert_notifier notifier(o);
  notifier.fire(drift_alert("age", "inputs"));
  notifier.fire(drift_alert("age", "predictions"));
  clock.advance(30s);
  CHECK(notifier.tick() == 1);
  CHECK(old_style->keys == std::vector<std::string>{"inputs", "predictions"});
  CHECK(notifier.counts().notifications == 1);
  CHECK(notifier.counts().failed_deliveries == 1);
}

TEST_CASE("alert_notifier: options are checked") {
  rp::notifier_options o;
  o.group_interval = 0s;
  MLGUARD_CHECK_THROWS_ID(rp::alert_notifier(o), "mlguard.report.invalid_notifier");
  o = {};
  o.group_wait = -1s;
  MLGUARD_CHECK_THROWS_ID(rp::alert_notifier(o), "mlguard.report.invalid_notifier");
}

TEST_CASE("alert_notifier: several threads fire and resolve while another ticks") {
  notifier_rig rig;
  constexpr int threads = 4;
  constexpr int rounds = 300;
  std::atomic<bool> done{false};
  std::thread ticker([&] {
    while (!done.load()) {
      rig.clock.advance(7s);
      rig.notifier->tick();
    }
  });
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&rig, t] {
      for (int i = 0; i < rounds; ++i) {
        const auto a = drift_alert("f" + std::to_string(i % 5), "s" + std::to_string(t));
        rig.notifier->fire(a);
        if (i % 3 == 0) {
          rig.notifier->resolve(a);
        }
      }
      for (int f = 0; f < 5; ++f) {
        rig.notifier->resolve(drift_alert("f" + std::to_string(f), "s" + std::to_string(t)));
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  done = true;
  ticker.join();
  rig.notifier->flush(); // sends the resolutions
  rig.notifier->flush(); // nothing left
  CHECK(rig.notifier->counts().groups == 0);
  CHECK(rig.notifier->counts().notifications == rig.seen.size());
  for (const auto& s : rig.seen) {
    CHECK_FALSE(s.alerts.empty());
  }
}

TEST_CASE("alert_notifier: start() ticks on a thread of its own") {
  notifier_rig rig;
  rig.notifier->fire(drift_alert("age", "inputs"));
  rig.clock.advance(30s);
  rig.notifier->start(std::chrono::milliseconds(1));
  for (int i = 0; i < 2000 && rig.notifier->counts().notifications == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  rig.notifier->stop();
  CHECK(rig.notifier->counts().notifications == 1);
}

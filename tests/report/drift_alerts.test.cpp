// drift_alerts: closed monitor windows through window triggers into a
// notifier. The case of issue 14 (the input monitor flagged all 49 windows)
// is one notification plus its repeats; an oscillating feature does not spam.

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/drift/window_report.hpp"
#include "mlguard/report/drift_alerts.hpp"
#include "test_support.hpp"

namespace rp = mlguard::report;
namespace dr = mlguard::drift;
using namespace std::chrono_literals;

namespace {

// A closed window in which the features named in `drifted` drifted.
dr::window_report drift_window(std::uint64_t index, const std::vector<std::string>& drifted) {
  dr::window_report w;
  w.index = index;
  for (const char* name : {"fare", "distance", "hour"}) {
    dr::column_drift c;
    c.name = name;
    c.stat = dr::method::psi;
    c.threshold = 0.1;
    c.drifted = std::find(drifted.begin(), drifted.end(), name) != drifted.end();
    c.statistic = c.drifted ? 0.3 : 0.01;
    w.drift.columns.push_back(c);
  }
  return w;
}

struct drift_rig {
  mlguard::manual_clock clock;
  std::vector<rp::alert_group> groups;
  std::unique_ptr<rp::alert_notifier> notifier;
  std::unique_ptr<rp::drift_alerts> alerts;

  drift_rig(rp::notifier_options n, rp::drift_alerts_options d = {}) {
    n.clock = &clock;
    n.sinks.push_back(std::make_shared<rp::callback_sink>(
        [](const rp::alert&) {}, [this](const rp::alert_group& g) { groups.push_back(g); }));
    notifier = std::make_unique<rp::alert_notifier>(std::move(n));
    alerts = std::make_unique<rp::drift_alerts>(*notifier, std::move(d));
  }

  // One window a minute for `count` minutes, ticking every 10 s in between.
  template <class Drifted>
  void windows(int count, Drifted drifted) {
    for (int i = 0; i < count; ++i) {
      for (int s = 0; s < 6; ++s) {
        clock.advance(10s);
        notifier->tick();
      }
      alerts->observe("inputs", drift_window(static_cast<std::uint64_t>(i), drifted(i)));
    }
  }

  std::vector<std::chrono::nanoseconds> times() const {
    std::vector<std::chrono::nanoseconds> out;
    for (const auto& g : groups) {
      out.push_back(g.time.time_since_epoch());
    }
    return out;
  }
};

using minutes_list = std::vector<std::chrono::nanoseconds>;

} // namespace

TEST_CASE("drift_alerts: 49 drifting windows are one notification plus the repeats") {
  rp::notifier_options n;
  n.repeat_interval = 20min;
  drift_rig rig(n);
  rig.windows(49, [](int) { return std::vector<std::string>{"fare"}; });
  rig.clock.advance(10s);
  rig.notifier->tick();
  // Fired by the first window (1 min); group_wait 30 s; repeats every 20 min on the 5 min ticks.
  CHECK(rig.times() == minutes_list{1min + 30s, 21min + 30s, 41min + 30s});
  const auto& first = rig.groups.at(0);
  CHECK(first.key == "{}:{alertname=\"FeatureDrift\", feature=\"fare\"}");
  REQUIRE(first.alerts.size() == 1);
  const auto& a = first.alerts[0];
  CHECK(a.labels == rp::alert_labels{{"alertname", "FeatureDrift"},
                                     {"feature", "fare"},
                                     {"method", "psi"},
                                     {"severity", "warning"},
                                     {"stream", "inputs"}});
  CHECK(a.details["statistic"] == 0.3);
  CHECK(a.details["window"] == 0);
  CHECK(a.time == mlguard::timestamp(1min));
  CHECK(rig.groups.at(2).reason == rp::notify_reason::repeat);

  SUBCASE("with Alertmanager's defaults, the 49 minutes are a single notification") {
    drift_rig quiet{rp::notifier_options{}};
    quiet.windows(49, [](int) { return std::vector<std::string>{"fare", "hour"}; });
    CHECK(quiet.times() == minutes_list{1min + 30s, 1min + 30s}); // one per feature group
    rp::notifier_options by_name;
    by_name.group_by = {"alertname"};
    drift_rig one(by_name);
    one.windows(49, [](int) { return std::vector<std::string>{"fare", "hour"}; });
    REQUIRE(one.times() == minutes_list{1min + 30s});
    CHECK(one.groups[0].alerts.size() == 2);
  }
}

TEST_CASE("drift_alerts: the drift ends, one resolved notification") {
  rp::drift_alerts_options d;
  d.trigger = {2, 3, 0};
  drift_rig rig(rp::notifier_options{}, d);
  rig.windows(10, [](int i) {
    return i < 4 ? std::vector<std::string>{"distance"} : std::vector<std::string>{};
  });
  rig.windows(10, [](int) { return std::vector<std::string>{}; });
  // Fired at the second drifting window (2 min), resolved after three clean ones (7 min).
  REQUIRE(rig.times() == minutes_list{2min + 30s, 7min + 30s});
  CHECK(rig.groups[1].reason == rp::notify_reason::resolved);
  CHECK(rig.groups[1].alerts.at(0).status == rp::alert_status::resolved);
  CHECK(rig.groups[1].alerts.at(0).ends_at == mlguard::timestamp(7min));
  CHECK(rig.notifier->counts().groups == 0);
}

TEST_CASE("drift_alerts: an oscillating feature does not spam") {
  const auto every_other = [](int i) {
    return i % 2 == 0 ? std::vector<std::string>{"hour"} : std::vector<std::string>{};
  };
  drift_rig naive(rp::notifier_options{}); // fires and resolves on every change
  naive.windows(100, every_other);
  rp::drift_alerts_options d;
  d.trigger = {3, 5, 0};
  drift_rig steady(rp::notifier_options{}, d);
  steady.windows(100, every_other);
  MESSAGE("notifications over 100 windows: state change " << naive.groups.size() << ", 3 of 5 "
                                                          << steady.groups.size());
  CHECK(naive.groups.size() == 33); // 100 changes cut to a third; the trigger ends it
  CHECK(steady.times() == minutes_list{5min + 30s});
}

TEST_CASE("drift_alerts: skipped features leave their trigger alone, bad settings throw") {
  drift_rig rig(rp::notifier_options{});
  auto w = drift_window(0, {"fare"});
  w.drift.columns[0].skipped = "no values";
  CHECK(rig.alerts->observe("inputs", w) == 0);
  CHECK(rig.alerts->observe("inputs", drift_window(1, {"fare"})) == 1);
  CHECK(rig.alerts->observe("predictions", drift_window(1, {"fare"})) == 1);
  CHECK(rig.notifier->counts().alerts == 2);
  rp::drift_alerts_options bad;
  bad.trigger = {2, 1, 0};
  MLGUARD_CHECK_THROWS_ID(rp::drift_alerts(*rig.notifier, bad), "mlguard.report.invalid_trigger");
}

TEST_CASE("drift_alerts: the input and prediction monitors close windows on two threads") {
  drift_rig rig(rp::notifier_options{});
  std::vector<std::thread> monitors;
  for (const char* stream : {"inputs", "predictions"}) {
    monitors.emplace_back([&rig, stream] {
      for (int i = 0; i < 200; ++i) {
        rig.alerts->observe(stream, drift_window(static_cast<std::uint64_t>(i),
                                                 i % 10 < 5 ? std::vector<std::string>{"fare"}
                                                            : std::vector<std::string>{}));
      }
    });
  }
  for (int i = 0; i < 200; ++i) {
    rig.clock.advance(1s);
    rig.notifier->tick();
  }
  for (auto& m : monitors) {
    m.join();
  }
  rig.notifier->flush();
  rig.notifier->flush();
  CHECK(rig.notifier->counts().groups == 0); // each stream's last five windows were clean
}

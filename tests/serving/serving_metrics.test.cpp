// Serving metrics: what a scrape reads from slots, models, the registry, the
// follower and the router, checked value by value and by promtool and
// prometheus_client's parsers.

#include "mlguard/serving/serving_metrics.hpp"

#include <array>
#include <map>
#include <string>
#include <string_view>

#include <mlguard/registry/in_memory_registry.hpp>
#include <mlguard/report/exposition.hpp>

#include "report/exposition_check.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

TEST_CASE("serving_metrics: requests by status and anomalies by feature and kind, per version") {
  report::metric_registry registry;
  model_slot<guarded_model> slot;
  serving_metrics metrics(registry, "tips");
  metrics.watch(slot);

  auto values = test::scrape_values(registry);
  CHECK(values.at("mlguard_serving_version{model=tips,}") == 0.0);
  CHECK(values.count("mlguard_requests_total{model=tips,version=1,status=ok,}") == 0);

  slot.emplace(test::tip_bundle(1, 12.0, validate::row_action::flag), 1,
               test::small_model_options(1, 50));
  const std::string_view good[2] = {"12.5", "3.5"};
  const std::string_view text_fare[2] = {"twelve", "3.5"};
  {
    auto m = slot.acquire();
    for (int i = 0; i < 7; ++i) {
      m->predict_fields(good);
    }
    for (int i = 0; i < 3; ++i) {
      m->predict_fields(text_fare);
    }
  }
  values = test::scrape_values(registry);
  CHECK(values.at("mlguard_serving_version{model=tips,}") == 1.0);
  CHECK(values.at("mlguard_slot_generation{model=tips,}") == 1.0);
  const auto counts = slot.acquire()->counts();
  CHECK(values.at("mlguard_requests_total{model=tips,version=1,status=ok,}") == counts.ok);
  CHECK(values.at("mlguard_requests_total{model=tips,version=1,status=flagged,}") ==
        counts.flagged);
  CHECK(counts.total() == 10);
  CHECK(values.at("mlguard_request_anomalies_total{model=tips,version=1,feature=fare,kind="
                  "FLOAT_TYPE_STRING_NOT_FLOAT,}") == 3.0);
  // Only anomalies that happened have a series.
  CHECK(values.count("mlguard_request_anomalies_total{model=tips,version=1,feature=distance,kind="
                     "FLOAT_TYPE_STRING_NOT_FLOAT,}") == 0);

  // A new version: its own series, counting from 0.
  slot.emplace(test::tip_bundle(2, 14.0), 2, test::small_model_options(1, 50));
  values = test::scrape_values(registry);
  CHECK(values.at("mlguard_serving_version{model=tips,}") == 2.0);
  CHECK(values.at("mlguard_slot_generation{model=tips,}") == 2.0);
  CHECK(values.at("mlguard_requests_total{model=tips,version=2,status=ok,}") == 0.0);
  CHECK(values.count("mlguard_requests_total{model=tips,version=1,status=ok,}") == 0);

  metrics.request_seconds().observe(0.0003);
  for (const auto format :
       {report::exposition_format::prometheus_text, report::exposition_format::openmetrics}) {
    test::check_exposition(report::expose(registry, format), format);
  }
}

TEST_CASE("serving_metrics: closed windows become drift gauges, and on_window still runs") {
  report::metric_registry registry;
  serving_metrics metrics(registry, "tips");
  auto options = test::small_model_options(1, 50);
  int windows_seen = 0;
  options.on_window = [&](const version_window&) { ++windows_seen; };
  metrics.connect(options);
  guarded_model m(test::tip_bundle(1, 12.0), 3, options);
  for (int i = 0; i < 100; ++i) {
    const std::array<double, 2> far_fare{40.0 + i % 7, 1.0 + 0.1 * (i % 5)};
    m.predict(far_fare);
  }
  CHECK(windows_seen == 4); // 2 windows of inputs, 2 of predictions
  const auto values = test::scrape_values(registry);
  CHECK(values.at("mlguard_monitor_windows_total{model=tips,version=3,stream=inputs,}") == 2.0);
  CHECK(values.at("mlguard_monitor_rows_total{model=tips,version=3,stream=inputs,}") == 100.0);
  // Fares of 40-46 against a reference around 12: drifted, whatever the method.
  bool fare_drift = false;
  for (const auto& [key, value] : values) {
    if (key.rfind("mlguard_drift_detected{model=tips,version=3,stream=inputs,feature=fare,", 0) ==
        0) {
      CHECK(value == 1.0);
      fare_drift = true;
    }
  }
  CHECK(fare_drift);
  test::check_exposition(report::expose(registry), report::exposition_format::prometheus_text);
}

TEST_CASE("serving_metrics: follower events, aliases and the router") {
  report::metric_registry registry;
  serving_metrics metrics(registry, "tips");

  follower_options fo;
  std::vector<follower_event::kind> chained;
  fo.on_event = [&](const follower_event& e) { chained.push_back(e.what); };
  metrics.connect(fo);
  fo.on_event({follower_event::kind::swapped, 1, 0, "", {}});
  fo.on_event({follower_event::kind::failed, 2, 1, "smoke failed", {}});
  fo.on_event({follower_event::kind::swapped, 3, 1, "", {}});
  CHECK(chained.size() == 3);

  registry::in_memory_registry models;
  models.create_model("tips");
  for (int i = 0; i < 3; ++i) {
    models.register_version("tips", "store:v" + std::to_string(i + 1));
  }
  models.set_alias("tips", "champion", 3);
  models.set_alias("tips", "challenger", 2);
  metrics.watch(models);

  model_slot<guarded_model> champion;
  model_slot<guarded_model> challenger;
  champion.emplace(test::tip_bundle(1, 12.0), 1, test::small_model_options(1, 50));
  challenger.emplace(test::tip_bundle(2, 14.0), 2, test::small_model_options(1, 50));
  router_options ro;
  ro.percent = 25;
  canary_router router(champion, challenger, ro);
  metrics.watch(router);
  metrics.watch(champion, "champion");
  metrics.watch(challenger, "challenger");
  const std::array<double, 2> trip{12.0, 2.0};
  for (std::uint64_t key = 0; key < 200; ++key) {
    router.predict(key, trip);
  }

  const auto values = test::scrape_values(registry);
  CHECK(values.at("mlguard_follower_swaps_total{model=tips,}") == 2.0);
  CHECK(values.at("mlguard_follower_failures_total{model=tips,}") == 1.0);
  CHECK(values.at("mlguard_alias_version{model=tips,alias=champion,}") == 3.0);
  CHECK(values.at("mlguard_alias_version{model=tips,alias=challenger,}") == 2.0);
  CHECK(values.at("mlguard_router_share{model=tips,mode=canary,}") == 0.25);
  const double to_champion = values.at("mlguard_router_requests_total{model=tips,arm=champion,}");
  const double to_challenger =
      values.at("mlguard_router_requests_total{model=tips,arm=challenger,}");
  CHECK(to_champion + to_challenger == 200.0);
  CHECK(to_challenger == values.at("mlguard_requests_total{model=tips,arm=challenger,version=2,"
                                   "status=ok,}"));
  CHECK(values.at("mlguard_serving_version{model=tips,arm=challenger,}") == 2.0);
  for (const auto format :
       {report::exposition_format::prometheus_text, report::exposition_format::openmetrics}) {
    test::check_exposition(report::expose(registry, format), format);
  }
}

TEST_CASE("serving_metrics: its collectors leave with it, two slots with one arm label clash") {
  report::metric_registry registry;
  model_slot<guarded_model> slot;
  {
    serving_metrics metrics(registry, "tips");
    metrics.watch(slot);
    CHECK(test::scrape_values(registry).count("mlguard_serving_version{model=tips,}") == 1);
    metrics.watch(slot);
    MLGUARD_CHECK_THROWS_ID(registry.collect(), "mlguard.report.duplicate_series");
  }
  CHECK(test::scrape_values(registry).count("mlguard_serving_version{model=tips,}") == 0);
}

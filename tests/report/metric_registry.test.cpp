#include <atomic>
#include <string>
#include <thread>

#include <doctest/doctest.h>

#include <mlguard/report/metric_registry.hpp>

#include "test_support.hpp"

using namespace mlguard;
using report::label_set;
using report::metric_registry;
using report::metric_writer;

TEST_CASE("metric_registry: the same name and labels give the same metric") {
  metric_registry r;
  auto& a = r.add_counter("mlguard_rows_total", "Rows.", {{"stream", "inputs"}});
  auto& b = r.add_counter("mlguard_rows", "Rows.", {{"stream", "inputs"}});
  auto& c = r.add_counter("mlguard_rows", "Rows.", {{"stream", "predictions"}});
  CHECK(&a == &b);
  CHECK(&a != &c);
  a.inc(3);
  c.inc();
  const auto families = r.collect();
  REQUIRE(families.size() == 1);
  CHECK(families[0].name == "mlguard_rows");
  CHECK(families[0].type == report::metric_type::counter);
  REQUIRE(families[0].samples.size() == 2);
  CHECK(families[0].samples[0].suffix == "_total");
  CHECK(families[0].samples[0].value == 3.0);
  CHECK(families[0].samples[1].labels == label_set{{"stream", "predictions"}});
}

TEST_CASE("metric_registry: names Prometheus rejects and type conflicts fail where they are made") {
  metric_registry r;
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("9lives", "x"), "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("a-b", "x"), "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("", "x"), "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("ok", "x", {{"__reserved", "v"}}),
                          "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("ok", "x", {{"bad-label", "v"}}),
                          "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("rows_total", "x"), "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("latency_bucket", "x"), "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_histogram("h", "x", {1.0}, {{"le", "1"}}),
                          "mlguard.report.invalid_name");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("same", "x", {{"a", "1"}, {"a", "2"}}),
                          "mlguard.report.invalid_name");
  r.add_counter("requests", "x");
  MLGUARD_CHECK_THROWS_ID(r.add_gauge("requests", "x"), "mlguard.report.metric_conflict");
  MLGUARD_CHECK_THROWS_ID(r.add_histogram("requests", "x", {1.0}),
                          "mlguard.report.metric_conflict");
  CHECK(r.collect().size() == 1); // nothing half-registered
}

TEST_CASE("metric_registry: a removed collector never runs again, even during scrapes") {
  metric_registry r;
  std::atomic<bool> removed{false};
  std::atomic<int> late_runs{0};
  const auto id = r.add_collector([&](metric_writer& w) {
    if (removed.load()) {
      ++late_runs;
    }
    w.gauge("g", "G.", {}, 1.0);
  });
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) {
      (void)r.collect();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  r.remove_collector(id);
  removed = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  scraper.join();
  CHECK(late_runs.load() == 0);
}

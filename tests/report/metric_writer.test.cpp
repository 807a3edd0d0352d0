#include <string>

#include <doctest/doctest.h>

#include <mlguard/report/metric_registry.hpp>
#include <mlguard/report/metric_writer.hpp>

#include "test_support.hpp"

using namespace mlguard;
using report::label_set;
using report::metric_registry;
using report::metric_writer;

TEST_CASE("metric_writer: one family per name, however many sources write it") {
  metric_registry r;
  r.add_gauge("mlguard_share", "Share.", {{"model", "a"}}).set(0.1);
  r.add_collector([](metric_writer& w) {
    w.gauge("mlguard_share", "Share.", {{"model", "b"}}, 0.2);
  });
  const auto id = r.add_collector(
      [](metric_writer& w) { w.counter("mlguard_events_total", "Events.", {}, 7); });
  auto families = r.collect();
  REQUIRE(families.size() == 2);
  CHECK(families[0].samples.size() == 2);
  CHECK(families[1].name == "mlguard_events");
  CHECK(families[1].samples[0].value == 7.0);

  r.remove_collector(id);
  r.remove_collector(12345); // unknown: nothing
  CHECK(r.collect().size() == 1);

  SUBCASE("two sources writing one series is an error, not two samples") {
    r.add_collector([](metric_writer& w) {
      w.gauge("mlguard_share", "Share.", {{"model", "a"}}, 0.3);
    });
    MLGUARD_CHECK_THROWS_ID(r.collect(), "mlguard.report.duplicate_series");
  }
  SUBCASE("a collector writing another type under a known name") {
    r.add_collector([](metric_writer& w) { w.counter("mlguard_share", "Share.", {}, 1); });
    MLGUARD_CHECK_THROWS_ID(r.collect(), "mlguard.report.metric_conflict");
  }
}

TEST_CASE("metric_writer: a histogram writes buckets with le, +Inf last, then sum and count") {
  report::histogram h({0.5, 1.0});
  h.observe(0.2);
  h.observe(0.7);
  h.observe(3.0);
  metric_writer w;
  w.histogram("mlguard_latency_seconds", "Latency.", {{"model", "m"}}, h.snapshot());
  const auto families = std::move(w).take();
  REQUIRE(families.size() == 1);
  const auto& s = families[0].samples;
  REQUIRE(s.size() == 5);
  CHECK(s[0].labels == label_set{{"model", "m"}, {"le", "0.5"}});
  CHECK(s[0].value == 1.0);
  CHECK(s[1].labels.back().second == "1");
  CHECK(s[1].value == 2.0);
  CHECK(s[2].labels.back().second == "+Inf");
  CHECK(s[2].value == 3.0);
  CHECK(s[3].suffix == "_sum");
  CHECK(s[3].value == doctest::Approx(3.9));
  CHECK(s[4].suffix == "_count");
  CHECK(s[4].value == 3.0);
}

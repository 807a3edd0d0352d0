// Alerts and their sinks: one JSON line per alert, and a failing sink that
// silences neither the others nor the caller.

#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlguard/report/alert.hpp"
#include "test_support.hpp"

namespace rp = mlguard::report;

namespace {

rp::alert sample_alert(const std::string& key) {
  rp::alert a;
  a.time = mlguard::timestamp(std::chrono::seconds(1795737600));
  a.level = rp::alert_level::critical;
  a.source = "rollback_controller tips@champion";
  a.key = key;
  a.summary = "v3: no earlier version";
  a.details["version"] = 3;
  return a;
}

struct failing_sink final : rp::alert_sink {
  void send(const rp::alert&) override { throw std::runtime_error("webhook down"); }
};

} // namespace

TEST_CASE("json_lines_sink: one JSON object per alert, appended") {
  mlguard::test::temp_dir dir;
  const auto path = dir.file("alerts.jsonl");
  {
    rp::json_lines_sink sink(path);
    sink.send(sample_alert("tips@champion/a"));
  }
  rp::json_lines_sink again(path); // a second writer appends
  again.send(sample_alert("tips@champion/b"));
  const std::string text = mlguard::test::read_file(path);
  const auto newline = text.find('\n');
  REQUIRE(newline != std::string::npos);
  const auto first = mlguard::parse_json(text.substr(0, newline), path);
  CHECK(first["key"] == "tips@champion/a");
  CHECK(first["severity"] == "critical");
  CHECK(first["time"] == "2026-11-27T00:00:00.000Z");
  CHECK(first["details"]["version"] == 3);
  CHECK(mlguard::parse_json(text.substr(newline + 1), path)["key"] == "tips@champion/b");
  MLGUARD_CHECK_THROWS_ID(rp::json_lines_sink(dir.file("missing/alerts.jsonl")),
                          "mlguard.io.open_failed");
}

TEST_CASE("send_to_all: a sink that throws is skipped and counted") {
  std::vector<std::string> got;
  rp::alert_sinks sinks{
      std::make_shared<failing_sink>(),
      std::make_shared<rp::callback_sink>([&](const rp::alert& a) { got.push_back(a.key); })};
  CHECK(rp::send_to_all(sinks, sample_alert("k")) == 1);
  CHECK(got == std::vector<std::string>{"k"});
  CHECK(rp::send_to_all({}, sample_alert("k")) == 0);
}

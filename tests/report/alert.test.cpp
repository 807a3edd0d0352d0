// Alerts and their sinks: one JSON line per alert, a group as Alertmanager's
// webhook payload, and a failing sink that silences neither the others nor the caller.

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
  CHECK(first["status"] == "firing");
  // Labels: the alert's own, alertname from the key and severity from the level when absent.
  CHECK(first["labels"]["alertname"] == "tips@champion/a");
  CHECK(first["labels"]["severity"] == "critical");
  CHECK_FALSE(first.contains("ends_at"));
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

TEST_CASE("alert_group: JSON in the shape of Alertmanager's webhook payload") {
  rp::alert_group g;
  g.key = "{}:{alertname=\"FeatureDrift\", feature=\"age\"}";
  g.labels = {{"alertname", "FeatureDrift"}, {"feature", "age"}};
  g.receiver = "ops";
  g.reason = rp::notify_reason::resolved;
  for (const char* stream : {"inputs", "predictions"}) {
    rp::alert a;
    a.time = mlguard::timestamp(std::chrono::seconds(1795737600));
    a.labels = {{"alertname", "FeatureDrift"}, {"feature", "age"}, {"stream", stream}};
    a.summary = std::string("age drifted in ") + stream;
    a.annotations["runbook"] = "docs/monitoring.md#alerts";
    g.alerts.push_back(a);
  }
  g.alerts[1].status = rp::alert_status::resolved;
  g.alerts[1].ends_at = g.alerts[1].time + std::chrono::minutes(5);
  CHECK(g.status() == rp::alert_status::firing);
  const mlguard::json j = rp::to_json(g);
  CHECK(j["version"] == "4");
  CHECK(j["groupKey"] == g.key);
  CHECK(j["status"] == "firing");
  CHECK(j["receiver"] == "ops");
  CHECK(j["groupLabels"] == mlguard::json{{"alertname", "FeatureDrift"}, {"feature", "age"}});
  CHECK(j["commonLabels"] ==
        mlguard::json{{"alertname", "FeatureDrift"}, {"feature", "age"}, {"severity", "warning"}});
  CHECK(j["commonAnnotations"] == mlguard::json{{"runbook", "docs/monitoring.md#alerts"}});
  REQUIRE(j["alerts"].size() == 2);
  CHECK(j["alerts"][0]["status"] == "firing");
  CHECK(j["alerts"][0]["startsAt"] == "2026-11-27T00:00:00.000Z");
  CHECK(j["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z");
  CHECK(j["alerts"][0]["annotations"]["summary"] == "age drifted in inputs");
  CHECK(j["alerts"][1]["status"] == "resolved");
  CHECK(j["alerts"][1]["endsAt"] == "2026-11-27T00:05:00.000Z");
  CHECK(j["alerts"][0]["fingerprint"].get<std::string>().size() == 16);
  CHECK(j["alerts"][0]["fingerprint"] != j["alerts"][1]["fingerprint"]);
  CHECK(j["mlguard"]["reason"] == "resolved");
  CHECK(rp::to_json(g.alerts[1])["ends_at"] == "2026-11-27T00:05:00.000Z");
}

TEST_CASE("send_to_all: a group reaches every sink, old sinks get its alerts one by one") {
  std::vector<std::string> got;
  rp::alert_group g;
  g.alerts = {sample_alert("a"), sample_alert("b")};
  rp::alert_sinks sinks{
      std::make_shared<failing_sink>(),
      std::make_shared<rp::callback_sink>([&](const rp::alert& a) { got.push_back(a.key); })};
  CHECK(rp::send_to_all(sinks, g) == 1);
  CHECK(got == std::vector<std::string>{"a", "b"});
}

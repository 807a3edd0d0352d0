// The webhook sink of examples/serving against a real HTTP server on loopback
// (cpp-httplib, in a thread): the payload a receiver gets, one POST per group,
// and timeouts, refusals and error statuses as io_error.
#include "doctest/doctest.h"

#if !defined(MLGUARD_SERVING_PATH)

TEST_CASE("webhook_sink: skipped") {
  MESSAGE("cpp-httplib was not found (examples/serving not built): skipped");
}

#else

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/report/alert_notifier.hpp"
#include "test_support.hpp"

// After the mlguard headers (see webhook_sink.hpp): it includes httplib.h.
#include "../../examples/serving/webhook_sink.hpp"

namespace rp = mlguard::report;
using namespace std::chrono_literals;

namespace {

// An HTTP server on 127.0.0.1 (a free port) that records what /hook receives;
// /slow answers after 1.5 s, /broken with 500.
struct hook_server {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mutex;
  std::vector<std::string> bodies;

  hook_server() {
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      const std::lock_guard<std::mutex> lock(mutex);
      bodies.push_back(req.body);
      res.status = 200;
    });
    server.Post("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(1500ms);
      res.status = 200;
    });
    server.Post("/broken",
                [](const httplib::Request&, httplib::Response& res) { res.status = 500; });
    port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    thread = std::thread([this] { server.listen_after_bind(); });
    for (int i = 0; i < 2000 && !server.is_running(); ++i) {
      std::this_thread::sleep_for(1ms);
    }
  }
  ~hook_server() {
    server.stop();
    thread.join();
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::vector<std::string> received() {
    const std::lock_guard<std::mutex> lock(mutex);
    return bodies;
  }
};

rp::alert hook_alert(const std::string& stream) {
  rp::alert a;
  a.labels = {{"alertname", "FeatureDrift"}, {"feature", "fare"}, {"stream", stream}};
  a.summary = "fare drifted in " + stream;
  a.details["statistic"] = 0.3;
  return a;
}

} // namespace

TEST_CASE("webhook_sink: one POST per group, shaped like Alertmanager's webhook payload") {
  hook_server hook;
  mlguard::manual_clock clock(mlguard::timestamp(std::chrono::seconds(1795737600)));
  rp::notifier_options o;
  o.clock = &clock;
  o.receiver = "ops";
  o.sinks.push_back(std::make_shared<mlguard::examples::webhook_sink>(
      mlguard::examples::webhook_options{hook.url("/hook"), 2s}));
  rp::alert_notifier notifier(o);
  notifier.fire(hook_alert("inputs"));
  notifier.fire(hook_alert("predictions"));
  clock.advance(30s);
  CHECK(notifier.tick() == 1);
  CHECK(notifier.counts().failed_deliveries == 0);
  const auto bodies = hook.received();
  REQUIRE(bodies.size() == 1);
  const mlguard::json j = mlguard::parse_json(bodies[0], "webhook body");
  CHECK(j["version"] == "4");
  CHECK(j["groupKey"] == "{}:{alertname=\"FeatureDrift\", feature=\"fare\"}");
  CHECK(j["status"] == "firing");
  CHECK(j["receiver"] == "ops");
  CHECK(j["groupLabels"] == mlguard::json{{"alertname", "FeatureDrift"}, {"feature", "fare"}});
  CHECK(j["commonLabels"]["feature"] == "fare");
  CHECK_FALSE(j["commonLabels"].contains("stream"));
  CHECK(j["commonAnnotations"].is_object());
  REQUIRE(j["alerts"].size() == 2);
  CHECK(j["alerts"][1]["labels"]["stream"] == "predictions");
  CHECK(j["alerts"][1]["annotations"]["summary"] == "fare drifted in predictions");
  CHECK(j["alerts"][0]["startsAt"] == "2026-11-27T00:00:00.000Z");
  CHECK(j["alerts"][0]["endsAt"] == "0001-01-01T00:00:00Z");

  // A lone alert is a group of one.
  mlguard::examples::webhook_sink sink({hook.url("/hook"), 2s});
  sink.send(hook_alert("inputs"));
  REQUIRE(hook.received().size() == 2);
  CHECK(mlguard::parse_json(hook.received()[1], "body")["alerts"].size() == 1);
}

TEST_CASE("webhook_sink: timeouts, refusals and error statuses are io_error") {
  hook_server hook;
  mlguard::examples::webhook_sink slow({hook.url("/slow"), 200ms});
  const auto start = std::chrono::steady_clock::now();
  MLGUARD_CHECK_THROWS_ID(slow.send(hook_alert("inputs")), "mlguard.io.webhook_failed");
  CHECK(std::chrono::steady_clock::now() - start < 1200ms);

  mlguard::examples::webhook_sink broken({hook.url("/broken"), 2s});
  try {
    broken.send(hook_alert("inputs"));
    FAIL("no error");
  } catch (const mlguard::io_error& e) {
    CHECK(std::string(e.message()).find("HTTP 500") != std::string::npos);
  }

  int closed_port = 0;
  {
    httplib::Server gone;
    closed_port = gone.bind_to_any_port("127.0.0.1");
  } // closed: nothing listens there now
  mlguard::examples::webhook_sink refused(
      {"http://127.0.0.1:" + std::to_string(closed_port) + "/hook", 2s});
  MLGUARD_CHECK_THROWS_ID(refused.send(hook_alert("inputs")), "mlguard.io.webhook_failed");

  MLGUARD_CHECK_THROWS_ID(mlguard::examples::webhook_sink({"127.0.0.1:9093/hook", 1s}),
                          "mlguard.argument.invalid_option");
  MLGUARD_CHECK_THROWS_ID(mlguard::examples::webhook_sink({"http://127.0.0.1/hook", 0ms}),
                          "mlguard.argument.invalid_option");
}

TEST_CASE("webhook_sink: a receiver that is down does not stop the other sinks") {
  hook_server hook;
  mlguard::manual_clock clock;
  std::vector<std::string> logged;
  rp::notifier_options o;
  o.clock = &clock;
  o.sinks = {std::make_shared<mlguard::examples::webhook_sink>(
                 mlguard::examples::webhook_options{hook.url("/broken"), 2s}),
             std::make_shared<rp::callback_sink>(
                 [&](const rp::alert& a) { logged.push_back(a.labels.at("stream")); })};
  rp::alert_notifier notifier(o);
  notifier.fire(hook_alert("inputs"));
  clock.advance(30s);
  CHECK(notifier.tick() == 1);
  CHECK(logged == std::vector<std::string>{"inputs"});
  CHECK(notifier.counts().failed_deliveries == 1);
}

#endif

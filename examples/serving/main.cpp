// mlguard-serving: a small HTTP scoring service in front of a model registry.
//
//   mlguard-serving --registry DIR --store DIR [--model models:/tips@champion]
//                   [--host 127.0.0.1] [--port 8080 (0: any free port)] [--interval-ms 200]
//                   [--window 1000] [--alert-webhook URL] [--alert-group-wait 30]
//
// A registry_follower keeps a model_slot on the version the alias names (opening,
// verifying and smoke-testing each new one off the request path); cpp-httplib's
// threads answer
//
//   POST /predict  {"features": {"fare": 12.5, "distance": "3.1"}}  (by name; absent = missing)
//                  {"fields": ["12.5", "3.1"]}                      (in the model's layout order)
//     -> 200 serving::to_json(outcome) + "model"; 400 bad JSON or an unknown feature;
//        503 no model yet
//   GET  /healthz  -> 200 {"status": "ok", "version": N, "generation": G}; 503 no model yet
//   GET  /metrics  -> 200 the metrics (serving::serving_metrics: requests, anomalies, drift,
//                  versions, follower swaps, latency) as OpenMetrics when the Accept header
//                  asks for it (Prometheus does), else the Prometheus text format
//
// Each closed monitor window feeds drift alerts (report::drift_alerts: a feature that
// drifted in 3 of the last 5 windows fires), grouped and de-duplicated by an
// alert_notifier and written to stderr, and POSTed in Alertmanager's webhook shape to
// --alert-webhook when given.
//
// Versions whose bundle holds an XGBoost booster are served too when it is built with
// mlguard::xgboost (libxgboost-dev found); otherwise the follower reports them as
// failed (mlguard.serving.unknown_model) and keeps the version serving.
//
// It prints one line, "listening on HOST:PORT", once bound; each swap or failure of the
// follower is one line on stderr. SIGTERM or SIGINT stops it (exit 0); exit 2 for a
// usage or startup error.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include <mlguard/core/json.hpp>
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/registry/model_uri.hpp>
#include <mlguard/report/alert_notifier.hpp>
#include <mlguard/report/drift_alerts.hpp>
#include <mlguard/report/exposition.hpp>
#include <mlguard/report/stderr_sink.hpp>
#include <mlguard/serving/artifact_store.hpp>
#include <mlguard/serving/outcome.hpp>
#include <mlguard/serving/registry_follower.hpp>
#include <mlguard/serving/serving_metrics.hpp>
#ifdef MLGUARD_SERVING_XGBOOST
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include "webhook_sink.hpp"

// After Eigen (through mlguard): glibc's <resolv.h>, which httplib.h includes, defines
// _res as a macro, and Eigen names parameters _res.
#include <httplib.h>

namespace {

using namespace mlguard;

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void fail(httplib::Response& res, int status, const std::string& message) {
  reply(res, status, json{{"error", message}});
}

// A request value as the text predict_fields reads: numbers as %.17g (exact), strings as
// sent, null as missing; nothing for other JSON types.
std::optional<std::string> field_text(const json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_number()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value.get<double>());
    return std::string(text);
  }
  if (value.is_null()) {
    return std::string();
  }
  return std::nullopt;
}

// POST /predict: one handle on the current model serves the whole request, so the
// layout the fields are read in and the model that scores them are the same version.
void predict(const serving::model_slot<serving::guarded_model>& slot, const std::string& uri,
             const httplib::Request& req, httplib::Response& res, report::histogram& latency) {
  const auto model = slot.acquire();
  if (!model) {
    return fail(res, 503, "no model serves yet");
  }
  const json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return fail(res, 400, "the body must be a JSON object");
  }
  const auto features = body.find("features");
  const auto fields = body.find("fields");
  if ((features == body.end()) == (fields == body.end())) {
    return fail(res, 400, "send either \"features\" (an object) or \"fields\" (an array)");
  }
  const auto& layout = model->layout();
  std::vector<std::string> text;
  if (features != body.end()) {
    if (!features->is_object()) {
      return fail(res, 400, "\"features\" must be an object of name: value");
    }
    text.resize(layout.size()); // a feature not sent stays "" (missing)
    for (const auto& [name, value] : features->items()) {
      const auto at = layout.index_of(name);
      if (!at) {
        return fail(res, 400, "unknown feature '" + name + "'");
      }
      auto value_text = field_text(value);
      if (!value_text) {
        return fail(res, 400, "feature '" + name + "' must be a number, a string or null");
      }
      text[*at] = std::move(*value_text);
    }
  } else {
    if (!fields->is_array()) {
      return fail(res, 400, "\"fields\" must be an array in layout order");
    }
    for (const auto& value : *fields) {
      auto value_text = field_text(value);
      if (!value_text) {
        return fail(res, 400, "each field must be a number, a string or null");
      }
      text.push_back(std::move(*value_text));
    }
  }
  // A wrong number of fields is the model's to report: status "rejected", "malformed".
  const std::vector<std::string_view> views(text.begin(), text.end());
  const auto start = std::chrono::steady_clock::now();
  const auto scored = model->predict_fields(views);
  latency.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  json answer = serving::to_json(scored);
  answer["model"] = uri;
  reply(res, 200, answer);
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app("mlguard-serving: an HTTP scoring service that follows a registry alias",
               "mlguard-serving");
  std::string registry_root;
  std::string store_root;
  std::string uri = "models:/tips@champion";
  std::string host = "127.0.0.1";
  int port = 8080;
  int interval_ms = 200;
  std::size_t window = 1000;
  std::string webhook;
  double group_wait = 30.0;
  app.add_option("--registry", registry_root, "File registry root")->required();
  app.add_option("--store", store_root, "Artifact store root")->required();
  app.add_option("--model", uri, "Model URI with an alias")->capture_default_str();
  app.add_option("--host", host, "Address to listen on")->capture_default_str();
  app.add_option("--port", port, "Port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--interval-ms", interval_ms, "How often the follower polls the registry")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--window", window, "Rows per monitor window")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--alert-webhook", webhook,
                 "POST alert notifications here (http://host:port/path)");
  app.add_option("--alert-group-wait", group_wait,
                 "Seconds to wait before a new alert group's first notification")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  // SIGTERM and SIGINT are blocked in every thread (all start after this) and taken by
  // sigwait on a watcher thread: no signal handler, so nothing async-signal-unsafe.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    registry::file_registry_options registry_options;
    registry_options.create = false;
    registry::file_registry models(registry_root, registry_options);
    const serving::file_artifact_store store(store_root);
    serving::model_slot<serving::guarded_model> slot;
    report::metric_registry metrics;
    serving::serving_metrics serving_metrics(metrics, registry::parse_model_uri(uri).name);
    serving_metrics.watch(slot);
    serving_metrics.watch(models);
    serving::follower_options options;
    options.interval = std::chrono::milliseconds(interval_ms);
#ifdef MLGUARD_SERVING_XGBOOST
    options.model.models.add<xgboost::xgboost_model>();
#endif
    // One line per event; a registry error that repeats every poll is printed once.
    options.on_event = [last = std::string()](const serving::follower_event& e) mutable {
      const std::string v = "v" + std::to_string(e.version);
      const std::string was = "v" + std::to_string(e.previous);
      std::string line = e.what == serving::follower_event::kind::swapped
                             ? "swapped: " + v + " serves (was " + was + ")"
                         : e.version == 0
                             ? "failed: " + e.reason
                             : "failed: " + v + " (" + e.reason + "); " + was + " still serves";
      if (line != last) {
        std::fprintf(stderr, "%s\n", line.c_str());
        last = std::move(line);
      }
    };
    serving_metrics.connect(options);       // follower swaps and failures
    serving_metrics.connect(options.model); // closed monitor windows: drift per feature

    // Drift alerts: grouped per feature, re-sent every repeat_interval, resolved once.
    report::notifier_options alerting;
    alerting.group_wait = std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::duration<double>(group_wait));
    alerting.sinks.push_back(std::make_shared<report::stderr_sink>());
    if (!webhook.empty()) {
      alerting.sinks.push_back(std::make_shared<examples::webhook_sink>(
          examples::webhook_options{webhook, std::chrono::seconds(5)}));
    }
    report::alert_notifier notifier(alerting);
    report::drift_alerts_options drift_options;
    drift_options.trigger = {3, 5, 0}; // fires at 3 drifted of the last 5 windows, resolves at 0
    drift_options.labels = {{"model", registry::parse_model_uri(uri).name}};
    report::drift_alerts drift_alerts(notifier, drift_options);
    options.model.inputs.window.size = window;
    options.model.predictions.window.size = window;
    auto on_window = std::move(options.model.on_window);
    options.model.on_window = [&drift_alerts, on_window](const serving::version_window& w) {
      drift_alerts.observe(w.stream, w.report);
      on_window(w);
    };
    serving::registry_follower follower(models, store, uri, slot, std::move(options));

    httplib::Server server;
    server.set_payload_max_length(std::size_t{1} << 20);
    server.set_keep_alive_timeout(1); // an idle connection holds up a stop for at most 1 s
    server.Post("/predict", [&](const httplib::Request& req, httplib::Response& res) {
      predict(slot, uri, req, res, serving_metrics.request_seconds());
    });
    server.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
      const auto format = report::negotiate_format(req.get_header_value("Accept"));
      try {
        res.set_content(report::expose(metrics, format), report::content_type(format));
      } catch (const std::exception& e) {
        fail(res, 500, e.what());
      }
    });
    server.Get("/healthz", [&](const httplib::Request&, httplib::Response& res) {
      const auto model = slot.acquire();
      if (!model) {
        return reply(res, 503, json{{"status", "unavailable"}});
      }
      reply(res, 200,
            json{{"status", "ok"},
                 {"version", model->version()},
                 {"generation", model.generation()}});
    });
    const int bound = port == 0                         ? server.bind_to_any_port(host)
                      : server.bind_to_port(host, port) ? port
                                                        : -1;
    if (bound < 0) {
      std::fprintf(stderr, "mlguard-serving: error: cannot listen on %s:%d\n", host.c_str(), port);
      return 2;
    }
    follower.start();
    notifier.start();

    std::atomic<bool> served{false};
    std::thread watcher([&] {
      int received = 0;
      sigwait(&stop_signals, &received);
      // stop() only acts on a running server: wait for listen_after_bind to start.
      while (!served.load() && !server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
      if (!served.load()) {
        server.stop();
      }
    });
    std::printf("listening on %s:%d\n", host.c_str(), bound);
    std::fflush(stdout);
    const bool clean = server.listen_after_bind();
    served = true;
    pthread_kill(watcher.native_handle(), SIGTERM); // wakes the watcher if no signal came
    watcher.join();
    follower.stop();
    notifier.stop();
    notifier.flush(); // what is still waiting for its group_wait goes out now
    return clean ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlguard-serving: error: %s\n", e.what());
    return 2;
  }
}

// The HTTP scoring service of examples/serving, end to end over loopback: the real
// `mlguard-serving` follows a file registry while a client scores continuously, the real
// `mlguard` CLI moves the alias, a corrupt version is refused, SIGTERM stops it cleanly.
#include "doctest/doctest.h"

#if !defined(MLGUARD_SERVING_PATH) || !defined(MLGUARD_CLI_PATH)

TEST_CASE("serving service: skipped") {
  MESSAGE("mlguard-serving or the mlguard CLI was not built (cpp-httplib not found): skipped");
}

#else

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

#include "cli/cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/publish.hpp"
#include "report/exposition_check.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"
#ifdef MLGUARD_TEST_XGBOOST
#include "xgboost/xgboost_support.hpp"
#endif

// After Eigen: httplib.h brings glibc's _res macro (see examples/serving/main.cpp).
#include <httplib.h>

namespace {

using namespace std::chrono_literals;

// A long-running child: stdout on a pipe (read line by line), stderr to a file, and
// SIGKILLed on destruction unless it has been waited for, so no test leaves it behind.
class service_process {
public:
  service_process(const std::vector<std::string>& argv, const std::string& err_path) {
    int out[2];
    if (pipe(out) != 0) {
      throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0644);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    std::vector<char*> args;
    for (const auto& a : argv) {
      args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    out_ = out[0];
    if (rc != 0) {
      pid_ = -1;
      throw std::runtime_error("posix_spawn " + argv[0] + ": " + std::strerror(rc));
    }
  }
  service_process(const service_process&) = delete;
  service_process& operator=(const service_process&) = delete;
  ~service_process() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(out_);
  }

  /// The next line of its stdout (without '\n'), or nothing after `timeout` or at EOF.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd fd{out_, POLLIN, 0};
      if (left.count() <= 0 || poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
        return std::nullopt;
      }
      char chunk[512];
      const ssize_t n = read(out_, chunk, sizeof chunk);
      if (n <= 0) {
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  void signal(int sig) const { kill(pid_, sig); }

  /// Its exit code (128 + signal when killed), or nothing if it still runs after `timeout`.
  std::optional<int> wait_for(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(10ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
  }

private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

// Polls `done` every 10 ms until it holds or `timeout` passes; returns its last answer.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// GET /healthz's version (0: no answer, or not 200).
int healthy_version(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(1);
  client.set_read_timeout(2);
  const auto res = client.Get("/healthz");
  if (!res || res->status != 200) {
    return 0;
  }
  const auto body = mlguard::json::parse(res->body, nullptr, false);
  return body.is_object() && body.value("status", "") == "ok" ? body.value("version", 0) : 0;
}

// One client thread scoring without pause (one request at a time, so once an answer
// comes from version v, every later one does too until the slot changes again).
struct scoring_traffic {
  explicit scoring_traffic(int port)
      : thread([this, port] {
          httplib::Client client("127.0.0.1", port);
          client.set_connection_timeout(1);
          client.set_read_timeout(2);
          bool by_name = true;
          while (!stop) {
            const char* body = by_name ? R"({"features": {"fare": 12.5, "distance": 3.1}})"
                                       : R"({"fields": ["12.5", "3.1"]})";
            by_name = !by_name;
            const auto res = client.Post("/predict", body, "application/json");
            const auto answer =
                res ? mlguard::json::parse(res->body, nullptr, false) : mlguard::json();
            if (!res || res->status != 200 || !answer.is_object() || !answer.contains("status") ||
                !answer.contains("version") || !answer["version"].is_number_integer()) {
              ++failures;
              continue;
            }
            const int v = answer["version"].get<int>();
            ++by_version[static_cast<std::size_t>(v >= 0 && v < 4 ? v : 0)];
            last_version = v;
          }
        }) {}
  scoring_traffic(const scoring_traffic&) = delete;
  scoring_traffic& operator=(const scoring_traffic&) = delete;
  ~scoring_traffic() { finish(); }
  void finish() {
    stop = true;
    if (thread.joinable()) {
      thread.join();
    }
  }
  int answers(int version) const { return by_version[static_cast<std::size_t>(version)]; }

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> last_version{0};
  std::array<std::atomic<int>, 4> by_version{}; // [0]: an unexpected version
  std::thread thread;
};

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A published tips model on champion, and mlguard-serving following it on a free port.
struct running_service {
  mlguard::test::temp_dir dir;
  std::string root = dir.file("registry");
  std::string store_root = dir.file("store");
  std::string err_path = dir.file("service.err");
  std::optional<service_process> process;
  int port = 0;

  running_service() {
    using namespace mlguard;
    registry::file_registry_options fast;
    fast.fsync = false;
    registry::file_registry models(root, fast);
    serving::file_artifact_store store(store_root);
    serving::publish(models, store, "tips", test::tip_bundle(1, 12.0));
    models.set_alias("tips", "champion", 1);
    process.emplace(std::vector<std::string>{MLGUARD_SERVING_PATH, "--registry", root, "--store",
                                             store_root, "--port", "0", "--interval-ms", "50"},
                    err_path);
    const auto line = process->read_line(5s);
    INFO("service stderr: " << file_text(err_path));
    REQUIRE(line);
    REQUIRE(line->rfind("listening on 127.0.0.1:", 0) == 0);
    port = std::stoi(line->substr(line->rfind(':') + 1));
    REQUIRE(eventually([&] { return healthy_version(port) == 1; }, 5s));
  }

  // Sends `n` requests that score ok.
  void score(int n) const {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(2);
    for (int i = 0; i < n; ++i) {
      const auto res = client.Post("/predict", R"({"features": {"fare": 12.5, "distance": 3.1}})",
                                   "application/json");
      REQUIRE(res);
      REQUIRE(res->status == 200);
    }
  }

  void stop() {
    process->signal(SIGTERM);
    const auto code = process->wait_for(5s);
    REQUIRE(code);
    CHECK(*code == 0);
  }
};

// A TCP port free on loopback now (the kernel's pick for port 0).
int free_loopback_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t length = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length) == 0;
  close(fd);
  REQUIRE(ok);
  return ntohs(addr.sin_port);
}

} // namespace

TEST_CASE(
    "serving service: /metrics in both formats, as promtool and prometheus_client read them") {
  running_service service;
  service.score(5);
  httplib::Client client("127.0.0.1", service.port);
  client.set_read_timeout(2);

  const auto text = client.Get("/metrics");
  REQUIRE(text);
  CHECK(text->status == 200);
  CHECK(text->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(text->body.find("mlguard_requests_total{model=\"tips\",version=\"1\",status=\"ok\"} 5\n") !=
        std::string::npos);
  CHECK(text->body.find("mlguard_request_duration_seconds_count{model=\"tips\"} 5\n") !=
        std::string::npos);
  CHECK(text->body.find("mlguard_alias_version{model=\"tips\",alias=\"champion\"} 1\n") !=
        std::string::npos);
  CHECK(text->body.find("mlguard_follower_swaps_total{model=\"tips\"} 1\n") != std::string::npos);
  mlguard::test::check_exposition(text->body, mlguard::report::exposition_format::prometheus_text);

  const auto om = client.Get(
      "/metrics", {{"Accept", "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"}});
  REQUIRE(om);
  CHECK(om->status == 200);
  CHECK(om->get_header_value("Content-Type").rfind("application/openmetrics-text", 0) == 0);
  CHECK(om->body.find("# EOF\n") == om->body.size() - 6);
  mlguard::test::check_exposition(om->body, mlguard::report::exposition_format::openmetrics);
  service.stop();
}

TEST_CASE("serving service: a real Prometheus scrapes it and answers queries with its numbers") {
  const auto prometheus = mlguard::test::find_program("prometheus");
  if (!prometheus) {
    MESSAGE("prometheus is not installed (Debian: prometheus): skipped");
    return;
  }
  running_service service;
  service.score(7);

  // Prometheus on loopback, scraping the service every second (OpenMetrics, as it asks first).
  const int web_port = free_loopback_port();
  const std::string config = service.dir.file("prometheus.yml");
  std::ofstream(config) << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                           "scrape_configs:\n  - job_name: mlguard\n    static_configs:\n"
                           "      - targets: ['127.0.0.1:"
                        << service.port << "']\n";
  const std::string log_path = service.dir.file("prometheus.log");
  service_process server(
      {*prometheus, "--config.file=" + config, "--storage.tsdb.path=" + service.dir.file("tsdb"),
       "--web.listen-address=127.0.0.1:" + std::to_string(web_port), "--log.level=warn"},
      log_path);
  INFO("prometheus log: " << file_text(log_path));

  // The value of a PromQL query with one series in its result, or nothing yet.
  const auto query = [&](const std::string& promql) -> std::optional<std::string> {
    httplib::Client api("127.0.0.1", web_port);
    api.set_connection_timeout(1);
    api.set_read_timeout(2);
    const auto res = api.Get("/api/v1/query", {{"query", promql}}, httplib::Headers{});
    if (!res || res->status != 200) {
      return std::nullopt;
    }
    const auto body = mlguard::json::parse(res->body, nullptr, false);
    if (!body.is_object() || body.value("status", "") != "success") {
      return std::nullopt;
    }
    const auto& result = body["data"]["result"];
    if (!result.is_array() || result.size() != 1) {
      return std::nullopt;
    }
    return result[0]["value"][1].get<std::string>();
  };
  // The scrape succeeded (up is 1 only when Prometheus parsed the whole exposition).
  CHECK(eventually([&] { return query(R"(up{job="mlguard"})") == std::optional<std::string>("1"); },
                   30s));
  CHECK(eventually(
      [&] {
        return query(R"(mlguard_requests_total{job="mlguard",model="tips",status="ok"})") ==
               std::optional<std::string>("7");
      },
      10s));
  CHECK(query(R"(mlguard_alias_version{alias="champion"})") == std::optional<std::string>("1"));
  CHECK(query(R"(mlguard_request_duration_seconds_count{model="tips"})") ==
        std::optional<std::string>("7"));
  // More requests show up at a later scrape.
  service.score(3);
  CHECK(eventually(
      [&] {
        return query(R"(mlguard_requests_total{model="tips",status="ok"})") ==
               std::optional<std::string>("10");
      },
      10s));

  server.signal(SIGTERM);
  const auto code = server.wait_for(10s);
  REQUIRE(code);
  CHECK(*code == 0);
  service.stop();
}

TEST_CASE("serving service: drift alerts reach a webhook, grouped per feature") {
  // The webhook: an httplib server on loopback that keeps what it receives.
  std::mutex received_mutex;
  std::vector<std::string> received;
  httplib::Server hook;
  hook.Post("/hook", [&](const httplib::Request& req, httplib::Response& res) {
    const std::lock_guard<std::mutex> lock(received_mutex);
    received.push_back(req.body);
    res.status = 200;
  });
  const int hook_port = hook.bind_to_any_port("127.0.0.1");
  REQUIRE(hook_port > 0);
  std::thread hook_thread([&] { hook.listen_after_bind(); });

  mlguard::test::temp_dir dir;
  const std::string root = dir.file("registry");
  const std::string store_root = dir.file("store");
  {
    mlguard::registry::file_registry_options fast;
    fast.fsync = false;
    mlguard::registry::file_registry models(root, fast);
    mlguard::serving::file_artifact_store store(store_root);
    mlguard::serving::publish(models, store, "tips", mlguard::test::tip_bundle(1, 12.0));
    models.set_alias("tips", "champion", 1);
  }
  const std::string err_path = dir.file("service.err");
  service_process service({MLGUARD_SERVING_PATH, "--registry", root, "--store", store_root,
                           "--port", "0", "--window", "20", "--alert-group-wait", "0",
                           "--alert-webhook",
                           "http://127.0.0.1:" + std::to_string(hook_port) + "/hook"},
                          err_path);
  const auto line = service.read_line(5s);
  INFO("service stderr: " << file_text(err_path));
  REQUIRE(line);
  const int port = std::stoi(line->substr(line->rfind(':') + 1));
  REQUIRE(eventually([&] { return healthy_version(port) == 1; }, 5s));

  // Fares of 45 and a constant distance against the training trips: every window of 20
  // drifts in both, and in the predictions; the third window fires each (3 of 5), the
  // fourth sends nothing new.
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(2);
  for (int i = 0; i < 80; ++i) {
    const auto res = client.Post("/predict", R"({"features": {"fare": 45, "distance": 3.1}})",
                                 "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
  }
  REQUIRE(eventually(
      [&] {
        const std::lock_guard<std::mutex> lock(received_mutex);
        return !received.empty();
      },
      10s));
  std::this_thread::sleep_for(1500ms); // one more notifier tick: nothing new to send
  {
    const std::lock_guard<std::mutex> lock(received_mutex);
    // One notification per drifting feature, not one per window.
    std::multiset<std::string> features;
    for (const auto& body : received) {
      const auto payload = mlguard::json::parse(body);
      CHECK(payload["version"] == "4");
      CHECK(payload["status"] == "firing");
      REQUIRE(payload["alerts"].size() == 1);
      CHECK(payload["alerts"][0]["labels"]["alertname"] == "FeatureDrift");
      CHECK(payload["alerts"][0]["labels"]["model"] == "tips");
      features.insert(payload["groupLabels"]["feature"].get<std::string>());
    }
    CHECK(features == std::multiset<std::string>{"distance", "fare", "probability"});
  }
  service.signal(SIGTERM);
  const auto code = service.wait_for(5s);
  REQUIRE(code);
  CHECK(*code == 0);
  CHECK(file_text(err_path).find("FIRING warning FeatureDrift") != std::string::npos);
  hook.stop();
  hook_thread.join();
}

TEST_CASE("serving service: follows the alias under load, refuses a corrupt version, stops on "
          "SIGTERM") {
  using namespace mlguard;
  const test::temp_dir dir;
  const std::string root = dir.file("registry");
  const std::string store_root = dir.file("store");
  registry::file_registry_options fast;
  fast.fsync = false;
  registry::file_registry models(root, fast);
  serving::file_artifact_store store(store_root);
  serving::publish(models, store, "tips", test::tip_bundle(1, 12.0));
  serving::publish(models, store, "tips", test::tip_bundle(2, 14.0));
  models.set_alias("tips", "champion", 1);

  const std::string err_path = dir.file("service.err");
  service_process service({MLGUARD_SERVING_PATH, "--registry", root, "--store", store_root,
                           "--port", "0", "--interval-ms", "50"},
                          err_path);
  const auto line = service.read_line(5s);
  INFO("service stderr: " << file_text(err_path));
  REQUIRE(line);
  REQUIRE(line->rfind("listening on 127.0.0.1:", 0) == 0);
  const int port = std::stoi(line->substr(line->rfind(':') + 1));
  REQUIRE(port > 0);
  REQUIRE(eventually([&] { return healthy_version(port) == 1; }, 5s));

  scoring_traffic traffic(port);
  REQUIRE(eventually([&] { return traffic.last_version == 1; }, 5s));

  // The real CLI moves the alias; the service swaps without failing a request.
  const auto moved = test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "2"});
  INFO("mlguard registry alias: " << moved.err);
  REQUIRE(moved.exit_code == 0);
  REQUIRE(eventually([&] { return traffic.last_version == 2; }, 10s));
  CHECK(traffic.failures == 0);
  const int v1_answers = traffic.answers(1);
  CHECK(v1_answers > 0);

  // Version 3's bundle rots in the store: refused and marked failed; version 2 still serves.
  const auto v3 = serving::publish(models, store, "tips", test::tip_bundle(3, 16.0));
  std::ofstream(store.directory(v3.artifact_digest) + "/" + serving::member::pipeline,
                std::ios::trunc)
      << "{}";
  const auto to_v3 = test::run_cli({"registry", "--root", root, "alias", "tips", "champion", "3"});
  REQUIRE(to_v3.exit_code == 0);
  CHECK(eventually(
      [&] { return models.get_version("tips", 3).status == registry::version_status::failed; },
      5s));
  std::this_thread::sleep_for(300ms); // several more poll intervals under load
  traffic.finish();
  CHECK(traffic.failures == 0);
  CHECK(traffic.answers(3) == 0);
  CHECK(traffic.answers(0) == 0);
  CHECK(traffic.answers(1) == v1_answers);
  CHECK(traffic.last_version == 2);
  CHECK(healthy_version(port) == 2);

  // Hostile or wrong requests get a 4xx, never a crash.
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(2);
  for (const char* body :
       {"", "{", "[1,2]", R"({"features": {"tip": 1}})", R"({"features": {"fare": [1]}})",
        R"({"fields": "12.5"})", R"({"features": {}, "fields": []})", "\xff\xfe{}"}) {
    const auto res = client.Post("/predict", body, "application/json");
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 400, body);
  }
  // A missing feature is sent as missing: the pipeline's imputer fills it, and says so.
  const auto partial = client.Post("/predict", R"({"features": {"fare": 30}})", "application/json");
  REQUIRE(partial);
  CHECK(partial->status == 200);
  const auto partial_answer = json::parse(partial->body);
  CHECK(partial_answer["status"] == "imputed");
  CHECK(partial_answer["model"] == "models:/tips@champion");
  CHECK(partial_answer["version"] == 2);

  service.signal(SIGTERM);
  const auto exit_code = service.wait_for(5s);
  REQUIRE(exit_code);
  CHECK(*exit_code == 0);
  const auto events = file_text(err_path);
  CHECK(events.find("swapped: v2 serves (was v1)") != std::string::npos);
  CHECK(events.find("failed: v3 ([mlguard.serving.digest_mismatch]") != std::string::npos);
}

#ifdef MLGUARD_TEST_XGBOOST
TEST_CASE("serving service: serves an XGBoost version behind the same alias, and swaps back") {
  using namespace mlguard;
  running_service service; // v1, the pipeline, on champion
  registry::file_registry_options fast;
  fast.fsync = false;
  registry::file_registry models(service.root, fast);
  serving::file_artifact_store store(service.store_root);
  const auto bundle = test::tip_xgboost_bundle(test::tip_booster(20));
  REQUIRE(serving::publish(models, store, "tips", bundle).version == 2);
  const auto moved =
      test::run_cli({"registry", "--root", service.root, "alias", "tips", "champion", "2"});
  REQUIRE(moved.exit_code == 0);
  REQUIRE(eventually([&] { return healthy_version(service.port) == 2; }, 5s));

  xgboost::xgboost_model direct(test::selector({"fare", "distance"}),
                                bundle.artifacts.at("booster.ubj"));
  const double row[] = {12.5, 3.1};
  double want = 0;
  REQUIRE(direct.predict_row(row, &want) == pipeline::row_status::ok);
  httplib::Client client("127.0.0.1", service.port);
  client.set_read_timeout(2);
  const auto res = client.Post("/predict", R"({"features": {"fare": 12.5, "distance": 3.1}})",
                               "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const auto answer = json::parse(res->body);
  CHECK(answer["version"] == 2);
  CHECK(answer["status"] == "ok");
  CHECK(answer["prediction"].get<double>() == doctest::Approx(want).epsilon(1e-12));

  // Rolling back is moving the alias: the pipeline serves again.
  REQUIRE(test::run_cli({"registry", "--root", service.root, "alias", "tips", "champion", "1"})
              .exit_code == 0);
  REQUIRE(eventually([&] { return healthy_version(service.port) == 1; }, 5s));
  service.stop();
  CHECK(file_text(service.err_path).find("swapped: v2 serves (was v1)") != std::string::npos);
}
#endif

#endif

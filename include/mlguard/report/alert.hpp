#ifndef MLGUARD_REPORT_ALERT_HPP
#define MLGUARD_REPORT_ALERT_HPP

// Alerts and the sinks that carry them out of the process: a callback, and a
// JSON-lines file a log shipper can tail. An alert is a plain value with a
// key that names what it is about, so a sink can de-duplicate.

#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/iso8601.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::report {

/// How urgent an alert is.
enum class alert_level { info, warning, critical };

/// "info", "warning" or "critical".
constexpr const char* to_string(alert_level s) noexcept {
  return s == alert_level::critical ? "critical" : s == alert_level::warning ? "warning" : "info";
}

/// One alert.
struct alert {
  timestamp time{};
  alert_level level = alert_level::warning;
  /// What raised it ("rollback_controller churn@champion").
  std::string source;
  /// What it is about, stable across repeats ("churn@champion/no_earlier_version").
  std::string key;
  /// One line a person reads.
  std::string summary;
  /// The numbers behind it.
  json details = json::object();
};

/// The alert as one JSON object: {"time": ISO-8601, "severity", "source",
/// "key", "summary", "details"}.
inline json to_json(const alert& a) {
  return {{"time", format_iso8601(a.time)},
          {"severity", to_string(a.level)},
          {"source", a.source},
          {"key", a.key},
          {"summary", a.summary},
          {"details", a.details}};
}

/// Where alerts go. send() may be called from several threads at once.
class alert_sink {
public:
  virtual ~alert_sink() = default;
  /// Delivers one alert. Throws what the sink's medium throws (io_error).
  virtual void send(const alert& a) = 0;
};

/// The sinks an alert goes to.
using alert_sinks = std::vector<std::shared_ptr<alert_sink>>;

/// Sends `a` to every sink in order. A sink that throws is skipped, so one
/// failing medium silences neither the others nor the caller (a controller,
/// a canary release); returns how many sinks failed.
inline std::size_t send_to_all(const alert_sinks& sinks, const alert& a) noexcept {
  std::size_t failed = 0;
  for (const auto& sink : sinks) {
    try {
      sink->send(a);
    } catch (...) {
      ++failed;
    }
  }
  return failed;
}

/// Hands each alert to a function.
class callback_sink final : public alert_sink {
public:
  explicit callback_sink(std::function<void(const alert&)> fn) : fn_(std::move(fn)) {}
  void send(const alert& a) override { fn_(a); }

private:
  std::function<void(const alert&)> fn_;
};

/// Appends each alert as one JSON line to a file, flushed per alert. The file
/// is opened in append mode, so each line shorter than stdio's buffer
/// (BUFSIZ) is one write() at the end of the file, and several processes may
/// share it without interleaving their lines.
class json_lines_sink final : public alert_sink {
public:
  /// Opens (creating) `path` for appending. Throws io_error (mlguard.io.open_failed).
  explicit json_lines_sink(const std::string& path)
      : path_(path), file_(std::fopen(path.c_str(), "a")) {
    if (file_ == nullptr) {
      throw io_error("open_failed", path + ": cannot open for appending");
    }
  }
  ~json_lines_sink() override { std::fclose(file_); }
  json_lines_sink(const json_lines_sink&) = delete;
  json_lines_sink& operator=(const json_lines_sink&) = delete;

  /// Throws io_error (mlguard.io.write_failed).
  void send(const alert& a) override {
    const std::string line = dump_json(to_json(a)) + "\n";
    const std::lock_guard<std::mutex> lock(mutex_);
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
      throw io_error("write_failed", path_ + ": cannot append an alert");
    }
  }

private:
  std::string path_;
  std::FILE* file_;
  std::mutex mutex_;
};

} // namespace mlguard::report

#endif // MLGUARD_REPORT_ALERT_HPP

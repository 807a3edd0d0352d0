#ifndef MLGUARD_REPORT_ALERT_HPP
#define MLGUARD_REPORT_ALERT_HPP

// Alerts and the sinks that carry them out of the process: a callback, and a
// JSON-lines file a log shipper can tail. An alert is a plain value in
// Alertmanager's shape: labels say what it is about (alertname, and for drift
// stream and feature), its status is firing or resolved, and a group of alerts
// (alert_group, what alert_notifier.hpp sends) is the notification a sink
// receives. Other sinks: stderr_sink.hpp; a webhook in examples/serving.
//
// Thread safety: every sink here may be called from several threads at once.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::report {

/// How urgent an alert is.
enum class alert_level { info, warning, critical };

/// "info", "warning" or "critical".
constexpr const char* to_string(alert_level s) noexcept {
  return s == alert_level::critical ? "critical" : s == alert_level::warning ? "warning" : "info";
}

/// Whether the condition behind an alert still holds.
enum class alert_status { firing, resolved };

/// "firing" or "resolved".
constexpr const char* to_string(alert_status s) noexcept {
  return s == alert_status::resolved ? "resolved" : "firing";
}

/// Label name to value, sorted by name (Alertmanager's label set). An alert's
/// labels are its identity: "alertname", and for drift "stream" and "feature".
using alert_labels = std::map<std::string, std::string>;

/// One alert.
struct alert {
  /// When the condition began (Alertmanager's startsAt).
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
  /// Identity for grouping and de-duplication; see identity_labels().
  alert_labels labels;
  /// More text for people (Alertmanager's annotations); "summary" is added from summary.
  alert_labels annotations;
  alert_status status = alert_status::firing;
  /// When it resolved (Alertmanager's endsAt); the epoch while firing.
  timestamp ends_at{};
};

/// The labels that identify `a`: its labels, with "alertname" taken from its
/// key when absent (so the rollback module's alerts group and de-duplicate
/// too) and "severity" from its level when absent.
template <class = void>
alert_labels identity_labels(const alert& a);

/// The alert as one JSON object: {"time": ISO-8601, "severity", "source",
/// "key", "summary", "details", "status", "labels", "annotations"?,
/// "ends_at"? (when resolved)}. The first six fields are those mlguard 0.2
/// wrote, unchanged.
template <class = void> // deferred: see core/json.hpp
json to_json(const alert& a);

/// Why a notifier sends a group now (Alertmanager's notification reasons).
enum class notify_reason { first, changed, resolved, repeat };

/// "first", "changed", "resolved" or "repeat".
constexpr const char* to_string(notify_reason r) noexcept {
  return r == notify_reason::first      ? "first"
         : r == notify_reason::changed  ? "changed"
         : r == notify_reason::resolved ? "resolved"
                                        : "repeat";
}

/// One notification: the alerts of a group (the same values of the group-by
/// labels), firing and resolved, as a notifier sends it.
struct alert_group {
  /// Stable id of the group: `{}:{alertname="FeatureDrift", feature="age"}`.
  std::string key;
  /// The group-by labels and their values.
  alert_labels labels;
  /// Who receives it (notifier_options::receiver).
  std::string receiver;
  /// When the notification was due.
  timestamp time{};
  notify_reason reason = notify_reason::first;
  /// Firing first, then resolved; each in label order.
  std::vector<alert> alerts;

  /// Firing when one alert fires, else resolved.
  alert_status status() const noexcept {
    for (const auto& a : alerts) {
      if (a.status == alert_status::firing) {
        return alert_status::firing;
      }
    }
    return alert_status::resolved;
  }
};

namespace detail {

inline const char* zero_time() noexcept { return "0001-01-01T00:00:00Z"; }

/// The labels (or annotations) every alert of `g` shares with the same value.
template <class Field>
alert_labels common_of(const alert_group& g, Field field) {
  if (g.alerts.empty()) {
    return {};
  }
  alert_labels common = field(g.alerts.front());
  for (const auto& a : g.alerts) {
    const alert_labels mine = field(a);
    for (auto it = common.begin(); it != common.end();) {
      const auto found = mine.find(it->first);
      it = found == mine.end() || found->second != it->second ? common.erase(it) : std::next(it);
    }
  }
  return common;
}

template <class = void>
alert_labels annotations_of(const alert& a);

/// 16 hex digits of FNV-1a over the sorted labels: a stable per-alert id.
template <class = void>
std::string fingerprint(const alert_labels& labels);

} // namespace detail

/// The group as Alertmanager's webhook payload (version "4"): {"version",
/// "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels",
/// "commonLabels", "commonAnnotations", "externalURL", "alerts": [{"status",
/// "labels", "annotations", "startsAt", "endsAt" ("0001-01-01T00:00:00Z"
/// while firing), "generatorURL", "fingerprint"}]}, plus "mlguard":
/// {"reason", "details": [per alert]}.
template <class = void> // deferred: see core/json.hpp
json to_json(const alert_group& g);

/// Where alerts go. send() and send_group() may be called from several threads at once.
class alert_sink {
public:
  virtual ~alert_sink() = default;
  /// Delivers one alert. Throws what the sink's medium throws (io_error).
  virtual void send(const alert& a) = 0;
  /// Delivers one group notification. By default each of its alerts through
  /// send(), so a sink written for single alerts keeps working; a sink whose
  /// medium takes a batch (a webhook) overrides it. Throws as send().
  virtual void send_group(const alert_group& g) {
    for (const auto& a : g.alerts) {
      send(a);
    }
  }
};

/// The sinks an alert goes to.
using alert_sinks = std::vector<std::shared_ptr<alert_sink>>;

/// Sends `a` to every sink in order. A sink that throws is skipped, so one
/// failing medium silences neither the others nor the caller (a controller,
/// a canary release); returns how many sinks failed.
template <class = void>
std::size_t send_to_all(const alert_sinks& sinks, const alert& a) noexcept;

/// Sends the group `g` to every sink in order (send_group), as send_to_all
/// does an alert; returns how many sinks failed.
template <class = void>
std::size_t send_to_all(const alert_sinks& sinks, const alert_group& g) noexcept;

/// Hands each alert to a function; groups too, when given a group function.
template <class = void> // deferred: see core/json.hpp
class basic_callback_sink final : public alert_sink {
public:
  explicit basic_callback_sink(std::function<void(const alert&)> fn) : fn_(std::move(fn)) {}
  /// Hands each group notification to `group_fn` whole (and single alerts to `fn`).
  basic_callback_sink(std::function<void(const alert&)> fn,
                      std::function<void(const alert_group&)> group_fn)
      : fn_(std::move(fn)), group_fn_(std::move(group_fn)) {}
  void send(const alert& a) override { fn_(a); }
  void send_group(const alert_group& g) override;

private:
  std::function<void(const alert&)> fn_;
  std::function<void(const alert_group&)> group_fn_;
};

/// The type to name (a class template only so that its bodies compile where used).
using callback_sink = basic_callback_sink<>;

/// Appends each alert as one JSON line to a file, flushed per alert. The file
/// is opened in append mode, so each line shorter than stdio's buffer
/// (BUFSIZ) is one write() at the end of the file, and several processes may
/// share it without interleaving their lines. A group is one line per alert.
template <class = void> // deferred: see core/json.hpp
class basic_json_lines_sink final : public alert_sink {
public:
  /// Opens (creating) `path` for appending. Throws io_error (mlguard.io.open_failed).
  explicit basic_json_lines_sink(const std::string& path);
  ~basic_json_lines_sink() override { std::fclose(file_); }
  basic_json_lines_sink(const basic_json_lines_sink&) = delete;
  basic_json_lines_sink& operator=(const basic_json_lines_sink&) = delete;

  /// Throws io_error (mlguard.io.write_failed).
  void send(const alert& a) override;

private:
  std::string path_;
  std::FILE* file_;
  std::mutex mutex_;
};

/// The type to name (a class template only so that its bodies compile where used).
using json_lines_sink = basic_json_lines_sink<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/iso8601.hpp"

namespace mlguard::report {

template <class>
alert_labels identity_labels(const alert& a) {
  alert_labels out = a.labels;
  out.emplace("alertname", a.key.empty() ? std::string("mlguard") : a.key);
  out.emplace("severity", to_string(a.level));
  return out;
}

template <class> // deferred: see core/json.hpp
json to_json(const alert& a) {
  json j = json::object();
  j["time"] = format_iso8601(a.time);
  j["severity"] = to_string(a.level);
  j["source"] = a.source;
  j["key"] = a.key;
  j["summary"] = a.summary;
  j["details"] = a.details;
  j["status"] = to_string(a.status);
  j["labels"] = identity_labels(a);
  if (!a.annotations.empty()) {
    j["annotations"] = a.annotations;
  }
  if (a.status == alert_status::resolved) {
    j["ends_at"] = format_iso8601(a.ends_at);
  }
  return j;
}

} // namespace mlguard::report

namespace mlguard::report::detail {

template <class>
alert_labels annotations_of(const alert& a) {
  alert_labels out = a.annotations;
  if (!a.summary.empty()) {
    out.emplace("summary", a.summary);
  }
  return out;
}

template <class>
std::string fingerprint(const alert_labels& labels) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const auto& [name, value] : labels) {
    for (const std::string* s : {&name, &value}) {
      for (const char c : *s) {
        h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
      }
      h = (h ^ 0xffU) * 0x100000001b3ULL;
    }
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

} // namespace mlguard::report::detail

namespace mlguard::report {

template <class> // deferred: see core/json.hpp
json to_json(const alert_group& g) {
  json j = json::object();
  j["version"] = "4";
  j["groupKey"] = g.key;
  j["truncatedAlerts"] = 0;
  j["status"] = to_string(g.status());
  j["receiver"] = g.receiver;
  j["groupLabels"] = g.labels;
  j["commonLabels"] = detail::common_of(g, identity_labels<>);
  j["commonAnnotations"] = detail::common_of(g, detail::annotations_of<>);
  j["externalURL"] = "";
  json alerts = json::array();
  json details = json::array();
  for (const auto& a : g.alerts) {
    json one = json::object();
    one["status"] = to_string(a.status);
    one["labels"] = identity_labels(a);
    one["annotations"] = detail::annotations_of(a);
    one["startsAt"] = format_iso8601(a.time);
    one["endsAt"] =
        a.status == alert_status::resolved ? format_iso8601(a.ends_at) : detail::zero_time();
    one["generatorURL"] = "";
    one["fingerprint"] = detail::fingerprint(identity_labels(a));
    alerts.push_back(std::move(one));
    details.push_back(a.details);
  }
  j["alerts"] = std::move(alerts);
  j["mlguard"]["reason"] = to_string(g.reason);
  j["mlguard"]["details"] = std::move(details);
  return j;
}

template <class>
std::size_t send_to_all(const alert_sinks& sinks, const alert& a) noexcept {
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

template <class>
std::size_t send_to_all(const alert_sinks& sinks, const alert_group& g) noexcept {
  std::size_t failed = 0;
  for (const auto& sink : sinks) {
    try {
      sink->send_group(g);
    } catch (...) {
      ++failed;
    }
  }
  return failed;
}

template <class V>
MLGUARD_INLINE auto basic_callback_sink<V>::send_group(const alert_group& g) -> void {
  if (group_fn_) {
    group_fn_(g);
  } else {
    alert_sink::send_group(g);
  }
}

template <class V>
MLGUARD_INLINE basic_json_lines_sink<V>::basic_json_lines_sink(const std::string& path)
    : path_(path), file_(std::fopen(path.c_str(), "a")) {
  if (file_ == nullptr) {
    throw io_error("open_failed", path + ": cannot open for appending");
  }
}

template <class V>
MLGUARD_INLINE auto basic_json_lines_sink<V>::send(const alert& a) -> void {
  const std::string line = dump_json(to_json(a)) + "\n";
  const std::lock_guard<std::mutex> lock(mutex_);
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    throw io_error("write_failed", path_ + ": cannot append an alert");
  }
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_ALERT_HPP

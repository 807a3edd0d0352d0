#ifndef MLGUARD_ROLLBACK_CONTROLLER_HPP
#define MLGUARD_ROLLBACK_CONTROLLER_HPP

// The rollback controller: watches one alias of one model, judges the
// version it serves by a policy, and rolls it back through the registry, by
// itself, off the request path. The registry follower of every replica then
// swaps the model.
//
//   request threads ──observe()──▶ queue ──poll()──▶ decision_engine
//                                                          │ rollback
//   registry ◀── rollback_alias(expected = watched version, reason, actor)
//
// observe() only appends to a queue under a mutex that poll() holds for an
// O(1) swap; the engine, the registry writes and the alert sinks run in
// poll(), on the controller's own thread (start()) or the caller's.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/report/alert.hpp"
#include "mlguard/rollback/decision_engine.hpp"

namespace mlguard::rollback {

/// How a controller runs.
struct controller_options {
  /// The model and the alias it watches.
  std::string model;
  std::string alias = "champion";
  /// Recorded as the actor of its rollbacks in the registry's journal.
  std::string actor = "rollback-controller";
  /// Time source for decisions and alerts (nullptr: the system clock).
  const clock_source* clock = nullptr;
  /// start(): how often poll() runs.
  std::chrono::milliseconds interval{250};
  /// Observations waiting for poll() beyond this are dropped and counted.
  std::size_t queue_capacity = 1 << 16;
  /// Receives every decision (on the thread running poll()).
  std::function<void(const decision&)> on_decision;
  /// Receive the alerts: a hold for want of an earlier version, a refused
  /// rollback, a rollback made, a failing poll, a trace that cannot be written.
  report::alert_sinks alerts;
  /// When set, every event poll() feeds the engine is appended here as a
  /// trace line (signal.hpp), for `mlguard replay`.
  std::string trace_path;
};

/// Watches `options.model`@`options.alias` and rolls it back when the policy says so.
///
/// Thread safety: observe() from any number of threads; poll() from one
/// thread at a time (start() runs it on the controller's thread; do not call
/// it yourself then).
template <class = void> // deferred: see core/json.hpp
class basic_rollback_controller {
public:
  /// Throws rollback_error (mlguard.rollback.invalid_option) for an empty
  /// model or alias name, a non-positive interval or a zero queue capacity;
  /// io_error when the trace file cannot be opened.
  basic_rollback_controller(registry::model_registry& registry, policy p,
                            controller_options options);

  ~basic_rollback_controller();

  basic_rollback_controller(const basic_rollback_controller&) = delete;
  basic_rollback_controller& operator=(const basic_rollback_controller&) = delete;

  /// Queues one observation for the next poll(); a time of zero becomes the
  /// clock's now, and version 0 the version the controller last saw served
  /// (pass the version that answered when you know it: the alias may have
  /// moved since). Never throws except std::bad_alloc; drops (and counts) the
  /// observation when the queue is full.
  void observe(observation o);

  /// One round: notices alias moves, feeds the queued observations to the
  /// engine in order, acts on its decisions and returns them. Throws what the
  /// registry throws (io_error, format_error, registry_error not_found when
  /// the model does not exist).
  std::vector<decision> poll();

  /// Runs poll() every options.interval on a thread of its own until stop().
  /// A poll that throws raises a critical alert and the next one tries again.
  void start();

  /// Stops the thread start() began (after its current poll). Idempotent.
  void stop();

  /// Observations dropped because the queue was full.
  std::uint64_t dropped() const;
  /// The engine (read it only from the thread that polls, or after stop()).
  const decision_engine& engine() const noexcept { return engine_; }

private:
  void run();

  // Feeds the engine an alias event when the alias moved since the last look.
  void refresh_alias();

  void act(decision d, std::vector<decision>& made);

  void publish(const decision& d, std::vector<decision>& made);

  void raise(report::alert_level level, const std::string& what, std::string summary, json details);

  void record(const trace_event& e);

  // The trace is for diagnosis: decisions go on, but someone should know (once).
  void trace_failure();

  registry::model_registry& registry_;
  controller_options options_;
  decision_engine engine_;
  const clock_source& clock_;

  mutable std::mutex queue_mutex_;
  std::vector<observation> queue_;
  std::uint64_t dropped_ = 0;

  std::atomic<int> watched_{0};
  std::uint64_t sequence_ = 0;
  bool seen_alias_ = false;
  timestamp last_time_{};
  std::FILE* trace_ = nullptr;
  bool trace_failed_ = false;

  std::mutex run_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// The type to name (a class template only so that its bodies compile where used).
using rollback_controller = basic_rollback_controller<>;

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class V>
MLGUARD_INLINE
basic_rollback_controller<V>::basic_rollback_controller(registry::model_registry& registry,
                                                        policy p, controller_options options)
    : registry_(registry), options_(std::move(options)), engine_(std::move(p)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock::instance()) {
  if (options_.model.empty() || options_.alias.empty()) {
    throw rollback_error("invalid_option", "the controller needs a model and an alias name");
  }
  if (options_.interval.count() <= 0 || options_.queue_capacity == 0) {
    throw rollback_error("invalid_option",
                         "the poll interval and the queue capacity must be positive");
  }
  if (!options_.trace_path.empty()) {
    trace_ = std::fopen(options_.trace_path.c_str(), "a");
    if (trace_ == nullptr) {
      throw io_error("open_failed", options_.trace_path + ": cannot open the trace file");
    }
  }
}

template <class V>
MLGUARD_INLINE basic_rollback_controller<V>::~basic_rollback_controller() {
  stop();
  if (trace_ != nullptr) {
    std::fclose(trace_);
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::observe(observation o) -> void {
  if (o.time == timestamp{}) {
    o.time = clock_.now();
  }
  if (o.version == 0) {
    o.version = watched_.load(std::memory_order_acquire);
  }
  const std::lock_guard<std::mutex> lock(queue_mutex_);
  if (queue_.size() >= options_.queue_capacity) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(o));
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::poll() -> std::vector<decision> {
  std::vector<decision> made;
  refresh_alias();
  std::vector<observation> batch;
  {
    const std::lock_guard<std::mutex> lock(queue_mutex_);
    batch.swap(queue_);
  }
  for (auto& o : batch) {
    if (o.version == 0) {
      o.version = engine_.version();
    }
    record(trace_event::of(o));
    if (auto d = engine_.feed(o)) {
      act(*d, made);
    }
  }
  if (trace_ != nullptr && std::fflush(trace_) != 0) {
    trace_failure();
  }
  return made;
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::start() -> void {
  const std::lock_guard<std::mutex> lock(run_mutex_);
  if (thread_.joinable()) {
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::stop() -> void {
  {
    const std::lock_guard<std::mutex> lock(run_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) {
    thread_.join();
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::dropped() const -> std::uint64_t {
  const std::lock_guard<std::mutex> lock(queue_mutex_);
  return dropped_;
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::run() -> void {
  std::unique_lock<std::mutex> lock(run_mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      poll();
    } catch (const std::exception& e) {
      raise(report::alert_level::critical, "poll_failed",
            std::string("the controller's poll failed: ") + e.what(), json::object());
    }
    lock.lock();
    wake_.wait_for(lock, options_.interval, [this] { return stopping_; });
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::refresh_alias() -> void {
  const auto changes = registry_.changes_since(options_.model, sequence_);
  bool moved = !seen_alias_;
  bool rollback = false;
  timestamp when = clock_.now();
  for (const auto& r : changes) {
    sequence_ = std::max(sequence_, r.sequence);
    if (r.alias == options_.alias) {
      moved = true;
      rollback = r.action == registry::audit_action::rollback_alias;
      when = r.time;
    }
  }
  if (!moved) {
    return;
  }
  seen_alias_ = true;
  const auto now_at = registry_.alias_version(options_.model, options_.alias);
  if (!now_at) {
    return; // nothing served under the alias: nothing to judge
  }
  const auto event =
      alias_event{std::max(when, last_time_), *now_at,
                  registry_.previous_version(options_.model, options_.alias), rollback};
  record(trace_event::of(event));
  engine_.feed(event);
  watched_.store(event.version, std::memory_order_release);
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::act(decision d, std::vector<decision>& made)
    -> void {
  if (d.action == decision_verdict::rollback) {
    registry::alias_result result;
    try {
      result = registry_.rollback_alias(options_.model, options_.alias,
                                        registry::alias_expectation::version(d.version),
                                        registry::change_context{options_.actor, d.reason});
    } catch (const registry_error& e) {
      if (e.id() != "mlguard.registry.not_found") {
        throw;
      }
      d = engine_.refused(d.time, "no earlier version", std::string(e.message()));
      publish(d, made);
      raise(report::alert_level::critical, "no_earlier_version",
            "v" + std::to_string(d.version) + ": " + d.reason, to_json(d));
      return;
    }
    if (result.outcome == registry::alias_outcome::applied) {
      publish(d, made);
      raise(report::alert_level::warning, "rollback",
            "rolled back v" + std::to_string(d.version) + " to v" +
                std::to_string(result.current.value_or(0)) + ": " + d.reason,
            to_json(d));
      refresh_alias();
      return;
    }
    if (result.outcome == registry::alias_outcome::conflict) {
      // Another controller (or a person) moved the alias first: not ours to record.
      refresh_alias();
      return;
    }
    d = engine_.refused(d.time, "guard " + result.guard,
                        "rollback of v" + std::to_string(d.version) + " refused by guard " +
                            result.guard + ": " + result.reason);
  }
  publish(d, made);
  if (d.action == decision_verdict::hold &&
      (d.policy == "no earlier version" || d.policy.rfind("guard ", 0) == 0)) {
    raise(report::alert_level::critical,
          d.policy == "no earlier version" ? "no_earlier_version" : "rollback_refused",
          "v" + std::to_string(d.version) + ": " + d.reason, to_json(d));
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::publish(const decision& d,
                                                          std::vector<decision>& made) -> void {
  last_time_ = std::max(last_time_, d.time);
  if (options_.on_decision) {
    options_.on_decision(d);
  }
  made.push_back(d);
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::raise(report::alert_level level,
                                                        const std::string& what,
                                                        std::string summary, json details) -> void {
  report::alert a;
  a.time = clock_.now();
  a.level = level;
  a.source = "rollback_controller " + options_.model + "@" + options_.alias;
  a.key = options_.model + "@" + options_.alias + "/" + what;
  a.summary = std::move(summary);
  a.labels["alertname"] = what;
  a.labels["model"] = options_.model;
  a.labels["alias"] = options_.alias;
  a.details = std::move(details);
  report::send_to_all(options_.alerts, a);
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::record(const trace_event& e) -> void {
  last_time_ = std::max(last_time_, e.time());
  if (trace_ != nullptr) {
    const std::string line = dump_json(to_json(e)) + "\n";
    if (std::fwrite(line.data(), 1, line.size(), trace_) != line.size()) {
      trace_failure();
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_rollback_controller<V>::trace_failure() -> void {
  if (!trace_failed_) {
    trace_failed_ = true;
    raise(report::alert_level::warning, "trace_failed",
          options_.trace_path + ": cannot append to the trace; it is incomplete from here",
          json::object());
  }
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_CONTROLLER_HPP

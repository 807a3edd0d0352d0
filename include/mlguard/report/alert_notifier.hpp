#ifndef MLGUARD_REPORT_ALERT_NOTIFIER_HPP
#define MLGUARD_REPORT_ALERT_NOTIFIER_HPP

// alert_notifier: grouping, de-duplication and rate limits for alerts, with
// Alertmanager's route semantics (prometheus.io/docs/alerting/latest/configuration/,
// route settings), so a condition that stays bad is one notification plus
// repeats, not one per window.
//
// - An alert's identity is its labels (identity_labels). Alerts with the same
//   values of the `group_by` labels form a group; each notification carries a
//   whole group.
// - A new group is sent first `group_wait` after its first alert arrived
//   (sooner if that alert started more than group_wait ago). From then on the
//   group's timer fires every `group_interval`; at each tick the group is sent
//   when it holds a firing alert not in the last notification, when an alert
//   resolved since (send_resolved), when all its alerts resolved, or when
//   `repeat_interval` has passed since the last notification. Otherwise nothing
//   is sent.
// - A resolved alert is sent once, at the next tick, then dropped; a group
//   with no alerts left is removed (a later alert starts a new group, with
//   group_wait). An alert that fires and resolves between two ticks of a group
//   that never reported it is dropped unsent.
// - Where mlguard differs: a notification is due at the tick's scheduled time
//   and that time is what repeat_interval counts from (Alertmanager counts
//   from when its pipeline finished), so repeats land exactly on ticks at or
//   after last + repeat_interval. A sink that fails is counted and not retried
//   (Alertmanager retries a receiver); the next change or repeat reaches it.
//   Ticks missed because nobody called tick() collapse into the latest one.
//
// Time comes from an injectable clock; nothing happens until tick() (or
// flush(), or the thread of start()) runs, which is how tests get exact times.
//
// Thread safety: fire, resolve, tick, flush and the accessors may be called
// from any number of threads at once. fire and resolve take a mutex held for
// a map update; sinks are called by tick without that mutex, one group at a
// time, so a slow webhook never blocks a caller of fire.
// Throws report_error (mlguard.report.invalid_notifier) for bad options.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/report/alert.hpp"
#include "mlguard/report/detail/group_state.hpp"

namespace mlguard::report {

/// Settings of an alert_notifier: Alertmanager's route settings and defaults.
struct notifier_options {
  /// Label names whose values form a group ("alertname" and "feature": one
  /// notification per drifting feature, whichever stream).
  std::vector<std::string> group_by{"alertname", "feature"};
  /// Wait before a new group's first notification, to batch alerts that fire together.
  std::chrono::nanoseconds group_wait = std::chrono::seconds(30);
  /// The period of a group's timer: changes are sent at the next tick.
  std::chrono::nanoseconds group_interval = std::chrono::minutes(5);
  /// An unchanged firing group is sent again only after this long.
  std::chrono::nanoseconds repeat_interval = std::chrono::hours(4);
  /// Send resolved alerts (once). Off: a group whose alerts all resolved is sent nowhere.
  bool send_resolved = true;
  /// The name notifications carry as their receiver.
  std::string receiver = "mlguard";
  /// Time source (nullptr: the system clock).
  const clock_source* clock = nullptr;
  /// Where notifications go, each whole group through alert_sink::send_group.
  alert_sinks sinks;
};

/// What a notifier has done and holds.
struct notifier_counts {
  std::uint64_t notifications = 0;     ///< group notifications handed to the sinks (not per sink)
  std::uint64_t failed_deliveries = 0; ///< sink calls that threw
  std::size_t groups = 0;              ///< groups held now
  std::size_t alerts = 0;              ///< alerts held now, firing or resolved-unsent
};

/// Groups, de-duplicates and rate-limits alerts on their way to sinks (see the header comment).
template <class = void> // deferred: see core/json.hpp
class basic_alert_notifier {
public:
  /// Throws report_error (mlguard.report.invalid_notifier) when group_wait is
  /// negative, or group_interval or repeat_interval is not positive.
  explicit basic_alert_notifier(notifier_options options);
  ~basic_alert_notifier() { stop(); }
  basic_alert_notifier(const basic_alert_notifier&) = delete;
  basic_alert_notifier& operator=(const basic_alert_notifier&) = delete;

  /// Starts or refreshes the alert with `a`'s identity as firing. A new alert
  /// without a time starts now; a firing one keeps its start and takes the
  /// new summary, details and annotations.
  void fire(alert a);

  /// Marks the alert with `a`'s identity resolved (ends now); it is sent once
  /// at its group's next tick. False when no such alert is firing.
  bool resolve(const alert& a);

  /// Runs every group whose timer is due and delivers the notifications they
  /// decide to send, in group order; returns how many were sent.
  std::size_t tick() { return run(false); }

  /// As tick(), but runs every group now, due or not (before shutting down).
  std::size_t flush() { return run(true); }

  /// When the earliest group timer is due; empty when no group is held.
  std::optional<timestamp> next_due() const;

  /// Counters and sizes, read together.
  notifier_counts counts() const;

  /// Runs tick() every `period` of real time on a thread of its own until
  /// stop() (or destruction). Calling start() while running does nothing;
  /// call start() and stop() from one thread.
  void start(std::chrono::milliseconds period = std::chrono::seconds(1));

  /// Stops the thread of start() and waits for it; a no-op when none runs.
  void stop();

private:
  std::size_t run(bool everything);

  // The group's latest scheduled tick at or before `now`: when nobody ticked
  // for a while, the missed ticks collapse into one and the phase is kept.
  timestamp last_slot(const detail::group_state& g, timestamp now) const;

  // One timer tick of group `g`, scheduled at `at`: decide, record, drop the
  // resolved alerts, set the next tick.
  void flush_group(const std::string& key, detail::group_state& g, timestamp at,
                   std::vector<alert_group>& due);

  void loop(std::chrono::milliseconds period);

  notifier_options options_;
  const clock_source& clock_;
  mutable std::mutex mutex_; // groups_ and counts_; never held while a sink runs
  std::map<std::string, detail::group_state> groups_;
  notifier_counts counts_;
  std::mutex deliver_mutex_;
  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

/// The type to name (a class template only so that its bodies compile where used).
using alert_notifier = basic_alert_notifier<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class V>
MLGUARD_INLINE basic_alert_notifier<V>::basic_alert_notifier(notifier_options options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock::instance()) {
  using std::chrono::nanoseconds;
  if (options_.group_wait < nanoseconds(0) || options_.group_interval <= nanoseconds(0) ||
      options_.repeat_interval <= nanoseconds(0)) {
    throw report_error("invalid_notifier", "group_wait must be >= 0, group_interval and "
                                           "repeat_interval > 0");
  }
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::fire(alert a) -> void {
  const timestamp now = clock_.now();
  a.status = alert_status::firing;
  a.ends_at = timestamp{};
  a.time = a.time == timestamp{} ? now : a.time;
  alert_labels identity = identity_labels(a);
  alert_labels labels = detail::group_labels(identity, options_.group_by);
  std::string key = detail::group_key(labels);
  const std::lock_guard<std::mutex> lock(mutex_);
  auto [it, created] = groups_.try_emplace(std::move(key));
  if (created) {
    it->second.labels = std::move(labels);
    const bool old = a.time + options_.group_wait < now;
    it->second.next_flush = old ? now : now + options_.group_wait;
  }
  auto [slot, added] = it->second.alerts.try_emplace(std::move(identity));
  if (!added && slot->second.status == alert_status::firing) {
    a.time = slot->second.time; // still the same episode
  }
  slot->second = std::move(a);
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::resolve(const alert& a) -> bool {
  const alert_labels identity = identity_labels(a);
  const std::string key = detail::group_key(detail::group_labels(identity, options_.group_by));
  const timestamp now = clock_.now();
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto g = groups_.find(key);
  if (g == groups_.end()) {
    return false;
  }
  const auto it = g->second.alerts.find(identity);
  if (it == g->second.alerts.end() || it->second.status == alert_status::resolved) {
    return false;
  }
  it->second.status = alert_status::resolved;
  it->second.ends_at = now;
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::next_due() const -> std::optional<timestamp> {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::optional<timestamp> due;
  for (const auto& [key, g] : groups_) {
    due = due && *due <= g.next_flush ? due : std::optional(g.next_flush);
  }
  return due;
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::counts() const -> notifier_counts {
  const std::lock_guard<std::mutex> lock(mutex_);
  notifier_counts c = counts_;
  c.groups = groups_.size();
  c.alerts = 0;
  for (const auto& [key, g] : groups_) {
    c.alerts += g.alerts.size();
  }
  return c;
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::start(std::chrono::milliseconds period) -> void {
  const std::lock_guard<std::mutex> lock(thread_mutex_);
  if (thread_.joinable()) {
    return;
  }
  stopping_ = false;
  thread_ = std::thread([this, period] { loop(period); });
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::stop() -> void {
  {
    const std::lock_guard<std::mutex> lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::run(bool everything) -> std::size_t {
  const std::lock_guard<std::mutex> delivering(deliver_mutex_); // one batch at a time, in order
  std::vector<alert_group> due;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    const timestamp now = clock_.now();
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (everything || it->second.next_flush <= now) {
        flush_group(it->first, it->second, everything ? now : last_slot(it->second, now), due);
      }
      it = it->second.alerts.empty() ? groups_.erase(it) : std::next(it);
    }
  }
  std::uint64_t failed = 0;
  for (const auto& g : due) {
    failed += send_to_all(options_.sinks, g);
  }
  const std::lock_guard<std::mutex> lock(mutex_);
  counts_.notifications += due.size();
  counts_.failed_deliveries += failed;
  return due.size();
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::last_slot(const detail::group_state& g,
                                                       timestamp now) const -> timestamp {
  return g.next_flush + options_.group_interval * ((now - g.next_flush) / options_.group_interval);
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::flush_group(const std::string& key,
                                                         detail::group_state& g, timestamp at,
                                                         std::vector<alert_group>& due) -> void {
  std::set<alert_labels> firing, resolved;
  for (const auto& [identity, a] : g.alerts) {
    (a.status == alert_status::firing ? firing : resolved).insert(identity);
  }
  const auto reason =
      detail::decide(g, firing, resolved, options_.send_resolved, options_.repeat_interval, at);
  if (reason) {
    alert_group n{key, g.labels, options_.receiver, at, *reason, {}};
    for (const auto* wanted : {&firing, &resolved}) {
      for (const auto& identity : *wanted) {
        if (wanted == &firing || options_.send_resolved) {
          n.alerts.push_back(g.alerts.at(identity));
        }
      }
    }
    if (!n.alerts.empty()) {
      due.push_back(std::move(n));
    }
    g.notified = true;
    g.last_firing = std::move(firing);
    g.last_resolved = std::move(resolved);
    g.last_sent = at;
  }
  for (auto it = g.alerts.begin(); it != g.alerts.end();) {
    it = it->second.status == alert_status::resolved ? g.alerts.erase(it) : std::next(it);
  }
  g.next_flush = at + options_.group_interval;
}

template <class V>
MLGUARD_INLINE auto basic_alert_notifier<V>::loop(std::chrono::milliseconds period) -> void {
  std::unique_lock<std::mutex> lock(thread_mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      tick();
    } catch (...) { // out of memory: try again next period
    }
    lock.lock();
    wake_.wait_for(lock, period, [this] { return stopping_; });
  }
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_ALERT_NOTIFIER_HPP

#ifndef MLGUARD_REPORT_DETAIL_GROUP_STATE_HPP
#define MLGUARD_REPORT_DETAIL_GROUP_STATE_HPP

// One alert group inside alert_notifier: its alerts, its timer and what was
// last sent, and the rule that decides, when the timer fires, whether to
// notify (Alertmanager's dedup stage: new firing alerts, newly resolved ones,
// everything resolved, or repeat_interval elapsed).

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/report/alert.hpp"

namespace mlguard::report::detail {

struct group_state {
  alert_labels labels;
  std::map<alert_labels, alert> alerts; // by identity_labels
  timestamp next_flush{};
  // What the last notification held (Alertmanager's notification log entry).
  bool notified = false;
  std::set<alert_labels> last_firing, last_resolved;
  timestamp last_sent{};
};

/// The group key: `{}:{name="value", ...}` over the group-by labels (the
/// root route's key, then the labels, as Alertmanager writes it).
template <class = void>
std::string group_key(const alert_labels& labels);

/// The values of the group-by label names in `identity` (absent names are left out).
template <class = void>
alert_labels group_labels(const alert_labels& identity, const std::vector<std::string>& group_by);

template <class = void>
bool subset(const std::set<alert_labels>& small, const std::set<alert_labels>& big);

/// Whether the group's flush at `at` notifies, and why.
template <class = void>
std::optional<notify_reason> decide(const group_state& g, const std::set<alert_labels>& firing,
                                    const std::set<alert_labels>& resolved, bool send_resolved,
                                    std::chrono::nanoseconds repeat, timestamp at);

} // namespace mlguard::report::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
std::string group_key(const alert_labels& labels) {
  std::string key = "{}:{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    key.append(first ? "" : ", ").append(name).append("=\"");
    for (const char c : value) {
      key.append(c == '"' || c == '\\' ? "\\" : "").push_back(c);
    }
    key.push_back('"');
    first = false;
  }
  return key + "}";
}

template <class>
alert_labels group_labels(const alert_labels& identity, const std::vector<std::string>& group_by) {
  alert_labels out;
  for (const auto& name : group_by) {
    const auto it = identity.find(name);
    if (it != identity.end()) {
      out.emplace(name, it->second);
    }
  }
  return out;
}

template <class>
bool subset(const std::set<alert_labels>& small, const std::set<alert_labels>& big) {
  return std::includes(big.begin(), big.end(), small.begin(), small.end());
}

template <class>
std::optional<notify_reason> decide(const group_state& g, const std::set<alert_labels>& firing,
                                    const std::set<alert_labels>& resolved, bool send_resolved,
                                    std::chrono::nanoseconds repeat, timestamp at) {
  if (!g.notified || (!subset(firing, g.last_firing) && g.last_firing.empty())) {
    // Never told anyone (or last said "all resolved"): only news of firing alerts counts.
    return firing.empty() ? std::nullopt : std::optional(notify_reason::first);
  }
  if (!subset(firing, g.last_firing)) {
    return notify_reason::changed;
  }
  if (firing.empty()) { // all resolved: sent even without send_resolved, then dropped
    return g.last_firing.empty() ? std::nullopt : std::optional(notify_reason::resolved);
  }
  if (send_resolved && !subset(resolved, g.last_resolved)) {
    return notify_reason::resolved;
  }
  if (at - g.last_sent >= repeat) {
    return notify_reason::repeat;
  }
  return std::nullopt;
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_GROUP_STATE_HPP

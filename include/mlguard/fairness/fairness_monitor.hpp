#ifndef MLGUARD_FAIRNESS_FAIRNESS_MONITOR_HPP
#define MLGUARD_FAIRNESS_FAIRNESS_MONITOR_HPP

// Group fairness over windows of labelled predictions, for a serving loop:
// the metrics of fairness/group_metrics.hpp per closed window, with windows
// as drift's monitors cut them (drift/window.hpp: tumbling by count or time,
// sliding) and delayed labels joined to predictions by id as the performance
// tracker does (drift/performance_tracker.hpp: record_prediction at serving
// time, record_label when the label arrives).
//
// A closed window is a fairness_window, a document of its own:
//   {"format": "mlguard.fairness_window", "format_version": 1,
//    "window", "first_row", "last_row", "rows", "start_ns"?,
//    "groups_present", "undefined_rates", "demographic_parity_difference", ...,
//    "groups": [{"group", "rows", "tn", "fp", "fn", "tp", "selection_rate", ...}]}
//
// The per-observation path (observe, observe_at, record_prediction,
// record_label) never allocates and never throws on bad data: an observation
// with a label other than 0/1, a NaN score (or, without a threshold, a class
// other than 0/1) or a group code outside the groups is skipped and counted
// in invalid(). Closing a window does not allocate either: the monitor keeps
// one fairness_window and updates its numbers in place; the callback gets it
// by reference (copy it to keep it). Only the callback itself may throw.
//
// Memory: 32 bytes per group, 8·size bytes for a sliding window's ring, and
// 24·(2·pending_capacity rounded up to a power of two) for the pending table.
// Threads: not synchronised (one monitor per thread).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/detail/pending_predictions.hpp"
#include "mlguard/drift/window.hpp"
#include "mlguard/fairness/group_metrics.hpp"

namespace mlguard::fairness {

/// A closed window: its span (drift/window.hpp) and its metrics.
struct fairness_window : drift::window_span {
  fairness_metrics metrics;

  /// The document's identity: "mlguard.fairness_window", version 1.
  static constexpr document_format format{"mlguard.fairness_window", 1};

  /// Reads what to_json(fairness_window) wrote (rates and disparities are
  /// recomputed from the counts). Throws format_error:
  /// mlguard.format.corrupt (naming the field), unknown_field, wrong_kind, newer_version.
  template <class = void> // deferred: see core/json.hpp
  static fairness_window from_json(const json& document,
                                   std::string_view source = "fairness_window") {
    const auto r = json_reader::document(
        document, format, std::string(source),
        {"window", "first_row", "last_row", "rows", "start_ns", "groups_present", "undefined_rates",
         "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference",
         "equal_opportunity_difference", "tpr_difference", "fpr_difference", "groups"});
    fairness_window w;
    static_cast<drift::window_span&>(w) = drift::read_window_span(r);
    w.metrics = read_metrics_fields(r);
    return w;
  }

  /// Writes the document to `path` atomically. Throws io_error (mlguard.io.write_failed).
  template <class = void>
  void save(const std::string& path) const;

  /// Reads the document at `path`. Throws io_error (open_failed, read_failed) and as from_json.
  template <class = void>
  static fairness_window load(const std::string& path) {
    return from_json(load_json(path), path);
  }
};

/// JSON of a window: the envelope, the window_span fields, then the metrics'
/// fields (write_metrics_fields).
template <class = void>
void to_json(json& j, const fairness_window& w);

template <class>
void fairness_window::save(const std::string& path) const {
  json document;
  to_json(document, *this);
  save_json(path, document);
}

/// Settings of a fairness_monitor.
struct fairness_monitor_options {
  /// The groups of the sensitive attribute; an observation's group is its
  /// index here (e.g. a categorical column's codes, with its vocabulary's names).
  std::vector<std::string> groups;
  /// The windows (count, time or sliding), as drift's monitors take them.
  drift::window_options window = drift::window_options::tumbling(1000);
  /// The decision threshold (scores) and the treatment of undefined rates.
  fairness_options metrics;
  /// Delayed labels: predictions waiting for their label, at most.
  std::size_t pending_capacity = 4096;
};

/// Group fairness over windows of labelled predictions (see the header comment).
template <class = void> // deferred: see core/json.hpp
class basic_fairness_monitor {
public:
  /// Receives each closed window (the monitor's own; copy it to keep it).
  using callback = std::function<void(const fairness_window&)>;

  /// Throws fairness_error (mlguard.fairness.invalid_option) for no groups,
  /// more than 2³¹ − 1 groups, a threshold that is not finite or a zero
  /// pending capacity; drift_error (mlguard.drift.invalid_option) for a bad
  /// window (window_options::validate).
  explicit basic_fairness_monitor(fairness_monitor_options options, callback on_window = {},
                                  const clock_source& clock = system_clock::instance());

  // ---- the hot path --------------------------------------------------------

  /// Adds one labelled prediction of group `group` (its index in
  /// options.groups): `prediction` a class 0/1, or a score when a decision
  /// threshold is set; `label` 0 or 1. Time windows read the clock. Returns
  /// false, counting it in invalid(), when the observation is invalid (see
  /// the header comment). Never allocates; throws only what the callback
  /// throws when the observation closes a window.
  bool observe(std::int32_t group, double label, double prediction);

  /// observe() at time `t` (time windows: an observation at or after the
  /// current window's end closes it first; windows are aligned to the first
  /// observation's time). For count windows `t` is ignored.
  bool observe_at(std::int32_t group, double label, double prediction, timestamp t);

  /// Remembers a prediction (and its group) until its label arrives. Returns
  /// false (and counts it in dropped()) when pending_capacity predictions
  /// already wait or the id is already pending. Never allocates or throws.
  bool record_prediction(std::uint64_t id, std::int32_t group, double prediction) noexcept;

  /// Joins a label with its pending prediction and observes the pair.
  /// Returns false when no prediction is pending under `id` (counted in
  /// unmatched()) or the pair is invalid (counted in invalid()). Throws as observe().
  bool record_label(std::uint64_t id, double label);

  /// Time windows: closes the current window when the clock says its time is
  /// up, without a new observation (call it from a timer). Returns true if a window closed.
  bool poll();

  /// Closes the current window now if it holds observations (count windows:
  /// a partial window; sliding: the last min(seen, size)). Returns true if a
  /// window was reported.
  bool flush();

  /// Discards the current window's observations. Never allocates.
  void reset_window() noexcept;

  /// The metrics of the open window, as a window would report them now
  /// (index = the next window's number). Never allocates; the reference
  /// stays valid until the next call on the monitor.
  const fairness_window& current();

  /// Valid observations so far.
  std::uint64_t observed() const noexcept { return observed_; }
  /// Observations skipped as invalid.
  std::uint64_t invalid() const noexcept { return invalid_; }
  /// Predictions refused because the pending table was full (or the id pending).
  std::uint64_t dropped() const noexcept { return dropped_; }
  /// Labels whose prediction was not pending.
  std::uint64_t unmatched() const noexcept { return unmatched_; }
  /// Predictions waiting for their label.
  std::size_t pending() const noexcept { return pending_.size(); }
  /// Windows closed.
  std::uint64_t windows_closed() const noexcept { return windows_; }
  /// Observations in the open window.
  std::size_t in_window() const noexcept { return in_window_; }
  /// The settings.
  const fairness_monitor_options& options() const noexcept { return options_; }

private:
  struct pending_entry {
    std::int32_t group = 0;
    double prediction = 0.0;
  };
  // A sliding window's observation, 8 bytes.
  struct entry {
    std::int32_t group = 0;
    bool label = false;
    bool predicted = false;
  };

  // A label of 0 or 1, a known group and a prediction that gives a class (`predicted`).
  bool valid(std::int32_t group, double label, double prediction, bool& predicted) const noexcept;

  // Counts a valid observation (see valid()) in the open window.
  bool add(std::int32_t group, bool y, bool predicted);

  void advance_time(timestamp t);

  void fill_span() noexcept;

  void close();

  fairness_monitor_options options_;
  callback on_window_;
  const clock_source* clock_;
  drift::detail::pending_table<pending_entry> pending_;
  fairness_window window_; // the open window's counts; its numbers are filled at close
  std::vector<entry> ring_;
  std::optional<timestamp> start_;
  std::size_t in_window_ = 0;
  std::size_t head_ = 0;
  std::size_t since_close_ = 0;
  std::uint64_t observed_ = 0;
  std::uint64_t invalid_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t unmatched_ = 0;
  std::uint64_t windows_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using fairness_monitor = basic_fairness_monitor<>;

} // namespace mlguard::fairness

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::fairness {

template <class>
void to_json(json& j, const fairness_window& w) {
  j = new_document(fairness_window::format);
  drift::write_window_span(j, w);
  write_metrics_fields(j, w.metrics);
}

template <class V>
MLGUARD_INLINE basic_fairness_monitor<V>::basic_fairness_monitor(fairness_monitor_options options,
                                                                 callback on_window,
                                                                 const clock_source& clock)
    : options_(std::move(options)), on_window_(std::move(on_window)), clock_(&clock),
      pending_(options_.pending_capacity) {
  if (options_.groups.empty()) {
    throw fairness_error("invalid_option", "a fairness monitor needs at least one group");
  }
  if (options_.groups.size() > 0x7fffffffU) {
    throw fairness_error("invalid_option", "too many groups");
  }
  if (options_.pending_capacity == 0) {
    throw fairness_error("invalid_option", "the pending capacity must be at least 1");
  }
  options_.metrics.validate();
  options_.window.validate();
  window_.metrics.groups.resize(options_.groups.size());
  for (std::size_t g = 0; g < options_.groups.size(); ++g) {
    window_.metrics.groups[g].group = options_.groups[g];
  }
  window_.metrics.undefined_rates = options_.metrics.undefined_rates;
  if (options_.window.kind == drift::window_kind::sliding_count) {
    ring_.assign(options_.window.size, entry{});
  }
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::observe(std::int32_t group, double label,
                                                       double prediction) -> bool {
  if (options_.window.kind == drift::window_kind::tumbling_time) {
    return observe_at(group, label, prediction, clock_->now());
  }
  bool predicted = false;
  if (!valid(group, label, prediction, predicted)) {
    ++invalid_;
    return false;
  }
  return add(group, label == 1.0, predicted);
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::observe_at(std::int32_t group, double label,
                                                          double prediction, timestamp t) -> bool {
  bool predicted = false;
  if (!valid(group, label, prediction, predicted)) {
    ++invalid_; // before the clock: a skipped observation neither closes nor aligns a window
    return false;
  }
  if (options_.window.kind == drift::window_kind::tumbling_time) {
    advance_time(t);
  }
  return add(group, label == 1.0, predicted);
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::record_prediction(std::uint64_t id,
                                                                 std::int32_t group,
                                                                 double prediction) noexcept
    -> bool {
  if (!pending_.insert(id, pending_entry{group, prediction})) {
    ++dropped_;
    return false;
  }
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::record_label(std::uint64_t id, double label)
    -> bool {
  pending_entry p;
  if (!pending_.take(id, p)) {
    ++unmatched_;
    return false;
  }
  return observe(p.group, label, p.prediction);
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::poll() -> bool {
  if (options_.window.kind != drift::window_kind::tumbling_time || !start_) {
    return false;
  }
  const auto before = windows_;
  advance_time(clock_->now());
  return windows_ != before;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::flush() -> bool {
  if (in_window_ == 0) {
    return false;
  }
  close();
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::reset_window() noexcept -> void {
  for (auto& g : window_.metrics.groups) {
    g.counts = confusion_counts{};
  }
  in_window_ = 0;
  head_ = 0;
  since_close_ = 0;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::current() -> const fairness_window& {
  fill_span();
  summarise(window_.metrics, options_.metrics.undefined_rates);
  return window_;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::valid(std::int32_t group, double label,
                                                     double prediction,
                                                     bool& predicted) const noexcept -> bool {
  return (label == 0.0 || label == 1.0) && group >= 0 &&
         static_cast<std::size_t>(group) < options_.groups.size() &&
         detail::predicted_class(prediction, options_.metrics.decision_threshold, predicted);
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::add(std::int32_t group, bool y, bool predicted)
    -> bool {
  auto& groups = window_.metrics.groups;
  ++observed_;
  const auto& w = options_.window;
  if (w.kind == drift::window_kind::sliding_count) {
    entry& slot = ring_[head_];
    if (in_window_ == w.size) {
      groups[static_cast<std::size_t>(slot.group)].counts.remove(slot.label, slot.predicted);
    } else {
      ++in_window_;
    }
    slot = entry{group, y, predicted};
    groups[static_cast<std::size_t>(group)].counts.add(y, predicted);
    head_ = head_ + 1 == w.size ? 0 : head_ + 1;
    ++since_close_;
    if (in_window_ == w.size && since_close_ >= w.step) {
      close();
    }
    return true;
  }
  groups[static_cast<std::size_t>(group)].counts.add(y, predicted);
  ++in_window_;
  if (in_window_ == w.size) {
    close();
  }
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::advance_time(timestamp t) -> void {
  drift::detail::advance_time_window(start_, t, options_.window.duration, [this] {
    if (in_window_ > 0) {
      close();
    }
  });
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::fill_span() noexcept -> void {
  window_.index = windows_;
  window_.rows = in_window_;
  window_.first_row = in_window_ == 0 ? 0 : observed_ - in_window_ + 1;
  window_.last_row = in_window_ == 0 ? 0 : observed_;
  if (options_.window.kind == drift::window_kind::tumbling_time) {
    window_.start = start_;
  }
}

template <class V>
MLGUARD_INLINE auto basic_fairness_monitor<V>::close() -> void {
  fill_span();
  summarise(window_.metrics, options_.metrics.undefined_rates);
  ++windows_;
  since_close_ = 0;
  const bool tumbling = options_.window.kind != drift::window_kind::sliding_count;
  if (on_window_) {
    try {
      on_window_(window_);
    } catch (...) {
      if (tumbling) {
        reset_window(); // the window was reported; a throwing callback must not replay it
      }
      throw;
    }
  }
  if (tumbling) {
    reset_window();
  }
}

} // namespace mlguard::fairness

#endif // MLGUARD_COMPILED
#endif // MLGUARD_FAIRNESS_FAIRNESS_MONITOR_HPP

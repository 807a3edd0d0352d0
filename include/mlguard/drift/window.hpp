#ifndef MLGUARD_DRIFT_WINDOW_HPP
#define MLGUARD_DRIFT_WINDOW_HPP

// How a streaming monitor cuts a stream of observations into windows
// (window_kind, window_options), and where a closed window lies in its stream
// (window_span): the fields every windowed result shares, under the same
// names in C++ and in JSON (window_report of the drift monitors,
// performance_report of the performance tracker).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::drift {

/// The shape of the windows a monitor closes.
enum class window_kind {
  tumbling_count, ///< consecutive, disjoint windows of `size` rows
  tumbling_time, ///< consecutive windows of `duration` (the clock's time); at most `size` rows each
  sliding_count  ///< the last `size` rows, evaluated every `step` rows once `size` rows were seen
};

/// "tumbling_count", "tumbling_time" or "sliding_count".
inline const char* to_string(window_kind k) noexcept {
  switch (k) {
  case window_kind::tumbling_time:
    return "tumbling_time";
  case window_kind::sliding_count:
    return "sliding_count";
  case window_kind::tumbling_count:
  default:
    return "tumbling_count";
  }
}

/// A window policy. `size` is also the capacity every per-feature buffer is
/// allocated with up front, so it bounds the monitor's memory.
template <class = void> // deferred: see core/json.hpp
struct basic_window_options {
  window_kind kind = window_kind::tumbling_count;
  /// Rows per window (count windows), or the most rows a time window holds:
  /// a time window that fills up closes early, so no row is ever dropped.
  std::size_t size = 1000;
  /// Sliding windows: a window closes every `step` rows (1 ≤ step ≤ size).
  std::size_t step = 1000;
  /// Time windows: the length of each window.
  std::chrono::nanoseconds duration{0};

  /// Disjoint windows of `rows` rows.
  static basic_window_options tumbling(std::size_t rows);
  /// Windows of `length` of clock time, each holding at most `capacity` rows.
  static basic_window_options tumbling_time(std::chrono::nanoseconds length, std::size_t capacity);
  /// The last `rows` rows, evaluated every `every` rows.
  static basic_window_options sliding(std::size_t rows, std::size_t every);

  /// Throws drift_error (mlguard.drift.invalid_option) when size is 0, a
  /// sliding step is outside [1, size], or a time window's duration is not positive.
  void validate() const;
};

/// The type to name (a class template only so that its bodies compile where used).
using window_options = basic_window_options<>;

/// Where a closed window lies in its stream. Every windowed result derives
/// from it (window_report, performance_report), so a window's number, rows
/// and time carry the same names everywhere; JSON: {"window", "first_row",
/// "last_row", "rows", "start_ns"?}.
struct window_span {
  /// 0-based number of the window ("window" in JSON).
  std::uint64_t index = 0;
  /// 1-based position in the stream of the window's first row (for the
  /// performance tracker: of its first labelled observation); 0 when the
  /// window has no rows or no position (a merged state, a collect()).
  std::uint64_t first_row = 0;
  /// 1-based position of its last row; 0 as first_row.
  std::uint64_t last_row = 0;
  /// The rows (observations) in the window.
  std::uint64_t rows = 0;
  /// Time windows: the start of the window's time span ("start_ns" in JSON:
  /// nanoseconds since the Unix epoch).
  std::optional<timestamp> start;
};

/// Writes the window_span fields into the JSON object `j` (other fields of
/// `j` are kept): "window", "first_row", "last_row", "rows", and "start_ns"
/// when the window has a start time.
template <class = void> // deferred: see core/json.hpp
void write_window_span(json& j, const window_span& w);

/// Reads what write_window_span wrote. Throws format_error
/// (mlguard.format.corrupt) naming the field.
template <class = void>
window_span read_window_span(const json_reader& r);

namespace detail {

// Tumbling time windows aligned to the first observation's time: the first call sets
// `start`; a time `t` at or past start + d calls `close_window` (the window ends) and
// moves `start` by whole durations to the window that holds `t`, so empty stretches
// open no windows. Shared by drift_monitor and fairness::fairness_monitor.
template <typename Close>
void advance_time_window(std::optional<timestamp>& start, timestamp t, std::chrono::nanoseconds d,
                         Close&& close_window) {
  if (!start) {
    start = t;
    return;
  }
  if (t - *start >= d) {
    close_window();
    *start += d * ((t - *start) / d);
  }
}

} // namespace detail

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE auto basic_window_options<V>::tumbling(std::size_t rows) -> basic_window_options {
  basic_window_options w;
  w.kind = window_kind::tumbling_count;
  w.size = rows;
  w.step = rows;
  return w;
}

template <class V>
MLGUARD_INLINE auto basic_window_options<V>::tumbling_time(std::chrono::nanoseconds length,
                                                           std::size_t capacity)
    -> basic_window_options {
  basic_window_options w;
  w.kind = window_kind::tumbling_time;
  w.size = capacity;
  w.step = capacity;
  w.duration = length;
  return w;
}

template <class V>
MLGUARD_INLINE auto basic_window_options<V>::sliding(std::size_t rows, std::size_t every)
    -> basic_window_options {
  basic_window_options w;
  w.kind = window_kind::sliding_count;
  w.size = rows;
  w.step = every;
  return w;
}

template <class V>
MLGUARD_INLINE auto basic_window_options<V>::validate() const -> void {
  if (size == 0) {
    throw drift_error("invalid_option", "a window needs a size of at least 1 row");
  }
  if (kind == window_kind::sliding_count && (step == 0 || step > size)) {
    throw drift_error("invalid_option",
                      "a sliding window's step must be in [1, size], got " + std::to_string(step));
  }
  if (kind == window_kind::tumbling_time && duration.count() <= 0) {
    throw drift_error("invalid_option", "a time window needs a positive duration");
  }
}

template <class> // deferred: see core/json.hpp
void write_window_span(json& j, const window_span& w) {
  j["window"] = w.index;
  j["first_row"] = w.first_row;
  j["last_row"] = w.last_row;
  j["rows"] = w.rows;
  if (w.start) {
    j["start_ns"] = static_cast<std::int64_t>(w.start->time_since_epoch().count());
  }
}

template <class>
window_span read_window_span(const json_reader& r) {
  window_span w;
  w.index = r.count("window");
  w.first_row = r.count("first_row");
  w.last_row = r.count("last_row");
  w.rows = r.count("rows");
  if (r.has("start_ns")) {
    const auto ns = r.integer("start_ns", std::numeric_limits<std::int64_t>::min(),
                              std::numeric_limits<std::int64_t>::max());
    w.start = timestamp(std::chrono::nanoseconds(ns));
  }
  return w;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_WINDOW_HPP

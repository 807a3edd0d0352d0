#ifndef MLGUARD_DRIFT_WINDOW_HPP
#define MLGUARD_DRIFT_WINDOW_HPP

// How a streaming monitor cuts a stream of observations into windows.

#include <chrono>
#include <cstddef>
#include <string>

#include "mlguard/core/error.hpp"

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
struct window_options {
  window_kind kind = window_kind::tumbling_count;
  /// Rows per window (count windows), or the most rows a time window holds:
  /// a time window that fills up closes early, so no row is ever dropped.
  std::size_t size = 1000;
  /// Sliding windows: a window closes every `step` rows (1 ≤ step ≤ size).
  std::size_t step = 1000;
  /// Time windows: the length of each window.
  std::chrono::nanoseconds duration{0};

  /// Disjoint windows of `rows` rows.
  static window_options tumbling(std::size_t rows) {
    window_options w;
    w.kind = window_kind::tumbling_count;
    w.size = rows;
    w.step = rows;
    return w;
  }
  /// Windows of `length` of clock time, each holding at most `capacity` rows.
  static window_options tumbling_time(std::chrono::nanoseconds length, std::size_t capacity) {
    window_options w;
    w.kind = window_kind::tumbling_time;
    w.size = capacity;
    w.step = capacity;
    w.duration = length;
    return w;
  }
  /// The last `rows` rows, evaluated every `every` rows.
  static window_options sliding(std::size_t rows, std::size_t every) {
    window_options w;
    w.kind = window_kind::sliding_count;
    w.size = rows;
    w.step = every;
    return w;
  }

  /// Throws drift_error (mlguard.drift.bad_option) when size is 0, a sliding
  /// step is outside [1, size], or a time window's duration is not positive.
  void validate() const {
    if (size == 0) {
      throw drift_error("bad_option", "a window needs a size of at least 1 row");
    }
    if (kind == window_kind::sliding_count && (step == 0 || step > size)) {
      throw drift_error("bad_option", "a sliding window's step must be in [1, size], got " +
                                          std::to_string(step));
    }
    if (kind == window_kind::tumbling_time && duration.count() <= 0) {
      throw drift_error("bad_option", "a time window needs a positive duration");
    }
  }
};

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_WINDOW_HPP

#ifndef MLGUARD_REPORT_WINDOW_TRIGGER_HPP
#define MLGUARD_REPORT_WINDOW_TRIGGER_HPP

// window_trigger: turns one good/bad verdict per window into alert
// transitions, so an alert fires on a change of state, or once k of the last
// n windows agree, and a signal that oscillates does not flap.
//
//   fires    when at least k of the last n windows are bad (while not firing);
//   resolves when at most resolve_at of the last n windows are bad (while firing).
//
// k = n = 1 fires on the first bad window and resolves on the first good one.
// Before n windows have been seen, the count is over those seen. With
// resolve_at < k there is a dead band: 3 of 5 with resolve_at 0 fires on
// bad-good-bad-good-bad and stays firing until five good windows in a row.
//
// Not thread-safe: one trigger per signal, fed by one thread at a time (the
// drift adapter, drift_alerts.hpp, holds its own mutex). Never allocates.

#include <cstdint>
#include <string>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::report {

/// Settings of a window_trigger.
struct window_trigger_options {
  /// Bad windows among the last n that fire it (1 ≤ k ≤ n).
  int k = 1;
  /// The windows remembered (1 ≤ n ≤ 64).
  int n = 1;
  /// Bad windows among the last n at or below which it resolves (0 ≤ resolve_at < k).
  int resolve_at = 0;
};

/// What one window did to a trigger.
enum class trigger_change { none, fired, resolved };

/// "none", "fired" or "resolved".
constexpr const char* to_string(trigger_change c) noexcept {
  return c == trigger_change::fired ? "fired" : c == trigger_change::resolved ? "resolved" : "none";
}

/// k-of-n firing with a resolve threshold (see the header comment).
template <class = void> // deferred: see core/json.hpp
class basic_window_trigger {
public:
  /// Throws report_error (mlguard.report.invalid_trigger) unless
  /// 1 ≤ k ≤ n ≤ 64 and 0 ≤ resolve_at < k.
  explicit basic_window_trigger(window_trigger_options options = {});

  /// Records one window's verdict and says whether the trigger fired or resolved.
  trigger_change observe(bool bad) noexcept;

  /// True between a fired and the next resolved.
  bool firing() const noexcept { return firing_; }

  /// Bad windows among the last n.
  int bad_windows() const noexcept;

  /// The settings it runs with.
  const window_trigger_options& options() const noexcept { return options_; }

private:
  window_trigger_options options_;
  std::uint64_t history_ = 0; // bit 0: the latest window
  bool firing_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using window_trigger = basic_window_trigger<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class V>
MLGUARD_INLINE basic_window_trigger<V>::basic_window_trigger(window_trigger_options options)
    : options_(options) {
  const auto& o = options_;
  if (o.n < 1 || o.n > 64 || o.k < 1 || o.k > o.n || o.resolve_at < 0 || o.resolve_at >= o.k) {
    throw report_error("invalid_trigger",
                       "window_trigger wants 1 <= k <= n <= 64 and 0 <= resolve_at < k, got k " +
                           std::to_string(o.k) + ", n " + std::to_string(o.n) + ", resolve_at " +
                           std::to_string(o.resolve_at));
  }
}

template <class V>
MLGUARD_INLINE auto basic_window_trigger<V>::observe(bool bad) noexcept -> trigger_change {
  const std::uint64_t mask =
      options_.n == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << options_.n) - 1;
  history_ = ((history_ << 1) | (bad ? 1U : 0U)) & mask;
  const int count = bad_windows();
  if (!firing_ && count >= options_.k) {
    firing_ = true;
    return trigger_change::fired;
  }
  if (firing_ && count <= options_.resolve_at) {
    firing_ = false;
    return trigger_change::resolved;
  }
  return trigger_change::none;
}

template <class V>
MLGUARD_INLINE auto basic_window_trigger<V>::bad_windows() const noexcept -> int {
  int count = 0;
  for (std::uint64_t h = history_; h != 0; h &= h - 1) {
    ++count;
  }
  return count;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_WINDOW_TRIGGER_HPP

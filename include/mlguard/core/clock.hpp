#ifndef MLGUARD_CORE_CLOCK_HPP
#define MLGUARD_CORE_CLOCK_HPP

// The injectable clock: everything in mlguard that reads the time (windows,
// cooldowns, audit timestamps) takes a clock_source, so tests replay traces
// deterministically with manual_clock.

#include <atomic>
#include <chrono>
#include <cstdint>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard {

/// A point in time: nanoseconds since the Unix epoch (UTC), on the system
/// clock's scale, so audit records written by one process read correctly in another.
using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

/// The time source that everything time-dependent in mlguard takes
/// (windows, cooldowns, audit records), so tests replay traces deterministically.
///
/// Implementations must be safe to call from several threads at once.
class clock_source {
public:
  virtual ~clock_source() = default;
  /// The current time. Never throws.
  virtual timestamp now() const noexcept = 0;
};

/// The real wall clock (std::chrono::system_clock).
class system_clock final : public clock_source {
public:
  timestamp now() const noexcept override {
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
  }

  /// A process-wide instance, the default wherever a clock is optional.
  static const system_clock& instance() noexcept {
    static const system_clock the_clock;
    return the_clock;
  }
};

/// A clock that moves only when told to: for tests and for replaying recorded traces.
///
/// Thread-safe: now(), set() and advance() may race; each is one atomic operation.
template <class = void> // deferred: see core/json.hpp
class basic_manual_clock final : public clock_source {
public:
  /// Starts at `start` (the Unix epoch by default).
  explicit basic_manual_clock(timestamp start = timestamp{}) noexcept
      : nanos_(start.time_since_epoch().count()) {}

  timestamp now() const noexcept override;

  /// Jumps to `t`. Throws argument_error (mlguard.argument.clock_backwards) when
  /// `t` is earlier than now(): time seen by mlguard never runs backwards.
  void set(timestamp t);

  /// Moves forward by `d`. Throws argument_error (mlguard.argument.clock_backwards)
  /// when `d` is negative.
  void advance(std::chrono::nanoseconds d);

private:
  std::atomic<std::int64_t> nanos_;
};

/// The type to name (a class template only so that its bodies compile where used).
using manual_clock = basic_manual_clock<>;

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard {

template <class V>
MLGUARD_INLINE auto basic_manual_clock<V>::now() const noexcept -> timestamp {
  return timestamp(std::chrono::nanoseconds(nanos_.load(std::memory_order_acquire)));
}

template <class V>
MLGUARD_INLINE auto basic_manual_clock<V>::set(timestamp t) -> void {
  const auto target = t.time_since_epoch().count();
  auto current = nanos_.load(std::memory_order_acquire);
  do {
    if (target < current) {
      throw argument_error("clock_backwards", "manual_clock::set would move time backwards");
    }
  } while (!nanos_.compare_exchange_weak(current, target, std::memory_order_acq_rel));
}

template <class V>
MLGUARD_INLINE auto basic_manual_clock<V>::advance(std::chrono::nanoseconds d) -> void {
  if (d.count() < 0) {
    throw argument_error("clock_backwards", "manual_clock::advance got a negative duration");
  }
  nanos_.fetch_add(d.count(), std::memory_order_acq_rel);
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_CLOCK_HPP

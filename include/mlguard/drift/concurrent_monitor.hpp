#ifndef MLGUARD_DRIFT_CONCURRENT_MONITOR_HPP
#define MLGUARD_DRIFT_CONCURRENT_MONITOR_HPP

// Several writer threads feeding one drift verdict: one monitor per writer
// (a shard), merged when a reader collects.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/drift/drift_monitor.hpp"

namespace mlguard::drift {

/// A drift monitor shared by several writer threads.
///
/// Each writer owns a shard (an index in [0, shards)): observe(shard, row)
/// adds the row to that shard's drift_monitor under the shard's own mutex,
/// which no other writer takes; only collect() takes it, for the time of a
/// pointer swap, so a writer never waits behind statistics. collect()
/// swaps every shard's window out for an empty one, merges the states
/// (window_state::merge: counts exactly, value samples concatenated) and
/// evaluates the union: the result equals one monitor that saw all the rows
/// collected. Windows are thus cut by the reader (call collect() from a
/// timer or every N rows); options.window.size is each shard's capacity per
/// collect. A shard that fills up before a collect closes its own window
/// and reports it through `on_shard_window` (on the writer's thread, with
/// only that shard's rows), so no row is silently dropped.
///
/// observe: lock + O(features × log bins), no allocation. Memory: shards × 2
/// drift_monitor windows (see drift_monitor's formula; references are shared
/// per monitor, so they count 2·shards times).
///
/// Thread safety: observe(i, …) may run concurrently for distinct i, and
/// concurrently with collect(); collect() calls are serialised internally.
/// Tested under ThreadSanitizer (tests/drift/concurrent_monitor.test.cpp).
template <class = void> // deferred: see core/json.hpp
class basic_concurrent_monitor {
public:
  /// `shards` writers, each with a window of options.window.size rows
  /// (tumbling by count; other window kinds are rejected). Throws
  /// drift_error (mlguard.drift.invalid_option) for 0 shards or a non-count
  /// window, and as drift_monitor's constructor.
  basic_concurrent_monitor(const std::vector<feature_reference>& references,
                           monitor_options options, std::size_t shards,
                           drift_monitor::callback on_shard_window = {});

  /// The number of shards (writers).
  std::size_t shards() const noexcept { return shards_.size(); }
  /// The number of features a row holds.
  std::size_t features() const noexcept { return shards_.front()->active->features(); }

  /// Adds a row from writer `shard`. Never throws on bad data (NaN, ±Inf);
  /// throws argument_error (mlguard.argument.out_of_range) for a shard
  /// number ≥ shards().
  void observe(std::size_t shard, const double* row);

  /// Swaps out every shard's window, merges them and returns the drift
  /// report of the union (index = the number of earlier collects,
  /// first_row/last_row 0, rows = rows merged). Allocates.
  window_report collect();

private:
  struct shard_state {
    std::mutex mutex;
    std::unique_ptr<drift_monitor> active;
    std::unique_ptr<drift_monitor> spare;
  };
  std::vector<std::unique_ptr<shard_state>> shards_;
  std::mutex collect_mutex_;
  std::uint64_t collects_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using concurrent_monitor = basic_concurrent_monitor<>;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE basic_concurrent_monitor<V>::basic_concurrent_monitor(
    const std::vector<feature_reference>& references, monitor_options options, std::size_t shards,
    drift_monitor::callback on_shard_window) {
  if (shards == 0) {
    throw drift_error("invalid_option", "a concurrent monitor needs at least one shard");
  }
  if (options.window.kind != window_kind::tumbling_count) {
    throw drift_error("invalid_option",
                      "a concurrent monitor cuts windows on collect(); give it a "
                      "tumbling count window (its size is each shard's capacity)");
  }
  for (std::size_t i = 0; i < shards; ++i) {
    auto s = std::make_unique<shard_state>();
    s->active = std::make_unique<drift_monitor>(references, options, on_shard_window);
    s->spare = std::make_unique<drift_monitor>(references, options, on_shard_window);
    shards_.push_back(std::move(s));
  }
}

template <class V>
MLGUARD_INLINE auto basic_concurrent_monitor<V>::observe(std::size_t shard, const double* row)
    -> void {
  if (shard >= shards_.size()) {
    throw argument_error("out_of_range", "shard " + std::to_string(shard) + " of " +
                                             std::to_string(shards_.size()));
  }
  auto& s = *shards_[shard];
  const std::lock_guard<std::mutex> lock(s.mutex);
  s.active->observe(row);
}

template <class V>
MLGUARD_INLINE auto basic_concurrent_monitor<V>::collect() -> window_report {
  const std::lock_guard<std::mutex> reader(collect_mutex_);
  window_state merged;
  for (std::size_t i = 0; i < shards_.size(); ++i) {
    auto& s = *shards_[i];
    {
      const std::lock_guard<std::mutex> lock(s.mutex);
      std::swap(s.active, s.spare);
    }
    // The retired window is the collector's alone now.
    if (i == 0) {
      merged = s.spare->snapshot();
    } else {
      merged.merge(s.spare->snapshot());
    }
    s.spare->reset_window();
  }
  return shards_.front()->spare->evaluate(merged, collects_++);
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_CONCURRENT_MONITOR_HPP

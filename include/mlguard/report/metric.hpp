#ifndef MLGUARD_REPORT_METRIC_HPP
#define MLGUARD_REPORT_METRIC_HPP

// The three Prometheus metric kinds an application updates on its hot path:
// a counter, a gauge and a histogram with fixed buckets. Each update is a few
// relaxed atomic operations: no allocation, no lock, no exception.

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::report {

/// What a metric family is, as Prometheus names it.
enum class metric_type { counter, gauge, histogram };

/// "counter", "gauge" or "histogram".
constexpr const char* to_string(metric_type t) noexcept {
  return t == metric_type::counter ? "counter" : t == metric_type::gauge ? "gauge" : "histogram";
}

/// A count that only goes up (requests, rows, anomalies). Exposed with the
/// `_total` suffix. Thread-safe; inc() is one relaxed fetch_add.
class counter {
public:
  /// Adds `n`.
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  /// The count so far.
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (a drift statistic, a share, a version).
/// Thread-safe; set() is one relaxed store, add() a compare-and-swap loop.
class gauge {
public:
  /// Sets the value (NaN and ±Inf are exposed as such).
  void set(double v) noexcept { value_.store(v, std::memory_order_relaxed); }
  /// Adds `d` (may be negative).
  void add(double d) noexcept {
    double old = value_.load(std::memory_order_relaxed);
    while (!value_.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
    }
  }
  /// The current value.
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
  std::atomic<double> value_{0.0};
};

/// What a histogram holds at one moment: cumulative bucket counts in the
/// order of the upper bounds, then the +Inf bucket (= count).
struct histogram_snapshot {
  std::vector<double> upper_bounds;
  /// cumulative[i] = observations ≤ upper_bounds[i]; cumulative.back() = count.
  std::vector<std::uint64_t> cumulative;
  double sum = 0.0;
  std::uint64_t count = 0;
};

/// Latency buckets in seconds, 50 µs to 2.5 s: in-process inference is
/// microseconds, far below client libraries' web-request defaults.
template <class = void>
std::vector<double> latency_buckets();

/// Observations counted into fixed buckets, as a Prometheus histogram: the
/// bucket of x is the first upper bound ≥ x (bounds are inclusive, `le`).
/// NaN is ignored (it has no bucket, and would make the sum NaN forever).
/// Thread-safe; observe() is a binary search and three relaxed atomic
/// updates, with no allocation.
template <class = void> // deferred: see core/json.hpp
class basic_histogram {
public:
  /// Throws report_error (mlguard.report.invalid_buckets) unless `upper_bounds`
  /// is non-empty, finite and strictly increasing (+Inf is implicit).
  explicit basic_histogram(std::vector<double> upper_bounds);

  /// Counts `x` (NaN: ignored).
  void observe(double x) noexcept;

  /// The upper bounds, without +Inf.
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }

  /// The cumulative counts now. Each bucket is read once, so the buckets are
  /// monotone and count equals the +Inf bucket even while others observe;
  /// the sum may lag or lead them by observations in flight.
  histogram_snapshot snapshot() const;

private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<double> sum_{0.0};
};

/// The type to name (a class template only so that its bodies compile where used).
using histogram = basic_histogram<>;

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::report {

template <class>
std::vector<double> latency_buckets() {
  return {50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3,
          10e-3, 25e-3,  50e-3,  0.1,    0.25, 1.0,    2.5};
}

template <class V>
MLGUARD_INLINE basic_histogram<V>::basic_histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  if (bounds_.empty()) {
    throw report_error("invalid_buckets", "a histogram needs at least one bucket bound");
  }
  for (std::size_t i = 0; i < bounds_.size(); ++i) {
    if (!std::isfinite(bounds_[i]) || (i > 0 && !(bounds_[i] > bounds_[i - 1]))) {
      throw report_error("invalid_buckets",
                         "histogram bucket bounds must be finite and strictly increasing");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_histogram<V>::observe(double x) noexcept -> void {
  if (std::isnan(x)) {
    return;
  }
  const auto i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), x) -
                                          bounds_.begin());
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + x, std::memory_order_relaxed)) {
  }
}

template <class V>
MLGUARD_INLINE auto basic_histogram<V>::snapshot() const -> histogram_snapshot {
  histogram_snapshot s;
  s.upper_bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_METRIC_HPP

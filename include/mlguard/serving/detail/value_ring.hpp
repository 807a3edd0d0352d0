#ifndef MLGUARD_SERVING_DETAIL_VALUE_RING_HPP
#define MLGUARD_SERVING_DETAIL_VALUE_RING_HPP

// A bounded ring of (value, version) pairs behind a short mutex: the
// router's per-arm metric store. Preallocated; push is O(1) and never
// allocates; copy() allocates the caller's vector.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "mlguard/core/compiled.hpp"

namespace mlguard::serving::detail {

template <class = void> // deferred: see core/json.hpp
class basic_value_ring {
public:
  /// `capacity` entries, allocated now (capacity > 0; the router checks).
  explicit basic_value_ring(std::size_t capacity) : entries_(capacity) {}

  /// Appends a value, overwriting the oldest when full. O(1), no allocation.
  void push(double value, int version) noexcept;

  /// Adds `value` to a running batch of `version`'s values and pushes the
  /// batch's mean when it holds `batch` values (batch 1: push as is). A value
  /// of another version starts a new batch (the open one is dropped). O(1).
  void add(double value, int version, std::size_t batch) noexcept;

  /// The held values of `version`, oldest first (all versions when 0).
  std::vector<double> copy(int version) const;

  /// Forgets every value (the count of pushes too).
  void clear() noexcept;

  /// Values pushed since construction or clear(), including overwritten ones.
  std::uint64_t pushed() const noexcept;

  std::size_t capacity() const noexcept { return entries_.size(); }

private:
  void store(double value, int version) noexcept;

  struct entry {
    double value = 0.0;
    int version = 0;
  };
  mutable std::mutex mutex_;
  std::vector<entry> entries_;
  std::size_t next_ = 0;
  std::size_t size_ = 0;
  std::uint64_t pushed_ = 0;
  int batch_version_ = 0;
  double batch_sum_ = 0.0;
  std::size_t batch_n_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using value_ring = basic_value_ring<>;

} // namespace mlguard::serving::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving::detail {

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::push(double value, int version) noexcept -> void {
  const std::lock_guard<std::mutex> lock(mutex_);
  store(value, version);
}

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::add(double value, int version, std::size_t batch) noexcept
    -> void {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (batch_version_ != version) {
    batch_version_ = version;
    batch_sum_ = 0.0;
    batch_n_ = 0;
  }
  batch_sum_ += value;
  if (++batch_n_ >= batch) {
    store(batch_sum_ / static_cast<double>(batch_n_), version);
    batch_sum_ = 0.0;
    batch_n_ = 0;
  }
}

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::copy(int version) const -> std::vector<double> {
  std::vector<double> out;
  const std::lock_guard<std::mutex> lock(mutex_);
  out.reserve(size_);
  const std::size_t start = size_ < entries_.size() ? 0 : next_;
  for (std::size_t i = 0; i < size_; ++i) {
    const auto& e = entries_[(start + i) % entries_.size()];
    if (version == 0 || e.version == version) {
      out.push_back(e.value);
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::clear() noexcept -> void {
  const std::lock_guard<std::mutex> lock(mutex_);
  next_ = 0;
  size_ = 0;
  pushed_ = 0;
  batch_version_ = 0;
  batch_sum_ = 0.0;
  batch_n_ = 0;
}

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::pushed() const noexcept -> std::uint64_t {
  const std::lock_guard<std::mutex> lock(mutex_);
  return pushed_;
}

template <class V>
MLGUARD_INLINE auto basic_value_ring<V>::store(double value, int version) noexcept -> void {
  entries_[next_] = entry{value, version};
  next_ = next_ + 1 == entries_.size() ? 0 : next_ + 1;
  if (size_ < entries_.size()) {
    ++size_;
  }
  ++pushed_;
}

} // namespace mlguard::serving::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_DETAIL_VALUE_RING_HPP

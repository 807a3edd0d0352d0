#ifndef MLGUARD_DRIFT_DETAIL_PENDING_PREDICTIONS_HPP
#define MLGUARD_DRIFT_DETAIL_PENDING_PREDICTIONS_HPP

// A fixed-capacity map id → prediction for predictions waiting for their
// label: open addressing with linear probing and backward-shift deletion
// (no tombstones), so insert/take never allocate and stay O(1) on average
// at a load factor ≤ ½. The value type is a parameter: the performance
// tracker keeps a double, the fairness monitor a (group, prediction) pair.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mlguard::drift::detail {

template <class Value>
class pending_table {
public:
  /// Room for `capacity` pending entries (the table has ≥ 2·capacity slots).
  explicit pending_table(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
    std::size_t slots = 2;
    while (slots < 2 * capacity_) {
      slots *= 2;
    }
    slots_.assign(slots, entry{});
    mask_ = slots - 1;
  }

  /// Adds id → value; false when full or the id is already present.
  bool insert(std::uint64_t id, const Value& value) noexcept {
    if (size_ >= capacity_) {
      return false;
    }
    std::size_t i = hash(id) & mask_;
    while (slots_[i].used) {
      if (slots_[i].id == id) {
        return false;
      }
      i = (i + 1) & mask_;
    }
    slots_[i] = entry{id, value, true};
    ++size_;
    return true;
  }

  /// Removes id and writes its value; false when absent.
  bool take(std::uint64_t id, Value& value) noexcept {
    std::size_t i = hash(id) & mask_;
    while (slots_[i].used) {
      if (slots_[i].id == id) {
        value = slots_[i].value;
        erase_at(i);
        --size_;
        return true;
      }
      i = (i + 1) & mask_;
    }
    return false;
  }

  /// True when `id` is present.
  bool contains(std::uint64_t id) const noexcept {
    for (std::size_t i = hash(id) & mask_; slots_[i].used; i = (i + 1) & mask_) {
      if (slots_[i].id == id) {
        return true;
      }
    }
    return false;
  }

  std::size_t size() const noexcept { return size_; }

private:
  struct entry {
    std::uint64_t id = 0;
    Value value{};
    bool used = false;
  };

  static std::uint64_t hash(std::uint64_t x) noexcept { // splitmix64's finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
  }

  // Backward-shift deletion: move later entries of the probe run into the hole.
  void erase_at(std::size_t hole) noexcept {
    std::size_t j = hole;
    for (;;) {
      j = (j + 1) & mask_;
      if (!slots_[j].used) {
        break;
      }
      const std::size_t home = hash(slots_[j].id) & mask_;
      // Move j into the hole when its home is not cyclically in (hole, j].
      const bool between = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!between) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = entry{};
  }

  std::vector<entry> slots_;
  std::size_t capacity_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

/// The performance tracker's table: id → prediction.
using pending_predictions = pending_table<double>;

} // namespace mlguard::drift::detail

#endif // MLGUARD_DRIFT_DETAIL_PENDING_PREDICTIONS_HPP

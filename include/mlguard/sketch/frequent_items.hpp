#ifndef MLGUARD_SKETCH_FREQUENT_ITEMS_HPP
#define MLGUARD_SKETCH_FREQUENT_ITEMS_HPP

// Category frequencies: exact counts while the number of distinct items fits
// a capacity, then a Misra–Gries style frequent-items summary.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/sketch/detail/count_overflow.hpp"
#include "mlguard/sketch/detail/json.hpp"

namespace mlguard::sketch {

/// Counts items (category strings by default) exactly while at most
/// `capacity` distinct items have been seen; beyond that it keeps `capacity`
/// counters and becomes a frequent-items summary (Misra & Gries 1982, with the
/// batched "subtract the median counter" purge of Apache DataSketches'
/// frequent_items sketch, so updates stay amortised O(log capacity)).
///
/// Guarantees, with N = total_weight() and e = max_error():
/// - every reported estimate(x) satisfies estimate(x) ≤ true count ≤ estimate(x) + e
///   (an item not kept has estimate 0 and true count ≤ e);
/// - e ≤ 2N / capacity (each purge of c removes at least c·capacity/2 of
///   weight); e == 0 and counts are exact while is_exact();
/// - so every item with true count > e is kept: with capacity 1024, all items
///   above 0.2% of the stream are reported.
/// Merging adds counters and error offsets; the guarantees hold for the
/// merged stream. Results are deterministic (no hashing, no randomness): the
/// same sequence of updates and merges gives the same summary and JSON bytes.
///
/// Threads: not synchronised; one sketch per thread, then merge.
template <typename T = std::string, typename Compare = std::less<>>
class frequent_items {
public:
  /// One entry of the summary.
  struct row {
    T item;
    std::uint64_t estimate;    // lower bound of the true count
    std::uint64_t upper_bound; // estimate + max_error()
  };

  /// The default number of counters.
  static constexpr std::size_t default_capacity = 1024;
  /// The largest capacity accepted (and read from JSON).
  static constexpr std::uint64_t max_capacity = std::uint64_t{1} << 32;
  /// The document this summary is saved as: "mlguard.frequent_items",
  /// version 1 (mlguard 0.1 wrote "frequent_items", still read).
  static constexpr document_format format{"mlguard.frequent_items", 1, "frequent_items"};

  /// An empty summary with `capacity` counters, 2 ≤ capacity ≤ 2^32.
  /// Throws profile_error (mlguard.profile.invalid_option).
  explicit frequent_items(std::size_t capacity = default_capacity) : capacity_(capacity) {
    if (capacity < 2 || capacity > max_capacity) {
      throw profile_error("invalid_option", "frequent_items capacity must be in [2, 2^32], got " +
                                                std::to_string(capacity));
    }
  }

  /// Adds `weight` occurrences of `item` (weight 0 is ignored). Throws
  /// profile_error (mlguard.profile.count_overflow), the summary unchanged,
  /// when the total weight would pass 2^64 - 1.
  template <typename K>
  void update(K&& item, std::uint64_t weight = 1) {
    if (weight == 0) {
      return;
    }
    if (weight > std::numeric_limits<std::uint64_t>::max() - total_) {
      detail::throw_count_overflow("frequent_items", "a total weight of 2^64 - 1");
    }
    total_ += weight;
    auto it = counts_.find(item);
    if (it != counts_.end()) {
      it->second += weight;
      return;
    }
    if (counts_.size() >= capacity_) {
      purge();
    }
    counts_.emplace(T(std::forward<K>(item)), weight);
  }

  /// Folds `other` in: the result summarises both streams. Throws
  /// profile_error (mlguard.profile.count_overflow), the summary unchanged,
  /// when the total weight would pass 2^64 - 1 (the error bound, never above
  /// the total weight, cannot pass it then).
  void merge(const frequent_items& other) {
    if (&other == this) {
      const frequent_items copy(other);
      merge(copy);
      return;
    }
    if (other.total_ > std::numeric_limits<std::uint64_t>::max() - total_) {
      detail::throw_count_overflow("frequent_items", "a total weight of 2^64 - 1");
    }
    const std::uint64_t other_total = other.total_;
    for (const auto& [item, count] : other.counts_) {
      update(item, count);
    }
    // update() added the kept counts; the rest of other's weight was purged
    // there and is accounted for by its error offset.
    total_ += other_total - other.kept_weight();
    offset_ += other.offset_;
  }

  /// The total weight added (N).
  std::uint64_t total_weight() const noexcept { return total_; }
  /// The number of counters (the exactness cap).
  std::size_t capacity() const noexcept { return capacity_; }
  /// The number of items currently kept.
  std::size_t size() const noexcept { return counts_.size(); }
  /// True when no weight has been added.
  bool is_empty() const noexcept { return total_ == 0; }
  /// True while every count is exact (no purge has happened here or in a merged summary).
  bool is_exact() const noexcept { return offset_ == 0; }
  /// The largest possible undercount of any item (0 while exact); ≤ 2N / capacity.
  std::uint64_t max_error() const noexcept { return offset_; }

  /// The lower-bound count of `item` (exact while is_exact()); 0 when not kept.
  template <typename K>
  std::uint64_t estimate(const K& item) const {
    const auto it = counts_.find(item);
    return it == counts_.end() ? 0 : it->second;
  }

  /// The upper bound of the true count of `item`.
  template <typename K>
  std::uint64_t upper_bound(const K& item) const {
    return estimate(item) + offset_;
  }

  /// The kept items by decreasing estimate (ties by item order); at most
  /// `limit` rows. With `no_false_positives`, only items whose estimate
  /// exceeds max_error() (surely more frequent than anything not kept).
  std::vector<row> top(std::size_t limit = std::numeric_limits<std::size_t>::max(),
                       bool no_false_positives = false) const {
    std::vector<row> rows;
    rows.reserve(counts_.size());
    for (const auto& [item, count] : counts_) {
      if (!no_false_positives || count > offset_) {
        rows.push_back({item, count, count + offset_});
      }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const row& a, const row& b) { return a.estimate > b.estimate; });
    if (rows.size() > limit) {
      rows.resize(limit);
    }
    return rows;
  }

  /// The counters by item order (for iteration and tests).
  const std::map<T, std::uint64_t, Compare>& counts() const noexcept { return counts_; }

  /// The summary as a "mlguard.frequent_items" document: {"format",
  /// "format_version", "capacity", "total_weight", "max_error", "items":
  /// [[item, count], ...]} with items in item order.
  json to_json() const {
    json items = json::array();
    for (const auto& [item, count] : counts_) {
      json pair = json::array();
      pair.push_back(item);
      pair.push_back(count);
      items.push_back(std::move(pair));
    }
    json j = new_document(format);
    j["capacity"] = static_cast<std::uint64_t>(capacity_);
    j["total_weight"] = total_;
    j["max_error"] = offset_;
    j["items"] = std::move(items);
    return j;
  }

  /// Reads what to_json wrote; `source` names the input in errors, `path`
  /// where the summary sits inside it ("" at the root). Throws format_error:
  /// mlguard.format.corrupt (ill-typed fields, duplicate items, more items
  /// than the capacity, counts or a max_error that exceed total_weight; the message names
  /// the field path), mlguard.format.unknown_field, mlguard.format.wrong_kind,
  /// mlguard.format.newer_version.
  static frequent_items from_json(const json& document,
                                  const std::string& source = "frequent_items",
                                  const std::string& path = {}) {
    const auto r = detail::open_document(document, format, source, path,
                                         {"capacity", "total_weight", "max_error", "items"});
    const auto capacity = r.count("capacity", max_capacity);
    if (capacity < 2) {
      r.fail("capacity", "expected at least 2");
    }
    frequent_items out(static_cast<std::size_t>(capacity));
    out.total_ = r.count("total_weight");
    out.offset_ = r.count("max_error");
    if (out.offset_ > out.total_) { // each purge drops at least the weight it adds here
      r.fail("max_error", "greater than total_weight");
    }
    const json& items = r.array("items");
    if (items.size() > capacity) {
      r.fail("items", "more items than the capacity");
    }
    std::uint64_t kept = 0;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const json& entry = items[i];
      const std::string field = "items[" + std::to_string(i) + "]";
      if (!entry.is_array() || entry.size() != 2 || !entry[1].is_number_unsigned() ||
          entry[1].get<std::uint64_t>() == 0) {
        r.fail(field, "expected an [item, positive count] pair");
      }
      T item{};
      try {
        item = entry[0].get<T>();
      } catch (const json::exception&) {
        r.fail(field + "[0]", "expected an item");
      }
      const auto count = entry[1].get<std::uint64_t>();
      if (count > out.total_ - kept) {
        r.fail(field, "the counts add up to more than total_weight");
      }
      kept += count;
      if (!out.counts_.emplace(std::move(item), count).second) {
        r.fail(field, "the item appears twice");
      }
    }
    if (out.offset_ == 0 && kept != out.total_) {
      r.fail("items", "an exact summary's counts must add up to total_weight");
    }
    return out;
  }

  /// Writes the summary document to `path` atomically (save_json).
  /// Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads a summary document from `path` (load_json, then from_json).
  /// Throws io_error (mlguard.io.open_failed, read_failed) and from_json's errors.
  static frequent_items load(const std::string& path) { return from_json(load_json(path), path); }

  /// Structural equality: same capacity, weights, error offset and counters.
  friend bool operator==(const frequent_items& a, const frequent_items& b) {
    return a.capacity_ == b.capacity_ && a.total_ == b.total_ && a.offset_ == b.offset_ &&
           a.counts_ == b.counts_;
  }
  friend bool operator!=(const frequent_items& a, const frequent_items& b) { return !(a == b); }

private:
  std::uint64_t kept_weight() const noexcept {
    std::uint64_t sum = 0;
    for (const auto& entry : counts_) {
      sum += entry.second;
    }
    return sum;
  }

  // Subtracts the median counter from every counter and drops those that
  // reach zero, freeing at least half the counters.
  void purge() {
    std::vector<std::uint64_t> values;
    values.reserve(counts_.size());
    for (const auto& entry : counts_) {
      values.push_back(entry.second);
    }
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    // The median of the lower half's boundary: at least half the counters are ≤ it.
    const std::uint64_t cut = *std::max_element(values.begin(), middle + 1);
    for (auto it = counts_.begin(); it != counts_.end();) {
      if (it->second <= cut) {
        it = counts_.erase(it);
      } else {
        it->second -= cut;
        ++it;
      }
    }
    offset_ += cut;
  }

  std::size_t capacity_;
  std::uint64_t total_ = 0;
  std::uint64_t offset_ = 0;
  std::map<T, std::uint64_t, Compare> counts_;
};

/// nlohmann ADL hook: `json j = items;`
template <typename T, typename C>
void to_json(json& j, const frequent_items<T, C>& items) {
  j = items.to_json();
}

/// nlohmann ADL hook. Throws as frequent_items::from_json.
template <typename T, typename C>
void from_json(const json& j, frequent_items<T, C>& items) {
  items = frequent_items<T, C>::from_json(j);
}

} // namespace mlguard::sketch

#endif // MLGUARD_SKETCH_FREQUENT_ITEMS_HPP

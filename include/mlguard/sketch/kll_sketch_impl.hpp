#ifndef MLGUARD_SKETCH_KLL_SKETCH_IMPL_HPP
#define MLGUARD_SKETCH_KLL_SKETCH_IMPL_HPP

// Implementation of kll_sketch; included at the end of kll_sketch.hpp.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace mlguard::sketch {
namespace detail {

// True for NaN floating-point items; false for every other type.
template <typename T>
inline bool is_nan_item(const T& item) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    return std::isnan(item);
  } else {
    (void)item;
    return false;
  }
}

// A sketch item as JSON: floating-point items by json_number (±inf as
// "inf" / "-inf"), other items by nlohmann's conversion.
template <typename T>
json sketch_item_to_json(const T& item) {
  if constexpr (std::is_floating_point_v<T>) {
    return json_number(static_cast<double>(item));
  } else {
    return json(item);
  }
}

// Reads a sketch item; returns false when `j` does not hold one (NaN included).
template <typename T>
bool sketch_item_from_json(const json& j, T& out) {
  if constexpr (std::is_floating_point_v<T>) {
    double v = 0.0;
    if (!read_json_number(j, v) || std::isnan(v)) {
      return false;
    }
    out = static_cast<T>(v);
    return !std::isnan(out);
  } else {
    try {
      out = j.get<T>();
      return true;
    } catch (const json::exception&) {
      return false;
    }
  }
}

// The capacity of a KLL level `depth` levels below the top: k * (2/3)^depth,
// rounded half up, and never below the minimum width 8.
template <class = void>
std::size_t kll_level_capacity(std::uint16_t k, std::size_t depth) noexcept;

// Sorts numbers (no NaN) ascending: quicksort with a branch-free Lomuto
// partition (no mispredicted branches on random data, unlike std::sort's
// Hoare partition), a branch-free rank sort below 17 items, and std::sort as the
// fallback when the recursion gets deep (introsort's guard against
// adversarial inputs). About twice as fast as std::sort for the few hundred
// items KLL sorts at a time.
template <typename T>
void branchless_sort(T* a, std::size_t n, int depth_budget) {
  while (n > 16) {
    if (depth_budget-- == 0) {
      std::sort(a, a + n);
      return;
    }
    const T x = a[0];
    const T y = a[n / 2];
    const T z = a[n - 1];
    const T pivot = std::max(std::min(x, y), std::min(std::max(x, y), z)); // median of 3
    std::size_t boundary = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const T v = a[r];
      const bool smaller = v < pivot;
      a[r] = a[boundary];
      a[boundary] = v;
      boundary += smaller ? 1 : 0;
    }
    if (boundary == 0) {
      // The pivot is the minimum: split off every item equal to it instead.
      for (std::size_t r = 0; r < n; ++r) {
        const T v = a[r];
        const bool not_larger = !(pivot < v);
        a[r] = a[boundary];
        a[boundary] = v;
        boundary += not_larger ? 1 : 0;
      }
      a += boundary; // all equal to the pivot: in place
      n -= boundary;
      continue;
    }
    // Recurse into the smaller side, loop on the larger.
    if (boundary < n - boundary) {
      branchless_sort(a, boundary, depth_budget);
      a += boundary;
      n -= boundary;
    } else {
      branchless_sort(a + boundary, n - boundary, depth_budget);
      n = boundary;
    }
  }
  // At most 16 items left: place each at its rank (the number of items
  // before it in sorted order, earlier equal items first). Branch-free
  // compares the compiler vectorises, where insertion sort mispredicts
  // once per item.
  T sorted[16];
  for (std::size_t i = 0; i < n; ++i) {
    const T v = a[i];
    std::size_t rank = 0;
    for (std::size_t j = 0; j < i; ++j) {
      rank += static_cast<std::size_t>(!(v < a[j]));
    }
    for (std::size_t j = i + 1; j < n; ++j) {
      rank += static_cast<std::size_t>(a[j] < v);
    }
    sorted[rank] = v;
  }
  std::copy(sorted, sorted + n, a);
}

} // namespace detail

template <typename T, typename C>
kll_sketch<T, C>::kll_sketch(std::uint16_t k, std::uint64_t seed, C compare)
    : k_(k), min_k_(k), compare_(std::move(compare)) {
  if (k < min_k) {
    throw profile_error("invalid_option", "KLL k must be at least " + std::to_string(min_k) +
                                              ", got " + std::to_string(k));
  }
  rng_.state = seed;
  levels_.resize(1);
  recompute_capacity();
}

template <typename T, typename C>
void kll_sketch<T, C>::recompute_capacity() {
  const std::size_t num_levels = levels_.size();
  capacities_.resize(num_levels);
  capacity_ = 0;
  for (std::size_t h = 0; h < num_levels; ++h) {
    capacities_[h] = detail::kll_level_capacity(k_, num_levels - 1 - h);
    if (h == 0) {
      capacities_[h] = std::max(capacities_[h], level0_batch(k_));
    }
    capacity_ += capacities_[h];
  }
}

template <typename T, typename C>
void kll_sketch<T, C>::add_level() {
  levels_.emplace_back();
  recompute_capacity();
}

template <typename T, typename C>
void kll_sketch<T, C>::track_min_max(const T& item) {
  if (n_ == 0) {
    min_ = item;
    max_ = item;
    return;
  }
  if (compare_(item, min_)) {
    min_ = item;
  }
  if (compare_(max_, item)) {
    max_ = item;
  }
}

template <typename T, typename C>
void kll_sketch<T, C>::update(const T& item) {
  if (detail::is_nan_item(item)) {
    return;
  }
  if (n_ == std::numeric_limits<std::uint64_t>::max()) {
    detail::throw_count_overflow("kll_sketch", "2^64 - 1 items");
  }
  if (retained_ >= capacity_) {
    compress_once();
  }
  track_min_max(item);
  ++n_;
  levels_[0].push_back(item);
  ++retained_;
}

template <typename T, typename C>
void kll_sketch<T, C>::update(span<const T> items) {
  std::size_t i = 0;
  const std::size_t size = items.size();
  if (size > std::numeric_limits<std::uint64_t>::max() - n_) { // NaNs counted: checked once
    detail::throw_count_overflow("kll_sketch", "2^64 - 1 items");
  }
  while (i < size) {
    if (retained_ >= capacity_) {
      compress_once();
    }
    // Room for `room` more items before the next compaction; NaNs use none.
    std::size_t room = capacity_ - retained_;
    auto& level0 = levels_[0];
    while (room > 0 && i < size) {
      const T& item = items[i++];
      if (detail::is_nan_item(item)) {
        continue;
      }
      track_min_max(item);
      ++n_;
      level0.push_back(item);
      --room;
    }
    retained_ = capacity_ - room;
  }
}

template <typename T, typename C>
void kll_sketch<T, C>::sort_items(std::vector<T>& items) const {
  if constexpr (std::is_arithmetic_v<T> && std::is_same_v<C, std::less<T>>) {
    int depth = 2;
    for (std::size_t size = items.size(); size > 1; size >>= 1) {
      depth += 2;
    }
    detail::branchless_sort(items.data(), items.size(), depth);
  } else {
    std::sort(items.begin(), items.end(), compare_);
  }
}

template <typename T, typename C>
void kll_sketch<T, C>::compress_once() {
  // The lowest level at or over its capacity; one exists whenever the sketch
  // is full, since the sizes then add up to at least the capacities' sum.
  std::size_t h = 0;
  while (h < levels_.size() && levels_[h].size() < capacities_[h]) {
    ++h;
  }
  if (h == levels_.size()) {
    return; // not full: nothing to do
  }
  if (h + 1 == levels_.size()) {
    add_level();
  }
  if (h == 0) {
    sort_items(levels_[0]);
  }
  auto& source = levels_[h];
  auto& target = levels_[h + 1];
  const std::size_t population = source.size();
  const std::size_t start = population & 1U; // an odd item out stays behind
  const std::size_t half = (population - start) / 2;
  const std::size_t offset = static_cast<std::size_t>(rng_.next() >> 63);
  const std::size_t first = start + offset;

  // Merge the promoted items (source[first + 2j], ascending) into the sorted
  // target level, from the back so that no scratch buffer is needed.
  const std::size_t old_size = target.size();
  target.resize(old_size + half);
  std::size_t i = old_size; // items of target still to place: [0, i)
  std::size_t j = half;     // promoted items still to place: [0, j)
  std::size_t w = old_size + half;
  while (j > 0) {
    const T& candidate = source[first + 2 * (j - 1)];
    if (i > 0 && compare_(candidate, target[i - 1])) {
      target[--w] = std::move(target[--i]);
    } else {
      target[--w] = candidate;
      --j;
    }
  }
  source.resize(start);
  retained_ -= half;
}

template <typename T, typename C>
void kll_sketch<T, C>::merge(const kll_sketch& other) {
  if (other.is_empty()) {
    return;
  }
  if (&other == this) {
    const kll_sketch copy(other);
    merge(copy);
    return;
  }
  if (other.n_ > std::numeric_limits<std::uint64_t>::max() - n_) {
    detail::throw_count_overflow("kll_sketch", "2^64 - 1 items");
  }
  if (n_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    if (compare_(other.min_, min_)) {
      min_ = other.min_;
    }
    if (compare_(max_, other.max_)) {
      max_ = other.max_;
    }
  }
  n_ += other.n_;
  min_k_ = std::min(min_k_, other.min_k_);
  while (levels_.size() < other.levels_.size()) {
    add_level();
  }
  levels_[0].insert(levels_[0].end(), other.levels_[0].begin(), other.levels_[0].end());
  for (std::size_t h = 1; h < other.levels_.size(); ++h) {
    const auto& theirs = other.levels_[h];
    if (theirs.empty()) {
      continue;
    }
    auto& ours = levels_[h];
    const std::size_t old_size = ours.size();
    ours.resize(old_size + theirs.size());
    std::size_t i = old_size;
    std::size_t j = theirs.size();
    std::size_t w = ours.size();
    while (j > 0) {
      if (i > 0 && compare_(theirs[j - 1], ours[i - 1])) {
        ours[--w] = std::move(ours[--i]);
      } else {
        ours[--w] = theirs[--j];
      }
    }
  }
  retained_ += other.retained_;
  while (retained_ > capacity_) {
    compress_once();
  }
}

template <typename T, typename C>
void kll_sketch<T, C>::check_not_empty() const {
  if (n_ == 0) {
    throw profile_error("empty_sketch", "the KLL sketch is empty");
  }
}

template <typename T, typename C>
const T& kll_sketch<T, C>::min() const {
  check_not_empty();
  return min_;
}

template <typename T, typename C>
const T& kll_sketch<T, C>::max() const {
  check_not_empty();
  return max_;
}

template <typename T, typename C>
double kll_sketch<T, C>::get_rank(const T& item, bool inclusive) const {
  check_not_empty();
  if (detail::is_nan_item(item)) {
    throw argument_error("nan", "the rank of NaN is undefined");
  }
  std::uint64_t weight = 0;
  for (const auto& x : levels_[0]) {
    weight += inclusive ? !compare_(item, x) : compare_(x, item);
  }
  for (std::size_t h = 1; h < levels_.size(); ++h) {
    const auto& level = levels_[h];
    const auto it = inclusive ? std::upper_bound(level.begin(), level.end(), item, compare_)
                              : std::lower_bound(level.begin(), level.end(), item, compare_);
    weight += static_cast<std::uint64_t>(it - level.begin()) << h;
  }
  return static_cast<double>(weight) / static_cast<double>(n_);
}

template <typename T, typename C>
std::vector<typename kll_sketch<T, C>::weighted_item> kll_sketch<T, C>::sorted_view() const {
  // Level 0 is sorted on a copy (as compaction sorts it); the higher levels
  // are sorted already and are merged in one by one, lightest first.
  std::vector<T> level0 = levels_[0];
  sort_items(level0);
  std::vector<weighted_item> view;
  view.reserve(retained_);
  for (const auto& x : level0) {
    view.push_back({x, 1});
  }
  std::vector<weighted_item> merged;
  merged.reserve(retained_);
  for (std::size_t h = 1; h < levels_.size(); ++h) {
    const auto& level = levels_[h];
    const std::uint64_t weight = std::uint64_t{1} << h;
    merged.clear();
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < view.size() || j < level.size()) {
      if (j == level.size() || (i < view.size() && !compare_(level[j], view[i].item))) {
        merged.push_back(view[i++]);
      } else {
        merged.push_back({level[j++], weight});
      }
    }
    view.swap(merged);
  }
  std::uint64_t total = 0;
  for (auto& entry : view) {
    total += entry.cumulative;
    entry.cumulative = total;
  }
  return view;
}

template <typename T, typename C>
T kll_sketch<T, C>::quantile_from_view(const std::vector<weighted_item>& view, double rank,
                                       bool inclusive) const {
  if (!(rank >= 0.0 && rank <= 1.0)) {
    throw argument_error("invalid_rank",
                         "a normalised rank must be in [0, 1], got " + std::to_string(rank));
  }
  if (rank == 0.0) {
    return min_;
  }
  if (rank == 1.0) {
    return max_;
  }
  const double scaled = rank * static_cast<double>(n_);
  auto it = view.end();
  if (inclusive) {
    const auto target = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(scaled)));
    it = std::lower_bound(view.begin(), view.end(), target,
                          [](const weighted_item& e, std::uint64_t t) { return e.cumulative < t; });
  } else {
    const auto target = static_cast<std::uint64_t>(std::floor(scaled));
    it = std::upper_bound(view.begin(), view.end(), target,
                          [](std::uint64_t t, const weighted_item& e) { return t < e.cumulative; });
  }
  return it == view.end() ? max_ : it->item;
}

template <typename T, typename C>
double kll_sketch<T, C>::rank_from_view(const std::vector<weighted_item>& view, const T& item,
                                        bool inclusive) const {
  auto it = inclusive ? std::upper_bound(view.begin(), view.end(), item,
                                         [this](const T& x, const weighted_item& e) {
                                           return compare_(x, e.item);
                                         })
                      : std::lower_bound(view.begin(), view.end(), item,
                                         [this](const weighted_item& e, const T& x) {
                                           return compare_(e.item, x);
                                         });
  const std::uint64_t weight = it == view.begin() ? 0 : std::prev(it)->cumulative;
  return static_cast<double>(weight) / static_cast<double>(n_);
}

template <typename T, typename C>
T kll_sketch<T, C>::get_quantile(double rank, bool inclusive) const {
  check_not_empty();
  return quantile_from_view(sorted_view(), rank, inclusive);
}

template <typename T, typename C>
std::vector<T> kll_sketch<T, C>::get_quantiles(span<const double> ranks, bool inclusive) const {
  check_not_empty();
  const auto view = sorted_view();
  std::vector<T> out;
  out.reserve(ranks.size());
  for (const double rank : ranks) {
    out.push_back(quantile_from_view(view, rank, inclusive));
  }
  return out;
}

template <typename T, typename C>
std::vector<double> kll_sketch<T, C>::get_cdf(span<const T> split_points, bool inclusive) const {
  check_not_empty();
  for (std::size_t i = 0; i < split_points.size(); ++i) {
    if (detail::is_nan_item(split_points[i]) ||
        (i > 0 && !compare_(split_points[i - 1], split_points[i]))) {
      throw argument_error("invalid_split_points",
                           "split points must be strictly increasing and not NaN");
    }
  }
  const auto view = sorted_view();
  std::vector<double> out;
  out.reserve(split_points.size() + 1);
  for (const auto& s : split_points) {
    out.push_back(rank_from_view(view, s, inclusive));
  }
  out.push_back(1.0);
  return out;
}

template <typename T, typename C>
std::vector<double> kll_sketch<T, C>::get_pmf(span<const T> split_points, bool inclusive) const {
  auto out = get_cdf(split_points, inclusive);
  for (std::size_t i = out.size() - 1; i > 0; --i) {
    out[i] -= out[i - 1];
  }
  return out;
}

template <typename T, typename C>
json kll_sketch<T, C>::to_json() const {
  json j = new_document(format);
  j["k"] = static_cast<std::uint64_t>(k_);
  j["effective_k"] = static_cast<std::uint64_t>(min_k_);
  j["n"] = n_;
  if (n_ > 0) {
    j["min"] = detail::sketch_item_to_json(min_);
    j["max"] = detail::sketch_item_to_json(max_);
  }
  j["rng_state"] = detail::hex64(rng_.state);
  json levels = json::array();
  for (const auto& level : levels_) {
    if constexpr (std::is_same_v<T, double>) {
      levels.push_back(json_numbers(level));
    } else {
      json items = json::array();
      for (const auto& x : level) {
        items.push_back(detail::sketch_item_to_json(x));
      }
      levels.push_back(std::move(items));
    }
  }
  j["levels"] = std::move(levels);
  return j;
}

template <typename T, typename C>
kll_sketch<T, C> kll_sketch<T, C>::from_json(const json& document, const std::string& source,
                                             const std::string& path, C compare) {
  const auto r =
      detail::open_document(document, format, source, path,
                            {"k", "effective_k", "n", "min", "max", "rng_state", "levels"});
  const auto k = r.count("k", 65535);
  const auto effective_k = r.count("effective_k", k);
  if (k < min_k) {
    r.fail("k", "expected at least " + std::to_string(min_k));
  }
  if (effective_k < min_k) {
    r.fail("effective_k", "expected at least " + std::to_string(min_k));
  }
  const auto n = r.count("n");
  const auto state = detail::read_hex64(r, "rng_state");
  kll_sketch sketch(static_cast<std::uint16_t>(k), state, std::move(compare));
  sketch.min_k_ = static_cast<std::uint16_t>(effective_k);
  sketch.n_ = n;

  if (n == 0) {
    for (const char* field : {"min", "max"}) {
      if (r.has(field)) {
        r.fail(field, "an empty sketch has no min or max");
      }
    }
  } else {
    if (!detail::sketch_item_from_json(r.at("min"), sketch.min_)) {
      r.fail("min", "expected an item");
    }
    if (!detail::sketch_item_from_json(r.at("max"), sketch.max_)) {
      r.fail("max", "expected an item");
    }
    if (sketch.compare_(sketch.max_, sketch.min_)) {
      r.fail("min", "greater than max");
    }
  }

  const json& levels = r.array("levels");
  if (levels.empty() || levels.size() > 64) {
    r.fail("levels", "expected 1 to 64 levels");
  }
  sketch.levels_.clear();
  std::uint64_t weight = 0;
  std::size_t retained = 0;
  for (std::size_t h = 0; h < levels.size(); ++h) {
    const std::string field = "levels[" + std::to_string(h) + "]";
    const json& items = levels[h];
    if (!items.is_array()) {
      r.fail(field, "expected an array of items");
    }
    std::vector<T> level;
    level.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
      T value{};
      if (!detail::sketch_item_from_json(items[i], value)) {
        r.fail(field + "[" + std::to_string(i) + "]",
               "expected an item (a number, \"inf\" or \"-inf\")");
      }
      if (h > 0 && !level.empty() && sketch.compare_(value, level.back())) {
        r.fail(field, "not sorted");
      }
      if (sketch.compare_(value, sketch.min_) || sketch.compare_(sketch.max_, value)) {
        r.fail(field + "[" + std::to_string(i) + "]", "outside [min, max]");
      }
      level.push_back(std::move(value));
    }
    const std::uint64_t count = level.size();
    if (count > 0 &&
        (h >= 64 || count > (std::numeric_limits<std::uint64_t>::max() - weight) >> h)) {
      r.fail(field, "the item weights overflow");
    }
    weight += count << h;
    retained += level.size();
    sketch.levels_.push_back(std::move(level));
  }
  if (weight != n) {
    r.fail("levels", "the item weights add up to " + std::to_string(weight) +
                         ", not n = " + std::to_string(n));
  }
  sketch.recompute_capacity();
  sketch.retained_ = retained;
  if (retained > sketch.capacity_) {
    r.fail("levels", "more items than the sketch's capacity");
  }
  return sketch;
}

} // namespace mlguard::sketch

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::sketch::detail {

template <class>
std::size_t kll_level_capacity(std::uint16_t k, std::size_t depth) noexcept {
  constexpr std::size_t min_width = 8;
  if (depth > 30) { // k * (2/3)^31 < 65536 * 3.6e-6 < 1
    return min_width;
  }
  std::uint64_t power_of_three = 1;
  for (std::size_t i = 0; i < depth; ++i) {
    power_of_three *= 3;
  }
  const std::uint64_t scaled = static_cast<std::uint64_t>(k) << depth; // < 2^47
  const std::uint64_t rounded = (2 * scaled + power_of_three) / (2 * power_of_three);
  return std::max<std::size_t>(min_width, static_cast<std::size_t>(rounded));
}

} // namespace mlguard::sketch::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SKETCH_KLL_SKETCH_IMPL_HPP

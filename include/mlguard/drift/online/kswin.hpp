#ifndef MLGUARD_DRIFT_ONLINE_KSWIN_HPP
#define MLGUARD_DRIFT_ONLINE_KSWIN_HPP

// KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), as River
// implements it (river.drift.KSWIN, River 0.26): a sliding window of
// window_size values; once full, at every update stat_size values are drawn
// at random from its older window_size − stat_size values and compared with
// its stat_size most recent values by scipy.stats.ks_2samp (method "auto",
// two-sided; here mlguard::stats::ks_2samp_sorted, which matches scipy
// 1.10); drift when p ≤ alpha and the statistic exceeds 0.1. The draws come
// from a kswin_sampler, by default CPython's random.Random(seed).sample, so
// the same seed gives River's detections (tests/drift/online/kswin.test.cpp).
// Update, reset and persistence: detector_base.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/online/detector_base.hpp"
#include "mlguard/drift/online/kswin_sampler.hpp"

namespace mlguard::drift::online {

/// KSWIN's settings; defaults are River's. Ranges and meanings: kswin::option_table().
struct kswin_options {
  double alpha = 0.005;
  std::size_t window_size = 100;
  std::size_t stat_size = 30;
  /// Seed of the default sampler (River's seed); without one, a seed is
  /// drawn once from std::random_device and kept across resets.
  std::optional<std::uint64_t> seed;
};

/// KSWIN drift detector (River's river.drift.KSWIN). Memory, allocated at
/// construction: the window, sorted copies of its two parts (kept sorted
/// incrementally, so no update sorts) and scratch for the test, about
/// 26·window_size + 48·stat_size bytes; update() never allocates
/// (stat_size ≤ 10000 keeps ks_2samp on its exact, equal-size path, which
/// needs no buffer).
template <class = void> // deferred: see core/json.hpp
class basic_kswin : public detector_base<basic_kswin<>, kswin_options> {
public:
  static constexpr std::string_view name = "kswin";                    ///< in saved states
  static constexpr std::string_view river_class = "river.drift.KSWIN"; ///< what it ports
  static constexpr bool warns = false;                                 ///< drift only

  /// The parameters: name, field, range, meaning (River's names); besides,
  /// window_size ≥ 2·stat_size.
  static constexpr auto option_table() {
    return std::make_tuple(
        option("alpha", &kswin_options::alpha, closed(0, 1), "p-value threshold of the KS test"),
        option("window_size", &kswin_options::window_size, closed(2, 4294967296.0),
               "length of the sliding window; at least 2 * stat_size"),
        option("stat_size", &kswin_options::stat_size, closed(1, 10000),
               "size of both samples of the KS test"),
        option("seed", &kswin_options::seed,
               "seed of Python's random.Random for the draws; none: a random one"));
  }

  /// Uses `sampler` to draw the reference indices, or, when null,
  /// python_random_sampler(seed). Throws drift_error
  /// mlguard.drift.invalid_option when a setting is outside its range
  /// (option_table()) or window_size < 2·stat_size (River's sample() needs
  /// the older part to hold stat_size values).
  explicit basic_kswin(const kswin_options& options = {},
                       std::unique_ptr<kswin_sampler> sampler = nullptr);

  /// A deep copy (the sampler is cloned).
  basic_kswin(const basic_kswin& other)
      : detector_base(other), sampler_(other.sampler_->clone()), window_(other.window_),
        head_(other.head_), size_(other.size_), n_(other.n_), p_value_(other.p_value_),
        statistic_(other.statistic_), indices_(other.indices_), reference_(other.reference_),
        older_sorted_(other.older_sorted_), recent_sorted_(other.recent_sorted_),
        selected_(other.selected_), sorted_valid_(other.sorted_valid_), scratch_(other.scratch_) {}
  basic_kswin& operator=(const basic_kswin& other);
  basic_kswin(basic_kswin&&) noexcept = default;
  basic_kswin& operator=(basic_kswin&&) noexcept = default;
  ~basic_kswin() = default;

  double p_value() const noexcept { return p_value_; }     ///< of the last test (River's p_value)
  double statistic() const noexcept { return statistic_; } ///< KS statistic of the last test
  std::uint64_t n() const noexcept { return n_; }          ///< observations since reset
  std::size_t window_length() const noexcept { return size_; } ///< values in the window
  /// The i-th value of the window, oldest first (i < window_length()).
  double window_value(std::size_t i) const noexcept { return at(i); }
  const kswin_sampler& sampler() const noexcept { return *sampler_; } ///< the sampler

  /// Restores what to_json() wrote, with `sampler` (null: the default
  /// python_random_sampler) restored from the stored sampler state. Throws
  /// format_error as detector_base::from_json.
  static basic_kswin from_json(const json& document, std::string_view source = name,
                               std::unique_ptr<kswin_sampler> sampler = nullptr);

  /// Reads a detector saved by save(), with `sampler` as in from_json.
  /// Throws io_error (mlguard.io.open_failed, read_failed) and the
  /// format_errors of from_json.
  static basic_kswin load(const std::string& path,
                          std::unique_ptr<kswin_sampler> sampler = nullptr);

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept;
  // "state": {"n", "window" (oldest first), "p_value", "statistic",
  // "sampler" (the sampler's to_json())}.
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  double at(std::size_t i) const noexcept;
  std::size_t slot_of(std::size_t i) const noexcept;

  void push(double x) noexcept;

  // Sorted copies of the window's two parts, kept up to date per update so
  // that no update sorts (KSWIN's cost is otherwise dominated by sorting).
  struct entry {
    double value;
    std::size_t slot;
  };
  void rebuild_sorted() noexcept;
  void erase_older(double value, std::size_t slot) noexcept;
  void insert_older(double value, std::size_t slot) noexcept;
  void erase_recent(double value) noexcept;
  void insert_recent(double value) noexcept;

  std::unique_ptr<kswin_sampler> sampler_;
  std::vector<double> window_; // ring buffer, oldest at head_
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint64_t n_ = 0;
  double p_value_ = 0.0;
  double statistic_ = 0.0;
  // Scratch for update(), sized at construction.
  std::vector<std::size_t> indices_;
  std::vector<double> reference_;
  std::vector<entry> older_sorted_;     // the older part, ascending, with ring slots
  std::vector<double> recent_sorted_;   // the stat_size most recent values, ascending
  std::vector<std::uint16_t> selected_; // per ring slot: times drawn (zero between updates)
  bool sorted_valid_ = false;
  std::vector<double> scratch_;
};

/// The type to name (a class template only so that its bodies compile where used).
using kswin = basic_kswin<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <random>

#include "mlguard/stats/ks.hpp"

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE basic_kswin<V>::basic_kswin(const kswin_options& options,
                                           std::unique_ptr<kswin_sampler> sampler)
    : detector_base(options), sampler_(std::move(sampler)) {
  detail::require_option(options_.window_size / 2 >= options_.stat_size, name,
                         "window_size must be at least 2 * stat_size");
  if (!sampler_) {
    std::uint64_t seed = 0;
    if (options_.seed) {
      seed = *options_.seed;
    } else {
      std::random_device device;
      seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
    }
    sampler_ = std::make_unique<python_random_sampler>(seed);
  }
  sampler_->prepare(options_.window_size - options_.stat_size, options_.stat_size);
  window_.assign(options_.window_size, 0.0);
  indices_.assign(options_.stat_size, 0);
  reference_.assign(options_.stat_size + 1, 0.0);
  older_sorted_.assign(options_.window_size - options_.stat_size, entry{0.0, 0});
  recent_sorted_.assign(options_.stat_size, 0.0);
  selected_.assign(options_.window_size, 0);
  scratch_.assign(3 * options_.stat_size + 16, 0.0);
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::operator=(const basic_kswin& other) -> basic_kswin& {
  if (this != &other) {
    basic_kswin copy(other);
    *this = std::move(copy);
  }
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::from_json(const json& document, std::string_view source,
                                              std::unique_ptr<kswin_sampler> sampler)
    -> basic_kswin {
  const json_reader r = open_document(document, source);
  basic_kswin d = restore(r, [&](kswin_options options) {
    // Unseeded: the seed drawn then is in the stored sampler state; seed 0
    // here only avoids drawing another one.
    const bool unseeded = !options.seed;
    if (unseeded && !sampler) {
      options.seed = 0;
    }
    basic_kswin k(options, std::move(sampler));
    if (unseeded) {
      k.options_.seed.reset();
    }
    return k;
  });
  d.read_common_state(r.object("state"));
  return d;
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::load(const std::string& path,
                                         std::unique_ptr<kswin_sampler> sampler) -> basic_kswin {
  return from_json(load_json(path), path, std::move(sampler));
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::step(double x) noexcept -> void {
  ++n_;
  push(x);
  if (size_ < options_.window_size) {
    drift_ = false;
    return;
  }
  if (!sorted_valid_) {
    rebuild_sorted();
  }
  const std::size_t older = options_.window_size - options_.stat_size;
  const std::size_t k = options_.stat_size;
  sampler_->sample(older, span<std::size_t>(indices_.data(), indices_.size()));
  // The drawn values, in ascending order, without sorting them: mark the
  // drawn slots, then read the sorted older part in order.
  for (std::size_t i = 0; i < k; ++i) {
    ++selected_[slot_of(indices_[i] < older ? indices_[i] : indices_[i] % older)];
  }
  std::size_t m = 0;
  for (std::size_t i = 0; i < older; ++i) {
    const auto& e = older_sorted_[i];
    const std::uint16_t c = selected_[e.slot];
    reference_[m] = e.value; // branch-free: reference_ has one spare entry
    m += c != 0 ? 1 : 0;
    for (std::uint16_t extra = 1; extra < c; ++extra) {
      reference_[m++] = e.value; // a sampler that repeats an index repeats its value
    }
    selected_[e.slot] = 0;
  }
  const auto r = stats::ks_2samp_sorted(
      span<const double>(reference_.data(), k), span<const double>(recent_sorted_.data(), k),
      stats::alternative::two_sided, stats::ks_method::automatic, scratch_);
  p_value_ = r.p_value;
  statistic_ = r.statistic;
  drift_ = p_value_ <= options_.alpha && statistic_ > 0.1;
  if (drift_) {
    // River keeps only the most recent values (until the reset at the next update).
    for (std::size_t i = 0; i < k; ++i) {
      reference_[i] = at(older + i);
    }
    for (std::size_t i = 0; i < k; ++i) {
      window_[i] = reference_[i];
    }
    head_ = 0;
    size_ = k;
    sorted_valid_ = false;
  }
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::clear() noexcept -> void {
  head_ = size_ = 0;
  sorted_valid_ = false;
  n_ = 0;
  p_value_ = 0.0;
  statistic_ = 0.0;
  sampler_->restart();
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::write_state(json& s) const -> void {
  json window = json::array();
  for (std::size_t i = 0; i < size_; ++i) {
    window.push_back(json_number(at(i)));
  }
  s["n"] = n_;
  s["window"] = std::move(window);
  s["p_value"] = json_number(p_value_);
  s["statistic"] = json_number(statistic_);
  s["sampler"] = sampler_->to_json();
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"n", "window", "p_value", "statistic", "sampler"});
  n_ = s.count("n");
  const std::vector<double> window = s.numbers("window");
  if (window.size() > options_.window_size || window.size() > n_) {
    s.fail("window", "holds more values than window_size or n");
  }
  for (std::size_t i = 0; i < window.size(); ++i) {
    if (!std::isfinite(window[i])) {
      s.fail("window", "expected finite numbers");
    }
    window_[i] = window[i];
  }
  head_ = 0;
  size_ = window.size();
  sorted_valid_ = false;
  p_value_ = s.number("p_value");
  statistic_ = s.number("statistic");
  const json_reader sampler = s.object("sampler");
  sampler_->restore(sampler.value(), sampler.where());
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::at(std::size_t i) const noexcept -> double {
  std::size_t k = head_ + i;
  if (k >= options_.window_size) {
    k -= options_.window_size;
  }
  return window_[k];
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::slot_of(std::size_t i) const noexcept -> std::size_t {
  const std::size_t k = head_ + i;
  return k >= options_.window_size ? k - options_.window_size : k;
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::push(double x) noexcept -> void {
  if (size_ < options_.window_size) {
    window_[slot_of(size_)] = x;
    ++size_;
    sorted_valid_ = false;
    return;
  }
  if (sorted_valid_) {
    // The oldest value leaves, the oldest recent one joins the older part.
    const std::size_t older = options_.window_size - options_.stat_size;
    const std::size_t mid = slot_of(older);
    erase_older(window_[head_], head_);
    erase_recent(window_[mid]);
    insert_older(window_[mid], mid);
    insert_recent(x);
  }
  window_[head_] = x; // overwrite the oldest
  head_ = head_ + 1 == options_.window_size ? 0 : head_ + 1;
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::rebuild_sorted() noexcept -> void {
  const std::size_t older = options_.window_size - options_.stat_size;
  for (std::size_t i = 0; i < older; ++i) {
    older_sorted_[i] = {at(i), slot_of(i)};
  }
  std::sort(older_sorted_.begin(), older_sorted_.end(),
            [](const entry& a, const entry& b) { return a.value < b.value; });
  for (std::size_t i = 0; i < options_.stat_size; ++i) {
    recent_sorted_[i] = at(older + i);
  }
  std::sort(recent_sorted_.begin(), recent_sorted_.end());
  sorted_valid_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::erase_older(double value, std::size_t slot) noexcept -> void {
  auto it = std::lower_bound(older_sorted_.begin(), older_sorted_.end(), value,
                             [](const entry& e, double v) { return e.value < v; });
  while (it != older_sorted_.end() && it->slot != slot) {
    ++it;
  }
  if (it != older_sorted_.end()) {
    std::copy(it + 1, older_sorted_.end(), it);
  }
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::insert_older(double value, std::size_t slot) noexcept -> void {
  // The last entry is free after erase_older.
  auto it = std::upper_bound(older_sorted_.begin(), older_sorted_.end() - 1, value,
                             [](double v, const entry& e) { return v < e.value; });
  std::copy_backward(it, older_sorted_.end() - 1, older_sorted_.end());
  *it = {value, slot};
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::erase_recent(double value) noexcept -> void {
  auto it = std::lower_bound(recent_sorted_.begin(), recent_sorted_.end(), value);
  if (it != recent_sorted_.end()) {
    std::copy(it + 1, recent_sorted_.end(), it);
  }
}

template <class V>
MLGUARD_INLINE auto basic_kswin<V>::insert_recent(double value) noexcept -> void {
  auto it = std::upper_bound(recent_sorted_.begin(), recent_sorted_.end() - 1, value);
  std::copy_backward(it, recent_sorted_.end() - 1, recent_sorted_.end());
  *it = value;
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_KSWIN_HPP

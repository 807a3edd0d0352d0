#ifndef MLGUARD_DRIFT_ONLINE_KSWIN_HPP
#define MLGUARD_DRIFT_ONLINE_KSWIN_HPP

// KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), as River
// implements it (river.drift.KSWIN): a sliding window of window_size values;
// once full, at every update stat_size values are drawn at random from its
// older window_size − stat_size values and compared with its stat_size most
// recent values by scipy.stats.ks_2samp (method "auto", two-sided; here
// mlguard::stats::ks_2samp, which matches scipy 1.10); drift when
// p ≤ alpha and the statistic exceeds 0.1. The draws come from a
// kswin_sampler, by default CPython's random.Random(seed).sample, so the
// same seed gives River's detections (tests/drift/online/kswin.test.cpp).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"
#include "mlguard/drift/online/kswin_sampler.hpp"
#include "mlguard/stats/ks.hpp"

namespace mlguard::drift::online {

/// KSWIN's parameters; defaults are River's.
struct kswin_options {
  double alpha = 0.005;          ///< p-value threshold, in [0, 1]
  std::size_t window_size = 100; ///< sliding window length, ≥ 2·stat_size
  std::size_t stat_size = 30;    ///< size of both KS samples, in [1, 10000]
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
class kswin {
public:
  /// Uses `sampler` to draw the reference indices, or, when null,
  /// python_random_sampler(seed). Throws drift_error
  /// mlguard.drift.bad_parameter unless 0 ≤ alpha ≤ 1, 1 ≤ stat_size ≤ 10000
  /// and window_size ≥ 2·stat_size (River's sample() needs the older part to
  /// hold stat_size values).
  explicit kswin(const kswin_options& params = {}, std::unique_ptr<kswin_sampler> sampler = nullptr)
      : params_(params), sampler_(std::move(sampler)) {
    detail::require_parameter(params.alpha >= 0.0 && params.alpha <= 1.0, "kswin",
                              "alpha must be in [0, 1]");
    detail::require_parameter(params.stat_size >= 1 && params.stat_size <= 10000, "kswin",
                              "stat_size must be in [1, 10000]");
    detail::require_parameter(params.window_size / 2 >= params.stat_size, "kswin",
                              "window_size must be at least 2 * stat_size");
    if (!sampler_) {
      std::uint64_t seed = 0;
      if (params.seed) {
        seed = *params.seed;
      } else {
        std::random_device device;
        seed = (static_cast<std::uint64_t>(device()) << 32) ^ device();
      }
      sampler_ = std::make_unique<python_random_sampler>(seed);
    }
    sampler_->prepare(params.window_size - params.stat_size, params.stat_size);
    window_.assign(params.window_size, 0.0);
    indices_.assign(params.stat_size, 0);
    reference_.assign(params.stat_size + 1, 0.0);
    older_sorted_.assign(params.window_size - params.stat_size, entry{0.0, 0});
    recent_sorted_.assign(params.stat_size, 0.0);
    selected_.assign(params.window_size, 0);
    scratch_.assign(3 * params.stat_size + 16, 0.0);
  }

  /// A deep copy (the sampler is cloned).
  kswin(const kswin& other)
      : params_(other.params_), sampler_(other.sampler_->clone()), window_(other.window_),
        head_(other.head_), size_(other.size_), n_(other.n_), p_value_(other.p_value_),
        statistic_(other.statistic_), ignored_(other.ignored_), drift_(other.drift_),
        indices_(other.indices_), reference_(other.reference_), older_sorted_(other.older_sorted_),
        recent_sorted_(other.recent_sorted_), selected_(other.selected_),
        sorted_valid_(other.sorted_valid_), scratch_(other.scratch_) {}
  kswin& operator=(const kswin& other) {
    if (this != &other) {
      kswin copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  kswin(kswin&&) noexcept = default;
  kswin& operator=(kswin&&) noexcept = default;
  ~kswin() = default;

  /// Adds x to the window; once it is full, runs the KS test. Non-finite x
  /// is ignored (counted in ignored_count(); returns none).
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
    ++n_;
    push(x);
    if (size_ < params_.window_size) {
      drift_ = false;
      return detector_state::none;
    }
    if (!sorted_valid_) {
      rebuild_sorted();
    }
    const std::size_t older = params_.window_size - params_.stat_size;
    const std::size_t k = params_.stat_size;
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
    drift_ = p_value_ <= params_.alpha && statistic_ > 0.1;
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
    return state();
  }

  /// The verdict of the last accepted update.
  detector_state state() const noexcept {
    return drift_ ? detector_state::drift : detector_state::none;
  }
  bool drift_detected() const noexcept { return drift_; } ///< River's drift_detected
  /// Empties the window and restarts the sampler (River's _reset); keeps ignored_count().
  void reset() noexcept {
    head_ = size_ = 0;
    sorted_valid_ = false;
    n_ = 0;
    p_value_ = 0.0;
    statistic_ = 0.0;
    drift_ = false;
    sampler_->restart();
  }
  double p_value() const noexcept { return p_value_; }     ///< of the last test (River's p_value)
  double statistic() const noexcept { return statistic_; } ///< KS statistic of the last test
  std::uint64_t n() const noexcept { return n_; }          ///< observations since reset
  std::size_t window_length() const noexcept { return size_; } ///< values in the window
  /// The i-th value of the window, oldest first (i < window_length()).
  double window_value(std::size_t i) const noexcept { return at(i); }
  std::uint64_t ignored_count() const noexcept { return ignored_; }   ///< non-finite inputs
  const kswin_options& params() const noexcept { return params_; }     ///< the parameters
  const kswin_sampler& sampler() const noexcept { return *sampler_; } ///< the sampler

  /// The full state (envelope of detector_state.hpp, "detector": "kswin"):
  /// params {"alpha", "window_size", "stat_size", "seed" (null when none)},
  /// state {"n", "window" (oldest first), "p_value", "statistic", "drift",
  /// "ignored", "sampler" (the sampler's to_json())}.
  json to_json() const {
    json params{{"alpha", params_.alpha},
                {"window_size", params_.window_size},
                {"stat_size", params_.stat_size},
                {"seed", params_.seed ? json(*params_.seed) : json(nullptr)}};
    json window = json::array();
    for (std::size_t i = 0; i < size_; ++i) {
      window.push_back(at(i));
    }
    json state{{"n", n_},
               {"window", std::move(window)},
               {"p_value", p_value_},
               {"statistic", statistic_},
               {"drift", drift_},
               {"ignored", ignored_},
               {"sampler", sampler_->to_json()}};
    return detail::envelope("kswin", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote, with `sampler` (null: the default
  /// python_random_sampler) restored from the stored sampler state. Throws
  /// format_error mlguard.format.corrupt (missing, ill-typed or inconsistent
  /// fields, bad parameters), unknown_field, wrong_kind, newer_version.
  static kswin from_json(const json& document, std::string_view source = "kswin",
                         std::unique_ptr<kswin_sampler> sampler = nullptr) {
    detail::open_envelope(document, "kswin", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params",
                            {"alpha", "window_size", "stat_size", "seed"});
    kswin_options params;
    params.alpha = p.number("alpha");
    params.window_size = static_cast<std::size_t>(p.count("window_size", std::size_t{1} << 40));
    params.stat_size = static_cast<std::size_t>(p.count("stat_size", std::size_t{1} << 40));
    if (!p.field("seed").is_null()) {
      params.seed = p.count("seed");
    } else if (!sampler) {
      params.seed = 0; // the stored sampler state carries the drawn seed
    }
    std::optional<kswin> restored;
    try {
      restored.emplace(params, std::move(sampler));
    } catch (const drift_error& e) {
      throw format_error("corrupt", src + ".params: " + std::string(e.message()));
    }
    kswin& d = *restored;
    if (p.field("seed").is_null()) {
      d.params_.seed.reset();
    }
    detail::object_reader s(document["state"], src + ".state",
                            {"n", "window", "p_value", "statistic", "drift", "ignored", "sampler"});
    d.n_ = s.count("n");
    const json& window = s.array("window");
    if (window.size() > params.window_size || window.size() > d.n_) {
      s.fail("\"window\" holds more values than window_size or n");
    }
    for (std::size_t i = 0; i < window.size(); ++i) {
      if (!window[i].is_number() || !std::isfinite(window[i].get<double>())) {
        s.fail("\"window\" must hold finite numbers");
      }
      d.window_[i] = window[i].get<double>();
    }
    d.head_ = 0;
    d.size_ = window.size();
    d.sorted_valid_ = false;
    d.p_value_ = s.number("p_value");
    d.statistic_ = s.number("statistic");
    d.drift_ = s.flag("drift");
    d.ignored_ = s.count("ignored");
    d.sampler_->restore(s.field("sampler"), src + ".state.sampler");
    return std::move(d);
  }

private:
  double at(std::size_t i) const noexcept {
    std::size_t k = head_ + i;
    if (k >= params_.window_size) {
      k -= params_.window_size;
    }
    return window_[k];
  }
  std::size_t slot_of(std::size_t i) const noexcept {
    const std::size_t k = head_ + i;
    return k >= params_.window_size ? k - params_.window_size : k;
  }

  void push(double x) noexcept {
    if (size_ < params_.window_size) {
      window_[slot_of(size_)] = x;
      ++size_;
      sorted_valid_ = false;
      return;
    }
    if (sorted_valid_) {
      // The oldest value leaves, the oldest recent one joins the older part.
      const std::size_t older = params_.window_size - params_.stat_size;
      const std::size_t mid = slot_of(older);
      erase_older(window_[head_], head_);
      erase_recent(window_[mid]);
      insert_older(window_[mid], mid);
      insert_recent(x);
    }
    window_[head_] = x; // overwrite the oldest
    head_ = head_ + 1 == params_.window_size ? 0 : head_ + 1;
  }

  // Sorted copies of the window's two parts, kept up to date per update so
  // that no update sorts (KSWIN's cost is otherwise dominated by sorting).
  struct entry {
    double value;
    std::size_t slot;
  };
  void rebuild_sorted() noexcept {
    const std::size_t older = params_.window_size - params_.stat_size;
    for (std::size_t i = 0; i < older; ++i) {
      older_sorted_[i] = {at(i), slot_of(i)};
    }
    std::sort(older_sorted_.begin(), older_sorted_.end(),
              [](const entry& a, const entry& b) { return a.value < b.value; });
    for (std::size_t i = 0; i < params_.stat_size; ++i) {
      recent_sorted_[i] = at(older + i);
    }
    std::sort(recent_sorted_.begin(), recent_sorted_.end());
    sorted_valid_ = true;
  }
  void erase_older(double value, std::size_t slot) noexcept {
    auto it = std::lower_bound(older_sorted_.begin(), older_sorted_.end(), value,
                               [](const entry& e, double v) { return e.value < v; });
    while (it != older_sorted_.end() && it->slot != slot) {
      ++it;
    }
    if (it != older_sorted_.end()) {
      std::copy(it + 1, older_sorted_.end(), it);
    }
  }
  void insert_older(double value, std::size_t slot) noexcept {
    // The last entry is free after erase_older.
    auto it = std::upper_bound(older_sorted_.begin(), older_sorted_.end() - 1, value,
                               [](double v, const entry& e) { return v < e.value; });
    std::copy_backward(it, older_sorted_.end() - 1, older_sorted_.end());
    *it = {value, slot};
  }
  void erase_recent(double value) noexcept {
    auto it = std::lower_bound(recent_sorted_.begin(), recent_sorted_.end(), value);
    if (it != recent_sorted_.end()) {
      std::copy(it + 1, recent_sorted_.end(), it);
    }
  }
  void insert_recent(double value) noexcept {
    auto it = std::upper_bound(recent_sorted_.begin(), recent_sorted_.end() - 1, value);
    std::copy_backward(it, recent_sorted_.end() - 1, recent_sorted_.end());
    *it = value;
  }

  kswin_options params_;
  std::unique_ptr<kswin_sampler> sampler_;
  std::vector<double> window_; // ring buffer, oldest at head_
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint64_t n_ = 0;
  double p_value_ = 0.0;
  double statistic_ = 0.0;
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  // Scratch for update(), sized at construction.
  std::vector<std::size_t> indices_;
  std::vector<double> reference_;
  std::vector<entry> older_sorted_;     // the older part, ascending, with ring slots
  std::vector<double> recent_sorted_;   // the stat_size most recent values, ascending
  std::vector<std::uint16_t> selected_; // per ring slot: times drawn (zero between updates)
  bool sorted_valid_ = false;
  std::vector<double> scratch_;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_KSWIN_HPP

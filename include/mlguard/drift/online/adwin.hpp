#ifndef MLGUARD_DRIFT_ONLINE_ADWIN_HPP
#define MLGUARD_DRIFT_ONLINE_ADWIN_HPP

// ADWIN, adaptive windowing (Bifet & Gavaldà 2007), as River implements it
// (river.drift.ADWIN, River 0.22 to 0.26: the MOA-compliant scan of 0.22,
// in Rust since 0.25 with bit-identical output): an exponential histogram
// of buckets; every `clock` updates, once the window holds more than
// `grace_period` values, every cut between two bucket entries — every entry
// of every row, River issue #1614 — is tested with the variance-aware
// Hoeffding bound, and the oldest bucket is dropped while a cut fails.
// Arithmetic follows River's order operation for operation, so the
// detections are River's (tests/drift/online/adwin.test.cpp).
// Bit-for-bit parity assumes no floating-point contraction into FMA
// (the default for x86-64 builds without -march=...; else -ffp-contract=off).
// Update, reset and persistence: detector_base.hpp.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// ADWIN's settings; defaults are River's. Ranges and meanings: adwin::option_table().
struct adwin_options {
  double delta = 0.002;
  std::uint32_t clock = 32;
  std::uint32_t max_buckets = 5;
  std::uint32_t min_window_length = 5;
  std::uint32_t grace_period = 10;
};

/// ADWIN drift detector (River's river.drift.ADWIN). Memory is fixed at
/// construction: 64 rows of max_buckets + 1 entries (about 6 KB with the
/// defaults), enough for 5·2^64 observations; update() never allocates.
template <class = void> // deferred: see core/json.hpp
class basic_adwin : public detector_base<basic_adwin<>, adwin_options> {
public:
  static constexpr std::string_view name = "adwin";                    ///< in saved states
  static constexpr std::string_view river_class = "river.drift.ADWIN"; ///< what it ports
  static constexpr bool warns = false;                                 ///< drift only
  /// Rows of the histogram: row i holds buckets of 2^i observations.
  static constexpr std::size_t max_rows = 64;

  /// The parameters: name, field, range, meaning (River's names).
  static constexpr auto option_table() {
    return std::make_tuple(
        option("delta", &adwin_options::delta, open_closed(0, 1), "confidence of the cut test"),
        option("clock", &adwin_options::clock, at_least(1),
               "test for change every `clock` updates"),
        option("max_buckets", &adwin_options::max_buckets, closed(1, 1024),
               "entries per histogram row before two merge"),
        option("min_window_length", &adwin_options::min_window_length, at_least(1),
               "minimum length of each sub-window of a cut"),
        option("grace_period", &adwin_options::grace_period, at_least(0),
               "no test until the window is longer than this"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()).
  explicit basic_adwin(const adwin_options& options = {});

  /// Number of observations in the window (River's width).
  double width() const noexcept { return width_; }
  /// Sum of the observations in the window (River's total).
  double total() const noexcept { return total_; }
  /// Sum of squared deviations in the window (River's variance).
  double variance() const noexcept { return variance_; }
  /// Mean of the window, 0 when empty (River's estimation).
  double estimation() const noexcept { return width_ == 0.0 ? 0.0 : total_ / width_; }
  /// Cuts made since the last reset (River's n_detections).
  std::uint64_t n_detections() const noexcept { return n_detections_; }

private:
  friend detector_base;

  void step(double x) noexcept;

  // "state": {"width", "total", "variance", "total_width", "tick", "n_buckets",
  // "max_n_buckets", "n_detections", "rows": [[[total, variance], ...], ...]}
  // (row i: the buckets of 2^i observations, oldest first).
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  double* totals(std::size_t row) noexcept { return totals_.data() + row * stride_; }
  double* variances(std::size_t row) noexcept { return variances_.data() + row * stride_; }

  void clear() noexcept;

  void insert_data(std::size_t row, double total, double variance) noexcept;

  // Drops the first n entries of a row, shifting the rest to the front.
  void compress(std::size_t row, std::uint32_t n) noexcept;

  void insert_element(double value) noexcept;

  double delete_element() noexcept;

  void compress_buckets() noexcept;

  bool detect_change() noexcept;

  bool evaluate_cut(double n0, double n1, double delta_mean, double delta_prime,
                    double variance_in_window) const noexcept;

  std::size_t stride_ = 6;
  std::vector<double> totals_;    // max_rows × stride_, row-major
  std::vector<double> variances_; // idem
  std::array<std::uint32_t, max_rows> count_{};
  std::size_t rows_ = 1;
  double total_ = 0.0;
  double variance_ = 0.0;
  double width_ = 0.0;
  double total_width_ = 0.0;
  std::uint64_t n_buckets_ = 0;
  std::uint64_t max_n_buckets_ = 0;
  std::uint64_t tick_ = 0;
  std::uint64_t n_detections_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using adwin = basic_adwin<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE basic_adwin<V>::basic_adwin(const adwin_options& options) : detector_base(options) {
  stride_ = options_.max_buckets + 1;
  totals_.assign(max_rows * stride_, 0.0);
  variances_.assign(max_rows * stride_, 0.0);
  clear();
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::step(double x) noexcept -> void {
  insert_element(x);
  drift_ = detect_change();
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::write_state(json& s) const -> void {
  json rows = json::array();
  for (std::size_t r = 0; r < rows_; ++r) {
    json row = json::array();
    for (std::size_t k = 0; k < count_[r]; ++k) {
      json entry = json::array();
      entry.push_back(json_number(totals_[r * stride_ + k]));
      entry.push_back(json_number(variances_[r * stride_ + k]));
      row.push_back(std::move(entry));
    }
    rows.push_back(std::move(row));
  }
  s["width"] = json_number(width_);
  s["total"] = json_number(total_);
  s["variance"] = json_number(variance_);
  s["total_width"] = json_number(total_width_);
  s["tick"] = tick_;
  s["n_buckets"] = n_buckets_;
  s["max_n_buckets"] = max_n_buckets_;
  s["n_detections"] = n_detections_;
  s["rows"] = std::move(rows);
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"width", "total", "variance", "total_width", "tick", "n_buckets",
                         "max_n_buckets", "n_detections", "rows"});
  width_ = s.finite("width");
  total_ = state_number(s, "total");
  variance_ = state_number(s, "variance");
  total_width_ = s.finite("total_width");
  tick_ = s.count("tick");
  n_buckets_ = s.count("n_buckets");
  max_n_buckets_ = s.count("max_n_buckets");
  n_detections_ = s.count("n_detections");
  const json& rows = s.array("rows");
  if (rows.empty() || rows.size() > max_rows) {
    s.fail("rows", "expected 1 to 64 rows");
  }
  rows_ = rows.size();
  double width = 0.0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const std::string at = "rows[" + std::to_string(r) + "]";
    const json& row = rows[r];
    if (!row.is_array() || row.size() > options_.max_buckets) {
      s.fail(at, "expected an array of at most max_buckets entries");
    }
    count_[r] = static_cast<std::uint32_t>(row.size());
    for (std::size_t k = 0; k < row.size(); ++k) {
      const json& e = row[k];
      double total = 0.0;
      double variance = 0.0;
      // Not required finite: sums of values near ±1e308 overflow (state_number).
      if (!e.is_array() || e.size() != 2 || !read_json_number(e[0], total) ||
          !read_json_number(e[1], variance)) {
        s.fail(at + "[" + std::to_string(k) + "]", "expected [total, variance]");
      }
      totals_[r * stride_ + k] = total;
      variances_[r * stride_ + k] = variance;
    }
    width += std::ldexp(static_cast<double>(row.size()), static_cast<int>(r));
  }
  // The top row is never empty (delete_element drops it when it empties):
  // dropping from an empty one would shift a row of -1 entries.
  if (rows_ > 1 && count_[rows_ - 1] == 0) {
    s.fail("rows", "the last row is empty");
  }
  // (River's n_buckets counts insertions, not entries: it is not checked.)
  if (width != width_) {
    s.fail("rows", "the buckets do not add up to \"width\"");
  }
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::clear() noexcept -> void {
  std::fill(totals_.begin(), totals_.end(), 0.0);
  std::fill(variances_.begin(), variances_.end(), 0.0);
  count_.fill(0);
  rows_ = 1;
  total_ = variance_ = width_ = total_width_ = 0.0;
  n_buckets_ = max_n_buckets_ = tick_ = n_detections_ = 0;
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::insert_data(std::size_t row, double total,
                                                double variance) noexcept -> void {
  totals(row)[count_[row]] = total;
  variances(row)[count_[row]] = variance;
  ++count_[row];
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::compress(std::size_t row, std::uint32_t n) noexcept -> void {
  double* t = totals(row);
  double* v = variances(row);
  const std::uint32_t remaining = count_[row] - n;
  for (std::uint32_t i = 0; i < remaining; ++i) {
    t[i] = t[i + n];
    v[i] = v[i + n];
  }
  for (std::uint32_t i = remaining; i < count_[row]; ++i) {
    t[i] = 0.0;
    v[i] = 0.0;
  }
  count_[row] = remaining;
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::insert_element(double value) noexcept -> void {
  insert_data(0, value, 0.0);
  ++n_buckets_;
  if (n_buckets_ > max_n_buckets_) {
    max_n_buckets_ = n_buckets_;
  }
  width_ += 1.0;
  double incremental_variance = 0.0;
  if (width_ > 1.0) {
    const double d = value - total_ / (width_ - 1.0);
    incremental_variance = (width_ - 1.0) * d * d / width_;
  }
  variance_ += incremental_variance;
  total_ += value;
  compress_buckets();
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::delete_element() noexcept -> double {
  const std::size_t last = rows_ - 1;
  const double n = std::ldexp(1.0, static_cast<int>(last));
  const double u = totals(last)[0];
  const double v = variances(last)[0];
  const double mu = u / n;
  width_ -= n;
  total_ -= u;
  const double mu_window = total_ / width_;
  const double inc = v + n * width_ * (mu - mu_window) * (mu - mu_window) / (n + width_);
  variance_ -= inc;
  compress(last, 1);
  --n_buckets_;
  if (count_[last] == 0 && rows_ > 1) {
    --rows_;
  }
  return n;
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::compress_buckets() noexcept -> void {
  const std::uint32_t full = options_.max_buckets + 1;
  for (std::size_t idx = 0;; ++idx) {
    if (count_[idx] != full) {
      break;
    }
    if (idx + 1 == max_rows) {
      // 5·2^64 observations: the top row cannot grow, so its oldest goes.
      delete_element();
      break;
    }
    const double n1 = std::ldexp(1.0, static_cast<int>(idx));
    const double t0 = totals(idx)[0];
    const double t1 = totals(idx)[1];
    const double v0 = variances(idx)[0];
    const double v1 = variances(idx)[1];
    const double mu1 = t0 / n1;
    const double mu2 = t1 / n1;
    const double total12 = t0 + t1;
    const double temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
    const double v12 = v0 + v1 + temp;
    if (idx + 1 >= rows_) {
      rows_ = idx + 2;
      count_[idx + 1] = 0;
    }
    insert_data(idx + 1, total12, v12);
    ++n_buckets_;
    compress(idx, 2);
    if (count_[idx + 1] <= options_.max_buckets) {
      break;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::detect_change() noexcept -> bool {
  bool change_detected = false;
  ++tick_;
  const auto min_len = static_cast<double>(options_.min_window_length);
  if (tick_ % options_.clock == 0 && width_ > static_cast<double>(options_.grace_period)) {
    bool reduce_width = true;
    while (reduce_width) {
      reduce_width = false;
      double n0 = 0.0;
      double n1 = width_;
      double u0 = 0.0;
      double u1 = total_;
      bool cut = false;
      // Constant while the window is: computed once per pass (same values
      // River computes at every cut).
      const double delta_prime = std::log(2.0 * std::log(width_) / options_.delta);
      const double variance_in_window = variance_ / width_;
      // Oldest row first; every entry of every row is a candidate cut.
      for (std::size_t idx = rows_; idx-- > 0 && !cut;) {
        const double bucket_size = std::ldexp(1.0, static_cast<int>(idx));
        const std::uint32_t entries = count_[idx];
        for (std::uint32_t k = 0; k < entries; ++k) {
          n0 += bucket_size;
          n1 -= bucket_size;
          const double t = totals(idx)[k];
          u0 += t;
          u1 -= t;
          if (idx == 0 && k == entries - 1) {
            break; // the last cut would leave W1 empty
          }
          const double delta_mean = (u0 / n0) - (u1 / n1);
          if (n1 >= min_len && n0 >= min_len &&
              evaluate_cut(n0, n1, delta_mean, delta_prime, variance_in_window)) {
            reduce_width = true;
            change_detected = true;
            if (width_ > 0.0) {
              delete_element();
              cut = true;
              break;
            }
          }
        }
      }
    }
  }
  total_width_ += width_;
  if (change_detected) {
    ++n_detections_;
  }
  return change_detected;
}

template <class V>
MLGUARD_INLINE auto basic_adwin<V>::evaluate_cut(double n0, double n1, double delta_mean,
                                                 double delta_prime,
                                                 double variance_in_window) const noexcept -> bool {
  const auto min_len = static_cast<double>(options_.min_window_length);
  const double m_recip = 1.0 / (n0 - min_len + 1.0) + 1.0 / (n1 - min_len + 1.0);
  const double epsilon = std::sqrt(2.0 * m_recip * variance_in_window * delta_prime) +
                         2.0 / 3.0 * delta_prime * m_recip;
  return std::fabs(delta_mean) > epsilon;
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_ADWIN_HPP

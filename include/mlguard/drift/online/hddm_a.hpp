#ifndef MLGUARD_DRIFT_ONLINE_HDDM_A_HPP
#define MLGUARD_DRIFT_ONLINE_HDDM_A_HPP

// HDDM_A, drift detection with Hoeffding's bound and a moving-average test
// (Frías-Blanco et al. 2014), as River implements it (river.drift.binary
// .HDDMA in River 0.26, named HDDM_A before River 0.25; after MOA): the
// global mean of the stream is compared with the mean at the cut point
// where mean + Hoeffding bound was smallest (an increase) and, two-sided,
// largest (a decrease). Input: 1 for an error, 0 for a correct prediction
// (any finite number is averaged as River does).
// Update, reset and persistence: detector_base.hpp.

#include <cmath>
#include <cstdint>
#include <string_view>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// HDDM_A's settings; defaults are River's. Ranges and meanings: hddm_a::option_table().
struct hddm_a_options {
  double drift_confidence = 0.001;
  double warning_confidence = 0.005;
  bool two_sided_test = false;
};

/// HDDM_A drift detector (River's river.drift.binary.HDDMA); constant memory.
template <class = void> // deferred: see core/json.hpp
class basic_hddm_a : public detector_base<basic_hddm_a<>, hddm_a_options> {
public:
  static constexpr std::string_view name = "hddm_a";                          ///< in saved states
  static constexpr std::string_view river_class = "river.drift.binary.HDDMA"; ///< what it ports
  static constexpr bool warns = true; ///< has a warning zone

  /// The parameters: name, field, range, meaning (River's names).
  static constexpr auto option_table() {
    return std::make_tuple(option("drift_confidence", &hddm_a_options::drift_confidence,
                                  open_interval(0, 1), "confidence level of the drift test"),
                           option("warning_confidence", &hddm_a_options::warning_confidence,
                                  open_interval(0, 1), "confidence level of the warning test"),
                           option("two_sided_test", &hddm_a_options::two_sided_test,
                                  "also detect decreases of the mean"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()).
  explicit basic_hddm_a(const hddm_a_options& options = {});

  double mean() const noexcept { return z_.mean; } ///< global mean since reset

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept { z_ = x_min_ = x_max_ = {}; }
  // "state": {"z", "x_min", "x_max"}, each {"n", "mean"}; the bounds are recomputed.
  void write_state(json& s) const;
  void read_state(const json_reader& s);

  double hoeffding_bound(double n) const noexcept;
  // River's _mean_incr / _mean_decr at the drift and then the warning
  // confidence: m = (n_z − n_cut) / n_cut · (1 / n_z), ε = sqrt(m / 2 · log(2 / c)),
  // change when `difference` ≥ ε. Returns 2 (drift), 1 (warning) or 0.
  int mean_changed(double cut_n, double difference, double inv_n) const noexcept;

  double log_inv_drift_ = 0.0;
  double log_two_drift_ = 0.0;
  double log_two_warning_ = 0.0;
  double eps_min_ = 0.0;     // hoeffding_bound(x_min_.n)
  double eps_max_ = 0.0;     // hoeffding_bound(x_max_.n)
  detail::river_mean z_;     // the whole stream since the last reset
  detail::river_mean x_min_; // the stream up to the cut for increases
  detail::river_mean x_max_; // the stream up to the cut for decreases
};

/// The type to name (a class template only so that its bodies compile where used).
using hddm_a = basic_hddm_a<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE basic_hddm_a<V>::basic_hddm_a(const hddm_a_options& options)
    : detector_base(options) {
  // The logarithms River takes at every update, computed once (same values).
  log_inv_drift_ = std::log(1.0 / options_.drift_confidence);
  log_two_drift_ = std::log(2.0 / options_.drift_confidence);
  log_two_warning_ = std::log(2.0 / options_.warning_confidence);
}

template <class V>
MLGUARD_INLINE auto basic_hddm_a<V>::step(double x) noexcept -> void {
  // z_.update(x), keeping 1 / n for the bounds below (same arithmetic).
  z_.n += 1.0;
  const double inv_n = 1.0 / z_.n;
  z_.mean += inv_n * (x - z_.mean);
  // Each cut's Hoeffding bound is kept from when the cut was taken (its n
  // does not change until then): the same values River recomputes.
  // 1 / (2n) = 0.5 · (1 / n) exactly (scaling by 2 commutes with rounding).
  const double eps_z = std::sqrt(0.5 * inv_n * log_inv_drift_);
  // River tests the means after moving the cuts; a cut that moves to z
  // then has n_cut = n_z and answers "no change". So the tests can run on
  // the cuts as they were, in parallel with eps_z, and be masked: the same
  // answers with a shorter dependency chain.
  const int incr_if_kept = mean_changed(x_min_.n, z_.mean - x_min_.mean, inv_n);
  const int decr_if_kept = mean_changed(x_max_.n, x_max_.mean - z_.mean, inv_n);
  // Branch-free (the comparisons are unpredictable on noisy streams). A
  // fresh cut (n = 0) is first set to z, which then passes its test.
  const bool take_min = x_min_.n == 0.0 || x_min_.mean + eps_min_ >= z_.mean + eps_z;
  x_min_.n = take_min ? z_.n : x_min_.n;
  x_min_.mean = take_min ? z_.mean : x_min_.mean;
  eps_min_ = take_min ? eps_z : eps_min_;
  const bool take_max = x_max_.n == 0.0 || x_max_.mean - eps_max_ <= z_.mean - eps_z;
  x_max_.n = take_max ? z_.n : x_max_.n;
  x_max_.mean = take_max ? z_.mean : x_max_.mean;
  eps_max_ = take_max ? eps_z : eps_max_;
  const int incr = take_min ? 0 : incr_if_kept;
  warning_ = incr == 1;
  drift_ = incr == 2;
  if (options_.two_sided_test) {
    const int decr = take_max ? 0 : decr_if_kept;
    if (decr == 2) {
      drift_ = true;
    } else if (decr == 1) {
      warning_ = true;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_hddm_a<V>::write_state(json& s) const -> void {
  s["z"] = z_.to_json();
  s["x_min"] = x_min_.to_json();
  s["x_max"] = x_max_.to_json();
}

template <class V>
MLGUARD_INLINE auto basic_hddm_a<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(s, {"z", "x_min", "x_max"});
  z_ = detail::river_mean::from_json(s.object("z"));
  x_min_ = detail::river_mean::from_json(s.object("x_min"));
  x_max_ = detail::river_mean::from_json(s.object("x_max"));
  if (x_min_.n > z_.n || x_max_.n > z_.n) {
    s.fail("cut points cannot hold more observations than the stream");
  }
  eps_min_ = x_min_.n > 0.0 ? hoeffding_bound(x_min_.n) : 0.0;
  eps_max_ = x_max_.n > 0.0 ? hoeffding_bound(x_max_.n) : 0.0;
}

template <class V>
MLGUARD_INLINE auto basic_hddm_a<V>::hoeffding_bound(double n) const noexcept -> double {
  return std::sqrt(1.0 / (2.0 * n) * log_inv_drift_);
}

template <class V>
MLGUARD_INLINE auto basic_hddm_a<V>::mean_changed(double cut_n, double difference,
                                                  double inv_n) const noexcept -> int {
  // Computed unconditionally and selected without branches (a fresh cut,
  // n_cut = 0, gives inf here and is masked by the caller).
  const double half_m = (z_.n - cut_n) / cut_n * inv_n / 2.0;
  const int drift = difference >= std::sqrt(half_m * log_two_drift_) ? 2 : 0;
  const int warning = difference >= std::sqrt(half_m * log_two_warning_) ? 1 : 0;
  return cut_n == z_.n ? 0 : (drift != 0 ? drift : warning);
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_HDDM_A_HPP

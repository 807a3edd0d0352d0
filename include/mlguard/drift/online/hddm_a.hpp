#ifndef MLGUARD_DRIFT_ONLINE_HDDM_A_HPP
#define MLGUARD_DRIFT_ONLINE_HDDM_A_HPP

// HDDM_A, drift detection with Hoeffding's bound and a moving-average test
// (Frías-Blanco et al. 2014), as River implements it (river.drift.binary
// HDDM_A, after MOA): the global mean of the stream is compared with the mean
// at the cut point where mean + Hoeffding bound was smallest (an increase)
// and, two-sided, largest (a decrease). Input: 1 for an error, 0 for a
// correct prediction (any finite number is averaged as River does).

#include <cmath>
#include <cstdint>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online {

/// HDDM_A's parameters; defaults are River's.
struct hddm_a_options {
  double drift_confidence = 0.001;   ///< in (0, 1)
  double warning_confidence = 0.005; ///< in (0, 1)
  bool two_sided_test = false;       ///< also detect decreases of the mean
};

/// HDDM_A drift detector (River's river.drift.binary.HDDM_A); constant memory.
class hddm_a {
public:
  /// Throws drift_error mlguard.drift.bad_parameter unless both confidences
  /// lie in (0, 1).
  explicit hddm_a(const hddm_a_options& params = {}) : params_(params) {
    detail::require_parameter(params.drift_confidence > 0.0 && params.drift_confidence < 1.0,
                              "hddm_a", "drift_confidence must be in (0, 1)");
    detail::require_parameter(params.warning_confidence > 0.0 && params.warning_confidence < 1.0,
                              "hddm_a", "warning_confidence must be in (0, 1)");
    // The logarithms River takes at every update, computed once (same values).
    log_inv_drift_ = std::log(1.0 / params.drift_confidence);
    log_two_drift_ = std::log(2.0 / params.drift_confidence);
    log_two_warning_ = std::log(2.0 / params.warning_confidence);
  }

  /// Adds one observation. Non-finite x is ignored (counted in
  /// ignored_count(); returns none).
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
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
    if (params_.two_sided_test) {
      const int decr = take_max ? 0 : decr_if_kept;
      if (decr == 2) {
        drift_ = true;
      } else if (decr == 1) {
        warning_ = true;
      }
    }
    return state();
  }

  /// The verdict of the last accepted update (drift wins over warning).
  detector_state state() const noexcept {
    return drift_ ? detector_state::drift
                  : (warning_ ? detector_state::warning : detector_state::none);
  }
  bool drift_detected() const noexcept { return drift_; }     ///< River's drift_detected
  bool warning_detected() const noexcept { return warning_; } ///< River's warning_detected
  /// Starts afresh (River's _reset); keeps ignored_count().
  void reset() noexcept {
    z_ = x_min_ = x_max_ = {};
    drift_ = warning_ = false;
  }
  double mean() const noexcept { return z_.mean; }                  ///< global mean since reset
  std::uint64_t ignored_count() const noexcept { return ignored_; } ///< non-finite inputs
  const hddm_a_options& params() const noexcept { return params_; }  ///< the parameters

  /// The full state (envelope of detector_state.hpp, "detector": "hddm_a").
  json to_json() const {
    json params{{"drift_confidence", params_.drift_confidence},
                {"warning_confidence", params_.warning_confidence},
                {"two_sided_test", params_.two_sided_test}};
    json state{{"z", z_.to_json()}, {"x_min", x_min_.to_json()}, {"x_max", x_max_.to_json()},
               {"drift", drift_},   {"warning", warning_},       {"ignored", ignored_}};
    return detail::envelope("hddm_a", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote. Throws format_error mlguard.format.corrupt
  /// (missing, ill-typed or out-of-range fields), unknown_field, wrong_kind,
  /// newer_version.
  static hddm_a from_json(const json& document, std::string_view source = "hddm_a") {
    detail::open_envelope(document, "hddm_a", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params",
                            {"drift_confidence", "warning_confidence", "two_sided_test"});
    hddm_a_options params;
    params.drift_confidence = p.number("drift_confidence");
    params.warning_confidence = p.number("warning_confidence");
    params.two_sided_test = p.flag("two_sided_test");
    auto d = detail::construct_from_stored<hddm_a>(params, source);
    detail::object_reader s(document["state"], src + ".state",
                            {"z", "x_min", "x_max", "drift", "warning", "ignored"});
    d.z_ = detail::river_mean::from_json(s.field("z"), src + ".state.z");
    d.x_min_ = detail::river_mean::from_json(s.field("x_min"), src + ".state.x_min");
    d.x_max_ = detail::river_mean::from_json(s.field("x_max"), src + ".state.x_max");
    if (d.x_min_.n > d.z_.n || d.x_max_.n > d.z_.n) {
      s.fail("cut points cannot hold more observations than the stream");
    }
    d.eps_min_ = d.x_min_.n > 0.0 ? d.hoeffding_bound(d.x_min_.n) : 0.0;
    d.eps_max_ = d.x_max_.n > 0.0 ? d.hoeffding_bound(d.x_max_.n) : 0.0;
    d.drift_ = s.flag("drift");
    d.warning_ = s.flag("warning");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  double hoeffding_bound(double n) const noexcept {
    return std::sqrt(1.0 / (2.0 * n) * log_inv_drift_);
  }
  // River's _mean_incr / _mean_decr at the drift and then the warning
  // confidence: m = (n_z − n_cut) / n_cut · (1 / n_z), ε = sqrt(m / 2 · log(2 / c)),
  // change when `difference` ≥ ε. Returns 2 (drift), 1 (warning) or 0.
  int mean_changed(double cut_n, double difference, double inv_n) const noexcept {
    // Computed unconditionally and selected without branches (a fresh cut,
    // n_cut = 0, gives inf here and is masked by the caller).
    const double half_m = (z_.n - cut_n) / cut_n * inv_n / 2.0;
    const int drift = difference >= std::sqrt(half_m * log_two_drift_) ? 2 : 0;
    const int warning = difference >= std::sqrt(half_m * log_two_warning_) ? 1 : 0;
    return cut_n == z_.n ? 0 : (drift != 0 ? drift : warning);
  }

  hddm_a_options params_;
  double log_inv_drift_ = 0.0;
  double log_two_drift_ = 0.0;
  double log_two_warning_ = 0.0;
  double eps_min_ = 0.0;     // hoeffding_bound(x_min_.n)
  double eps_max_ = 0.0;     // hoeffding_bound(x_max_.n)
  detail::river_mean z_;     // the whole stream since the last reset
  detail::river_mean x_min_; // the stream up to the cut for increases
  detail::river_mean x_max_; // the stream up to the cut for decreases
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_HDDM_A_HPP

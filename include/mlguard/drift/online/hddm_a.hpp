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
struct hddm_a_params {
  double drift_confidence = 0.001;   ///< in (0, 1)
  double warning_confidence = 0.005; ///< in (0, 1)
  bool two_sided_test = false;       ///< also detect decreases of the mean
};

/// HDDM_A drift detector (River's river.drift.binary.HDDM_A); constant memory.
class hddm_a {
public:
  /// Throws drift_error mlguard.drift.bad_parameter unless both confidences
  /// lie in (0, 1).
  explicit hddm_a(const hddm_a_params& params = {}) : params_(params) {
    detail::require_parameter(params.drift_confidence > 0.0 && params.drift_confidence < 1.0,
                              "hddm_a", "drift_confidence must be in (0, 1)");
    detail::require_parameter(params.warning_confidence > 0.0 && params.warning_confidence < 1.0,
                              "hddm_a", "warning_confidence must be in (0, 1)");
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
    z_.update(x);
    if (x_min_.n == 0.0) {
      x_min_ = z_;
    }
    if (x_max_.n == 0.0) {
      x_max_ = z_;
    }
    const double eps_z = hoeffding_bound(z_.n);
    double eps_x = hoeffding_bound(x_min_.n);
    if (x_min_.mean + eps_x >= z_.mean + eps_z) {
      x_min_ = z_;
    }
    eps_x = hoeffding_bound(x_max_.n);
    if (x_max_.mean - eps_x <= z_.mean - eps_z) {
      x_max_ = z_;
    }
    if (mean_increased(params_.drift_confidence)) {
      warning_ = false;
      drift_ = true;
    } else if (mean_increased(params_.warning_confidence)) {
      warning_ = true;
      drift_ = false;
    } else {
      warning_ = false;
      drift_ = false;
    }
    if (params_.two_sided_test) {
      if (mean_decreased(params_.drift_confidence)) {
        drift_ = true;
      } else if (mean_decreased(params_.warning_confidence)) {
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
  const hddm_a_params& params() const noexcept { return params_; }  ///< the parameters

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
    hddm_a_params params;
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
    d.drift_ = s.flag("drift");
    d.warning_ = s.flag("warning");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  double hoeffding_bound(double n) const noexcept {
    return std::sqrt(1.0 / (2.0 * n) * std::log(1.0 / params_.drift_confidence));
  }
  bool mean_increased(double confidence) const noexcept {
    if (x_min_.n == z_.n) {
      return false;
    }
    const double m = (z_.n - x_min_.n) / x_min_.n * (1.0 / z_.n);
    const double eps = std::sqrt(m / 2.0 * std::log(2.0 / confidence));
    return z_.mean - x_min_.mean >= eps;
  }
  bool mean_decreased(double confidence) const noexcept {
    if (x_max_.n == z_.n) {
      return false;
    }
    const double m = (z_.n - x_max_.n) / x_max_.n * (1.0 / z_.n);
    const double eps = std::sqrt(m / 2.0 * std::log(2.0 / confidence));
    return x_max_.mean - z_.mean >= eps;
  }

  hddm_a_params params_;
  detail::river_mean z_;     // the whole stream since the last reset
  detail::river_mean x_min_; // the stream up to the cut for increases
  detail::river_mean x_max_; // the stream up to the cut for decreases
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_HDDM_A_HPP

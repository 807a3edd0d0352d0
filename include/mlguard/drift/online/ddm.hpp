#ifndef MLGUARD_DRIFT_ONLINE_DDM_HPP
#define MLGUARD_DRIFT_ONLINE_DDM_HPP

// DDM, the Drift Detection Method (Gama et al. 2004), as River implements it
// (river.drift.binary.DDM): the running error rate p and its Bernoulli
// standard deviation s = sqrt(p(1 − p)/n); past the warm start, the minimum
// of p + s is tracked and p + s beyond p_min + w·s_min warns, beyond
// p_min + d·s_min signals drift. Input: 1 for an error, 0 for a correct
// prediction (any finite number is averaged as River does).

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online {

/// DDM's parameters; defaults are River's.
struct ddm_options {
  std::uint64_t warm_start = 30;  ///< observations before any warning or drift
  double warning_threshold = 2.0; ///< w, > 0
  double drift_threshold = 3.0;   ///< d, > 0
};

/// DDM drift detector (River's river.drift.binary.DDM); constant memory.
class ddm {
public:
  /// Throws drift_error mlguard.drift.bad_parameter when a threshold is not
  /// a positive finite number.
  explicit ddm(const ddm_options& params = {}) : params_(params) {
    detail::require_parameter(std::isfinite(params.warning_threshold) &&
                                  params.warning_threshold > 0.0,
                              "ddm", "warning_threshold must be a positive number");
    detail::require_parameter(std::isfinite(params.drift_threshold) && params.drift_threshold > 0.0,
                              "ddm", "drift_threshold must be a positive number");
  }

  /// Adds one observation (1 = error, 0 = correct). Non-finite x is ignored
  /// (counted in ignored_count(); returns none).
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
    p_.update(x);
    const double p_i = p_.mean;
    const double n = p_.n;
    const double s_i = std::sqrt(p_i * (1.0 - p_i) / n);
    if (n > static_cast<double>(params_.warm_start)) {
      if (p_i + s_i <= ps_min_) {
        p_min_ = p_i;
        s_min_ = s_i;
        ps_min_ = p_min_ + s_min_;
      }
      warning_ = p_i + s_i > p_min_ + params_.warning_threshold * s_min_;
      if (p_i + s_i > p_min_ + params_.drift_threshold * s_min_) {
        drift_ = true;
        warning_ = false;
      }
    }
    return state();
  }

  /// The verdict of the last accepted update.
  detector_state state() const noexcept {
    return drift_ ? detector_state::drift
                  : (warning_ ? detector_state::warning : detector_state::none);
  }
  bool drift_detected() const noexcept { return drift_; }     ///< River's drift_detected
  bool warning_detected() const noexcept { return warning_; } ///< River's warning_detected
  /// Starts afresh (River's _reset); keeps ignored_count().
  void reset() noexcept {
    p_ = {};
    p_min_ = s_min_ = ps_min_ = std::numeric_limits<double>::infinity();
    drift_ = warning_ = false;
  }
  double error_rate() const noexcept { return p_.mean; } ///< p, the running error rate
  double n() const noexcept { return p_.n; }             ///< observations since the last reset
  std::uint64_t ignored_count() const noexcept { return ignored_; } ///< non-finite inputs
  const ddm_options& params() const noexcept { return params_; }     ///< the parameters

  /// The full state (envelope of detector_state.hpp, "detector": "ddm").
  json to_json() const {
    json params{{"warm_start", params_.warm_start},
                {"warning_threshold", params_.warning_threshold},
                {"drift_threshold", params_.drift_threshold}};
    json state{{"p", p_.to_json()},
               {"p_min", detail::number_to_json(p_min_)},
               {"s_min", detail::number_to_json(s_min_)},
               {"ps_min", detail::number_to_json(ps_min_)},
               {"drift", drift_},
               {"warning", warning_},
               {"ignored", ignored_}};
    return detail::envelope("ddm", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote. Throws format_error mlguard.format.corrupt
  /// (missing, ill-typed or out-of-range fields), unknown_field, wrong_kind,
  /// newer_version.
  static ddm from_json(const json& document, std::string_view source = "ddm") {
    detail::open_envelope(document, "ddm", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params",
                            {"warm_start", "warning_threshold", "drift_threshold"});
    ddm_options params;
    params.warm_start = p.count("warm_start");
    params.warning_threshold = p.number("warning_threshold");
    params.drift_threshold = p.number("drift_threshold");
    auto d = detail::construct_from_stored<ddm>(params, source);
    detail::object_reader s(document["state"], src + ".state",
                            {"p", "p_min", "s_min", "ps_min", "drift", "warning", "ignored"});
    d.p_ = detail::river_mean::from_json(s.field("p"), src + ".state.p");
    d.p_min_ = s.number("p_min", true);
    d.s_min_ = s.number("s_min", true);
    d.ps_min_ = s.number("ps_min", true);
    d.drift_ = s.flag("drift");
    d.warning_ = s.flag("warning");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  ddm_options params_;
  detail::river_mean p_;
  double p_min_ = std::numeric_limits<double>::infinity();
  double s_min_ = std::numeric_limits<double>::infinity();
  double ps_min_ = std::numeric_limits<double>::infinity();
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_DDM_HPP

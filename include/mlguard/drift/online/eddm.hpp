#ifndef MLGUARD_DRIFT_ONLINE_EDDM_HPP
#define MLGUARD_DRIFT_ONLINE_EDDM_HPP

// EDDM, the Early Drift Detection Method (Baena-García et al. 2006), as
// River implements it (river.drift.binary.EDDM): the mean p' and standard
// deviation s' of the distance between consecutive errors; past the warm
// start the maximum of p' + 2s' is tracked, and once more than warm_start
// errors were seen, (p' + 2s') / max below α warns and below β signals
// drift. Input: 1 for an error, anything else counts as correct (River
// tests x == 1). As in River, a warning stays raised until an error updates it.

#include <cmath>
#include <cstdint>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online {

/// EDDM's parameters; defaults are River's.
struct eddm_options {
  std::uint64_t warm_start = 30; ///< observations (and errors) before any verdict
  double alpha = 0.95;           ///< warning level, in (0, 1], ≥ beta
  double beta = 0.9;             ///< drift level, in (0, 1]
};

/// EDDM drift detector (River's river.drift.binary.EDDM); constant memory.
class eddm {
public:
  /// Throws drift_error mlguard.drift.bad_parameter unless 0 < beta ≤ alpha ≤ 1
  /// (River raises ValueError when alpha < beta).
  explicit eddm(const eddm_options& params = {}) : params_(params) {
    detail::require_parameter(params.beta > 0.0 && params.beta <= 1.0, "eddm",
                              "beta must be in (0, 1]");
    detail::require_parameter(params.alpha > 0.0 && params.alpha <= 1.0, "eddm",
                              "alpha must be in (0, 1]");
    detail::require_parameter(params.alpha >= params.beta, "eddm",
                              "alpha must be greater or equal to beta");
  }

  /// Adds one observation (1 = error). Non-finite x is ignored (counted in
  /// ignored_count(); returns none).
  detector_state update(double x) noexcept {
    if (!std::isfinite(x)) {
      ++ignored_;
      return detector_state::none;
    }
    if (drift_) {
      reset();
    }
    ++n_;
    if (x == 1.0) {
      ++n_errors_;
      distances_.update(static_cast<double>(n_ - last_error_));
      if (n_ > params_.warm_start) {
        const double pi_prime = distances_.mean.mean;
        const double si_prime = std::pow(distances_.get(), 0.5);
        const double p2s_prime = pi_prime + 2.0 * si_prime;
        if (p2s_prime > p2s_prime_max_) {
          p2s_prime_max_ = p2s_prime;
        } else if (n_errors_ > params_.warm_start) {
          const double level = p2s_prime / p2s_prime_max_;
          if (level < params_.beta) {
            drift_ = true;
          } else {
            warning_ = level < params_.alpha;
          }
        }
      }
      last_error_ = n_;
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
    distances_ = {};
    n_ = last_error_ = n_errors_ = 0;
    p2s_prime_max_ = -1.0;
    drift_ = warning_ = false;
  }
  std::uint64_t n() const noexcept { return n_; }                   ///< observations since reset
  std::uint64_t n_errors() const noexcept { return n_errors_; }     ///< errors since reset
  std::uint64_t ignored_count() const noexcept { return ignored_; } ///< non-finite inputs
  const eddm_options& params() const noexcept { return params_; }    ///< the parameters

  /// The full state (envelope of detector_state.hpp, "detector": "eddm").
  json to_json() const {
    json params{
        {"warm_start", params_.warm_start}, {"alpha", params_.alpha}, {"beta", params_.beta}};
    json state{{"distances", distances_.to_json()},
               {"n", n_},
               {"last_error", last_error_},
               {"n_errors", n_errors_},
               {"p2s_prime_max", p2s_prime_max_},
               {"drift", drift_},
               {"warning", warning_},
               {"ignored", ignored_}};
    return detail::envelope("eddm", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote. Throws format_error mlguard.format.corrupt
  /// (missing, ill-typed or inconsistent fields), unknown_field, wrong_kind,
  /// newer_version.
  static eddm from_json(const json& document, std::string_view source = "eddm") {
    detail::open_envelope(document, "eddm", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params", {"warm_start", "alpha", "beta"});
    eddm_options params;
    params.warm_start = p.count("warm_start");
    params.alpha = p.number("alpha");
    params.beta = p.number("beta");
    auto d = detail::construct_from_stored<eddm>(params, source);
    detail::object_reader s(document["state"], src + ".state",
                            {"distances", "n", "last_error", "n_errors", "p2s_prime_max", "drift",
                             "warning", "ignored"});
    d.distances_ = detail::river_var::from_json(s.field("distances"), src + ".state.distances");
    d.n_ = s.count("n");
    d.last_error_ = s.count("last_error", d.n_);
    d.n_errors_ = s.count("n_errors", d.n_);
    d.p2s_prime_max_ = s.number("p2s_prime_max");
    d.drift_ = s.flag("drift");
    d.warning_ = s.flag("warning");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  eddm_options params_;
  detail::river_var distances_;
  std::uint64_t n_ = 0;
  std::uint64_t last_error_ = 0;
  std::uint64_t n_errors_ = 0;
  double p2s_prime_max_ = -1.0;
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_EDDM_HPP

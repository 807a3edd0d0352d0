#ifndef MLGUARD_DRIFT_ONLINE_HDDM_W_HPP
#define MLGUARD_DRIFT_ONLINE_HDDM_W_HPP

// HDDM_W, drift detection with McDiarmid's bound and exponentially weighted
// moving averages (Frías-Blanco et al. 2014), as River implements it
// (river.drift.binary.HDDM_W, after MOA): the EWMA of the stream is compared
// with the EWMA since the cut point where EWMA + bound was smallest (an
// increase) and, two-sided, largest (a decrease). Input: 1 for an error, 0
// for a correct prediction (any finite number is averaged as River does).

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detail/state_json.hpp"
#include "mlguard/drift/online/detector_state.hpp"

namespace mlguard::drift::online {

/// HDDM_W's parameters; defaults are River's.
struct hddm_w_options {
  double drift_confidence = 0.001;   ///< in (0, 1)
  double warning_confidence = 0.005; ///< in (0, 1)
  double lambda = 0.05;              ///< weight of recent data (River's lambda_val), in (0, 1]
  bool two_sided_test = false;       ///< also detect decreases of the mean
};

/// HDDM_W drift detector (River's river.drift.binary.HDDM_W); constant memory.
class hddm_w {
public:
  /// Throws drift_error mlguard.drift.bad_parameter unless both confidences
  /// lie in (0, 1) and lambda in (0, 1].
  explicit hddm_w(const hddm_w_options& params = {}) : params_(params) {
    detail::require_parameter(params.drift_confidence > 0.0 && params.drift_confidence < 1.0,
                              "hddm_w", "drift_confidence must be in (0, 1)");
    detail::require_parameter(params.warning_confidence > 0.0 && params.warning_confidence < 1.0,
                              "hddm_w", "warning_confidence must be in (0, 1)");
    detail::require_parameter(params.lambda > 0.0 && params.lambda <= 1.0, "hddm_w",
                              "lambda must be in (0, 1]");
    // The logarithms River takes at every update, computed once (same values).
    log_inv_drift_ = std::log(1.0 / params.drift_confidence);
    log_inv_warning_ = std::log(1.0 / params.warning_confidence);
    reset();
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
    total_.update(x);
    update_incr_stats(x, log_inv_drift_);
    if (mean_changed(s1_incr_, s2_incr_, log_inv_drift_)) {
      warning_ = false;
      drift_ = true;
    } else if (mean_changed(s1_incr_, s2_incr_, log_inv_warning_)) {
      warning_ = true;
      drift_ = false;
    } else {
      warning_ = false;
      drift_ = false;
    }
    update_decr_stats(x, log_inv_drift_);
    if (params_.two_sided_test) {
      if (mean_changed(s2_decr_, s1_decr_, log_inv_drift_)) {
        drift_ = true;
      } else if (mean_changed(s2_decr_, s1_decr_, log_inv_warning_)) {
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
    total_ = s1_decr_ = s1_incr_ = s2_decr_ = s2_incr_ = sample_info(params_.lambda);
    incr_cutpoint_ = std::numeric_limits<double>::infinity();
    decr_cutpoint_ = -std::numeric_limits<double>::infinity();
    drift_ = warning_ = false;
  }
  double ewma() const noexcept { return total_.ewma.mean; } ///< EWMA of the stream since reset
  std::uint64_t ignored_count() const noexcept { return ignored_; } ///< non-finite inputs
  const hddm_w_options& params() const noexcept { return params_; }  ///< the parameters

  /// The full state (envelope of detector_state.hpp, "detector": "hddm_w").
  json to_json() const {
    json params{{"drift_confidence", params_.drift_confidence},
                {"warning_confidence", params_.warning_confidence},
                {"lambda", params_.lambda},
                {"two_sided_test", params_.two_sided_test}};
    json state{{"total", total_.to_json()},
               {"s1_incr", s1_incr_.to_json()},
               {"s2_incr", s2_incr_.to_json()},
               {"s1_decr", s1_decr_.to_json()},
               {"s2_decr", s2_decr_.to_json()},
               {"incr_cutpoint", detail::number_to_json(incr_cutpoint_)},
               {"decr_cutpoint", detail::number_to_json(decr_cutpoint_)},
               {"drift", drift_},
               {"warning", warning_},
               {"ignored", ignored_}};
    return detail::envelope("hddm_w", std::move(params), std::move(state));
  }

  /// Restores what to_json() wrote. Throws format_error mlguard.format.corrupt
  /// (missing, ill-typed or out-of-range fields), unknown_field, wrong_kind,
  /// newer_version.
  static hddm_w from_json(const json& document, std::string_view source = "hddm_w") {
    detail::open_envelope(document, "hddm_w", source);
    const std::string src(source);
    detail::object_reader p(document["params"], src + ".params",
                            {"drift_confidence", "warning_confidence", "lambda", "two_sided_test"});
    hddm_w_options params;
    params.drift_confidence = p.number("drift_confidence");
    params.warning_confidence = p.number("warning_confidence");
    params.lambda = p.number("lambda");
    params.two_sided_test = p.flag("two_sided_test");
    auto d = detail::construct_from_stored<hddm_w>(params, source);
    detail::object_reader s(document["state"], src + ".state",
                            {"total", "s1_incr", "s2_incr", "s1_decr", "s2_decr", "incr_cutpoint",
                             "decr_cutpoint", "drift", "warning", "ignored"});
    auto info = [&](const char* name) {
      return sample_info::from_json(s.field(name), params.lambda, src + ".state." + name);
    };
    d.total_ = info("total");
    d.s1_incr_ = info("s1_incr");
    d.s2_incr_ = info("s2_incr");
    d.s1_decr_ = info("s1_decr");
    d.s2_decr_ = info("s2_decr");
    d.incr_cutpoint_ = s.number("incr_cutpoint", true);
    d.decr_cutpoint_ = s.number("decr_cutpoint", true);
    d.drift_ = s.flag("drift");
    d.warning_ = s.flag("warning");
    d.ignored_ = s.count("ignored");
    return d;
  }

private:
  // River's SampleInfo: an EWMA and its independent bound condition.
  struct sample_info {
    detail::river_ewmean ewma;
    double ibc = 1.0;
    double lambda_sq = 0.0;
    double c_lambda_sq = 0.0;

    sample_info() = default;
    explicit sample_info(double lambda) noexcept
        : ewma(lambda), lambda_sq(lambda * lambda), c_lambda_sq((1.0 - lambda) * (1.0 - lambda)) {}

    bool is_init() const noexcept { return ewma.initialized; }
    void update(double x) noexcept {
      ewma.update(x);
      ibc = lambda_sq + c_lambda_sq * ibc;
    }
    json to_json() const {
      return json{{"ewma", ewma.mean}, {"initialized", ewma.initialized}, {"ibc", ibc}};
    }
    static sample_info from_json(const json& j, double lambda, const std::string& source) {
      detail::object_reader r(j, source, {"ewma", "initialized", "ibc"});
      sample_info info(lambda);
      info.ewma.mean = r.number("ewma");
      info.ewma.initialized = r.flag("initialized");
      info.ibc = r.number("ibc");
      if (!std::isfinite(info.ewma.mean) || !(info.ibc > 0.0 && info.ibc <= 1.0)) {
        r.fail("\"ewma\" must be finite and \"ibc\" in (0, 1]");
      }
      return info;
    }
  };

  // log_inv_confidence = log(1 / confidence), River's bound sqrt(ibc·log(1/c)/2).
  static double mcdiarmid_bound(double ibc, double log_inv_confidence) noexcept {
    return std::sqrt(ibc * log_inv_confidence / 2.0);
  }
  static bool mean_changed(const sample_info& s1, const sample_info& s2,
                           double log_inv_confidence) noexcept {
    if (!(s1.is_init() && s2.is_init())) {
      return false;
    }
    const double bound = mcdiarmid_bound(s1.ibc + s2.ibc, log_inv_confidence);
    return s2.ewma.mean - s1.ewma.mean > bound;
  }
  void update_incr_stats(double x, double log_inv_confidence) noexcept {
    const double eps = mcdiarmid_bound(total_.ibc, log_inv_confidence);
    if (total_.ewma.mean + eps < incr_cutpoint_) {
      incr_cutpoint_ = total_.ewma.mean + eps;
      s1_incr_ = total_;
      s2_incr_ = sample_info(params_.lambda);
    } else {
      s2_incr_.update(x);
    }
  }
  void update_decr_stats(double x, double log_inv_confidence) noexcept {
    const double eps = mcdiarmid_bound(total_.ibc, log_inv_confidence);
    if (total_.ewma.mean - eps > decr_cutpoint_) {
      decr_cutpoint_ = total_.ewma.mean - eps;
      s1_decr_ = total_;
      s2_decr_ = sample_info(params_.lambda);
    } else {
      s2_decr_.update(x);
    }
  }

  hddm_w_options params_;
  double log_inv_drift_ = 0.0;
  double log_inv_warning_ = 0.0;
  sample_info total_;
  sample_info s1_decr_;
  sample_info s1_incr_;
  sample_info s2_decr_;
  sample_info s2_incr_;
  double incr_cutpoint_ = std::numeric_limits<double>::infinity();
  double decr_cutpoint_ = -std::numeric_limits<double>::infinity();
  std::uint64_t ignored_ = 0;
  bool drift_ = false;
  bool warning_ = false;
};

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_HDDM_W_HPP

#ifndef MLGUARD_DRIFT_ONLINE_HDDM_W_HPP
#define MLGUARD_DRIFT_ONLINE_HDDM_W_HPP

// HDDM_W, drift detection with McDiarmid's bound and exponentially weighted
// moving averages (Frías-Blanco et al. 2014), as River implements it
// (river.drift.binary.HDDMW in River 0.26, named HDDM_W before River 0.25;
// after MOA): the EWMA of the stream is compared with the EWMA since the
// cut point where EWMA + bound was smallest (an increase) and, two-sided,
// largest (a decrease). Input: 1 for an error, 0 for a correct prediction
// (any finite number is averaged as River does).
// Update, reset and persistence: detector_base.hpp.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string_view>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/online/detail/river_stats.hpp"
#include "mlguard/drift/online/detector_base.hpp"

namespace mlguard::drift::online {

/// HDDM_W's settings; defaults are River's. Ranges and meanings: hddm_w::option_table().
struct hddm_w_options {
  double drift_confidence = 0.001;
  double warning_confidence = 0.005;
  double lambda = 0.05;
  bool two_sided_test = false;
};

/// HDDM_W drift detector (River's river.drift.binary.HDDMW); constant memory.
template <class = void> // deferred: see core/json.hpp
class basic_hddm_w : public detector_base<basic_hddm_w<>, hddm_w_options> {
public:
  static constexpr std::string_view name = "hddm_w";                          ///< in saved states
  static constexpr std::string_view river_class = "river.drift.binary.HDDMW"; ///< what it ports
  static constexpr bool warns = true; ///< has a warning zone

  /// The parameters: name, field, range, meaning (River's names; lambda is
  /// River's lambda_val, also accepted by set_option).
  static constexpr auto option_table() {
    return std::make_tuple(option("drift_confidence", &hddm_w_options::drift_confidence,
                                  open_interval(0, 1), "confidence level of the drift test"),
                           option("warning_confidence", &hddm_w_options::warning_confidence,
                                  open_interval(0, 1), "confidence level of the warning test"),
                           option("lambda", &hddm_w_options::lambda, open_closed(0, 1),
                                  "weight of the newest value in the EWMAs", "lambda_val"),
                           option("two_sided_test", &hddm_w_options::two_sided_test,
                                  "also detect decreases of the mean"));
  }

  /// Throws drift_error mlguard.drift.invalid_option when a setting is
  /// outside its range (option_table()).
  explicit basic_hddm_w(const hddm_w_options& options = {});

  double ewma() const noexcept { return total_.ewma.mean; } ///< EWMA of the stream since reset

private:
  friend detector_base;

  void step(double x) noexcept;
  void clear() noexcept;
  // "state": {"total", "s1_incr", "s2_incr", "s1_decr", "s2_decr" (each
  // {"ewma", "initialized", "ibc"}), "incr_cutpoint", "decr_cutpoint" (±inf at first)}.
  void write_state(json& s) const;
  void read_state(const json_reader& s);

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
    // {"ewma", "initialized", "ibc"}.
    template <class = void>
    json to_json() const {
      json j = json::object();
      j["ewma"] = json_number(ewma.mean);
      j["initialized"] = ewma.initialized;
      j["ibc"] = json_number(ibc);
      return j;
    }
    template <class = void>
    static sample_info from_json(const json_reader& r, double lambda) {
      r.allow_fields({"ewma", "initialized", "ibc"});
      sample_info info(lambda);
      info.ewma.mean = r.number("ewma"); // may overflow (state_number)
      info.ewma.initialized = r.flag("initialized");
      info.ibc = r.finite("ibc");
      if (!(info.ibc > 0.0 && info.ibc <= 1.0)) {
        r.fail("ibc", "expected a number in (0, 1]");
      }
      return info;
    }
  };

  // log_inv_confidence = log(1 / confidence), River's bound sqrt(ibc·log(1/c)/2).
  static double mcdiarmid_bound(double ibc, double log_inv_confidence) noexcept;
  static bool mean_changed(const sample_info& s1, const sample_info& s2,
                           double log_inv_confidence) noexcept;
  void update_incr_stats(double x, double log_inv_confidence) noexcept;
  void update_decr_stats(double x, double log_inv_confidence) noexcept;

  double log_inv_drift_ = 0.0;
  double log_inv_warning_ = 0.0;
  sample_info total_;
  sample_info s1_decr_;
  sample_info s1_incr_;
  sample_info s2_decr_;
  sample_info s2_incr_;
  double incr_cutpoint_ = std::numeric_limits<double>::infinity();
  double decr_cutpoint_ = -std::numeric_limits<double>::infinity();
};

/// The type to name (a class template only so that its bodies compile where used).
using hddm_w = basic_hddm_w<>;

} // namespace mlguard::drift::online

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online {

template <class V>
MLGUARD_INLINE basic_hddm_w<V>::basic_hddm_w(const hddm_w_options& options)
    : detector_base(options) {
  // The logarithms River takes at every update, computed once (same values).
  log_inv_drift_ = std::log(1.0 / options_.drift_confidence);
  log_inv_warning_ = std::log(1.0 / options_.warning_confidence);
  clear();
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::step(double x) noexcept -> void {
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
  if (options_.two_sided_test) {
    if (mean_changed(s2_decr_, s1_decr_, log_inv_drift_)) {
      drift_ = true;
    } else if (mean_changed(s2_decr_, s1_decr_, log_inv_warning_)) {
      warning_ = true;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::clear() noexcept -> void {
  total_ = s1_decr_ = s1_incr_ = s2_decr_ = s2_incr_ = sample_info(options_.lambda);
  incr_cutpoint_ = std::numeric_limits<double>::infinity();
  decr_cutpoint_ = -std::numeric_limits<double>::infinity();
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::write_state(json& s) const -> void {
  s["total"] = total_.to_json();
  s["s1_incr"] = s1_incr_.to_json();
  s["s2_incr"] = s2_incr_.to_json();
  s["s1_decr"] = s1_decr_.to_json();
  s["s2_decr"] = s2_decr_.to_json();
  s["incr_cutpoint"] = json_number(incr_cutpoint_);
  s["decr_cutpoint"] = json_number(decr_cutpoint_);
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::read_state(const json_reader& s) -> void {
  allow_state_fields(
      s, {"total", "s1_incr", "s2_incr", "s1_decr", "s2_decr", "incr_cutpoint", "decr_cutpoint"});
  const double lambda = options_.lambda;
  total_ = sample_info::from_json(s.object("total"), lambda);
  s1_incr_ = sample_info::from_json(s.object("s1_incr"), lambda);
  s2_incr_ = sample_info::from_json(s.object("s2_incr"), lambda);
  s1_decr_ = sample_info::from_json(s.object("s1_decr"), lambda);
  s2_decr_ = sample_info::from_json(s.object("s2_decr"), lambda);
  incr_cutpoint_ = state_number(s, "incr_cutpoint");
  decr_cutpoint_ = state_number(s, "decr_cutpoint");
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::mcdiarmid_bound(double ibc, double log_inv_confidence) noexcept
    -> double {
  return std::sqrt(ibc * log_inv_confidence / 2.0);
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::mean_changed(const sample_info& s1, const sample_info& s2,
                                                  double log_inv_confidence) noexcept -> bool {
  if (!(s1.is_init() && s2.is_init())) {
    return false;
  }
  const double bound = mcdiarmid_bound(s1.ibc + s2.ibc, log_inv_confidence);
  return s2.ewma.mean - s1.ewma.mean > bound;
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::update_incr_stats(double x, double log_inv_confidence) noexcept
    -> void {
  const double eps = mcdiarmid_bound(total_.ibc, log_inv_confidence);
  if (total_.ewma.mean + eps < incr_cutpoint_) {
    incr_cutpoint_ = total_.ewma.mean + eps;
    s1_incr_ = total_;
    s2_incr_ = sample_info(options_.lambda);
  } else {
    s2_incr_.update(x);
  }
}

template <class V>
MLGUARD_INLINE auto basic_hddm_w<V>::update_decr_stats(double x, double log_inv_confidence) noexcept
    -> void {
  const double eps = mcdiarmid_bound(total_.ibc, log_inv_confidence);
  if (total_.ewma.mean - eps > decr_cutpoint_) {
    decr_cutpoint_ = total_.ewma.mean - eps;
    s1_decr_ = total_;
    s2_decr_ = sample_info(options_.lambda);
  } else {
    s2_decr_.update(x);
  }
}

} // namespace mlguard::drift::online

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_HDDM_W_HPP

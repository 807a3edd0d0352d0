#ifndef MLGUARD_DRIFT_ONLINE_DETAIL_RIVER_STATS_HPP
#define MLGUARD_DRIFT_ONLINE_DETAIL_RIVER_STATS_HPP

// River's running statistics (river.stats.Mean, Var, EWMean), with its exact
// update formulas, for the online detectors. Not for direct use.

#include "mlguard/core/json.hpp"

namespace mlguard::drift::online::detail {

/// river.stats.Mean with unit weights: n += 1; mean += (1 / n) · (x − mean).
struct river_mean {
  double n = 0.0;
  double mean = 0.0;

  void update(double x) noexcept {
    n += 1.0;
    mean += (1.0 / n) * (x - mean);
  }

  /// {"n", "mean"}.
  template <class = void> // deferred: see core/json.hpp
  json to_json() const {
    json j = json::object();
    j["n"] = json_number(n);
    j["mean"] = json_number(mean);
    return j;
  }
  /// Reads to_json()'s object: n finite and ≥ 0, else format_error corrupt. The
  /// mean may be ±inf or NaN: values near ±1e308 overflow it, as in River.
  template <class = void>
  static river_mean from_json(const json_reader& r) {
    r.allow_fields({"n", "mean"});
    river_mean m;
    m.n = r.finite("n");
    m.mean = r.number("mean");
    if (m.n < 0.0) {
      r.fail("n", "expected a non-negative number");
    }
    return m;
  }
};

/// river.stats.Var (ddof = 1): S += (x − mean_old)·(x − mean_new);
/// variance S / (n − 1) once n > 1, else 0.
struct river_var {
  river_mean mean;
  double s = 0.0;

  void update(double x) noexcept {
    const double mean_old = mean.mean;
    mean.update(x);
    s += 1.0 * (x - mean_old) * (x - mean.mean);
  }
  double get() const noexcept { return mean.n > 1.0 ? s / (mean.n - 1.0) : 0.0; }

  /// {"n", "mean", "s"}.
  template <class = void>
  json to_json() const {
    json j = mean.to_json();
    j["s"] = json_number(s);
    return j;
  }
  /// Reads to_json()'s object: n finite and ≥ 0, else format_error corrupt; the
  /// mean and s may be ±inf or NaN (see river_mean::from_json).
  template <class = void>
  static river_var from_json(const json_reader& r) {
    r.allow_fields({"n", "mean", "s"});
    river_var v;
    v.mean.n = r.finite("n");
    v.mean.mean = r.number("mean");
    v.s = r.number("s");
    if (v.mean.n < 0.0) {
      r.fail("n", "expected a non-negative number");
    }
    return v;
  }
};

/// river.stats.EWMean (its Rust core): the first value is taken as is, then
/// mean = α·x + (1 − α)·mean.
struct river_ewmean {
  double alpha = 0.5;
  double one_minus_alpha = 0.5;
  double mean = 0.0;
  bool initialized = false;

  explicit river_ewmean(double a = 0.5) noexcept : alpha(a), one_minus_alpha(1.0 - a) {}

  void update(double x) noexcept {
    if (!initialized) {
      mean = x;
      initialized = true;
    } else {
      mean = alpha * x + one_minus_alpha * mean;
    }
  }
};

} // namespace mlguard::drift::online::detail

#endif // MLGUARD_DRIFT_ONLINE_DETAIL_RIVER_STATS_HPP

#ifndef MLGUARD_ROLLBACK_CANARY_JUDGE_HPP
#define MLGUARD_ROLLBACK_CANARY_JUDGE_HPP

// The canary judge: compares a canary's metric values (the experiment) with
// the champion's (the control) the way Kayenta's NetflixACAJudge does, and
// says pass, marginal, fail, or "not enough data yet".
//
// Anchor: Kayenta (spinnaker/kayenta, now in spinnaker/spinnaker), the modules
// kayenta-judge (NetflixACAJudge, MannWhitneyClassifier, WeightedSumScorer,
// ThresholdScoreClassifier) and kayenta-mannwhitney (MannWhitney, a port of
// the interval code of R's wilcox.test). What is the same:
//  - Per metric, the location shift experiment − control and its confidence
//    interval from inverting the Wilcoxon rank-sum test: the normal
//    approximation with the tie-corrected variance and the continuity
//    correction sign(dz)·½, as R's wilcox.test(x = experiment, y = control,
//    conf.int = TRUE, exact = FALSE, correct = TRUE). Confidence 0.98 (what
//    NetflixACAJudge passes; the classifier's own default is 0.95).
//  - The metric is High when the interval's lower end exceeds tolerance·|estimate|,
//    Low when its upper end is below −tolerance·|estimate| (tolerance 0.25), each
//    only when the metric's direction counts that change as bad and the mean
//    ratio mean(experiment)/mean(control) (1 when the control mean is 0) passes
//    the effect-size threshold (High: ratio ≥ allowed_increase, Low: ratio ≤
//    allowed_decrease, both 1 by default). Otherwise Pass. Two identical samples
//    (as multisets) and samples holding a single value between them are Pass.
//  - The canary's score is 100 × (Pass metrics) / (Pass + High + Low metrics),
//    rounded to two decimals; a critical metric classified High or Low fails the
//    canary; score ≥ pass_threshold is pass, ≥ marginal_threshold marginal, else fail.
// Where it differs, and why:
//  - The interval ends are the exact limits of Kayenta's root search: the
//    Wilcoxon function is a step function whose steps sit at the pairwise
//    differences, so its root is one of them, and mlguard returns that
//    difference, found by rank (see hodges_lehmann). Kayenta's Brent solver
//    stops within 1e-4 (absolute, whatever the metric's scale) of it.
//  - The estimate is the Hodges–Lehmann estimator proper, the median of the
//    pairwise differences. Kayenta takes the root of the same function at
//    quantile 0 (with the continuity correction; R drops it there), which is
//    any point of the flat stretch around that median that its solver lands on.
//  - Both arms constant (e.g. all errors 0 in one, all 1 in the other): Kayenta
//    adds random Gaussian noise to avoid R's "all observations are tied" error;
//    mlguard computes the interval directly, [d, d] for the one difference d,
//    so the result is deterministic.
//  - Too few values in an arm (below min_sample_size, default 10; Kayenta: 0)
//    make the metric nodata, and a critical metric without data or 50 % or more
//    of the metrics without data make the verdict canary_verdict::nodata,
//    where Kayenta fails the canary. Kayenta judges once at the end of an
//    analysis; mlguard's judge is asked again and again while a canary gathers
//    data, and "too early to tell" must not roll a model back.
//  - Not modelled: metric groups and their weights (all metrics form one
//    group), Kayenta's IQR outlier removal before the test, its "replace NaN
//    by 0" strategy (NaN values are dropped and counted, its "remove"
//    strategy), mustHaveData / NodataFailMetric and separate critical
//    effect-size thresholds (Kayenta's default of 1 equals the allowed ones).
//  - Also reported: the Mann–Whitney U of the experiment and its two-sided
//    p-value from stats::mann_whitney_u (scipy's mannwhitneyu, method "auto").
//    Kayenta does not use them to classify, and neither does mlguard.
//
// Errors (rollback_error): mlguard.rollback.empty_sample,
// mlguard.rollback.non_finite, mlguard.rollback.invalid_option,
// mlguard.rollback.no_metrics. Stateless: every function is safe to call
// concurrently.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::rollback {

/// Which change of a metric is bad (Kayenta's per-metric "direction").
enum class metric_direction {
  either,   ///< "either": an increase or a decrease fails the metric
  increase, ///< "increase": only an increase (e.g. latency, errors) fails it
  decrease, ///< "decrease": only a decrease (e.g. throughput, conversions) fails it
};

/// Kayenta's spelling: "either", "increase" or "decrease".
inline const char* to_string(metric_direction d) noexcept {
  switch (d) {
  case metric_direction::increase:
    return "increase";
  case metric_direction::decrease:
    return "decrease";
  case metric_direction::either:
  default:
    return "either";
  }
}

/// The class of one metric (Kayenta's metric classification labels).
enum class metric_class {
  pass,   ///< no bad shift found ("Pass")
  high,   ///< the canary is higher, and that is bad ("High")
  low,    ///< the canary is lower, and that is bad ("Low")
  nodata, ///< an arm has fewer than min_sample_size values ("Nodata")
};

/// "pass", "high", "low" or "nodata".
inline const char* to_string(metric_class c) noexcept {
  switch (c) {
  case metric_class::high:
    return "high";
  case metric_class::low:
    return "low";
  case metric_class::nodata:
    return "nodata";
  case metric_class::pass:
  default:
    return "pass";
  }
}

/// The canary's verdict (Kayenta's Pass / Marginal / Fail, and nodata).
enum class canary_verdict {
  pass,     ///< score ≥ pass_threshold: promote
  marginal, ///< marginal_threshold ≤ score < pass_threshold: look closer
  fail,     ///< score below marginal_threshold, or a critical metric failed
  nodata,   ///< too little data to judge yet (see canary_judge)
};

/// "pass", "marginal", "fail" or "nodata".
inline const char* to_string(canary_verdict v) noexcept {
  switch (v) {
  case canary_verdict::marginal:
    return "marginal";
  case canary_verdict::fail:
    return "fail";
  case canary_verdict::nodata:
    return "nodata";
  case canary_verdict::pass:
  default:
    return "pass";
  }
}

/// Settings of one metric's comparison (Kayenta's per-metric "canary" analysis config).
struct canary_metric_options {
  metric_direction direction = metric_direction::either; ///< which change is bad
  double confidence = 0.98; ///< interval confidence, in (0, 1) (Kayenta: 0.98)
  /// Fraction of |estimate| the interval must clear, ≥ 0 (Kayenta: 0.25).
  double tolerance = 0.25;
  /// Values needed in each arm (after dropping NaN), ≥ 1; fewer make the
  /// metric nodata (Kayenta: 1, i.e. only an empty arm is missing data).
  std::size_t min_sample_size = 10;
  /// High also needs mean(experiment)/mean(control) ≥ this (Kayenta's
  /// effectSize.allowedIncrease, 1 by default).
  double allowed_increase = 1.0;
  /// Low also needs mean(experiment)/mean(control) ≤ this (allowedDecrease, 1).
  double allowed_decrease = 1.0;
  /// A critical metric classified High or Low fails the canary whatever the
  /// score; without data it makes the verdict nodata (Kayenta's "critical").
  bool critical = false;
};

/// One metric's samples for canary_judge; the spans must outlive the call.
struct canary_metric {
  std::string name;                ///< the metric's name, for the judgement
  span<const double> control;      ///< the champion's values (NaN = missing, dropped)
  span<const double> experiment;   ///< the canary's values (NaN = missing, dropped)
  canary_metric_options options{}; ///< how to compare them
};

/// Settings of the canary score (Kayenta's score thresholds).
struct canary_judge_options {
  /// Score (0..100) at or above which the canary passes; Spinnaker's suggested 95.
  double pass_threshold = 95.0;
  /// Score at or above which a canary that does not pass is marginal; Spinnaker's 75.
  double marginal_threshold = 75.0;
  /// Share of metrics (percent) without data at which the verdict is nodata
  /// (Kayenta's NODATA_THRESHOLD, 50, where Kayenta fails the canary).
  double nodata_threshold = 50.0;
};

/// The comparison of one metric.
struct metric_judgement {
  std::string name;                                 ///< the metric's name
  metric_class classification = metric_class::pass; ///< pass / high / low / nodata
  bool critical = false;                            ///< the metric is critical (from its options)
  std::string reason;             ///< why it got its class ("" for an ordinary pass)
  std::size_t n_control = 0;      ///< control values used (NaN dropped)
  std::size_t n_experiment = 0;   ///< experiment values used (NaN dropped)
  std::size_t nan_control = 0;    ///< NaN values dropped from the control
  std::size_t nan_experiment = 0; ///< NaN values dropped from the experiment
  /// Mann–Whitney U of the experiment against the control (NaN when nodata).
  double u_statistic = std::numeric_limits<double>::quiet_NaN();
  /// Its two-sided p-value, scipy's method "auto" (NaN when nodata).
  double p_value = std::numeric_limits<double>::quiet_NaN();
  /// Hodges–Lehmann shift experiment − control (NaN when nodata).
  double estimate = std::numeric_limits<double>::quiet_NaN();
  double ci_lower = std::numeric_limits<double>::quiet_NaN(); ///< interval's lower end
  double ci_upper = std::numeric_limits<double>::quiet_NaN(); ///< interval's upper end
  /// mean(experiment)/mean(control), 1 when the control mean is 0 (NaN when nodata).
  double mean_ratio = std::numeric_limits<double>::quiet_NaN();
};

/// The canary's judgement: its verdict, score and every metric's comparison.
struct judgement {
  canary_verdict verdict = canary_verdict::nodata; ///< pass / marginal / fail / nodata
  /// 100 × pass / (pass + high + low), rounded to two decimals (100 when no
  /// metric has data); 0 when a critical metric failed, as Kayenta reports it.
  double score = 0.0;
  std::string reason;                    ///< why a verdict other than the score's was given
  std::vector<metric_judgement> metrics; ///< in the order given
};

/// JSON form: {"name", "classification", "critical", "reason", "n_control",
/// "n_experiment", "nan_control", "nan_experiment", "u_statistic", "p_value",
/// "estimate", "ci_lower", "ci_upper", "mean_ratio"}.
template <class = void>
void to_json(json& j, const metric_judgement& m);

/// JSON form: {"verdict", "score", "reason", "metrics": [...]}.
template <class = void>
void to_json(json& j, const judgement& r);

/// Compares one metric's experiment sample with its control sample as
/// Kayenta's MannWhitneyClassifier does (see the header comment): NaN values
/// are dropped and counted; fewer than options.min_sample_size values left
/// in an arm make it nodata (not an exception).
/// Throws rollback_error: mlguard.rollback.non_finite on ±inf,
/// mlguard.rollback.invalid_option for options outside their ranges.
template <class = void>
metric_judgement judge_metric(const std::string& name, span<const double> control,
                              span<const double> experiment,
                              const canary_metric_options& options = {});

/// Judges a canary on several metrics as Kayenta's NetflixACAJudge scores
/// them: each metric through judge_metric, then, in this order,
///  1. a critical metric classified high or low: fail (score 0);
///  2. a critical metric without data, or at least options.nodata_threshold
///     percent of the metrics without data: nodata (Kayenta fails here);
///  3. score ≥ pass_threshold: pass; ≥ marginal_threshold: marginal; else fail.
/// Throws rollback_error: mlguard.rollback.no_metrics for an empty list,
/// mlguard.rollback.invalid_option when 0 ≤ marginal ≤ pass ≤ 100 or
/// nodata_threshold in (0, 100] does not hold, and what judge_metric throws.
template <class = void>
judgement canary_judge(const std::vector<canary_metric>& metrics,
                       const canary_judge_options& options = {});

/// One metric: canary_judge({{"metric", control, experiment, metric}}, options).
template <class = void>
judgement canary_judge(span<const double> control, span<const double> experiment,
                       const canary_metric_options& metric = {},
                       const canary_judge_options& options = {});

namespace detail {

template <class = void>
void check_metric_options(const canary_metric_options& o, const std::string& name);

/// The values of `x` that are not NaN; ±inf throws mlguard.rollback.non_finite.
template <class = void>
std::vector<double> present_values(span<const double> x, const std::string& name, const char* arm);

template <class = void>
double mean(const std::vector<double>& x);

} // namespace detail

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/rollback/hodges_lehmann.hpp"
#include "mlguard/stats/mann_whitney.hpp"
#include "mlguard/stats/special.hpp"

namespace mlguard::rollback {

template <class>
metric_judgement judge_metric(const std::string& name, span<const double> control,
                              span<const double> experiment, const canary_metric_options& options) {
  detail::check_metric_options(options, name);
  metric_judgement r;
  r.name = name;
  r.critical = options.critical;
  const auto c = detail::present_values(control, name, "control");
  const auto e = detail::present_values(experiment, name, "experiment");
  r.n_control = c.size();
  r.n_experiment = e.size();
  r.nan_control = control.size() - c.size();
  r.nan_experiment = experiment.size() - e.size();
  if (c.size() < options.min_sample_size || e.size() < options.min_sample_size) {
    r.classification = metric_class::nodata;
    r.reason = "too few values: " + std::to_string(e.size()) + " experiment, " +
               std::to_string(c.size()) + " control, " + std::to_string(options.min_sample_size) +
               " needed in each";
    return r;
  }

  const auto mw = stats::mann_whitney_u(e, c);
  r.u_statistic = mw.statistic;
  r.p_value = mw.p_value;
  const auto hl =
      detail::hodges_lehmann_sorted(c, e, options.confidence, detail::pairwise_materialise_limit);
  r.estimate = hl.estimate;
  r.ci_lower = hl.lower;
  r.ci_upper = hl.upper;
  const double control_mean = detail::mean(c);
  r.mean_ratio = control_mean == 0.0 ? 1.0 : detail::mean(e) / control_mean;

  if (c == e) {
    r.reason = "the experiment and control samples are identical";
    return r;
  }
  if (c.front() == c.back() && e.front() == e.back() && c.front() == e.front()) {
    r.reason = "every value of both samples is the same";
    return r;
  }
  const double bound = options.tolerance * std::fabs(hl.estimate);
  const bool high_is_bad = options.direction != metric_direction::decrease;
  const bool low_is_bad = options.direction != metric_direction::increase;
  if (high_is_bad && hl.lower > bound && r.mean_ratio >= options.allowed_increase) {
    r.classification = metric_class::high;
    r.reason = "the experiment is higher: the interval's lower end exceeds tolerance × |estimate|";
  } else if (low_is_bad && hl.upper < -bound && r.mean_ratio <= options.allowed_decrease) {
    r.classification = metric_class::low;
    r.reason = "the experiment is lower: the interval's upper end is below −tolerance × |estimate|";
  }
  return r;
}

template <class>
judgement canary_judge(const std::vector<canary_metric>& metrics,
                       const canary_judge_options& options) {
  if (metrics.empty()) {
    throw rollback_error("no_metrics", "canary_judge: no metric to judge the canary on");
  }
  const bool thresholds_ok = options.marginal_threshold >= 0.0 &&
                             options.marginal_threshold <= options.pass_threshold &&
                             options.pass_threshold <= 100.0;
  if (!thresholds_ok || !(options.nodata_threshold > 0.0 && options.nodata_threshold <= 100.0)) {
    throw rollback_error("invalid_option",
                         "canary_judge: thresholds must satisfy 0 ≤ marginal ≤ pass ≤ 100 and "
                         "0 < nodata ≤ 100");
  }
  judgement r;
  r.metrics.reserve(metrics.size());
  std::size_t pass = 0;
  std::size_t failed = 0;
  std::size_t nodata = 0;
  const metric_judgement* critical_failure = nullptr;
  const metric_judgement* critical_nodata = nullptr;
  for (const auto& metric : metrics) {
    r.metrics.push_back(
        judge_metric(metric.name, metric.control, metric.experiment, metric.options));
    const auto& m = r.metrics.back();
    switch (m.classification) {
    case metric_class::pass:
      ++pass;
      break;
    case metric_class::high:
    case metric_class::low:
      ++failed;
      if (m.critical && critical_failure == nullptr) {
        critical_failure = &m;
      }
      break;
    case metric_class::nodata:
      ++nodata;
      if (m.critical && critical_nodata == nullptr) {
        critical_nodata = &m;
      }
      break;
    }
  }
  const std::size_t judged = pass + failed;
  r.score =
      judged == 0
          ? 100.0
          : std::round(100.0 * static_cast<double>(pass) / static_cast<double>(judged) * 100.0) /
                100.0;
  if (critical_failure != nullptr) {
    r.verdict = canary_verdict::fail;
    r.score = 0.0;
    r.reason = "critical metric '" + critical_failure->name + "' is " +
               to_string(critical_failure->classification);
    return r;
  }
  const double nodata_share =
      100.0 * static_cast<double>(nodata) / static_cast<double>(metrics.size());
  if (critical_nodata != nullptr || nodata_share >= options.nodata_threshold) {
    r.verdict = canary_verdict::nodata;
    r.reason = critical_nodata != nullptr
                   ? "critical metric '" + critical_nodata->name + "' has too few values"
                   : std::to_string(nodata) + " of " + std::to_string(metrics.size()) +
                         " metrics have too few values";
    return r;
  }
  if (r.score >= options.pass_threshold) {
    r.verdict = canary_verdict::pass;
  } else if (r.score >= options.marginal_threshold) {
    r.verdict = canary_verdict::marginal;
  } else {
    r.verdict = canary_verdict::fail;
  }
  return r;
}

template <class>
judgement canary_judge(span<const double> control, span<const double> experiment,
                       const canary_metric_options& metric, const canary_judge_options& options) {
  std::vector<canary_metric> one(1);
  one[0].name = "metric";
  one[0].control = control;
  one[0].experiment = experiment;
  one[0].options = metric;
  return canary_judge(one, options);
}

template <class>
void to_json(json& j, const metric_judgement& m) {
  j = json::object();
  j["name"] = m.name;
  j["classification"] = to_string(m.classification);
  j["critical"] = m.critical;
  j["reason"] = m.reason;
  j["n_control"] = m.n_control;
  j["n_experiment"] = m.n_experiment;
  j["nan_control"] = m.nan_control;
  j["nan_experiment"] = m.nan_experiment;
  j["u_statistic"] = json_number(m.u_statistic);
  j["p_value"] = json_number(m.p_value);
  j["estimate"] = json_number(m.estimate);
  j["ci_lower"] = json_number(m.ci_lower);
  j["ci_upper"] = json_number(m.ci_upper);
  j["mean_ratio"] = json_number(m.mean_ratio);
}

template <class>
void to_json(json& j, const judgement& r) {
  j = json::object();
  j["verdict"] = to_string(r.verdict);
  j["score"] = json_number(r.score);
  j["reason"] = r.reason;
  json metrics = json::array();
  for (const auto& m : r.metrics) {
    json one;
    to_json(one, m);
    metrics.push_back(std::move(one));
  }
  j["metrics"] = std::move(metrics);
}

} // namespace mlguard::rollback

namespace mlguard::rollback::detail {

template <class>
void check_metric_options(const canary_metric_options& o, const std::string& name) {
  const std::string where = "canary metric '" + name + "'";
  check_confidence(o.confidence, where.c_str());
  if (!(o.tolerance >= 0.0) || !std::isfinite(o.tolerance)) {
    throw rollback_error("invalid_option",
                         where + ": tolerance must be a finite number ≥ 0 (Kayenta uses 0.25)");
  }
  if (o.min_sample_size < 1) {
    throw rollback_error("invalid_option", where + ": min_sample_size must be at least 1");
  }
  if (!std::isfinite(o.allowed_increase) || !std::isfinite(o.allowed_decrease)) {
    throw rollback_error("invalid_option",
                         where + ": allowed_increase and allowed_decrease must be finite");
  }
}

template <class>
std::vector<double> present_values(span<const double> x, const std::string& name, const char* arm) {
  std::vector<double> out;
  out.reserve(x.size());
  for (double v : x) {
    if (std::isnan(v)) {
      continue;
    }
    if (std::isinf(v)) {
      throw rollback_error("non_finite", "canary metric '" + name + "': the " + arm +
                                             " sample holds an infinite value");
    }
    out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class>
double mean(const std::vector<double>& x) {
  double sum = 0.0;
  for (double v : x) {
    sum += v;
  }
  return sum / static_cast<double>(x.size());
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_CANARY_JUDGE_HPP

#ifndef MLGUARD_STATS_PAIRED_BOOTSTRAP_HPP
#define MLGUARD_STATS_PAIRED_BOOTSTRAP_HPP

// Model metrics on labelled predictions (accuracy, ROC AUC, RMSE, MAE) and a
// seeded paired bootstrap confidence interval for the difference of a metric
// between two models' predictions on the same rows.
//
// References (tests/reference/gen_model_tests.py, sklearn 1.2.1, numpy 1.24.2):
//  - accuracy: sklearn.metrics.accuracy_score(y, score > threshold);
//  - roc_auc: sklearn.metrics.roc_auc_score(y, score), ties included;
//  - rmse / mae: sqrt(mean((y − ŷ)²)) / mean(|y − ŷ|), as numpy computes them;
//  - the interval: numpy.percentile(differences, [100·α/2, 100·(1 − α/2)])
//    (method "linear") over the resamples' differences, the resamples drawn
//    with the SAME indices (bootstrap_index_stream below, rebuilt by the script).
//
// Input contract: labels and predictions of one length (else argument_error
// mlguard.argument.size_mismatch), at least one row (stats_error
// mlguard.stats.empty_sample), no NaN (mlguard.stats.nan_input: a model that
// produced no prediction for a row is not comparable there; drop the row from
// both first), labels 0/1 for accuracy and AUC (mlguard.stats.invalid_label).
// Nothing keeps state; safe to call concurrently. The bootstrap allocates its
// buffers once per call, not per resample. An AUC bootstrap of n rows and B resamples
// costs O(n log n + B·n): the rows are sorted once, each resample is a count per row.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::stats {

/// A metric of labelled predictions. Scores are P(class 1) for accuracy
/// (thresholded) and any monotone score for roc_auc.
enum class model_metric { accuracy, roc_auc, rmse, mae };

/// The metric's name: "accuracy", "roc_auc", "rmse", "mae".
inline const char* to_string(model_metric m) noexcept {
  switch (m) {
  case model_metric::accuracy:
    return "accuracy";
  case model_metric::roc_auc:
    return "roc_auc";
  case model_metric::rmse:
    return "rmse";
  case model_metric::mae:
  default:
    return "mae";
  }
}

/// The metric called `name` (as to_string spells it; "auc" also names
/// roc_auc). Throws stats_error mlguard.stats.invalid_option for another name.
template <class = void>
model_metric model_metric_from_string(const std::string& name);

/// True when a larger value of `m` is better (accuracy, roc_auc).
constexpr bool higher_is_better(model_metric m) noexcept {
  return m == model_metric::accuracy || m == model_metric::roc_auc;
}

namespace detail {

template <class = void>
void check_labelled(model_metric m, span<const double> y, span<const double> score,
                    const char* who);

// ROC AUC of the n rows at y[i], s[i] (labels 0/1 checked, no NaN score), with
// `ranks` as scratch; NaN when one class is absent. The Mann–Whitney form over
// scipy's average ranks (tied scores counted ½), which is what roc_auc_score's
// trapezoids give.
template <class = void>
double roc_auc_rows(const double* y, const double* s, std::size_t n, std::vector<double>& ranks);

// The metric over n rows (checked); NaN when undefined (AUC of one class).
template <class = void>
double metric_rows(model_metric m, const double* y, const double* s, std::size_t n,
                   double threshold, std::vector<double>& scratch);

} // namespace detail

/// The metric `m` of predictions `score` against labels `y`; accuracy
/// counts score > `threshold` as class 1 (LogisticRegression.predict's rule, as
/// drift::performance_tracker and fairness::evaluate). Matches sklearn.metrics
/// accuracy_score / roc_auc_score (ties included) and numpy's RMSE / MAE.
/// Throws as the input contract says, and stats_error
/// mlguard.stats.undefined_metric for the AUC of labels of one class
/// (roc_auc_score raises there too).
template <class = void>
double model_metric_value(model_metric m, span<const double> y, span<const double> score,
                          double threshold = 0.5);

/// The documented generator of bootstrap indices, so that any tool can
/// redraw the same resamples: splitmix64 (Steele, Lea and Flood 2014) from
/// state = seed, each draw
///   state += 0x9E3779B97F4A7C15; z = state;
///   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
///   z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
///   z ^= z >> 31                        (all arithmetic mod 2^64),
/// and the row index is z mod n (the bias, below n / 2^64, is negligible).
/// Resample r takes draws r·n … r·n + n − 1, in order.
class bootstrap_index_stream {
public:
  /// Indices into `n` rows from `seed`.
  bootstrap_index_stream(std::uint64_t seed, std::size_t n) noexcept : state_(seed), n_(n) {}
  /// The next row index, in [0, n).
  std::size_t next() noexcept {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<std::size_t>(z % static_cast<std::uint64_t>(n_));
  }

private:
  std::uint64_t state_;
  std::size_t n_;
};

/// Settings of paired_bootstrap.
struct paired_bootstrap_options {
  /// Resamples drawn (each of n rows, with replacement). At least 1.
  std::size_t resamples = 1000;
  /// Two-sided confidence of the interval, in (0, 1).
  double confidence = 0.95;
  /// Seeds bootstrap_index_stream: the same seed draws the same resamples.
  std::uint64_t seed = 0;
  /// Accuracy's threshold on the score (score > threshold is class 1).
  double threshold = 0.5;
};

/// A paired bootstrap's result: both models' metric on all rows, their
/// difference B − A, and the percentile interval of that difference.
struct paired_bootstrap_result {
  model_metric metric = model_metric::roc_auc;
  double value_a = 0.0;
  double value_b = 0.0;
  double difference = 0.0; ///< value_b − value_a, on all rows
  double ci_low = 0.0;     ///< the interval of value_b − value_a
  double ci_high = 0.0;
  double confidence = 0.95;
  std::size_t resamples = 0; ///< drawn
  std::size_t used = 0;      ///< resamples where the metric is defined for both models
};

/// The paired bootstrap of metric `m` between predictions `a` and `b` of
/// two models on the same rows with labels `y`: resample r draws n row
/// indices (bootstrap_index_stream(options.seed, n)), computes the metric of
/// both models on those rows and keeps value_b − value_a; the interval is
/// numpy.percentile of the kept differences at 100·(1 − confidence)/2 and
/// 100·(1 + confidence)/2 (linear interpolation). Resamples where the metric
/// is undefined (an AUC resample of one class) are skipped and not counted
/// in `used`. Throws as the input contract says (for `a` and `b`),
/// stats_error mlguard.stats.invalid_option (resamples 0, confidence not in
/// (0, 1)), mlguard.stats.undefined_metric (undefined on all rows, or on
/// every resample).
template <class = void>
paired_bootstrap_result paired_bootstrap(model_metric m, span<const double> y, span<const double> a,
                                         span<const double> b,
                                         const paired_bootstrap_options& options = {});

/// As above, with the resamples' row indices given: `indices` holds
/// `resamples` rows of y.size() indices each, resample by resample (so
/// indices.size() must be a multiple of y.size(); else argument_error
/// mlguard.argument.size_mismatch; an index ≥ n: mlguard.argument.out_of_range).
/// options.resamples and options.seed are ignored.
template <class = void>
paired_bootstrap_result paired_bootstrap(model_metric m, span<const double> y, span<const double> a,
                                         span<const double> b, span<const std::size_t> indices,
                                         const paired_bootstrap_options& options = {});

namespace detail {

// numpy.percentile(sorted, q·100, method="linear") of a sorted, non-empty sample.
template <class = void>
double percentile_linear(const std::vector<double>& sorted, double q) noexcept;

// The row indices of `s` in ascending order of score.
template <class = void>
void sorted_rows(span<const double> s, std::vector<std::size_t>& order);

// ROC AUC of the multiset that takes row j `drawn[j]` times, `order` sorting the rows
// by score: the sum over tie groups of positives × (negatives below + ½ negatives
// tied), over positives × negatives. The counts are integers (halves in the sum),
// exact in doubles, so this is the rank-sum AUC of the gathered rows. NaN for one class.
template <class = void>
double weighted_auc(const double* y, const double* s, const std::vector<std::size_t>& order,
                    const std::vector<std::uint32_t>& drawn) noexcept;

template <typename NextIndex>
paired_bootstrap_result
run_paired_bootstrap(model_metric m, span<const double> y, span<const double> a,
                     span<const double> b, std::size_t resamples,
                     const paired_bootstrap_options& options, NextIndex&& next) {
  check_labelled(m, y, a, "paired_bootstrap (model A)");
  check_labelled(m, y, b, "paired_bootstrap (model B)");
  if (resamples == 0) {
    throw stats_error("invalid_option", "paired_bootstrap: resamples must be at least 1");
  }
  if (!(options.confidence > 0.0 && options.confidence < 1.0)) {
    throw stats_error("invalid_option", "paired_bootstrap: confidence must be in (0, 1), not " +
                                            std::to_string(options.confidence));
  }
  const std::size_t n = y.size();
  std::vector<double> scratch;
  paired_bootstrap_result r;
  r.metric = m;
  r.confidence = options.confidence;
  r.resamples = resamples;
  r.value_a = metric_rows(m, y.data(), a.data(), n, options.threshold, scratch);
  r.value_b = metric_rows(m, y.data(), b.data(), n, options.threshold, scratch);
  if (std::isnan(r.value_a) || std::isnan(r.value_b)) {
    throw stats_error("undefined_metric", std::string("paired_bootstrap: ") + to_string(m) +
                                              " is undefined: the labels hold only one class");
  }
  r.difference = r.value_b - r.value_a;
  std::vector<double> ry, ra, rb, differences;
  differences.reserve(resamples);
  // AUC: each model's rows sorted by score once; a resample is then a count per row
  // (how often it was drawn), and its AUC one O(n) walk over the sorted rows.
  const bool auc = m == model_metric::roc_auc;
  std::vector<std::size_t> order_a, order_b;
  std::vector<std::uint32_t> drawn;
  if (auc) {
    sorted_rows(a, order_a);
    sorted_rows(b, order_b);
    drawn.resize(n);
  } else {
    ry.resize(n);
    ra.resize(n);
    rb.resize(n);
  }
  for (std::size_t k = 0; k < resamples; ++k) {
    double va = 0.0, vb = 0.0;
    if (auc) {
      std::fill(drawn.begin(), drawn.end(), 0U);
      for (std::size_t i = 0; i < n; ++i) {
        ++drawn[next()];
      }
      va = weighted_auc(y.data(), a.data(), order_a, drawn);
      vb = weighted_auc(y.data(), b.data(), order_b, drawn);
    } else {
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t j = next();
        ry[i] = y[j];
        ra[i] = a[j];
        rb[i] = b[j];
      }
      va = metric_rows(m, ry.data(), ra.data(), n, options.threshold, scratch);
      vb = metric_rows(m, ry.data(), rb.data(), n, options.threshold, scratch);
    }
    if (!std::isnan(va) && !std::isnan(vb)) {
      differences.push_back(vb - va);
    }
  }
  r.used = differences.size();
  if (differences.empty()) {
    throw stats_error("undefined_metric", std::string("paired_bootstrap: ") + to_string(m) +
                                              " is undefined on every resample");
  }
  std::sort(differences.begin(), differences.end());
  const double tail = (1.0 - options.confidence) / 2.0;
  r.ci_low = percentile_linear(differences, tail);
  r.ci_high = percentile_linear(differences, 1.0 - tail);
  return r;
}

} // namespace detail

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/stats/detail/sort.hpp"
#include "mlguard/stats/rank.hpp"

namespace mlguard::stats {

template <class>
paired_bootstrap_result paired_bootstrap(model_metric m, span<const double> y, span<const double> a,
                                         span<const double> b,
                                         const paired_bootstrap_options& options) {
  bootstrap_index_stream stream(options.seed, y.size());
  return detail::run_paired_bootstrap(m, y, a, b, options.resamples, options,
                                      [&stream] { return stream.next(); });
}

template <class>
paired_bootstrap_result paired_bootstrap(model_metric m, span<const double> y, span<const double> a,
                                         span<const double> b, span<const std::size_t> indices,
                                         const paired_bootstrap_options& options) {
  const std::size_t n = y.size();
  if (n == 0 || indices.size() % n != 0) {
    detail::check_labelled(m, y, a, "paired_bootstrap (model A)"); // empty: empty_sample
    throw argument_error("size_mismatch", "paired_bootstrap: " + std::to_string(indices.size()) +
                                              " indices are not whole resamples of " +
                                              std::to_string(n) + " rows");
  }
  for (const std::size_t j : indices) {
    if (j >= n) {
      throw argument_error("out_of_range", "paired_bootstrap: index " + std::to_string(j) +
                                               " is past the " + std::to_string(n) + " rows");
    }
  }
  std::size_t at = 0;
  return detail::run_paired_bootstrap(m, y, a, b, indices.size() / n, options,
                                      [&] { return indices[at++]; });
}

template <class>
model_metric model_metric_from_string(const std::string& name) {
  for (auto m :
       {model_metric::accuracy, model_metric::roc_auc, model_metric::rmse, model_metric::mae}) {
    if (name == to_string(m)) {
      return m;
    }
  }
  if (name == "auc") {
    return model_metric::roc_auc;
  }
  throw stats_error("invalid_option",
                    "unknown metric '" + name + "' (accuracy, roc_auc, rmse or mae)");
}

} // namespace mlguard::stats

namespace mlguard::stats::detail {

template <class>
void check_labelled(model_metric m, span<const double> y, span<const double> score,
                    const char* who) {
  if (y.size() != score.size()) {
    throw argument_error("size_mismatch", std::string(who) + ": " + std::to_string(y.size()) +
                                              " labels but " + std::to_string(score.size()) +
                                              " predictions");
  }
  if (y.empty()) {
    throw stats_error("empty_sample", std::string(who) + ": no rows");
  }
  const bool binary = m == model_metric::accuracy || m == model_metric::roc_auc;
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::isnan(y[i])) {
      throw_nan_input(who, "labels");
    }
    if (std::isnan(score[i])) {
      throw stats_error("nan_input", std::string(who) + ": the prediction for row " +
                                         std::to_string(i) + " is NaN");
    }
    if (binary && y[i] != 0.0 && y[i] != 1.0) {
      throw stats_error("invalid_label", std::string(who) + ": " + to_string(m) +
                                             " needs labels 0 or 1; row " + std::to_string(i) +
                                             " has " + std::to_string(y[i]));
    }
  }
}

template <class>
double roc_auc_rows(const double* y, const double* s, std::size_t n, std::vector<double>& ranks) {
  ranks.resize(n);
  rank_average(span<const double>(s, n), span<double>(ranks));
  double positives = 0.0;
  double rank_sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    positives += y[i] == 1.0 ? 1.0 : 0.0;
    rank_sum += y[i] == 1.0 ? ranks[i] : 0.0;
  }
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0.0 || negatives == 0.0) {
    return std::nan("");
  }
  return (rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives);
}

template <class>
double metric_rows(model_metric m, const double* y, const double* s, std::size_t n,
                   double threshold, std::vector<double>& scratch) {
  double sum = 0.0;
  switch (m) {
  case model_metric::accuracy:
    for (std::size_t i = 0; i < n; ++i) {
      sum += ((s[i] > threshold ? 1.0 : 0.0) == y[i]) ? 1.0 : 0.0;
    }
    return sum / static_cast<double>(n);
  case model_metric::roc_auc:
    return roc_auc_rows(y, s, n, scratch);
  case model_metric::rmse:
    for (std::size_t i = 0; i < n; ++i) {
      sum += (y[i] - s[i]) * (y[i] - s[i]);
    }
    return std::sqrt(sum / static_cast<double>(n));
  case model_metric::mae:
  default:
    for (std::size_t i = 0; i < n; ++i) {
      sum += std::abs(y[i] - s[i]);
    }
    return sum / static_cast<double>(n);
  }
}

} // namespace mlguard::stats::detail

namespace mlguard::stats {

template <class>
double model_metric_value(model_metric m, span<const double> y, span<const double> score,
                          double threshold) {
  detail::check_labelled(m, y, score, to_string(m));
  std::vector<double> scratch;
  const double v = detail::metric_rows(m, y.data(), score.data(), y.size(), threshold, scratch);
  if (std::isnan(v)) {
    throw stats_error("undefined_metric", "roc_auc is undefined: the labels hold only one class");
  }
  return v;
}

} // namespace mlguard::stats

namespace mlguard::stats::detail {

template <class>
double percentile_linear(const std::vector<double>& sorted, double q) noexcept {
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

template <class>
void sorted_rows(span<const double> s, std::vector<std::size_t>& order) {
  order.resize(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&s](std::size_t x, std::size_t z) { return s[x] < s[z]; });
}

template <class>
double weighted_auc(const double* y, const double* s, const std::vector<std::size_t>& order,
                    const std::vector<std::uint32_t>& drawn) noexcept {
  double positives = 0.0, negatives_below = 0.0, sum = 0.0;
  std::size_t start = 0;
  const std::size_t n = order.size();
  while (start < n) {
    std::size_t end = start;
    double pos = 0.0, neg = 0.0;
    do {
      const std::size_t j = order[end];
      (y[j] == 1.0 ? pos : neg) += static_cast<double>(drawn[j]);
      ++end;
    } while (end < n && s[order[end]] == s[order[start]]);
    sum += pos * (negatives_below + 0.5 * neg);
    positives += pos;
    negatives_below += neg;
    start = end;
  }
  if (positives == 0.0 || negatives_below == 0.0) {
    return std::nan("");
  }
  return sum / (positives * negatives_below);
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_PAIRED_BOOTSTRAP_HPP

#ifndef MLGUARD_DRIFT_PERFORMANCE_TRACKER_HPP
#define MLGUARD_DRIFT_PERFORMANCE_TRACKER_HPP

// Model quality over windows of labelled predictions (labels often arrive
// late), and the per-observation error stream that online drift detectors
// (DDM on 0/1 errors, ADWIN on absolute errors) watch for concept drift.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/detail/pending_predictions.hpp"
#include "mlguard/drift/window.hpp"

namespace mlguard::drift {

/// What the tracked model predicts.
enum class model_task {
  binary_classification, ///< prediction = P(label = 1) (or a 0/1 class); label 0 or 1
  regression             ///< prediction and label are numbers
};

/// Options of a performance_tracker.
struct performance_options {
  model_task task = model_task::binary_classification;
  /// Labelled observations per (tumbling) window.
  std::size_t window = 1000;
  /// Classification: the predicted class is 1 when prediction > this
  /// (LogisticRegression.predict's rule for 0.5).
  double decision_threshold = 0.5;
  /// Delayed labels: predictions waiting for their label, at most.
  std::size_t pending_capacity = 4096;
};

/// Quality metrics over one window of labelled observations: its span (the
/// same fields as every windowed result, drift/window.hpp: index, first_row
/// and last_row count labelled observations from 1, rows is their number)
/// and each metric, unset when undefined for the task or the window.
struct performance_report : window_span {
  std::optional<double> accuracy;   ///< sklearn accuracy_score(y, ŷ > threshold)
  std::optional<double> error_rate; ///< 1 − accuracy
  std::optional<double> log_loss; ///< sklearn 1.2.1 log_loss(y, p, labels=[0, 1]) (eps = 2⁻⁵²)
  std::optional<double> auc;      ///< sklearn roc_auc_score(y, p); unset with one class only
  std::optional<double> mae;      ///< sklearn mean_absolute_error
  std::optional<double> rmse;     ///< sklearn mean_squared_error ** 0.5
};

/// JSON: the window_span fields ("window", "first_row", "last_row", "rows")
/// and each defined metric ("accuracy", "error_rate", "log_loss", "auc",
/// "mae", "rmse"), doubles as json_number writes them.
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const performance_report& r);

/// Tracks a model's quality over tumbling windows of labelled observations.
///
/// - observe(prediction, label) when both are known; or, for delayed labels,
///   record_prediction(id, prediction) at serving time and
///   record_label(id, label) when the label arrives (a fixed-capacity table
///   joins them; no allocation).
/// - Each labelled observation yields its error: 0/1 misclassification
///   (classification) or |label − prediction| (regression). It is returned,
///   and passed to the error callback: feed it to an online detector
///   (drift::online's DDM/EDDM/HDDM take 0/1 errors, ADWIN/PageHinkley any
///   number) to detect concept drift.
/// - Every `window` observations the window closes and the window callback
///   gets a performance_report; current() reports the open window.
/// - Metrics match scikit-learn 1.2.1 on the same inputs
///   (tests/drift/performance_tracker.test.cpp, fixture from
///   tests/reference/gen_performance.py): accuracy_score, log_loss (p
///   clipped to [eps, 1 − eps] with eps = numpy float64 eps, then the row
///   [1 − p, p] renormalised, as sklearn does), roc_auc_score (computed by
///   average ranks: AUC = (R₊ − n₊(n₊+1)/2)/(n₊n₋), equal to sklearn's
///   trapezoidal ROC area), mean_absolute_error, mean_squared_error ** 0.5.
/// - Bad data never throws: an observation with a NaN/Inf prediction or
///   label, or a classification label other than 0/1, is skipped and
///   counted in invalid(); its error is NaN.
///
/// Memory: 16·window bytes of (prediction, label) pairs + 8·window of
/// scratch for the AUC ranks + 24·(2·pending_capacity rounded up to a
/// power of two) for the pending table; constant while streaming.
/// Threads: not synchronised (one tracker per thread).
template <class = void> // deferred: see core/json.hpp
class basic_performance_tracker {
public:
  /// Receives each closed window.
  using window_callback = std::function<void(const performance_report&)>;
  /// Receives the error of each labelled observation.
  using error_callback = std::function<void(double error)>;

  /// Throws drift_error (mlguard.drift.invalid_option) when window or
  /// pending_capacity is 0 or the decision threshold is not finite.
  explicit basic_performance_tracker(performance_options options, window_callback on_window = {},
                                     error_callback on_error = {});

  /// Adds a labelled observation and returns its error (NaN when the
  /// observation is invalid and skipped). Closes the window when full (the
  /// window callback runs then; closing allocates the ranks' index buffer).
  double observe(double prediction, double label);

  /// Remembers a prediction until its label arrives. Returns false (and
  /// counts it in dropped()) when pending_capacity predictions already wait
  /// or the id is already pending. Never allocates or throws.
  bool record_prediction(std::uint64_t id, double prediction) noexcept;

  /// Joins a label with its pending prediction and observes the pair;
  /// returns the error, or nothing when no prediction is pending under `id`
  /// (counted in unmatched()).
  std::optional<double> record_label(std::uint64_t id, double label);

  /// The metrics of the open window (allocates for the AUC ranks).
  performance_report current() const;

  /// The error of one observation: 0/1 misclassification or |label − prediction|.
  double error_of(double prediction, double label) const noexcept;

  /// Labelled observations so far (valid ones).
  std::uint64_t labelled() const noexcept { return labelled_; }
  /// Observations skipped as invalid.
  std::uint64_t invalid() const noexcept { return invalid_; }
  /// Predictions refused because the pending table was full (or the id pending).
  std::uint64_t dropped() const noexcept { return dropped_; }
  /// Labels whose prediction was not pending.
  std::uint64_t unmatched() const noexcept { return unmatched_; }
  /// Predictions waiting for their label.
  std::size_t pending() const noexcept { return pending_.size(); }
  /// Windows closed.
  std::uint64_t windows_closed() const noexcept { return windows_; }
  /// Observations in the open window.
  std::size_t in_window() const noexcept { return n_; }

private:
  bool valid(double prediction, double label) const noexcept;

  performance_options options_;
  window_callback on_window_;
  error_callback on_error_;
  detail::pending_predictions pending_;
  std::vector<double> predictions_;
  std::vector<double> labels_;
  mutable std::vector<double> scratch_;
  std::size_t n_ = 0;
  std::uint64_t labelled_ = 0;
  std::uint64_t invalid_ = 0;
  std::uint64_t dropped_ = 0;
  std::uint64_t unmatched_ = 0;
  std::uint64_t windows_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using performance_tracker = basic_performance_tracker<>;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/span.hpp"
#include "mlguard/stats/detail/numpy.hpp"
#include "mlguard/stats/rank.hpp"

namespace mlguard::drift {

template <class> // deferred: see core/json.hpp
void to_json(json& j, const performance_report& r) {
  j = json::object();
  write_window_span(j, r);
  auto put = [&](const char* name, const std::optional<double>& v) {
    if (v) {
      j[name] = json_number(*v);
    }
  };
  put("accuracy", r.accuracy);
  put("error_rate", r.error_rate);
  put("log_loss", r.log_loss);
  put("auc", r.auc);
  put("mae", r.mae);
  put("rmse", r.rmse);
}

template <class V>
MLGUARD_INLINE basic_performance_tracker<V>::basic_performance_tracker(performance_options options,
                                                                       window_callback on_window,
                                                                       error_callback on_error)
    : options_(options), on_window_(std::move(on_window)), on_error_(std::move(on_error)),
      pending_(options.pending_capacity) {
  if (options_.window == 0) {
    throw drift_error("invalid_option", "a performance window needs at least 1 observation");
  }
  if (!std::isfinite(options_.decision_threshold)) {
    throw drift_error("invalid_option", "the decision threshold must be finite");
  }
  predictions_.assign(options_.window, 0.0);
  labels_.assign(options_.window, 0.0);
  scratch_.assign(options_.window, 0.0);
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::observe(double prediction, double label)
    -> double {
  if (!valid(prediction, label)) {
    ++invalid_;
    return std::numeric_limits<double>::quiet_NaN();
  }
  const double err = error_of(prediction, label);
  predictions_[n_] = prediction;
  labels_[n_] = label;
  ++n_;
  ++labelled_;
  if (on_error_) {
    on_error_(err);
  }
  if (n_ == options_.window) {
    const auto report = current();
    ++windows_;
    n_ = 0;
    if (on_window_) {
      on_window_(report);
    }
  }
  return err;
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::record_prediction(std::uint64_t id,
                                                                    double prediction) noexcept
    -> bool {
  if (!pending_.insert(id, prediction)) {
    ++dropped_;
    return false;
  }
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::record_label(std::uint64_t id, double label)
    -> std::optional<double> {
  double prediction = 0.0;
  if (!pending_.take(id, prediction)) {
    ++unmatched_;
    return std::nullopt;
  }
  return observe(prediction, label);
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::current() const -> performance_report {
  performance_report r;
  r.index = windows_;
  r.rows = n_;
  if (n_ == 0) {
    return r; // no rows: first_row = last_row = 0
  }
  r.first_row = labelled_ - n_ + 1;
  r.last_row = labelled_;
  const span<const double> p(predictions_.data(), n_);
  const span<const double> y(labels_.data(), n_);
  const auto n = static_cast<double>(n_);
  double* t = scratch_.data();
  if (options_.task == model_task::regression) {
    for (std::size_t i = 0; i < n_; ++i) {
      t[i] = std::abs(p[i] - y[i]);
    }
    r.mae = stats::detail::numpy_sum(t, n_) / n;
    for (std::size_t i = 0; i < n_; ++i) {
      const double d = y[i] - p[i];
      t[i] = d * d;
    }
    r.rmse = std::sqrt(stats::detail::numpy_sum(t, n_) / n);
    return r;
  }
  std::size_t correct = 0;
  std::size_t positives = 0;
  for (std::size_t i = 0; i < n_; ++i) {
    correct += error_of(p[i], y[i]) == 0.0 ? 1 : 0;
    positives += y[i] == 1.0 ? 1 : 0;
  }
  r.accuracy = static_cast<double>(correct) / n;
  r.error_rate = 1.0 - *r.accuracy;
  // sklearn 1.2.1 log_loss: clip, [1 − p, p] renormalised, −log of the label's column.
  const double eps = std::numeric_limits<double>::epsilon();
  for (std::size_t i = 0; i < n_; ++i) {
    const double q = std::min(std::max(p[i], eps), 1.0 - eps);
    const double sum = (1.0 - q) + q;
    t[i] = -std::log(y[i] == 1.0 ? q / sum : (1.0 - q) / sum);
  }
  r.log_loss = stats::detail::numpy_sum(t, n_) / n;
  const std::size_t negatives = n_ - positives;
  if (positives > 0 && negatives > 0) {
    stats::rank_average(p, span<double>(t, n_));
    double rank_sum = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
      rank_sum += y[i] == 1.0 ? t[i] : 0.0;
    }
    const auto np = static_cast<double>(positives);
    r.auc = (rank_sum - np * (np + 1.0) / 2.0) / (np * static_cast<double>(negatives));
  }
  return r;
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::error_of(double prediction,
                                                           double label) const noexcept -> double {
  if (options_.task == model_task::regression) {
    return std::abs(label - prediction);
  }
  const double predicted = prediction > options_.decision_threshold ? 1.0 : 0.0;
  return predicted == label ? 0.0 : 1.0;
}

template <class V>
MLGUARD_INLINE auto basic_performance_tracker<V>::valid(double prediction,
                                                        double label) const noexcept -> bool {
  if (!std::isfinite(prediction) || !std::isfinite(label)) {
    return false;
  }
  return options_.task == model_task::regression || label == 0.0 || label == 1.0;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_PERFORMANCE_TRACKER_HPP

#ifndef MLGUARD_SERVING_GUARDED_MODEL_HPP
#define MLGUARD_SERVING_GUARDED_MODEL_HPP

// One model version, guarded: every request is validated against the
// schema, scored by the bundle's model (the pipeline, or a runtime such as
// XGBoost behind it), and watched by windowed monitors on its inputs and
// its prediction, in one call that neither allocates nor throws on bad data.

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/concurrent_monitor.hpp"
#include "mlguard/drift/detail/pending_predictions.hpp"
#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/performance_tracker.hpp"
#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/guarded_options.hpp"
#include "mlguard/serving/model.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/model_loaders.hpp"
#include "mlguard/serving/outcome.hpp"
#include "mlguard/validate/validate_row.hpp"

namespace mlguard::serving {

/// A closed monitor window, tagged with the version whose requests filled it.
struct version_window {
  int version = 0;
  /// "inputs" or "predictions".
  std::string_view stream;
  drift::window_report report;
};

/// A closed performance window (delayed labels), tagged with its version.
struct version_performance {
  int version = 0;
  drift::performance_report report;
};

/// One contribution per explanation name and the base value (see
/// guarded_model::explain): for XGBoost, exact TreeSHAP values of the
/// margin; for a linear pipeline, SHAP's linear values credited to its input
/// features (explain/linear_contributions.hpp). Both sum with the base value
/// to the margin.
struct explanation {
  std::vector<std::string> names;
  std::vector<double> contributions;
  double base_value = 0.0;
};

/// A model version that serves requests: the bundle's schema, model and
/// monitors behind one predict() call.
///
/// predict(row) — a row of doubles in layout order (categorical features as
/// codes in the schema's vocabulary), or predict_fields(fields) — text
/// fields in layout order, as a request sends them:
/// 1. validates the row against the schema, applying its row policies;
/// 2. scores it with the bundle's model (serving/model.hpp): the pipeline
///    itself, or a model of another kind behind the pipeline's preprocessing;
/// 3. observes the validated inputs and the outputs in the monitors;
/// 4. remembers the prediction under the request id for record_label.
/// Nothing is imputed silently: a value made up by the schema's impute
/// policy, or a missing value the pipeline's imputer fills, makes the status
/// `imputed` and is counted. A row the model cannot take (a reject policy, a
/// missing value with no imputer) is `rejected`, never scored.
///
/// Hot path: no allocation, no exception on bad data, and no lock a reader
/// of the model can hold: each of `lanes` lanes has its own model copy,
/// buffers and monitor shard behind its own mutex, and a thread always uses
/// the same lane. The request that completes a monitor window evaluates it
/// (merging the lanes' shards) and runs on_window; that request allocates.
///
/// Thread safety: predict, predict_fields, record_label and the accessors
/// may be called from any number of threads at once.
template <class = void> // deferred: see core/json.hpp
class basic_guarded_model {
public:
  /// Builds the model of `bundle` for registry version `version`: checks the
  /// bundle (check_bundle), loads its model through options.models (the
  /// pipeline's stages from `stages`), checks that the model reads the
  /// layout's features and that the predictions profile has its outputs,
  /// builds the monitors' references from the profiles and runs the smoke
  /// rows (options.check_smoke). Throws serving_error (layout_mismatch,
  /// smoke_failed, unknown_model, bundle_corrupt from a model that cannot
  /// load its member; invalid_option for top_contributions above
  /// outcome::max_contributions), pipeline_error, drift_error (a monitor
  /// option that does not fit, e.g. a window that is not a tumbling count),
  /// format_error.
  basic_guarded_model(model_bundle bundle, int version, guarded_options options = {},
                      const pipeline::stage_registry& stages = pipeline::builtin_stages());

  basic_guarded_model(const basic_guarded_model&) = delete;
  basic_guarded_model& operator=(const basic_guarded_model&) = delete;
  basic_guarded_model(basic_guarded_model&&) = delete;
  basic_guarded_model& operator=(basic_guarded_model&&) = delete;

  /// Scores a row of doubles in layout order (see the class comment).
  /// `request_id` 0 = assign one (returned in the outcome). Never throws or
  /// allocates (but see the class comment on closing windows).
  outcome predict(span<const double> row, std::uint64_t request_id = 0) noexcept;

  /// Scores a row as predict() does, and writes the model's outputs into `outputs`: the
  /// first min(outputs.size(), outputs()) of them, NaN when the row is rejected (the
  /// outcome's prediction is the first). For callers that keep every output (a batch
  /// job writing all of a multi-output model's columns). Never throws or allocates
  /// (see predict).
  outcome predict_into(span<const double> row, span<double> outputs,
                       std::uint64_t request_id = 0) noexcept;

  /// Scores text fields in layout order (validate_fields parses them as
  /// io::read_csv does). Never throws or allocates (see predict).
  outcome predict_fields(span<const std::string_view> fields,
                         std::uint64_t request_id = 0) noexcept;

  /// Scores every row of `batch`: its columns are found by layout name (in
  /// any order, others ignored) and categorical ones read into the schema's
  /// vocabulary by category name (to_matrix). Rows are scored as predict()
  /// scores them, with request ids assigned. The batch path: allocates.
  /// Throws argument_error (mlguard.argument.unknown_column) naming a layout
  /// feature the batch lacks, mlguard.argument.wrong_kind for a numeric
  /// column where the layout has a categorical one.
  std::vector<outcome> predict_batch(const table& batch);

  /// Joins a delayed label with the prediction this model made for
  /// `request_id`; returns the error, or nothing when this model has no
  /// such prediction pending. Closing a performance window runs
  /// on_performance. The pending table's mutex, which predict shares, is
  /// held only for the O(1) lookup, never while a window is evaluated.
  std::optional<double> record_label(std::uint64_t request_id, double label);

  /// True when a prediction for `request_id` waits for its label here.
  bool awaits_label(std::uint64_t request_id) const;

  /// Explains the prediction for `row` (layout order, as predict takes it):
  /// validates it as predict does (imputing by the schema's policies), then
  /// asks the model for one contribution per explanation name and the base
  /// value. Not counted or monitored. Allocates: for looking into a request,
  /// not for every request. Throws argument_error (size_mismatch),
  /// serving_error (mlguard.serving.not_explainable: the model has no
  /// explanations; mlguard.serving.row_rejected: validation rejects the
  /// row), and whatever the model's explain_row throws.
  explanation explain(span<const double> row);

  /// Runs every smoke row of the bundle through the model (predict_fields
  /// without counting or monitoring) and compares the outputs with the
  /// expected ones. Throws serving_error (mlguard.serving.smoke_failed)
  /// naming the first row that differs or is rejected.
  void check_smoke();

  /// The registry version.
  int version() const noexcept { return version_; }
  /// The bundle it serves.
  const model_bundle& bundle() const noexcept { return bundle_; }
  const feature_layout& layout() const noexcept { return bundle_.layout; }
  /// The number of outputs per request (outcome.prediction is the first).
  std::size_t outputs() const noexcept { return output_names_.size(); }
  /// The names of the outputs, in order (the model's feature_names_out).
  const std::vector<std::string>& output_names() const noexcept { return output_names_; }
  std::size_t lanes() const noexcept { return lanes_.size(); }

  /// The request counters so far.
  request_counts counts() const noexcept;

  /// Requests in which feature `feature` (layout index) had anomaly `kind`
  /// so far. 0 for an index outside the layout.
  std::uint64_t anomaly_count(std::size_t feature, validate::anomaly_kind kind) const noexcept;

  /// Closes the monitors' open windows now (those with rows), reporting
  /// them through on_window. Allocates.
  void flush();

private:
  struct lane {
    lane(const any_model& m, std::size_t features, std::size_t outputs)
        : model(m), row(features), anomalies(features), out(outputs) {}
    std::mutex mutex;
    any_model model;
    std::vector<double> row;
    std::vector<validate::anomaly_set> anomalies;
    std::vector<double> out;
    std::size_t index = 0;
  };

  std::vector<drift::feature_reference> input_references() const;

  // A concurrent monitor with one shard per lane. We cut windows ourselves
  // (every window.size rows), so each shard gets twice that room.
  std::unique_ptr<drift::concurrent_monitor>
  make_monitor(std::vector<drift::feature_reference> refs, drift::monitor_options o,
               std::string_view stream, std::size_t& window);

  lane& my_lane() noexcept;

  outcome begin(std::uint64_t request_id) noexcept;

  outcome finish_malformed(outcome& o) noexcept;

  void fill_rejected(span<double> outputs) const noexcept;

  outcome score(lane& l, std::unique_lock<std::mutex>& lock, const validate::row_result& r,
                outcome& o, span<double> outputs = {}) noexcept;

  bool is_missing(std::size_t i, double v) const noexcept;

  void count(const outcome& o) noexcept;

  void count_anomalies(std::size_t feature, validate::anomaly_set a) noexcept;

  void emit(std::string_view stream, const drift::window_report& r);

  model_bundle bundle_;
  int version_;
  guarded_options options_;
  std::vector<std::string> output_names_;
  std::vector<std::unique_ptr<lane>> lanes_;
  std::unique_ptr<drift::concurrent_monitor> inputs_;
  std::unique_ptr<drift::concurrent_monitor> predictions_;
  std::size_t input_window_ = 1;
  std::size_t prediction_window_ = 1;
  std::atomic<std::uint64_t> input_rows_{0};
  std::atomic<std::uint64_t> prediction_rows_{0};
  // Predictions waiting for labels apart from the tracker, so that a request
  // never waits for a performance window being evaluated.
  mutable std::mutex pending_mutex_;
  drift::detail::pending_predictions pending_;
  std::mutex tracker_mutex_;
  drift::performance_tracker tracker_;
  std::array<std::atomic<std::uint64_t>, 4> counts_{};
  std::atomic<std::uint64_t> imputed_values_{0};
  // [feature * anomaly_kind_count + kind]: requests with that anomaly.
  std::unique_ptr<std::atomic<std::uint64_t>[]> anomaly_counts_;
};

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <thread>

#include "mlguard/core/table_ops.hpp"

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE basic_guarded_model<V>::basic_guarded_model(model_bundle bundle, int version,
                                                           guarded_options options,
                                                           const pipeline::stage_registry& stages)
    : bundle_(std::move(bundle)), version_(version), options_(std::move(options)),
      pending_(options_.performance.pending_capacity),
      tracker_(
          options_.performance,
          [this](const drift::performance_report& r) {
            if (options_.on_performance) {
              options_.on_performance(version_performance{version_, r});
            }
          },
          [this](double error) {
            if (options_.on_error) {
              options_.on_error(version_, error);
            }
          }) {
  check_bundle(bundle_);
  if (options_.top_contributions > outcome::max_contributions) {
    throw serving_error("invalid_option", "top_contributions is " +
                                              std::to_string(options_.top_contributions) +
                                              "; an outcome lists at most " +
                                              std::to_string(outcome::max_contributions));
  }
  anomaly_counts_ = std::make_unique<std::atomic<std::uint64_t>[]>(bundle_.layout.size() *
                                                                   validate::anomaly_kind_count);
  const any_model prototype = options_.models.load(bundle_, stages);
  bundle_.layout.check_names(prototype.feature_names_in(), "the model's inputs");
  output_names_ = prototype.feature_names_out();
  if (output_names_.empty()) {
    throw serving_error("layout_mismatch", "the model has no output");
  }
  const std::size_t lanes = options_.lanes != 0
                                ? options_.lanes
                                : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < lanes; ++i) {
    lanes_.push_back(std::make_unique<lane>(prototype, bundle_.layout.size(), outputs()));
    lanes_.back()->index = i;
  }
  if (options_.monitor_inputs) {
    inputs_ = make_monitor(input_references(), options_.inputs, "inputs", input_window_);
  }
  if (options_.monitor_predictions && !bundle_.predictions.columns().empty()) {
    std::vector<drift::feature_reference> refs;
    for (const auto& name : prototype.feature_names_out()) {
      const auto* p = bundle_.predictions.find(name);
      if (p == nullptr) {
        throw serving_error("layout_mismatch",
                            "the predictions profile lacks the model's output '" + name + "'");
      }
      refs.push_back(drift::feature_reference::from_profile(name, *p, options_.predictions.bins));
    }
    predictions_ =
        make_monitor(std::move(refs), options_.predictions, "predictions", prediction_window_);
  }
  if (options_.check_smoke) {
    check_smoke();
  }
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::predict(span<const double> row,
                                                    std::uint64_t request_id) noexcept -> outcome {
  auto& l = my_lane();
  std::unique_lock<std::mutex> lock(l.mutex);
  outcome o = begin(request_id);
  if (row.size() != bundle_.layout.size()) {
    return finish_malformed(o);
  }
  std::copy(row.begin(), row.end(), l.row.begin());
  const auto r = validate::validate_row(bundle_.schema, l.row, l.anomalies);
  return score(l, lock, r, o);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::predict_into(span<const double> row,
                                                         span<double> outputs,
                                                         std::uint64_t request_id) noexcept
    -> outcome {
  auto& l = my_lane();
  std::unique_lock<std::mutex> lock(l.mutex);
  outcome o = begin(request_id);
  if (row.size() != bundle_.layout.size()) {
    fill_rejected(outputs);
    return finish_malformed(o);
  }
  std::copy(row.begin(), row.end(), l.row.begin());
  const auto r = validate::validate_row(bundle_.schema, l.row, l.anomalies);
  return score(l, lock, r, o, outputs);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::predict_fields(span<const std::string_view> fields,
                                                           std::uint64_t request_id) noexcept
    -> outcome {
  auto& l = my_lane();
  std::unique_lock<std::mutex> lock(l.mutex);
  outcome o = begin(request_id);
  if (fields.size() != bundle_.layout.size()) {
    return finish_malformed(o);
  }
  const auto r = validate::validate_fields(bundle_.schema, fields, l.row, l.anomalies);
  return score(l, lock, r, o);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::predict_batch(const table& batch)
    -> std::vector<outcome> {
  const auto& layout = bundle_.layout;
  std::vector<const vocabulary*> vocabs;
  for (std::size_t i = 0; i < layout.size(); ++i) {
    vocabs.push_back(
        layout[i].kind == validate::feature_kind::categorical ? &bundle_.schema.vocab(i) : nullptr);
  }
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto rows = to_matrix<row_major>(batch, layout.names(), vocabs);
  std::vector<outcome> out;
  out.reserve(static_cast<std::size_t>(rows.rows()));
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    out.push_back(predict(span<const double>(rows.row(r).data(), layout.size())));
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::record_label(std::uint64_t request_id, double label)
    -> std::optional<double> {
  double prediction = 0.0;
  {
    const std::lock_guard<std::mutex> lock(pending_mutex_);
    if (!pending_.take(request_id, prediction)) {
      return std::nullopt;
    }
  }
  const std::lock_guard<std::mutex> lock(tracker_mutex_);
  return tracker_.observe(prediction, label);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::awaits_label(std::uint64_t request_id) const -> bool {
  const std::lock_guard<std::mutex> lock(pending_mutex_);
  return pending_.contains(request_id);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::explain(span<const double> row) -> explanation {
  if (row.size() != bundle_.layout.size()) {
    throw argument_error("size_mismatch", "explain: the row has " + std::to_string(row.size()) +
                                              " values; the layout has " +
                                              std::to_string(bundle_.layout.size()));
  }
  auto& l = my_lane();
  const std::lock_guard<std::mutex> lock(l.mutex);
  if (!l.model.explains()) {
    throw serving_error("not_explainable", "a model of kind '" + std::string(l.model.kind()) +
                                               "' does not explain its predictions");
  }
  std::copy(row.begin(), row.end(), l.row.begin());
  if (validate::validate_row(bundle_.schema, l.row, l.anomalies).rejected) {
    throw serving_error("row_rejected", "explain: the schema's policies reject the row");
  }
  explanation e;
  e.names = l.model.explanation_names();
  std::vector<double> values(e.names.size() + 1);
  l.model.explain_row(l.row.data(), values.data());
  e.base_value = values.back();
  values.pop_back();
  e.contributions = std::move(values);
  return e;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::check_smoke() -> void {
  auto& l = *lanes_.front();
  const std::lock_guard<std::mutex> lock(l.mutex);
  std::vector<std::string_view> fields;
  for (std::size_t i = 0; i < bundle_.smoke.size(); ++i) {
    const auto& s = bundle_.smoke[i];
    fields.assign(s.fields.begin(), s.fields.end());
    const auto r = validate::validate_fields(bundle_.schema, fields, l.row, l.anomalies);
    const auto st = l.model.predict_row(l.row.data(), l.out.data());
    if (r.rejected || pipeline::stops(st)) {
      throw serving_error("smoke_failed", "smoke row " + std::to_string(i) + " was rejected");
    }
    if (s.expected.size() != outputs()) {
      throw serving_error("smoke_failed", "smoke row " + std::to_string(i) + " expects " +
                                              std::to_string(s.expected.size()) +
                                              " outputs; the model has " +
                                              std::to_string(outputs()));
    }
    for (std::size_t k = 0; k < outputs(); ++k) {
      const double want = s.expected[k];
      const double got = l.out[k];
      if (!(std::abs(got - want) <= bundle_.smoke_tolerance * std::max(1.0, std::abs(want)))) {
        throw serving_error("smoke_failed", "smoke row " + std::to_string(i) + ": output " +
                                                std::to_string(k) + " is " + std::to_string(got) +
                                                ", expected " + std::to_string(want));
      }
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::counts() const noexcept -> request_counts {
  request_counts c;
  c.ok = counts_[0].load(std::memory_order_relaxed);
  c.flagged = counts_[1].load(std::memory_order_relaxed);
  c.imputed = counts_[2].load(std::memory_order_relaxed);
  c.rejected = counts_[3].load(std::memory_order_relaxed);
  c.imputed_values = imputed_values_.load(std::memory_order_relaxed);
  return c;
}

template <class V>
MLGUARD_INLINE auto
basic_guarded_model<V>::anomaly_count(std::size_t feature,
                                      validate::anomaly_kind kind) const noexcept -> std::uint64_t {
  if (feature >= bundle_.layout.size()) {
    return 0;
  }
  return anomaly_counts_[feature * validate::anomaly_kind_count + static_cast<std::size_t>(kind)]
      .load(std::memory_order_relaxed);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::flush() -> void {
  if (inputs_) {
    emit("inputs", inputs_->collect());
  }
  if (predictions_) {
    emit("predictions", predictions_->collect());
  }
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::input_references() const
    -> std::vector<drift::feature_reference> {
  std::vector<drift::feature_reference> refs;
  for (std::size_t i = 0; i < bundle_.layout.size(); ++i) {
    const auto& f = bundle_.layout[i];
    const auto& p = bundle_.reference.at(f.name);
    if (f.kind == validate::feature_kind::categorical) {
      refs.push_back(drift::feature_reference::from_profile(f.name, p, bundle_.schema.vocab(i)));
    } else {
      refs.push_back(drift::feature_reference::from_profile(f.name, p, options_.inputs.bins));
    }
  }
  return refs;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::make_monitor(std::vector<drift::feature_reference> refs,
                                                         drift::monitor_options o,
                                                         std::string_view stream,
                                                         std::size_t& window)
    -> std::unique_ptr<drift::concurrent_monitor> {
  if (o.window.kind != drift::window_kind::tumbling_count) {
    throw drift_error("invalid_option", "a guarded model's " + std::string(stream) +
                                            " monitor needs a tumbling count window");
  }
  window = o.window.size;
  o.window.size *= 2;
  return std::make_unique<drift::concurrent_monitor>(
      refs, std::move(o), lanes_.size(),
      [this, stream](const drift::window_report& r) { emit(stream, r); });
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::my_lane() noexcept -> lane& {
  static std::atomic<std::size_t> next_thread{0};
  thread_local const std::size_t thread_number = next_thread.fetch_add(1);
  return *lanes_[thread_number % lanes_.size()];
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::begin(std::uint64_t request_id) noexcept -> outcome {
  outcome o;
  o.version = version_;
  // Assigned ids are unique in the process, so labels find their version.
  static std::atomic<std::uint64_t> next_request{1};
  o.request_id =
      request_id != 0 ? request_id : next_request.fetch_add(1, std::memory_order_relaxed);
  return o;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::finish_malformed(outcome& o) noexcept -> outcome {
  o.malformed = true;
  o.status = request_status::rejected;
  count(o);
  return o;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::fill_rejected(span<double> outputs) const noexcept
    -> void {
  std::fill(outputs.begin(), outputs.end(), std::numeric_limits<double>::quiet_NaN());
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::score(lane& l, std::unique_lock<std::mutex>& lock,
                                                  const validate::row_result& r, outcome& o,
                                                  span<double> outputs) noexcept -> outcome {
  const auto& schema = bundle_.schema;
  o.anomalous_features = static_cast<std::uint32_t>(r.anomalous_features);
  for (std::size_t i = 0; i < l.row.size(); ++i) {
    const auto a = l.anomalies[i];
    if (!a.empty()) {
      count_anomalies(i, a);
      if (o.listed < outcome::max_listed) {
        o.anomalies[o.listed++] = {static_cast<std::uint32_t>(i), a};
      }
    }
    if ((!a.empty() || a.missing()) && schema.check(i).action == validate::row_action::impute) {
      ++o.imputed_values; // the schema made this value up
    } else if (is_missing(i, l.row[i])) {
      ++o.imputed_values; // the pipeline's imputer will, or the model rejects it
    }
  }
  if (r.rejected) {
    o.status = request_status::rejected;
    o.imputed_values = 0;
    fill_rejected(outputs);
    count(o);
    return o;
  }
  const auto st = l.model.predict_row(l.row.data(), l.out.data());
  if (pipeline::stops(st)) {
    o.status = request_status::rejected;
    o.imputed_values = 0;
    fill_rejected(outputs);
    count(o);
    return o;
  }
  o.prediction = l.out[0];
  if (options_.top_contributions != 0) {
    o.contributions_listed = static_cast<std::uint32_t>(
        l.model.explain_top(l.row.data(), o.contributions.data(), options_.top_contributions));
  }
  std::copy_n(l.out.begin(), std::min(outputs.size(), output_names_.size()), outputs.begin());
  o.status = o.imputed_values > 0 ? request_status::imputed
             : (o.anomalous_features > 0 || st == pipeline::row_status::flagged)
                 ? request_status::flagged
                 : request_status::ok;
  const std::size_t shard = l.index;
  bool close_inputs = false;
  bool close_predictions = false;
  try {
    if (inputs_) {
      inputs_->observe(shard, l.row.data());
      close_inputs =
          input_rows_.fetch_add(1, std::memory_order_relaxed) % input_window_ == input_window_ - 1;
    }
    if (predictions_) {
      predictions_->observe(shard, l.out.data());
      close_predictions =
          prediction_rows_.fetch_add(1, std::memory_order_relaxed) % prediction_window_ ==
          prediction_window_ - 1;
    }
  } catch (...) { // a shard's own window closing failed to allocate: keep serving
  }
  {
    const std::lock_guard<std::mutex> pending_lock(pending_mutex_);
    pending_.insert(o.request_id, o.prediction); // full: the label will find nothing
  }
  count(o);
  lock.unlock();
  if (close_inputs || close_predictions) {
    try {
      if (close_inputs) {
        emit("inputs", inputs_->collect());
      }
      if (close_predictions) {
        emit("predictions", predictions_->collect());
      }
    } catch (...) { // a failed window evaluation must not fail the request
    }
  }
  return o;
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::is_missing(std::size_t i, double v) const noexcept
    -> bool {
  if (std::isnan(v)) {
    return true;
  }
  return bundle_.layout[i].kind == validate::feature_kind::categorical &&
         v == static_cast<double>(missing_code);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::count(const outcome& o) noexcept -> void {
  counts_[static_cast<std::size_t>(o.status)].fetch_add(1, std::memory_order_relaxed);
  imputed_values_.fetch_add(o.imputed_values, std::memory_order_relaxed);
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::count_anomalies(std::size_t feature,
                                                            validate::anomaly_set a) noexcept
    -> void {
  auto* counts = &anomaly_counts_[feature * validate::anomaly_kind_count];
  for (std::uint32_t bits = a.bits(), k = 0; bits != 0; bits >>= 1, ++k) {
    if ((bits & 1U) != 0) {
      counts[k].fetch_add(1, std::memory_order_relaxed);
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_guarded_model<V>::emit(std::string_view stream,
                                                 const drift::window_report& r) -> void {
  if (options_.on_window && r.rows > 0) {
    options_.on_window(version_window{version_, stream, r});
  }
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_GUARDED_MODEL_HPP

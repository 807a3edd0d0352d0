#ifndef MLGUARD_EXPLAIN_LINEAR_CONTRIBUTIONS_HPP
#define MLGUARD_EXPLAIN_LINEAR_CONTRIBUTIONS_HPP

// Exact per-prediction contributions for a pipeline that ends in a linear or
// logistic model, traced back to the pipeline's ORIGINAL input features.
//
// The formula is SHAP's LinearExplainer under the independence assumption,
// applied to the features the model stage reads (the transformed features z):
//     φ_t = coef_t · (z_t − E[z_t]),   base value = intercept + Σ_t coef_t · E[z_t],
// so Σ φ_t + base value = the margin (the prediction of linear_regression, the
// log-odds of logistic_regression). E[z_t] comes from an explain::background:
// the mean of z_t over the training rows, measured once (measure_background;
// make_bundle stores it in the bundle). Each φ_t is then credited to the one
// original feature z_t comes from: a scaled, imputed or clipped column to its
// own column, every indicator of a one-hot block to its categorical column, a
// selected column to the column it copies. Stages other than the built-in
// column-wise ones (imputer, standard/min_max/robust scaler, clipper,
// one_hot_encoder, column_selector, and the validation and monitoring taps,
// which edit a value only by its own column's policy) cannot be traced and are
// refused: a callback_tap or an application's stage may mix columns.
//
// The clipper is not linear: its contribution is taken on the clipped value,
// so a value clipped at the bound gets the bound's contribution, as SHAP would
// give for a model whose inputs are the clipped features. The imputer likewise
// credits an imputed value as the fill value.
//
// Threads: one object per thread (it keeps scratch buffers; copies are deep).
// Per row: contributions(), explain_row() and top() neither allocate nor throw.
// Errors (explain_error): mlguard.explain.unsupported_model (the last stage is
// not linear_regression / logistic_regression), unsupported_stage,
// background_mismatch, empty_data.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/explain/background.hpp"
#include "mlguard/explain/contribution.hpp"
#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"

namespace mlguard::explain {

namespace detail {

// Stages whose output column j is computed from input column j alone (taps
// that impute or clip by the schema's policies included).
template <class = void>
bool is_columnwise(std::string_view kind) noexcept;

template <class = void>
bool is_linear(std::string_view kind) noexcept;

// The parts of a pipeline document a linear explanation needs.
struct linear_plan {
  std::vector<std::string> inputs;       // the pipeline's input features
  std::vector<std::string> model_inputs; // the model stage's input features
  std::vector<std::uint32_t> origin;     // model input -> pipeline input
  json preprocessing;                    // the document without its last stage; null if none
  std::vector<double> coef;
  double intercept = 0.0;
  bool logistic = false;
};

// Traces every model input to the pipeline input it comes from.
template <class = void> // deferred: see core/json.hpp
linear_plan plan_of(const json& doc, const pipeline::stage_registry& stages);

} // namespace detail

/// Measures the background of `fitted_pipeline` (a pipeline document ending in
/// a linear model) on training rows `X` (rows are observations, columns the
/// pipeline's inputs): each row runs through the stages before the model, and
/// E[z_t] is the plain mean of z_t over the rows that come out finite (a row
/// the preprocessing rejects, or that keeps a NaN, is left out). Throws
/// explain_error (mlguard.explain.size_mismatch: X's width is not the
/// pipeline's; empty_data: no row comes out finite), and as linear_explainer.
template <class = void>
background measure_background(const json& fitted_pipeline,
                              const Eigen::Ref<const Eigen::MatrixXd>& X,
                              const pipeline::stage_registry& stages = pipeline::builtin_stages());

/// measure_background for a fitted pipeline object (anything with to_json()).
template <typename Pipeline>
background measure_background(const Pipeline& fitted, const Eigen::Ref<const Eigen::MatrixXd>& X) {
  return measure_background(fitted.to_json(), X);
}

/// Exact contributions of a linear or logistic pipeline's input features to
/// its margin (see the top of this header for the formula and the tracing).
template <class = void> // deferred: see core/json.hpp
class basic_linear_explainer {
public:
  /// From a fitted pipeline document and the background measured for it.
  /// Throws explain_error (unsupported_model, unsupported_stage;
  /// background_mismatch when `bg` names other features than the model
  /// stage reads), and as dynamic_pipeline::from_json.
  static basic_linear_explainer
  from_document(const json& fitted_pipeline, const background& bg,
                const pipeline::stage_registry& stages = pipeline::builtin_stages());
  /// From a fitted pipeline object (anything with to_json()).
  template <typename Pipeline>
  static basic_linear_explainer of(const Pipeline& fitted, const background& bg) {
    return from_document(fitted.to_json(), bg);
  }

  /// The pipeline's input features: what contributions are credited to.
  const std::vector<std::string>& feature_names() const noexcept { return inputs_; }
  std::size_t input_width() const noexcept { return inputs_.size(); }
  /// The model stage's input features (the transformed ones).
  const std::vector<std::string>& model_features() const noexcept { return model_inputs_; }
  /// For each model feature, the index of the input feature it comes from.
  const std::vector<std::uint32_t>& origin() const noexcept { return origin_; }
  /// E[z] per model feature (the background's means).
  const std::vector<double>& background_mean() const noexcept { return mean_; }
  /// The stages run before the model: the pipeline's but its last, less monitoring
  /// taps (they pass rows through unchanged; a copy would watch the rows a second time).
  std::size_t preprocessing_stages() const noexcept { return prep_ ? prep_->size() : 0; }
  /// intercept + Σ coef · E[z]: the margin of an average row.
  double base_value() const noexcept { return base_; }
  /// True for logistic_regression: the margin is the log-odds, not the probability.
  bool logistic() const noexcept { return logistic_; }

  /// Writes one contribution per input feature into `out` (input_width()
  /// values), summing with base_value() to the margin. A row the
  /// preprocessing rejects, or whose model inputs are not finite, gives NaN
  /// and row_status::invalid_input (or the rejecting status). No allocation,
  /// no throw.
  pipeline::row_status contributions(const double* in, double* out) noexcept;

  /// The model contract's explain_row: input_width() contributions, then the
  /// base value (input_width() + 1 values). No allocation, no throw.
  pipeline::row_status explain_row(const double* in, double* out) noexcept;

  /// The `k` largest contributions by absolute value, largest first (ties:
  /// the lower feature index first), into out[0..k). Returns how many were
  /// written: min(k, input_width()), or 0 when the row cannot be explained.
  /// For k ≤ 8 and up to 255 features (the per-request case) magnitudes that
  /// agree to 2⁻⁴⁴ relative count as tied. No allocation, no throw.
  std::size_t top(const double* in, feature_contribution* out, std::size_t k) noexcept;

private:
  // Up to this many input features (and 8 contributions asked for) top()
  // keeps a branch-free sorted list; beyond, it inserts with branches.
  static constexpr std::size_t fast_top_features = 255;

  basic_linear_explainer() = default;

  // The model's inputs for row `in`, into z_.
  pipeline::row_status transform(const double* in) noexcept;

  std::optional<pipeline::dynamic_pipeline> prep_;
  std::vector<std::string> inputs_;
  std::vector<std::string> model_inputs_;
  std::vector<std::uint32_t> origin_;
  std::vector<double> coef_;
  std::vector<double> mean_;
  double intercept_ = 0.0;
  double base_ = 0.0;
  bool logistic_ = false;
  std::vector<double> z_;
  std::vector<double> c_;
  std::vector<double> abs_;
};

/// The type to name (a class template only so that its bodies compile where used).
using linear_explainer = basic_linear_explainer<>;

} // namespace mlguard::explain

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::explain::detail {

template <class>
bool is_columnwise(std::string_view kind) noexcept {
  return kind == "imputer" || kind == "standard_scaler" || kind == "min_max_scaler" ||
         kind == "robust_scaler" || kind == "clipper" || kind == "validation_tap" ||
         kind == "monitoring_tap";
}

template <class>
bool is_linear(std::string_view kind) noexcept {
  return kind == "linear_regression" || kind == "logistic_regression";
}

template <class> // deferred: see core/json.hpp
linear_plan plan_of(const json& doc, const pipeline::stage_registry& stages) {
  auto full = pipeline::dynamic_pipeline::from_json(doc, stages); // validates the document
  const json& list = doc.at("stages");
  const std::size_t n = list.size();
  linear_plan p;
  p.inputs = full.feature_names_in();
  const std::string last = list[n - 1].at("kind").get<std::string>();
  if (!is_linear(last)) {
    throw explain_error("unsupported_model", "contributions need a pipeline ending in "
                                             "linear_regression or logistic_regression; its "
                                             "last stage is " +
                                                 last);
  }
  std::vector<std::string> names = p.inputs;
  for (std::size_t i = 0; i < names.size(); ++i) {
    p.origin.push_back(static_cast<std::uint32_t>(i));
  }
  for (std::size_t k = 0; k + 1 < n; ++k) {
    const std::string kind = list[k].at("kind").get<std::string>();
    const json& params = list[k].at("params");
    const json_reader r(params, "pipeline", "stages[" + std::to_string(k) + "].params");
    auto stage = stages.load(kind, r, names);
    std::vector<std::string> out = stage->feature_names_out();
    std::vector<std::uint32_t> next;
    if (is_columnwise(kind)) {
      next = p.origin;
    } else if (kind == "column_selector") {
      for (const auto& c : out) {
        std::size_t j = 0;
        while (names[j] != c) { // the stage loaded, so every column is there
          ++j;
        }
        next.push_back(p.origin[j]);
      }
    } else if (kind == "one_hot_encoder") {
      const auto columns = r.texts("columns");
      const bool unseen = r.flag("unseen_bucket");
      const json& cats = r.array("categories");
      for (std::size_t j = 0; j < names.size(); ++j) {
        std::size_t c = 0;
        while (c < columns.size() && columns[c] != names[j]) {
          ++c;
        }
        const std::size_t block = c < columns.size() ? cats[c].size() + (unseen ? 1 : 0) : 1;
        next.insert(next.end(), block, p.origin[j]);
      }
    } else {
      throw explain_error("unsupported_stage", "stage " + std::to_string(k) + " (" + kind +
                                                   ") cannot be traced back to its input "
                                                   "features");
    }
    if (next.size() != out.size()) { // a loaded stage disagrees with its params
      throw explain_error("unsupported_stage", "stage " + std::to_string(k) + " (" + kind +
                                                   ") has an output layout this explainer "
                                                   "does not understand");
    }
    p.origin = std::move(next);
    names = std::move(out);
  }
  p.model_inputs = names;
  p.logistic = last == "logistic_regression";
  if (p.logistic) {
    const auto* m = full.stage_as<pipeline::logistic_regression>(n - 1);
    p.coef = m->coef();
    p.intercept = m->intercept();
  } else {
    const auto* m = full.stage_as<pipeline::linear_regression>(n - 1);
    p.coef = m->coef();
    p.intercept = m->intercept();
  }
  if (n > 1) {
    p.preprocessing = doc;
    auto& stages_doc = p.preprocessing["stages"];
    stages_doc.erase(n - 1);
    // A monitoring tap passes rows through unchanged; the explainer's copy of it would
    // feed a second drift monitor on every explained row (and close its windows there).
    for (std::size_t i = stages_doc.size(); i-- > 0;) {
      if (stages_doc[i].value("kind", std::string()) == "monitoring_tap") {
        stages_doc.erase(i);
      }
    }
    if (stages_doc.empty()) {
      p.preprocessing = nullptr;
    } else {
      p.preprocessing["output_features"] = names;
    }
  }
  return p;
}

} // namespace mlguard::explain::detail

namespace mlguard::explain {

template <class>
background measure_background(const json& fitted_pipeline,
                              const Eigen::Ref<const Eigen::MatrixXd>& X,
                              const pipeline::stage_registry& stages) {
  const auto plan = detail::plan_of(fitted_pipeline, stages);
  if (static_cast<std::size_t>(X.cols()) != plan.inputs.size()) {
    throw explain_error("size_mismatch", "measure_background: X has " + std::to_string(X.cols()) +
                                             " columns; the pipeline reads " +
                                             std::to_string(plan.inputs.size()));
  }
  std::optional<pipeline::dynamic_pipeline> prep;
  if (!plan.preprocessing.is_null()) {
    prep.emplace(pipeline::dynamic_pipeline::from_json(plan.preprocessing, stages));
  }
  const std::size_t width = plan.model_inputs.size();
  std::vector<double> row(plan.inputs.size());
  std::vector<double> z(width);
  std::vector<double> sum(width, 0.0);
  std::uint64_t rows = 0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (std::size_t j = 0; j < row.size(); ++j) {
      row[j] = X(i, static_cast<Eigen::Index>(j));
    }
    if (prep) {
      if (pipeline::stops(prep->transform_row(row.data(), z.data()))) {
        continue;
      }
    } else {
      z = row;
    }
    bool finite = true;
    for (double v : z) {
      finite = finite && std::isfinite(v);
    }
    if (!finite) {
      continue;
    }
    for (std::size_t t = 0; t < width; ++t) {
      sum[t] += z[t];
    }
    ++rows;
  }
  if (rows == 0) {
    throw explain_error("empty_data", "measure_background: no training row gives finite model "
                                      "inputs (" +
                                          std::to_string(X.rows()) + " rows given)");
  }
  background b;
  b.features = plan.model_inputs;
  b.rows = rows;
  for (double s : sum) {
    b.mean.push_back(s / static_cast<double>(rows));
  }
  return b;
}

template <class V>
MLGUARD_INLINE auto basic_linear_explainer<V>::from_document(const json& fitted_pipeline,
                                                             const background& bg,
                                                             const pipeline::stage_registry& stages)
    -> basic_linear_explainer {
  auto plan = detail::plan_of(fitted_pipeline, stages);
  if (bg.features != plan.model_inputs || bg.mean.size() != plan.model_inputs.size()) {
    throw explain_error(
        "background_mismatch",
        "the background describes " + std::to_string(bg.features.size()) +
            " features; the model reads " + std::to_string(plan.model_inputs.size()) +
            (bg.features.size() == plan.model_inputs.size() ? " under other names" : ""));
  }
  basic_linear_explainer e;
  if (!plan.preprocessing.is_null()) {
    e.prep_.emplace(pipeline::dynamic_pipeline::from_json(plan.preprocessing, stages));
  }
  e.inputs_ = std::move(plan.inputs);
  e.model_inputs_ = std::move(plan.model_inputs);
  e.origin_ = std::move(plan.origin);
  e.coef_ = std::move(plan.coef);
  e.intercept_ = plan.intercept;
  e.logistic_ = plan.logistic;
  e.mean_ = bg.mean;
  e.base_ = e.intercept_;
  for (std::size_t t = 0; t < e.coef_.size(); ++t) {
    e.base_ += e.coef_[t] * e.mean_[t];
  }
  e.z_.assign(e.model_inputs_.size(), 0.0);
  e.c_.assign(e.inputs_.size(), 0.0);
  e.abs_.assign(e.inputs_.size(), 0.0);
  return e;
}

template <class V>
MLGUARD_INLINE auto basic_linear_explainer<V>::contributions(const double* in, double* out) noexcept
    -> pipeline::row_status {
  const auto st = transform(in);
  const std::size_t n = inputs_.size();
  if (pipeline::stops(st)) {
    for (std::size_t j = 0; j < n; ++j) {
      out[j] = std::numeric_limits<double>::quiet_NaN();
    }
    return st;
  }
  for (std::size_t j = 0; j < n; ++j) {
    out[j] = 0.0;
  }
  const std::size_t m = coef_.size();
  for (std::size_t t = 0; t < m; ++t) {
    out[origin_[t]] += coef_[t] * (z_[t] - mean_[t]);
  }
  return st;
}

template <class V>
MLGUARD_INLINE auto basic_linear_explainer<V>::explain_row(const double* in, double* out) noexcept
    -> pipeline::row_status {
  const auto st = contributions(in, out);
  out[inputs_.size()] = base_;
  return st;
}

template <class V>
MLGUARD_INLINE auto basic_linear_explainer<V>::top(const double* in, feature_contribution* out,
                                                   std::size_t k) noexcept -> std::size_t {
  if (k == 0 || pipeline::stops(contributions(in, c_.data()))) {
    return 0;
  }
  const std::size_t n = inputs_.size();
  const std::size_t m = k < n ? k : n;
  const double* c = c_.data();
  double* a = abs_.data();
  for (std::size_t j = 0; j < n; ++j) {
    a[j] = std::fabs(c[j]);
  }
  if (m <= 8 && n <= fast_top_features) {
    // Eight sorted slots updated with min/max only, no data-dependent
    // branch (inserting with branches mispredicts on every reordering of
    // random data). Each key is |c|'s bits (non-negative doubles order as
    // their bit patterns) with the low 8 bits replaced by 255 − j, so a tie
    // goes to the lower index and the key names its feature. Magnitudes
    // within 2⁻⁴⁴ (relative) of each other therefore count as equal.
    constexpr std::uint64_t low = 0xFF;
    std::uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0;
    for (std::size_t j = 0; j < n; ++j) {
      std::uint64_t bits = 0;
      std::memcpy(&bits, &a[j], sizeof bits);
      const std::uint64_t key = (bits & ~low) | (low - j); // > 0: beats an empty slot
      // from the bottom, so that each slot reads its upper neighbour's old key
      t7 = std::max(t7, std::min(t6, key));
      t6 = std::max(t6, std::min(t5, key));
      t5 = std::max(t5, std::min(t4, key));
      t4 = std::max(t4, std::min(t3, key));
      t3 = std::max(t3, std::min(t2, key));
      t2 = std::max(t2, std::min(t1, key));
      t1 = std::max(t1, std::min(t0, key));
      t0 = std::max(t0, key);
    }
    const std::uint64_t slots[8] = {t0, t1, t2, t3, t4, t5, t6, t7};
    for (std::size_t r = 0; r < m; ++r) {
      const std::size_t j = static_cast<std::size_t>(low - (slots[r] & low));
      out[r] = {static_cast<std::uint32_t>(j), c[j]};
    }
    return m;
  }
  // Many features: insert each into the sorted top list (strict >: an
  // equal later feature does not displace an earlier one).
  std::size_t used = 0;
  for (std::size_t j = 0; j < n; ++j) {
    const double v = a[j];
    if (used == m && !(v > std::fabs(out[m - 1].value))) {
      continue;
    }
    std::size_t pos = used < m ? used++ : m - 1;
    while (pos > 0 && v > std::fabs(out[pos - 1].value)) {
      out[pos] = out[pos - 1];
      --pos;
    }
    out[pos] = {static_cast<std::uint32_t>(j), c[j]};
  }
  return m;
}

template <class V>
MLGUARD_INLINE auto basic_linear_explainer<V>::transform(const double* in) noexcept
    -> pipeline::row_status {
  const std::size_t m = z_.size();
  auto st = pipeline::row_status::ok;
  if (prep_) {
    st = prep_->transform_row(in, z_.data());
    if (pipeline::stops(st)) {
      return st;
    }
  } else {
    for (std::size_t t = 0; t < m; ++t) {
      z_[t] = in[t];
    }
  }
  for (std::size_t t = 0; t < m; ++t) {
    if (!std::isfinite(z_[t])) {
      return pipeline::row_status::invalid_input;
    }
  }
  return st;
}

} // namespace mlguard::explain

#endif // MLGUARD_COMPILED
#endif // MLGUARD_EXPLAIN_LINEAR_CONTRIBUTIONS_HPP

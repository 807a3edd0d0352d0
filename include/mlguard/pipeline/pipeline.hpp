#ifndef MLGUARD_PIPELINE_PIPELINE_HPP
#define MLGUARD_PIPELINE_PIPELINE_HPP

// static_pipeline<Stages...>: a chain of stages composed at compile time, like
// sklearn's Pipeline, with a batch path and an allocation-free per-row path.

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/document.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_traits.hpp"

namespace mlguard::pipeline {

/// A chain of stages composed at compile time, like sklearn's Pipeline:
/// `static_pipeline<imputer, standard_scaler, logistic_regression>`.
///
/// fit() fits stage by stage, each on the output of the ones before it; the
/// batch transform() runs the chain on a column-major matrix (rows are
/// observations); transform_row() runs one row through statically dispatched
/// stages using two scratch rows the pipeline owns (sized at fit or load), so
/// it neither allocates nor throws. Each Stage is checked against the stage
/// contract (stages/stage_traits.hpp) with readable static_asserts.
///
/// Persistence: to_json()/save() write one versioned "mlguard.pipeline"
/// document; from_json()/load() read it back, and the loaded pipeline gives
/// bit-identical outputs (doubles round-trip exactly).
///
/// Threads: the per-row path writes the scratch rows (and taps may keep
/// state), so one pipeline object serves one thread at a time; copy it per
/// thread (copies share nothing).
template <typename... Stages>
class static_pipeline {
  static_assert(sizeof...(Stages) > 0, "mlguard::pipeline needs at least one stage");
  static_assert((check_stage<Stages>() && ...));
  static constexpr std::size_t count = sizeof...(Stages);

public:
  /// The document's identity: "mlguard.pipeline", version 1.
  static constexpr document_format format = pipeline_format;

  /// The stages with their default settings, not fitted.
  static_pipeline() = default;
  /// The stages, configured but not fitted.
  explicit static_pipeline(Stages... s) : stages_(std::move(s)...) {}

  /// Fits every stage in order on X (rows = observations) whose columns are
  /// `feature_names`; supervised stages (models) receive y.
  /// Throws pipeline_error: mlguard.pipeline.width_mismatch (names vs columns),
  /// mlguard.pipeline.empty (no rows), mlguard.pipeline.missing_labels (a
  /// supervised stage and no y), and whatever a stage's fit throws.
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X, std::vector<std::string> feature_names) {
    fit_impl(X, std::move(feature_names), nullptr);
  }
  /// Fits with labels y (one per row).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X, std::vector<std::string> feature_names,
           const Eigen::Ref<const Eigen::VectorXd>& y) {
    if (y.size() != X.rows()) {
      throw pipeline_error("size_mismatch", "pipeline::fit: " + std::to_string(y.size()) +
                                                " labels for " + std::to_string(X.rows()) +
                                                " rows");
    }
    const Eigen::VectorXd labels = y;
    fit_impl(X, std::move(feature_names), &labels);
  }

  /// Runs the chain on a batch. Rows a tap rejects come out as NaN.
  /// Throws pipeline_error: mlguard.pipeline.not_fitted,
  /// mlguard.pipeline.width_mismatch, mlguard.pipeline.nan_input (NaN reaching
  /// a model), and stage errors.
  Eigen::MatrixXd transform(const Eigen::Ref<const Eigen::MatrixXd>& X) {
    std::vector<row_status> status;
    return transform(X, status);
  }
  /// The same, also reporting each row's status.
  Eigen::MatrixXd transform(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            std::vector<row_status>& status) {
    check_ready();
    detail::check_width(static_cast<std::size_t>(X.cols()), input_width(), "pipeline");
    status.assign(static_cast<std::size_t>(X.rows()), row_status::ok);
    Eigen::MatrixXd out(X.rows(), static_cast<Eigen::Index>(output_width_));
    // Chunks of rows keep the intermediate results in cache and avoid
    // allocating (and page-faulting) one full-size matrix per stage.
    std::array<Eigen::MatrixXd, count> buffers;
    std::size_t k = 0;
    std::apply(
        [&](const auto&... s) {
          ((buffers[k++].resize(detail::batch_chunk, static_cast<Eigen::Index>(s.output_width()))),
           ...);
        },
        stages_);
    for (Eigen::Index r = 0; r < X.rows(); r += detail::batch_chunk) {
      const Eigen::Index n = std::min(detail::batch_chunk, X.rows() - r);
      batch<0>(X.middleRows(r, n), out.middleRows(r, n),
               span<row_status>(status.data() + r, static_cast<std::size_t>(n)), buffers);
    }
    for (std::size_t i = 0; i < status.size(); ++i) {
      if (stops(status[i])) {
        out.row(static_cast<Eigen::Index>(i)).setConstant(detail::nan);
      }
    }
    return out;
  }

  /// The first output column of transform(X): the predictions of a model stage.
  Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd>& X) {
    return transform(X).col(0);
  }

  /// One row: reads input_width() doubles at `in`, writes output_width() at
  /// `out`, returns the most severe status of any stage. A row that stops
  /// (rejected, invalid_input, or a pipeline not fitted) comes out as NaN.
  /// Never allocates or throws.
  row_status transform_row(const double* in, double* out) noexcept {
    if (!ready_) {
      std::fill(out, out + output_width_, detail::nan);
      return row_status::invalid_input;
    }
    return row<0>(in, out, scratch_a_.data(), scratch_b_.data(), row_status::ok);
  }
  /// The same with sizes checked: a wrong width returns invalid_input.
  row_status transform_row(span<const double> in, span<double> out) noexcept {
    if (in.size() != input_width() || out.size() != output_width()) {
      std::fill(out.begin(), out.end(), detail::nan);
      return row_status::invalid_input;
    }
    return transform_row(in.data(), out.data());
  }

  /// Input width and feature names (known after fit or load).
  std::size_t input_width() const noexcept { return input_names_.size(); }
  std::size_t output_width() const noexcept { return output_width_; }
  const std::vector<std::string>& feature_names_in() const noexcept { return input_names_; }
  std::vector<std::string> feature_names_out() const {
    return std::get<count - 1>(stages_).feature_names_out();
  }
  /// True after fit() or from_json().
  bool fitted() const noexcept { return ready_; }

  /// The I-th stage.
  template <std::size_t I>
  auto& stage() noexcept {
    return std::get<I>(stages_);
  }
  template <std::size_t I>
  const auto& stage() const noexcept {
    return std::get<I>(stages_);
  }

  /// The pipeline document. Throws pipeline_error (mlguard.pipeline.not_fitted).
  json to_json() const {
    check_ready();
    json list = json::array();
    std::apply(
        [&list](const auto&... s) {
          (detail::add_stage(list, std::decay_t<decltype(s)>::kind, s.to_json()), ...);
        },
        stages_);
    return detail::write_pipeline_document(input_names_, feature_names_out(), std::move(list));
  }

  /// Restores a fitted pipeline from its document; `source` names it in errors.
  /// Throws format_error (mlguard.format.corrupt, wrong_kind, newer_version,
  /// unknown_field), pipeline_error (mlguard.pipeline.stage_mismatch when the
  /// document's stage kinds are not Stages..., width_mismatch, unknown_feature).
  static static_pipeline from_json(const json& doc, std::string_view source = "pipeline") {
    const auto d = detail::read_pipeline_document(doc, std::string(source));
    if (d.stages.size() != count) {
      throw pipeline_error("stage_mismatch",
                           std::string(source) + ": has " + std::to_string(d.stages.size()) +
                               " stages, this pipeline type has " + std::to_string(count));
    }
    std::vector<std::string> names = d.input_features;
    static_pipeline p = load_stages(d, names, std::index_sequence_for<Stages...>{});
    p.input_names_ = d.input_features;
    detail::check_outputs(d.output_features, p.feature_names_out(), source);
    p.prepare();
    return p;
  }

  /// Writes the document to `path` atomically. Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads a document written by save(). Throws io_error (mlguard.io.open_failed,
  /// read_failed), format_error (mlguard.format.corrupt on malformed JSON), and as from_json.
  static static_pipeline load(const std::string& path) { return from_json(load_json(path), path); }

private:
  template <std::size_t... I>
  static static_pipeline load_stages(const detail::pipeline_document& d,
                                     std::vector<std::string>& names, std::index_sequence<I...>) {
    // Braces: the stages load left to right, each seeing the previous one's names.
    return static_pipeline{load_stage<Stages>(d.stages[I], names)...};
  }
  template <typename S>
  static S load_stage(const detail::stage_entry& e, std::vector<std::string>& names) {
    if (e.kind != S::kind) {
      throw pipeline_error("stage_mismatch", e.params.where() + ": stage \"" + e.kind +
                                                 "\" where \"" + std::string(S::kind) +
                                                 "\" was expected");
    }
    S s = S::from_json(e.params, names);
    names = s.feature_names_out();
    return s;
  }

  void fit_impl(const Eigen::Ref<const Eigen::MatrixXd>& X, std::vector<std::string> names,
                const Eigen::VectorXd* y) {
    detail::check_width(static_cast<std::size_t>(X.cols()), names.size(), "pipeline");
    if (X.rows() == 0) {
      throw pipeline_error("empty", "pipeline::fit: no rows");
    }
    ready_ = false;
    input_names_ = names;
    Eigen::MatrixXd current = X;
    fit_stage<0>(current, names, y);
    prepare();
  }

  template <std::size_t I>
  void fit_stage(Eigen::MatrixXd& current, std::vector<std::string>& names,
                 const Eigen::VectorXd* y) {
    using S = std::tuple_element_t<I, std::tuple<Stages...>>;
    auto& s = std::get<I>(stages_);
    s.bind(names);
    if constexpr (has_supervised_fit_v<S>) {
      if (y == nullptr) {
        throw pipeline_error("missing_labels", "pipeline::fit: stage \"" + std::string(S::kind) +
                                                   "\" is supervised; pass labels");
      }
      s.fit(current, *y);
    } else if constexpr (has_fit_v<S>) {
      s.fit(current);
    }
    if constexpr (I + 1 < count) {
      Eigen::MatrixXd next(current.rows(), static_cast<Eigen::Index>(s.output_width()));
      std::vector<row_status> status(static_cast<std::size_t>(current.rows()), row_status::ok);
      s.transform(current, next, span<row_status>(status));
      current = std::move(next);
      names = s.feature_names_out();
      fit_stage<I + 1>(current, names, y);
    }
  }

  template <std::size_t I>
  void batch(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
             span<row_status> status, std::array<Eigen::MatrixXd, count>& buffers) {
    auto& s = std::get<I>(stages_);
    if constexpr (I + 1 == count) {
      s.transform(in, out, status);
    } else {
      auto next = buffers[I].topRows(in.rows());
      s.transform(in, next, status);
      batch<I + 1>(next, out, status, buffers);
    }
  }

  // Stage I reads `in` and writes `a` (or `out` when last); the scratch rows swap.
  template <std::size_t I>
  row_status row(const double* in, double* out, double* a, double* b, row_status acc) noexcept {
    auto& s = std::get<I>(stages_);
    if constexpr (I + 1 == count) {
      acc = worst(acc, s.transform_row(in, out));
      if (stops(acc)) {
        std::fill(out, out + output_width_, detail::nan);
      }
      return acc;
    } else {
      acc = worst(acc, s.transform_row(in, a));
      if (stops(acc)) {
        std::fill(out, out + output_width_, detail::nan);
        return acc;
      }
      return row<I + 1>(a, out, b, a, acc);
    }
  }

  void check_ready() const {
    if (!ready_) {
      throw pipeline_error("not_fitted", "pipeline: call fit() or load a fitted pipeline first");
    }
  }

  // Sizes the scratch rows: the per-row path then never allocates.
  void prepare() {
    std::size_t widest = 0;
    std::apply(
        [&widest](const auto&... s) { ((widest = std::max(widest, s.output_width())), ...); },
        stages_);
    scratch_a_.assign(widest, 0.0);
    scratch_b_.assign(widest, 0.0);
    output_width_ = std::get<count - 1>(stages_).output_width();
    ready_ = true;
  }

  std::tuple<Stages...> stages_;
  std::vector<std::string> input_names_;
  std::vector<double> scratch_a_;
  std::vector<double> scratch_b_;
  std::size_t output_width_ = 0;
  bool ready_ = false;
};

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_PIPELINE_HPP

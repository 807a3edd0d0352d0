#ifndef MLGUARD_SERVING_PIPELINE_MODEL_HPP
#define MLGUARD_SERVING_PIPELINE_MODEL_HPP

// mlguard's own model behind the model contract (serving/model.hpp): a
// bundle's pipeline that ends in a model stage, such as logistic_regression.
// When that stage is linear and the bundle has a background, it also
// explains its predictions (explain/linear_contributions.hpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/explain/contribution.hpp"
#include "mlguard/explain/linear_contributions.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"

namespace mlguard::serving {

struct model_bundle; // serving/model_bundle.hpp: only from_bundle reads one

/// The model of a bundle whose model.kind is "pipeline" (the default): the
/// pipeline scores the request itself. Copies share nothing (a pipeline is
/// small); each has its own scratch buffers.
template <class = void> // deferred: see core/json.hpp
class basic_pipeline_model {
public:
  static constexpr std::string_view kind = "pipeline";

  explicit basic_pipeline_model(pipeline::dynamic_pipeline p) : pipe_(std::move(p)) {}
  /// A pipeline that explains its predictions with `e` (built for the same pipeline).
  basic_pipeline_model(pipeline::dynamic_pipeline p, explain::linear_explainer e)
      : pipe_(std::move(p)), explainer_(std::move(e)) {}

  /// Loads the bundle's pipeline with `stages`, and its explainer when the
  /// bundle has a background (make_bundle measures one for a pipeline ending
  /// in a linear model). Throws as dynamic_pipeline::from_json (errors name
  /// pipeline.json) and linear_explainer::from_document (explain_error
  /// background_mismatch for a background of other features). A template so
  /// that this header needs no complete model_bundle.
  template <class Bundle = model_bundle>
  static basic_pipeline_model from_bundle(const Bundle& bundle,
                                          const pipeline::stage_registry& stages) {
    auto p = pipeline::dynamic_pipeline::from_json(bundle.pipeline, stages, "pipeline.json");
    if (bundle.background.empty()) {
      return basic_pipeline_model(std::move(p));
    }
    return basic_pipeline_model(std::move(p), explain::linear_explainer::from_document(
                                                  bundle.pipeline, bundle.background, stages));
  }

  std::vector<std::string> feature_names_in() const { return pipe_.feature_names_in(); }
  std::vector<std::string> feature_names_out() const { return pipe_.feature_names_out(); }

  /// The pipeline's transform_row: no allocation, no throw.
  pipeline::row_status predict_row(const double* in, double* out) noexcept;

  /// The pipeline's batch transform over row-major rows. Allocates.
  void predict_batch(span<const double> rows, span<double> out, span<pipeline::row_status> status);

  /// True when it explains its predictions (it has an explainer).
  bool explains() const noexcept { return explainer_.has_value(); }
  /// The pipeline's input features, which contributions are credited to;
  /// empty when !explains().
  std::vector<std::string> explanation_names() const;
  /// One contribution per input feature to the margin, then the base value
  /// (linear_explainer::explain_row). A row the pipeline cannot score gives
  /// NaN. Throws serving_error (mlguard.serving.not_explainable) when !explains().
  void explain_row(const double* in, double* contributions);
  /// The `k` largest contributions, largest magnitude first; returns how many
  /// were written (0 when !explains() or the row cannot be explained). No
  /// allocation, no throw.
  std::size_t explain_top(const double* in, explain::feature_contribution* out,
                          std::size_t k) noexcept;

  /// The pipeline.
  const pipeline::dynamic_pipeline& pipeline() const noexcept { return pipe_; }
  /// The explainer, or nullptr.
  const explain::linear_explainer* explainer() const noexcept;

private:
  pipeline::dynamic_pipeline pipe_;
  std::optional<explain::linear_explainer> explainer_;
};

/// The type to name (a class template only so that its bodies compile where used).
using pipeline_model = basic_pipeline_model<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/model.hpp"

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::predict_row(const double* in, double* out) noexcept
    -> pipeline::row_status {
  return pipe_.transform_row(in, out);
}

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::predict_batch(span<const double> rows,
                                                           span<double> out,
                                                           span<pipeline::row_status> status)
    -> void {
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto n = static_cast<Eigen::Index>(status.size());
  const Eigen::Map<const row_major> x(rows.data(), n,
                                      static_cast<Eigen::Index>(pipe_.input_width()));
  std::vector<pipeline::row_status> st;
  const Eigen::MatrixXd y = pipe_.transform(x, st);
  Eigen::Map<row_major>(out.data(), n, static_cast<Eigen::Index>(pipe_.output_width())) = y;
  std::copy(st.begin(), st.end(), status.begin());
}

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::explanation_names() const -> std::vector<std::string> {
  return explainer_ ? explainer_->feature_names() : std::vector<std::string>();
}

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::explain_row(const double* in, double* contributions)
    -> void {
  if (!explainer_) {
    throw serving_error("not_explainable", "this pipeline has no explainer (its last stage is "
                                           "not linear, or its bundle has no background)");
  }
  (void)explainer_->explain_row(in, contributions);
}

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::explain_top(const double* in,
                                                         explain::feature_contribution* out,
                                                         std::size_t k) noexcept -> std::size_t {
  return explainer_ ? explainer_->top(in, out, k) : 0;
}

template <class V>
MLGUARD_INLINE auto basic_pipeline_model<V>::explainer() const noexcept
    -> const explain::linear_explainer* {
  return explainer_ ? &*explainer_ : nullptr;
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_PIPELINE_MODEL_HPP

#ifndef MLGUARD_SERVING_PIPELINE_MODEL_HPP
#define MLGUARD_SERVING_PIPELINE_MODEL_HPP

// mlguard's own model behind the model contract (serving/model.hpp): a
// bundle's pipeline that ends in a model stage, such as logistic_regression.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/serving/model.hpp"

namespace mlguard::serving {

struct model_bundle; // serving/model_bundle.hpp: only from_bundle reads one

/// The model of a bundle whose model.kind is "pipeline" (the default): the
/// pipeline scores the request itself. Copies share nothing (a pipeline is
/// small); each has its own scratch buffers.
class pipeline_model {
public:
  static constexpr std::string_view kind = "pipeline";

  explicit pipeline_model(pipeline::dynamic_pipeline p) : pipe_(std::move(p)) {}

  /// Loads the bundle's pipeline with `stages`. Throws as
  /// dynamic_pipeline::from_json (errors name pipeline.json). A template so
  /// that this header needs no complete model_bundle.
  template <class Bundle = model_bundle>
  static pipeline_model from_bundle(const Bundle& bundle, const pipeline::stage_registry& stages) {
    return pipeline_model(
        pipeline::dynamic_pipeline::from_json(bundle.pipeline, stages, "pipeline.json"));
  }

  std::vector<std::string> feature_names_in() const { return pipe_.feature_names_in(); }
  std::vector<std::string> feature_names_out() const { return pipe_.feature_names_out(); }

  /// The pipeline's transform_row: no allocation, no throw.
  pipeline::row_status predict_row(const double* in, double* out) noexcept {
    return pipe_.transform_row(in, out);
  }

  /// The pipeline's batch transform over row-major rows. Allocates.
  template <class = void>
  void predict_batch(span<const double> rows, span<double> out, span<pipeline::row_status> status) {
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto n = static_cast<Eigen::Index>(status.size());
    const Eigen::Map<const row_major> x(rows.data(), n,
                                        static_cast<Eigen::Index>(pipe_.input_width()));
    std::vector<pipeline::row_status> st;
    const Eigen::MatrixXd y = pipe_.transform(x, st);
    Eigen::Map<row_major>(out.data(), n, static_cast<Eigen::Index>(pipe_.output_width())) = y;
    std::copy(st.begin(), st.end(), status.begin());
  }

  /// The pipeline.
  const pipeline::dynamic_pipeline& pipeline() const noexcept { return pipe_; }

private:
  pipeline::dynamic_pipeline pipe_;
};

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_PIPELINE_MODEL_HPP

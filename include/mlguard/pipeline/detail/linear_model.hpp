#ifndef MLGUARD_PIPELINE_DETAIL_LINEAR_MODEL_HPP
#define MLGUARD_PIPELINE_DETAIL_LINEAR_MODEL_HPP

// The shared body of linear_regression and logistic_regression: a weight per
// input feature and an intercept, z = x·w + b, output link(z) in one column.

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline::detail {

/// CRTP base: Derived provides `static double link(double z) noexcept` and `kind`.
template <typename Derived>
class linear_model {
public:
  /// Learns the input layout (every input column is a feature).
  void bind(const std::vector<std::string>& names_in) {
    names_in_ = names_in;
    fitted_ = false;
  }

  std::size_t input_width() const noexcept { return names_in_.size(); }
  /// One column: the prediction.
  std::size_t output_width() const noexcept { return 1; }
  const std::vector<std::string>& feature_names_in() const noexcept { return names_in_; }
  std::vector<std::string> feature_names_out() const { return {output_name_}; }

  /// Weights per input feature (sklearn's coef_) and the intercept (intercept_).
  const std::vector<double>& coef() const noexcept { return coef_; }
  double intercept() const noexcept { return intercept_; }

  /// Batch prediction. A row whose status already stops() gets NaN. Throws
  /// pipeline_error: mlguard.pipeline.not_fitted, mlguard.pipeline.width_mismatch,
  /// mlguard.pipeline.nan_input when another row holds NaN (impute upstream).
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> status) const {
    check_fitted(fitted_, Derived::kind);
    check_width(static_cast<std::size_t>(in.cols()), input_width(), Derived::kind);
    // The same four interleaved partial sums as transform_row, vectorised
    // over rows: both paths give the same bits.
    const Eigen::Index d = in.cols();
    Eigen::Matrix<double, Eigen::Dynamic, 4> acc =
        Eigen::Matrix<double, Eigen::Dynamic, 4>::Zero(in.rows(), 4);
    for (Eigen::Index j = 0; j < d; ++j) {
      acc.col(j % 4) += coef_[static_cast<std::size_t>(j)] * in.col(j);
    }
    out.col(0) = (acc.col(0) + acc.col(1)) + (acc.col(2) + acc.col(3));
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
      const bool stopped = !status.empty() && stops(status[static_cast<std::size_t>(i)]);
      const double z = out(i, 0) + intercept_;
      if (stopped) {
        out(i, 0) = nan;
        continue;
      }
      if (std::isnan(z)) {
        throw pipeline_error("nan_input", std::string(Derived::kind) +
                                              ": a row holds NaN; impute missing values "
                                              "upstream (the per-row path reports it as "
                                              "row_status::invalid_input)");
      }
      out(i, 0) = Derived::link(z);
    }
  }

  /// One row: out[0] = link(x·w + b). A NaN in the row (or an Inf that makes
  /// z NaN) gives NaN and row_status::invalid_input. Never throws or allocates.
  row_status transform_row(const double* in, double* out) const noexcept {
    // Four interleaved partial sums: a quarter of the dependency chain of a
    // plain loop. Summed as (s0 + s1) + (s2 + s3), exactly as the batch path.
    double acc[4] = {0, 0, 0, 0};
    const double* w = coef_.data();
    const std::size_t n = coef_.size();
    std::size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      acc[0] += w[j] * in[j];
      acc[1] += w[j + 1] * in[j + 1];
      acc[2] += w[j + 2] * in[j + 2];
      acc[3] += w[j + 3] * in[j + 3];
    }
    for (; j < n; ++j) {
      acc[j % 4] += w[j] * in[j];
    }
    double z = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    z += intercept_;
    if (std::isnan(z)) {
      out[0] = nan;
      return row_status::invalid_input;
    }
    out[0] = Derived::link(z);
    return row_status::ok;
  }

protected:
  linear_model() = default;
  explicit linear_model(std::string output_name) : output_name_(std::move(output_name)) {}

  template <typename XMatrix, typename YVector>
  void check_fit_input(const Eigen::MatrixBase<XMatrix>& X,
                       const Eigen::MatrixBase<YVector>& y) const {
    check_width(static_cast<std::size_t>(X.cols()), input_width(), Derived::kind);
    if (y.size() != X.rows() || X.rows() == 0) {
      throw pipeline_error("size_mismatch", std::string(Derived::kind) +
                                                ": need one label per row and at least one row");
    }
    if (!X.allFinite() || !y.allFinite()) {
      throw pipeline_error("nan_input", std::string(Derived::kind) +
                                            ": training data holds NaN or Inf; impute upstream");
    }
  }

  json base_json() const {
    json j = json::object();
    j["coef"] = json_numbers(coef_);
    j["intercept"] = json_number(intercept_);
    j["output"] = output_name_;
    return j;
  }
  void base_from_json(const json_reader& params, const std::vector<std::string>& names_in) {
    bind(names_in);
    coef_ = read_numbers(params, "coef", names_in.size());
    intercept_ = params.number("intercept");
    output_name_ = params.text("output");
    fitted_ = true;
  }

  std::vector<std::string> names_in_;
  std::vector<double> coef_;
  double intercept_ = 0;
  std::string output_name_ = "prediction";
  bool fitted_ = false;
};

} // namespace mlguard::pipeline::detail

#endif // MLGUARD_PIPELINE_DETAIL_LINEAR_MODEL_HPP

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

namespace mlguard::stages::detail {

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
    const Eigen::Map<const Eigen::VectorXd> w(coef_.data(),
                                              static_cast<Eigen::Index>(coef_.size()));
    out.col(0).noalias() = in * w;
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
      const bool stopped = !status.empty() && stops(status[static_cast<std::size_t>(i)]);
      const double z = out(i, 0) + intercept_;
      if (stopped) {
        out(i, 0) = nan;
        continue;
      }
      if (std::isnan(z)) {
        throw pipeline_error("nan_input", std::string(Derived::kind) + ": row " +
                                              std::to_string(i) +
                                              " holds NaN; impute missing values upstream");
      }
      out(i, 0) = Derived::link(z);
    }
  }

  /// One row: out[0] = link(x·w + b). A NaN in the row (or an Inf that makes
  /// z NaN) gives NaN and row_status::invalid_input. Never throws or allocates.
  row_status transform_row(const double* in, double* out) const noexcept {
    double z = 0;
    const double* w = coef_.data();
    const std::size_t n = coef_.size();
    for (std::size_t j = 0; j < n; ++j) {
      z += w[j] * in[j];
    }
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

  void check_fit_input(const Eigen::Ref<const Eigen::MatrixXd>& X,
                       const Eigen::Ref<const Eigen::VectorXd>& y) const {
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
    return {{"coef", numbers_to_json(coef_)},
            {"intercept", number_to_json(intercept_)},
            {"output", output_name_}};
  }
  void base_from_json(const json& params, const std::vector<std::string>& names_in) {
    bind(names_in);
    coef_ = numbers_from_json(params, "coef", names_in.size(), Derived::kind);
    intercept_ = number_from_json(params.value("intercept", json()), "intercept");
    const auto o = params.find("output");
    if (o == params.end() || !o->is_string()) {
      throw format_error("corrupt", std::string(Derived::kind) + ".output: expected a string");
    }
    output_name_ = o->template get<std::string>();
    fitted_ = true;
  }

  std::vector<std::string> names_in_;
  std::vector<double> coef_;
  double intercept_ = 0;
  std::string output_name_ = "prediction";
  bool fitted_ = false;
};

} // namespace mlguard::stages::detail

#endif // MLGUARD_PIPELINE_DETAIL_LINEAR_MODEL_HPP

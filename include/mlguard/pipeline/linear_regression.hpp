#ifndef MLGUARD_PIPELINE_LINEAR_REGRESSION_HPP
#define MLGUARD_PIPELINE_LINEAR_REGRESSION_HPP

// The linear_regression stage: ordinary least squares with an intercept, as
// sklearn's LinearRegression.

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/QR>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/linear_model.hpp"

namespace mlguard::pipeline {

/// Ordinary least squares with an intercept: minimises ||y - Xw - b||².
/// Solved by a column-pivoting Householder QR of [X, 1] (rank-revealing, so
/// a collinear feature gets weight 0 rather than a blow-up). Matches
/// sklearn.linear_model.LinearRegression on full-rank data.
template <class = void> // deferred: see core/json.hpp
class basic_linear_regression : public detail::linear_model<basic_linear_regression<>> {
public:
  static constexpr std::string_view kind = "linear_regression";

  /// `output` names the prediction column.
  explicit basic_linear_regression(std::string output = "prediction")
      : linear_model(std::move(output)) {}

  /// Fits w and b on X (rows are observations) and labels y. A template on
  /// the Eigen types: the QR solver is compiled only where a model is fitted,
  /// not in every file that loads one. Throws pipeline_error:
  /// mlguard.pipeline.width_mismatch, mlguard.pipeline.size_mismatch (labels),
  /// mlguard.pipeline.nan_input.
  template <typename XMatrix, typename YVector>
  void fit(const Eigen::MatrixBase<XMatrix>& X, const Eigen::MatrixBase<YVector>& y) {
    // Dependent types: the solver's Eigen code is compiled only where fit() is called.
    using matrix = Eigen::Matrix<typename XMatrix::Scalar, Eigen::Dynamic, Eigen::Dynamic>;
    using vector = Eigen::Matrix<typename XMatrix::Scalar, Eigen::Dynamic, 1>;
    check_fit_input(X, y);
    matrix A(X.rows(), X.cols() + 1);
    A.leftCols(X.cols()) = X;
    A.col(X.cols()).setOnes();
    const vector beta = A.colPivHouseholderQr().solve(y);
    coef_.assign(beta.data(), beta.data() + X.cols());
    intercept_ = beta[X.cols()];
    fitted_ = true;
  }

  /// The identity: the prediction is z itself.
  static double link(double z) noexcept { return z; }

  /// {"coef", "intercept", "output"}.
  json to_json() const { return base_json(); }
  /// Restores a fitted model. Throws format_error (corrupt, unknown_field),
  /// pipeline_error (width_mismatch).
  static basic_linear_regression from_json(const json_reader& params,
                                           const std::vector<std::string>& names_in);
};

/// The type to name (a class template only so that its bodies compile where used).
using linear_regression = basic_linear_regression<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_linear_regression<V>::from_json(const json_reader& params,
                                                          const std::vector<std::string>& names_in)
    -> basic_linear_regression {
  params.allow_fields({"coef", "intercept", "output"});
  basic_linear_regression m;
  m.base_from_json(params, names_in);
  return m;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_LINEAR_REGRESSION_HPP

#ifndef MLGUARD_EXPLAIN_PARTIAL_DEPENDENCE_HPP
#define MLGUARD_EXPLAIN_PARTIAL_DEPENDENCE_HPP

// Partial dependence of a model's prediction on one or two features, by
// brute force: every row gets the grid value, the model scores all rows, the
// predictions are averaged. sklearn.inspection.partial_dependence(...,
// method="brute", kind="average") on the same grid gives the same numbers.
//
// The model is `predict(const Eigen::MatrixXd& X) -> Eigen::VectorXd` (one
// prediction per row: for a classifier, the positive class's probability, as
// sklearn's predict_proba[:, 1]). Batch code: allocates, may throw. Errors
// (explain_error): mlguard.explain.empty_data, invalid_option,
// unknown_feature, nan_input, size_mismatch.

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"

namespace mlguard::explain {

/// The average prediction over the grid of one or two features.
struct partial_dependence_result {
  /// The features (column indices of X), in order.
  std::vector<std::size_t> features;
  /// Each feature's grid.
  std::vector<std::vector<double>> grid;
  /// The average prediction per grid point, the first feature's index varying
  /// slowest: average[i * grid[1].size() + j] (sklearn's average[0].ravel()).
  std::vector<double> average;
};

/// Partial dependence of `predict` on the columns `features` (one or two) of
/// `X` (rows are observations), over `grid` (one list of values per feature;
/// for two features, every pair). Throws explain_error:
/// mlguard.explain.empty_data (X has no rows), invalid_option (not one or two
/// features, a feature twice, an empty grid or one list per feature not
/// given), unknown_feature (an index outside X), nan_input (NaN in a grid or
/// a prediction), size_mismatch (a prediction count), and whatever predict throws.
template <typename Predict>
partial_dependence_result partial_dependence(Predict&& predict,
                                             const Eigen::Ref<const Eigen::MatrixXd>& X,
                                             const std::vector<std::size_t>& features,
                                             const std::vector<std::vector<double>>& grid) {
  if (X.rows() == 0) {
    throw explain_error("empty_data", "partial dependence needs at least one row");
  }
  if (features.empty() || features.size() > 2 || grid.size() != features.size() ||
      (features.size() == 2 && features[0] == features[1])) {
    throw explain_error("invalid_option", "partial dependence takes one or two distinct "
                                          "features, with one grid each");
  }
  for (std::size_t k = 0; k < features.size(); ++k) {
    if (features[k] >= static_cast<std::size_t>(X.cols())) {
      throw explain_error("unknown_feature", "feature " + std::to_string(features[k]) +
                                                 " is not a column of X (" +
                                                 std::to_string(X.cols()) + " columns)");
    }
    if (grid[k].empty()) {
      throw explain_error("invalid_option",
                          "the grid of feature " + std::to_string(features[k]) + " is empty");
    }
    for (double v : grid[k]) {
      if (std::isnan(v)) {
        throw explain_error("nan_input",
                            "the grid of feature " + std::to_string(features[k]) + " holds NaN");
      }
    }
  }
  partial_dependence_result out;
  out.features = features;
  out.grid = grid;
  Eigen::MatrixXd work = X;
  const std::size_t n1 = grid.size() == 2 ? grid[1].size() : 1;
  for (std::size_t i = 0; i < grid[0].size(); ++i) {
    for (std::size_t j = 0; j < n1; ++j) {
      work.col(static_cast<Eigen::Index>(features[0])).setConstant(grid[0][i]);
      if (grid.size() == 2) {
        work.col(static_cast<Eigen::Index>(features[1])).setConstant(grid[1][j]);
      }
      const Eigen::VectorXd p = predict(work);
      if (p.size() != X.rows()) {
        throw explain_error("size_mismatch", "the model returned " + std::to_string(p.size()) +
                                                 " predictions for " + std::to_string(X.rows()) +
                                                 " rows");
      }
      double sum = 0.0;
      for (Eigen::Index r = 0; r < p.size(); ++r) {
        sum += p[r];
      }
      const double mean = sum / static_cast<double>(p.size());
      if (std::isnan(mean)) {
        throw explain_error("nan_input", "the model predicted NaN at a grid point (impute "
                                         "missing values in the model, or drop those rows)");
      }
      out.average.push_back(mean);
    }
  }
  return out;
}

/// partial_dependence with features named: `names` are X's column names.
/// Throws explain_error (mlguard.explain.unknown_feature naming a feature
/// not in `names`; size_mismatch when `names` does not have one name per
/// column), and as partial_dependence.
template <typename Predict>
partial_dependence_result
partial_dependence(Predict&& predict, const Eigen::Ref<const Eigen::MatrixXd>& X,
                   const std::vector<std::string>& names, const std::vector<std::string>& features,
                   const std::vector<std::vector<double>>& grid) {
  if (names.size() != static_cast<std::size_t>(X.cols())) {
    throw explain_error("size_mismatch", std::to_string(names.size()) + " names for " +
                                             std::to_string(X.cols()) + " columns");
  }
  std::vector<std::size_t> index;
  for (const auto& f : features) {
    std::size_t j = 0;
    while (j < names.size() && names[j] != f) {
      ++j;
    }
    if (j == names.size()) {
      throw explain_error("unknown_feature", "no feature named '" + f + "'");
    }
    index.push_back(j);
  }
  return partial_dependence(predict, X, index, grid);
}

} // namespace mlguard::explain

#endif // MLGUARD_EXPLAIN_PARTIAL_DEPENDENCE_HPP

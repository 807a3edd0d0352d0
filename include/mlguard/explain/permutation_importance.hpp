#ifndef MLGUARD_EXPLAIN_PERMUTATION_IMPORTANCE_HPP
#define MLGUARD_EXPLAIN_PERMUTATION_IMPORTANCE_HPP

// Permutation importance for any model given as a callable: how much a score
// drops when one feature's column is shuffled, as
// sklearn.inspection.permutation_importance computes it.
//
// The model is `predict(const Eigen::MatrixXd& X) -> Eigen::VectorXd` (one
// prediction per row) and the score `score(y_true, y_pred) -> double`, greater
// is better (sklearn's scorer convention: pass a negated loss). The rows each
// repeat puts in a column are injectable (permutation_set); without them a
// seeded default draws them. Given the permutations sklearn drew, the result
// equals sklearn's (tests/reference/gen_explain_sklearn.py reproduces them).
//
// Batch code: allocates, may throw. Errors (explain_error, ids in
// docs/errors.md): mlguard.explain.empty_data, size_mismatch, nan_input,
// invalid_permutation, invalid_option.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"

namespace mlguard::explain {

/// Row indices per feature and repeat: perms[f][r][i] is the ORIGINAL row whose
/// value of feature f row i holds in repeat r (X_r[i, f] = X[perms[f][r][i], f]).
using permutation_set = std::vector<std::vector<std::vector<std::size_t>>>;

/// How permutation_importance draws its permutations when none are given.
struct permutation_options {
  /// Permutations per feature (sklearn's n_repeats); at least 1.
  std::size_t repeats = 5;
  /// The seed of the default permutations.
  std::uint64_t seed = 0;
};

/// Importances per feature and repeat, with sklearn's summary.
struct permutation_result {
  /// The score on the unpermuted rows.
  double baseline = 0.0;
  /// baseline − score with feature f permuted, [f][r] (sklearn's importances).
  std::vector<std::vector<double>> importances;
  /// Mean over the repeats (importances_mean).
  std::vector<double> mean;
  /// Population standard deviation over the repeats, ddof = 0 (importances_std).
  std::vector<double> std;
};

/// `repeats` independent uniform permutations of `rows` rows for each of
/// `features` features, from std::mt19937_64(seed) with Fisher-Yates and
/// rejection sampling for the bounded draws: the same on every platform
/// (std::shuffle and std::uniform_int_distribution are not). Not sklearn's
/// stream; pass sklearn's indices to reproduce its numbers. Throws
/// explain_error (mlguard.explain.invalid_option) for repeats == 0.
template <class = void>
permutation_set seeded_permutations(std::size_t rows, std::size_t features,
                                    const permutation_options& options = {});

namespace detail {

template <class = void>
void check_permutation(const std::vector<std::size_t>& p, std::size_t rows, std::size_t f,
                       std::size_t r);

template <typename Predict, typename Score>
double score_of(Predict& predict, Score& score, const Eigen::MatrixXd& X,
                const Eigen::VectorXd& y) {
  const Eigen::VectorXd p = predict(X);
  if (p.size() != X.rows()) {
    throw explain_error("size_mismatch", "the model returned " + std::to_string(p.size()) +
                                             " predictions for " + std::to_string(X.rows()) +
                                             " rows");
  }
  const double s = score(y, p);
  if (std::isnan(s)) {
    throw explain_error("nan_input", "the score is NaN (check the predictions and the labels)");
  }
  return s;
}

} // namespace detail

/// Permutation importance of every column of `X` (rows are observations) for
/// the model `predict` under `score` (greater is better), with the rows of
/// `perms` (one list of repeats per column, all the same length). For each
/// column f and repeat r the column is replaced by X[perms[f][r], f], the
/// others kept, and importance = baseline − score. Matches
/// sklearn.inspection.permutation_importance (1.2) given the same
/// permutations. Throws explain_error: mlguard.explain.empty_data (no rows or
/// no columns), size_mismatch (y's length, a prediction count), nan_input (a
/// NaN label or score), invalid_permutation (a list of the wrong shape or not
/// a permutation), and whatever predict and score throw.
template <typename Predict, typename Score>
permutation_result permutation_importance(Predict&& predict,
                                          const Eigen::Ref<const Eigen::MatrixXd>& X,
                                          const Eigen::Ref<const Eigen::VectorXd>& y, Score&& score,
                                          const permutation_set& perms) {
  const auto rows = static_cast<std::size_t>(X.rows());
  const auto cols = static_cast<std::size_t>(X.cols());
  if (rows == 0 || cols == 0) {
    throw explain_error("empty_data", "permutation importance needs at least one row and one "
                                      "column; X is " +
                                          std::to_string(rows) + " x " + std::to_string(cols));
  }
  if (static_cast<std::size_t>(y.size()) != rows) {
    throw explain_error("size_mismatch", "y has " + std::to_string(y.size()) + " labels; X has " +
                                             std::to_string(rows) + " rows");
  }
  if (y.hasNaN()) {
    throw explain_error("nan_input", "y holds NaN");
  }
  if (perms.size() != cols) {
    throw explain_error("invalid_permutation", "permutations are given for " +
                                                   std::to_string(perms.size()) +
                                                   " features; X has " + std::to_string(cols));
  }
  const std::size_t repeats = perms[0].size();
  for (std::size_t f = 0; f < cols; ++f) {
    if (perms[f].size() != repeats || repeats == 0) {
      throw explain_error("invalid_permutation",
                          "every feature needs the same number (>= 1) of repeats; feature " +
                              std::to_string(f) + " has " + std::to_string(perms[f].size()));
    }
    for (std::size_t r = 0; r < repeats; ++r) {
      detail::check_permutation(perms[f][r], rows, f, r);
    }
  }
  Eigen::MatrixXd work = X;
  const Eigen::VectorXd labels = y;
  permutation_result out;
  out.baseline = detail::score_of(predict, score, work, labels);
  out.importances.assign(cols, std::vector<double>(repeats, 0.0));
  for (std::size_t f = 0; f < cols; ++f) {
    const auto c = static_cast<Eigen::Index>(f);
    for (std::size_t r = 0; r < repeats; ++r) {
      const auto& p = perms[f][r];
      for (std::size_t i = 0; i < rows; ++i) {
        work(static_cast<Eigen::Index>(i), c) = X(static_cast<Eigen::Index>(p[i]), c);
      }
      out.importances[f][r] = out.baseline - detail::score_of(predict, score, work, labels);
    }
    work.col(c) = X.col(c);
    // numpy's mean and std (ddof = 0): sum / n, sqrt(sum((v - mean)^2) / n)
    double sum = 0.0;
    for (double v : out.importances[f]) {
      sum += v;
    }
    const double mean = sum / static_cast<double>(repeats);
    double squares = 0.0;
    for (double v : out.importances[f]) {
      squares += (v - mean) * (v - mean);
    }
    out.mean.push_back(mean);
    out.std.push_back(std::sqrt(squares / static_cast<double>(repeats)));
  }
  return out;
}

/// permutation_importance with seeded_permutations(rows, columns, options).
/// Throws as both.
template <typename Predict, typename Score>
permutation_result permutation_importance(Predict&& predict,
                                          const Eigen::Ref<const Eigen::MatrixXd>& X,
                                          const Eigen::Ref<const Eigen::VectorXd>& y, Score&& score,
                                          const permutation_options& options = {}) {
  const auto perms = seeded_permutations(static_cast<std::size_t>(X.rows()),
                                         static_cast<std::size_t>(X.cols()), options);
  return permutation_importance(predict, X, y, score, perms);
}

} // namespace mlguard::explain

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::explain {

template <class>
permutation_set seeded_permutations(std::size_t rows, std::size_t features,
                                    const permutation_options& options) {
  if (options.repeats == 0) {
    throw explain_error("invalid_option", "permutation importance needs repeats >= 1");
  }
  std::mt19937_64 gen(options.seed);
  auto below = [&gen](std::uint64_t n) { // uniform in [0, n)
    const std::uint64_t limit = std::mt19937_64::max() - std::mt19937_64::max() % n;
    std::uint64_t v = gen();
    while (v >= limit) {
      v = gen();
    }
    return v % n;
  };
  permutation_set out(features);
  for (auto& f : out) {
    for (std::size_t r = 0; r < options.repeats; ++r) {
      std::vector<std::size_t> p(rows);
      for (std::size_t i = 0; i < rows; ++i) {
        p[i] = i;
      }
      for (std::size_t i = rows; i > 1; --i) {
        std::swap(p[i - 1], p[static_cast<std::size_t>(below(i))]);
      }
      f.push_back(std::move(p));
    }
  }
  return out;
}

} // namespace mlguard::explain

namespace mlguard::explain::detail {

template <class>
void check_permutation(const std::vector<std::size_t>& p, std::size_t rows, std::size_t f,
                       std::size_t r) {
  const std::string where = "permutation [" + std::to_string(f) + "][" + std::to_string(r) + "]";
  if (p.size() != rows) {
    throw explain_error("invalid_permutation", where + " has " + std::to_string(p.size()) +
                                                   " indices; X has " + std::to_string(rows) +
                                                   " rows");
  }
  std::vector<char> seen(rows, 0);
  for (std::size_t i : p) {
    if (i >= rows || seen[i] != 0) {
      throw explain_error("invalid_permutation",
                          where + " is not a permutation of the rows (index " + std::to_string(i) +
                              (i >= rows ? " is out of range)" : " repeats)"));
    }
    seen[i] = 1;
  }
}

} // namespace mlguard::explain::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_EXPLAIN_PERMUTATION_IMPORTANCE_HPP

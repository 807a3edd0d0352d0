#ifndef MLGUARD_PIPELINE_DETAIL_PARAMS_HPP
#define MLGUARD_PIPELINE_DETAIL_PARAMS_HPP

// Helpers shared by the built-in stages: sized arrays of doubles from JSON,
// column subsets resolved by name, width checks and numpy's linear quantile.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::pipeline::detail {

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// The array of doubles in `field`, which must hold `size` entries (one per
/// acted-on column). Throws format_error (mlguard.format.corrupt) and
/// pipeline_error (mlguard.pipeline.width_mismatch).
template <class = void>
std::vector<double> read_numbers(const json_reader& params, std::string_view field,
                                 std::size_t size);

/// Throws pipeline_error (mlguard.pipeline.width_mismatch) unless `actual == expected`.
template <class = void>
void check_width(std::size_t actual, std::size_t expected, std::string_view kind);

/// Throws pipeline_error (mlguard.pipeline.not_fitted) when a stage is used before fit.
template <class = void>
void check_fitted(bool fitted, std::string_view kind);

/// The columns a column-wise stage acts on: configured by name (empty = all),
/// resolved to positions by bind(). The others pass through unchanged.
struct column_subset {
  std::vector<std::string> columns; ///< configured names; empty means every column
  std::vector<std::string> names_in;
  std::vector<std::size_t> index; ///< positions of the acted-on columns in the input

  /// Resolves `columns` against `names`. Throws pipeline_error
  /// (mlguard.pipeline.unknown_feature) when a configured column is absent.
  void bind(const std::vector<std::string>& names, std::string_view kind) {
    names_in = names;
    index.clear();
    if (columns.empty()) {
      for (std::size_t j = 0; j < names.size(); ++j) {
        index.push_back(j);
      }
      return;
    }
    for (const auto& c : columns) {
      const auto it = std::find(names.begin(), names.end(), c);
      if (it == names.end()) {
        throw pipeline_error("unknown_feature",
                             std::string(kind) + ": no input feature named \"" + c + "\"");
      }
      index.push_back(static_cast<std::size_t>(it - names.begin()));
    }
  }
};

/// The non-NaN values of a column, sorted ascending.
template <class = void>
std::vector<double> sorted_present(const Eigen::Ref<const Eigen::MatrixXd>& X, std::size_t col);

/// numpy.quantile(v, q, method="linear") of sorted, non-empty `v`, computed
/// the way numpy 1.24 does (virtual index n*q + (1-q) - 1, then _lerp).
template <class = void>
double quantile_linear(const std::vector<double>& v, double q);

/// Throws pipeline_error (mlguard.pipeline.empty_column) for a column without data.
template <class = void>
void check_not_empty(const std::vector<double>& present, const std::string& name,
                     std::string_view kind);

} // namespace mlguard::pipeline::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline::detail {

template <class>
std::vector<double> read_numbers(const json_reader& params, std::string_view field,
                                 std::size_t size) {
  auto v = params.numbers(field);
  if (v.size() != size) {
    throw pipeline_error("width_mismatch",
                         params.where(field) + " has " + std::to_string(v.size()) +
                             " entries, the stage has " + std::to_string(size) + " columns");
  }
  return v;
}

template <class>
void check_width(std::size_t actual, std::size_t expected, std::string_view kind) {
  if (actual != expected) {
    throw pipeline_error("width_mismatch", std::string(kind) + ": input has " +
                                               std::to_string(actual) + " columns, expected " +
                                               std::to_string(expected));
  }
}

template <class>
void check_fitted(bool fitted, std::string_view kind) {
  if (!fitted) {
    throw pipeline_error("not_fitted", std::string(kind) + ": used before fit() or from_json()");
  }
}

template <class>
std::vector<double> sorted_present(const Eigen::Ref<const Eigen::MatrixXd>& X, std::size_t col) {
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(X.rows()));
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const double x = X(i, static_cast<Eigen::Index>(col));
    if (!std::isnan(x)) {
      v.push_back(x);
    }
  }
  std::sort(v.begin(), v.end());
  return v;
}

template <class>
double quantile_linear(const std::vector<double>& v, double q) {
  const double n = static_cast<double>(v.size());
  const double virtual_index = n * q + (1.0 - q) - 1.0;
  const double lower = std::floor(virtual_index);
  const double gamma = virtual_index - lower;
  const auto last = v.size() - 1;
  const auto lo = static_cast<std::size_t>(std::clamp(lower, 0.0, static_cast<double>(last)));
  const auto hi = static_cast<std::size_t>(std::clamp(lower + 1, 0.0, static_cast<double>(last)));
  const double a = v[lo];
  const double b = v[hi];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
}

template <class>
void check_not_empty(const std::vector<double>& present, const std::string& name,
                     std::string_view kind) {
  if (present.empty()) {
    throw pipeline_error("empty_column", std::string(kind) + ": column \"" + name +
                                             "\" has no non-missing value to fit on");
  }
}

} // namespace mlguard::pipeline::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_DETAIL_PARAMS_HPP

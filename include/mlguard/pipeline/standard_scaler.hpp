#ifndef MLGUARD_PIPELINE_STANDARD_SCALER_HPP
#define MLGUARD_PIPELINE_STANDARD_SCALER_HPP

// The standard_scaler stage: centres and scales chosen columns by their mean
// and population standard deviation, as sklearn's StandardScaler.

#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/columnwise.hpp"

namespace mlguard::pipeline {

/// Standardises columns: (x - mean) / scale, with the population standard
/// deviation as scale. Matches sklearn.preprocessing.StandardScaler (1.2):
/// NaN is ignored by fit and kept by transform; a constant column (variance
/// within sklearn's numerical-error bound n·eps·var + (n·mean·eps)²) gets scale 1.
template <class = void> // deferred: see core/json.hpp
class basic_standard_scaler : public detail::columnwise<basic_standard_scaler<>> {
public:
  static constexpr std::string_view kind = "standard_scaler";

  /// Scales `columns` (by name; empty: every column).
  explicit basic_standard_scaler(std::vector<std::string> columns = {})
      : columnwise(std::move(columns)) {}

  /// Learns mean and scale per column (two-pass with sklearn's correction term).
  /// Throws pipeline_error: mlguard.pipeline.width_mismatch, mlguard.pipeline.empty_column
  /// (a column that is all NaN).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// (x - mean) / scale; NaN stays NaN.
  double apply(std::size_t k, double x) const noexcept { return (x - mean_[k]) / scale_[k]; }

  /// Means of the scaled columns (sklearn's mean_).
  const std::vector<double>& mean() const noexcept { return mean_; }
  /// Scales of the scaled columns (sklearn's scale_).
  const std::vector<double>& scale() const noexcept { return scale_; }

  /// {"columns", "mean", "scale"}.
  json to_json() const;
  /// Restores a fitted scaler. Throws format_error (mlguard.format.corrupt,
  /// mlguard.format.unknown_field), pipeline_error (width_mismatch, unknown_feature).
  static basic_standard_scaler from_json(const json_reader& params,
                                         const std::vector<std::string>& names_in);

private:
  std::vector<double> mean_;
  std::vector<double> scale_;
};

/// The type to name (a class template only so that its bodies compile where used).
using standard_scaler = basic_standard_scaler<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_standard_scaler<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> void {
  prepare_fit(X);
  mean_.assign(acted_on(), 0.0);
  scale_.assign(acted_on(), 1.0);
  for (std::size_t k = 0; k < acted_on(); ++k) {
    const auto col = X.col(static_cast<Eigen::Index>(column_index(k)));
    double sum = 0;
    double n = 0;
    for (Eigen::Index i = 0; i < col.size(); ++i) {
      if (!std::isnan(col[i])) {
        sum += col[i];
        n += 1;
      }
    }
    if (n == 0) {
      detail::check_not_empty({}, column_name(k), kind);
    }
    const double mean = sum / n;
    double correction = 0;
    double squares = 0;
    for (Eigen::Index i = 0; i < col.size(); ++i) {
      if (!std::isnan(col[i])) {
        const double t = col[i] - mean;
        correction += t;
        squares += t * t;
      }
    }
    const double var = (squares - correction * correction / n) / n;
    const double eps = std::numeric_limits<double>::epsilon();
    const double bound = n * eps * var + (n * mean * eps) * (n * mean * eps);
    mean_[k] = mean;
    scale_[k] = var <= bound ? 1.0 : std::sqrt(var);
  }
  fitted_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_standard_scaler<V>::to_json() const -> json {
  json j = base_json();
  j["mean"] = json_numbers(mean_);
  j["scale"] = json_numbers(scale_);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_standard_scaler<V>::from_json(const json_reader& params,
                                                        const std::vector<std::string>& names_in)
    -> basic_standard_scaler {
  params.allow_fields({"columns", "mean", "scale"});
  basic_standard_scaler s;
  s.base_from_json(params, names_in);
  s.mean_ = detail::read_numbers(params, "mean", s.acted_on());
  s.scale_ = detail::read_numbers(params, "scale", s.acted_on());
  s.fitted_ = true;
  return s;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_STANDARD_SCALER_HPP

#ifndef MLGUARD_PIPELINE_MIN_MAX_SCALER_HPP
#define MLGUARD_PIPELINE_MIN_MAX_SCALER_HPP

// The min_max_scaler stage: scales chosen columns to a range, as sklearn's
// MinMaxScaler.

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/columnwise.hpp"

namespace mlguard::pipeline {

/// Maps each column's training range onto [range_min, range_max]: x * scale + min.
/// Matches sklearn.preprocessing.MinMaxScaler (1.2): scale = (range_max -
/// range_min) / (data_max - data_min), a range below 10·eps counting as 1,
/// min = range_min - data_min * scale; NaN ignored by fit, kept by transform.
template <class = void> // deferred: see core/json.hpp
class basic_min_max_scaler : public detail::columnwise<basic_min_max_scaler<>> {
public:
  static constexpr std::string_view kind = "min_max_scaler";

  /// Scales `columns` (empty: all) onto [range_min, range_max].
  /// Throws pipeline_error (mlguard.pipeline.invalid_option) unless range_min < range_max.
  explicit basic_min_max_scaler(std::vector<std::string> columns = {}, double range_min = 0.0,
                                double range_max = 1.0);

  /// Learns data_min and data_max per column. Throws pipeline_error
  /// (mlguard.pipeline.width_mismatch, mlguard.pipeline.empty_column).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// x * scale + min; NaN stays NaN.
  double apply(std::size_t k, double x) const noexcept { return x * scale_[k] + min_[k]; }

  /// sklearn's scale_ and min_.
  const std::vector<double>& scale() const noexcept { return scale_; }
  const std::vector<double>& min() const noexcept { return min_; }

  /// {"columns", "range", "scale", "min"}.
  json to_json() const;
  /// Restores a fitted scaler. Throws as standard_scaler::from_json.
  static basic_min_max_scaler from_json(const json_reader& params,
                                        const std::vector<std::string>& names_in);

private:
  double range_min_;
  double range_max_;
  std::vector<double> scale_;
  std::vector<double> min_;
};

/// The type to name (a class template only so that its bodies compile where used).
using min_max_scaler = basic_min_max_scaler<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE basic_min_max_scaler<V>::basic_min_max_scaler(std::vector<std::string> columns,
                                                             double range_min, double range_max)
    : columnwise(std::move(columns)), range_min_(range_min), range_max_(range_max) {
  if (!(range_min < range_max)) {
    throw pipeline_error("invalid_option", "min_max_scaler: range_min must be below range_max");
  }
}

template <class V>
MLGUARD_INLINE auto basic_min_max_scaler<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> void {
  prepare_fit(X);
  scale_.assign(acted_on(), 1.0);
  min_.assign(acted_on(), 0.0);
  for (std::size_t k = 0; k < acted_on(); ++k) {
    const auto col = X.col(static_cast<Eigen::Index>(column_index(k)));
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    bool any = false;
    for (Eigen::Index i = 0; i < col.size(); ++i) {
      if (!std::isnan(col[i])) {
        lo = std::min(lo, col[i]);
        hi = std::max(hi, col[i]);
        any = true;
      }
    }
    if (!any) {
      detail::check_not_empty({}, column_name(k), kind);
    }
    double range = hi - lo;
    if (range < 10 * std::numeric_limits<double>::epsilon()) {
      range = 1.0;
    }
    scale_[k] = (range_max_ - range_min_) / range;
    min_[k] = range_min_ - lo * scale_[k];
  }
  fitted_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_min_max_scaler<V>::to_json() const -> json {
  json j = base_json();
  j["range"] = {range_min_, range_max_};
  j["scale"] = json_numbers(scale_);
  j["min"] = json_numbers(min_);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_min_max_scaler<V>::from_json(const json_reader& params,
                                                       const std::vector<std::string>& names_in)
    -> basic_min_max_scaler {
  params.allow_fields({"columns", "range", "scale", "min"});
  const auto range = detail::read_numbers(params, "range", 2);
  basic_min_max_scaler s({}, range[0], range[1]);
  s.base_from_json(params, names_in);
  s.scale_ = detail::read_numbers(params, "scale", s.acted_on());
  s.min_ = detail::read_numbers(params, "min", s.acted_on());
  s.fitted_ = true;
  return s;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_MIN_MAX_SCALER_HPP

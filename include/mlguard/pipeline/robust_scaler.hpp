#ifndef MLGUARD_PIPELINE_ROBUST_SCALER_HPP
#define MLGUARD_PIPELINE_ROBUST_SCALER_HPP

// The robust_scaler stage: centres on the median and scales by the
// interquartile range, as sklearn's RobustScaler.

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/columnwise.hpp"

namespace mlguard::pipeline {

/// Centres on the median and divides by the inter-quantile range:
/// (x - median) / (q_high - q_low). Matches sklearn.preprocessing.RobustScaler
/// (1.2) with its defaults, quantile_range=(25, 75): numpy's nanmedian and
/// nanpercentile (method "linear"); a range below 10·eps counts as 1; NaN
/// ignored by fit and kept by transform.
template <class = void> // deferred: see core/json.hpp
class basic_robust_scaler : public detail::columnwise<basic_robust_scaler<>> {
public:
  static constexpr std::string_view kind = "robust_scaler";

  /// Scales `columns` (empty: all) with the quantile range [q_low, q_high] in
  /// percent. Throws pipeline_error (mlguard.pipeline.invalid_option) unless
  /// 0 <= q_low <= q_high <= 100.
  explicit basic_robust_scaler(std::vector<std::string> columns = {}, double q_low = 25.0,
                               double q_high = 75.0);

  /// Learns median and IQR per column. Throws pipeline_error
  /// (mlguard.pipeline.width_mismatch, mlguard.pipeline.empty_column).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// (x - center) / scale; NaN stays NaN.
  double apply(std::size_t k, double x) const noexcept { return (x - center_[k]) / scale_[k]; }

  /// sklearn's center_ and scale_.
  const std::vector<double>& center() const noexcept { return center_; }
  const std::vector<double>& scale() const noexcept { return scale_; }

  /// {"columns", "quantile_range", "center", "scale"}.
  json to_json() const;
  /// Restores a fitted scaler. Throws as standard_scaler::from_json.
  static basic_robust_scaler from_json(const json_reader& params,
                                       const std::vector<std::string>& names_in);

private:
  double q_low_;
  double q_high_;
  std::vector<double> center_;
  std::vector<double> scale_;
};

/// The type to name (a class template only so that its bodies compile where used).
using robust_scaler = basic_robust_scaler<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE basic_robust_scaler<V>::basic_robust_scaler(std::vector<std::string> columns,
                                                           double q_low, double q_high)
    : columnwise(std::move(columns)), q_low_(q_low), q_high_(q_high) {
  if (!(0 <= q_low && q_low <= q_high && q_high <= 100)) {
    throw pipeline_error("invalid_option", "robust_scaler: need 0 <= q_low <= q_high <= 100");
  }
}

template <class V>
MLGUARD_INLINE auto basic_robust_scaler<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> void {
  prepare_fit(X);
  center_.assign(acted_on(), 0.0);
  scale_.assign(acted_on(), 1.0);
  for (std::size_t k = 0; k < acted_on(); ++k) {
    const auto v = detail::sorted_present(X, column_index(k));
    detail::check_not_empty(v, column_name(k), kind);
    const std::size_t n = v.size();
    center_[k] = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    const double range =
        detail::quantile_linear(v, q_high_ / 100) - detail::quantile_linear(v, q_low_ / 100);
    scale_[k] = range < 10 * std::numeric_limits<double>::epsilon() ? 1.0 : range;
  }
  fitted_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_robust_scaler<V>::to_json() const -> json {
  json j = base_json();
  j["quantile_range"] = {q_low_, q_high_};
  j["center"] = json_numbers(center_);
  j["scale"] = json_numbers(scale_);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_robust_scaler<V>::from_json(const json_reader& params,
                                                      const std::vector<std::string>& names_in)
    -> basic_robust_scaler {
  params.allow_fields({"columns", "quantile_range", "center", "scale"});
  const auto q = detail::read_numbers(params, "quantile_range", 2);
  basic_robust_scaler s({}, q[0], q[1]);
  s.base_from_json(params, names_in);
  s.center_ = detail::read_numbers(params, "center", s.acted_on());
  s.scale_ = detail::read_numbers(params, "scale", s.acted_on());
  s.fitted_ = true;
  return s;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_ROBUST_SCALER_HPP

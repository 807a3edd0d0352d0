#ifndef MLGUARD_PIPELINE_CLIPPER_HPP
#define MLGUARD_PIPELINE_CLIPPER_HPP

// The clipper stage: winsorises chosen columns to quantiles learned at fit, or
// to a given domain.

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/pipeline/detail/columnwise.hpp"

namespace mlguard::pipeline {

/// Winsorises columns into [lower, upper]: either bounds learned as quantiles
/// of the training data (numpy.quantile, method "linear", NaN ignored), or
/// bounds given up front, e.g. a schema's domain (fit then learns nothing).
/// NaN passes through unchanged; ±Inf is clipped to the bounds.
template <class = void> // deferred: see core/json.hpp
class basic_clipper : public detail::columnwise<basic_clipper<>> {
public:
  static constexpr std::string_view kind = "clipper";

  /// Learns bounds at the quantiles q_low and q_high (in [0, 1]) of `columns`
  /// (empty: all). Throws pipeline_error (mlguard.pipeline.invalid_option) unless
  /// 0 <= q_low <= q_high <= 1.
  explicit basic_clipper(std::vector<std::string> columns = {}, double q_low = 0.01,
                         double q_high = 0.99);

  /// Fixed bounds per named column (a schema's domain; ±Inf for an open side).
  /// Throws argument_error (mlguard.argument.size_mismatch) when the three lists differ in
  /// length, pipeline_error (mlguard.pipeline.invalid_option) when a lower bound is above its
  /// upper.
  static basic_clipper domain(std::vector<std::string> columns, std::vector<double> lower,
                              std::vector<double> upper);

  /// Learns the bounds (quantile mode) or checks the width (domain mode).
  /// Throws pipeline_error (mlguard.pipeline.width_mismatch, mlguard.pipeline.empty_column).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// x clipped to [lower, upper]; NaN stays NaN.
  double apply(std::size_t k, double x) const noexcept;

  const std::vector<double>& lower() const noexcept { return lower_; }
  const std::vector<double>& upper() const noexcept { return upper_; }

  /// {"columns", "mode" ("quantile" or "domain"), "quantiles", "lower", "upper"}.
  json to_json() const;
  /// Restores a fitted clipper. Throws as standard_scaler::from_json.
  static basic_clipper from_json(const json_reader& params,
                                 const std::vector<std::string>& names_in);

private:
  double q_low_;
  double q_high_;
  bool learned_ = true;
  std::vector<double> lower_;
  std::vector<double> upper_;
};

/// The type to name (a class template only so that its bodies compile where used).
using clipper = basic_clipper<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE basic_clipper<V>::basic_clipper(std::vector<std::string> columns, double q_low,
                                               double q_high)
    : columnwise(std::move(columns)), q_low_(q_low), q_high_(q_high) {
  if (!(0 <= q_low && q_low <= q_high && q_high <= 1)) {
    throw pipeline_error("invalid_option", "clipper: need 0 <= q_low <= q_high <= 1");
  }
}

template <class V>
MLGUARD_INLINE auto basic_clipper<V>::domain(std::vector<std::string> columns,
                                             std::vector<double> lower, std::vector<double> upper)
    -> basic_clipper {
  if (columns.empty() || lower.size() != columns.size() || upper.size() != columns.size()) {
    throw argument_error("size_mismatch", "clipper::domain: one lower and one upper bound "
                                          "per named column");
  }
  for (std::size_t k = 0; k < lower.size(); ++k) {
    if (!(lower[k] <= upper[k])) {
      throw pipeline_error("invalid_option", "clipper::domain: lower bound above upper bound");
    }
  }
  basic_clipper c(std::move(columns));
  c.learned_ = false;
  c.lower_ = std::move(lower);
  c.upper_ = std::move(upper);
  c.fitted_ = true;
  return c;
}

template <class V>
MLGUARD_INLINE auto basic_clipper<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X) -> void {
  prepare_fit(X);
  if (!learned_) {
    return;
  }
  lower_.assign(acted_on(), 0.0);
  upper_.assign(acted_on(), 0.0);
  for (std::size_t k = 0; k < acted_on(); ++k) {
    const auto v = detail::sorted_present(X, column_index(k));
    detail::check_not_empty(v, column_name(k), kind);
    lower_[k] = detail::quantile_linear(v, q_low_);
    upper_[k] = detail::quantile_linear(v, q_high_);
  }
  fitted_ = true;
}

template <class V>
MLGUARD_INLINE auto basic_clipper<V>::apply(std::size_t k, double x) const noexcept -> double {
  return x < lower_[k] ? lower_[k] : (x > upper_[k] ? upper_[k] : x);
}

template <class V>
MLGUARD_INLINE auto basic_clipper<V>::to_json() const -> json {
  json j = base_json();
  j["mode"] = learned_ ? "quantile" : "domain";
  j["quantiles"] = json_numbers({q_low_, q_high_});
  j["lower"] = json_numbers(lower_);
  j["upper"] = json_numbers(upper_);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_clipper<V>::from_json(const json_reader& params,
                                                const std::vector<std::string>& names_in)
    -> basic_clipper {
  params.allow_fields({"columns", "mode", "quantiles", "lower", "upper"});
  const auto q = detail::read_numbers(params, "quantiles", 2);
  basic_clipper c({}, q[0], q[1]);
  const auto& mode = params.text("mode");
  if (mode != "quantile" && mode != "domain") {
    params.fail("mode", "expected \"quantile\" or \"domain\"");
  }
  c.learned_ = mode == "quantile";
  c.base_from_json(params, names_in);
  c.lower_ = detail::read_numbers(params, "lower", c.acted_on());
  c.upper_ = detail::read_numbers(params, "upper", c.acted_on());
  c.fitted_ = true;
  return c;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_CLIPPER_HPP

#ifndef MLGUARD_STATS_SPECIAL_HPP
#define MLGUARD_STATS_SPECIAL_HPP

// Special functions behind mlguard's tests and distributions. They come from
// Eigen's unsupported SpecialFunctions module (Cephes-derived, the same
// lineage as scipy.special), not from hand-rolled series. The normal cdf and
// survival function, which need only std::erfc, are in stats/normal.hpp
// (included here).

#include <cmath>
#include <limits>

namespace mlguard::stats {

/// Standard normal quantile Φ⁻¹(p) for p in (0, 1); ±inf at 0 and 1, NaN outside.
/// Matches scipy.special.ndtri / scipy.stats.norm.ppf.
template <class = void>
double normal_ppf(double p) noexcept;

/// Regularised lower incomplete gamma P(a, x). Matches scipy.special.gammainc.
template <class = void>
double gamma_p(double a, double x) noexcept;

/// Regularised upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when small.
/// Matches scipy.special.gammaincc.
template <class = void>
double gamma_q(double a, double x) noexcept;

/// Regularised incomplete beta I_x(a, b). Matches scipy.special.betainc.
template <class = void>
double beta_inc(double a, double b, double x) noexcept;

/// Chi-square survival function with `dof` degrees of freedom.
/// Matches scipy.stats.chi2.sf (= gammaincc(dof/2, x/2)); 1 for x ≤ 0.
template <class = void>
double chi2_sf(double x, double dof) noexcept;

/// log Γ(x). Matches scipy.special.gammaln for x > 0.
template <class = void>
double log_gamma(double x) noexcept;

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <unsupported/Eigen/SpecialFunctions>

#include "mlguard/stats/normal.hpp"

namespace mlguard::stats {

template <class>
double normal_ppf(double p) noexcept {
  if (!(p >= 0.0 && p <= 1.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return Eigen::numext::ndtri(p);
}

template <class>
double gamma_p(double a, double x) noexcept {
  return Eigen::numext::igamma(a, x);
}

template <class>
double gamma_q(double a, double x) noexcept {
  return Eigen::numext::igammac(a, x);
}

template <class>
double beta_inc(double a, double b, double x) noexcept {
  return Eigen::numext::betainc(a, b, x);
}

template <class>
double chi2_sf(double x, double dof) noexcept {
  if (x <= 0.0) {
    return 1.0;
  }
  return gamma_q(0.5 * dof, 0.5 * x);
}

template <class>
double log_gamma(double x) noexcept {
  return std::lgamma(x);
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_SPECIAL_HPP

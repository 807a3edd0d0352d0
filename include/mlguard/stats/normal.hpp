#ifndef MLGUARD_STATS_NORMAL_HPP
#define MLGUARD_STATS_NORMAL_HPP

// The standard normal distribution's cdf and survival function, from
// std::erfc: what the normal approximations of the rank tests (Mann–Whitney,
// the two-proportion Z-test) need, without Eigen's SpecialFunctions module.
// Its quantile function is stats::normal_ppf in stats/special.hpp.

#include <cmath>

namespace mlguard::stats {

/// Standard normal cdf Φ(x). Matches scipy.special.ndtr / scipy.stats.norm.cdf.
template <class = void>
double normal_cdf(double x) noexcept;

/// Standard normal survival function 1 − Φ(x), accurate in the upper tail.
/// Matches scipy.stats.norm.sf.
template <class = void>
double normal_sf(double x) noexcept;

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::stats {

template <class>
double normal_cdf(double x) noexcept {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

template <class>
double normal_sf(double x) noexcept {
  return 0.5 * std::erfc(x / std::sqrt(2.0));
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_NORMAL_HPP

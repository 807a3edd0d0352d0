#ifndef MLGUARD_STATS_KOLMOGOROV_HPP
#define MLGUARD_STATS_KOLMOGOROV_HPP

// Distributions of Kolmogorov–Smirnov statistics:
//  - smirnov_sf(n, d): the exact one-sided distribution Pr(D+_n >= d)
//    (scipy.special.smirnov);
//  - kstwo_sf(d, n) / kstwo_cdf(d, n): the exact two-sided distribution of
//    D_n for a sample of size n (scipy.stats.kstwo), computed the way scipy's
//    _kolmogn chooses its algorithm (Simard & L'Ecuyer 2011): Ruben–Gambino
//    closed forms at the ends, the Durbin matrix (Marsaglia–Tsang–Wang 2003),
//    Pomeranz's recursion (1974), the Pelz–Good expansion (1976), and
//    2·smirnov in the upper tail.
// The implementation lives in detail/kolmogorov_impl.hpp.

#include <cstdint>

namespace mlguard::stats {

/// Exact one-sided Kolmogorov–Smirnov survival function Pr(D+_n >= d) for a
/// sample of size n from a continuous distribution (Smirnov 1944 /
/// Birnbaum–Tingey 1951 sum, evaluated in log space with Loader's
/// saddle-point terms so it neither overflows nor cancels).
/// Matches scipy.special.smirnov(n, d) (scipy 1.10), including its
/// approximation exp(-(6nd+1)²/(18n)) for n > 1e6, to about 1e-13 relative.
/// NaN when n < 1 or d is outside [0, 1] or NaN. Does not throw.
template <class = void>
double smirnov_sf(std::int64_t n, double d) noexcept;

/// Survival function Pr(D_n > d) of the exact two-sided one-sample
/// Kolmogorov–Smirnov statistic for sample size n (n ≥ 1, integral).
/// Matches scipy.stats.kstwo.sf(d, n) (scipy 1.10, algorithm selection of
/// scipy.stats._ksstats._kolmogn) to about 1e-12; 1 for d ≤ 0.5/n, 0 for d ≥ 1,
/// NaN when n is not a positive integer or d is NaN. Does not throw.
template <class = void>
double kstwo_sf(double d, double n) noexcept;

/// Distribution function Pr(D_n ≤ d) of the same statistic.
/// Matches scipy.stats.kstwo.cdf(d, n) (scipy 1.10). Does not throw.
template <class = void>
double kstwo_cdf(double d, double n) noexcept;

} // namespace mlguard::stats

#include "mlguard/stats/detail/kolmogorov_impl.hpp"

#endif // MLGUARD_STATS_KOLMOGOROV_HPP

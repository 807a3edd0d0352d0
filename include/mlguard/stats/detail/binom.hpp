#ifndef MLGUARD_STATS_DETAIL_BINOM_HPP
#define MLGUARD_STATS_DETAIL_BINOM_HPP

// Binomial coefficients in floating point, rounded as scipy.special.binom
// rounds them (the exact path counts of the KS and Mann–Whitney tests divide
// by them). Not for direct use.

#include <cmath>
#include <limits>
#include <utility>

namespace mlguard::stats::detail {

/// scipy.special.binom(n, k) for the non-negative integral arguments the KS
/// path counting uses: the multiplicative formula for k < 20 (after the
/// symmetry k → n − k), 1/((n+1)·B(n−k+1, k+1)) otherwise, with the beta
/// function evaluated as Cephes does (Γ ratio below 171.6, log-Γ above).
template <class = void>
double scipy_binom(double n, double k) noexcept;

} // namespace mlguard::stats::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::stats::detail {

template <class>
double scipy_binom(double n, double k) noexcept {
  double kx = std::floor(k);
  if (k == kx) {
    const double nx = std::floor(n);
    if (nx == n && kx > nx / 2 && nx > 0) {
      kx = nx - kx;
    }
    if (kx >= 0 && kx < 20) {
      double num = 1.0;
      double den = 1.0;
      for (int i = 1; i < 1 + static_cast<int>(kx); ++i) {
        num *= i + n - kx;
        den *= i;
        if (std::fabs(num) > 1e50) {
          num /= den;
          den = 1.0;
        }
      }
      return num / den;
    }
  }
  double a = 1.0 + n - k;
  double b = 1.0 + k;
  if (a < b) {
    std::swap(a, b);
  }
  constexpr double max_gamma = 171.624376956302725;
  constexpr double max_log = 7.09782712893383996843e2;
  double beta = 0.0;
  const double y = a + b;
  if (y > max_gamma || a > max_gamma) {
    const double lg = std::lgamma(a) + (std::lgamma(b) - std::lgamma(y));
    if (lg > max_log) {
      beta = std::numeric_limits<double>::infinity();
    } else {
      beta = std::exp(lg);
    }
  } else {
    const double gy = std::tgamma(y);
    const double ga = std::tgamma(a);
    const double gb = std::tgamma(b);
    if (std::fabs(ga - gy) > std::fabs(gb - gy)) {
      beta = gb / gy * ga;
    } else {
      beta = ga / gy * gb;
    }
  }
  return 1.0 / (n + 1.0) / beta;
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_DETAIL_BINOM_HPP

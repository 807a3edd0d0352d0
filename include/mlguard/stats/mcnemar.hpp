#ifndef MLGUARD_STATS_MCNEMAR_HPP
#define MLGUARD_STATS_MCNEMAR_HPP

// McNemar's exact test for two classifiers scored on the same rows: of the
// discordant rows, b are right only for model A and c only for model B; under
// "equally accurate" each discordant row is a fair coin, so the test is the
// exact binomial test of b successes in b + c trials at p = ½.
//
// Matches scipy.stats.binomtest(b, b + c, 0.5, alternative=...).pvalue
// (scipy 1.10; tests/reference/gen_model_tests.py) to 1e-10 relative up to
// n = 10^4 trials and 5e-9 at n = 10^6 (Eigen's incomplete beta against Boost's).
// No state, no allocation; safe to call from any thread.

#include <cstdint>

#include "mlguard/stats/alternative.hpp"

namespace mlguard::stats {

/// The exact binomial test at p = ½: the p-value of `k` successes in `n`
/// trials, with scipy's meaning of `alt` ("greater": P(X ≥ k), "less":
/// P(X ≤ k), two-sided: the sum of the outcomes no more likely than k,
/// which for p = ½ is min(1, 2·P(X ≤ min(k, n − k)))).
/// n = 0 (no trials) gives 1: no evidence either way (scipy raises there).
/// Matches scipy.stats.binomtest(k, n, 0.5, alternative).pvalue. k > n is
/// clamped to n.
template <class = void>
double binomial_test_half(std::uint64_t k, std::uint64_t n,
                          alternative alt = alternative::two_sided) noexcept;

/// McNemar's exact test on the discordant pairs of two classifiers.
struct mcnemar_result {
  std::uint64_t b = 0; ///< rows model A gets right and model B wrong
  std::uint64_t c = 0; ///< rows model B gets right and model A wrong
  double p_value = 1.0;
  alternative alt = alternative::two_sided;
};

/// McNemar's exact test of `b` (A right, B wrong) against `c` (B right, A
/// wrong): binomial_test_half(b, b + c, alt). "greater" asks whether A is
/// more accurate than B (b > c beyond chance), "less" the reverse. No
/// discordant rows gives p = 1. Matches scipy.stats.binomtest(b, b + c, 0.5,
/// alternative=alt).pvalue.
template <class = void>
mcnemar_result mcnemar_exact(std::uint64_t b, std::uint64_t c,
                             alternative alt = alternative::two_sided) noexcept;

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/stats/special.hpp"

namespace mlguard::stats {

template <class>
double binomial_test_half(std::uint64_t k, std::uint64_t n, alternative alt) noexcept {
  if (n == 0) {
    return 1.0;
  }
  if (k > n) {
    k = n;
  }
  const double nd = static_cast<double>(n);
  // P(X <= j) = I_{1/2}(n - j, j + 1) for j < n.
  const auto cdf = [&](std::uint64_t j) {
    return j >= n ? 1.0 : beta_inc(nd - static_cast<double>(j), static_cast<double>(j) + 1.0, 0.5);
  };
  switch (alt) {
  case alternative::less:
    return cdf(k);
  case alternative::greater:
    return cdf(n - k); // P(X >= k) = P(n - X <= n - k), and n - X ~ X at p = 1/2
  case alternative::two_sided:
  default: {
    if (2 * k == n) {
      return 1.0;
    }
    const std::uint64_t low = k < n - k ? k : n - k;
    const double p = 2.0 * cdf(low);
    return p < 1.0 ? p : 1.0;
  }
  }
}

template <class>
mcnemar_result mcnemar_exact(std::uint64_t b, std::uint64_t c, alternative alt) noexcept {
  return {b, c, binomial_test_half(b, b + c, alt), alt};
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_MCNEMAR_HPP

#ifndef MLGUARD_STATS_RANK_HPP
#define MLGUARD_STATS_RANK_HPP

// Ranks with ties averaged (scipy.stats.rankdata(method="average")), and the
// merge of two sorted samples that the rank tests (Mann–Whitney,
// Cramér–von Mises) are built on.

#include <cmath>
#include <cstddef>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::stats {

/// Writes to `out` the 1-based ranks of `x`, tied values receiving the mean
/// of the ranks they span (so ranks are multiples of ½ and sum to n(n+1)/2).
/// ±infinity rank below / above every finite value.
/// Matches scipy.stats.rankdata(x, method="average") (scipy 1.10).
/// Throws stats_error mlguard.stats.nan_input when `x` holds NaN (scipy would
/// return all-NaN ranks), and argument_error mlguard.argument.size_mismatch
/// when out.size() != x.size(). Allocates an index buffer of x.size().
template <class = void>
void rank_average(span<const double> x, span<double> out);

/// As above, returning a new vector.
template <class = void>
std::vector<double> rank_average(span<const double> x);

namespace detail {

/// Walks the pooled order of two sorted samples one group of equal values at
/// a time, calling visit(value, count_in_a, count_in_b, first_position)
/// where first_position is the 0-based pooled position of the group's first
/// element (its members span average rank first_position + (count + 1)/2).
template <typename Visit>
void for_each_tie_group(const double* a, std::size_t n1, const double* b, std::size_t n2,
                        Visit&& visit) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n1 || j < n2) {
    const double v = (j >= n2 || (i < n1 && a[i] <= b[j])) ? a[i] : b[j];
    const std::size_t i0 = i;
    const std::size_t j0 = j;
    while (i < n1 && a[i] == v) {
      ++i;
    }
    while (j < n2 && b[j] == v) {
      ++j;
    }
    visit(v, i - i0, j - j0, i0 + j0);
  }
}

} // namespace detail

} // namespace mlguard::stats

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

#include "mlguard/stats/detail/sort.hpp"

namespace mlguard::stats {

template <class>
void rank_average(span<const double> x, span<double> out) {
  if (out.size() != x.size()) {
    throw argument_error("size_mismatch", "rank_average: output size differs from input size");
  }
  for (double v : x) {
    if (std::isnan(v)) {
      detail::throw_nan_input("rank_average", "x");
    }
  }
  const std::vector<std::size_t> order = detail::stable_order(x);
  std::size_t start = 0;
  while (start < order.size()) {
    std::size_t end = start + 1;
    while (end < order.size() && x[order[end]] == x[order[start]]) {
      ++end;
    }
    // Positions start..end−1 (0-based) share rank (start + 1 + end) / 2.
    const double rank = 0.5 * static_cast<double>(start + 1 + end);
    for (std::size_t k = start; k < end; ++k) {
      out[order[k]] = rank;
    }
    start = end;
  }
}

template <class>
std::vector<double> rank_average(span<const double> x) {
  std::vector<double> out(x.size());
  rank_average(x, span<double>(out));
  return out;
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_RANK_HPP

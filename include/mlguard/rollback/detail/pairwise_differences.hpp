#ifndef MLGUARD_ROLLBACK_DETAIL_PAIRWISE_DIFFERENCES_HPP
#define MLGUARD_ROLLBACK_DETAIL_PAIRWISE_DIFFERENCES_HPP

// Order statistics of the n·m pairwise differences e_j − c_i of two samples,
// for the Hodges–Lehmann estimate and its interval (rollback/canary_judge.hpp).
//
// Up to materialise_limit differences are materialised and selected with
// std::nth_element: O(n·m) memory and time. Above it none is materialised:
// the k-th smallest is found by bisection over the 2^64 doubles in their
// order (stats::detail::sort_key), each step counting the differences ≤ t
// with one merge-like pass over the two sorted samples, so at most 64 passes
// of O(n + m) and O(n + m) memory. Both paths return the same double: the
// differences are the rounded fl(e_j − c_i) in both, and rounding is
// monotone, so fl(e_j − c_i) ≤ t counts are exact.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mlguard/core/compiled.hpp"

namespace mlguard::rollback::detail {

/// Above this many pairs (n·m) the differences are not materialised (8 MiB of doubles).
inline constexpr std::uint64_t pairwise_materialise_limit = std::uint64_t{1} << 20;

/// The pairwise differences e_j − c_i of two ascending samples, by rank.
template <class = void> // deferred: see core/json.hpp
class basic_pairwise_differences {
public:
  /// `experiment` and `control` ascending, non-empty, finite; the object keeps
  /// them by reference. `limit`: materialise when n·m ≤ limit.
  basic_pairwise_differences(const std::vector<double>& experiment,
                             const std::vector<double>& control,
                             std::uint64_t limit = pairwise_materialise_limit);

  /// n·m.
  std::uint64_t size() const noexcept { return count_; }
  /// True when the differences are held in memory.
  bool materialised() const noexcept { return !all_.empty(); }

  /// The k-th smallest difference, k in [1, size()].
  double kth(std::uint64_t k);

  /// #{(i, j) : fl(e_j − c_i) ≤ t}, in O(n + m).
  std::uint64_t count_at_most(double t) const noexcept;

private:
  const std::vector<double>& e_;
  const std::vector<double>& c_;
  std::uint64_t count_;
  std::vector<double> all_;
};

/// The type to name (a class template only so that its bodies compile where used).
using pairwise_differences = basic_pairwise_differences<>;

} // namespace mlguard::rollback::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

#include "mlguard/stats/detail/sort.hpp"

namespace mlguard::rollback::detail {

template <class V>
MLGUARD_INLINE basic_pairwise_differences<V>::basic_pairwise_differences(
    const std::vector<double>& experiment, const std::vector<double>& control, std::uint64_t limit)
    : e_(experiment), c_(control),
      count_(static_cast<std::uint64_t>(experiment.size()) * control.size()) {
  if (count_ <= limit) {
    all_.reserve(static_cast<std::size_t>(count_));
    for (double e : e_) {
      for (double c : c_) {
        all_.push_back(e - c);
      }
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_pairwise_differences<V>::kth(std::uint64_t k) -> double {
  if (materialised()) {
    const auto at = all_.begin() + static_cast<std::ptrdiff_t>(k - 1);
    std::nth_element(all_.begin(), at, all_.end());
    return *at;
  }
  // Smallest t (in the order of doubles) with #{d ≤ t} ≥ k; d_min and d_max
  // are themselves differences, so the answer lies between their keys.
  std::uint64_t lo = stats::detail::sort_key(e_.front() - c_.back());
  std::uint64_t hi = stats::detail::sort_key(e_.back() - c_.front());
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (count_at_most(stats::detail::from_sort_key(mid)) >= k) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return stats::detail::from_sort_key(lo);
}

template <class V>
MLGUARD_INLINE auto basic_pairwise_differences<V>::count_at_most(double t) const noexcept
    -> std::uint64_t {
  // For ascending e_j the first control index i with e_j − c_i ≤ t never
  // moves left, so one pointer walks the control sample once.
  std::uint64_t total = 0;
  std::size_t i = 0;
  const std::size_t m = c_.size();
  for (double e : e_) {
    while (i < m && e - c_[i] > t) {
      ++i;
    }
    total += m - i;
  }
  return total;
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_DETAIL_PAIRWISE_DIFFERENCES_HPP

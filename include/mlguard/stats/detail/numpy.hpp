#ifndef MLGUARD_STATS_DETAIL_NUMPY_HPP
#define MLGUARD_STATS_DETAIL_NUMPY_HPP

// numpy's arithmetic, reproduced operation for operation so that mlguard's
// statistics agree with numpy/scipy bit for bit where those tools are the
// reference: np.sum (pairwise summation in 8192-element chunks), np.std,
// np.linspace and np.quantile (default "linear" method, numpy ≥ 1.22), plus
// the partial selection np.quantile does instead of a full sort. The one
// copy of these kernels; stats/ and drift/ both use it. Not for direct use.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "mlguard/core/span.hpp"

namespace mlguard::stats::detail {

/// numpy's pairwise summation of one contiguous float64 block (what np.sum
/// does below its buffer size): 8 running sums over blocks of at most 128
/// values, halves above that.
template <class = void>
double numpy_sum_block(const double* a, std::size_t n) noexcept;

/// np.sum of a contiguous float64 array, bit for bit: numpy reduces a long
/// array in buffer-sized chunks of 8192 elements, each summed pairwise, the
/// chunk sums added in order.
template <class = void>
double numpy_sum(const double* a, std::size_t n) noexcept;

/// np.sum of a span.
template <class = void>
double numpy_sum(span<const double> a) noexcept;

/// np.std(x) (population, ddof = 0) with numpy's arithmetic: the mean by
/// pairwise sum / n, then the pairwise sum of squared deviations / n, square root.
template <class = void>
double numpy_std(span<const double> x);

/// np.linspace(start, stop, num) element i (endpoint=True), bit for bit.
/// When stop − start overflows (ends of both signs near ±DBL_MAX, where
/// numpy returns ±inf and NaN), the same arithmetic on the halved ends,
/// doubled: finite points between start and stop.
template <class = void>
double numpy_linspace_at(double start, double stop, std::size_t num, std::size_t i) noexcept;

/// np.quantile(sorted, q) with the default linear method, on sorted, finite
/// data of size n ≥ 1, reproducing numpy 1.22+'s arithmetic: virtual index
/// (n−1)·q, then _lerp (a + (b−a)·t, or b − (b−a)·(1−t) for t ≥ 0.5). Only the
/// order statistics at floor and floor + 1 of the virtual index are read, so
/// `sorted` need only be sorted there (see select_order_statistics).
/// When b − a overflows (neighbours of both signs near ±DBL_MAX, where numpy
/// returns ±inf), the same _lerp on the halved neighbours, doubled: a finite
/// quantile between a and b.
template <class = void>
double numpy_quantile_sorted(const double* sorted, std::size_t n, double q) noexcept;

/// Rearranges [first, last) so that each position in the sorted index list
/// [wanted, wanted_end) (offsets from `first` plus `base`) holds the value a
/// full sort would put there, as np.quantile's np.partition does: recursive
/// nth_element on the middle index, O(n log k) for k indices.
template <typename It>
void select_order_statistics(It first, It last, const std::size_t* wanted,
                             const std::size_t* wanted_end, std::size_t base) {
  if (wanted == wanted_end || first == last) {
    return;
  }
  const std::size_t* middle = wanted + (wanted_end - wanted) / 2;
  const It nth = first + static_cast<std::ptrdiff_t>(*middle - base);
  std::nth_element(first, nth, last);
  select_order_statistics(first, nth, wanted, middle, base);
  select_order_statistics(nth + 1, last, middle + 1, wanted_end, *middle + 1);
}

} // namespace mlguard::stats::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::stats::detail {

template <class>
double numpy_sum_block(const double* a, std::size_t n) noexcept {
  if (n < 8) {
    double res = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      res += a[i];
    }
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (std::size_t j = 0; j < 8; ++j) {
      r[j] = a[j];
    }
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (std::size_t j = 0; j < 8; ++j) {
        r[j] += a[i + j];
      }
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) {
      res += a[i];
    }
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return numpy_sum_block(a, n2) + numpy_sum_block(a + n2, n - n2);
}

template <class>
double numpy_sum(const double* a, std::size_t n) noexcept {
  constexpr std::size_t chunk = 8192;
  double res = 0.0;
  for (std::size_t start = 0; start < n; start += chunk) {
    res += numpy_sum_block(a + start, std::min(chunk, n - start));
  }
  return res;
}

template <class>
double numpy_sum(span<const double> a) noexcept {
  return numpy_sum(a.data(), a.size());
}

template <class>
double numpy_std(span<const double> x) {
  const auto n = static_cast<double>(x.size());
  const double mean = numpy_sum(x) / n;
  std::vector<double> squares(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double d = x[i] - mean;
    squares[i] = d * d;
  }
  return std::sqrt(numpy_sum(squares.data(), squares.size()) / n);
}

template <class>
double numpy_linspace_at(double start, double stop, std::size_t num, std::size_t i) noexcept {
  if (num > 1 && i == num - 1) {
    return stop;
  }
  const double delta = stop - start;
  if (std::isinf(delta) && std::isfinite(start) && std::isfinite(stop)) {
    return 2.0 * numpy_linspace_at(0.5 * start, 0.5 * stop, num, i);
  }
  const auto div = static_cast<double>(num - 1);
  const auto fi = static_cast<double>(i);
  if (num <= 1) {
    return fi * delta + start;
  }
  const double step = delta / div;
  if (step == 0.0) {
    return fi / div * delta + start;
  }
  return fi * step + start;
}

template <class>
double numpy_quantile_sorted(const double* sorted, std::size_t n, double q) noexcept {
  const double last = static_cast<double>(n - 1);
  const double virtual_index = last * q;
  if (virtual_index >= last) {
    return sorted[n - 1];
  }
  if (virtual_index < 0.0) {
    return sorted[0];
  }
  const double previous = std::floor(virtual_index);
  const auto i = static_cast<std::size_t>(previous);
  const double a = sorted[i];
  const double b = sorted[i + 1];
  const double t = virtual_index - previous;
  const double diff = b - a;
  if (std::isinf(diff)) {
    const double half_a = 0.5 * a;
    const double half_b = 0.5 * b;
    const double half_diff = half_b - half_a;
    return 2.0 * (t >= 0.5 ? half_b - half_diff * (1.0 - t) : half_a + half_diff * t);
  }
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_DETAIL_NUMPY_HPP

#ifndef MLGUARD_STATS_DETAIL_SORT_HPP
#define MLGUARD_STATS_DETAIL_SORT_HPP

// Sorting doubles, and index permutations by a key, for the rank and ECDF
// based tests. Not for direct use.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::stats::detail {

/// Throws stats_error mlguard.stats.empty_sample when `x` is empty.
template <class = void>
void require_nonempty(span<const double> x, const char* test, const char* which);

[[noreturn]] inline void throw_nan_input(const char* test, const char* which) {
  throw stats_error("nan_input", std::string(test) + ": sample " + which +
                                     " contains NaN (drop missing values first)");
}

/// An order-preserving unsigned key of a non-NaN double (−0.0 and +0.0 share one).
template <class = void>
std::uint64_t sort_key(double x) noexcept;

template <class = void>
std::uint64_t load_bits(const double* p) noexcept;

template <class = void>
void store_bits(double* p, std::uint64_t u) noexcept;

/// The double whose sort_key is `k`.
template <class = void>
double from_sort_key(std::uint64_t k) noexcept;

/// Sorts data[0, n) ascending; `tmp` holds n doubles of scratch space. Large
/// inputs use an LSD radix sort (8-bit digits, at most eight passes, passes
/// whose digit is constant skipped) on order-preserving integer keys kept in
/// the buffers' bytes; small ones std::sort. The input holds no NaN; −0.0
/// comes back as +0.0 from the radix path (they compare equal).
template <class = void>
void sort_doubles(double* data, std::size_t n, double* tmp) noexcept;

/// Orders indices by a key: ascending keys, equal keys in index order.
struct index_by_key {
  const double* keys;
  bool operator()(std::size_t a, std::size_t b) const noexcept {
    return keys[a] < keys[b] || (!(keys[b] < keys[a]) && a < b);
  }
};

/// The permutation that sorts `keys` (no NaN) ascending, equal keys in index
/// order: what std::stable_sort of the indices gives, with one std::sort
/// instantiation shared by every caller (rank_average, the weighted CDF
/// distances, the Benjamini–Hochberg correction).
template <class = void>
std::vector<std::size_t> stable_order(span<const double> keys);

/// Copies `x` to out[0, n) and sorts it there (tmp: n doubles of scratch).
/// Throws stats_error mlguard.stats.nan_input on NaN.
template <class = void>
void copy_sorted(span<const double> x, double* out, double* tmp, const char* test,
                 const char* which);

} // namespace mlguard::stats::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::stats::detail {

template <class>
void require_nonempty(span<const double> x, const char* test, const char* which) {
  if (x.empty()) {
    throw stats_error("empty_sample", std::string(test) + ": sample " + which + " is empty");
  }
}

template <class>
std::uint64_t sort_key(double x) noexcept {
  if (x == 0.0) {
    x = 0.0;
  }
  std::uint64_t u = 0;
  std::memcpy(&u, &x, sizeof u);
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  return (u & sign) != 0 ? ~u : (u | sign);
}

template <class>
std::uint64_t load_bits(const double* p) noexcept {
  std::uint64_t u = 0;
  std::memcpy(&u, p, sizeof u);
  return u;
}

template <class>
void store_bits(double* p, std::uint64_t u) noexcept {
  std::memcpy(p, &u, sizeof u);
}

template <class>
double from_sort_key(std::uint64_t k) noexcept {
  constexpr std::uint64_t sign = std::uint64_t{1} << 63;
  const std::uint64_t u = (k & sign) != 0 ? (k & ~sign) : ~k;
  double x = 0.0;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

template <class>
void sort_doubles(double* data, std::size_t n, double* tmp) noexcept {
  if (n < 2048) {
    std::sort(data, data + n);
    return;
  }
  // 8-bit digits: eight passes, but each pass's 256 output streams stay in
  // the TLB and L1 (11- and 16-bit digits measured slower on 1e6 doubles).
  constexpr int bits = 8;
  constexpr int passes = 8;
  constexpr std::size_t buckets = std::size_t{1} << bits;
  constexpr std::uint64_t mask = buckets - 1;
  std::array<std::array<std::size_t, buckets>, passes> counts{};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t k = sort_key(data[i]);
    store_bits(data + i, k);
    for (int p = 0; p < passes; ++p) {
      ++counts[static_cast<std::size_t>(p)][static_cast<std::size_t>((k >> (p * bits)) & mask)];
    }
  }
  double* src = data;
  double* dst = tmp;
  for (int p = 0; p < passes; ++p) {
    auto& c = counts[static_cast<std::size_t>(p)];
    const int shift = p * bits;
    const std::uint64_t first_digit = (load_bits(src) >> shift) & mask;
    if (c[static_cast<std::size_t>(first_digit)] == n) {
      continue; // every key has the same digit here
    }
    std::size_t sum = 0;
    for (auto& v : c) {
      const std::size_t count = v;
      v = sum;
      sum += count;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t k = load_bits(src + i);
      store_bits(dst + c[static_cast<std::size_t>((k >> shift) & mask)]++, k);
    }
    std::swap(src, dst);
  }
  for (std::size_t i = 0; i < n; ++i) {
    data[i] = from_sort_key(load_bits(src + i));
  }
}

template <class>
std::vector<std::size_t> stable_order(span<const double> keys) {
  std::vector<std::size_t> order(keys.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), index_by_key{keys.data()});
  return order;
}

template <class>
void copy_sorted(span<const double> x, double* out, double* tmp, const char* test,
                 const char* which) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      throw_nan_input(test, which);
    }
    out[i] = v;
  }
  sort_doubles(out, x.size(), tmp);
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_DETAIL_SORT_HPP

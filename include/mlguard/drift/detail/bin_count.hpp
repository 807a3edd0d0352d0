#ifndef MLGUARD_DRIFT_DETAIL_BIN_COUNT_HPP
#define MLGUARD_DRIFT_DETAIL_BIN_COUNT_HPP

// The bin-counting kernel behind reference_bins and evidently_bins
// (drift/binning.hpp): for each value, the number of sorted edges ≤ it, as
// std::upper_bound would give, without a branch per value. With SSE2 it
// counts, per edge, the values ≥ the edge with vector compares and takes
// differences; without, a loop compilers vectorise plus four interleaved
// histograms. Not for direct use.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility> // std::index_sequence

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#endif

namespace mlguard::drift::detail {

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#define MLGUARD_DRIFT_DETAIL_SSE2 1
#endif

#ifdef MLGUARD_DRIFT_DETAIL_SSE2
/// ge[k] += #(x ≥ edges[k]) for k < K, and nans += #NaN, over n values:
/// per pair of values one load, then a compare and a subtract of the
/// all-ones mask per edge into K accumulators that stay in registers.
template <std::size_t K, std::size_t... I>
inline void count_at_least_sse2(const double* edges, const double* x, std::size_t n,
                                std::uint64_t* ge, std::uint64_t& nans,
                                std::index_sequence<I...> /*edges*/) noexcept {
  // The edge loop is unrolled by the fold expressions, so the K edges and
  // accumulators live in registers.
  const __m128d e[K] = {_mm_set1_pd(edges[I])...};
  __m128i acc[K] = {(static_cast<void>(I), _mm_setzero_si128())...};
  __m128i nan_acc = _mm_setzero_si128();
  std::size_t i = 0;
  for (; i + 2 <= n; i += 2) {
    const __m128d v = _mm_loadu_pd(x + i);
    ((acc[I] = _mm_sub_epi64(acc[I], _mm_castpd_si128(_mm_cmpge_pd(v, e[I])))), ...);
    nan_acc = _mm_sub_epi64(nan_acc, _mm_castpd_si128(_mm_cmpunord_pd(v, v)));
  }
  alignas(16) std::uint64_t lanes[2];
  for (std::size_t k = 0; k < K; ++k) {
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), acc[k]);
    ge[k] += lanes[0] + lanes[1];
  }
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes), nan_acc);
  nans += lanes[0] + lanes[1];
  for (; i < n; ++i) {
    for (std::size_t k = 0; k < K; ++k) {
      ge[k] += x[i] >= edges[k] ? std::uint64_t{1} : std::uint64_t{0};
    }
    nans += std::isnan(x[i]) ? std::uint64_t{1} : std::uint64_t{0};
  }
}

/// count_at_least_sse2 for 1 ≤ k ≤ 8 edges.
template <class = void>
void count_at_least_upto8(const double* edges, std::size_t k, const double* x, std::size_t n,
                          std::uint64_t* ge, std::uint64_t& nans) noexcept;
#endif

/// For each x, counts[#(edges ≤ x)] += 1 over sorted, distinct edges, i.e.
/// std::upper_bound; returns how many x are NaN (they land in bin 0).
/// Allocation-free and branch-free for up to 32 edges: with SSE2 it counts,
/// per edge, the values ≥ it (vector compares, no scatter), blockwise so the
/// values stay in L1, and takes differences; without SSE2 it compares a
/// block against every edge in a loop compilers vectorise and scatters into
/// four interleaved histograms. More edges use binary search.
template <class = void>
std::size_t count_into_bins(const double* edges, std::size_t n_edges, const double* x,
                            std::size_t n, std::uint64_t* counts) noexcept;

} // namespace mlguard::drift::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::drift::detail {

template <class>
void count_at_least_upto8(const double* edges, std::size_t k, const double* x, std::size_t n,
                          std::uint64_t* ge, std::uint64_t& nans) noexcept {
  switch (k) {
  case 1:
    return count_at_least_sse2<1>(edges, x, n, ge, nans, std::make_index_sequence<1>{});
  case 2:
    return count_at_least_sse2<2>(edges, x, n, ge, nans, std::make_index_sequence<2>{});
  case 3:
    return count_at_least_sse2<3>(edges, x, n, ge, nans, std::make_index_sequence<3>{});
  case 4:
    return count_at_least_sse2<4>(edges, x, n, ge, nans, std::make_index_sequence<4>{});
  case 5:
    return count_at_least_sse2<5>(edges, x, n, ge, nans, std::make_index_sequence<5>{});
  case 6:
    return count_at_least_sse2<6>(edges, x, n, ge, nans, std::make_index_sequence<6>{});
  case 7:
    return count_at_least_sse2<7>(edges, x, n, ge, nans, std::make_index_sequence<7>{});
  default:
    return count_at_least_sse2<8>(edges, x, n, ge, nans, std::make_index_sequence<8>{});
  }
}

template <class>
std::size_t count_into_bins(const double* edges, std::size_t n_edges, const double* x,
                            std::size_t n, std::uint64_t* counts) noexcept {
  constexpr std::size_t max_linear_edges = 32;
  std::size_t start = 0;
  std::size_t nan_count = 0;
  if (n_edges == 0) {
    for (std::size_t i = 0; i < n; ++i) {
      nan_count += std::isnan(x[i]) ? std::size_t{1} : std::size_t{0};
    }
    counts[0] += n;
    return nan_count;
  }
  if (n_edges <= max_linear_edges) {
#ifdef MLGUARD_DRIFT_DETAIL_SSE2
    constexpr std::size_t block = 4096; // 32 KiB of values
    std::uint64_t ge[max_linear_edges] = {};
    std::uint64_t nans = 0;
    for (; start < n; start += block) {
      const std::size_t m = std::min(block, n - start);
      std::uint64_t ignored = 0; // NaNs are counted with the first 8 edges only
      for (std::size_t k = 0; k < n_edges; k += 8) {
        count_at_least_upto8(edges + k, std::min<std::size_t>(8, n_edges - k), x + start, m, ge + k,
                             k == 0 ? nans : ignored);
      }
    }
    counts[0] += static_cast<std::uint64_t>(n) - ge[0];
    for (std::size_t b = 1; b < n_edges; ++b) {
      counts[b] += ge[b - 1] - ge[b];
    }
    counts[n_edges] += ge[n_edges - 1];
    return static_cast<std::size_t>(nans);
#else
    constexpr std::size_t block = 256;
    std::uint64_t local[4][max_linear_edges + 1] = {};
    // Bin numbers are accumulated as doubles: compare-and-add on doubles is
    // what compilers vectorise without mixing lane widths.
    alignas(64) double idx[block];
    for (; start + block <= n; start += block) {
      const double* xb = x + start;
      for (std::size_t i = 0; i < block; ++i) {
        idx[i] = 0.0;
      }
      for (std::size_t k = 0; k < n_edges; ++k) {
        const double e = edges[k];
        for (std::size_t i = 0; i < block; ++i) {
          idx[i] += xb[i] >= e ? 1.0 : 0.0;
        }
      }
      double nans = 0.0;
      for (std::size_t i = 0; i < block; ++i) {
        nans += xb[i] != xb[i] ? 1.0 : 0.0; // NOLINT(misc-redundant-expression)
      }
      nan_count += static_cast<std::size_t>(nans);
      for (std::size_t i = 0; i < block; i += 4) {
        ++local[0][static_cast<std::size_t>(idx[i])];
        ++local[1][static_cast<std::size_t>(idx[i + 1])];
        ++local[2][static_cast<std::size_t>(idx[i + 2])];
        ++local[3][static_cast<std::size_t>(idx[i + 3])];
      }
    }
    for (std::size_t b = 0; b <= n_edges; ++b) {
      counts[b] += local[0][b] + local[1][b] + local[2][b] + local[3][b];
    }
#endif
  }
  for (std::size_t i = start; i < n; ++i) {
    const double v = x[i];
    if (std::isnan(v)) {
      ++nan_count;
      ++counts[0];
      continue;
    }
    ++counts[static_cast<std::size_t>(std::upper_bound(edges, edges + n_edges, v) - edges)];
  }
  return nan_count;
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_BIN_COUNT_HPP

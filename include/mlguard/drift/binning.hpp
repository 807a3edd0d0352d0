#ifndef MLGUARD_DRIFT_BINNING_HPP
#define MLGUARD_DRIFT_BINNING_HPP

// Binning of numeric features for the binned drift statistics (PSI,
// Jensen–Shannon, KL, Hellinger, total variation, L-infinity).
//
// Two binnings, both reproducible with numpy:
//  - quantile (the default): interior edges numpy.quantile(reference,
//    linspace(0, 1, B+1))[1:-1] with numpy's default linear method, duplicates
//    dropped, outer edges −inf and +inf. The edges depend on the reference
//    only, so they are computed once (reference_bins) and reused for every
//    current sample.
//  - evidently: Evidently's get_binned_data. When the reference has more than
//    20 distinct values, numpy.histogram_bin_edges(concat(reference, current),
//    bins="sturges"); otherwise the distinct values of both samples are
//    categories.
//
// Every bin i holds e_i ≤ x < e_{i+1}; the last bin also holds x = e_k
// (numpy.histogram's closed right edge; for quantile bins that edge is +inf,
// so ±inf land in the outer bins).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <utility> // std::index_sequence
#include <vector>

#if defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2)
#include <emmintrin.h>
#endif

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::drift {

/// How numeric features are binned for the binned statistics.
enum class binning_strategy {
  quantile, ///< numpy.quantile(reference, linspace(0, 1, bins+1)) edges (the default)
  evidently ///< Evidently's get_binned_data (Sturges edges over both samples, or categories)
};

/// "quantile" or "evidently".
inline const char* to_string(binning_strategy b) noexcept {
  return b == binning_strategy::quantile ? "quantile" : "evidently";
}

/// Parses "quantile" or "evidently". Throws drift_error (mlguard.drift.unknown_binning).
inline binning_strategy binning_from_string(std::string_view name) {
  if (name == "quantile") {
    return binning_strategy::quantile;
  }
  if (name == "evidently") {
    return binning_strategy::evidently;
  }
  throw drift_error("unknown_binning",
                    "unknown binning '" + std::string(name) + "' (expected quantile or evidently)");
}

/// The default number of quantile bins.
inline constexpr std::size_t default_bins = 10;

/// Which binning, and how many quantile bins (ignored by the evidently
/// binning, whose bin count follows Sturges' rule, as in Evidently).
struct binning_options {
  binning_strategy strategy = binning_strategy::quantile;
  std::size_t bins = default_bins;
};

/// What the bins of a bin_table are.
enum class bin_kind {
  intervals, ///< numeric intervals [e_i, e_{i+1}), the last one closed
  values,    ///< distinct numeric values (Evidently's path for ≤ 20 distinct reference values)
  categories ///< named categories of a categorical feature
};

/// "intervals", "values" or "categories".
inline const char* to_string(bin_kind k) noexcept {
  switch (k) {
  case bin_kind::values:
    return "values";
  case bin_kind::categories:
    return "categories";
  case bin_kind::intervals:
  default:
    return "intervals";
  }
}

/// The bins a binned statistic compared, with the proportions it used, so a
/// user can reproduce the statistic with numpy.
struct bin_table {
  bin_kind kind = bin_kind::intervals;
  /// intervals: the bins+1 edges (quantile binning: −inf first, +inf last).
  std::vector<double> edges;
  /// values: the distinct numbers, ascending.
  std::vector<double> values;
  /// categories: the category names (reference categories first, then unseen ones).
  std::vector<std::string> categories;
  /// The reference and current proportions per bin, as the statistic used them.
  std::vector<double> reference;
  std::vector<double> current;
  /// True when zero proportions were replaced (see fill_zero_proportions).
  bool zero_filled = false;

  /// The number of bins.
  std::size_t size() const noexcept { return reference.size(); }
};

namespace detail {

/// A double as JSON: finite numbers as numbers, ±inf as "inf"/"-inf", NaN as null.
inline json json_number(double x) {
  if (std::isnan(x)) {
    return nullptr;
  }
  if (std::isinf(x)) {
    return x > 0 ? "inf" : "-inf";
  }
  return x;
}

inline json json_numbers(const std::vector<double>& xs) {
  json out = json::array();
  for (double x : xs) {
    out.push_back(json_number(x));
  }
  return out;
}

/// numpy's pairwise summation of a contiguous float64 array (what np.sum
/// does), so sums agree with numpy bit for bit.
inline double numpy_sum_block(const double* a, std::size_t n) noexcept {
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

inline double numpy_sum(const double* a, std::size_t n) noexcept {
  // numpy reduces a long array in buffer-sized chunks of 8192 elements,
  // each summed pairwise, the chunk sums added in order.
  constexpr std::size_t chunk = 8192;
  double res = 0.0;
  for (std::size_t start = 0; start < n; start += chunk) {
    res += numpy_sum_block(a + start, std::min(chunk, n - start));
  }
  return res;
}

inline double numpy_sum(span<const double> a) noexcept { return numpy_sum(a.data(), a.size()); }

/// Throws drift_error mlguard.drift.empty_sample / mlguard.drift.nan_input.
inline void check_sample(span<const double> x, const char* which) {
  if (x.empty()) {
    throw drift_error("empty_sample", std::string("the ") + which + " sample is empty");
  }
  for (double v : x) {
    if (std::isnan(v)) {
      throw drift_error("nan_input", std::string("the ") + which +
                                         " sample holds NaN; drop missing values first");
    }
  }
}

/// numpy.quantile(sorted, q) with the default linear method, on sorted,
/// finite data of size n ≥ 1, reproducing numpy 1.22+'s arithmetic:
/// virtual index (n−1)·q, then _lerp (a + (b−a)·t, or b − (b−a)·(1−t) for t ≥ 0.5).
inline double numpy_quantile_sorted(const double* sorted, std::size_t n, double q) noexcept {
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
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

/// numpy.linspace(start, stop, num) element i (endpoint=True), bit for bit.
inline double numpy_linspace_at(double start, double stop, std::size_t num,
                                std::size_t i) noexcept {
  if (num > 1 && i == num - 1) {
    return stop;
  }
  const double delta = stop - start;
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
inline void count_at_least_upto8(const double* edges, std::size_t k, const double* x, std::size_t n,
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
#endif

/// For each x, counts[#(edges ≤ x)] += 1 over sorted, distinct edges, i.e.
/// std::upper_bound; returns how many x are NaN (they land in bin 0).
/// Allocation-free and branch-free for up to 32 edges: with SSE2 it counts,
/// per edge, the values ≥ it (vector compares, no scatter), blockwise so the
/// values stay in L1, and takes differences; without SSE2 it compares a
/// block against every edge in a loop compilers vectorise and scatters into
/// four interleaved histograms. More edges use binary search.
inline std::size_t count_into_bins(const double* edges, std::size_t n_edges, const double* x,
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

/// Rearranges [first, last) so that each position in the sorted index list
/// [wanted, wanted_end) (offsets from `first` plus `base`) holds the value a
/// full sort would put there: recursive nth_element on the middle index,
/// O(n log k) for k indices.
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

/// Sorted distinct values (−0.0 and 0.0 are one value, as in pandas).
inline std::vector<double> distinct_sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

} // namespace detail

/// Replaces the zeros of a proportion vector in place, as Evidently's
/// get_binned_data(feel_zeroes=True) does for each array on its own: with m
/// the smallest non-zero proportion, zeros become m/10⁶ when m ≤ 10⁻⁴, else
/// 10⁻⁴. The vector is not renormalised. A vector without non-zero entries
/// is left alone (Evidently would raise). Returns true when something changed.
inline bool fill_zero_proportions(std::vector<double>& p) noexcept {
  double smallest = std::numeric_limits<double>::infinity();
  bool has_zero = false;
  for (double v : p) {
    if (v != 0.0) {
      smallest = std::min(smallest, v);
    } else {
      has_zero = true;
    }
  }
  if (!has_zero || std::isinf(smallest)) {
    return false;
  }
  const double fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
  for (double& v : p) {
    if (v == 0.0) {
      v = fill;
    }
  }
  return true;
}

/// The interior quantile edges of `reference`: numpy.quantile(finite
/// reference, linspace(0, 1, bins+1))[1:-1] (linear method), sorted, with
/// duplicates dropped. Bit-identical to numpy 1.24 (same arithmetic).
/// ±inf in the reference are left out of the quantiles (numpy would return
/// NaN edges); a reference without finite values has no interior edges.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.bad_bins when bins is 0.
inline std::vector<double> quantile_edges(span<const double> reference,
                                          std::size_t bins = default_bins) {
  detail::check_sample(reference, "reference");
  if (bins == 0) {
    throw drift_error("bad_bins", "the number of bins must be at least 1");
  }
  std::vector<double> values;
  values.reserve(reference.size());
  for (double v : reference) {
    if (std::isfinite(v)) {
      values.push_back(v);
    }
  }
  std::vector<double> edges;
  if (values.empty() || bins == 1) {
    return edges;
  }
  // Like numpy, select only the order statistics the quantiles read (the
  // neighbours of each virtual index (n−1)·q) instead of sorting everything.
  const std::size_t n = values.size();
  std::vector<double> qs;
  std::vector<std::size_t> wanted;
  for (std::size_t i = 1; i < bins; ++i) {
    const double q = detail::numpy_linspace_at(0.0, 1.0, bins + 1, i);
    qs.push_back(q);
    const double virtual_index = static_cast<double>(n - 1) * q;
    if (virtual_index >= static_cast<double>(n - 1)) {
      wanted.push_back(n - 1);
    } else {
      const auto lo = static_cast<std::size_t>(std::floor(virtual_index));
      wanted.push_back(lo);
      wanted.push_back(lo + 1);
    }
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  detail::select_order_statistics(values.begin(), values.end(), wanted.data(),
                                  wanted.data() + wanted.size(), 0);
  edges.reserve(qs.size());
  for (double q : qs) {
    edges.push_back(detail::numpy_quantile_sorted(values.data(), n, q));
  }
  return detail::distinct_sorted(std::move(edges));
}

/// numpy.histogram_bin_edges(concat(a, b), bins="sturges"): Sturges' rule,
/// ceil(range / (range / (log2(n) + 1))) equal-width bins from min to max
/// (±0.5 around a constant sample), edges from numpy.linspace. Bit-identical
/// to numpy 1.24.
/// Throws drift_error: mlguard.drift.empty_sample when both are empty,
/// mlguard.drift.nan_input on NaN, mlguard.drift.non_finite on ±inf (numpy
/// raises "autodetected range ... is not finite").
inline std::vector<double> sturges_edges(span<const double> a, span<const double> b) {
  if (a.empty() && b.empty()) {
    throw drift_error("empty_sample", "Sturges edges of two empty samples");
  }
  double lo = std::numeric_limits<double>::infinity();
  double hi = -lo;
  for (auto s : {a, b}) {
    for (double v : s) {
      if (std::isnan(v)) {
        throw drift_error("nan_input", "a sample holds NaN; drop missing values first");
      }
      if (std::isinf(v)) {
        throw drift_error("non_finite", "the evidently binning needs finite values "
                                        "(numpy.histogram_bin_edges rejects ±inf)");
      }
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  const auto n = static_cast<double>(a.size() + b.size());
  const double ptp = hi - lo;
  double first = lo;
  double last = hi;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  const double width = ptp / (std::log2(n) + 1.0);
  std::size_t n_bins = 1;
  if (width != 0.0) {
    n_bins = static_cast<std::size_t>(std::ceil((last - first) / width));
  }
  std::vector<double> edges(n_bins + 1);
  for (std::size_t i = 0; i <= n_bins; ++i) {
    edges[i] = detail::numpy_linspace_at(first, last, n_bins + 1, i);
  }
  return edges;
}

/// Histogram counts of `x` over interval edges e_0 < … < e_k with
/// numpy.histogram's rule: bin i holds e_i ≤ x < e_{i+1}, the last bin also
/// x = e_k; values outside [e_0, e_k] are not counted. Matches
/// numpy.histogram(x, edges)[0]. Throws drift_error (mlguard.drift.nan_input)
/// on NaN and mlguard.drift.bad_bins when fewer than 2 edges are given.
inline std::vector<std::uint64_t> histogram(span<const double> x, span<const double> edges) {
  if (edges.size() < 2) {
    throw drift_error("bad_bins", "a histogram needs at least two edges");
  }
  std::vector<std::uint64_t> counts(edges.size() - 1, 0);
  const double lo = edges[0];
  const double hi = edges[edges.size() - 1];
  std::size_t nan_count = 0;
  for (double v : x) {
    if (std::isnan(v)) {
      ++nan_count;
    } else if (v >= lo && v <= hi) {
      const auto it = std::upper_bound(edges.begin() + 1, edges.end() - 1, v);
      ++counts[static_cast<std::size_t>(it - (edges.begin() + 1))];
    }
  }
  if (nan_count > 0) {
    throw drift_error("nan_input", "the sample holds NaN; drop missing values first");
  }
  return counts;
}

/// The quantile bins of a reference sample, computed once, against which
/// current samples are counted fast.
///
/// Bins are [−inf, e_1), [e_1, e_2), …, [e_{k−1}, +inf] with the interior
/// edges of quantile_edges(); ±inf fall in the outer bins. Immutable after
/// construction, so one object may be shared between threads.
class reference_bins {
public:
  /// Quantile bins of `reference` (see quantile_edges) and its proportions.
  /// Throws as quantile_edges.
  explicit reference_bins(span<const double> reference, std::size_t bins = default_bins)
      : interior_(quantile_edges(reference, bins)) {
    reference_counts_.assign(interior_.size() + 1, 0);
    detail::count_into_bins(interior_.data(), interior_.size(), reference.data(), reference.size(),
                            reference_counts_.data());
    reference_size_ = reference.size();
  }

  /// The number of bins (≤ the number asked for: duplicate quantiles merge).
  std::size_t size() const noexcept { return interior_.size() + 1; }

  /// The interior edges e_1 … e_{k−1}.
  const std::vector<double>& interior_edges() const noexcept { return interior_; }

  /// All k+1 edges, −inf first and +inf last.
  std::vector<double> edges() const {
    std::vector<double> out;
    out.reserve(interior_.size() + 2);
    out.push_back(-std::numeric_limits<double>::infinity());
    out.insert(out.end(), interior_.begin(), interior_.end());
    out.push_back(std::numeric_limits<double>::infinity());
    return out;
  }

  /// The reference's count per bin.
  const std::vector<std::uint64_t>& reference_counts() const noexcept { return reference_counts_; }

  /// The reference sample's size.
  std::size_t reference_size() const noexcept { return reference_size_; }

  /// The reference's proportion per bin (count / size, not zero-filled).
  std::vector<double> reference_proportions() const {
    return proportions(reference_counts_, reference_size_);
  }

  /// The bin of x: the number of interior edges ≤ x.
  std::size_t bin_of(double x) const noexcept {
    return static_cast<std::size_t>(std::upper_bound(interior_.begin(), interior_.end(), x) -
                                    interior_.begin());
  }

  /// Adds the counts of `current` per bin to `counts` (size() entries).
  /// Allocation-free. Throws drift_error (mlguard.drift.nan_input) when the
  /// sample holds NaN (after counting it in bin 0) and argument_error
  /// (mlguard.argument.size_mismatch) when counts has the wrong size.
  void count(span<const double> current, span<std::uint64_t> counts) const {
    if (counts.size() != size()) {
      throw argument_error("size_mismatch", "counts has " + std::to_string(counts.size()) +
                                                " entries for " + std::to_string(size()) + " bins");
    }
    const auto nans = detail::count_into_bins(interior_.data(), interior_.size(), current.data(),
                                              current.size(), counts.data());
    if (nans > 0) {
      throw drift_error("nan_input", "the current sample holds NaN; drop missing values first");
    }
  }

  /// The counts of `current` per bin. Throws as count().
  std::vector<std::uint64_t> counts(span<const double> current) const {
    std::vector<std::uint64_t> out(size(), 0);
    count(current, out);
    return out;
  }

  /// The proportions of `current` per bin (count / size, not zero-filled).
  /// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input.
  std::vector<double> current_proportions(span<const double> current) const {
    if (current.empty()) {
      throw drift_error("empty_sample", "the current sample is empty");
    }
    return proportions(counts(current), current.size());
  }

  /// The bin table of reference vs current with raw (not zero-filled) proportions.
  /// Throws as current_proportions.
  bin_table table(span<const double> current) const {
    bin_table t;
    t.kind = bin_kind::intervals;
    t.edges = edges();
    t.current = current_proportions(current);
    t.reference = reference_proportions();
    return t;
  }

private:
  static std::vector<double> proportions(const std::vector<std::uint64_t>& counts, std::size_t n) {
    std::vector<double> p(counts.size());
    const auto denominator = static_cast<double>(n);
    for (std::size_t i = 0; i < counts.size(); ++i) {
      p[i] = static_cast<double>(counts[i]) / denominator;
    }
    return p;
  }

  std::vector<double> interior_;
  std::vector<std::uint64_t> reference_counts_;
  std::size_t reference_size_ = 0;
};

/// Evidently's get_binned_data(reference, current, "num", feel_zeroes=False):
/// when the reference has more than 20 distinct values, intervals with
/// sturges_edges(reference, current) and numpy.histogram counts; otherwise
/// the distinct values of both samples (ascending) as categories. Proportions
/// are count / sample size, not zero-filled.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf on the interval path, as numpy raises).
inline bin_table evidently_bins(span<const double> reference, span<const double> current) {
  detail::check_sample(reference, "reference");
  detail::check_sample(current, "current");
  // Does the reference have more than 20 distinct values? (pandas nunique;
  // stops at the 21st, so a continuous feature costs a few comparisons.)
  std::vector<double> distinct_reference;
  for (double v : reference) {
    if (std::find(distinct_reference.begin(), distinct_reference.end(), v) ==
        distinct_reference.end()) {
      distinct_reference.push_back(v);
      if (distinct_reference.size() > 20) {
        break;
      }
    }
  }
  bin_table t;
  auto proportions = [](const std::vector<std::uint64_t>& counts, std::size_t n) {
    std::vector<double> p(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
      p[i] = static_cast<double>(counts[i]) / static_cast<double>(n);
    }
    return p;
  };
  if (distinct_reference.size() > 20) {
    t.kind = bin_kind::intervals;
    t.edges = sturges_edges(reference, current);
    // Every value lies in [e_0, e_k], so upper_bound over the interior edges
    // is numpy.histogram's rule.
    const double* interior = t.edges.data() + 1;
    const std::size_t n_interior = t.edges.size() - 2;
    std::vector<std::uint64_t> counts(t.edges.size() - 1, 0);
    detail::count_into_bins(interior, n_interior, reference.data(), reference.size(),
                            counts.data());
    t.reference = proportions(counts, reference.size());
    std::fill(counts.begin(), counts.end(), 0);
    detail::count_into_bins(interior, n_interior, current.data(), current.size(), counts.data());
    t.current = proportions(counts, current.size());
    return t;
  }
  t.kind = bin_kind::values;
  std::vector<double> all(distinct_reference);
  all.insert(all.end(), current.begin(), current.end());
  t.values = detail::distinct_sorted(std::move(all));
  auto count_values = [&](span<const double> x) {
    std::vector<std::uint64_t> counts(t.values.size(), 0);
    for (double v : x) {
      const auto it = std::lower_bound(t.values.begin(), t.values.end(), v);
      ++counts[static_cast<std::size_t>(it - t.values.begin())];
    }
    return counts;
  };
  t.reference = proportions(count_values(reference), reference.size());
  t.current = proportions(count_values(current), current.size());
  return t;
}

/// Bins reference and current with `options` and returns the table with raw
/// (not zero-filled) proportions: quantile → reference_bins(reference,
/// bins).table(current); evidently → evidently_bins(reference, current).
/// Throws as those.
inline bin_table bin_samples(span<const double> reference, span<const double> current,
                             const binning_options& options = {}) {
  if (options.strategy == binning_strategy::evidently) {
    return evidently_bins(reference, current);
  }
  detail::check_sample(current, "current");
  return reference_bins(reference, options.bins).table(current);
}

/// JSON: {"kind", "edges" | "values" | "categories", "reference", "current",
/// "zero_filled"}; infinite edges are written as the strings "-inf" and "inf".
inline void to_json(json& j, const bin_table& t) {
  j = json::object();
  j["kind"] = to_string(t.kind);
  switch (t.kind) {
  case bin_kind::intervals:
    j["edges"] = detail::json_numbers(t.edges);
    break;
  case bin_kind::values:
    j["values"] = detail::json_numbers(t.values);
    break;
  case bin_kind::categories:
    j["categories"] = t.categories;
    break;
  }
  j["reference"] = detail::json_numbers(t.reference);
  j["current"] = detail::json_numbers(t.current);
  j["zero_filled"] = t.zero_filled;
}

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_BINNING_HPP

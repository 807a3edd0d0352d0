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
//
// numpy's kernels (quantile, linspace, the partial selection) live in
// stats/detail/numpy.hpp; the branch-free counting kernel in
// drift/detail/bin_count.hpp.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
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

/// Parses "quantile" or "evidently". Throws drift_error (mlguard.drift.invalid_option).
template <class = void>
binning_strategy binning_from_string(std::string_view name);

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

/// Replaces the zeros of a proportion vector in place, as Evidently's
/// get_binned_data(feel_zeroes=True) does for each array on its own: with m
/// the smallest non-zero proportion, zeros become m/10⁶ when m ≤ 10⁻⁴, else
/// 10⁻⁴. The vector is not renormalised. A vector without non-zero entries
/// is left alone (Evidently would raise). Returns true when something changed.
template <class = void>
bool fill_zero_proportions(std::vector<double>& p) noexcept;

/// The interior quantile edges of `reference`: numpy.quantile(finite
/// reference, linspace(0, 1, bins+1))[1:-1] (linear method), sorted, with
/// duplicates dropped. Bit-identical to numpy 1.24 (same arithmetic), except
/// where numpy's interpolation overflows (neighbours of both signs near
/// ±DBL_MAX, where numpy returns ±inf edges): there the edge is interpolated
/// in halves and stays finite.
/// ±inf in the reference are left out of the quantiles (numpy would return
/// NaN edges); a reference without finite values has no interior edges.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.invalid_option when bins is 0.
template <class = void>
std::vector<double> quantile_edges(span<const double> reference, std::size_t bins = default_bins);

/// numpy.histogram_bin_edges(concat(a, b), bins="sturges"): Sturges' rule,
/// ceil(range / (range / (log2(n) + 1))) equal-width bins from min to max
/// (±0.5 around a constant sample), edges from numpy.linspace. Bit-identical
/// to numpy 1.24 where numpy's range is finite; a range past DBL_MAX
/// (numpy: "cannot convert float NaN to integer") is computed in halves,
/// so such values still get finite edges.
/// Throws drift_error: mlguard.drift.empty_sample when both are empty,
/// mlguard.drift.nan_input on NaN, mlguard.drift.non_finite on ±inf (numpy
/// raises "autodetected range ... is not finite").
template <class = void>
std::vector<double> sturges_edges(span<const double> a, span<const double> b);

/// Histogram counts of `x` over interval edges e_0 < … < e_k with
/// numpy.histogram's rule: bin i holds e_i ≤ x < e_{i+1}, the last bin also
/// x = e_k; values outside [e_0, e_k] are not counted. Matches
/// numpy.histogram(x, edges)[0]. Throws drift_error (mlguard.drift.nan_input)
/// on NaN and mlguard.drift.invalid_option when fewer than 2 edges are given.
template <class = void>
std::vector<std::uint64_t> histogram(span<const double> x, span<const double> edges);

/// The quantile bins of a reference sample, computed once, against which
/// current samples are counted fast.
///
/// Bins are [−inf, e_1), [e_1, e_2), …, [e_{k−1}, +inf] with the interior
/// edges of quantile_edges(); ±inf fall in the outer bins. Immutable after
/// construction, so one object may be shared between threads.
template <class = void> // deferred: see core/json.hpp
class basic_reference_bins {
public:
  /// Quantile bins of `reference` (see quantile_edges) and its proportions.
  /// Throws as quantile_edges.
  explicit basic_reference_bins(span<const double> reference, std::size_t bins = default_bins);

  /// The number of bins (≤ the number asked for: duplicate quantiles merge).
  std::size_t size() const noexcept { return interior_.size() + 1; }

  /// The interior edges e_1 … e_{k−1}.
  const std::vector<double>& interior_edges() const noexcept { return interior_; }

  /// All k+1 edges, −inf first and +inf last.
  std::vector<double> edges() const;

  /// The reference's count per bin.
  const std::vector<std::uint64_t>& reference_counts() const noexcept { return reference_counts_; }

  /// The reference sample's size.
  std::size_t reference_size() const noexcept { return reference_size_; }

  /// The reference's proportion per bin (count / size, not zero-filled).
  std::vector<double> reference_proportions() const;

  /// The bin of x: the number of interior edges ≤ x.
  std::size_t bin_of(double x) const noexcept;

  /// Adds the counts of `current` per bin to `counts` (size() entries).
  /// Allocation-free. Throws drift_error (mlguard.drift.nan_input) when the
  /// sample holds NaN (after counting it in bin 0) and argument_error
  /// (mlguard.argument.size_mismatch) when counts has the wrong size.
  void count(span<const double> current, span<std::uint64_t> counts) const;

  /// The counts of `current` per bin. Throws as count().
  std::vector<std::uint64_t> counts(span<const double> current) const;

  /// The proportions of `current` per bin (count / size, not zero-filled).
  /// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input.
  std::vector<double> current_proportions(span<const double> current) const;

  /// The bin table of reference vs current with raw (not zero-filled) proportions.
  /// Throws as current_proportions.
  bin_table table(span<const double> current) const;

private:
  static std::vector<double> proportions(const std::vector<std::uint64_t>& counts, std::size_t n);

  std::vector<double> interior_;
  std::vector<std::uint64_t> reference_counts_;
  std::size_t reference_size_ = 0;
};

/// The type to name (a class template only so that its bodies compile where used).
using reference_bins = basic_reference_bins<>;

/// Evidently's get_binned_data(reference, current, "num", feel_zeroes=False):
/// when the reference has more than 20 distinct values, intervals with
/// sturges_edges(reference, current) and numpy.histogram counts; otherwise
/// the distinct values of both samples (ascending) as categories. Proportions
/// are count / sample size, not zero-filled.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf on the interval path, as numpy raises).
template <class = void>
bin_table evidently_bins(span<const double> reference, span<const double> current);

/// Bins reference and current with `options` and returns the table with raw
/// (not zero-filled) proportions: quantile → reference_bins(reference,
/// bins).table(current); evidently → evidently_bins(reference, current).
/// Throws as those.
template <class = void>
bin_table bin_samples(span<const double> reference, span<const double> current,
                      const binning_options& options = {});

/// JSON: {"kind", "edges" | "values" | "categories", "reference", "current",
/// "zero_filled"}; infinite edges are written as the strings "-inf" and "inf".
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const bin_table& t);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/detail/bin_count.hpp"
#include "mlguard/drift/detail/samples.hpp"
#include "mlguard/stats/detail/numpy.hpp"

namespace mlguard::drift {

template <class>
binning_strategy binning_from_string(std::string_view name) {
  if (name == "quantile") {
    return binning_strategy::quantile;
  }
  if (name == "evidently") {
    return binning_strategy::evidently;
  }
  throw drift_error("invalid_option",
                    "unknown binning '" + std::string(name) + "' (expected quantile or evidently)");
}

template <class>
bool fill_zero_proportions(std::vector<double>& p) noexcept {
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

template <class>
std::vector<double> quantile_edges(span<const double> reference, std::size_t bins) {
  detail::check_sample(reference, "reference");
  if (bins == 0) {
    throw drift_error("invalid_option", "the number of bins must be at least 1");
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
    const double q = stats::detail::numpy_linspace_at(0.0, 1.0, bins + 1, i);
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
  stats::detail::select_order_statistics(values.begin(), values.end(), wanted.data(),
                                         wanted.data() + wanted.size(), 0);
  edges.reserve(qs.size());
  for (double q : qs) {
    edges.push_back(stats::detail::numpy_quantile_sorted(values.data(), n, q));
  }
  return detail::distinct_sorted(std::move(edges));
}

template <class>
std::vector<double> sturges_edges(span<const double> a, span<const double> b) {
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
  // A range past DBL_MAX (values of both signs near ±1e308; numpy fails
  // there) is measured in halves: the same bins, since only the ratio counts.
  const double scale = std::isinf(hi - lo) ? 0.5 : 1.0;
  const double ptp = hi * scale - lo * scale;
  double first = lo;
  double last = hi;
  if (first == last) {
    first -= 0.5;
    last += 0.5;
  }
  const double width = ptp / (std::log2(n) + 1.0);
  std::size_t n_bins = 1;
  if (width != 0.0) {
    n_bins = static_cast<std::size_t>(std::ceil((last * scale - first * scale) / width));
  }
  std::vector<double> edges(n_bins + 1);
  for (std::size_t i = 0; i <= n_bins; ++i) {
    edges[i] = stats::detail::numpy_linspace_at(first, last, n_bins + 1, i);
  }
  return edges;
}

template <class>
std::vector<std::uint64_t> histogram(span<const double> x, span<const double> edges) {
  if (edges.size() < 2) {
    throw drift_error("invalid_option", "a histogram needs at least two edges");
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

template <class V>
MLGUARD_INLINE basic_reference_bins<V>::basic_reference_bins(span<const double> reference,
                                                             std::size_t bins)
    : interior_(quantile_edges(reference, bins)) {
  reference_counts_.assign(interior_.size() + 1, 0);
  detail::count_into_bins(interior_.data(), interior_.size(), reference.data(), reference.size(),
                          reference_counts_.data());
  reference_size_ = reference.size();
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::edges() const -> std::vector<double> {
  std::vector<double> out;
  out.reserve(interior_.size() + 2);
  out.push_back(-std::numeric_limits<double>::infinity());
  out.insert(out.end(), interior_.begin(), interior_.end());
  out.push_back(std::numeric_limits<double>::infinity());
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::reference_proportions() const -> std::vector<double> {
  return proportions(reference_counts_, reference_size_);
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::bin_of(double x) const noexcept -> std::size_t {
  return static_cast<std::size_t>(std::upper_bound(interior_.begin(), interior_.end(), x) -
                                  interior_.begin());
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::count(span<const double> current,
                                                   span<std::uint64_t> counts) const -> void {
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

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::counts(span<const double> current) const
    -> std::vector<std::uint64_t> {
  std::vector<std::uint64_t> out(size(), 0);
  count(current, out);
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::current_proportions(span<const double> current) const
    -> std::vector<double> {
  if (current.empty()) {
    throw drift_error("empty_sample", "the current sample is empty");
  }
  return proportions(counts(current), current.size());
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::table(span<const double> current) const -> bin_table {
  bin_table t;
  t.kind = bin_kind::intervals;
  t.edges = edges();
  t.current = current_proportions(current);
  t.reference = reference_proportions();
  return t;
}

template <class V>
MLGUARD_INLINE auto basic_reference_bins<V>::proportions(const std::vector<std::uint64_t>& counts,
                                                         std::size_t n) -> std::vector<double> {
  std::vector<double> p(counts.size());
  const auto denominator = static_cast<double>(n);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    p[i] = static_cast<double>(counts[i]) / denominator;
  }
  return p;
}

template <class>
bin_table evidently_bins(span<const double> reference, span<const double> current) {
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

template <class>
bin_table bin_samples(span<const double> reference, span<const double> current,
                      const binning_options& options) {
  if (options.strategy == binning_strategy::evidently) {
    return evidently_bins(reference, current);
  }
  detail::check_sample(current, "current");
  return reference_bins(reference, options.bins).table(current);
}

template <class> // deferred: see core/json.hpp
void to_json(json& j, const bin_table& t) {
  j = json::object();
  j["kind"] = to_string(t.kind);
  switch (t.kind) {
  case bin_kind::intervals:
    j["edges"] = json_numbers(t.edges);
    break;
  case bin_kind::values:
    j["values"] = json_numbers(t.values);
    break;
  case bin_kind::categories: {
    json categories = json::array();
    for (const auto& c : t.categories) {
      categories.push_back(json(c));
    }
    j["categories"] = std::move(categories);
    break;
  }
  }
  j["reference"] = json_numbers(t.reference);
  j["current"] = json_numbers(t.current);
  j["zero_filled"] = t.zero_filled;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_BINNING_HPP

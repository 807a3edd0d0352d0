#ifndef MLGUARD_DRIFT_FEATURE_REFERENCE_HPP
#define MLGUARD_DRIFT_FEATURE_REFERENCE_HPP

// What a streaming monitor compares each window of one feature with: for a
// numeric feature, fixed reference bins (PSI, Jensen–Shannon, chi-square) and
// a sorted reference sample (KS); for a categorical one, the reference count
// of each category plus an "other" bin. Built once from a training batch, a
// profile or counts.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"

namespace mlguard::drift {

/// The reference of one feature, immutable once built (so one object may be
/// shared by many monitors and threads).
///
/// Numeric features (kind() == column_kind::numeric):
/// - From a sample (a training column): only finite values count (NaN and
///   ±Inf are excluded and counted, as the drift report does). The bins are
///   reference_bins(finite values, bins): numpy.quantile edges, −inf/+inf
///   outer edges; the proportions are count / n, exactly what psi(),
///   jensen_shannon() and the drift report use; the KS reference is the
///   sorted finite sample itself, so window statistics equal the batch ones.
/// - From a profile (profile::feature_profile): the sketch stands in for the sample.
///   Interior edges are the KLL quantiles at ranks i/bins (duplicates
///   dropped); the proportions are the KLL PMF over those edges (exclusive
///   ranks, matching the bins' [e_i, e_{i+1}) rule), each within
///   normalized_rank_error(true) of the true mass (1.65% for k = 200). The
///   KS reference is a pseudo-sample of m = min(n, ks_points) KLL quantiles
///   at ranks (i + ½)/m; its ECDF is within KLL's rank error + 1/(2m) of the
///   true one, so the KS statistic D is within that much too, and the p-value
///   is computed for the true reference size n (ks_2samp_p_value).
///   from_profile() says which.
///
/// Categorical features (kind() == column_kind::categorical), from counts,
/// codes or a categorical profile: V = vocabulary().size() categories and
/// bins() = V + 1, bin i < V holding code i and bin V "other" (any code
/// outside the vocabulary: unseen_code, an out-of-range code). The
/// proportions are count / size(), size() the present (non-missing) values.
///
/// Memory: numeric, 8·(bins − 1) bytes of edges + 16·bins of proportions and
/// counts + 8·s bytes for the KS sample (s = finite reference values, or m
/// from a profile; 0 when built with keep_sample = false); categorical,
/// 16·bins of proportions and counts, plus the vocabulary's strings.
template <class = void> // deferred: see core/json.hpp
class basic_feature_reference {
public:
  /// From a training column. `keep_sample` = false drops the sorted sample
  /// (the monitor then cannot run KS). Throws drift_error:
  /// mlguard.drift.empty_sample (no finite value), mlguard.drift.invalid_option (bins = 0).
  static basic_feature_reference from_sample(std::string name, span<const double> values,
                                             std::size_t bins = default_bins,
                                             bool keep_sample = true);

  /// From a feature profile, a profile::feature_profile (see the class
  /// comment for the approximation). A categorical profile gives a
  /// categorical reference whose vocabulary is the profile's categories in
  /// string order (bins and ks_points unused); to match the codes a schema
  /// assigns, use the overload taking a vocabulary. A template so that
  /// drift/ does not include profile/ for the users who never call it: the
  /// caller includes profile/feature_profile.hpp.
  /// Throws drift_error: mlguard.drift.empty_sample (no finite or present
  /// value), mlguard.drift.invalid_option (bins = 0 or ks_points = 0).
  template <typename FeatureProfile>
  static basic_feature_reference from_profile(std::string name, const FeatureProfile& profile,
                                              std::size_t bins = default_bins,
                                              std::size_t ks_points = 1000) {
    if (bins == 0 || ks_points == 0) {
      throw drift_error("invalid_option", "bins and ks_points must be at least 1");
    }
    if (profile.kind() == column_kind::categorical) {
      std::vector<std::string> names;
      for (const auto& item : profile.frequencies().counts()) {
        names.push_back(item.first);
      }
      return from_profile(std::move(name), profile, mlguard::vocabulary(std::move(names)));
    }
    if (profile.finite_count() == 0) {
      throw drift_error("empty_sample",
                        "the profile of feature '" + name + "' has no finite values");
    }
    basic_feature_reference r;
    r.name_ = std::move(name);
    r.from_profile_ = true;
    r.missing_ = profile.missing_count();
    r.non_finite_ = profile.non_finite_count();
    r.size_ = profile.finite_count();
    const auto& kll = profile.quantiles();
    std::vector<double> ranks;
    for (std::size_t i = 1; i < bins; ++i) {
      ranks.push_back(static_cast<double>(i) / static_cast<double>(bins));
    }
    auto edges = kll.get_quantiles(ranks);
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    // The smallest value as an edge would leave the first bin empty: drop it, as
    // duplicate numpy quantiles at the minimum are dropped.
    edges.erase(std::remove(edges.begin(), edges.end(), kll.min()), edges.end());
    r.interior_ = edges;
    r.proportions_ =
        edges.empty() ? std::vector<double>{1.0} : kll.get_pmf(edges, /*inclusive=*/false);
    for (double p : r.proportions_) {
      r.counts_.push_back(p * static_cast<double>(r.size_));
    }
    const auto m = static_cast<std::size_t>(std::min<std::uint64_t>(r.size_, ks_points));
    ranks.assign(m, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      ranks[i] = (static_cast<double>(i) + 0.5) / static_cast<double>(m);
    }
    r.sorted_ = kll.get_quantiles(ranks);
    r.few_values_ = count_distinct_sorted(r.sorted_, 6) <= 5;
    return r;
  }

  /// A categorical reference from training counts: counts[i] is the count of
  /// categories[i] (code i); one more entry (counts.size() == V + 1, V =
  /// categories.size()) is the count of "other" (categories outside the
  /// vocabulary), else "other" counts 0.
  /// `missing` values are counted apart, as the drift report does.
  /// Throws argument_error: mlguard.argument.size_mismatch (counts.size()
  /// neither V nor V + 1), mlguard.argument.duplicate_category; drift_error:
  /// mlguard.drift.bad_proportions (a negative, NaN or infinite count),
  /// mlguard.drift.empty_sample (the counts sum to 0).
  static basic_feature_reference from_categories(std::string name,
                                                 std::vector<std::string> categories,
                                                 std::vector<double> counts,
                                                 std::uint64_t missing = 0);

  /// A categorical reference from a training column's codes into `vocab`:
  /// missing_code is missing, any other code outside [0, V) counts as
  /// "other". Throws as from_categories (empty_sample when every code is missing).
  static basic_feature_reference from_codes(std::string name, const mlguard::vocabulary& vocab,
                                            span<const std::int32_t> codes);

  /// A categorical reference from a categorical profile::feature_profile,
  /// aligned to `vocab` (the codes the monitored rows will carry): the count
  /// of category i is the profile's frequency estimate of vocab's name i,
  /// "other" is every other present value (categories outside the
  /// vocabulary, and the undercount of a profile whose frequencies are no
  /// longer exact). Throws drift_error: mlguard.drift.wrong_kind (a numeric
  /// profile), mlguard.drift.empty_sample (no present value).
  template <typename FeatureProfile>
  static basic_feature_reference from_profile(std::string name, const FeatureProfile& profile,
                                              const mlguard::vocabulary& vocab) {
    if (profile.kind() != column_kind::categorical) {
      throw drift_error("wrong_kind", "feature '" + name +
                                          "' is numeric; a vocabulary aligns categorical profiles");
    }
    const auto& frequencies = profile.frequencies();
    std::vector<double> counts(vocab.size() + 1, 0.0);
    std::uint64_t known = 0;
    for (std::size_t i = 0; i < vocab.size(); ++i) {
      const std::uint64_t c = frequencies.estimate(vocab.names()[i]);
      counts[i] = static_cast<double>(c);
      known += c;
    }
    counts[vocab.size()] = static_cast<double>(frequencies.total_weight() - known);
    basic_feature_reference r =
        from_categories(std::move(name), vocab.names(), std::move(counts), profile.missing_count());
    r.from_profile_ = true;
    return r;
  }

  /// The feature's name.
  const std::string& name() const noexcept { return name_; }
  /// column_kind::numeric or column_kind::categorical.
  column_kind kind() const noexcept { return kind_; }
  /// True for a categorical reference.
  bool is_categorical() const noexcept { return kind_ == column_kind::categorical; }
  /// The categories of a categorical reference, code i = bin i (empty for
  /// a numeric one).
  const mlguard::vocabulary& vocabulary() const noexcept { return vocab_; }
  /// The number of bins (categorical: the categories + "other").
  std::size_t bins() const noexcept { return proportions_.size(); }
  /// The interior edges e_1 < … < e_{k−1} (empty for a categorical reference).
  const std::vector<double>& interior_edges() const noexcept { return interior_; }
  /// All k+1 edges, −inf first and +inf last (what bin_table::edges holds; numeric).
  std::vector<double> edges() const;
  /// The reference proportion of each bin.
  const std::vector<double>& proportions() const noexcept { return proportions_; }
  /// The reference count of each bin (from a numeric profile: proportion ×
  /// size()), what chi-square scales to the window's size.
  const std::vector<double>& counts() const noexcept { return counts_; }
  /// The number of finite (categorical: present) reference values, n of the
  /// proportions and of KS.
  std::uint64_t size() const noexcept { return size_; }
  /// Reference values that were missing (NaN, missing_code) or ±Inf (excluded; numeric).
  std::uint64_t missing() const noexcept { return missing_; }
  std::uint64_t non_finite() const noexcept { return non_finite_; }
  /// The sorted KS reference (the sample, or the profile's pseudo-sample);
  /// empty when built without it.
  span<const double> sorted_sample() const noexcept { return sorted_; }
  /// True when built from a profile: bins and KS are approximate (see the
  /// class comment; KS is exact while the sketch has not compacted and
  /// n ≤ ks_points, the edges and proportions still differ from numpy's;
  /// category counts are exact while the profile's frequencies are).
  bool from_profile() const noexcept { return from_profile_; }
  /// True when the reference has at most 5 distinct values (the monitor's
  /// automatic method then uses Jensen–Shannon over the bins, not KS; numeric).
  bool few_values() const noexcept { return few_values_; }
  /// The number of bins whose reference count is positive (categorical:
  /// the categories the reference holds, "other" included when present).
  std::size_t present_bins() const noexcept;

  /// The bin of a non-missing x. Numeric: the number of interior edges ≤ x
  /// (binary search, O(log bins)). Categorical (x a code as a double): x
  /// itself for an integer in [0, V), else V ("other"). Never allocates or throws.
  std::size_t bin_of(double x) const noexcept;

  /// The bin of code x among v categories: x for an integer in [0, v), else
  /// v. Written without branches (NaN, ±Inf and fractions land in v).
  static std::size_t category_bin(double x, std::size_t v) noexcept;

  /// Bytes held (edges, proportions, KS sample), excluding the name and
  /// the vocabulary's strings.
  std::size_t memory_bytes() const noexcept;

private:
  static std::size_t count_distinct_sorted(const std::vector<double>& sorted, std::size_t limit);

  std::string name_;
  column_kind kind_ = column_kind::numeric;
  mlguard::vocabulary vocab_;
  std::vector<double> interior_;
  std::vector<double> proportions_;
  std::vector<double> counts_;
  std::vector<double> sorted_;
  std::uint64_t size_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t non_finite_ = 0;
  bool from_profile_ = false;
  bool few_values_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using feature_reference = basic_feature_reference<>;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::from_sample(std::string name,
                                                            span<const double> values,
                                                            std::size_t bins, bool keep_sample)
    -> basic_feature_reference {
  if (bins == 0) {
    throw drift_error("invalid_option", "bins must be at least 1");
  }
  basic_feature_reference r;
  r.name_ = std::move(name);
  std::vector<double> finite;
  finite.reserve(values.size());
  for (double v : values) {
    if (std::isnan(v)) {
      ++r.missing_;
    } else if (std::isinf(v)) {
      ++r.non_finite_;
    } else {
      finite.push_back(v);
    }
  }
  if (finite.empty()) {
    throw drift_error("empty_sample",
                      "the reference of feature '" + r.name_ + "' has no finite values");
  }
  const reference_bins rb(finite, bins);
  r.interior_ = rb.interior_edges();
  r.proportions_ = rb.reference_proportions();
  r.counts_.assign(rb.reference_counts().begin(), rb.reference_counts().end());
  r.size_ = finite.size();
  std::sort(finite.begin(), finite.end());
  r.few_values_ = count_distinct_sorted(finite, 6) <= 5;
  if (keep_sample) {
    finite.shrink_to_fit();
    r.sorted_ = std::move(finite);
  }
  return r;
}

template <class V>
MLGUARD_INLINE auto
basic_feature_reference<V>::from_categories(std::string name, std::vector<std::string> categories,
                                            std::vector<double> counts, std::uint64_t missing)
    -> basic_feature_reference {
  const std::size_t v = categories.size();
  if (counts.size() != v && counts.size() != v + 1) {
    throw argument_error("size_mismatch", std::to_string(counts.size()) + " counts for " +
                                              std::to_string(v) + " categories of feature '" +
                                              name + "' (expected V or V + 1)");
  }
  basic_feature_reference r;
  r.name_ = std::move(name);
  r.kind_ = column_kind::categorical;
  r.vocab_ = mlguard::vocabulary(std::move(categories));
  r.missing_ = missing;
  r.counts_ = std::move(counts);
  r.counts_.resize(v + 1, 0.0);
  double total = 0.0;
  for (double c : r.counts_) {
    if (!(c >= 0.0) || std::isinf(c)) {
      throw drift_error("bad_proportions", "the category counts of feature '" + r.name_ +
                                               "' must be finite and non-negative");
    }
    total += c;
  }
  if (total == 0.0) {
    throw drift_error("empty_sample", "the reference of feature '" + r.name_ + "' has no values");
  }
  r.size_ = static_cast<std::uint64_t>(std::llround(total));
  r.proportions_.resize(r.counts_.size());
  for (std::size_t i = 0; i < r.counts_.size(); ++i) {
    r.proportions_[i] = r.counts_[i] / total;
  }
  return r;
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::from_codes(std::string name,
                                                           const mlguard::vocabulary& vocab,
                                                           span<const std::int32_t> codes)
    -> basic_feature_reference {
  std::vector<double> counts(vocab.size() + 1, 0.0);
  std::uint64_t missing = 0;
  for (auto code : codes) {
    if (code == missing_code) {
      ++missing;
    } else {
      const bool known = code >= 0 && static_cast<std::size_t>(code) < vocab.size();
      counts[known ? static_cast<std::size_t>(code) : vocab.size()] += 1.0;
    }
  }
  return from_categories(std::move(name), vocab.names(), std::move(counts), missing);
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::edges() const -> std::vector<double> {
  std::vector<double> out;
  out.reserve(interior_.size() + 2);
  out.push_back(-std::numeric_limits<double>::infinity());
  out.insert(out.end(), interior_.begin(), interior_.end());
  out.push_back(std::numeric_limits<double>::infinity());
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::present_bins() const noexcept -> std::size_t {
  return static_cast<std::size_t>(
      std::count_if(counts_.begin(), counts_.end(), [](double c) { return c > 0.0; }));
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::bin_of(double x) const noexcept -> std::size_t {
  if (kind_ == column_kind::categorical) {
    return category_bin(x, vocab_.size());
  }
  return static_cast<std::size_t>(std::upper_bound(interior_.begin(), interior_.end(), x) -
                                  interior_.begin());
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::category_bin(double x, std::size_t v) noexcept
    -> std::size_t {
  const auto top = static_cast<double>(v);
  const double in_range = (x >= 0.0 && x < top) ? x : top;
  const auto code = static_cast<std::size_t>(in_range);
  return static_cast<double>(code) == in_range ? code : v;
}

template <class V>
MLGUARD_INLINE auto basic_feature_reference<V>::memory_bytes() const noexcept -> std::size_t {
  return sizeof(double) *
         (interior_.capacity() + proportions_.capacity() + counts_.capacity() + sorted_.capacity());
}

template <class V>
MLGUARD_INLINE auto
basic_feature_reference<V>::count_distinct_sorted(const std::vector<double>& sorted,
                                                  std::size_t limit) -> std::size_t {
  std::size_t n = 0;
  for (std::size_t i = 0; i < sorted.size() && n < limit; ++i) {
    n += (i == 0 || sorted[i] != sorted[i - 1]) ? 1 : 0;
  }
  return n;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_FEATURE_REFERENCE_HPP

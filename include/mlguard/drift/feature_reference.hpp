#ifndef MLGUARD_DRIFT_FEATURE_REFERENCE_HPP
#define MLGUARD_DRIFT_FEATURE_REFERENCE_HPP

// What a streaming monitor compares each window of one numeric feature with:
// fixed reference bins (PSI, Jensen–Shannon, chi-square) and a sorted
// reference sample (KS), built once from a training batch or a profile.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"

namespace mlguard::drift {

/// The reference of one numeric feature, immutable once built (so one object
/// may be shared by many monitors and threads).
///
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
/// Memory: 8·(bins − 1) bytes of edges + 16·bins of proportions and counts + 8·s bytes
/// for the KS sample (s = finite reference values, or m from a profile;
/// 0 when built with keep_sample = false).
class feature_reference {
public:
  /// From a training column. `keep_sample` = false drops the sorted sample
  /// (the monitor then cannot run KS). Throws drift_error:
  /// mlguard.drift.empty_sample (no finite value), mlguard.drift.invalid_option (bins = 0).
  static feature_reference from_sample(std::string name, span<const double> values,
                                       std::size_t bins = default_bins, bool keep_sample = true) {
    if (bins == 0) {
      throw drift_error("invalid_option", "bins must be at least 1");
    }
    feature_reference r;
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

  /// From a numeric feature profile, a profile::feature_profile (see the
  /// class comment for the approximation). A template so that drift/ does
  /// not include profile/ for the users who never call it: the caller
  /// includes profile/feature_profile.hpp.
  /// Throws drift_error: mlguard.drift.empty_sample (no finite value),
  /// mlguard.drift.invalid_option (bins = 0 or ks_points = 0),
  /// mlguard.drift.wrong_kind (a categorical profile).
  template <typename FeatureProfile>
  static feature_reference from_profile(std::string name, const FeatureProfile& profile,
                                        std::size_t bins = default_bins,
                                        std::size_t ks_points = 1000) {
    if (bins == 0 || ks_points == 0) {
      throw drift_error("invalid_option", "bins and ks_points must be at least 1");
    }
    if (profile.kind() != column_kind::numeric) {
      throw drift_error("wrong_kind", "feature '" + name +
                                          "' is categorical; the monitor watches numeric features");
    }
    if (profile.finite_count() == 0) {
      throw drift_error("empty_sample",
                        "the profile of feature '" + name + "' has no finite values");
    }
    feature_reference r;
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

  /// The feature's name.
  const std::string& name() const noexcept { return name_; }
  /// The number of bins.
  std::size_t bins() const noexcept { return interior_.size() + 1; }
  /// The interior edges e_1 < … < e_{k−1}.
  const std::vector<double>& interior_edges() const noexcept { return interior_; }
  /// All k+1 edges, −inf first and +inf last (what bin_table::edges holds).
  std::vector<double> edges() const {
    std::vector<double> out;
    out.reserve(interior_.size() + 2);
    out.push_back(-std::numeric_limits<double>::infinity());
    out.insert(out.end(), interior_.begin(), interior_.end());
    out.push_back(std::numeric_limits<double>::infinity());
    return out;
  }
  /// The reference proportion of each bin.
  const std::vector<double>& proportions() const noexcept { return proportions_; }
  /// The reference count of each bin (from a profile: proportion × size()),
  /// what chi-square scales to the window's size.
  const std::vector<double>& counts() const noexcept { return counts_; }
  /// The number of finite reference values (n of the proportions and of KS).
  std::uint64_t size() const noexcept { return size_; }
  /// Reference values that were missing (NaN) or ±Inf (excluded).
  std::uint64_t missing() const noexcept { return missing_; }
  std::uint64_t non_finite() const noexcept { return non_finite_; }
  /// The sorted KS reference (the sample, or the profile's pseudo-sample);
  /// empty when built without it.
  span<const double> sorted_sample() const noexcept { return sorted_; }
  /// True when built from a profile: bins and KS are approximate (see the
  /// class comment; KS is exact while the sketch has not compacted and
  /// n ≤ ks_points, the edges and proportions still differ from numpy's).
  bool from_profile() const noexcept { return from_profile_; }
  /// True when the reference has at most 5 distinct values (the monitor's
  /// automatic method then uses Jensen–Shannon over the bins, not KS).
  bool few_values() const noexcept { return few_values_; }

  /// The bin of a finite x: the number of interior edges ≤ x (binary
  /// search, O(log bins)). Never allocates or throws.
  std::size_t bin_of(double x) const noexcept {
    return static_cast<std::size_t>(std::upper_bound(interior_.begin(), interior_.end(), x) -
                                    interior_.begin());
  }

  /// Bytes held (edges, proportions, KS sample), excluding the name.
  std::size_t memory_bytes() const noexcept {
    return sizeof(double) * (interior_.capacity() + proportions_.capacity() + counts_.capacity() +
                             sorted_.capacity());
  }

private:
  static std::size_t count_distinct_sorted(const std::vector<double>& sorted, std::size_t limit) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < sorted.size() && n < limit; ++i) {
      n += (i == 0 || sorted[i] != sorted[i - 1]) ? 1 : 0;
    }
    return n;
  }

  std::string name_;
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

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_FEATURE_REFERENCE_HPP

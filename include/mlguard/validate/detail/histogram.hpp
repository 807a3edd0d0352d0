#ifndef MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP
#define MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP

// Equal-width histograms from a numeric profile, and their alignment onto
// common buckets, ported from TFDV's anomalies/metrics.cc (AlignHistograms,
// RebucketHistogram, StripPointAndInfiniteBuckets, AddPointMasses).

#include <cstddef>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "mlguard/profile/feature_profile.hpp"

namespace mlguard::validate::detail {

struct bucket {
  double low;
  double high;
  double count;
};

struct histogram {
  std::vector<bucket> buckets; // finite buckets; low == high is a point mass
  double infinite = 0.0;       // mass of ±inf values (TFDV's infinite-bound buckets)
};

// TFDV's standard histogram (quantiles_util.generate_equi_width_buckets):
// `n` buckets over [min, max] of the finite values with edges
// min + i·(max − min)/n and max as the last edge; one point bucket when
// min == max. TFDV fills the buckets by interpolating linearly between many
// quantile boundaries (uniform mass inside each quantile interval); here the
// counts are the KLL sketch's exclusive ranks at the edges (values in
// [e_i, e_i+1), the last bucket closed, as numpy.histogram), which are exact
// while the sketch has not compacted. Missing values (NaN) are left out: a
// profile cannot tell NaN from missing, TFDV adds NaN as a separate bucket.
inline histogram equi_width_histogram(const profile::feature_profile& p, std::size_t n) {
  histogram h;
  h.infinite = static_cast<double>(p.non_finite_count());
  const auto finite = static_cast<double>(p.finite_count());
  if (p.finite_count() == 0) {
    return h;
  }
  const double lo = *p.min();
  const double hi = *p.max();
  if (lo == hi) {
    h.buckets.push_back({lo, hi, finite});
    return h;
  }
  const double step = (hi - lo) / static_cast<double>(n);
  double below = 0.0; // items < the bucket's low edge
  for (std::size_t i = 0; i < n; ++i) {
    const double low = lo + static_cast<double>(i) * step;
    const double high = i + 1 == n ? hi : lo + static_cast<double>(i + 1) * step;
    const double upto = i + 1 == n ? finite : p.quantiles().get_rank(high, false) * finite;
    h.buckets.push_back({low, high, upto - below});
    below = upto;
  }
  return h;
}

// TFDV's RebucketHistogram: spreads each bucket's count uniformly over the
// new buckets it covers; `boundaries` contain every edge of `h`.
inline std::vector<bucket> rebucket(const std::vector<double>& boundaries,
                                    const std::vector<bucket>& h) {
  std::vector<bucket> out;
  std::size_t index = 0;
  const std::size_t last = boundaries.size() - 1;
  for (const auto& b : h) {
    while (b.low > boundaries[index] && index < last) {
      out.push_back({boundaries[index], boundaries[index + 1], 0.0});
      ++index;
    }
    std::vector<double> covered;
    while (index < last && b.high > boundaries[index]) {
      covered.push_back(boundaries[index]);
      ++index;
    }
    covered.push_back(boundaries[index]);
    for (std::size_t i = 0; i + 1 < covered.size(); ++i) {
      out.push_back(
          {covered[i], covered[i + 1], (covered[i + 1] - covered[i]) / (b.high - b.low) * b.count});
    }
  }
  for (std::size_t i = index; i < last; ++i) {
    out.push_back({boundaries[i], boundaries[i + 1], 0.0});
  }
  return out;
}

// TFDV's AlignHistograms: both histograms on the union of their bucket
// edges (point masses and infinite mass stripped first, then appended as
// extra buckets). Returns the two count vectors, same length.
inline std::pair<std::vector<double>, std::vector<double>> align(const histogram& a,
                                                                 const histogram& b) {
  std::vector<bucket> ra;
  std::vector<bucket> rb;
  std::map<double, std::pair<double, double>> points;
  std::set<double> edges_a;
  std::set<double> edges_b;
  for (const auto& x : a.buckets) {
    if (x.low == x.high) {
      points[x.low].first += x.count;
    } else {
      ra.push_back(x);
      edges_a.insert(x.low);
      edges_a.insert(x.high);
    }
  }
  for (const auto& x : b.buckets) {
    if (x.low == x.high) {
      points[x.low].second += x.count;
    } else {
      rb.push_back(x);
      edges_b.insert(x.low);
      edges_b.insert(x.high);
    }
  }
  if (edges_a != edges_b) {
    std::set<double> all = edges_a;
    all.insert(edges_b.begin(), edges_b.end());
    const std::vector<double> boundaries(all.begin(), all.end());
    ra = rebucket(boundaries, ra);
    rb = rebucket(boundaries, rb);
  }
  std::pair<std::vector<double>, std::vector<double>> out;
  for (const auto& x : ra) {
    out.first.push_back(x.count);
  }
  for (const auto& x : rb) {
    out.second.push_back(x.count);
  }
  for (const auto& [value, counts] : points) {
    (void)value;
    out.first.push_back(counts.first);
    out.second.push_back(counts.second);
  }
  if (a.infinite != 0.0) {
    out.first.push_back(a.infinite);
    out.second.push_back(0.0);
  }
  if (b.infinite != 0.0) {
    out.first.push_back(0.0);
    out.second.push_back(b.infinite);
  }
  return out;
}

} // namespace mlguard::validate::detail

#endif // MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP

#ifndef MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP
#define MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP

// Equal-width histograms from a numeric profile, and their alignment onto
// common buckets, ported from TFDV's anomalies/metrics.cc (AlignHistograms,
// RebucketHistogram, StripPointAndInfiniteBuckets, AddPointMasses).

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "mlguard/profile/feature_profile.hpp"

namespace mlguard::validate::detail {

struct bucket {
  double low;
  double high;
  double count;
};

// (x1 − x0) / (high − low), also where a difference overflows (values that
// span more than DBL_MAX, e.g. −1e308 to 1e308): then on halves, exact for
// numbers that large.
template <class = void>
double width_share(double x0, double x1, double low, double high) noexcept;

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
// When max − min overflows, the edges are the convex combinations
// min·(1 − i/n) + max·(i/n), which cannot.
template <class = void> // deferred: see core/json.hpp
histogram equi_width_histogram(const profile::feature_profile& p, std::size_t n);

// TFDV's RebucketHistogram: spreads each bucket's count uniformly over the
// new buckets it covers; `boundaries` contain every edge of `h`.
template <class = void>
std::vector<bucket> rebucket(const std::vector<double>& boundaries, const std::vector<bucket>& h);

// The sorted, distinct edges of the finite buckets of `h` (equal-width
// buckets come in order, so a bucket's high edge is the next one's low).
template <class = void>
std::vector<double> bucket_edges(const std::vector<bucket>& h);

// TFDV's AlignHistograms: both histograms on the union of their bucket
// edges (point masses and infinite mass stripped first, then appended as
// extra buckets, points by increasing value). Returns the two count
// vectors, same length. Plain vectors rather than maps and sets keep the
// instantiations this costs every includer small.
template <class = void>
std::pair<std::vector<double>, std::vector<double>> align(const histogram& a, const histogram& b);

} // namespace mlguard::validate::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate::detail {

template <class>
double width_share(double x0, double x1, double low, double high) noexcept {
  const double num = x1 - x0;
  const double den = high - low;
  if (std::isfinite(num) && std::isfinite(den)) {
    return num / den;
  }
  return (x1 / 2 - x0 / 2) / (high / 2 - low / 2);
}

template <class> // deferred: see core/json.hpp
histogram equi_width_histogram(const profile::feature_profile& p, std::size_t n) {
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
  const auto edge = [&](std::size_t i) {
    if (std::isfinite(step)) {
      return lo + static_cast<double>(i) * step;
    }
    const double t = static_cast<double>(i) / static_cast<double>(n);
    return lo * (1.0 - t) + hi * t;
  };
  double below = 0.0; // items < the bucket's low edge
  for (std::size_t i = 0; i < n; ++i) {
    const double low = edge(i);
    const double high = i + 1 == n ? hi : edge(i + 1);
    const double upto = i + 1 == n ? finite : p.quantiles().get_rank(high, false) * finite;
    h.buckets.push_back({low, high, upto - below});
    below = upto;
  }
  return h;
}

template <class>
std::vector<bucket> rebucket(const std::vector<double>& boundaries, const std::vector<bucket>& h) {
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
      out.push_back({covered[i], covered[i + 1],
                     width_share(covered[i], covered[i + 1], b.low, b.high) * b.count});
    }
  }
  for (std::size_t i = index; i < last; ++i) {
    out.push_back({boundaries[i], boundaries[i + 1], 0.0});
  }
  return out;
}

template <class>
std::vector<double> bucket_edges(const std::vector<bucket>& h) {
  std::vector<double> edges;
  for (const auto& x : h) {
    for (const double e : {x.low, x.high}) {
      std::size_t i = edges.size();
      while (i > 0 && edges[i - 1] > e) {
        --i;
      }
      if (i == 0 || edges[i - 1] != e) {
        edges.insert(edges.begin() + static_cast<std::ptrdiff_t>(i), e);
      }
    }
  }
  return edges;
}

template <class>
std::pair<std::vector<double>, std::vector<double>> align(const histogram& a, const histogram& b) {
  struct point {
    double value;
    double a;
    double b;
  };
  std::vector<bucket> ra;
  std::vector<bucket> rb;
  std::vector<point> points; // sorted by value
  const auto add_point = [&points](double value, double ca, double cb) {
    std::size_t i = 0;
    while (i < points.size() && points[i].value < value) {
      ++i;
    }
    if (i == points.size() || points[i].value != value) {
      points.insert(points.begin() + static_cast<std::ptrdiff_t>(i), point{value, 0.0, 0.0});
    }
    points[i].a += ca;
    points[i].b += cb;
  };
  for (const auto& x : a.buckets) {
    if (x.low == x.high) {
      add_point(x.low, x.count, 0.0);
    } else {
      ra.push_back(x);
    }
  }
  for (const auto& x : b.buckets) {
    if (x.low == x.high) {
      add_point(x.low, 0.0, x.count);
    } else {
      rb.push_back(x);
    }
  }
  const auto edges_a = bucket_edges(ra);
  const auto edges_b = bucket_edges(rb);
  if (edges_a != edges_b) {
    std::vector<double> boundaries; // the sorted union
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < edges_a.size() || j < edges_b.size()) {
      const bool take_a = j == edges_b.size() || (i < edges_a.size() && edges_a[i] <= edges_b[j]);
      const double e = take_a ? edges_a[i] : edges_b[j];
      if (take_a && j < edges_b.size() && edges_b[j] == e) {
        ++j;
      }
      if (take_a) {
        ++i;
      } else {
        ++j;
      }
      boundaries.push_back(e);
    }
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
  for (const auto& p : points) {
    out.first.push_back(p.a);
    out.second.push_back(p.b);
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

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_DETAIL_HISTOGRAM_HPP

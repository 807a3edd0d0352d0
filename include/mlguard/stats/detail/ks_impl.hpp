#ifndef MLGUARD_STATS_DETAIL_KS_IMPL_HPP
#define MLGUARD_STATS_DETAIL_KS_IMPL_HPP

// Implementation of include/mlguard/stats/ks.hpp. Not for direct use.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/stats/detail/binom.hpp"
#include "mlguard/stats/detail/sort.hpp"
#include "mlguard/stats/kolmogorov.hpp"

namespace mlguard::stats::detail {

/// scipy's MAX_AUTO_N: method "auto" is exact up to this sample size.
inline constexpr std::size_t ks_max_auto_n = 10000;

/// Floor and ceiling of a / b for b > 0.
template <class = void>
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept;
template <class = void>
std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept;

/// Pr(D_{n,n} ≥ h/n), two-sided, equal sizes: the alternating reflection sum
/// 2·Σ_k (−1)^(k+1) C(2n, n−kh)/C(2n, n), evaluated Horner-style on the
/// ratios so it does not cancel (Hodges 1958).
template <class = void>
double ks_prob_outside_square(std::int64_t n, std::int64_t h) noexcept;

/// Pr(D_{m,n} ≥ h/lcm(m, n)), two-sided, by the "inside" lattice-path
/// recursion rewritten for the complement 1 − p (Viehmann 2021): column x of
/// A(x, y) holds the share of paths to (x, y) that have already left the band
/// |x/m − y/n| < h/lcm, so it stays in [0, 1] and never overflows. Only the
/// band of each column is kept. `buffer` is resized as needed.
template <class = void>
double ks_outer_prob_inside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h,
                            std::vector<double>& buffer);

/// Number of lattice paths from (0,0) to (m,n) that reach m·y ≤ n·x − h·g
/// (one-sided, Hodges 1958). Sets `ok` false when an intermediate overflows
/// or turns NaN (where scipy raises FloatingPointError and falls back).
template <class = void>
double ks_count_paths_outside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h,
                              bool& ok);

/// scipy's _attempt_exact_2kssamp: quantises d to h/lcm and computes the
/// exact p-value. Returns false where scipy falls back to the asymptotic one.
template <class = void>
bool ks_attempt_exact(std::int64_t n1, std::int64_t n2, std::int64_t g, double& d, alternative alt,
                      double& prob, std::vector<double>& buffer);

/// The asymptotic p-value: kstwo.sf(d, round(n1·n2/(n1+n2))) two-sided,
/// Hodges' eq. 5.3 one-sided.
template <class = void>
double ks_asymptotic_p(std::size_t n1, std::size_t n2, double d, alternative alt) noexcept;

/// Where the ECDF difference peaks: the statistic as scipy picks it.
struct ks_extremes {
  double max_diff = 0.0; // max over points of F_a − F_b
  double max_loc = 0.0;
  double min_diff = 0.0; // min over points of F_a − F_b
  double min_loc = 0.0;
};

/// Running extreme of F_a − F_b over the group ends of one sample. The
/// comparison runs on the exact integer i·n2 − j·n1; the floating-point value
/// scipy compares (i/n1 − j/n2) is computed only where the integer reaches
/// the extreme, and among equal integers the larger (smaller) float wins,
/// first occurrence first, as numpy's argmax (argmin) on scipy's floats.
struct ks_extreme_tracker {
  std::int64_t max_int = std::numeric_limits<std::int64_t>::min();
  std::int64_t min_int = std::numeric_limits<std::int64_t>::max();
  double max_f = -2.0;
  double min_f = 2.0;
  double max_loc = 0.0;
  double min_loc = 0.0;

  void update(std::int64_t di, std::size_t i, std::size_t j, double d1, double d2, double v) {
    if (di >= max_int) {
      const double f = static_cast<double>(i) / d1 - static_cast<double>(j) / d2;
      if (di > max_int || f > max_f) {
        max_int = di;
        max_f = f;
        max_loc = v;
      }
    }
    if (di <= min_int) {
      const double f = static_cast<double>(i) / d1 - static_cast<double>(j) / d2;
      if (di < min_int || f < min_f) {
        min_int = di;
        min_f = f;
        min_loc = v;
      }
    }
  }
};

/// One merge pass over both sorted samples. scipy evaluates
/// F_a(x) − F_b(x) = i/n1 − j/n2 (in floating point) at every point of
/// concat(a, b) and takes the first arg-max / arg-min in that order, so a
/// point of `a` wins ties over a point of `b`, and a smaller point over a
/// larger one within each sample.
template <class = void>
ks_extremes ks_scan(const double* a, std::size_t n1, const double* b, std::size_t n2) noexcept;

/// Samples at least this large (n1 + n2) take the bucketed scan below.
inline constexpr std::size_t ks_bucketed_min_total = 20000;

/// ks_scan for large unsorted samples without sorting them. Both samples are
/// counted into buckets that are monotone in the value: 2^16 coarse buckets
/// on the top 16 bits of the order-preserving integer key (sign, exponent, 4
/// mantissa bits), each split on the next key bits into as many fine buckets
/// as it needs to hold at most 32 values each (so the count tables stay in
/// L2), as judged from every value below 2^20 values and from a 1/16 sample
/// above. The ECDF difference at the end of every non-empty bucket is exact
/// from the cumulative counts and bounds the extremes from inside; inside
/// bucket k it cannot exceed (A_k·n2 − B_{k−1}·n1)/(n1·n2) nor go below
/// (A_{k−1}·n2 − B_k·n1)/(n1·n2) (A, B cumulative counts). Only buckets whose
/// bound reaches the best end-of-bucket value can hold an extreme, so only
/// their values are gathered, sorted and merged; every other value is looked
/// at twice (count, filter) and never moved. The sample only steers speed: an
/// unlucky one makes buckets fuller, never the answer different. Gives
/// exactly ks_scan's answer, including tie-breaking. Throws
/// mlguard.stats.nan_input. `scratch` is grown as needed.
template <class = void>
ks_extremes ks_scan_bucketed(span<const double> a, span<const double> b,
                             std::vector<double>& scratch);

template <class = void>
ks_result ks_from_extremes(const ks_extremes& e, std::size_t n1, std::size_t n2, alternative alt,
                           ks_method method, std::vector<double>& scratch);

template <class = void>
void check_sorted(span<const double> x, const char* which);

} // namespace mlguard::stats::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::stats {

template <class>
ks_result ks_2samp_p_value(std::size_t n1, std::size_t n2, double d, alternative alt,
                           ks_method method, std::vector<double>& scratch) {
  if (n1 == 0 || n2 == 0) {
    throw stats_error("empty_sample", "ks_2samp: a sample is empty");
  }
  const auto i1 = static_cast<std::int64_t>(n1);
  const auto i2 = static_cast<std::int64_t>(n2);
  const std::int64_t g = std::gcd(i1, i2);
  ks_result r;
  r.n1 = n1;
  r.n2 = n2;
  if (method == ks_method::automatic) {
    method = std::max(n1, n2) <= detail::ks_max_auto_n ? ks_method::exact : ks_method::asymptotic;
  } else if (method == ks_method::exact) {
    // lcm(n1, n2) too large for scipy's int32 bookkeeping: asymptotic.
    const auto n1g = static_cast<double>(i1 / g);
    const auto n2g = static_cast<double>(i2 / g);
    if (n1g >= 2147483647.0 / n2g) {
      method = ks_method::asymptotic;
    }
  }
  double prob = 0.0;
  if (method == ks_method::exact) {
    if (!detail::ks_attempt_exact(i1, i2, g, d, alt, prob, scratch)) {
      method = ks_method::asymptotic;
    }
  }
  if (method == ks_method::asymptotic) {
    prob = detail::ks_asymptotic_p(n1, n2, d, alt);
  }
  r.statistic = d;
  r.p_value = detail::clip01(prob);
  r.method = method;
  return r;
}

template <class>
ks_result ks_2samp_sorted(span<const double> a_sorted, span<const double> b_sorted, alternative alt,
                          ks_method method, std::vector<double>& scratch) {
  detail::require_nonempty(a_sorted, "ks_2samp_sorted", "a");
  detail::require_nonempty(b_sorted, "ks_2samp_sorted", "b");
  detail::check_sorted(a_sorted, "a");
  detail::check_sorted(b_sorted, "b");
  const auto e =
      detail::ks_scan(a_sorted.data(), a_sorted.size(), b_sorted.data(), b_sorted.size());
  return detail::ks_from_extremes(e, a_sorted.size(), b_sorted.size(), alt, method, scratch);
}

template <class>
ks_result ks_2samp_sorted(span<const double> a_sorted, span<const double> b_sorted, alternative alt,
                          ks_method method) {
  std::vector<double> scratch;
  return ks_2samp_sorted(a_sorted, b_sorted, alt, method, scratch);
}

template <class>
ks_result ks_2samp(span<const double> a, span<const double> b, alternative alt, ks_method method,
                   std::vector<double>& scratch) {
  detail::require_nonempty(a, "ks_2samp", "a");
  detail::require_nonempty(b, "ks_2samp", "b");
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();
  if (n1 + n2 >= detail::ks_bucketed_min_total) {
    const auto e = detail::ks_scan_bucketed(a, b, scratch);
    return detail::ks_from_extremes(e, n1, n2, alt, method, scratch);
  }
  const std::size_t need = n1 + n2 + std::max(n1, n2);
  if (scratch.size() < need) {
    scratch.resize(need);
  }
  double* sa = scratch.data();
  double* sb = sa + n1;
  double* tmp = sb + n2;
  detail::copy_sorted(a, sa, tmp, "ks_2samp", "a");
  detail::copy_sorted(b, sb, tmp, "ks_2samp", "b");
  const auto e = detail::ks_scan(sa, n1, sb, n2);
  // The sorted copies are no longer needed: the exact path may reuse scratch.
  return detail::ks_from_extremes(e, n1, n2, alt, method, scratch);
}

template <class>
ks_result ks_2samp(span<const double> a, span<const double> b, alternative alt, ks_method method) {
  std::vector<double> scratch;
  return ks_2samp(a, b, alt, method, scratch);
}

} // namespace mlguard::stats

namespace mlguard::stats::detail {

template <class>
std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

template <class>
std::int64_t ceil_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a > 0) ? q + 1 : q;
}

template <class>
double ks_prob_outside_square(std::int64_t n, std::int64_t h) noexcept {
  double p = 0.0;
  for (std::int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (std::int64_t j = 0; j < h; ++j) {
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    }
    p = p1 * (1.0 - p);
  }
  return 2.0 * p;
}

template <class>
double ks_outer_prob_inside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h,
                            std::vector<double>& buffer) {
  if (m < n) {
    std::swap(m, n);
  }
  const std::int64_t mg = m / g;
  const std::int64_t ng = n / g;
  std::int64_t minj = 0;
  std::int64_t maxj = std::min(ceil_div(h, mg), n + 1);
  std::int64_t curlen = maxj - minj;
  const std::int64_t len = std::min(2 * maxj + 2, n + 1);
  buffer.assign(static_cast<std::size_t>(len), 1.0);
  double* a = buffer.data();
  std::fill(a + minj, a + maxj, 0.0);
  for (std::int64_t i = 1; i <= m; ++i) {
    const std::int64_t lastminj = minj;
    const std::int64_t lastlen = curlen;
    minj = std::min(std::max(floor_div(ng * i - h, mg) + 1, std::int64_t{0}), n);
    maxj = std::min(ceil_div(ng * i + h, mg), n + 1);
    if (maxj <= minj) {
      return 1.0;
    }
    // val_j = (A_prev(j)·i + val_{j−1}·j) / (i + j): the reciprocal and the
    // first product do not depend on the chain, so the loop-carried
    // dependency is one multiply and one add.
    double val = minj == 0 ? 0.0 : 1.0;
    const auto id = static_cast<double>(i);
    const std::int64_t width = maxj - minj;
    const double* prev = a + (minj - lastminj);
    for (std::int64_t jj = 0; jj < width; ++jj) {
      const auto j = static_cast<double>(jj + minj);
      const double r = 1.0 / (id + j);
      val = val * (j * r) + prev[jj] * id * r;
      a[jj] = val;
    }
    curlen = width;
    if (lastlen > curlen) {
      std::fill(a + width, a + std::min(width + (lastlen - curlen), len), 1.0);
    }
  }
  return a[maxj - minj - 1];
}

template <class>
double ks_count_paths_outside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h,
                              bool& ok) {
  ok = true;
  if (m < n) {
    std::swap(m, n);
  }
  const std::int64_t mg = m / g;
  const std::int64_t ng = n / g;
  const std::int64_t lxj = n + floor_div(mg - h, mg);
  if (lxj <= 0) {
    return scipy_binom(static_cast<double>(m + n), static_cast<double>(n));
  }
  std::vector<std::int64_t> xj(static_cast<std::size_t>(lxj));
  for (std::int64_t j = 0; j < lxj; ++j) {
    xj[static_cast<std::size_t>(j)] = floor_div(h + mg * j + ng - 1, ng);
  }
  std::vector<double> bvals(static_cast<std::size_t>(lxj), 0.0);
  bvals[0] = 1.0;
  for (std::int64_t j = 1; j < lxj; ++j) {
    const auto xjj = xj[static_cast<std::size_t>(j)];
    double bj = scipy_binom(static_cast<double>(xjj + j), static_cast<double>(j));
    if (!std::isfinite(bj)) {
      ok = false;
      return 0.0;
    }
    for (std::int64_t i = 0; i < j; ++i) {
      const double bin =
          scipy_binom(static_cast<double>(xjj - xj[static_cast<std::size_t>(i)] + j - i),
                      static_cast<double>(j - i));
      const double prod = bin * bvals[static_cast<std::size_t>(i)];
      bj -= prod;
      if (!std::isfinite(prod) || !std::isfinite(bj)) {
        ok = false;
        return 0.0;
      }
    }
    bvals[static_cast<std::size_t>(j)] = bj;
  }
  double paths = 0.0;
  for (std::int64_t j = 0; j < lxj; ++j) {
    const double bin =
        scipy_binom(static_cast<double>((m - xj[static_cast<std::size_t>(j)]) + (n - j)),
                    static_cast<double>(n - j));
    const double term = bvals[static_cast<std::size_t>(j)] * bin;
    paths += term;
    if (!std::isfinite(term) || !std::isfinite(paths)) {
      ok = false;
      return 0.0;
    }
  }
  return paths;
}

template <class>
bool ks_attempt_exact(std::int64_t n1, std::int64_t n2, std::int64_t g, double& d, alternative alt,
                      double& prob, std::vector<double>& buffer) {
  const std::int64_t lcm = (n1 / g) * n2;
  const auto h = static_cast<std::int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
  d = static_cast<double>(h) * 1.0 / static_cast<double>(lcm);
  if (h == 0) {
    prob = 1.0;
    return true;
  }
  prob = std::numeric_limits<double>::quiet_NaN();
  if (alt == alternative::two_sided) {
    if (n1 == n2) {
      prob = ks_prob_outside_square(n1, h);
    } else {
      prob = ks_outer_prob_inside(n1, n2, g, h, buffer);
    }
  } else if (n1 == n2) {
    // binom(2n, n−h)/binom(2n, n) as a product of ratios.
    prob = 1.0;
    for (std::int64_t j = 0; j < h; ++j) {
      prob *= static_cast<double>(n1 - j) / (static_cast<double>(n1 + j) + 1.0);
    }
  } else {
    bool ok = true;
    const double paths = ks_count_paths_outside(n1, n2, g, h, ok);
    if (!ok) {
      return false;
    }
    const double total = scipy_binom(static_cast<double>(n1 + n2), static_cast<double>(n1));
    if (paths > total || std::isinf(total)) {
      return false;
    }
    prob = paths / total;
  }
  return prob >= 0.0 && prob <= 1.0;
}

template <class>
double ks_asymptotic_p(std::size_t n1, std::size_t n2, double d, alternative alt) noexcept {
  const double m = static_cast<double>(std::max(n1, n2));
  const double n = static_cast<double>(std::min(n1, n2));
  const double en = m * n / (m + n);
  if (alt == alternative::two_sided) {
    return kstwo_sf(d, std::nearbyint(en));
  }
  const double z = std::sqrt(en) * d;
  const double expt = -2.0 * (z * z) - 2.0 * z * (m + 2.0 * n) / std::sqrt(m * n * (m + n)) / 3.0;
  return std::exp(expt);
}

template <class>
ks_extremes ks_scan(const double* a, std::size_t n1, const double* b, std::size_t n2) noexcept {
  const auto d1 = static_cast<double>(n1);
  const auto d2 = static_cast<double>(n2);
  const auto m1 = static_cast<std::int64_t>(n1);
  const auto m2 = static_cast<std::int64_t>(n2);
  ks_extreme_tracker ta; // extremes over groups holding a value of a
  ks_extreme_tracker tb; // ... of b
  std::size_t i = 0;
  std::size_t j = 0;
  bool ga = false; // the current group of equal values holds a value of a
  bool gb = false;
  double pending = 0.0; // the value of the current group
  // Main loop while both samples have values left: one branch-free merge step
  // per value, a (well predicted) test for the end of a group of equal values.
  while (i < n1 && j < n2) {
    const double x = a[i];
    const double y = b[j];
    const bool take_a = x <= y;
    const double v = take_a ? x : y;
    pending = v;
    i += take_a ? 1 : 0;
    j += take_a ? 0 : 1;
    ga = ga || take_a;
    gb = gb || !take_a;
    bool group_end = true;
    if (i < n1 && j < n2) {
      group_end = std::min(a[i], b[j]) != v;
    } else {
      group_end = !((i < n1 && a[i] == v) || (j < n2 && b[j] == v));
    }
    if (group_end) {
      const std::int64_t di = static_cast<std::int64_t>(i) * m2 - static_cast<std::int64_t>(j) * m1;
      if (ga) {
        ta.update(di, i, j, d1, d2, v);
      }
      if (gb) {
        tb.update(di, i, j, d1, d2, v);
      }
      ga = false;
      gb = false;
    }
  }
  if (ga || gb) { // a group of equal values straddles the end of one sample
    while (i < n1 && a[i] == pending) {
      ++i;
    }
    while (j < n2 && b[j] == pending) {
      ++j;
    }
    const std::int64_t di = static_cast<std::int64_t>(i) * m2 - static_cast<std::int64_t>(j) * m1;
    if (ga) {
      ta.update(di, i, j, d1, d2, pending);
    }
    if (gb) {
      tb.update(di, i, j, d1, d2, pending);
    }
  }
  // The rest of whichever sample is left (its groups hold no value of the other).
  while (i < n1) {
    const double v = a[i];
    while (i < n1 && a[i] == v) {
      ++i;
    }
    const std::int64_t di = static_cast<std::int64_t>(i) * m2 - static_cast<std::int64_t>(j) * m1;
    ta.update(di, i, j, d1, d2, v);
  }
  while (j < n2) {
    const double v = b[j];
    while (j < n2 && b[j] == v) {
      ++j;
    }
    const std::int64_t di = static_cast<std::int64_t>(i) * m2 - static_cast<std::int64_t>(j) * m1;
    tb.update(di, i, j, d1, d2, v);
  }
  ks_extremes e;
  if (ta.max_f >= tb.max_f) {
    e.max_diff = ta.max_f;
    e.max_loc = ta.max_loc;
  } else {
    e.max_diff = tb.max_f;
    e.max_loc = tb.max_loc;
  }
  if (ta.min_f <= tb.min_f) {
    e.min_diff = ta.min_f;
    e.min_loc = ta.min_loc;
  } else {
    e.min_diff = tb.min_f;
    e.min_loc = tb.min_loc;
  }
  return e;
}

template <class>
ks_extremes ks_scan_bucketed(span<const double> a, span<const double> b,
                             std::vector<double>& scratch) {
  constexpr std::size_t coarse_buckets = std::size_t{1} << 16;
  constexpr std::uint64_t top = std::uint64_t{1} << 63;
  constexpr std::size_t per_bucket = 32; // most values aimed at per fine bucket
  // Branch-free key: −0.0 → +0.0, then flip all bits of negatives and the
  // sign bit of the rest. NaN keys fall outside [key(−inf), key(+inf)].
  auto key_of = [](double v) {
    std::uint64_t u = 0;
    std::memcpy(&u, &v, sizeof u);
    u = v == 0.0 ? 0 : u;
    const auto neg_mask = static_cast<std::uint64_t>(static_cast<std::int64_t>(u) >> 63);
    return u ^ (neg_mask | top);
  };
  const std::size_t n1 = a.size();
  const std::size_t n2 = b.size();
  // Scratch layout (bytes of the doubles): coarse counts then offsets
  // (2^16 × uint32), fine shifts (2^16 bytes), fine counts of a and b
  // (2 × F × uint32), candidate bits (F), then candidates and sort space.
  // It grows in three steps as the sizes become known, so a fresh buffer
  // only ever touches what the data needs (page faults dominate otherwise).
  auto grow = [&scratch](std::size_t doubles) {
    if (scratch.size() < doubles) {
      scratch.resize(doubles);
    }
  };
  auto get32 = [](const unsigned char* base, std::size_t k) {
    std::uint32_t c = 0;
    std::memcpy(&c, base + 4 * k, sizeof c);
    return c;
  };
  auto set32 = [](unsigned char* base, std::size_t k, std::uint32_t c) {
    std::memcpy(base + 4 * k, &c, sizeof c);
  };
  grow((5 * coarse_buckets + 7) / 8);
  unsigned char* coarse = reinterpret_cast<unsigned char*>(scratch.data());
  unsigned char* shifts = coarse + 4 * coarse_buckets;
  std::fill(coarse, coarse + 4 * coarse_buckets, static_cast<unsigned char>(0));
  // Pass 1, on a sample: coarse histogram on the top 16 key bits (sign,
  // exponent, 4 mantissa bits). The sample is one run of 64 consecutive
  // values from every 1024 (cache- and prefetch-friendly), the run's offset
  // varied so periodic data cannot fool it; below 2^20 values, every value.
  const std::size_t total = n1 + n2;
  const bool sampling = total >= (std::size_t{1} << 20);
  const std::size_t sampled = sampling ? total / 1024 * 64 : total;
  auto coarse_count = [&](span<const double> x, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      const auto c = static_cast<std::size_t>(key_of(x[i]) >> 48);
      set32(coarse, c, get32(coarse, c) + 1);
    }
  };
  if (!sampling) {
    coarse_count(a, 0, n1);
    coarse_count(b, 0, n2);
  } else {
    for (std::size_t chunk = 0; chunk < total / 1024; ++chunk) {
      const std::size_t from = chunk * 1024 + (chunk * 397) % (1024 - 64);
      if (from + 64 <= n1) {
        coarse_count(a, from, from + 64);
      } else if (from >= n1) {
        coarse_count(b, from - n1, from - n1 + 64);
      } else {
        coarse_count(a, from, n1);
        coarse_count(b, 0, from + 64 - n1);
      }
    }
  }
  // Split each coarse bucket into 2^f fine ones on the next key bits, f
  // chosen so a fine bucket holds about per_bucket values. Every coarse
  // bucket gets at least one fine bucket: the sample may have missed it.
  std::size_t fine = 0;
  for (std::size_t c = 0; c < coarse_buckets; ++c) {
    const std::size_t estimate = get32(coarse, c) * total; // × sampled
    int f = 0;
    while (f < 24 && (std::size_t{1} << f) * per_bucket * sampled < estimate) {
      ++f;
    }
    set32(coarse, c, static_cast<std::uint32_t>(fine));
    shifts[c] = static_cast<unsigned char>(48 - f);
    fine += std::size_t{1} << f;
  }
  const std::size_t table_bytes = 5 * coarse_buckets + 8 * fine + fine / 8 + 8;
  const std::size_t fixed = (table_bytes + 7) / 8; // in doubles
  grow(fixed);
  coarse = reinterpret_cast<unsigned char*>(scratch.data());
  shifts = coarse + 4 * coarse_buckets;
  unsigned char* cnt_a = shifts + coarse_buckets;
  unsigned char* cnt_b = cnt_a + 4 * fine;
  unsigned char* flags = cnt_b + 4 * fine;
  std::fill(cnt_a, flags + fine / 8 + 8, static_cast<unsigned char>(0));
  auto bucket_of = [&](double v) -> std::size_t {
    const std::uint64_t k = key_of(v);
    const auto c = static_cast<std::size_t>(k >> 48);
    const int shift = shifts[c];
    const std::uint64_t mask = (std::uint64_t{1} << (48 - shift)) - 1;
    return get32(coarse, c) + static_cast<std::size_t>((k >> shift) & mask);
  };
  auto is_candidate = [&](std::size_t k) { return ((flags[k >> 3] >> (k & 7)) & 1U) != 0; };
  // Pass 2: fine counts (n1, n2 < 2^32 here) and the key range, for NaN
  // detection (NaN keys fall outside [key(−inf), key(+inf)]).
  std::uint64_t lo = ~std::uint64_t{0};
  std::uint64_t hi = 0;
  auto fine_count = [&](span<const double> x, unsigned char* counts) {
    for (const double v : x) {
      const std::uint64_t key = key_of(v);
      lo = std::min(lo, key);
      hi = std::max(hi, key);
      const std::size_t k = bucket_of(v);
      set32(counts, k, get32(counts, k) + 1);
    }
  };
  fine_count(a, cnt_a);
  fine_count(b, cnt_b);
  if (lo < key_of(-std::numeric_limits<double>::infinity()) ||
      hi > key_of(std::numeric_limits<double>::infinity())) {
    for (const double v : a) {
      if (std::isnan(v)) {
        throw_nan_input("ks_2samp", "a");
      }
    }
    throw_nan_input("ks_2samp", "b");
  }
  // Turn counts into cumulative counts; the exact difference at each
  // non-empty bucket's end bounds the extremes from inside.
  const auto m1 = static_cast<std::int64_t>(n1);
  const auto m2 = static_cast<std::int64_t>(n2);
  std::int64_t best_max = std::numeric_limits<std::int64_t>::min();
  std::int64_t best_min = std::numeric_limits<std::int64_t>::max();
  std::uint32_t run_a = 0;
  std::uint32_t run_b = 0;
  for (std::size_t k = 0; k < fine; ++k) {
    const std::uint32_t ca_k = get32(cnt_a, k);
    const std::uint32_t cb_k = get32(cnt_b, k);
    run_a += ca_k;
    run_b += cb_k;
    set32(cnt_a, k, run_a);
    set32(cnt_b, k, run_b);
    if (ca_k + cb_k != 0) {
      const std::int64_t di =
          static_cast<std::int64_t>(run_a) * m2 - static_cast<std::int64_t>(run_b) * m1;
      best_max = std::max(best_max, di);
      best_min = std::min(best_min, di);
    }
  }
  auto cum = [&](const unsigned char* c, std::size_t k) -> std::int64_t {
    return static_cast<std::int64_t>(get32(c, k));
  };
  std::size_t count_a = 0;
  std::size_t count_b = 0;
  for (std::size_t k = 0; k < fine; ++k) {
    const std::int64_t before_a = k == 0 ? 0 : cum(cnt_a, k - 1);
    const std::int64_t before_b = k == 0 ? 0 : cum(cnt_b, k - 1);
    const std::int64_t after_a = cum(cnt_a, k);
    const std::int64_t after_b = cum(cnt_b, k);
    if (after_a + after_b == before_a + before_b) {
      continue; // empty
    }
    if (after_a * m2 - before_b * m1 >= best_max || before_a * m2 - after_b * m1 <= best_min) {
      flags[k >> 3] = static_cast<unsigned char>(flags[k >> 3] | (1U << (k & 7)));
      count_a += static_cast<std::size_t>(after_a - before_a);
      count_b += static_cast<std::size_t>(after_b - before_b);
    }
  }
  // Pass 3: gather the values of candidate buckets and sort them.
  grow(fixed + count_a + count_b + std::max(count_a, count_b));
  coarse = reinterpret_cast<unsigned char*>(scratch.data());
  shifts = coarse + 4 * coarse_buckets;
  cnt_a = shifts + coarse_buckets;
  cnt_b = cnt_a + 4 * fine;
  flags = cnt_b + 4 * fine;
  double* ca = scratch.data() + fixed;
  double* cb = ca + count_a;
  double* tmp = cb + count_b;
  std::size_t fill = 0;
  for (const double v : a) {
    if (is_candidate(bucket_of(v))) {
      ca[fill++] = v;
    }
  }
  fill = 0;
  for (const double v : b) {
    if (is_candidate(bucket_of(v))) {
      cb[fill++] = v;
    }
  }
  sort_doubles(ca, count_a, tmp);
  sort_doubles(cb, count_b, tmp);

  // Merge the candidates group by group, with counts offset to the bucket start.
  const auto d1 = static_cast<double>(n1);
  const auto d2 = static_cast<double>(n2);
  ks_extreme_tracker ta;
  ks_extreme_tracker tb;
  std::size_t i = 0;
  std::size_t j = 0;
  std::size_t current = ~std::size_t{0}; // no bucket yet
  std::int64_t base_a = 0;
  std::int64_t base_b = 0;
  std::size_t start_i = 0;
  std::size_t start_j = 0;
  while (i < count_a || j < count_b) {
    const double v = (j >= count_b || (i < count_a && ca[i] <= cb[j])) ? ca[i] : cb[j];
    const std::size_t k = bucket_of(v);
    if (k != current) {
      current = k;
      base_a = k == 0 ? 0 : cum(cnt_a, k - 1);
      base_b = k == 0 ? 0 : cum(cnt_b, k - 1);
      start_i = i;
      start_j = j;
    }
    const std::size_t i0 = i;
    const std::size_t j0 = j;
    while (i < count_a && ca[i] == v) {
      ++i;
    }
    while (j < count_b && cb[j] == v) {
      ++j;
    }
    const auto ia = static_cast<std::size_t>(base_a) + (i - start_i);
    const auto jb = static_cast<std::size_t>(base_b) + (j - start_j);
    const std::int64_t di = static_cast<std::int64_t>(ia) * m2 - static_cast<std::int64_t>(jb) * m1;
    if (i > i0) {
      ta.update(di, ia, jb, d1, d2, v);
    }
    if (j > j0) {
      tb.update(di, ia, jb, d1, d2, v);
    }
  }
  ks_extremes e;
  if (ta.max_f >= tb.max_f) {
    e.max_diff = ta.max_f;
    e.max_loc = ta.max_loc;
  } else {
    e.max_diff = tb.max_f;
    e.max_loc = tb.max_loc;
  }
  if (ta.min_f <= tb.min_f) {
    e.min_diff = ta.min_f;
    e.min_loc = ta.min_loc;
  } else {
    e.min_diff = tb.min_f;
    e.min_loc = tb.min_loc;
  }
  return e;
}

template <class>
ks_result ks_from_extremes(const ks_extremes& e, std::size_t n1, std::size_t n2, alternative alt,
                           ks_method method, std::vector<double>& scratch) {
  const double min_s = std::clamp(-e.min_diff, 0.0, 1.0);
  const double max_s = e.max_diff;
  double d = 0.0;
  ks_result r;
  if (alt == alternative::less || (alt == alternative::two_sided && min_s > max_s)) {
    d = min_s;
    r.statistic_location = e.min_loc;
    r.statistic_sign = -1;
  } else {
    d = max_s;
    r.statistic_location = e.max_loc;
    r.statistic_sign = 1;
  }
  const ks_result p = ks_2samp_p_value(n1, n2, d, alt, method, scratch);
  r.statistic = p.statistic;
  r.p_value = p.p_value;
  r.method = p.method;
  r.n1 = n1;
  r.n2 = n2;
  return r;
}

template <class>
void check_sorted(span<const double> x, const char* which) {
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (std::isnan(x[i])) {
      throw_nan_input("ks_2samp_sorted", which);
    }
    if (i > 0 && x[i] < x[i - 1]) {
      throw stats_error("unsorted_input", std::string("ks_2samp_sorted: sample ") + which +
                                              " is not sorted ascending");
    }
  }
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_DETAIL_KS_IMPL_HPP

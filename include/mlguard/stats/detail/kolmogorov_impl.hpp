#ifndef MLGUARD_STATS_DETAIL_KOLMOGOROV_IMPL_HPP
#define MLGUARD_STATS_DETAIL_KOLMOGOROV_IMPL_HPP

// Implementation of include/mlguard/stats/kolmogorov.hpp. Not for direct use.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace mlguard::stats::detail {

inline constexpr double ks_pi = 3.14159265358979323846264338327950288;
/// log(sqrt(2π)).
inline constexpr double ks_log_sqrt_2pi = 0.91893853320467274178032973640561764;
/// Cephes' MINLOG, log(2^-1022): below it exp() underflows.
inline constexpr double ks_min_log = -7.08396418532264106224e2;

template <class = void>
double clip01(double p) noexcept;

template <class = void>
double select_clip(bool cdf, double cdf_prob, double sf_prob) noexcept;

/// Stirling's error term log(z!) − (z + ½)log z + z − log√(2π) for real z > 0
/// (Loader 2000); the asymptotic series is exact to double precision above 15.
template <class = void>
double stirling_error(double z) noexcept;

/// Loader's deviance term x·log(x/m) + m − x, given diff = x − m exactly.
template <class = void>
double binomial_deviance(double x, double m, double diff) noexcept;

/// Splits n·x exactly into floor and fractional part (fraction in [0, 1)).
template <class = void>
void split_nx(std::int64_t n, double x, std::int64_t& whole, double& fraction) noexcept;

/// One term of the Smirnov sum, C(n,v)·a^(v−1)·b^(n−v) with a = (nx+v)/n and
/// b = 1 − a, for real v in (0, n − nx); nx = nx_whole + nx_frac.
template <class = void>
double smirnov_term(double n, double v, double nx_whole, double nx_frac) noexcept;

/// Σ_{v=0}^{vmax} C(n,v)·a^(v−1)·b^(n−v), summed directly with compensation.
template <class = void>
double smirnov_direct_sum(std::int64_t n, double x, std::int64_t nx_whole, double nx_frac,
                          std::int64_t vmax) noexcept;

/// The same sum for large n by the trapezoidal rule on the smooth
/// continuation of the terms: they form a smooth bump that vanishes at both
/// ends, so sampling every h-th term and scaling by h converges
/// geometrically; h is halved until two successive estimates agree to 1e-14.
/// Returns a negative number when the ends are not negligible (the caller
/// then sums directly).
template <class = void>
double smirnov_trapezoid_sum(std::int64_t n, double x, std::int64_t nx_whole, double nx_frac,
                             std::int64_t vmax) noexcept;

template <class = void>
double smirnov_sf_impl(std::int64_t n, double x) noexcept;

// ---- two-sided exact distribution (scipy.stats.kstwo) ----

inline constexpr double ks_two_128 = 3.402823669209384634633746074317682114560e38;   // 2^128
inline constexpr double ks_two_m128 = 2.938735877055718769921841343055614194547e-39; // 2^-128

/// log(n!/n^n) by Stirling's series.
template <class = void>
double log_factorial_over_power(double n) noexcept;

/// c = a · b for m × m row-major matrices. A plain loop rather than an
/// Eigen product: m ≤ 2⌈n·d⌉ − 1 stays small here (at most ~120), and an
/// Eigen matrix product would be instantiated in every includer of ks.hpp.
template <class = void>
void durbin_multiply(const std::vector<double>& a, const std::vector<double>& b,
                     std::vector<double>& c, std::size_t m) noexcept;

/// Pr(D_n ≤ d) by Durbin's matrix method with Marsaglia–Tsang–Wang scaling.
template <class = void>
double kolmogn_durbin_cdf(std::int64_t n, double d);

template <class = void>
void pomeranz_bounds(std::int64_t i, std::int64_t n, std::int64_t ll, std::int64_t ceilf,
                     std::int64_t roundf, std::int64_t& j1, std::int64_t& j2) noexcept;

/// Pr(D_n ≤ x) by Pomeranz's recursion.
template <class = void>
double kolmogn_pomeranz_cdf(std::int64_t n, double x);

/// Pr(D_n ≤ x) by the Pelz–Good asymptotic expansion.
template <class = void>
double kolmogn_pelz_good_cdf(std::int64_t n, double x) noexcept;

/// CDF (cdf = true) or SF of the two-sided statistic D_n, as scipy's _kolmogn.
template <class = void>
double kolmogn(std::int64_t n, double x, bool cdf);

template <class = void>
double kstwo(double d, double n, bool cdf);

} // namespace mlguard::stats::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::stats {

template <class>
double smirnov_sf(std::int64_t n, double d) noexcept {
  if (std::isnan(d)) {
    return d;
  }
  return detail::smirnov_sf_impl(n, d);
}

template <class>
double kstwo_sf(double d, double n) noexcept {
  try {
    return detail::kstwo(d, n, false);
  } catch (...) { // std::bad_alloc from the matrix methods
    return std::numeric_limits<double>::quiet_NaN();
  }
}

template <class>
double kstwo_cdf(double d, double n) noexcept {
  try {
    return detail::kstwo(d, n, true);
  } catch (...) {
    return std::numeric_limits<double>::quiet_NaN();
  }
}

} // namespace mlguard::stats

namespace mlguard::stats::detail {

template <class>
double clip01(double p) noexcept {
  // Like numpy.clip: NaN passes through.
  if (p < 0.0) {
    return 0.0;
  }
  if (p > 1.0) {
    return 1.0;
  }
  return p;
}

template <class>
double select_clip(bool cdf, double cdf_prob, double sf_prob) noexcept {
  return clip01(cdf ? cdf_prob : sf_prob);
}

template <class>
double stirling_error(double z) noexcept {
  if (z > 15.0) {
    constexpr double s0 = 1.0 / 12.0;
    constexpr double s1 = 1.0 / 360.0;
    constexpr double s2 = 1.0 / 1260.0;
    constexpr double s3 = 1.0 / 1680.0;
    constexpr double s4 = 1.0 / 1188.0;
    const double z2 = z * z;
    return (s0 - (s1 - (s2 - (s3 - s4 / z2) / z2) / z2) / z2) / z;
  }
  return std::lgamma(z + 1.0) - (z + 0.5) * std::log(z) + z - ks_log_sqrt_2pi;
}

template <class>
double binomial_deviance(double x, double m, double diff) noexcept {
  if (std::fabs(diff) < 0.1 * (x + m)) {
    double v = diff / (x + m);
    double sum = diff * v;
    double term = 2.0 * x * v;
    v = v * v;
    for (int j = 1; j < 1000; ++j) {
      term *= v;
      const double next = sum + term / (2 * j + 1);
      if (next == sum) {
        return next;
      }
      sum = next;
    }
    return sum;
  }
  return x * std::log(x / m) + m - x;
}

template <class>
void split_nx(std::int64_t n, double x, std::int64_t& whole, double& fraction) noexcept {
  const double nd = static_cast<double>(n);
  const double hi = nd * x;
  const double lo = std::fma(nd, x, -hi);
  double fl = std::floor(hi);
  double frac = 0.0;
  if (hi == fl) {
    if (lo < 0.0) {
      fl -= 1.0;
      frac = 1.0 + lo;
    } else {
      frac = lo;
    }
  } else {
    frac = (hi - fl) + lo;
  }
  if (frac >= 1.0) {
    fl += 1.0;
    frac = 0.0;
  }
  if (frac < 0.0) {
    frac = 0.0;
  }
  whole = static_cast<std::int64_t>(fl);
  fraction = frac;
}

template <class>
double smirnov_term(double n, double v, double nx_whole, double nx_frac) noexcept {
  const double np = (nx_whole + v) + nx_frac;     // n·a
  const double nq = (n - nx_whole - v) - nx_frac; // n·b
  const double nx = nx_whole + nx_frac;
  const double log_term = stirling_error(n) - stirling_error(v) - stirling_error(n - v) -
                          binomial_deviance(v, np, -nx) - binomial_deviance(n - v, nq, nx);
  const double scale = std::sqrt(n / (2.0 * ks_pi * v * (n - v)));
  return std::exp(log_term) * scale * (n / np);
}

template <class>
double smirnov_direct_sum(std::int64_t n, double x, std::int64_t nx_whole, double nx_frac,
                          std::int64_t vmax) noexcept {
  const double nd = static_cast<double>(n);
  // v = 0: (1 − x)^n / x.
  double sum = std::exp(nd * std::log1p(-x)) / x;
  double comp = 0.0;
  const auto fw = static_cast<double>(nx_whole);
  for (std::int64_t v = 1; v <= vmax; ++v) {
    const double term = smirnov_term(nd, static_cast<double>(v), fw, nx_frac);
    const double t = sum + term;
    comp += std::fabs(sum) >= std::fabs(term) ? (sum - t) + term : (term - t) + sum;
    sum = t;
    if (term > 0.0) {
      if (4.0 * static_cast<double>(vmax - v + 1) * term <
              std::numeric_limits<double>::epsilon() * (sum + comp) &&
          v != vmax) {
        break;
      }
    } else if (v > n / 2) {
      break;
    }
  }
  return sum + comp;
}

template <class>
double smirnov_trapezoid_sum(std::int64_t n, double x, std::int64_t nx_whole, double nx_frac,
                             std::int64_t vmax) noexcept {
  const double nd = static_cast<double>(n);
  const auto fw = static_cast<double>(nx_whole);
  const double first = std::exp(nd * std::log1p(-x)) / x;
  auto f = [&](std::int64_t v) {
    return v == 0 ? first : smirnov_term(nd, static_cast<double>(v), fw, nx_frac);
  };
  std::int64_t h = std::max<std::int64_t>(1, vmax / 512);
  double previous = -1.0;
  while (true) {
    double sum = 0.0;
    double peak = 0.0;
    for (std::int64_t v = 0; v <= vmax; v += h) {
      const double t = f(v);
      sum += t;
      peak = std::max(peak, t);
    }
    sum *= static_cast<double>(h);
    const double tail = std::max(f(0), f(vmax));
    if (h == 1) {
      return sum;
    }
    if (!(tail <= 1e-20 * peak)) {
      return -1.0;
    }
    if (previous >= 0.0 && std::fabs(sum - previous) <= 1e-14 * sum) {
      return sum;
    }
    previous = sum;
    h = std::max<std::int64_t>(1, h / 2);
    if (h < 8) {
      return -1.0;
    }
  }
}

template <class>
double smirnov_sf_impl(std::int64_t n, double x) noexcept {
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (n == 1) {
    return 1.0 - x;
  }
  if (x == 0.0) {
    return 1.0;
  }
  if (x == 1.0) {
    return 0.0;
  }
  const double nd = static_cast<double>(n);
  std::int64_t nx_whole = 0;
  double nx_frac = 0.0;
  split_nx(n, x, nx_whole, nx_frac);
  if (nx_whole == 0 || (nx_whole == 1 && nx_frac == 0.0)) {
    // x ≤ 1/n: Pr(D+ < x) = x·(1 + x)^(n−1).
    const double cdf = x * std::exp((nd - 1.0) * std::log1p(x));
    return clip01(1.0 - cdf);
  }
  if (-2.0 * nd * x * x < ks_min_log) {
    return 0.0;
  }
  if (nx_whole >= n - 1) {
    return clip01(std::pow(1.0 - x, nd));
  }
  if (n > 1000000) {
    // scipy's approximation for very large n.
    const double nx = nd * x;
    return clip01(std::exp(-std::pow(6.0 * nx + 1.0, 2) / 18.0 / nd));
  }
  const std::int64_t vmax = n - nx_whole - 1;
  double sum = -1.0;
  if (n > 20000) {
    sum = smirnov_trapezoid_sum(n, x, nx_whole, nx_frac, vmax);
  }
  if (sum < 0.0) {
    sum = smirnov_direct_sum(n, x, nx_whole, nx_frac, vmax);
  }
  return clip01(x * sum);
}

template <class>
double log_factorial_over_power(double n) noexcept {
  const double rn = 1.0 / n;
  const double y = rn / n;
  // Stirling coefficients B_2k / (2k(2k−1)), highest order first (Horner).
  constexpr double c[] = {-3617.0 / 122400.0, 1.0 / 156.0,  -691.0 / 360360.0, 1.0 / 1188.0,
                          -1.0 / 1680.0,      1.0 / 1260.0, -1.0 / 360.0,      1.0 / 12.0};
  double poly = 0.0;
  for (double ci : c) {
    poly = poly * y + ci;
  }
  return std::log(n) / 2.0 - n + std::log(2.0 * ks_pi) / 2.0 + rn * poly;
}

template <class>
void durbin_multiply(const std::vector<double>& a, const std::vector<double>& b,
                     std::vector<double>& c, std::size_t m) noexcept {
  std::fill(c.begin(), c.end(), 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    double* ci = c.data() + i * m;
    for (std::size_t k = 0; k < m; ++k) {
      const double aik = a[i * m + k];
      const double* bk = b.data() + k * m;
      for (std::size_t j = 0; j < m; ++j) {
        ci[j] += aik * bk[j];
      }
    }
  }
}

template <class>
double kolmogn_durbin_cdf(std::int64_t n, double d) {
  if (d >= 1.0) {
    return 1.0;
  }
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) {
    return 0.0;
  }
  const auto k = static_cast<std::size_t>(std::ceil(nd));
  const double h = static_cast<double>(k) - nd;
  const std::size_t m = 2 * k - 1;
  // H, row-major: H[r][c] at H[r * m + c].
  std::vector<double> H(m * m, 0.0);
  std::vector<double> v(m);
  std::vector<double> w(m);
  double fac = 1.0;
  for (std::size_t j = 1; j <= m; ++j) {
    w[j - 1] = fac;
    fac /= static_cast<double>(j);
    v[j - 1] = (1.0 - std::pow(h, static_cast<double>(j))) * fac;
  }
  const double tt = std::pow(std::max(2.0 * h - 1.0, 0.0), static_cast<double>(m)) -
                    2.0 * std::pow(h, static_cast<double>(m));
  v[m - 1] = (1.0 + tt) * fac;
  for (std::size_t i = 1; i < m; ++i) {
    for (std::size_t r = i - 1; r < m; ++r) {
      H[r * m + i] = w[r - i + 1];
    }
  }
  for (std::size_t r = 0; r < m; ++r) {
    H[r * m] = v[r];
  }
  for (std::size_t j = 0; j < m; ++j) {
    H[(m - 1) * m + j] = v[m - 1 - j];
  }
  std::vector<double> power(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) {
    power[i * m + i] = 1.0;
  }
  std::vector<double> tmp(m * m);
  long expnt = 0;
  long h_expnt = 0;
  for (std::int64_t nn = n; nn > 0; nn /= 2) {
    if (nn % 2 != 0) {
      durbin_multiply(power, H, tmp, m);
      power.swap(tmp);
      expnt += h_expnt;
    }
    durbin_multiply(H, H, tmp, m);
    H.swap(tmp);
    h_expnt *= 2;
    if (std::fabs(H[(k - 1) * m + (k - 1)]) > ks_two_128) {
      for (double& x : H) {
        x /= ks_two_128;
      }
      h_expnt += 128;
    }
  }
  double p = power[(k - 1) * m + (k - 1)];
  const double ndbl = static_cast<double>(n);
  for (std::int64_t i = 1; i <= n; ++i) {
    p = static_cast<double>(i) * p / ndbl;
    if (std::fabs(p) < ks_two_m128) {
      p *= ks_two_128;
      expnt -= 128;
    }
  }
  if (expnt != 0) {
    p = std::ldexp(p, static_cast<int>(expnt));
  }
  return clip01(p);
}

template <class>
void pomeranz_bounds(std::int64_t i, std::int64_t n, std::int64_t ll, std::int64_t ceilf,
                     std::int64_t roundf, std::int64_t& j1, std::int64_t& j2) noexcept {
  std::int64_t a = 0;
  std::int64_t b = 0;
  if (i == 0) {
    a = -ll - ceilf - 1;
    b = ll + ceilf - 1;
  } else {
    const std::int64_t half = (i + 1) / 2;
    if ((i + 1) % 2 == 0) { // i odd
      if (half == n + 1) {
        a = n - ll - ceilf - 1;
        b = n + ll + ceilf - 1;
      } else {
        a = half - 1 - ll - roundf - 1;
        b = half + ll - 1 + ceilf - 1;
      }
    } else {
      a = half - 1 - ll - 1;
      b = half + ll + roundf - 1;
    }
  }
  j1 = std::max<std::int64_t>(a + 2, 0);
  j2 = std::min<std::int64_t>(b, n);
}

template <class>
double kolmogn_pomeranz_cdf(std::int64_t n, double x) {
  const double nd = static_cast<double>(n);
  const double t = nd * x;
  const auto ll = static_cast<std::int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const std::int64_t ceilf = f > 0.0 ? 1 : 0;
  const std::int64_t roundf = f > 0.5 ? 1 : 0;
  const auto npwrs = static_cast<std::size_t>(2 * (ll + 1));
  std::vector<double> gpower(npwrs);
  std::vector<double> twogpower(npwrs);
  std::vector<double> onem2gpower(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  const double g_n = g / nd;
  const double twog_n = 2.0 * g / nd;
  const double onem2g_n = (1.0 - 2.0 * g) / nd;
  for (std::size_t m = 1; m < npwrs; ++m) {
    const auto md = static_cast<double>(m);
    gpower[m] = gpower[m - 1] * g_n / md;
    twogpower[m] = twogpower[m - 1] * twog_n / md;
    onem2gpower[m] = onem2gpower[m - 1] * onem2g_n / md;
  }
  std::vector<double> v0(npwrs, 0.0);
  std::vector<double> v1(npwrs, 0.0);
  v1[0] = 1.0;
  std::int64_t v0s = 0;
  std::int64_t v1s = 0;
  long expnt = 0;
  std::int64_t j1 = 0;
  std::int64_t j2 = 0;
  pomeranz_bounds(0, n, ll, ceilf, roundf, j1, j2);
  const auto len = static_cast<std::int64_t>(npwrs);
  for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
    const std::int64_t k1 = j1;
    v0.swap(v1);
    std::swap(v0s, v1s);
    std::fill(v1.begin(), v1.end(), 0.0);
    pomeranz_bounds(i, n, ll, ceilf, roundf, j1, j2);
    const std::vector<double>& pw =
        (i == 1 || i == 2 * n + 1) ? gpower : ((i % 2) != 0 ? twogpower : onem2gpower);
    const std::int64_t ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // seg = v0[k1 − v0s, k1 − v0s + ln2) (clipped to the array), convolved
      // with pw[0, ln2); keep entries [j1 − k1, j2 − k1].
      const std::int64_t seg_begin = k1 - v0s;
      const std::int64_t seg_len =
          std::max<std::int64_t>(0, std::min<std::int64_t>(ln2, len - seg_begin));
      const std::int64_t conv_len_total = seg_len + ln2 - 1;
      const std::int64_t conv_start = j1 - k1;
      const std::int64_t conv_len = j2 - j1 + 1;
      double vmax = 0.0;
      for (std::int64_t c = 0; c < conv_len && conv_start + c < conv_len_total && c < len; ++c) {
        const std::int64_t idx = conv_start + c;
        double s = 0.0;
        const std::int64_t lo = std::max<std::int64_t>(0, idx - (ln2 - 1));
        const std::int64_t hi = std::min<std::int64_t>(idx, seg_len - 1);
        for (std::int64_t a = lo; a <= hi; ++a) {
          s += v0[static_cast<std::size_t>(seg_begin + a)] * pw[static_cast<std::size_t>(idx - a)];
        }
        v1[static_cast<std::size_t>(c)] = s;
        vmax = std::max(vmax, s);
      }
      if (0.0 < vmax && vmax < ks_two_m128) {
        for (double& e : v1) {
          e *= ks_two_128;
        }
        expnt -= 128;
      }
      v1s = v0s + j1 - k1;
    }
  }
  double ans = v1[static_cast<std::size_t>(n - v1s)];
  for (std::int64_t m = 1; m <= n; ++m) {
    if (std::fabs(ans) > ks_two_128) {
      ans *= ks_two_m128;
      expnt += 128;
    }
    ans *= static_cast<double>(m);
  }
  if (expnt != 0) {
    ans = std::ldexp(ans, static_cast<int>(expnt));
  }
  return clip01(ans);
}

template <class>
double kolmogn_pelz_good_cdf(std::int64_t n, double x) noexcept {
  if (x <= 0.0) {
    return 0.0;
  }
  if (x >= 1.0) {
    return 1.0;
  }
  const double pi2 = ks_pi * ks_pi;
  const double pi4 = pi2 * pi2;
  const double pi6 = pi4 * pi2;
  const double sqrt2pi = std::sqrt(2.0 * ks_pi);
  const double z = std::sqrt(static_cast<double>(n)) * x;
  const double z2 = std::pow(z, 2);
  const double z3 = std::pow(z, 3);
  const double z4 = std::pow(z, 4);
  const double z6 = std::pow(z, 6);
  const double qlog = -pi2 / 8.0 / z2;
  if (qlog < -708.0) {
    return 0.0;
  }
  double q = std::exp(qlog);
  const double k1a = -z2;
  const double k1b = pi2 / 4.0;
  const double k2a = 6.0 * z6 + 2.0 * z4;
  const double k2b = (2.0 * z4 - 5.0 * z2) * pi2 / 4.0;
  const double k2c = pi4 * (1.0 - 2.0 * z2) / 16.0;
  const double k3d = pi6 * (5.0 - 30.0 * z2) / 64.0;
  const double k3c = pi4 * (-60.0 * z2 + 212.0 * z4) / 16.0;
  const double k3b = pi2 * (135.0 * z4 - 96.0 * z6) / 4.0;
  const double k3a = -30.0 * z6 - 90.0 * std::pow(z, 8);
  double kk[4] = {0.0, 0.0, 0.0, 0.0};
  const auto maxk = static_cast<long>(std::ceil(16.0 * z / ks_pi));
  for (long k = maxk; k > 0; --k) {
    const auto m = static_cast<double>(2 * k - 1);
    const double m2 = std::pow(m, 2);
    const double m4 = std::pow(m, 4);
    const double m6 = std::pow(m, 6);
    const double qpower = std::pow(q, static_cast<double>(8 * k));
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) {
      kk[i] = kk[i] * qpower + coeffs[i];
    }
  }
  const double denom[4] = {z, 6.0 * z4, 72.0 * std::pow(z, 7), 6480.0 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) {
    kk[i] = kk[i] * q * sqrt2pi / denom[i];
  }
  q = std::exp(-pi2 / 2.0 / z2);
  const double sqrt3z = std::sqrt(3.0) * z;
  double k2extra = 0.0;
  double k3extra = 0.0;
  for (long k = maxk; k > 0; --k) {
    const auto kd = static_cast<double>(k);
    const double ksq = kd * kd;
    const double qp = std::pow(q, ksq);
    const double kspi = ks_pi * kd;
    k2extra += ksq * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
  }
  k2extra *= pi2 * sqrt2pi / (-36.0 * z3);
  k3extra *= pi2 * sqrt2pi / (216.0 * z6);
  kk[2] += k2extra;
  kk[3] += k3extra;
  const double nd = static_cast<double>(n);
  double total = 0.0;
  for (int i = 0; i < 4; ++i) {
    total += kk[i] / std::pow(nd, static_cast<double>(i) / 2.0);
  }
  return total;
}

template <class>
double kolmogn(std::int64_t n, double x, bool cdf) {
  if (n <= 0) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x >= 1.0) {
    return select_clip(cdf, 1.0, 0.0);
  }
  if (x <= 0.0) {
    return select_clip(cdf, 0.0, 1.0);
  }
  const double nd = static_cast<double>(n);
  const double t = nd * x;
  if (t <= 1.0) { // Ruben–Gambino: 1/(2n) ≤ x ≤ 1/n
    if (t <= 0.5) {
      return select_clip(cdf, 0.0, 1.0);
    }
    double prob = 0.0;
    if (n <= 140) {
      prob = 1.0;
      for (std::int64_t i = 1; i <= n; ++i) {
        prob *= static_cast<double>(i) * (1.0 / nd) * (2.0 * t - 1.0);
      }
    } else {
      prob = std::exp(log_factorial_over_power(nd) + nd * std::log(2.0 * t - 1.0));
    }
    return select_clip(cdf, prob, 1.0 - prob);
  }
  if (t >= nd - 1.0) { // Ruben–Gambino
    const double prob = 2.0 * std::pow(1.0 - x, nd);
    return select_clip(cdf, 1.0 - prob, prob);
  }
  if (x >= 0.5) { // exact: twice the one-sided tail
    const double prob = 2.0 * smirnov_sf_impl(n, x);
    return select_clip(cdf, 1.0 - prob, prob);
  }
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) {
      const double prob = kolmogn_durbin_cdf(n, x);
      return select_clip(cdf, prob, 1.0 - prob);
    }
    if (nxsquared <= 4.0) {
      const double prob = kolmogn_pomeranz_cdf(n, x);
      return select_clip(cdf, prob, 1.0 - prob);
    }
    const double prob = 2.0 * smirnov_sf_impl(n, x);
    return select_clip(cdf, 1.0 - prob, prob);
  }
  if (!cdf) {
    if (nxsquared >= 370.0) {
      return 0.0;
    }
    if (nxsquared >= 2.2) {
      return clip01(2.0 * smirnov_sf_impl(n, x));
    }
  }
  double cdfprob = 0.0;
  if (nxsquared >= 18.0) {
    cdfprob = 1.0;
  } else if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4) {
    cdfprob = kolmogn_durbin_cdf(n, x);
  } else {
    cdfprob = kolmogn_pelz_good_cdf(n, x);
  }
  return select_clip(cdf, cdfprob, 1.0 - cdfprob);
}

template <class>
double kstwo(double d, double n, bool cdf) {
  if (std::isnan(n) || std::isnan(d) || n < 1.0 || n != std::floor(n) || std::isinf(n)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (d <= 0.5 / n) {
    return cdf ? 0.0 : 1.0;
  }
  if (d >= 1.0) {
    return cdf ? 1.0 : 0.0;
  }
  return kolmogn(static_cast<std::int64_t>(n), d, cdf);
}

} // namespace mlguard::stats::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_DETAIL_KOLMOGOROV_IMPL_HPP

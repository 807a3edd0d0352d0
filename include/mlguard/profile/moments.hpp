#ifndef MLGUARD_PROFILE_MOMENTS_HPP
#define MLGUARD_PROFILE_MOMENTS_HPP

// The running count, mean and sum of squared deviations of a profile's
// finite values: Welford's update, Chan's merge, and a power-of-two scale
// that keeps both finite for any finite input.
//
// Why a scale: near ±1.8e308 the difference of two values, and any squared
// deviation past ±1.3e154, overflows; plain Welford then turns into inf and
// NaN. The moments keep their values divided by 2^e, with e = 0 until a
// value beyond 2^476 (≈ 2e143) arrives, and grow e only then (rescaling the
// mean and m2 by exact powers of two). IEEE arithmetic commutes with a
// power-of-two scale, so the result equals what the same arithmetic would
// give in a double with unlimited exponent, bit for bit, and is bit for bit
// today's for data within ±2^476. Only values below 2^(e−1022) lose bits
// (they turn subnormal once scaled), an absolute error below 2^(e−1074),
// nothing next to the values that made e grow.
//
// The mean is always finite. m2 is exact even when it exceeds DBL_MAX
// (the values {−1e308, 1e308} have m2 = 2e616): m2() then rounds to +inf,
// m2_parts() gives it as significand × 2^exponent, which profiles save, so
// what save writes load reads back and merges exactly. A variance is +inf
// only when the true variance exceeds DBL_MAX.

#include <cmath>
#include <cstdint>
#include <limits>

#include "mlguard/core/compiled.hpp"

namespace mlguard::profile {

/// The sum of squared deviations as significand × 2^exponent (see
/// moments::m2_parts).
struct m2_parts {
  double significand = 0.0;
  int exponent = 0;
};

/// Count, mean and sum of squared deviations (m2) of a set of finite
/// numbers, updated by Welford's algorithm and combined by the pairwise
/// formula of Chan, Golub & LeVeque (1979), so that merging partial results
/// equals one pass over all of them up to rounding (≈1e-15 relative). Any
/// finite input gives a finite mean and an exact m2 (see the header comment
/// for the scale that makes this so). Not synchronised. Never allocates or throws.
template <class = void> // deferred: see core/json.hpp
class basic_moments {
public:
  /// Values with |x| ≤ 2^scale_free_exponent are added unscaled.
  static constexpr int scale_free_exponent = 476;

  /// The scale exponent e (values are kept as x / 2^e) for values up to
  /// |max_abs|: 0 up to 2^476, then the least e with |max_abs| / 2^e ≤ 2^476.
  static int exponent_for(double max_abs) noexcept;

  /// Moments of `n` values whose mean is `mean` × 2^e and whose m2 is `m2` ×
  /// 4^e, e = `exponent` ≥ 0: how the batch path hands over a block it
  /// summed scaled. `mean` must be within 2^477 and `m2` finite.
  static basic_moments from_scaled(std::uint64_t n, double mean, double m2, int exponent) noexcept;

  /// Moments of `n` values with mean `mean` (finite) and m2 = `m2_significand`
  /// × 2^`m2_exponent` (≥ 0, +inf for profiles mlguard wrote before m2_parts
  /// existed), whose largest magnitude is `max_abs`: what a loader reads back.
  /// The scale is the one the values would have given, so a loaded profile
  /// continues bit for bit as the saved one would have.
  static basic_moments from_parts(std::uint64_t n, double mean, double m2_significand,
                                  int m2_exponent, double max_abs) noexcept;

  /// Welford's update with one finite value; NaN and ±inf are ignored
  /// (profiles count them apart).
  void add(double x) noexcept;

  /// Chan et al.'s combination with the moments of a disjoint set.
  void merge(const basic_moments& other) noexcept;

  /// The number of values.
  std::uint64_t count() const noexcept { return n_; }

  /// The mean (0 without values): always finite.
  double mean() const noexcept;

  /// The sum of squared deviations from the mean; +inf when it exceeds
  /// DBL_MAX (m2_parts() still has it).
  double m2() const noexcept { return std::ldexp(m2_, 2 * exponent_); }

  /// m2 exactly, as significand × 2^exponent: exponent 0 and significand
  /// m2() when m2 ≤ DBL_MAX; otherwise the significand in [2^1023, 2^1024)
  /// and exponent ≥ 1 (unique, so equal moments write equal documents).
  /// A loaded m2 of +inf (older documents) stays {+inf, 0}.
  m2_parts parts() const noexcept;

  /// m2 / (count − ddof): the population variance for ddof 0 (numpy.var's
  /// default), the sample variance for ddof 1; NaN when count ≤ ddof. +inf
  /// only when the true variance exceeds DBL_MAX.
  double variance(std::uint64_t ddof = 0) const noexcept;

  /// The scale exponent e in use (0 for data within ±2^476).
  int exponent() const noexcept { return exponent_; }

  /// Same count, mean and m2 (whatever the scales they are kept at).
  friend bool operator==(const basic_moments& a, const basic_moments& b) noexcept {
    if (a.n_ != b.n_ || a.mean() != b.mean()) {
      return false;
    }
    const m2_parts pa = a.parts();
    const m2_parts pb = b.parts();
    return pa.significand == pb.significand && pa.exponent == pb.exponent;
  }
  friend bool operator!=(const basic_moments& a, const basic_moments& b) noexcept {
    return !(a == b);
  }

private:
  static constexpr double limit() noexcept { return 0x1p476; }

  void set_exponent(int e) noexcept;

  // Grows the scale to 2^e (e > exponent_), exactly but for subnormals.
  void rescale(int e) noexcept;

  std::uint64_t n_ = 0;
  double mean_ = 0.0; // the mean / 2^exponent_
  double m2_ = 0.0;   // m2 / 4^exponent_
  int exponent_ = 0;
  double inverse_scale_ = 1.0; // 2^-exponent_
  double bound_ = 0x1p476;     // values past 2^(476 + exponent_) grow the scale
};

/// The type to name (a class template only so that its bodies compile where used).
using moments = basic_moments<>;

} // namespace mlguard::profile

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

namespace mlguard::profile {

template <class V>
MLGUARD_INLINE auto basic_moments<V>::exponent_for(double max_abs) noexcept -> int {
  max_abs = std::fabs(max_abs);
  if (!(max_abs > limit())) {
    return 0;
  }
  return std::ilogb(max_abs) - (scale_free_exponent - 1);
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::from_scaled(std::uint64_t n, double mean, double m2,
                                                  int exponent) noexcept -> basic_moments {
  basic_moments m;
  if (n == 0) {
    return m;
  }
  m.n_ = n;
  m.mean_ = mean;
  m.m2_ = m2;
  m.set_exponent(exponent);
  return m;
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::from_parts(std::uint64_t n, double mean,
                                                 double m2_significand, int m2_exponent,
                                                 double max_abs) noexcept -> basic_moments {
  basic_moments m;
  if (n == 0) {
    return m;
  }
  int e = std::max(exponent_for(max_abs), exponent_for(mean));
  // A document's m2 must also leave room for later updates (at most
  // n · 4^(476+1) for honest ones): raise e until it fits below 2^1000.
  if (std::isfinite(m2_significand) && m2_significand > 0.0) {
    const int top = std::ilogb(m2_significand) + m2_exponent;
    if (top - 2 * e >= 1000) {
      e = (top - 999 + 1) / 2; // the least e with top + 1 − 2e ≤ 1000
    }
  }
  m.n_ = n;
  m.mean_ = std::ldexp(mean, -e);
  m.m2_ = std::isfinite(m2_significand) ? std::ldexp(m2_significand, m2_exponent - 2 * e)
                                        : m2_significand;
  m.set_exponent(e);
  return m;
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::add(double x) noexcept -> void {
  if (!(std::fabs(x) <= bound_)) { // rare: past the scale's range, or not finite
    if (!std::isfinite(x)) {
      return;
    }
    rescale(exponent_for(x));
  }
  const double xs = x * inverse_scale_; // exact: a power of two
  ++n_;
  const double delta = xs - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (xs - mean_);
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::merge(const basic_moments& other) noexcept -> void {
  if (other.n_ == 0) {
    return;
  }
  if (n_ == 0) {
    *this = other;
    return;
  }
  double mean_b = other.mean_;
  double m2_b = other.m2_;
  if (other.exponent_ > exponent_) {
    rescale(other.exponent_);
  } else if (other.exponent_ < exponent_) {
    const double f = std::ldexp(1.0, other.exponent_ - exponent_);
    mean_b *= f;
    m2_b = m2_b * f * f;
  }
  const double na = static_cast<double>(n_);
  const double nb = static_cast<double>(other.n_);
  const double total = na + nb;
  const double delta = mean_b - mean_;
  mean_ += delta * (nb / total);
  m2_ += m2_b + delta * delta * (na * nb / total);
  n_ += other.n_;
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::mean() const noexcept -> double {
  const double m = std::ldexp(mean_, exponent_);
  // Rounding can carry the mean of values at ±DBL_MAX one ulp past it.
  return std::isinf(m) ? std::copysign(std::numeric_limits<double>::max(), m) : m;
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::parts() const noexcept -> m2_parts {
  if (!std::isfinite(m2_) || m2_ == 0.0) {
    return {m2_, 0};
  }
  int top = 0;
  const double f = std::frexp(m2_, &top); // m2 = f · 2^(top + 2e), f in [0.5, 1)
  top += 2 * exponent_;
  if (top <= 1024) {
    return {std::ldexp(f, top), 0};
  }
  return {std::ldexp(f, 1024), top - 1024};
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::variance(std::uint64_t ddof) const noexcept -> double {
  if (n_ <= ddof) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return std::ldexp(m2_ / static_cast<double>(n_ - ddof), 2 * exponent_);
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::set_exponent(int e) noexcept -> void {
  exponent_ = e;
  inverse_scale_ = std::ldexp(1.0, -e);
  bound_ = std::ldexp(1.0, scale_free_exponent + e); // +inf once e reaches 548: no more growth
}

template <class V>
MLGUARD_INLINE auto basic_moments<V>::rescale(int e) noexcept -> void {
  if (e <= exponent_) {
    return;
  }
  const double f = std::ldexp(1.0, exponent_ - e);
  mean_ *= f;
  m2_ = m2_ * f * f; // two steps: f² alone may underflow
  set_exponent(e);
}

} // namespace mlguard::profile

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PROFILE_MOMENTS_HPP

#ifndef MLGUARD_DRIFT_ONLINE_DETAIL_PYTHON_RANDOM_HPP
#define MLGUARD_DRIFT_ONLINE_DETAIL_PYTHON_RANDOM_HPP

// CPython's random.Random: the MT19937 generator of Modules/_randommodule.c
// (init_by_array seeding from an integer's 32-bit words, genrand_uint32,
// getrandbits) and Lib/random.py's _randbelow_with_getrandbits and sample(),
// so that KSWIN draws exactly the indices River draws. Not for direct use.

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mlguard/core/compiled.hpp"

namespace mlguard::drift::online::detail {

template <class = void> // deferred: see core/json.hpp
class basic_python_random {
public:
  static constexpr std::size_t n = 624;

  basic_python_random() noexcept { seed(0); }
  explicit basic_python_random(std::uint64_t s) noexcept { seed(s); }

  /// random.seed(s) for a non-negative integer s below 2^64.
  void seed(std::uint64_t s) noexcept;

  /// genrand_uint32: the next 32 random bits.
  std::uint32_t next() noexcept;

  /// random.getrandbits(k) for 1 ≤ k ≤ 32.
  std::uint32_t getrandbits(unsigned k) noexcept { return next() >> (32U - k); }

  /// Random._randbelow_with_getrandbits(bound) for 1 ≤ bound < 2^32.
  std::uint32_t randbelow(std::uint32_t bound) noexcept;

  /// True when Random.sample(range(population), k) uses its "pool" algorithm
  /// (a shrinking list), false for its "set" algorithm (rejection).
  static bool sample_uses_pool(std::size_t population, std::size_t k) noexcept;

  /// Random.sample(range(population), out_size) into `out`, with `scratch`
  /// of at least `population` entries (zero bytes on entry and exit for the
  /// set algorithm, any content for the pool algorithm).
  void sample(std::uint32_t population, std::size_t* out, std::size_t k,
              std::size_t* scratch) noexcept;

  const std::array<std::uint32_t, n>& state() const noexcept { return mt_; }
  std::size_t index() const noexcept { return index_; }
  /// Sets the raw state (index in [0, 624]).
  void set_state(const std::array<std::uint32_t, n>& mt, std::size_t index) noexcept;

private:
  void init_genrand(std::uint32_t s) noexcept;

  void init_by_array(const std::uint32_t* key, std::size_t key_length) noexcept;

  std::array<std::uint32_t, n> mt_{};
  std::size_t index_ = n;
};

/// The type to name (a class template only so that its bodies compile where used).
using python_random = basic_python_random<>;

} // namespace mlguard::drift::online::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::online::detail {

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::seed(std::uint64_t s) noexcept -> void {
  std::uint32_t key[2] = {static_cast<std::uint32_t>(s), static_cast<std::uint32_t>(s >> 32)};
  init_by_array(key, key[1] != 0 ? 2 : 1);
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::next() noexcept -> std::uint32_t {
  constexpr std::uint32_t matrix_a = 0x9908b0dfU;
  constexpr std::uint32_t upper = 0x80000000U;
  constexpr std::uint32_t lower = 0x7fffffffU;
  constexpr std::size_t m = 397;
  if (index_ >= n) {
    auto twist = [&](std::size_t kk, std::size_t next_kk, std::size_t far) {
      const std::uint32_t y = (mt_[kk] & upper) | (mt_[next_kk] & lower);
      mt_[kk] = mt_[far] ^ (y >> 1) ^ ((y & 1U) != 0 ? matrix_a : 0U);
    };
    std::size_t kk = 0;
    for (; kk < n - m; ++kk) {
      twist(kk, kk + 1, kk + m);
    }
    for (; kk < n - 1; ++kk) {
      twist(kk, kk + 1, kk + m - n);
    }
    twist(n - 1, 0, m - 1);
    index_ = 0;
  }
  std::uint32_t y = mt_[index_++];
  y ^= (y >> 11);
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= (y >> 18);
  return y;
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::randbelow(std::uint32_t bound) noexcept
    -> std::uint32_t {
  unsigned k = 0;
  for (std::uint64_t v = bound; v != 0; v >>= 1) {
    ++k;
  }
  std::uint32_t r = getrandbits(k);
  while (r >= bound) {
    r = getrandbits(k);
  }
  return r;
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::sample_uses_pool(std::size_t population,
                                                             std::size_t k) noexcept -> bool {
  double setsize = 21.0;
  if (k > 5) {
    const double e = std::ceil(std::log(static_cast<double>(k * 3)) / std::log(4.0));
    setsize += std::pow(4.0, e);
  }
  return static_cast<double>(population) <= setsize;
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::sample(std::uint32_t population, std::size_t* out,
                                                   std::size_t k, std::size_t* scratch) noexcept
    -> void {
  if (sample_uses_pool(population, k)) {
    for (std::size_t i = 0; i < population; ++i) {
      scratch[i] = i;
    }
    for (std::size_t i = 0; i < k; ++i) {
      const std::uint32_t j = randbelow(population - static_cast<std::uint32_t>(i));
      out[i] = scratch[j];
      scratch[j] = scratch[population - i - 1];
    }
  } else {
    for (std::size_t i = 0; i < k; ++i) {
      std::size_t j = randbelow(population);
      while (scratch[j] != 0) {
        j = randbelow(population);
      }
      scratch[j] = 1;
      out[i] = j;
    }
    for (std::size_t i = 0; i < k; ++i) {
      scratch[out[i]] = 0;
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::set_state(const std::array<std::uint32_t, n>& mt,
                                                      std::size_t index) noexcept -> void {
  mt_ = mt;
  index_ = index;
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::init_genrand(std::uint32_t s) noexcept -> void {
  mt_[0] = s;
  for (std::size_t i = 1; i < n; ++i) {
    mt_[i] = 1812433253U * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + static_cast<std::uint32_t>(i);
  }
  index_ = n;
}

template <class V>
MLGUARD_INLINE auto basic_python_random<V>::init_by_array(const std::uint32_t* key,
                                                          std::size_t key_length) noexcept -> void {
  init_genrand(19650218U);
  std::size_t i = 1;
  std::size_t j = 0;
  for (std::size_t k = (n > key_length ? n : key_length); k != 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1664525U)) + key[j] +
             static_cast<std::uint32_t>(j);
    ++i;
    ++j;
    if (i >= n) {
      mt_[0] = mt_[n - 1];
      i = 1;
    }
    if (j >= key_length) {
      j = 0;
    }
  }
  for (std::size_t k = n - 1; k != 0; --k) {
    mt_[i] = (mt_[i] ^ ((mt_[i - 1] ^ (mt_[i - 1] >> 30)) * 1566083941U)) -
             static_cast<std::uint32_t>(i);
    ++i;
    if (i >= n) {
      mt_[0] = mt_[n - 1];
      i = 1;
    }
  }
  mt_[0] = 0x80000000U;
}

} // namespace mlguard::drift::online::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_ONLINE_DETAIL_PYTHON_RANDOM_HPP

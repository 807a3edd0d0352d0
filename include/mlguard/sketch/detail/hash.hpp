#ifndef MLGUARD_SKETCH_DETAIL_HASH_HPP
#define MLGUARD_SKETCH_DETAIL_HASH_HPP

// Small, well-known integer mixers used by the sketches: a seeded generator
// for KLL's coin flips and 64-bit hashes for the distinct-count sketch.
//
// Why our own and not std::hash or xxHash: std::hash is unspecified (it is the
// identity for integers in libstdc++ and differs between standard libraries),
// so sketches built by two programs would not merge; xxHash would be a third
// dependency. SplitMix64's output function (Steele, Lea & Flood 2014) and
// FNV-1a (Fowler, Noll, Vo) are a few lines each, fully specified, and give the
// same bits on every platform, which is what mergeable, persisted sketches need.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace mlguard::sketch::detail {

/// SplitMix64's finaliser: a bijective 64-bit mixer with full avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/// The golden-ratio increment of SplitMix64.
inline constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;

/// SplitMix64: a tiny, fast, seedable generator whose whole state is one
/// 64-bit word, so a sketch can persist it and resume the same sequence.
struct splitmix64 {
  std::uint64_t state = 0;

  constexpr std::uint64_t next() noexcept {
    state += golden_gamma;
    return mix64(state);
  }
};

/// Hashes a double by its bit pattern; -0.0 hashes as 0.0 (they compare equal).
template <class = void>
std::uint64_t hash_double(double value) noexcept;

/// Hashes bytes: 64-bit FNV-1a, then mix64 so that the low and high bits are
/// both well distributed (FNV-1a alone is weak in the high bits for short keys).
template <class = void>
std::uint64_t hash_bytes(std::string_view bytes) noexcept;

} // namespace mlguard::sketch::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::sketch::detail {

template <class>
std::uint64_t hash_double(double value) noexcept {
  if (value == 0.0) {
    value = 0.0;
  }
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return mix64(bits + golden_gamma);
}

template <class>
std::uint64_t hash_bytes(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h + golden_gamma);
}

} // namespace mlguard::sketch::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SKETCH_DETAIL_HASH_HPP

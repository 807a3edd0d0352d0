#ifndef MLGUARD_PIPELINE_FINGERPRINT_HPP
#define MLGUARD_PIPELINE_FINGERPRINT_HPP

// Content fingerprints for lineage: the registry records a pipeline's
// fingerprint() and its training data's data_fingerprint().
//
// Why xxHash and why only here: the hash must be stable across runs, machines
// and standard libraries (std::hash is not), fast on hundreds of megabytes of
// training data, and well reviewed, so mlguard uses XXH3-128 rather than a
// hand-written hash. xxHash is header-only when XXH_INLINE_ALL is defined (its
// symbols become static inline with an XXH_INLINE_ prefix, so this cannot clash
// with a program linking libxxhash). It is the third dependency of mlguard but
// only this header needs it: the rest of the library, including every other
// pipeline header, still needs only Eigen and nlohmann_json, and
// mlguard/mlguard.hpp includes this header only when <xxhash.h> is available.
// Packages: Debian libxxhash-dev, vcpkg "xxhash", Conan "xxhash/0.8.2"; the
// CMake package adds its include directory to mlguard::mlguard when found.

#if defined(__has_include)
#if !__has_include(<xxhash.h>)
#error                                                                                             \
    "mlguard/pipeline/fingerprint.hpp needs xxHash's header <xxhash.h> (Debian: libxxhash-dev, vcpkg: xxhash, Conan: xxhash/0.8.2)"
#endif
#endif

#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"

namespace mlguard::pipeline {

namespace detail {
template <class = void>
std::string hex128(XXH128_hash_t h) {
  static const char digits[] = "0123456789abcdef";
  std::string out = "xxh3-128:";
  for (std::uint64_t part : {h.high64, h.low64}) {
    for (int shift = 60; shift >= 0; shift -= 4) {
      out.push_back(digits[(part >> shift) & 0xF]);
    }
  }
  return out;
}

template <class = void>
bool little_endian() noexcept {
  const std::uint16_t one = 1;
  unsigned char first = 0;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

// Appends `value` to `out` as 8 little-endian bytes.
template <class = void>
unsigned char* put_le64(unsigned char* out, std::uint64_t value) noexcept {
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<unsigned char>(value >> (8 * i));
  }
  return out + 8;
}
} // namespace detail

/// The XXH3-128 hash of `bytes` (seed 0), as "xxh3-128:" and 32 hex digits
/// (high 64 bits first), the form xxhsum -H2 prints.
template <class = void>
std::string fingerprint_bytes(const std::string& bytes) {
  return detail::hex128(XXH3_128bits(bytes.data(), bytes.size()));
}

/// A stable content hash of a fitted pipeline's configuration and parameters
/// (static_pipeline<...>, dynamic_pipeline, or anything with to_json()): XXH3-128 of
/// the compact dump of its document. nlohmann::json sorts object keys and
/// writes each double as its shortest round-trip decimal, so the bytes, and
/// the fingerprint, are the same on every run and machine, equal for a saved
/// and reloaded pipeline, and different after any parameter changes.
/// Throws what p.to_json() throws (pipeline_error mlguard.pipeline.not_fitted),
/// and format_error (mlguard.format.invalid_utf8) when a feature name is not UTF-8.
template <typename Pipeline>
std::string fingerprint(const Pipeline& p) {
  return fingerprint_bytes(dump_json(p.to_json())); // the bytes of json::dump(), checked
}

/// A stable hash of a training matrix: XXH3-128 (seed 0) of the byte string
///     rows as uint64 little-endian, cols as uint64 little-endian,
///     then every value column by column (column-major order, whatever the
///     matrix's storage order) as its IEEE-754 binary64 bits, little-endian.
/// Values are hashed bit for bit: -0.0 differs from 0.0, and NaNs with
/// different payloads differ. Never allocates; works on any Eigen dense
/// expression (row-major matrices and blocks are read without a copy).
template <typename Derived>
std::string data_fingerprint(const Eigen::DenseBase<Derived>& X) {
  XXH3_state_t state;
  XXH3_INITSTATE(&state);
  XXH3_128bits_reset(&state);
  unsigned char header[16];
  detail::put_le64(detail::put_le64(header, static_cast<std::uint64_t>(X.rows())),
                   static_cast<std::uint64_t>(X.cols()));
  XXH3_128bits_update(&state, header, sizeof header);
  constexpr int chunk = 256;
  unsigned char buffer[chunk * 8];
  int used = 0;
  const bool le = detail::little_endian();
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const double v = static_cast<double>(X.derived().coeff(i, j));
      std::uint64_t bits = 0;
      std::memcpy(&bits, &v, sizeof bits);
      if (le) {
        std::memcpy(buffer + 8 * used, &bits, 8);
      } else {
        detail::put_le64(buffer + 8 * used, bits);
      }
      if (++used == chunk) {
        XXH3_128bits_update(&state, buffer, sizeof buffer);
        used = 0;
      }
    }
  }
  XXH3_128bits_update(&state, buffer, static_cast<std::size_t>(used) * 8);
  return detail::hex128(XXH3_128bits_digest(&state));
}

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_FINGERPRINT_HPP

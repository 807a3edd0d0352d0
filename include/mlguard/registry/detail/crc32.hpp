#ifndef MLGUARD_REGISTRY_DETAIL_CRC32_HPP
#define MLGUARD_REGISTRY_DETAIL_CRC32_HPP

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320): the checksum of each journal
// record, equal to zlib's crc32() and Python's zlib.crc32().
//
// Why our own: the library depends on Eigen and nlohmann_json only, so neither zlib nor
// xxHash may be pulled in. A journal record is a few hundred bytes written once and read
// rarely; a table-driven CRC-32 runs at roughly 400 MB/s, far below any cost that
// matters next to an fsync, and it reliably detects what it is for: a torn (partly
// written) last record and bit rot. It is not a cryptographic hash.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mlguard::registry::detail {

inline constexpr std::array<std::uint32_t, 256> crc32_table = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
  return table;
}();

/// The CRC-32 of `data` (zlib.crc32(data) == crc32(data)).
template <class = void>
std::uint32_t crc32(std::string_view data) noexcept;

} // namespace mlguard::registry::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
std::uint32_t crc32(std::string_view data) noexcept {
  std::uint32_t c = 0xFFFFFFFFU;
  for (char ch : data) {
    c = crc32_table[(c ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (c >> 8);
  }
  return c ^ 0xFFFFFFFFU;
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_DETAIL_CRC32_HPP

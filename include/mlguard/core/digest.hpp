#ifndef MLGUARD_CORE_DIGEST_HPP
#define MLGUARD_CORE_DIGEST_HPP

// SHA-256 (FIPS 180-4) content digests, written from the standard so the core
// needs no crypto library: model bundles and registry artifacts are addressed
// by "sha256:<64 hex digits>". Matches Python's hashlib.sha256 and `sha256sum`
// (tests/fixtures/reference/digest.json). Not constant-time: for content
// addressing, not for secrets (no HMAC, no key handling).

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "mlguard/core/compiled.hpp"

namespace mlguard {

/// An incremental SHA-256 hasher: feed bytes with update() in any split, read
/// the digest of everything fed so far with digest() or hex(). A hasher is a
/// value (copy it to fork a stream); it never allocates or throws.
template <class = void> // deferred: see core/json.hpp
class basic_sha256 {
public:
  /// The digest size in bytes.
  static constexpr std::size_t digest_size = 32;
  /// The block size in bytes.
  static constexpr std::size_t block_size = 64;

  /// The 32 bytes of a digest, in the order the standard writes them.
  using digest_type = std::array<std::uint8_t, digest_size>;

  /// Appends `n` bytes at `data` (data may be null when n is 0).
  basic_sha256& update(const void* data, std::size_t n) noexcept;

  /// Appends the bytes of `bytes`.
  basic_sha256& update(std::string_view bytes) noexcept;

  /// The digest of the bytes fed so far. The hasher is unchanged and can go on.
  digest_type digest() const noexcept;

  /// The digest of the bytes fed so far as 64 lower-case hex digits (`sha256sum`'s text).
  std::string hex() const;

  /// The number of bytes fed so far.
  std::uint64_t size() const noexcept { return length_; }

private:
  static constexpr std::uint32_t rotr(std::uint32_t x, int n) noexcept {
    return (x >> n) | (x << (32 - n));
  }

  // One block of the compression function (FIPS 180-4 6.2.2).
  static void compress(std::array<std::uint32_t, 8>& h, const std::uint8_t* block) noexcept;

  // H(0): the first 32 bits of the fractional parts of the square roots of the
  // first 8 primes (FIPS 180-4 5.3.3).
  std::array<std::uint32_t, 8> state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::array<std::uint8_t, block_size> buffer_{};
  std::size_t fill_ = 0;     // bytes waiting in buffer_
  std::uint64_t length_ = 0; // bytes fed in all
};

/// The type to name (a class template only so that its bodies compile where used).
using sha256 = basic_sha256<>;

/// The SHA-256 of `bytes` as 64 lower-case hex digits. Matches
/// `hashlib.sha256(bytes).hexdigest()`.
template <class = void>
std::string sha256_hex(std::string_view bytes);

/// The content digest of `bytes`, "sha256:<64 lower-case hex digits>": the form of a
/// model version's artifact_digest (OCI's digest syntax with the sha256 algorithm).
template <class = void>
std::string content_digest(std::string_view bytes);

/// True when `text` is a content digest as content_digest() writes it: "sha256:"
/// and 64 lower-case hex digits, nothing else.
template <class = void>
bool is_content_digest(std::string_view text) noexcept;

/// The SHA-256 of the file at `path` as 64 lower-case hex digits (`sha256sum`'s
/// text), read in 64 KiB blocks, so a large file is never held in memory.
/// Throws io_error: mlguard.io.open_failed when the file cannot be opened,
/// mlguard.io.read_failed when reading it fails.
template <class = void>
std::string sha256_file(const std::string& path);

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/detail/file.hpp"

namespace mlguard {

template <class V>
MLGUARD_INLINE auto basic_sha256<V>::update(const void* data, std::size_t n) noexcept
    -> basic_sha256& {
  if (n == 0) {
    return *this;
  }
  const auto* p = static_cast<const std::uint8_t*>(data);
  length_ += n;
  if (fill_ > 0) {
    const std::size_t take = n < block_size - fill_ ? n : block_size - fill_;
    std::memcpy(buffer_.data() + fill_, p, take);
    fill_ += take;
    p += take;
    n -= take;
    if (fill_ < block_size) {
      return *this;
    }
    compress(state_, buffer_.data());
    fill_ = 0;
  }
  for (; n >= block_size; n -= block_size, p += block_size) {
    compress(state_, p);
  }
  if (n > 0) {
    std::memcpy(buffer_.data(), p, n);
    fill_ = n;
  }
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_sha256<V>::update(std::string_view bytes) noexcept -> basic_sha256& {
  return update(bytes.data(), bytes.size());
}

template <class V>
MLGUARD_INLINE auto basic_sha256<V>::digest() const noexcept -> digest_type {
  // Padding (FIPS 180-4 5.1.1): a 1 bit, zeros, then the length in bits as a
  // 64-bit big-endian number, so the padded message ends on a block boundary.
  std::array<std::uint32_t, 8> h = state_;
  std::array<std::uint8_t, 2 * block_size> tail{};
  std::memcpy(tail.data(), buffer_.data(), fill_);
  tail[fill_] = 0x80;
  const std::size_t blocks = fill_ + 1 + 8 <= block_size ? 1 : 2;
  const std::uint64_t bits = length_ * 8;
  for (std::size_t i = 0; i < 8; ++i) {
    tail[blocks * block_size - 1 - i] = static_cast<std::uint8_t>(bits >> (8 * i));
  }
  for (std::size_t b = 0; b < blocks; ++b) {
    compress(h, tail.data() + b * block_size);
  }
  digest_type out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(h[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(h[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(h[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(h[i]);
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_sha256<V>::hex() const -> std::string {
  static constexpr char digits[] = "0123456789abcdef";
  const auto d = digest();
  std::string out(2 * digest_size, '0');
  for (std::size_t i = 0; i < digest_size; ++i) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 0xf];
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_sha256<V>::compress(std::array<std::uint32_t, 8>& h,
                                              const std::uint8_t* block) noexcept -> void {
  // K: the first 32 bits of the fractional parts of the cube roots of the
  // first 64 primes (FIPS 180-4 4.2.2).
  static constexpr std::uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  // The message schedule W.
  std::uint32_t w[64];
  for (int t = 0; t < 16; ++t) {
    const std::uint8_t* b = block + 4 * t;
    w[t] = std::uint32_t{b[0]} << 24 | std::uint32_t{b[1]} << 16 | std::uint32_t{b[2]} << 8 |
           std::uint32_t{b[3]};
  }
  for (int t = 16; t < 64; ++t) {
    const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  std::uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];
  for (int t = 0; t < 64; ++t) {
    const std::uint32_t big_s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
    const std::uint32_t ch = (e & f) ^ (~e & g);
    const std::uint32_t t1 = hh + big_s1 + ch + k[t] + w[t];
    const std::uint32_t big_s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
    const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
    const std::uint32_t t2 = big_s0 + maj;
    hh = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += hh;
}

template <class>
std::string sha256_hex(std::string_view bytes) {
  return sha256().update(bytes).hex();
}

template <class>
std::string content_digest(std::string_view bytes) {
  return "sha256:" + sha256_hex(bytes);
}

template <class>
bool is_content_digest(std::string_view text) noexcept {
  constexpr std::string_view prefix = "sha256:";
  if (text.size() != prefix.size() + 2 * sha256::digest_size ||
      text.substr(0, prefix.size()) != prefix) {
    return false;
  }
  for (const char ch : text.substr(prefix.size())) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
      return false;
    }
  }
  return true;
}

template <class>
std::string sha256_file(const std::string& path) {
  int fd = -1;
  do {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    detail::throw_io("open_failed", "cannot open", path, errno);
  }
  const detail::unique_fd file(fd);
  sha256 hasher;
  std::array<char, 65536> buffer;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      detail::throw_io("read_failed", "cannot read", path, errno);
    }
    if (n == 0) {
      return hasher.hex();
    }
    hasher.update(buffer.data(), static_cast<std::size_t>(n));
  }
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_DIGEST_HPP

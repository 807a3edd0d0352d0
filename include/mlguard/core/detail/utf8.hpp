#ifndef MLGUARD_CORE_DETAIL_UTF8_HPP
#define MLGUARD_CORE_DETAIL_UTF8_HPP

// UTF-8 checks shared by the CSV reader (which checks every byte it reads)
// and the JSON writer (which names the string that is not UTF-8). Not for
// direct use.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mlguard::detail {

/// The length of the well-formed UTF-8 sequence at the start of `s`
/// (Unicode's table 3-7: no overlong forms, no surrogates, nothing above
/// U+10FFFF, no sequence cut short), or 0 when there is none.
template <class = void>
std::size_t utf8_sequence(std::string_view s) noexcept;

/// The offset of the first byte of `s` that does not start a well-formed
/// UTF-8 sequence (see utf8_sequence) or, when `stop_at_nul`, of the first
/// NUL byte; s.size() when there is none. The offset is where Python's
/// bytes.decode("utf-8") reports its error (UnicodeDecodeError.start).
///
/// Eight bytes at a time while they are ASCII (and not NUL), so checking
/// ASCII text costs little more than reading it.
template <class = void>
std::size_t utf8_scan(std::string_view s, bool stop_at_nul) noexcept;

/// True when `s` is well-formed UTF-8.
template <class = void>
bool is_utf8(std::string_view s) noexcept;

/// `s` for an error message: valid UTF-8 as it is, each byte that is not
/// as "\xE9", and at most `max_bytes` of it (then "...").
template <class = void>
std::string utf8_printable(std::string_view s, std::size_t max_bytes = 64);

} // namespace mlguard::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::detail {

template <class>
std::size_t utf8_sequence(std::string_view s) noexcept {
  if (s.empty()) {
    return 0;
  }
  const auto b = static_cast<unsigned char>(s[0]);
  if (b < 0x80) {
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80; // the range of the second byte
  unsigned char hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    lo = b == 0xE0 ? 0xA0 : 0x80; // E0 80..9F would be overlong
    hi = b == 0xED ? 0x9F : 0xBF; // ED A0..BF would be a surrogate
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    lo = b == 0xF0 ? 0x90 : 0x80; // F0 80..8F would be overlong
    hi = b == 0xF4 ? 0x8F : 0xBF; // F4 90.. would be above U+10FFFF
  } else {
    return 0; // a continuation byte, C0, C1 or F5..FF
  }
  if (s.size() < len) {
    return 0;
  }
  const auto second = static_cast<unsigned char>(s[1]);
  if (second < lo || second > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < len; ++k) {
    if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) {
      return 0;
    }
  }
  return len;
}

template <class>
std::size_t utf8_scan(std::string_view s, bool stop_at_nul) noexcept {
  constexpr std::uint64_t high = 0x8080808080808080ULL;
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (n - i >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, s.data() + i, 8);
      // Some byte is >= 0x80, or (the classic exact test) some byte is zero.
      const std::uint64_t zero = stop_at_nul ? (w - ones) & ~w & high : 0;
      if (((w & high) | zero) == 0) {
        i += 8;
        continue;
      }
    }
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if (b == 0 && stop_at_nul) {
        return i;
      }
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(s.substr(i));
    if (len == 0) {
      return i;
    }
    i += len;
  }
  return n;
}

template <class>
bool is_utf8(std::string_view s) noexcept {
  return utf8_scan(s, false) == s.size();
}

template <class>
std::string utf8_printable(std::string_view s, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size() && out.size() < max_bytes) {
    const std::size_t len = utf8_sequence(s.substr(i));
    if (len == 0) {
      static constexpr char hex[] = "0123456789ABCDEF";
      const auto b = static_cast<unsigned char>(s[i]);
      out.append("\\x").push_back(hex[b >> 4]);
      out.push_back(hex[b & 0xF]);
      ++i;
    } else {
      out.append(s.substr(i, len));
      i += len;
    }
  }
  if (i < s.size()) {
    out.append("...");
  }
  return out;
}

} // namespace mlguard::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_DETAIL_UTF8_HPP

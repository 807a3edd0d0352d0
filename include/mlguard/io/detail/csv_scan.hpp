#ifndef MLGUARD_IO_DETAIL_CSV_SCAN_HPP
#define MLGUARD_IO_DETAIL_CSV_SCAN_HPP

// The CSV reader's building blocks: the scan for the next structural byte
// (16 bytes at a time with SSE2), the category dictionary, the column
// builders and the error texts. io/csv_reader.hpp is the API.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define MLGUARD_IO_SSE2 1
#endif

#include "mlguard/core/detail/utf8.hpp"
#include "mlguard/core/table.hpp"

namespace mlguard::io::detail {

/// Buffers keep this many readable bytes past their end, so a 16-byte load
/// that starts before the end never leaves the allocation.
inline constexpr std::size_t csv_padding = 64;

/// The structural bytes of an unquoted field: the delimiter, CR, LF and, in
/// strict mode, the quote (which is then an error).
struct csv_specials {
  char delimiter = ',';
  bool strict = false;
#ifdef MLGUARD_IO_SSE2
  __m128i d, cr, lf, q;
#endif
  bool table[256] = {};

  csv_specials() = default;
  csv_specials(char delim, bool strict_quotes) : delimiter(delim), strict(strict_quotes) {
#ifdef MLGUARD_IO_SSE2
    d = _mm_set1_epi8(delim);
    cr = _mm_set1_epi8('\r');
    lf = _mm_set1_epi8('\n');
    q = _mm_set1_epi8(strict ? '"' : delim); // not strict: the delimiter twice
#endif
    table[static_cast<unsigned char>(delim)] = true;
    table[static_cast<unsigned char>('\r')] = true;
    table[static_cast<unsigned char>('\n')] = true;
    if (strict) {
      table[static_cast<unsigned char>('"')] = true;
    }
  }

  /// The offset of the first structural byte of b[p, limit), or limit.
  /// b must be readable up to limit + csv_padding.
  std::size_t find(const char* b, std::size_t p, std::size_t limit) const noexcept {
#ifdef MLGUARD_IO_SSE2
    while (p < limit) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + p));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, cr)),
                                       _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, q)));
      const auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
      if (mask != 0) {
        const std::size_t at = p + static_cast<std::size_t>(__builtin_ctz(mask));
        return at < limit ? at : limit;
      }
      p += 16;
    }
    return limit;
#else
    while (p < limit && !table[static_cast<unsigned char>(b[p])]) {
      ++p;
    }
    return p;
#endif
  }
};

/// One field of the record being read: offsets into the reader's buffer.
struct csv_span {
  std::size_t begin = 0; // first byte of the content (after an opening quote)
  std::size_t end = 0;   // one past the content (before a closing quote)
  bool quoted = false;
  bool escaped = false; // holds "" pairs, to be read as one quote each
  bool parsed = false;  // `value` holds the field as a number (the scan parsed it)
  double value = 0;
};

/// True when `delim` may follow a number that std::from_chars reads, so
/// that a number's end is the field's end: no character of a number
/// (digits, letters of inf and nan, . + - ( ) _) is the delimiter.
template <class = void>
bool csv_numbers_end_at(char delim) noexcept;

/// Category strings to dense codes in order of first sight: an open-addressing
/// hash table of codes. Looking up a known string does not allocate.
class csv_string_codes {
public:
  /// The code of `s`, adding it when new.
  std::int32_t code(std::string_view s) {
    if (slots_.empty()) {
      rehash(64);
    }
    const std::size_t h = std::hash<std::string_view>{}(s);
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const std::int32_t c = slots_[i];
      if (c < 0) {
        const auto code = static_cast<std::int32_t>(names_.size());
        names_.emplace_back(s);
        hashes_.push_back(h);
        slots_[i] = code;
        if (names_.size() * 2 > slots_.size()) {
          rehash(slots_.size() * 2);
        }
        return code;
      }
      const auto k = static_cast<std::size_t>(c);
      if (hashes_[k] == h && names_[k] == s) {
        return c;
      }
    }
  }

  std::size_t size() const noexcept { return names_.size(); }

  /// The strings by code; the dictionary is empty afterwards.
  std::vector<std::string> take_names() {
    std::vector<std::string> out = std::move(names_);
    names_.clear();
    hashes_.clear();
    slots_.clear();
    return out;
  }

private:
  void rehash(std::size_t size) {
    slots_.assign(size, -1);
    const std::size_t mask = size - 1;
    for (std::size_t k = 0; k < hashes_.size(); ++k) {
      std::size_t i = hashes_[k] & mask;
      while (slots_[i] >= 0) {
        i = (i + 1) & mask;
      }
      slots_[i] = static_cast<std::int32_t>(k);
    }
  }

  std::vector<std::string> names_;
  std::vector<std::size_t> hashes_;
  std::vector<std::int32_t> slots_;
};

/// How a column is being built.
enum class csv_build { undecided, numeric, categorical };

/// The cells of one column of the chunk being read. An undecided column
/// (the first chunk, kind not declared) keeps its cells' text in one arena
/// and parses them as numbers while they all are; the first chunk's end
/// decides (csv_reader::decide_kinds).
struct csv_column_builder {
  csv_build state = csv_build::undecided;
  std::size_t field = 0; // position in the header
  std::vector<double> values;
  std::vector<std::int32_t> codes;
  csv_string_codes dictionary;
  std::string arena;             // undecided: the cells' text, back to back
  std::vector<std::size_t> ends; // undecided: where each cell ends in arena
  bool all_numbers = true;       // undecided: every non-empty cell so far parsed
};

/// Appends `text` to `out` with each "" read as one quote (runs between
/// quotes are copied whole).
template <class = void>
void csv_unescape_append(std::string_view text, std::string& out);

/// `text` with each "" read as one quote, into `out` (reused).
template <class = void>
std::string_view csv_unescape(std::string_view text, std::string& out);

/// A cell's text as csv_cell keeps it: at most 256 bytes, for messages.
template <class = void>
std::string csv_cell_text(std::string_view text);

/// "source:line: ", how every CSV error opens.
template <class = void>
std::string csv_where(std::string_view source, std::uint64_t line);

/// "source:line:column: ".
template <class = void>
std::string csv_where(std::string_view source, std::uint64_t line, std::uint64_t column);

/// The physical line and the column (in characters, as editors count) of
/// offset `at` of `b`, inside the record that starts at offset `record` on
/// line `line`.
template <class = void>
std::pair<std::uint64_t, std::uint64_t>
csv_line_column(const char* b, std::size_t record, std::uint64_t line, std::size_t at) noexcept;

/// The 0-based field of the complete record b[record, end) that holds
/// offset `at` (a slow walk, for error messages only).
template <class = void>
std::size_t csv_field_at(const char* b, std::size_t record, std::size_t at, char delim);

/// The length of the UTF-8 sequence that lead byte `b` starts, or 0 when
/// it starts none.
template <class = void>
std::size_t utf8_lead_length(unsigned char b) noexcept;

} // namespace mlguard::io::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::io::detail {

template <class>
bool csv_numbers_end_at(char delim) noexcept {
  const auto d = static_cast<unsigned char>(delim);
  const bool alnum = (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z');
  return !alnum && delim != '.' && delim != '+' && delim != '-' && delim != '(' && delim != ')' &&
         delim != '_';
}

template <class>
void csv_unescape_append(std::string_view text, std::string& out) {
  std::size_t from = 0;
  for (;;) {
    const std::size_t quote = text.find('"', from);
    if (quote == std::string_view::npos) {
      out.append(text.substr(from));
      return;
    }
    out.append(text.substr(from, quote + 1 - from)); // the first quote of the pair
    from = quote + 2;
  }
}

template <class>
std::string_view csv_unescape(std::string_view text, std::string& out) {
  out.clear();
  csv_unescape_append(text, out);
  return out;
}

template <class>
std::string csv_cell_text(std::string_view text) {
  return text.size() <= 256 ? std::string(text) : std::string(text.substr(0, 256)) + "...";
}

template <class>
std::string csv_where(std::string_view source, std::uint64_t line) {
  return std::string(source) + ":" + std::to_string(line) + ": ";
}

template <class>
std::string csv_where(std::string_view source, std::uint64_t line, std::uint64_t column) {
  return std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

template <class>
std::pair<std::uint64_t, std::uint64_t>
csv_line_column(const char* b, std::size_t record, std::uint64_t line, std::size_t at) noexcept {
  std::size_t line_start = record;
  for (std::size_t i = record; i < at; ++i) {
    if (b[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::uint64_t column = 1;
  for (std::size_t i = line_start; i < at; ++i) {
    column += (static_cast<unsigned char>(b[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  return {line, column};
}

template <class>
std::size_t csv_field_at(const char* b, std::size_t record, std::size_t at, char delim) {
  std::size_t field = 0;
  bool field_start = true;
  bool quoted = false;
  for (std::size_t i = record; i < at; ++i) {
    const char c = b[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < at && b[i + 1] == '"') {
          ++i;
        } else {
          quoted = false;
        }
      }
      continue;
    }
    if (c == '"' && field_start) {
      quoted = true;
      field_start = false;
    } else if (c == delim) {
      ++field;
      field_start = true;
    } else {
      field_start = false;
    }
  }
  return field;
}

template <class>
std::size_t utf8_lead_length(unsigned char b) noexcept {
  if (b >= 0xC2 && b <= 0xDF) {
    return 2;
  }
  if (b >= 0xE0 && b <= 0xEF) {
    return 3;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    return 4;
  }
  return 0;
}

} // namespace mlguard::io::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_IO_DETAIL_CSV_SCAN_HPP

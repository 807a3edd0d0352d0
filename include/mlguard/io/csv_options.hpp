#ifndef MLGUARD_IO_CSV_OPTIONS_HPP
#define MLGUARD_IO_CSV_OPTIONS_HPP

// The vocabulary of CSV reading: how a field parses as a number, and the
// options of parse_csv and read_csv (io/csv.hpp).

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <string_view>
#include <system_error>

namespace mlguard::io {

/// Parses one CSV number field exactly (std::from_chars, round-trip exact).
/// Accepts surrounding spaces/tabs, a leading '+', "inf"/"infinity" and
/// "nan" in any case. Returns false when the field is not entirely a number.
/// An empty field is not a number (it is a missing value; see read_csv).
inline bool parse_number(std::string_view field, double& out) noexcept {
  while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) {
    field.remove_prefix(1);
  }
  while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) {
    field.remove_suffix(1);
  }
  if (field.size() > 1 && field.front() == '+' && field[1] != '-' && field[1] != '+') {
    field.remove_prefix(1);
  }
  if (field.empty()) {
    return false;
  }
  const char* first = field.data();
  const char* last = first + field.size();
  const auto result = std::from_chars(first, last, out);
  if (result.ec == std::errc::result_out_of_range) {
    // from_chars leaves `out` untouched on overflow/underflow; strtod's answer
    // (±HUGE_VAL or the nearest denormal/zero) is what Python's float() gives.
    out = std::strtod(std::string(field).c_str(), nullptr);
    return true;
  }
  return result.ec == std::errc() && result.ptr == last;
}

/// How parse_csv and read_csv decode the bytes of a CSV file.
enum class csv_encoding {
  /// UTF-8, the default. A byte sequence that is not UTF-8 is an error
  /// (mlguard.io.invalid_utf8) and a byte-order mark at the start is skipped
  /// (as Python's "utf-8-sig" codec and pandas do).
  utf8,
  /// ISO-8859-1: each byte is one character, U+0000..U+00FF, which the table
  /// holds as UTF-8 ("caf\xE9" reads as "café"). Every byte sequence is
  /// valid, and bytes EF BB BF at the start are the characters "ï»¿".
  latin1,
};

/// Options of parse_csv and read_csv.
struct csv_options {
  /// The field separator: an ASCII character other than '"', CR, LF and NUL.
  char delimiter = ',';
  /// How bytes are decoded (see csv_encoding).
  csv_encoding encoding = csv_encoding::utf8;
  /// RFC 4180 to the letter: a quote inside an unquoted field, as in
  /// `37°36'37.8"N`, is an error (mlguard.io.csv_bad_quote). When false (the
  /// default) that quote is an ordinary character, as Python's csv module and
  /// pandas read it.
  bool strict = false;
  /// The most columns a header may have; more is an error
  /// (mlguard.io.csv_too_many_columns). Fields past it are counted, never
  /// stored, so one malformed line of millions of fields costs no memory.
  /// Building a table costs time that grows with the square of its width
  /// (20 000 columns read in about 0.6 s, 100 000 in 20 s), hence the default.
  std::size_t max_columns = 20000;
};

} // namespace mlguard::io

#endif // MLGUARD_IO_CSV_OPTIONS_HPP

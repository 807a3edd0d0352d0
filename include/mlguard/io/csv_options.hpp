#ifndef MLGUARD_IO_CSV_OPTIONS_HPP
#define MLGUARD_IO_CSV_OPTIONS_HPP

// The vocabulary of CSV reading: how a field parses as a number, and the
// options of csv_reader (io/csv_reader.hpp), parse_csv and read_csv (io/csv.hpp).

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace mlguard::io {

/// Parses one CSV number field exactly (std::from_chars, round-trip exact).
/// Accepts surrounding spaces/tabs, a leading '+', "inf"/"infinity" and
/// "nan" in any case. Returns false when the field is not entirely a number.
/// An empty field is not a number (it is a missing value; see read_csv).
template <class = void>
bool parse_number(std::string_view field, double& out) noexcept;

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

/// What csv_reader does with a non-empty cell that is not a number
/// (parse_number) in a numeric column: one whose kind was declared numeric
/// (csv_reader::set_kind) or inferred from the first chunk of rows.
enum class csv_non_numbers {
  /// An error (mlguard.io.csv_not_a_number) naming the file, line, column
  /// number, column name and the cell's text. The default: a stray "N/A"
  /// in row 900 000 is reported where it is, not as a categorical column.
  error,
  /// The cell reads as missing (NaN) and is counted
  /// (csv_column_info::non_numbers, with the first one's place).
  missing,
};

/// Options of csv_reader, parse_csv and read_csv.
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
  /// The rows of one chunk (csv_reader::next), at least 1. The first chunk
  /// also decides the kinds of the columns not declared (a column is
  /// numeric when all its non-empty cells in that chunk are numbers), so
  /// read_csv and parse_csv infer kinds from the first chunk_rows rows too.
  std::size_t chunk_rows = 65536;
  /// What a non-number in a numeric column does (see csv_non_numbers).
  csv_non_numbers non_numbers = csv_non_numbers::error;
  /// Record the physical line on which each row starts
  /// (csv_reader::row_lines()), for messages that point back into the file
  /// (a rejected row, an anomaly): 8 bytes per row of a chunk.
  bool row_lines = false;
};

} // namespace mlguard::io

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::io {

template <class>
bool parse_number(std::string_view field, double& out) noexcept {
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
    // strtod needs a terminated copy: on the stack for any field that is a
    // plausible number, so the reader's per-cell path does not allocate.
    char copy[64];
    if (field.size() < sizeof copy) {
      std::memcpy(copy, field.data(), field.size());
      copy[field.size()] = '\0';
      out = std::strtod(copy, nullptr);
    } else {
      out = std::strtod(std::string(field).c_str(), nullptr);
    }
    return true;
  }
  return result.ec == std::errc() && result.ptr == last;
}

} // namespace mlguard::io

#endif // MLGUARD_COMPILED
#endif // MLGUARD_IO_CSV_OPTIONS_HPP

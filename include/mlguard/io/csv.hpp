#ifndef MLGUARD_IO_CSV_HPP
#define MLGUARD_IO_CSV_HPP

// CSV reading for the CLI and examples: RFC 4180 read as Python's csv
// module reads it, UTF-8 checked (or Latin-1 decoded) as it is read, and
// bounded on malformed input (see parse_csv). Not part of the umbrella
// header: services hand mlguard tables or matrices, not files.

#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/io/csv_options.hpp"
#include "mlguard/io/detail/csv_parser.hpp"

namespace mlguard::io {

/// Parses CSV text into a table. The first record is the header.
///
/// The dialect is RFC 4180's, read as Python's csv module reads it:
/// - quoted fields may hold delimiters, line breaks and doubled quotes (`""`);
///   text after a closing quote (`"x"y`) is an error (Python would read `xy`);
/// - a quote inside an unquoted field (`37°36'37.8"N`) is a literal
///   character, unless options.strict;
/// - records end with CRLF, LF or a lone CR; blank lines are skipped; the
///   last record needs no line end.
///
/// Text: UTF-8 by default, every byte checked (an invalid one is an error
/// naming its line, column and field); a leading UTF-8 byte-order mark is
/// skipped. options.encoding = latin1 decodes each byte as one character
/// instead. A NUL byte is an error in either encoding: CSV is text, and NUL
/// is what a binary or UTF-16 file shows (Python's csv module reads it,
/// pandas cuts the field at it; neither is a safe guess).
///
/// Kinds: a column whose non-empty fields all parse as numbers
/// (parse_number) is numeric, with empty fields and "nan" as NaN (missing);
/// any other column is categorical, with empty fields as missing_code. A
/// column with no non-empty field is numeric and all missing.
///
/// `source` names the input in errors, which read `source:line: ...` or
/// `source:line:column: ...`. Throws io_error: mlguard.io.csv_empty (no
/// header), csv_ragged_row (a record with another number of fields than the
/// header), csv_bad_quote, csv_duplicate_column, csv_too_many_columns
/// (options.max_columns), invalid_utf8, csv_nul_byte; argument_error
/// (mlguard.argument.invalid_option) for a delimiter that cannot be one or
/// max_columns 0.
/// Memory: the fields are held as strings, then as the table's columns.
inline table parse_csv(std::string_view text, std::string_view source = "<csv>",
                       const csv_options& options = {}) {
  std::string decoded;
  const std::string_view view = detail::csv_decode(text, options, decoded);
  return detail::csv_table(detail::csv_split(view, source, options));
}

/// Reads a CSV file into a table (see parse_csv for the rules). The file's
/// bytes are released before the columns are built, so a file of N bytes
/// peaks near 2N plus the table (a 100 MB field: about 200 MB).
/// Throws io_error (mlguard.io.open_failed, read_failed) when the file
/// cannot be read, and parse_csv's errors naming the file and line.
inline table read_csv(const std::string& path, const csv_options& options = {}) {
  std::string raw = ::mlguard::detail::read_file(path);
  std::string decoded;
  const std::string_view view = detail::csv_decode(raw, options, decoded);
  if (view.data() == decoded.data()) {
    std::string().swap(raw);
  }
  auto records = detail::csv_split(view, path, options);
  std::string().swap(raw);
  std::string().swap(decoded);
  return detail::csv_table(std::move(records));
}

} // namespace mlguard::io

#endif // MLGUARD_IO_CSV_HPP

#ifndef MLGUARD_IO_CSV_HPP
#define MLGUARD_IO_CSV_HPP

// CSV reading for the CLI and examples, a whole input at a time: RFC 4180
// read as Python's csv module reads it, UTF-8 checked (or Latin-1 decoded)
// as it is read, and bounded on malformed input (see parse_csv). Both read
// through csv_reader (io/csv_reader.hpp), which also reads in chunks of
// rows. Not part of the umbrella header: services hand mlguard tables or
// matrices, not files.

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/table.hpp"
#include "mlguard/io/byte_source.hpp"
#include "mlguard/io/csv_options.hpp"
#include "mlguard/io/csv_reader.hpp"

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
/// Kinds: a column whose non-empty fields in the first options.chunk_rows
/// rows (65 536 by default) all parse as numbers (parse_number) is numeric,
/// with empty fields and "nan" as NaN (missing); any other column is
/// categorical, with empty fields as missing_code. A column with no
/// non-empty field there is numeric. A later non-number in a numeric column
/// is an error naming its line and column (csv_not_a_number), or a counted
/// NaN with options.non_numbers = missing (see csv_reader).
///
/// `source` names the input in errors, which read `source:line: ...` or
/// `source:line:column: ...`. Throws io_error: mlguard.io.csv_empty (no
/// header), csv_ragged_row (a record with another number of fields than the
/// header), csv_bad_quote, csv_duplicate_column, csv_too_many_columns
/// (options.max_columns), invalid_utf8, csv_nul_byte, csv_not_a_number;
/// argument_error (mlguard.argument.invalid_option) for a delimiter that
/// cannot be one, max_columns 0 or chunk_rows 0.
/// Memory: the table, the text of the first chunk's cells while their kinds
/// are open, and one block of `text` at a time.
template <class = void>
table parse_csv(std::string_view text, std::string_view source = "<csv>",
                const csv_options& options = {});

/// Reads a CSV file into a table (see parse_csv for the rules); "-" reads
/// standard input. The file is read in blocks of 1 MiB, so memory is the
/// table plus the first chunk's text (a 20 MB file of 1e6 doubles: its 8 MB
/// of values and about 3 MB more). A gzip file is refused
/// (mlguard.io.gzip_unsupported): read_csv(io::open_input(path)) from
/// io/gzip_source.hpp reads it. Throws io_error (mlguard.io.open_failed,
/// read_failed) when the file cannot be read, and parse_csv's errors naming
/// the file and line.
template <class = void>
table read_csv(const std::string& path, const csv_options& options = {});

/// Reads CSV from `source` into a table (see parse_csv for the rules), e.g.
/// read_csv(io::open_input(path)) for a file that may be gzip-compressed.
/// Throws as parse_csv, and the source's errors.
template <class = void>
table read_csv(std::unique_ptr<byte_source> source, const csv_options& options = {});

} // namespace mlguard::io

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::io {

template <class>
table parse_csv(std::string_view text, std::string_view source, const csv_options& options) {
  return csv_reader(std::make_unique<string_source>(text, std::string(source)), options).read_all();
}

template <class>
table read_csv(const std::string& path, const csv_options& options) {
  return csv_reader(path, options).read_all();
}

template <class>
table read_csv(std::unique_ptr<byte_source> source, const csv_options& options) {
  return csv_reader(std::move(source), options).read_all();
}

} // namespace mlguard::io

#endif // MLGUARD_COMPILED
#endif // MLGUARD_IO_CSV_HPP

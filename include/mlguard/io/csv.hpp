#ifndef MLGUARD_IO_CSV_HPP
#define MLGUARD_IO_CSV_HPP

// CSV reading for the CLI and examples (RFC 4180). Not part of the umbrella
// header: services hand mlguard tables or matrices, not files.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "mlguard/core/detail/file.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"

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

/// Options of parse_csv and read_csv.
struct csv_options {
  /// The field separator.
  char delimiter = ',';
};

namespace detail {

struct csv_cursor {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1; // physical line of `pos`, 1-based
};

// Reads one record into `fields`; returns false at the end of input.
// Throws io_error (mlguard.io.csv_bad_quote) on a malformed quoted field.
inline bool next_record(csv_cursor& c, char delim, std::vector<std::string>& fields,
                        std::string_view source) {
  fields.clear();
  if (c.pos >= c.text.size()) {
    return false;
  }
  const std::size_t start_line = c.line;
  std::string field;
  for (;;) {
    field.clear();
    if (c.pos < c.text.size() && c.text[c.pos] == '"') {
      ++c.pos;
      for (;;) {
        if (c.pos >= c.text.size()) {
          throw io_error("csv_bad_quote", std::string(source) + ":" + std::to_string(start_line) +
                                              ": a quoted field is not closed");
        }
        const char ch = c.text[c.pos++];
        if (ch == '"') {
          if (c.pos < c.text.size() && c.text[c.pos] == '"') {
            field.push_back('"');
            ++c.pos;
            continue;
          }
          break;
        }
        if (ch == '\n') {
          ++c.line;
        }
        field.push_back(ch);
      }
      if (c.pos < c.text.size() && c.text[c.pos] != delim && c.text[c.pos] != '\n' &&
          c.text[c.pos] != '\r') {
        throw io_error("csv_bad_quote", std::string(source) + ":" + std::to_string(c.line) +
                                            ": text after the closing quote of a field");
      }
    } else {
      const std::size_t begin = c.pos;
      while (c.pos < c.text.size() && c.text[c.pos] != delim && c.text[c.pos] != '\n' &&
             c.text[c.pos] != '\r') {
        if (c.text[c.pos] == '"') {
          throw io_error("csv_bad_quote", std::string(source) + ":" + std::to_string(c.line) +
                                              ": a quote inside an unquoted field");
        }
        ++c.pos;
      }
      field.assign(c.text.substr(begin, c.pos - begin));
    }
    fields.push_back(field);
    if (c.pos < c.text.size() && c.text[c.pos] == delim) {
      ++c.pos;
      continue;
    }
    // End of record: CRLF, LF, a lone CR, or the end of input.
    if (c.pos < c.text.size() && c.text[c.pos] == '\r') {
      ++c.pos;
    }
    if (c.pos < c.text.size() && c.text[c.pos] == '\n') {
      ++c.pos;
    }
    ++c.line;
    return true;
  }
}

inline bool blank_record(const std::vector<std::string>& fields) {
  return fields.size() == 1 && fields[0].empty();
}

} // namespace detail

/// Parses CSV text (RFC 4180: quoted fields with embedded delimiters, quotes
/// and line breaks; CRLF or LF line ends; an optional UTF-8 byte-order mark)
/// into a table. The first record is the header.
///
/// A column whose non-empty fields all parse as numbers (parse_number) is
/// numeric, with empty fields and "nan" as NaN (missing); any other column is
/// categorical, with empty fields as missing_code. A column with no non-empty
/// field is numeric and all missing. Blank lines are skipped.
///
/// `source` names the input in errors. Throws io_error:
/// mlguard.io.csv_empty (no header), mlguard.io.csv_ragged_row (a record with
/// a different number of fields than the header, naming the line),
/// mlguard.io.csv_bad_quote, mlguard.io.csv_duplicate_column.
inline table parse_csv(std::string_view text, std::string_view source = "<csv>",
                       const csv_options& options = {}) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") {
    text.remove_prefix(3);
  }
  detail::csv_cursor cursor{text};
  std::vector<std::string> header;
  while (detail::next_record(cursor, options.delimiter, header, source) &&
         detail::blank_record(header)) {
  }
  if (header.empty() || detail::blank_record(header)) {
    throw io_error("csv_empty", std::string(source) + ": no header row (the file is empty)");
  }
  for (std::size_t i = 0; i < header.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (header[i] == header[j]) {
        throw io_error("csv_duplicate_column",
                       std::string(source) + ":1: column '" + header[i] + "' appears twice");
      }
    }
  }

  std::vector<std::vector<std::string>> cells(header.size());
  std::vector<std::string> record;
  for (;;) {
    const std::size_t line = cursor.line;
    if (!detail::next_record(cursor, options.delimiter, record, source)) {
      break;
    }
    if (detail::blank_record(record)) {
      continue;
    }
    if (record.size() != header.size()) {
      throw io_error("csv_ragged_row", std::string(source) + ":" + std::to_string(line) + ": " +
                                           std::to_string(record.size()) +
                                           " fields, the header has " +
                                           std::to_string(header.size()));
    }
    for (std::size_t i = 0; i < record.size(); ++i) {
      cells[i].push_back(std::move(record[i]));
    }
  }

  table out;
  for (std::size_t i = 0; i < header.size(); ++i) {
    std::vector<double> numbers;
    numbers.reserve(cells[i].size());
    bool numeric = true;
    for (const auto& field : cells[i]) {
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!field.empty() && !parse_number(field, value)) {
        numeric = false;
        break;
      }
      numbers.push_back(value);
    }
    if (numeric) {
      out.add(column::numeric(header[i], std::move(numbers)));
      continue;
    }
    vocabulary vocab;
    std::vector<std::int32_t> codes;
    codes.reserve(cells[i].size());
    for (const auto& field : cells[i]) {
      codes.push_back(field.empty() ? missing_code : vocab.add(field));
    }
    out.add(column::categorical(header[i], std::move(codes), std::move(vocab)));
  }
  return out;
}

/// Reads a CSV file into a table (see parse_csv for the rules).
/// Throws io_error (mlguard.io.open_failed, read_failed) when the file
/// cannot be read, and parse_csv's errors naming the file and line.
inline table read_csv(const std::string& path, const csv_options& options = {}) {
  return parse_csv(::mlguard::detail::read_file(path), path, options);
}

} // namespace mlguard::io

#endif // MLGUARD_IO_CSV_HPP

#ifndef MLGUARD_IO_DETAIL_CSV_PARSER_HPP
#define MLGUARD_IO_DETAIL_CSV_PARSER_HPP

// The CSV reader's machinery: record splitting (RFC 4180 as Python's csv
// module reads it), decoding and UTF-8 checks, and the columns' kinds.
// io/csv.hpp is the API.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/detail/utf8.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/io/csv_options.hpp"

namespace mlguard::io {

namespace detail {

struct csv_cursor {
  std::string_view text;
  std::size_t pos = 0;
  std::size_t line = 1; // physical line of `pos`, 1-based
};

// "source:line: ", how every CSV error opens.
inline std::string csv_where(std::string_view source, std::size_t line) {
  return std::string(source) + ":" + std::to_string(line) + ": ";
}

// Reads the record at the cursor: keeps its first `keep` fields in `fields`
// (cleared first) and returns how many fields it has, 0 at the end of input.
// Fields past `keep` are scanned but not stored. `starts`, when given,
// receives the offset of each field. Throws io_error
// (mlguard.io.csv_bad_quote) on a malformed quoted field, and on a quote
// inside an unquoted field in strict mode.
inline std::size_t next_record(csv_cursor& c, const csv_options& options,
                               std::vector<std::string>& fields, std::size_t keep,
                               std::string_view source,
                               std::vector<std::size_t>* starts = nullptr) {
  fields.clear();
  const std::string_view text = c.text;
  if (c.pos >= text.size()) {
    return 0;
  }
  const char delim = options.delimiter;
  const std::size_t start_line = c.line;
  std::size_t count = 0;
  for (;;) {
    if (starts != nullptr) {
      starts->push_back(c.pos);
    }
    std::string* out = count < keep ? &fields.emplace_back() : nullptr;
    ++count;
    if (c.pos < text.size() && text[c.pos] == '"') {
      ++c.pos;
      for (;;) { // runs up to each quote: a "" is one quote, a lone one ends the field
        const std::size_t quote = text.find('"', c.pos);
        if (quote == std::string_view::npos) {
          throw io_error("csv_bad_quote",
                         csv_where(source, start_line) + "a quoted field is not closed");
        }
        const std::string_view run = text.substr(c.pos, quote - c.pos);
        c.line += static_cast<std::size_t>(std::count(run.begin(), run.end(), '\n'));
        if (out != nullptr) {
          out->append(run);
        }
        c.pos = quote + 1;
        if (c.pos < text.size() && text[c.pos] == '"') {
          if (out != nullptr) {
            out->push_back('"');
          }
          ++c.pos;
          continue;
        }
        break;
      }
      if (c.pos < text.size() && text[c.pos] != delim && text[c.pos] != '\n' &&
          text[c.pos] != '\r') {
        throw io_error("csv_bad_quote",
                       csv_where(source, c.line) + "text after the closing quote of a field");
      }
    } else {
      const std::size_t begin = c.pos;
      while (c.pos < text.size()) {
        const char ch = text[c.pos];
        if (ch == delim || ch == '\n' || ch == '\r') {
          break;
        }
        if (ch == '"' && options.strict) {
          throw io_error("csv_bad_quote", csv_where(source, c.line) +
                                              "a quote inside an unquoted field (strict mode)");
        }
        ++c.pos;
      }
      if (out != nullptr) {
        out->assign(text.substr(begin, c.pos - begin));
      }
    }
    if (c.pos < text.size() && text[c.pos] == delim) {
      ++c.pos;
      continue;
    }
    // End of record: CRLF, LF, a lone CR, or the end of input.
    if (c.pos < text.size() && text[c.pos] == '\r') {
      ++c.pos;
    }
    if (c.pos < text.size() && text[c.pos] == '\n') {
      ++c.pos;
    }
    ++c.line;
    return count;
  }
}

// A record of one empty field: a blank line, skipped.
inline bool blank_record(std::size_t count, const std::vector<std::string>& fields) {
  return count == 1 && fields.front().empty();
}

// The text to parse: `raw` without a leading UTF-8 byte-order mark, or, for
// Latin-1, `raw` decoded into `storage` (when it has a byte >= 0x80).
inline std::string_view csv_decode(std::string_view raw, const csv_options& options,
                                   std::string& storage) {
  if (options.encoding == csv_encoding::utf8) {
    if (raw.substr(0, 3) == "\xEF\xBB\xBF") {
      raw.remove_prefix(3);
    }
    return raw;
  }
  std::size_t high = 0;
  for (const char ch : raw) {
    high += static_cast<unsigned char>(ch) >> 7;
  }
  if (high == 0) {
    return raw;
  }
  storage.resize(raw.size() + high);
  std::size_t j = 0;
  for (const char ch : raw) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x80) {
      storage[j++] = ch;
    } else { // U+0080..U+00FF: two bytes, 110000xx 10xxxxxx
      storage[j++] = static_cast<char>(0xC0 | (b >> 6));
      storage[j++] = static_cast<char>(0x80 | (b & 0x3F));
    }
  }
  return storage;
}

// Throws the error for the byte at `bad` (not UTF-8, or NUL), which lies in
// the record that starts at offset `start` on line `line`; `header` is null
// while the header itself is read. Names the line, the column (in
// characters, as editors count) and the CSV field.
[[noreturn]] inline void csv_bad_byte(std::string_view text, std::size_t bad, std::size_t start,
                                      std::size_t line, std::string_view source,
                                      const csv_options& options,
                                      const std::vector<std::string>* header) {
  csv_cursor again{text, start, line};
  std::vector<std::string> none;
  std::vector<std::size_t> starts;
  next_record(again, options, none, 0, source, &starts);
  std::size_t field = 0;
  while (field + 1 < starts.size() && starts[field + 1] <= bad) {
    ++field;
  }
  std::size_t line_start = start;
  for (std::size_t i = start; i < bad; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t column = 1;
  for (std::size_t i = line_start; i < bad; ++i) {
    column += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 ? 1 : 0;
  }
  const std::string where =
      std::string(source) + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  std::string in;
  if (header == nullptr) {
    in = "in field " + std::to_string(field + 1) + " of the header";
  } else if (field < header->size()) {
    in = "in column '" + ::mlguard::detail::utf8_printable((*header)[field]) + "'";
  } else {
    in = "in field " + std::to_string(field + 1);
  }
  const auto b = static_cast<unsigned char>(text[bad]);
  if (b == 0) {
    throw io_error("csv_nul_byte",
                   where + "a NUL byte " + in + "; CSV is text (is the file binary, or UTF-16?)");
  }
  if (bad == 0 && text.size() >= 2 && (b == 0xFF || b == 0xFE) &&
      static_cast<unsigned char>(text[1]) == (b ^ 0x01)) {
    throw io_error("invalid_utf8", where + "the file starts with a UTF-16 byte-order mark; "
                                           "convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)");
  }
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string what = "byte 0x";
  what.push_back(hex[b >> 4]);
  what.push_back(hex[b & 0xF]);
  throw io_error("invalid_utf8",
                 where + what + " is not valid UTF-8 " + in +
                     "; if the file is Latin-1, say so (mlguard --encoding latin-1; "
                     "csv_options::encoding)");
}

// The header and the fields of every record of `text`, column by column.
struct csv_records {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> cells; // cells[column][row]
};

// Splits decoded `text` into records (see parse_csv for the rules and errors).
inline csv_records csv_split(std::string_view text, std::string_view source,
                             const csv_options& options) {
  const auto d = static_cast<unsigned char>(options.delimiter);
  if (d == 0 || d >= 0x80 || d == '"' || d == '\n' || d == '\r') {
    throw argument_error("invalid_option",
                         "csv_options::delimiter must be an ASCII character other than "
                         "a quote, CR, LF or NUL");
  }
  if (options.max_columns == 0) {
    throw argument_error("invalid_option", "csv_options::max_columns must be at least 1");
  }
  // Every byte is checked once, up front (a tight loop); the error is raised
  // when the parser reaches the record that holds the bad byte, so errors
  // come in file order and can name the CSV field.
  const std::size_t bad = ::mlguard::detail::utf8_scan(text, true);
  csv_cursor cursor{text};
  csv_records out;
  auto& header = out.header;
  std::size_t header_line = 1;
  for (;;) {
    const std::size_t start = cursor.pos;
    const std::size_t line = cursor.line;
    header_line = line;
    const std::size_t n = next_record(cursor, options, header, options.max_columns, source);
    if (n == 0) {
      throw io_error("csv_empty", std::string(source) + ": no header row (the file is empty)");
    }
    if (cursor.pos > bad) {
      csv_bad_byte(text, bad, start, line, source, options, nullptr);
    }
    if (n > options.max_columns) {
      throw io_error("csv_too_many_columns",
                     csv_where(source, line) + "the header has " + std::to_string(n) +
                         " columns, more than csv_options::max_columns (" +
                         std::to_string(options.max_columns) + "; mlguard --max-columns)");
    }
    if (!blank_record(n, header)) {
      break;
    }
  }
  // Duplicate names: sorted, so a wide header costs n log n, not n^2.
  std::vector<std::size_t> order(header.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return header[a] != header[b] ? header[a] < header[b] : a < b;
  });
  std::size_t repeated = header.size(); // the first column whose name came before
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (header[order[k]] == header[order[k - 1]] && order[k] < repeated) {
      repeated = order[k];
    }
  }
  if (repeated < header.size()) {
    throw io_error("csv_duplicate_column", csv_where(source, header_line) + "column '" +
                                               header[repeated] + "' appears twice");
  }

  out.cells.resize(header.size());
  std::vector<std::string> record;
  for (;;) {
    const std::size_t start = cursor.pos;
    const std::size_t line = cursor.line;
    const std::size_t n = next_record(cursor, options, record, header.size(), source);
    if (n == 0) {
      break;
    }
    if (cursor.pos > bad) {
      csv_bad_byte(text, bad, start, line, source, options, &header);
    }
    if (blank_record(n, record)) {
      continue;
    }
    if (n != header.size()) {
      throw io_error("csv_ragged_row", csv_where(source, line) + std::to_string(n) +
                                           " fields, the header has " +
                                           std::to_string(header.size()));
    }
    for (std::size_t i = 0; i < n; ++i) {
      out.cells[i].push_back(std::move(record[i]));
    }
  }
  return out;
}

// The table of `records`, whose fields it releases column by column (one
// free per field would cost ~7% of a read), so a huge field is held at most
// twice: its cell and its category name.
inline table csv_table(csv_records&& records) {
  table out;
  for (std::size_t i = 0; i < records.header.size(); ++i) {
    std::vector<std::string> cells = std::move(records.cells[i]);
    std::vector<double> numbers;
    numbers.reserve(cells.size());
    bool numeric = true;
    for (const auto& field : cells) {
      double value = std::numeric_limits<double>::quiet_NaN();
      if (!field.empty() && !parse_number(field, value)) {
        numeric = false;
        break;
      }
      numbers.push_back(value);
    }
    if (numeric) {
      out.add(column::numeric(std::move(records.header[i]), std::move(numbers)));
      continue;
    }
    std::vector<double>().swap(numbers);
    vocabulary vocab;
    std::vector<std::int32_t> codes;
    codes.reserve(cells.size());
    for (const auto& field : cells) {
      codes.push_back(field.empty() ? missing_code : vocab.add(field));
    }
    out.add(column::categorical(std::move(records.header[i]), std::move(codes), std::move(vocab)));
  }
  return out;
}

} // namespace detail

} // namespace mlguard::io

#endif // MLGUARD_IO_DETAIL_CSV_PARSER_HPP

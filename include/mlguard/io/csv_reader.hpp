#ifndef MLGUARD_IO_CSV_READER_HPP
#define MLGUARD_IO_CSV_READER_HPP

// csv_reader: CSV read in one pass, in chunks of rows, with memory bounded by
// the chunk and not by the file. The CLI's commands and read_csv/parse_csv
// (io/csv.hpp) are built on it.
//
//   io::csv_reader reader(io::open_input("trips.csv.gz"));   // gzip_source.hpp
//   reader.select({"fare", "payment"});        // optional: the columns to keep
//   reader.set_kind("fare", column_kind::numeric);  // optional: from a schema
//   table chunk;
//   while (reader.next(chunk)) {                // up to options.chunk_rows rows
//     ... chunk.at("fare").values() ...
//     progress(reader.bytes_read(), reader.total_bytes());
//   }
//
// The contract:
// - Input: any byte_source (io/byte_source.hpp): a file or stdin ("-",
//   csv_reader(path)), a string, or gzip (io/gzip_source.hpp, with zlib).
//   The source is read in blocks of 1 MiB into one buffer that grows only
//   for a record longer than itself.
// - Dialect, encoding, errors: as parse_csv documents (io/csv.hpp): RFC 4180
//   as Python's csv module reads it, UTF-8 checked, errors naming
//   source:line or source:line:column, reported in file order.
// - Header: read by the constructor (blank lines before it are skipped);
//   header() is every name in file order.
// - Columns: all of them in header order, or those given to select() in
//   that order; the other fields are scanned, never stored or parsed.
// - Kinds: a column declared with set_kind() has that kind. Any other is
//   decided by the first chunk: numeric when every non-empty cell of the
//   chunk is a number (parse_number), categorical otherwise; a column with
//   no non-empty cell there is numeric. The kinds then hold for the rest of
//   the input: every chunk has the same columns, names and kinds.
// - A numeric column meets a non-empty cell that is not a number (after the
//   first chunk, or anywhere when declared numeric): by default an io_error
//   mlguard.io.csv_not_a_number naming file:line:column, the column and the
//   cell; with csv_options::non_numbers = missing, a NaN that is counted
//   (columns()[i].non_numbers, with the first one's place).
// - Missing values: an empty field is NaN in a numeric column (and "nan"
//   reads as NaN), missing_code in a categorical one.
// - Categories: each chunk's categorical column has its own vocabulary, in
//   order of first sight within the chunk; the same string may have another
//   code in another chunk, so match categories by name across chunks.
// - Memory: the buffer (1 MiB, or the longest record), the chunk being
//   built, and, for the first chunk only, the text of its undecided cells.
// - Speed: structural bytes are found 16 bytes at a time (SSE2), and a
//   numeric cell is parsed in place with std::from_chars, which also finds
//   where the field ends; about 700 MB/s of `%.17g` doubles on one core
//   (benchmarks/io.bench.cpp; docs/core.md has the figures).
// - Threads: one reader is used by one thread at a time; readers share
//   nothing, so two threads may each read their own file.
// - After an error thrown by next() or read_all(), and once moved from, a
//   reader may only be destroyed or assigned to.
//
// Error ids: those of parse_csv, plus mlguard.io.csv_not_a_number,
// mlguard.io.csv_unknown_column (select/set_kind name no column), the
// source's own (read_failed, gzip_corrupt, gzip_truncated, ...) and
// mlguard.argument.invalid_option (chunk_rows 0, select/set_kind after the
// first row was read).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/table.hpp"
#include "mlguard/io/byte_source.hpp"
#include "mlguard/io/csv_options.hpp"
#include "mlguard/io/detail/csv_scan.hpp"

namespace mlguard::io {

/// The place and text of one CSV cell, for messages.
struct csv_cell {
  std::uint64_t line = 0;   ///< physical line, 1-based
  std::uint64_t column = 0; ///< in characters from the line's start, 1-based
  std::string text;         ///< the cell as read (unquoted; at most 256 bytes, then "...")
};

/// What a csv_reader knows about one of the columns it hands out.
struct csv_column_info {
  std::string name;
  /// The column's position in the header, 0-based.
  std::size_t field = 0;
  /// The kind: set once declared (set_kind) or decided by the first chunk.
  std::optional<column_kind> kind;
  /// True when the kind was declared with set_kind, not inferred.
  bool declared = false;
  /// The non-empty cells that were not numbers and were read as missing
  /// (csv_non_numbers::missing).
  std::uint64_t non_numbers = 0;
  /// The first non-empty cell that is not a number: for an inferred
  /// categorical column, the cell that made it categorical; for a numeric
  /// one, the first read as missing. Empty when there is none so far, and
  /// for a column declared categorical (its cells are not parsed).
  std::optional<csv_cell> first_non_number;
};

/// Reads CSV from a byte_source in chunks of rows (see the contract above).
class csv_reader {
public:
  /// Reads the file at `path`, or standard input when it is "-". A gzip file
  /// is refused (mlguard.io.gzip_unsupported): read it with
  /// csv_reader(io::open_input(path)) from io/gzip_source.hpp. Reads the
  /// header. Throws io_error (open_failed, read_failed, csv_empty,
  /// csv_duplicate_column, csv_too_many_columns, csv_bad_quote,
  /// invalid_utf8, csv_nul_byte) and argument_error
  /// (mlguard.argument.invalid_option) for options that cannot be.
  explicit csv_reader(const std::string& path, const csv_options& options = {});

  /// Reads CSV from `source` (named in errors by source->name()). Reads the
  /// header. Throws as the constructor above.
  explicit csv_reader(std::unique_ptr<byte_source> source, const csv_options& options = {});

  csv_reader(csv_reader&&) noexcept = default;
  csv_reader& operator=(csv_reader&&) noexcept = default;
  csv_reader(const csv_reader&) = delete;
  csv_reader& operator=(const csv_reader&) = delete;
  ~csv_reader() = default;

  /// How errors name the input (a path, "<stdin>").
  const std::string& source_name() const noexcept { return source_->name(); }

  /// The header's names, in file order.
  const std::vector<std::string>& header() const noexcept { return header_; }

  /// Keeps only the columns `names`, in that order. Call it before the first
  /// row is read. Throws io_error mlguard.io.csv_unknown_column (a name not
  /// in the header), argument_error mlguard.argument.duplicate_column (a
  /// name twice) or mlguard.argument.invalid_option (rows were read).
  void select(const std::vector<std::string>& names);

  /// Declares the kind of column `name` (e.g. from a schema), so the first
  /// chunk does not infer it. Call it before the first row is read, after
  /// select(). Throws as select() (csv_unknown_column when `name` is not
  /// among the columns kept).
  void set_kind(std::string_view name, column_kind kind);

  /// Reads the next rows, at most options.chunk_rows of them, into `chunk`
  /// (replacing it) and returns true; returns false, leaving `chunk` as it
  /// is, when no row is left. Throws the errors of the contract above.
  bool next(table& chunk);

  /// Reads every row not read yet into one table (kinds decided by the
  /// first options.chunk_rows rows when not yet decided). A file without
  /// data rows gives its columns with no rows (numeric unless declared).
  /// Throws as next().
  table read_all();

  /// read_all() that calls `after_chunk(rows)` each time another
  /// options.chunk_rows rows were read, `rows` the data rows read so far
  /// (rows() counts only those handed out), e.g. to draw a progress bar from
  /// bytes_read(). Throws as read_all(), and what `after_chunk` throws.
  template <typename AfterChunk>
  table read_all(AfterChunk&& after_chunk);

  /// The columns handed out, in chunk order, with what is known of them.
  const std::vector<csv_column_info>& columns() const noexcept { return info_; }

  /// The data rows handed out so far (header and blank lines not counted).
  std::uint64_t rows() const noexcept { return rows_; }

  /// With options.row_lines: the physical line (1-based) on which each row
  /// of the table last returned by next() or read_all() starts, one per row
  /// (empty once next() has returned false, and without the option). A row that spans lines (a
  /// quoted line break) counts from its first line; blank lines are skipped, so lines may jump.
  const std::vector<std::uint64_t>& row_lines() const noexcept { return row_lines_; }

  /// Bytes of the input consumed so far, in the unit of total_bytes()
  /// (compressed bytes for gzip); at most one block ahead of the rows
  /// handed out. For a progress bar.
  std::uint64_t bytes_read() const noexcept { return source_->position(); }

  /// The size of the input when it is known (a regular file, compressed or
  /// not); empty for a pipe.
  std::optional<std::uint64_t> total_bytes() const noexcept { return source_->size(); }

private:
  void init();
  bool fill(std::size_t keep_from, std::size_t want);
  void validate() noexcept;
  std::size_t scan_record(std::size_t limit, bool at_eof, std::size_t keep);
  bool read_record(std::size_t keep);
  bool next_row();
  void commit_row();
  void not_a_number(std::size_t slot, std::string_view text);
  [[noreturn]] void bad_byte(bool in_header) const;
  void start();
  void decide_kinds();
  void reserve_rest();
  table take_table();
  std::size_t slot_of(std::string_view name) const;
  void update_parse_flags();

  std::unique_ptr<byte_source> source_;
  csv_options options_;
  detail::csv_specials specials_;
  // The buffer: bytes [0, end_) are read; the record being read starts at
  // begin_; [0, checked_) is UTF-8 checked; bad_ is the first bad byte.
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
  std::size_t checked_ = 0;
  std::size_t bad_ = npos;
  std::uint64_t base_ = 0;       // stream offset of buffer_[0]
  std::uint64_t text_start_ = 0; // stream offset of the text (after a byte-order mark)
  std::unique_ptr<char[]> raw_;  // Latin-1: the bytes before decoding
  std::size_t raw_size_ = 0;
  bool eof_ = false;
  // The record just read: its fields, count, first line and end.
  std::vector<detail::csv_span> fields_;
  // Per header field: 1 when the scan should try it as a number (a numeric
  // or still undecided column), so the number's end is the field's end.
  std::vector<unsigned char> parse_;
  bool parse_in_scan_ = false;
  std::size_t count_ = 0;
  std::uint64_t line_ = 1;      // physical line at begin_
  std::uint64_t next_line_ = 1; // physical line after the record
  std::size_t record_end_ = 0;
  struct {
    bool active = false;
    std::size_t pos = 0; // offsets from the record's start
    std::size_t count = 0;
    std::uint64_t breaks = 0;
    unsigned char mode = 0;
    detail::csv_span field;
  } resume_; // where scan_record stopped when the record went past the bytes at hand
  std::vector<std::string> header_;
  std::vector<std::size_t> sorted_header_; // header positions ordered by name
  std::vector<detail::csv_column_builder> builders_;
  std::vector<csv_column_info> info_;
  std::string scratch_;
  bool started_ = false;
  bool decided_ = false;
  std::size_t pending_ = 0;      // rows in the builders
  std::size_t decided_rows_ = 0; // rows of the chunk that decided the kinds
  std::uint64_t rows_ = 0;
  std::vector<std::uint64_t> row_lines_;

  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
};

} // namespace mlguard::io

#include "mlguard/io/detail/csv_reader_impl.hpp"

#endif // MLGUARD_IO_CSV_READER_HPP

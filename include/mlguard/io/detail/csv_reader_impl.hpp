#ifndef MLGUARD_IO_DETAIL_CSV_READER_IMPL_HPP
#define MLGUARD_IO_DETAIL_CSV_READER_IMPL_HPP

// The bodies of csv_reader (io/csv_reader.hpp): the buffer, the record scan,
// the column builders and the errors.

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/detail/utf8.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/io/csv_reader.hpp"

namespace mlguard::io {

inline csv_reader::csv_reader(const std::string& path, const csv_options& options)
    : csv_reader(open_plain_input(path), options) {}

inline csv_reader::csv_reader(std::unique_ptr<byte_source> source, const csv_options& options)
    : source_(std::move(source)), options_(options) {
  init();
}

inline void csv_reader::init() {
  const auto d = static_cast<unsigned char>(options_.delimiter);
  if (d == 0 || d >= 0x80 || d == '"' || d == '\n' || d == '\r') {
    throw argument_error("invalid_option",
                         "csv_options::delimiter must be an ASCII character other than "
                         "a quote, CR, LF or NUL");
  }
  if (options_.max_columns == 0) {
    throw argument_error("invalid_option", "csv_options::max_columns must be at least 1");
  }
  if (options_.chunk_rows == 0) {
    throw argument_error("invalid_option", "csv_options::chunk_rows must be at least 1");
  }
  specials_ = detail::csv_specials(options_.delimiter, options_.strict);

  // Blocks of 1 MiB; less for an input known to be smaller (parse_csv of a
  // short string should not cost a megabyte).
  std::size_t block = std::size_t{1} << 20;
  if (const auto total = source_->size(); total && *total < block) {
    block = std::max<std::size_t>(static_cast<std::size_t>(*total) + 1, 4096);
  }
  capacity_ = block;
  buffer_.reset(new char[capacity_ + detail::csv_padding]);
  if (options_.encoding == csv_encoding::latin1) {
    raw_.reset(new char[block]);
    raw_size_ = block;
  }
  fill(0, 3);
  if (options_.encoding == csv_encoding::utf8 && end_ >= 3 &&
      std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) {
    begin_ = 3; // a UTF-8 byte-order mark, as Python's utf-8-sig and pandas skip it
    text_start_ = 3;
  }

  // The header: the first record that is not blank.
  std::uint64_t header_line = 1;
  for (;;) {
    if (!read_record(options_.max_columns)) {
      throw io_error("csv_empty", source_name() + ": no header row (the file is empty)");
    }
    if (bad_ != npos && record_end_ > bad_) {
      bad_byte(true);
    }
    if (count_ > options_.max_columns) {
      throw io_error("csv_too_many_columns",
                     detail::csv_where(source_name(), line_) + "the header has " +
                         std::to_string(count_) + " columns, more than csv_options::max_columns (" +
                         std::to_string(options_.max_columns) + "; mlguard --max-columns)");
    }
    const bool blank = count_ == 1 && fields_[0].begin == fields_[0].end;
    if (!blank) {
      header_line = line_;
      header_.reserve(count_);
      for (std::size_t i = 0; i < count_; ++i) {
        const auto& f = fields_[i];
        std::string_view text(buffer_.get() + f.begin, f.end - f.begin);
        header_.emplace_back(f.escaped ? detail::csv_unescape(text, scratch_) : text);
      }
    }
    line_ = next_line_;
    begin_ = record_end_;
    if (!blank) {
      break;
    }
  }
  // Duplicate names: sorted, so a wide header costs n log n, not n^2.
  std::vector<std::size_t> order(header_.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return header_[a] != header_[b] ? header_[a] < header_[b] : a < b;
  });
  std::size_t repeated = header_.size(); // the first column whose name came before
  for (std::size_t k = 1; k < order.size(); ++k) {
    if (header_[order[k]] == header_[order[k - 1]] && order[k] < repeated) {
      repeated = order[k];
    }
  }
  if (repeated < header_.size()) {
    throw io_error("csv_duplicate_column", detail::csv_where(source_name(), header_line) +
                                               "column '" + header_[repeated] + "' appears twice");
  }
  sorted_header_ = std::move(order);
  builders_.resize(header_.size());
  info_.resize(header_.size());
  for (std::size_t i = 0; i < header_.size(); ++i) {
    builders_[i].field = i;
    info_[i].name = header_[i];
    info_[i].field = i;
  }
  fields_.resize(header_.size());
  parse_in_scan_ = detail::csv_numbers_end_at(options_.delimiter);
  update_parse_flags();
}

inline void csv_reader::update_parse_flags() {
  parse_.assign(header_.size(), 0);
  if (!parse_in_scan_) {
    return;
  }
  for (const auto& c : builders_) {
    const bool numbers = c.state == detail::csv_build::numeric ||
                         (c.state == detail::csv_build::undecided && c.all_numbers);
    parse_[c.field] = numbers ? 1 : 0;
  }
}

inline bool csv_reader::fill(std::size_t keep_from, std::size_t want) {
  if (keep_from > 0) {
    const std::size_t kept = end_ - keep_from;
    std::memmove(buffer_.get(), buffer_.get() + keep_from, kept);
    base_ += keep_from;
    begin_ -= keep_from;
    checked_ -= keep_from;
    if (bad_ != npos) {
      bad_ -= keep_from;
    }
    end_ = kept;
  }
  bool got = false;
  while (!eof_ && end_ < want) {
    const std::size_t latin1 = options_.encoding == csv_encoding::latin1 ? 2 : 1;
    if (want > capacity_ || capacity_ - end_ < latin1) {
      // Grow: a record longer than the buffer. Doubling keeps the rescans of
      // that record linear in its length.
      const std::size_t size = std::max(capacity_ * 2, want);
      std::unique_ptr<char[]> bigger(new char[size + detail::csv_padding]);
      std::memcpy(bigger.get(), buffer_.get(), end_);
      buffer_ = std::move(bigger);
      capacity_ = size;
    }
    std::size_t n = 0;
    if (latin1 == 1) {
      n = source_->read(buffer_.get() + end_, capacity_ - end_);
      end_ += n;
    } else {
      // Each byte becomes one or two: read at most half the free space.
      n = source_->read(raw_.get(), std::min((capacity_ - end_) / 2, raw_size_));
      char* out = buffer_.get() + end_;
      for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(raw_[i]);
        if (b < 0x80) {
          *out++ = static_cast<char>(b);
        } else { // U+0080..U+00FF: two bytes, 110000xx 10xxxxxx
          *out++ = static_cast<char>(0xC0 | (b >> 6));
          *out++ = static_cast<char>(0x80 | (b & 0x3F));
        }
      }
      end_ = static_cast<std::size_t>(out - buffer_.get());
    }
    if (n == 0) {
      eof_ = true;
      break;
    }
    got = true;
  }
  validate();
  // The bytes after the end are read by the 16-byte scan (and ignored):
  // give them a value.
  std::memset(buffer_.get() + end_, 0, 16);
  return got;
}

inline void csv_reader::validate() noexcept {
  if (bad_ != npos) {
    checked_ = end_;
    return;
  }
  const char* b = buffer_.get();
  const std::size_t at = checked_ + ::mlguard::detail::utf8_scan(
                                        std::string_view(b + checked_, end_ - checked_), true);
  if (at < end_ && !eof_ &&
      detail::utf8_lead_length(static_cast<unsigned char>(b[at])) > end_ - at) {
    checked_ = at; // a sequence cut by the block's end: checked when the rest is read
    return;
  }
  if (at < end_) {
    bad_ = at;
  }
  checked_ = end_;
}

inline std::size_t csv_reader::scan_record(std::size_t limit, bool at_eof, std::size_t keep) {
  // A state machine that can stop where the bytes at hand end and go on
  // from there once more are read (resume_), so a record longer than a
  // block is scanned once, not again after every read.
  enum : unsigned char { at_field, in_unquoted, in_quoted, at_field_end };
  const char* b = buffer_.get();
  const char delim = options_.delimiter;
  std::size_t p = begin_;
  std::size_t count = 0;
  std::uint64_t breaks = 0; // line breaks inside quoted fields
  unsigned char mode = at_field;
  detail::csv_span f;
  if (resume_.active) {
    resume_.active = false;
    p = begin_ + resume_.pos;
    count = resume_.count;
    breaks = resume_.breaks;
    mode = resume_.mode;
    f = resume_.field;
    f.begin += begin_;
    f.end += begin_;
    for (std::size_t i = 0; i < std::min(count, keep); ++i) {
      fields_[i].begin += begin_;
      fields_[i].end += begin_;
    }
  }
  const auto suspend = [&](std::size_t at, unsigned char state) {
    resume_.active = true;
    resume_.pos = at - begin_;
    resume_.count = count;
    resume_.breaks = breaks;
    resume_.mode = state;
    resume_.field = f;
    resume_.field.begin -= std::min(f.begin, begin_);
    resume_.field.end -= std::min(f.end, begin_);
    for (std::size_t i = 0; i < std::min(count, keep); ++i) {
      fields_[i].begin -= begin_;
      fields_[i].end -= begin_;
    }
    return npos;
  };
  for (;;) {
    switch (mode) {
    case at_field:
      f = detail::csv_span{};
      if (p >= limit && !at_eof) {
        return suspend(p, at_field); // empty so far, or a quote to come
      }
      if (p < limit && b[p] == '"') {
        f.quoted = true;
        f.begin = ++p;
        mode = in_quoted;
        break;
      }
      f.begin = p;
      mode = in_unquoted;
      if (count < parse_.size() && parse_[count] != 0) {
        // A numeric column: parse first; when the number ends where the
        // field does, no scan is needed (most cells of most CSV files).
        const auto r = std::from_chars(b + p, b + limit, f.value);
        const auto q = static_cast<std::size_t>(r.ptr - b);
        if (r.ec == std::errc() && q > p &&
            (q < limit ? b[q] == delim || b[q] == '\n' || b[q] == '\r' : at_eof)) {
          f.parsed = true;
          f.end = p = q;
          mode = at_field_end;
        }
      }
      break;
    case in_unquoted:
      p = specials_.find(b, p, limit);
      if (p >= limit && !at_eof) {
        return suspend(p, in_unquoted);
      }
      if (specials_.strict && p < limit && b[p] == '"') {
        throw io_error("csv_bad_quote", detail::csv_where(source_name(), line_ + breaks) +
                                            "a quote inside an unquoted field (strict mode)");
      }
      f.end = p;
      mode = at_field_end;
      break;
    case in_quoted: { // up to each quote: a "" is one quote, a lone one ends the field
      const void* hit = std::memchr(b + p, '"', limit - p);
      if (hit == nullptr) {
        if (at_eof) {
          throw io_error("csv_bad_quote",
                         detail::csv_where(source_name(), line_) + "a quoted field is not closed");
        }
        breaks += static_cast<std::uint64_t>(std::count(b + p, b + limit, '\n'));
        return suspend(limit, in_quoted);
      }
      const auto h = static_cast<std::size_t>(static_cast<const char*>(hit) - b);
      breaks += static_cast<std::uint64_t>(std::count(b + p, b + h, '\n'));
      if (h + 1 >= limit && !at_eof) {
        return suspend(h, in_quoted); // "" or the end of the field: the next byte says
      }
      if (h + 1 < limit && b[h + 1] == '"') {
        f.escaped = true;
        p = h + 2;
        break;
      }
      f.end = h;
      p = h + 1;
      if (p < limit && b[p] != delim && b[p] != '\n' && b[p] != '\r') {
        throw io_error("csv_bad_quote", detail::csv_where(source_name(), line_ + breaks) +
                                            "text after the closing quote of a field");
      }
      mode = at_field_end;
      break;
    }
    default: // at_field_end: a delimiter, a line end (CR, LF, CRLF) or the end of input
      if (!at_eof && (p >= limit || (b[p] == '\r' && p + 1 >= limit))) {
        return suspend(p, at_field_end);
      }
      if (count < keep) {
        if (count < fields_.size()) {
          fields_[count] = f;
        } else {
          fields_.push_back(f);
        }
      }
      ++count;
      if (p < limit && b[p] == delim) {
        ++p;
        mode = at_field;
        break;
      }
      if (p < limit) {
        if (b[p] == '\r' && p + 1 < limit && b[p + 1] == '\n') {
          ++p;
        }
        ++p;
      }
      count_ = count;
      next_line_ = line_ + breaks + 1;
      return p;
    }
  }
}

inline bool csv_reader::read_record(std::size_t keep) {
  for (;;) {
    if (begin_ >= end_ && eof_) {
      return false;
    }
    if (begin_ < checked_ || eof_) {
      const std::size_t e = scan_record(checked_, eof_, keep);
      if (e != npos) {
        record_end_ = e;
        return true;
      }
    }
    fill(begin_, end_ - begin_ + 1);
  }
}

[[noreturn]] inline void csv_reader::bad_byte(bool in_header) const {
  const char* b = buffer_.get();
  const std::size_t at = bad_;
  const std::size_t field = detail::csv_field_at(b, begin_, at, options_.delimiter);
  const auto [line, column] = detail::csv_line_column(b, begin_, line_, at);
  const std::string where = detail::csv_where(source_name(), line, column);
  std::string in;
  if (in_header) {
    in = "in field " + std::to_string(field + 1) + " of the header";
  } else if (field < header_.size()) {
    in = "in column '" + ::mlguard::detail::utf8_printable(header_[field]) + "'";
  } else {
    in = "in field " + std::to_string(field + 1);
  }
  const auto c = static_cast<unsigned char>(b[at]);
  if (c == 0) {
    throw io_error("csv_nul_byte",
                   where + "a NUL byte " + in + "; CSV is text (is the file binary, or UTF-16?)");
  }
  if (base_ + at == text_start_ && at + 1 < end_ && (c == 0xFF || c == 0xFE) &&
      static_cast<unsigned char>(b[at + 1]) == (c ^ 0x01)) {
    throw io_error("invalid_utf8", where + "the file starts with a UTF-16 byte-order mark; "
                                           "convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)");
  }
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string what = "byte 0x";
  what.push_back(hex[c >> 4]);
  what.push_back(hex[c & 0xF]);
  throw io_error("invalid_utf8",
                 where + what + " is not valid UTF-8 " + in +
                     "; if the file is Latin-1, say so (mlguard --encoding latin-1; "
                     "csv_options::encoding)");
}

inline bool csv_reader::next_row() {
  for (;;) {
    if (!read_record(header_.size())) {
      // The end: the buffer (as long as the longest record) goes before the
      // kinds are decided, which may copy the first chunk's text once more.
      buffer_.reset();
      capacity_ = 0;
      return false;
    }
    if (bad_ != npos && record_end_ > bad_) {
      bad_byte(false);
    }
    const bool blank = count_ == 1 && fields_[0].begin == fields_[0].end;
    if (!blank) {
      if (count_ != header_.size()) {
        throw io_error("csv_ragged_row", detail::csv_where(source_name(), line_) +
                                             std::to_string(count_) + " fields, the header has " +
                                             std::to_string(header_.size()));
      }
      commit_row();
      if (options_.row_lines) {
        row_lines_.push_back(line_);
      }
    }
    line_ = next_line_;
    begin_ = record_end_;
    if (!blank) {
      return true;
    }
  }
}

inline void csv_reader::commit_row() {
  const char* b = buffer_.get();
  for (std::size_t s = 0; s < builders_.size(); ++s) {
    auto& c = builders_[s];
    const auto& f = fields_[c.field];
    std::string_view text(b + f.begin, f.end - f.begin);
    if (c.state == detail::csv_build::undecided) {
      // The text goes to the arena (unescaped there, not through scratch_,
      // so a huge quoted cell is held twice at most: buffer and arena).
      const std::size_t from = c.arena.size();
      if (f.escaped) {
        detail::csv_unescape_append(text, c.arena);
      } else {
        c.arena.append(text);
      }
      c.ends.push_back(c.arena.size());
      if (c.all_numbers) {
        text = std::string_view(c.arena).substr(from);
        double v = f.parsed ? f.value : std::numeric_limits<double>::quiet_NaN();
        if (!f.parsed && !text.empty() && !parse_number(text, v)) {
          c.all_numbers = false;
          parse_[c.field] = 0;
          std::vector<double>().swap(c.values);
          const std::size_t at = f.quoted ? f.begin - 1 : f.begin;
          const auto [line, column] = detail::csv_line_column(b, begin_, line_, at);
          info_[s].first_non_number = csv_cell{line, column, detail::csv_cell_text(text)};
        } else {
          c.values.push_back(v);
        }
      }
      continue;
    }
    if (f.escaped) {
      text = detail::csv_unescape(text, scratch_);
    }
    if (c.state == detail::csv_build::numeric) {
      double v = f.parsed ? f.value : std::numeric_limits<double>::quiet_NaN();
      if (!f.parsed && !text.empty() && !parse_number(text, v)) {
        v = std::numeric_limits<double>::quiet_NaN();
        not_a_number(s, text);
      }
      c.values.push_back(v);
    } else {
      c.codes.push_back(text.empty() ? missing_code : c.dictionary.code(text));
    }
  }
  if (scratch_.capacity() > (std::size_t{1} << 20)) {
    std::string().swap(scratch_); // one huge quoted cell does not pin its size
  }
}

inline void csv_reader::not_a_number(std::size_t slot, std::string_view text) {
  auto& info = info_[slot];
  const auto& f = fields_[builders_[slot].field];
  const std::size_t at = f.quoted ? f.begin - 1 : f.begin;
  const auto [line, column] = detail::csv_line_column(buffer_.get(), begin_, line_, at);
  if (options_.non_numbers == csv_non_numbers::missing) {
    ++info.non_numbers;
    if (!info.first_non_number) {
      info.first_non_number = csv_cell{line, column, detail::csv_cell_text(text)};
    }
    return;
  }
  const std::string why = info.declared ? "declared numeric"
                                        : "numeric: its first " + std::to_string(decided_rows_) +
                                              " rows held only numbers and empty cells";
  throw io_error("csv_not_a_number",
                 detail::csv_where(source_name(), line, column) + "'" +
                     ::mlguard::detail::utf8_printable(text) + "' in column '" +
                     ::mlguard::detail::utf8_printable(info.name) +
                     "' is not a number, and the column is " + why +
                     "; declare the column categorical, or read such cells as missing "
                     "(mlguard --non-numbers missing; csv_options::non_numbers)");
}

inline void csv_reader::start() {
  started_ = true;
  row_lines_.clear(); // the lines of the table about to be returned
}

inline void csv_reader::decide_kinds() {
  for (std::size_t s = 0; s < builders_.size(); ++s) {
    auto& c = builders_[s];
    if (c.state == detail::csv_build::undecided) {
      if (c.all_numbers) {
        c.state = detail::csv_build::numeric;
        info_[s].kind = column_kind::numeric;
      } else {
        c.state = detail::csv_build::categorical;
        info_[s].kind = column_kind::categorical;
        c.codes.reserve(c.ends.size());
        std::size_t from = 0;
        for (const std::size_t to : c.ends) {
          const std::string_view cell(c.arena.data() + from, to - from);
          c.codes.push_back(cell.empty() ? missing_code : c.dictionary.code(cell));
          from = to;
        }
      }
    }
    std::string().swap(c.arena);
    std::vector<std::size_t>().swap(c.ends);
  }
  decided_ = true;
  decided_rows_ = pending_;
  update_parse_flags();
}

inline void csv_reader::reserve_rest() {
  // From the bytes per row so far, the rows of the whole input: one
  // allocation per column instead of a doubling series.
  const auto total = source_->size();
  const auto position = static_cast<double>(source_->position());
  const auto buffered = static_cast<double>(base_ + end_);
  const auto parsed = static_cast<double>(base_ + begin_);
  if (!total || pending_ == 0 || position <= 0 || buffered <= 0) {
    return;
  }
  const double per_row = position * (parsed / buffered) / static_cast<double>(pending_);
  const double rows = static_cast<double>(*total) / per_row * 1.05 + 16;
  if (!(rows < 4e9)) {
    return;
  }
  for (auto& c : builders_) {
    if (c.state == detail::csv_build::numeric) {
      c.values.reserve(static_cast<std::size_t>(rows));
    } else {
      c.codes.reserve(static_cast<std::size_t>(rows));
    }
  }
}

inline table csv_reader::take_table() {
  table out;
  for (std::size_t s = 0; s < builders_.size(); ++s) {
    auto& c = builders_[s];
    if (c.state == detail::csv_build::numeric) {
      out.add(column::numeric(info_[s].name, std::move(c.values)));
      c.values = {};
    } else {
      out.add(column::categorical(info_[s].name, std::move(c.codes),
                                  vocabulary(c.dictionary.take_names())));
      c.codes = {};
    }
  }
  rows_ += pending_;
  pending_ = 0;
  return out;
}

inline std::size_t csv_reader::slot_of(std::string_view name) const {
  for (std::size_t s = 0; s < info_.size(); ++s) {
    if (info_[s].name == name) {
      return s;
    }
  }
  return npos;
}

inline void csv_reader::select(const std::vector<std::string>& names) {
  if (started_) {
    throw argument_error("invalid_option",
                         "csv_reader::select must come before the first row is read");
  }
  std::vector<detail::csv_column_builder> builders(names.size());
  std::vector<csv_column_info> info(names.size());
  for (std::size_t s = 0; s < names.size(); ++s) {
    const auto it = std::lower_bound(
        sorted_header_.begin(), sorted_header_.end(), names[s],
        [this](std::size_t i, const std::string& key) { return header_[i] < key; });
    if (it == sorted_header_.end() || header_[*it] != names[s]) {
      throw io_error("csv_unknown_column", source_name() + ": the header has no column '" +
                                               ::mlguard::detail::utf8_printable(names[s]) + "'");
    }
    for (std::size_t k = 0; k < s; ++k) {
      if (names[k] == names[s]) {
        throw argument_error("duplicate_column",
                             "csv_reader::select: column '" + names[s] + "' is listed twice");
      }
    }
    const std::size_t old = slot_of(names[s]);
    if (old != npos) { // keep a kind declared before
      builders[s] = builders_[old];
      info[s] = info_[old];
    } else {
      builders[s].field = *it;
      info[s].name = names[s];
      info[s].field = *it;
    }
  }
  builders_ = std::move(builders);
  info_ = std::move(info);
  update_parse_flags();
}

inline void csv_reader::set_kind(std::string_view name, column_kind kind) {
  if (started_) {
    throw argument_error("invalid_option",
                         "csv_reader::set_kind must come before the first row is read");
  }
  const std::size_t s = slot_of(name);
  if (s == npos) {
    throw io_error("csv_unknown_column", source_name() + ": no column '" +
                                             ::mlguard::detail::utf8_printable(name) +
                                             "' among the columns read");
  }
  builders_[s].state =
      kind == column_kind::numeric ? detail::csv_build::numeric : detail::csv_build::categorical;
  info_[s].kind = kind;
  info_[s].declared = true;
  update_parse_flags();
}

inline bool csv_reader::next(table& chunk) {
  start();
  while (pending_ < options_.chunk_rows && next_row()) {
    ++pending_;
  }
  if (!decided_) {
    decide_kinds();
  }
  if (pending_ == 0) {
    return false;
  }
  chunk = take_table();
  return true;
}

template <typename AfterChunk>
table csv_reader::read_all(AfterChunk&& after_chunk) {
  start();
  std::size_t to_go = options_.chunk_rows; // rows until the next call
  while (next_row()) {
    ++pending_;
    if (--to_go == 0) {
      to_go = options_.chunk_rows;
      if (!decided_ && pending_ == options_.chunk_rows) {
        decide_kinds();
        reserve_rest();
      }
      after_chunk(rows_ + pending_);
    }
  }
  if (!decided_) {
    decide_kinds();
  }
  return take_table();
}

inline table csv_reader::read_all() {
  return read_all([](std::uint64_t) {});
}

} // namespace mlguard::io

#endif // MLGUARD_IO_DETAIL_CSV_READER_IMPL_HPP

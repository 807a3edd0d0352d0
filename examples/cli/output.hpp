#ifndef MLGUARD_CLI_OUTPUT_HPP
#define MLGUARD_CLI_OUTPUT_HPP

// How every `mlguard` command reads its input files and writes its result,
// so `--format` and `-o` mean the same thing everywhere:
//
//   --format text|json   text: a table for people; json: the document;
//                        drift, validate and monitor also take html: a
//                        self-contained page (report/*_html.hpp)
//   -o, --output FILE    write there (atomically, for JSON documents)
//                        instead of stdout
//
// A command whose result is a document other commands read (profile,
// schema) defaults to json; a command that reports (drift, validate, ...)
// defaults to text.
//
// Every command that reads CSV takes the same reader options (add_csv_options):
//
//   --encoding utf-8|latin-1   utf-8 (the default) is checked byte by byte;
//                              latin-1 decodes each byte as one character
//   --strict-csv               RFC 4180 to the letter: refuse a quote inside
//                              an unquoted field instead of keeping it
//   --max-columns N            refuse a wider header (default 20000)
//   --non-numbers error|missing  a text cell in a numeric column: an error
//                              with its place (default), or missing (counted,
//                              with a note on stderr)
//   --chunk-rows N             rows read at a time (default 65536): what
//                              profile, validate and monitor hold of the
//                              input; the first chunk also decides the kinds
//   -q, --quiet                no progress line on stderr (also global:
//                              `mlguard --quiet CMD`; progress.hpp)
//
// and opens its input the same way (open_csv, read_csv_input): "-" is
// standard input, and a gzip file (told by its first bytes) is decompressed
// when the CLI is built with zlib (the component mlguard::gzip).

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>
#include <mlguard/core/detail/file.hpp>
#include <mlguard/core/error.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/io/csv.hpp>
#include <mlguard/io/csv_reader.hpp>
#ifdef MLGUARD_CLI_GZIP
#include <mlguard/io/gzip_source.hpp>
#endif

#include "progress.hpp"

namespace mlguard::cli {

/// The result format and destination a command was given.
struct output_options {
  std::string format = "text"; ///< "text", "json" or (where offered) "html"
  std::string path;            ///< empty: stdout

  bool json() const { return format == "json"; }
  bool html() const { return format == "html"; }
};

/// Adds --format text|json (and html when `html` is set) and -o/--output FILE
/// to `cmd`, writing into `out` (whose format is the default).
inline void add_output_options(CLI::App* cmd, output_options& out, bool html = false) {
  if (html) {
    cmd->add_option("--format", out.format,
                    "Output format: text, json, or html (a self-contained page)")
        ->check(CLI::IsMember({"text", "json", "html"}))
        ->capture_default_str();
  } else {
    cmd->add_option("--format", out.format, "Output format: text or json")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();
  }
  cmd->add_option("-o,--output", out.path, "Write the result to FILE instead of stdout");
}

/// Adds -q/--quiet (no progress line on stderr; progress.hpp) to `cmd`. The
/// flag is global (`mlguard --quiet CMD`) and also taken after every command
/// that reads CSV (`mlguard CMD --quiet`).
inline void add_quiet_flag(CLI::App* cmd) {
  cmd->add_flag("-q,--quiet", quiet_flag(), "Show no progress line on stderr");
}

/// Adds --encoding utf-8|latin-1, --strict-csv, --max-columns, --chunk-rows,
/// --non-numbers and -q/--quiet to `cmd`, writing into `csv` (pass it to open_csv).
inline void add_csv_options(CLI::App* cmd, io::csv_options& csv) {
  add_quiet_flag(cmd);
  cmd->add_option_function<std::string>(
         "--encoding",
         [&csv](const std::string& name) {
           csv.encoding = name == "latin-1" ? io::csv_encoding::latin1 : io::csv_encoding::utf8;
         },
         "Text encoding of the CSV input: utf-8 (checked as read) or latin-1")
      ->transform(CLI::IsMember({"utf-8", "latin-1"}, CLI::ignore_case))
      ->default_str("utf-8");
  cmd->add_flag("--strict-csv", csv.strict,
                "Refuse a quote inside an unquoted field (by default it is kept as text)");
  cmd->add_option("--max-columns", csv.max_columns, "The most columns a CSV header may have")
      ->capture_default_str();
  cmd->add_option("--chunk-rows", csv.chunk_rows,
                  "Rows read at a time (memory against speed); the first chunk's rows also "
                  "decide which columns are numeric")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
      ->capture_default_str();
  cmd->add_option_function<std::string>(
         "--non-numbers",
         [&csv](const std::string& name) {
           csv.non_numbers =
               name == "missing" ? io::csv_non_numbers::missing : io::csv_non_numbers::error;
         },
         "A text cell in a numeric column: error (with its line and column) or missing")
      ->check(CLI::IsMember({"error", "missing"}))
      ->default_str("error");
}

/// Opens a command's CSV input for reading in chunks: "-" is standard input
/// (which one command can read once), a gzip file is decompressed when the
/// CLI has zlib. Throws io_error (open_failed, gzip_unsupported, the
/// header's errors) and argument_error (mlguard.argument.invalid_option:
/// "-" a second time).
inline io::csv_reader open_csv(const std::string& path, const io::csv_options& csv) {
  static std::atomic<bool> stdin_taken{false};
  if (path == "-" && stdin_taken.exchange(true)) {
    throw argument_error("invalid_option",
                         "standard input ('-') can be read once: give at most one input as '-'");
  }
#ifdef MLGUARD_CLI_GZIP
  return io::csv_reader(io::open_input(path), csv);
#else
  return io::csv_reader(io::open_plain_input(path), csv);
#endif
}

/// Says on stderr, per column, how many text cells `reader` read as missing
/// (--non-numbers missing) and where the first was.
inline void note_non_numbers(const io::csv_reader& reader) {
  for (const auto& c : reader.columns()) {
    if (c.non_numbers > 0 && c.first_non_number) {
      std::fprintf(stderr,
                   "mlguard: note: %s: column '%s': %llu text cells read as missing, the first "
                   "'%s' at line %llu, column %llu\n",
                   reader.source_name().c_str(), c.name.c_str(),
                   static_cast<unsigned long long>(c.non_numbers), c.first_non_number->text.c_str(),
                   static_cast<unsigned long long>(c.first_non_number->line),
                   static_cast<unsigned long long>(c.first_non_number->column));
    }
  }
}

/// A command's whole CSV input as a table (see open_csv), with a progress
/// line on a terminal (progress.hpp).
inline table read_csv_input(const std::string& path, const io::csv_options& csv) {
  auto reader = open_csv(path, csv);
  progress_bar progress = progress_of(reader);
  table out =
      reader.read_all([&](std::uint64_t rows) { progress.update(reader.bytes_read(), rows); });
  progress.finish();
  note_non_numbers(reader);
  return out;
}

/// The content of the file at `path`. Throws io_error (mlguard.io.open_failed, read_failed).
inline std::string read_text(const std::string& path) { return mlguard::detail::read_file(path); }

/// Writes `text` and a newline to `path`, or to stdout when `path` is empty.
/// A file is replaced atomically. Throws io_error (mlguard.io.write_failed).
inline void write_text(const std::string& path, std::string text) {
  text.push_back('\n');
  if (path.empty()) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
      throw io_error("write_failed", "cannot write to stdout");
    }
    return;
  }
  mlguard::detail::write_file_atomic(path, text);
}

/// A command's output written piece by piece as it is produced (`mlguard
/// monitor`'s window lines), so that its memory does not grow with the
/// output: to stdout as it comes, or to FILE through a temporary file beside
/// it that commit() renames over FILE, so FILE holds the old content or the
/// whole new one (the temporary is removed when the command fails before).
class streamed_output {
public:
  /// Output to `path`, or to stdout when it is empty. Throws io_error
  /// (mlguard.io.open_failed: the directory; mlguard.io.write_failed).
  explicit streamed_output(std::string path) : path_(std::move(path)) {
    if (path_.empty()) {
      return;
    }
    const auto slash = path_.find_last_of('/');
    const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    name_ = slash == std::string::npos ? path_ : path_.substr(slash + 1);
    if (name_.empty()) {
      throw io_error("write_failed", "cannot write " + path_ + ": not a file name");
    }
    dir_ = mlguard::detail::unique_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_) {
      mlguard::detail::throw_io("open_failed", "cannot open the directory of", path_, errno);
    }
    temp_ = "." + name_ + ".tmp." + std::to_string(::getpid());
    file_ = mlguard::detail::unique_fd(::openat(
        dir_.get(), temp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!file_) {
      mlguard::detail::throw_io("write_failed", "cannot create",
                                path_ + " (temporary " + temp_ + ")", errno);
    }
  }
  streamed_output(const streamed_output&) = delete;
  streamed_output& operator=(const streamed_output&) = delete;
  ~streamed_output() {
    if (file_) { // not committed: the command failed
      file_.reset();
      ::unlinkat(dir_.get(), temp_.c_str(), 0);
    }
  }

  /// Appends `text`. Throws io_error (mlguard.io.write_failed).
  void write(const std::string& text) {
    if (text.empty()) {
      return;
    }
    if (path_.empty()) {
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
        throw io_error("write_failed", "cannot write to stdout");
      }
      return;
    }
    mlguard::detail::write_all(file_.get(), text.data(), text.size(), path_);
  }

  /// Ends the output: the file is synced and renamed over FILE. Throws
  /// io_error (mlguard.io.write_failed).
  void commit() {
    if (path_.empty()) {
      return;
    }
    mlguard::detail::sync_fd(file_.get(), path_);
    file_.reset();
    if (::renameat(dir_.get(), temp_.c_str(), dir_.get(), name_.c_str()) != 0) {
      const int err = errno;
      ::unlinkat(dir_.get(), temp_.c_str(), 0);
      mlguard::detail::throw_io("write_failed", "cannot rename a temporary file onto", path_, err);
    }
    mlguard::detail::sync_fd(dir_.get(), path_ + " (its directory)");
  }

private:
  std::string path_;
  std::string name_;
  std::string temp_;
  mlguard::detail::unique_fd dir_;
  mlguard::detail::unique_fd file_;
};

/// Writes an HTML page (`--format html`) to `path`, or to stdout when `path`
/// is empty, ending with one newline. Throws as write_text.
inline void write_page(const std::string& path, std::string page) {
  if (!page.empty() && page.back() == '\n') {
    page.pop_back(); // write_text adds the newline
  }
  write_text(path, std::move(page));
}

/// Writes the command's result as `out` says: `document` (indented when it
/// goes to a terminal or file) for json, `text()` for text.
inline void emit(const output_options& out, const json& document,
                 const std::function<std::string()>& text) {
  if (out.json()) {
    write_text(out.path, dump_json(document, 2));
    return;
  }
  std::string t = text();
  if (!t.empty() && t.back() == '\n') {
    t.pop_back(); // write_text ends the output with one newline
  }
  write_text(out.path, std::move(t));
}

} // namespace mlguard::cli

#endif // MLGUARD_CLI_OUTPUT_HPP

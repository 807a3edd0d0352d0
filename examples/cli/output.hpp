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

#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>
#include <mlguard/core/detail/file.hpp>
#include <mlguard/core/error.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/io/csv.hpp>

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

/// Adds --encoding utf-8|latin-1, --strict-csv and --max-columns to `cmd`, writing into
/// `csv` (pass it to io::read_csv).
inline void add_csv_options(CLI::App* cmd, io::csv_options& csv) {
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

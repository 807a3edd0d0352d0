#ifndef MLGUARD_CLI_FILE_IO_HPP
#define MLGUARD_CLI_FILE_IO_HPP

// Whole-file reads and writes for the CLI's JSON documents.

#include <fstream>
#include <sstream>
#include <string>

#include <mlguard/core/error.hpp>

namespace mlguard::cli {

/// The content of `path`. Throws io_error (mlguard.io.open_failed, read_failed).
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw io_error("open_failed", path + ": cannot open for reading");
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    throw io_error("read_failed", path + ": read error");
  }
  return out.str();
}

/// Writes `text` (plus a newline) to `path`, or to stdout when `path` is
/// empty. Throws io_error (mlguard.io.write_failed).
inline void write_text(const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fputc('\n', stdout);
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text << '\n';
  out.flush();
  if (!out) {
    throw io_error("write_failed", path + ": cannot write");
  }
}

} // namespace mlguard::cli

#endif // MLGUARD_CLI_FILE_IO_HPP

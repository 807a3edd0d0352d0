#ifndef MLGUARD_CLI_TEXT_TABLE_HPP
#define MLGUARD_CLI_TEXT_TABLE_HPP

// Plain-text output of the mlguard CLI: aligned tables and their number cells.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlguard::cli {

/// A number for a text table: 6 significant digits, "-" for NaN.
inline std::string number_cell(double v) {
  if (std::isnan(v)) {
    return "-";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

/// An optional number for a text table: "-" when absent.
inline std::string number_cell(const std::optional<double>& v) {
  return v ? number_cell(*v) : std::string("-");
}

/// The columns `s` takes on a terminal: its UTF-8 code points (so "→" is one).
inline std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) {
    n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  return n;
}

/// An aligned plain-text table for the CLI's human-readable output.
class text_table {
public:
  explicit text_table(std::vector<std::string> header) : rows_{std::move(header)} {}

  /// Appends a row; missing cells print empty, extra cells are dropped.
  void add(std::vector<std::string> row) {
    row.resize(rows_.front().size());
    rows_.push_back(std::move(row));
  }

  /// The table, columns padded to their widest cell (in code points), separated by two spaces.
  std::string str() const {
    std::vector<std::size_t> width(rows_.front().size(), 0);
    for (const auto& row : rows_) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        width[i] = std::max(width[i], display_width(row[i]));
      }
    }
    std::string out;
    for (const auto& row : rows_) {
      std::string line;
      for (std::size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) {
          line.append(width[i] - display_width(row[i]) + 2, ' ');
        }
      }
      out += line + "\n";
    }
    return out;
  }

private:
  std::vector<std::vector<std::string>> rows_;
};

} // namespace mlguard::cli

#endif // MLGUARD_CLI_TEXT_TABLE_HPP

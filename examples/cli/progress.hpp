#ifndef MLGUARD_CLI_PROGRESS_HPP
#define MLGUARD_CLI_PROGRESS_HPP

// A progress line on stderr for commands that read large inputs: bytes (of
// the total when it is known), rate, ETA and rows, redrawn in place. Shown
// only when stderr is a terminal and --quiet is not given, and only once a
// command has run for a moment (short commands print nothing); the line is
// erased when the command is done, so what the command prints stays clean.
//
// MLGUARD_PROGRESS_DELAY_MS overrides the moment (default 500 ms; the tests
// set 0).
//
// How a command uses it (profile, validate and monitor do this; a new
// command reading CSV, e.g. `mlguard score`, does the same):
//
//   auto reader = open_csv(path, csv);              // output.hpp
//   progress_bar progress = progress_of(reader);
//   table chunk;
//   while (reader.next(chunk)) {
//     ... use the chunk ...
//     progress.update(reader);                      // bytes_read(), rows()
//   }
//   progress.finish();                              // before printing the result
//
// and for a whole-file read, read_csv_input(path, csv) (output.hpp) draws
// it already. Before writing to stdout while the line may be shown (stdout
// may be the same terminal), call clear(); the next update() redraws it.

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

namespace mlguard::cli {

/// --quiet: no progress line. Set by the global flag and by the flag of each
/// command that reads CSV (output.hpp's add_quiet_flag).
inline bool& quiet_flag() noexcept {
  static bool quiet = false;
  return quiet;
}

/// "12.3 MB", "1.2 GB": bytes in decimal units, one decimal ("999 B" below 1 kB).
inline std::string human_bytes(double bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  // 999.95 kB would print as "1000.0 kB": it is 1.0 MB.
  while (bytes >= (u == 0 ? 1000.0 : 999.95) && u < 4) {
    bytes /= 1000.0;
    ++u;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buffer;
}

/// "0:07", "1:02:03": a duration in seconds as [h:]m:ss (negative or NaN: "0:00").
inline std::string clock_text(double seconds) {
  const auto s = seconds > 0 ? static_cast<long long>(seconds + 0.5) : 0LL;
  char buffer[32];
  if (s >= 3600) {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld", s / 60, s % 60);
  }
  return buffer;
}

/// The progress line for `done` of `total` bytes (total 0: unknown) and
/// `rows` rows after `seconds`:
/// "input.csv  [#########-----------]  45%  123.4 MB of 274.2 MB  56.1 MB/s  ETA 0:03  1234567
/// rows" or, with no total, "input.csv  123.4 MB  56.1 MB/s  1234567 rows". With `width`
/// > 0, the line is fitted into that many characters: the bar goes first, then the
/// label is shortened from the left.
inline std::string progress_text(const std::string& label, std::uint64_t done, std::uint64_t total,
                                 std::uint64_t rows, double seconds, std::size_t width = 0) {
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::string bar;
  std::string numbers;
  if (total > 0) {
    const double fraction = std::min(1.0, static_cast<double>(done) / static_cast<double>(total));
    const int cells = 20;
    const int filled = static_cast<int>(fraction * cells);
    bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
          std::string(static_cast<std::size_t>(cells - filled), '-') + "]  ";
    char percent[16];
    std::snprintf(percent, sizeof percent, "%3.0f%%  ", fraction * 100.0);
    numbers += percent;
    numbers += human_bytes(static_cast<double>(done)) + " of " +
               human_bytes(static_cast<double>(total)) + "  ";
  } else {
    numbers += human_bytes(static_cast<double>(done)) + "  ";
  }
  numbers += human_bytes(rate) + "/s";
  if (total > 0 && rate > 0 && done < total) {
    numbers += "  ETA " + clock_text(static_cast<double>(total - done) / rate);
  }
  numbers += "  " + std::to_string(rows) + " rows";
  std::string name = label;
  if (width > 0 && name.size() + 2 + bar.size() + numbers.size() > width) {
    bar.clear();
    numbers.erase(0, numbers.find_first_not_of(' ')); // the percentage's padding
    if (name.size() + 2 + numbers.size() > width) {
      const std::size_t room = width > numbers.size() + 5 ? width - numbers.size() - 5 : 0;
      name = room > 0 ? "..." + name.substr(name.size() - std::min(room, name.size())) : "";
    }
  }
  std::string line = name.empty() ? "" : name + "  ";
  line += bar + numbers;
  if (width > 0 && line.size() > width) {
    line.resize(width);
  }
  return line;
}

/// Draws progress_text on stderr now and then (see the top of this header).
class progress_bar {
public:
  /// `label` names the input (its file name); `total` is its size in bytes
  /// (0: unknown, e.g. stdin); `quiet`: --quiet.
  progress_bar(std::string label, std::uint64_t total, bool quiet = quiet_flag())
      : label_(std::move(label)), total_(total), enabled_(!quiet && ::isatty(STDERR_FILENO) == 1),
        start_(clock::now()) {
    if (const char* delay = std::getenv("MLGUARD_PROGRESS_DELAY_MS")) {
      delay_ = std::chrono::milliseconds(std::max(0, std::atoi(delay)));
    }
    winsize size{};
    if (enabled_ && ::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1) {
      width_ = static_cast<std::size_t>(size.ws_col) - 1; // the last column would wrap
    }
  }
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  ~progress_bar() { finish(); }

  /// Whether anything may be drawn (stderr is a terminal, no --quiet).
  bool enabled() const noexcept { return enabled_; }

  /// Reports `done` bytes and `rows` rows so far; draws once the delay has
  /// passed, then at most 10 times a second.
  void update(std::uint64_t done, std::uint64_t rows) {
    if (!enabled_) {
      return;
    }
    const auto now = clock::now();
    if (now - start_ < delay_ ||
        (last_ != clock::time_point{} && now - last_ < std::chrono::milliseconds(100))) {
      return;
    }
    last_ = now;
    const std::string line = progress_text(
        label_, done, total_, rows, std::chrono::duration<double>(now - start_).count(), width_);
    // \r and erase-to-end-of-line: the line shrinks without leftovers.
    std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  /// update() from a reader: its bytes_read() and rows() (any type with those).
  template <typename Reader>
  void update(const Reader& reader) {
    update(reader.bytes_read(), reader.rows());
  }

  /// Erases the line (when one is shown); the next update() draws it again.
  void clear() {
    if (drawn_) {
      std::fprintf(stderr, "\r\x1b[K");
      std::fflush(stderr);
      drawn_ = false;
    }
  }

  /// Erases the line for good: nothing is drawn after this.
  void finish() {
    clear();
    enabled_ = false;
  }

private:
  using clock = std::chrono::steady_clock;
  std::string label_;
  std::uint64_t total_;
  bool enabled_;
  clock::time_point start_;
  clock::time_point last_{}; // the last draw; none yet
  std::chrono::milliseconds delay_{500};
  std::size_t width_ = 0; // 0: unknown, not fitted
  bool drawn_ = false;
};

/// The progress bar of a command reading `reader` (an io::csv_reader, or
/// any type with source_name() and total_bytes()): labelled with the
/// input's file name, of its size when known.
template <typename Reader>
progress_bar progress_of(const Reader& reader) {
  const std::string& name = reader.source_name();
  const auto slash = name.find_last_of('/');
  return progress_bar(slash == std::string::npos ? name : name.substr(slash + 1),
                      reader.total_bytes().value_or(0));
}

} // namespace mlguard::cli

#endif // MLGUARD_CLI_PROGRESS_HPP

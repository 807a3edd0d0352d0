// The progress line of the CLI (examples/cli/progress.hpp): its text, and the
// real `mlguard` drawing it on a pseudo-terminal, and only there.
#include "../../examples/cli/progress.hpp"

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace progress_test {

struct tty_result {
  int exit_code = -1;
  std::string out; // stdout (a pipe)
  std::string tty; // what the child wrote to the terminal: its stderr
};

// Runs `mlguard args...` with stderr (and stdin) on a pseudo-terminal and
// stdout on a pipe, with MLGUARD_PROGRESS_DELAY_MS=`delay` in its
// environment (nullptr: unset, the default delay).
tty_result run_on_tty(const std::vector<std::string>& args, const char* delay = "0") {
  int out_pipe[2];
  REQUIRE(::pipe(out_pipe) == 0);
  winsize size{};
  size.ws_col = 200;
  size.ws_row = 24;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    if (delay != nullptr) {
      ::setenv("MLGUARD_PROGRESS_DELAY_MS", delay, 1);
    } else {
      ::unsetenv("MLGUARD_PROGRESS_DELAY_MS");
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(MLGUARD_CLI_PATH));
    for (const auto& a : args) {
      argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  tty_result r;
  bool out_open = true;
  bool tty_open = true;
  char buffer[65536];
  while (out_open || tty_open) {
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {tty_open ? master : -1, POLLIN, 0}};
    if (::poll(fds, 2, 10000) <= 0) {
      if (errno == EINTR) {
        continue;
      }
      break; // nothing for 10 s: give up rather than hang
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
        if (n > 0) {
          (i == 0 ? r.out : r.tty).append(buffer, static_cast<std::size_t>(n));
        } else { // EOF, or EIO once the child closed the terminal
          (i == 0 ? out_open : tty_open) = false;
        }
      }
    }
  }
  ::close(out_pipe[0]);
  ::close(master);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// 70 000 rows: more than one chunk of csv_reader (65 536), so whole-file
// reads (drift) report progress too.
std::string data_csv(double shift) {
  std::string text = "x,c\n";
  char line[64];
  for (int i = 0; i < 70000; ++i) {
    std::snprintf(line, sizeof line, "%.3f,%s\n", (i % 1000) / 100.0 + shift,
                  i % 3 == 0 ? "a" : "b");
    text += line;
  }
  return text;
}

bool shows_progress(const std::string& tty) {
  return tty.find('\r') != std::string::npos &&
         (tty.find("MB/s") != std::string::npos || tty.find(" rows") != std::string::npos);
}

} // namespace progress_test

using namespace progress_test;

TEST_CASE("progress: human_bytes, clock_text and the progress line's text") {
  using namespace mlguard::cli;
  CHECK(human_bytes(0) == "0 B");
  CHECK(human_bytes(999) == "999 B");
  CHECK(human_bytes(1000) == "1.0 kB");
  CHECK(human_bytes(123456789) == "123.5 MB");
  CHECK(human_bytes(999960) == "1.0 MB"); // not "1000.0 kB"
  CHECK(human_bytes(1.5e12) == "1.5 TB");
  CHECK(human_bytes(2e15) == "2000.0 TB");
  CHECK(clock_text(0) == "0:00");
  CHECK(clock_text(7.4) == "0:07");
  CHECK(clock_text(62) == "1:02");
  CHECK(clock_text(3723) == "1:02:03");
  CHECK(clock_text(-5) == "0:00");

  CHECK(
      progress_text("in.csv", 50000000, 200000000, 1234, 2.0) ==
      "in.csv  [#####---------------]   25%  50.0 MB of 200.0 MB  25.0 MB/s  ETA 0:06  1234 rows");
  // Unknown total (a pipe): bytes, rate and rows, no bar and no ETA.
  CHECK(progress_text("<stdin>", 3000, 0, 10, 1.0) == "<stdin>  3.0 kB  3.0 kB/s  10 rows");
  // Done: 100%, no ETA; nothing yet: no rate.
  CHECK(progress_text("a", 10, 10, 1, 1.0) ==
        "a  [####################]  100%  10 B of 10 B  10 B/s  1 rows");
  CHECK(progress_text("a", 0, 10, 0, 0.0) ==
        "a  [--------------------]    0%  0 B of 10 B  0 B/s  0 rows");
  // A narrow terminal: the bar goes first, then the label loses its start,
  // then the label goes.
  CHECK(progress_text("a/long/path/to/data.csv", 50, 100, 7, 1.0, 72) ==
        "a/long/path/to/data.csv  50%  50 B of 100 B  50 B/s  ETA 0:01  7 rows");
  CHECK(progress_text("a/long/path/to/data.csv", 50, 100, 7, 1.0, 60) ==
        "...to/data.csv  50%  50 B of 100 B  50 B/s  ETA 0:01  7 rows");
  CHECK(progress_text("a/long/path/to/data.csv", 50, 100, 7, 1.0, 48) ==
        "50%  50 B of 100 B  50 B/s  ETA 0:01  7 rows");
  CHECK(progress_text("a/long/path/to/data.csv", 50, 100, 7, 1.0, 94).find("[##########") !=
        std::string::npos);
  CHECK(progress_text("x", 50, 100, 7, 1.0, 10).size() == 10);
}

TEST_CASE("progress: a line on a terminal's stderr that is erased at the end and leaves stdout "
          "unchanged, and none on a pipe or with --quiet") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", data_csv(0.0));
  const auto cur = dir.write("cur.csv", data_csv(0.5));
  REQUIRE(test::run_cli({"profile", ref, "-o", dir.file("p.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"schema", "infer", ref, "-o", dir.file("s.json")}).exit_code == 0);
  const std::vector<std::vector<std::string>> commands = {
      {"profile", cur},
      {"validate", "--schema", dir.file("s.json"), cur},
      {"validate", "--schema", dir.file("s.json"), "--reference-profile", dir.file("p.json"), cur},
      {"monitor", "--reference", ref, "--window", "20000", cur},
      {"monitor", "--reference", dir.file("p.json"), "--window", "20000", "--format", "json", cur},
      {"drift", ref, cur},
      {"schema", "infer", cur},
  };
  ::setenv("MLGUARD_PROGRESS_DELAY_MS", "0", 1); // for the runs on pipes too
  for (const auto& args : commands) {
    std::string joined;
    for (const auto& a : args) {
      joined += " " + a;
    }
    CAPTURE(joined);
    const auto plain = test::run_cli(args);
    const auto tty = run_on_tty(args);
    CHECK(tty.exit_code == plain.exit_code);
    CHECK(tty.out == plain.out); // the result is the same
    CHECK(shows_progress(tty.tty));
    // The line is erased at the end: the last thing on the terminal is the erase.
    CHECK(tty.tty.size() >= 4);
    CHECK(tty.tty.substr(tty.tty.size() - 4) == "\r\x1b[K");
    // stderr on a pipe: no progress line.
    CHECK(plain.err.find('\r') == std::string::npos);
    CHECK(plain.err.find(" rows") == std::string::npos);
    // --quiet, after the command or before it: nothing on the terminal.
    auto after = args;
    after.push_back("--quiet");
    const auto quiet = run_on_tty(after);
    CHECK(quiet.exit_code == plain.exit_code);
    CHECK(quiet.out == plain.out);
    CHECK(quiet.tty.empty());
    auto before = args;
    before.insert(before.begin(), "-q");
    CHECK(run_on_tty(before).tty.empty());
  }
  ::unsetenv("MLGUARD_PROGRESS_DELAY_MS");
}

TEST_CASE("progress: mlguard score draws the line on a terminal too, and none with --quiet") {
  using namespace progress_test;
  const test::temp_dir dir;
  serving::save_bundle(dir.file("bundle"), test::tip_bundle());
  const auto root = dir.file("registry");
  REQUIRE(test::run_cli({"registry", "--root", root, "publish", "tips", dir.file("bundle")})
              .exit_code == 0);
  const table trips = test::tip_trips(3, 12.0, 5000);
  std::string csv = "fare,distance\n";
  char line[80];
  for (std::size_t i = 0; i < trips.rows(); ++i) {
    std::snprintf(line, sizeof line, "%.17g,%.17g\n", trips.at("fare").values()[i],
                  trips.at("distance").values()[i]);
    csv += line;
  }
  const auto input = dir.write("trips.csv", csv);
  const std::vector<std::string> args{
      "score",        "--registry", root, "--model",         "models:/tips/1", input,
      "--chunk-rows", "500",        "-o", dir.file("p.csv"), "--no-record"};
  ::setenv("MLGUARD_PROGRESS_DELAY_MS", "0", 1);
  const auto tty = run_on_tty(args);
  CHECK_MESSAGE(tty.exit_code == 0, tty.tty);
  CHECK(shows_progress(tty.tty));
  auto quiet = args;
  quiet.push_back("--quiet");
  const auto silent = run_on_tty(quiet);
  CHECK(silent.exit_code == 0);
  CHECK(silent.tty.empty());
  CHECK(test::run_cli(args).err.empty()); // stderr on a pipe: no line
  ::unsetenv("MLGUARD_PROGRESS_DELAY_MS");
}

TEST_CASE("progress: the default delay keeps a short command silent on a terminal") {
  const test::temp_dir dir;
  const auto small = dir.write("small.csv", "x\n1\n2\n");
  const auto r = run_on_tty({"profile", small}, nullptr); // 500 ms: far longer than the run
  CHECK(r.exit_code == 0);
  CHECK(r.tty.empty());
  CHECK(r.out.find("mlguard.profile") != std::string::npos);
}

#ifndef MLGUARD_TESTS_POSTGRES_SERVER_HPP
#define MLGUARD_TESTS_POSTGRES_SERVER_HPP

// A real PostgreSQL server for the tests, private to one test process.
//
// initdb makes a cluster in a fresh directory under /tmp; postgres listens only on a
// unix socket in that directory (listen_addresses = '', so no TCP port is taken and
// parallel test runs never collide). PostgreSQL refuses to run as root: when the tests
// run as root (CI, containers) every server command runs as the unprivileged user
// `nobody` through runuser(1) (util-linux, on every Debian), and the directory is
// chown'ed to it; as any other user the commands run as that user. The superuser of
// the cluster is "postgres" (initdb -U), with trust authentication on the socket only.
//
// The server is stopped (pg_ctl stop -m fast) and its directory removed by a watchdog
// process that waits for the test process to go away, however it goes (a failed
// assertion, an exception, a crash, SIGKILL): the watchdog's end of a pipe reads EOF
// when the last holder of the other end exits.
//
// Binaries: MLGUARD_POSTGRES_BIN, else /usr/lib/postgresql/<newest>/bin (Debian's
// postgresql package). Without them, shared_postgres() is null and the tests say so.

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "process.hpp"

namespace mlguard::test {

/// A PostgreSQL cluster in a temporary directory (see the comment at the top).
class postgres_server {
public:
  /// The bin directory holding initdb, pg_ctl and postgres, or "" when there is none.
  static std::string find_binaries() {
    if (const char* env = std::getenv("MLGUARD_POSTGRES_BIN"); env != nullptr && *env != '\0') {
      return std::filesystem::exists(std::string(env) + "/initdb") ? env : "";
    }
    std::string best;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
      const auto bin = entry.path().string() + "/bin";
      if (std::filesystem::exists(bin + "/initdb") && std::filesystem::exists(bin + "/pg_ctl") &&
          (best.empty() ||
           std::stoi(entry.path().filename().string()) >
               std::stoi(std::filesystem::path(best).parent_path().filename().string()))) {
        best = bin;
      }
    }
    return best;
  }

  /// Creates and starts the cluster. Throws std::runtime_error (with initdb's or
  /// pg_ctl's output) when it cannot.
  explicit postgres_server(std::string bin) : bin_(std::move(bin)) {
    char pattern[] = "/tmp/mlguard-pg-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    if (::geteuid() == 0) {
      const passwd* pw = ::getpwnam("nobody");
      if (pw == nullptr || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("cannot hand " + dir_ + " to the user nobody");
      }
    }
    start_watchdog();
    must(as_server_user({bin_ + "/initdb", "-D", dir_ + "/data", "-U", "postgres", "-A", "trust",
                         "--no-sync", "-E", "UTF8", "--locale=C"}),
         "initdb");
    start();
  }

  ~postgres_server() {
    // Closing our end wakes the watchdog, which stops the server and removes the
    // directory; wait for it so the next test process starts clean.
    ::close(watchdog_pipe_);
    int status = 0;
    while (::waitpid(watchdog_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  postgres_server(const postgres_server&) = delete;
  postgres_server& operator=(const postgres_server&) = delete;

  /// Starts the server (again, after stop()); waits until it accepts connections.
  void start() {
    must(as_server_user({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/log", "-w", "-t",
                         "60", "-o",
                         "-c listen_addresses='' -k " + dir_ +
                             " -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                             "-c max_connections=60",
                         "start"}),
         "pg_ctl start");
  }

  /// Stops the server (fast: open transactions are rolled back, clients disconnected).
  void stop() {
    must(as_server_user({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}),
         "pg_ctl stop");
  }

  /// The connection URL of database `db` as `user` (the superuser by default).
  std::string url(const std::string& db = "postgres", const std::string& user = "postgres") const {
    return "postgresql://" + user + "@/" + db + "?host=" + dir_;
  }
  const std::string& dir() const { return dir_; }

  /// A schema name no other test of this process used.
  static std::string fresh_schema() {
    static std::atomic<int> counter{0};
    return "t" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  }

private:
  process_result as_server_user(std::vector<std::string> argv) const {
    if (::geteuid() == 0) {
      argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "nobody", "--"});
      if (!std::filesystem::exists(argv[0])) {
        argv[0] = "/sbin/runuser";
      }
    }
    return run_process(argv);
  }

  static void must(const process_result& r, const std::string& what) {
    if (r.exit_code != 0) {
      throw std::runtime_error(what + " failed (" + std::to_string(r.exit_code) + "): " + r.out +
                               r.err);
    }
  }

  void start_watchdog() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    // Everything the child needs is prepared before fork (it only reads and execs).
    std::string script = bin_ + "/pg_ctl -D " + dir_ + "/data -m fast -w stop >/dev/null 2>&1";
    if (::geteuid() == 0) {
      script = "runuser -u nobody -- " + script;
    }
    script = "exec </dev/null; if [ -f " + dir_ + "/data/postmaster.pid ]; then " + script +
             "; fi; rm -rf " + dir_;
    const char* argv[] = {"/bin/sh", "-c", script.c_str(), nullptr};
    const pid_t pid = ::fork();
    if (pid < 0) {
      throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
      ::close(fds[1]);
      ::setsid(); // not killed with the test's process group (Ctrl-C)
      char c = 0;
      while (::read(fds[0], &c, 1) != 0) {
        if (errno != EINTR) {
          break;
        }
      }
      ::execv("/bin/sh", const_cast<char* const*>(argv));
      ::_exit(127);
    }
    ::close(fds[0]);
    watchdog_ = pid;
    watchdog_pipe_ = fds[1];
  }

  std::string bin_;
  std::string dir_;
  pid_t watchdog_ = -1;
  int watchdog_pipe_ = -1;
};

/// The test process's server, started on first use; null (with the reason printed once)
/// when PostgreSQL's binaries are absent or it cannot start.
inline postgres_server* shared_postgres() {
  static std::unique_ptr<postgres_server> server = []() -> std::unique_ptr<postgres_server> {
    const auto bin = postgres_server::find_binaries();
    if (bin.empty()) {
      std::fprintf(stderr, "mlguard tests: PostgreSQL's server binaries are absent "
                           "(Debian: apt-get install postgresql); PostgreSQL tests skipped\n");
      return nullptr;
    }
    try {
      return std::make_unique<postgres_server>(bin);
    } catch (const std::exception& e) {
      std::fprintf(stderr,
                   "mlguard tests: cannot start PostgreSQL (%s); PostgreSQL tests skipped\n",
                   e.what());
      return nullptr;
    }
  }();
  return server.get();
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_POSTGRES_SERVER_HPP

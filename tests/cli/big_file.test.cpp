// The big-file test (ctest label big_file): `mlguard profile`, `validate`,
// `monitor` and `score` on a generated CSV of MLGUARD_BIG_CSV_MB megabytes (default 200;
// 1000 for the 1 GB check of issue 15, run by hand) keep their peak RSS
// under 200 MB, because they read the file in chunks.
//
//   MLGUARD_BIG_CSV_MB=1000 ctest --test-dir build/dev -L big_file --verbose
//
// Measured (docs/performance.md): 1000 MB, 33 M rows, peaks of 12-19 MiB in
// 4-10 s per command (1015-1022 MiB before the commands streamed); the
// default 200 MB takes about 5 s in all, 12 s under ASan+UBSan in CI.
//
// The peak RSS is the child's ru_maxrss, read with wait4(). Under
// AddressSanitizer the children get a small quarantine (ASan would otherwise
// keep up to 256 MB of freed chunks), so the bound means the same there.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "test_support.hpp"

extern char** environ;

using namespace mlguard;

namespace big_file_test {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool asan = true;
#else
constexpr bool asan = false;
#endif
#else
constexpr bool asan = false;
#endif

struct measured {
  int exit_code = -1;
  long max_rss_kb = 0;
  double seconds = 0;
};

// Runs `mlguard args...` with stdout to `out` and stderr to `err` (files),
// and measures its peak resident set size.
measured run_measured(const std::vector<std::string>& args, const std::string& out,
                      const std::string& err) {
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "ASAN_OPTIONS=", 13) != 0) {
      env_text.emplace_back(*e);
    }
  }
  if (asan) {
    const char* old = std::getenv("ASAN_OPTIONS");
    env_text.push_back(std::string("ASAN_OPTIONS=") + (old != nullptr ? old : "") +
                       (old != nullptr && *old != '\0' ? ":" : "") +
                       "quarantine_size_mb=16:thread_local_quarantine_size_kb=256");
  }
  std::vector<char*> envp;
  for (auto& e : env_text) {
    envp.push_back(e.data());
  }
  envp.push_back(nullptr);
  std::vector<std::string> argv_text = {MLGUARD_CLI_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  measured m;
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    REQUIRE(errno == EINTR);
  }
  m.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  m.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  m.max_rss_kb = usage.ru_maxrss;
  return m;
}

// A fast, seeded generator (xorshift64*), so a gigabyte is written in seconds.
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545F4914F6CDD1DULL;
  }
  std::uint64_t below(std::uint64_t n) { return (next() >> 11) % n; }
};

// Appends `v` in decimal.
char* put_uint(char* p, std::uint64_t v) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) {
    *p++ = digits[--n];
  }
  return p;
}

// Appends v / 10^decimals with exactly `decimals` digits after the point.
char* put_fixed(char* p, std::int64_t v, int decimals) {
  if (v < 0) {
    *p++ = '-';
    v = -v;
  }
  std::uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) {
    scale *= 10;
  }
  p = put_uint(p, static_cast<std::uint64_t>(v) / scale);
  *p++ = '.';
  std::uint64_t frac = static_cast<std::uint64_t>(v) % scale;
  for (int i = decimals - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  return p + decimals;
}

// Writes a CSV of at least `bytes` bytes (whole rows) to `path`: amount
// (about normal, 4 decimals, 1% missing), items (integer 0..1000), score
// (0..100, 2 decimals), city (6 categories), kind (3). Returns the rows.
// `shift` moves amount and the city mix, for a drifting stream.
std::uint64_t write_csv(const std::string& path, std::uint64_t bytes, std::uint64_t seed,
                        bool shift) {
  static const char* cities[] = {"paris", "lyon", "marseille", "lille", "nantes", "strasbourg"};
  static const char* kinds[] = {"card", "cash", "transfer"};
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  std::vector<char> buffer(1 << 20);
  const char header[] = "amount,items,score,city,kind\n";
  std::fwrite(header, 1, sizeof header - 1, f);
  std::uint64_t written = sizeof header - 1;
  std::uint64_t rows = 0;
  rng r{seed * 2654435761ULL + 1};
  while (written < bytes) {
    char* p = buffer.data();
    char* const end = buffer.data() + buffer.size() - 128;
    while (p < end && written + static_cast<std::uint64_t>(p - buffer.data()) < bytes) {
      if (r.below(100) != 0) {
        // A sum of four uniforms: bell-shaped, in [-2, 2) (shifted by 0.5).
        std::int64_t a = -20000;
        for (int k = 0; k < 4; ++k) {
          a += static_cast<std::int64_t>(r.below(10000));
        }
        p = put_fixed(p, a + (shift ? 5000 : 0), 4);
      }
      *p++ = ',';
      p = put_uint(p, r.below(1001));
      *p++ = ',';
      p = put_fixed(p, static_cast<std::int64_t>(r.below(10001)), 2);
      *p++ = ',';
      const char* city = cities[shift && r.below(3) == 0 ? 0 : r.below(6)];
      const std::size_t len = std::strlen(city);
      std::memcpy(p, city, len);
      p += len;
      *p++ = ',';
      const char* kind = kinds[r.below(3)];
      const std::size_t klen = std::strlen(kind);
      std::memcpy(p, kind, klen);
      p += klen;
      *p++ = '\n';
      ++rows;
    }
    const auto n = static_cast<std::size_t>(p - buffer.data());
    REQUIRE(std::fwrite(buffer.data(), 1, n, f) == n);
    written += n;
  }
  REQUIRE(std::fclose(f) == 0);
  return rows;
}

std::uint64_t big_csv_megabytes() {
  if (const char* mb = std::getenv("MLGUARD_BIG_CSV_MB")) {
    const long long v = std::atoll(mb);
    if (v > 0) {
      return static_cast<std::uint64_t>(v);
    }
  }
  return 200;
}

} // namespace big_file_test

using namespace big_file_test;

TEST_CASE("big file: profile, validate, monitor and score of a large CSV peak under 200 MB" *
          doctest::test_suite("big_file")) {
  const std::uint64_t megabytes = big_csv_megabytes();
  const long bound_kb = 200 * 1000; // 200 MB, as issue 15 asks (ru_maxrss is in KiB: stricter)
  const test::temp_dir dir;
  const auto big = dir.file("big.csv");
  const auto ref = dir.file("ref.csv");
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t rows = write_csv(big, megabytes * 1000000, 1, true);
  write_csv(ref, 2000000, 2, false); // 2 MB of training data
  const double generated =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  MESSAGE("generated " << megabytes << " MB (" << rows << " rows) in " << generated << " s");

  REQUIRE(test::run_cli({"schema", "infer", ref, "-o", dir.file("schema.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"profile", ref, "-o", dir.file("ref.json")}).exit_code == 0);
  // score's model: `score` from amount and items (with the city), fitted on the
  // training rows, bundled and published as big@champion.
  {
    const std::vector<std::string> features{"amount", "items"};
    const table train = io::read_csv(ref);
    pipeline::static_pipeline<pipeline::imputer, pipeline::standard_scaler,
                              pipeline::linear_regression>
        fitted;
    fitted.fit(to_matrix<Eigen::MatrixXd>(train, features), features, train.at("score").vector());
    fitted.save(dir.file("pipeline.json"));
    const auto made = test::run_cli({"bundle", "create", "--pipeline", dir.file("pipeline.json"),
                                     "--data", ref, "--out", dir.file("bundle")});
    REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    const auto root = dir.file("registry");
    REQUIRE(test::run_cli({"registry", "--root", root, "publish", "big", dir.file("bundle")})
                .exit_code == 0);
    REQUIRE(
        test::run_cli({"registry", "--root", root, "alias", "big", "champion", "1"}).exit_code ==
        0);
  }

  struct step {
    const char* name;
    std::vector<std::string> args;
    int exit_code;
  };
  const std::vector<step> steps = {
      {"profile", {"profile", big, "-o", dir.file("big.json")}, 0},
      {"validate",
       {"validate", "--schema", dir.file("schema.json"), "--reference-profile",
        dir.file("ref.json"), "--format", "json", "-o", dir.file("report.json"), big},
       1},
      {"monitor",
       {"monitor", "--reference", ref, "--window", "100000", "--format", "json", "-o",
        dir.file("windows.jsonl"), big},
       1},
      // Exit 1: the shifted amount drifts against the bundle's reference profile.
      {"score",
       {"score", "--registry", dir.file("registry"), "--model", "big@champion", big, "-o",
        dir.file("predictions.csv"), "--report", dir.file("score.json")},
       1},
  };
  for (const auto& s : steps) {
    CAPTURE(s.name);
    const auto m = run_measured(s.args, dir.file("out.txt"), dir.file("err.txt"));
    MESSAGE(std::string(s.name) << ": " << megabytes << " MB in " << m.seconds << " s, peak RSS "
                                << static_cast<double>(m.max_rss_kb) / 1024.0 << " MiB");
    const std::string err = test::read_file(dir.file("err.txt"));
    CHECK_MESSAGE(m.exit_code == s.exit_code, err);
    CHECK(m.max_rss_kb < bound_kb);
  }
  // The results cover every row.
  const auto profile = parse_json(test::read_file(dir.file("big.json")), "big.json");
  CHECK(profile["rows"] == rows);
  CHECK(profile["features"]["city"]["count"] == rows);
  const auto report = parse_json(test::read_file(dir.file("report.json")), "report.json");
  CHECK(report["rows"] == rows);
  const auto windows = test::json_lines(test::read_file(dir.file("windows.jsonl")));
  REQUIRE(!windows.empty());
  CHECK(windows.size() == rows / 100000);
  CHECK(windows.back()["last_row"] == rows / 100000 * 100000);
  const auto scored = parse_json(test::read_file(dir.file("score.json")), "score.json");
  CHECK(scored["input"]["rows"] == rows);
  CHECK(scored["drift"]["inputs"]["rows"] == rows);
  CHECK(scored["counts"]["ok"].get<std::uint64_t>() +
            scored["counts"]["imputed"].get<std::uint64_t>() +
            scored["counts"]["flagged"].get<std::uint64_t>() +
            scored["counts"]["rejected"].get<std::uint64_t>() ==
        rows);
}

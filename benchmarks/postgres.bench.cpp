// bench_postgres: what the PostgreSQL registry costs, on a real server.
//
//   bench_postgres [MOVES]
//
// Uses the server at MLGUARD_REGISTRY_URL (a scratch schema, dropped at the end), or
// starts a private one the way the tests do (tests/postgres/postgres_server.hpp: initdb
// in /tmp, a unix socket, fsync off). Prints:
//   - the mean and p99 time of the calls a service makes (register_version, set_alias,
//     resolve, changes_since with nothing new), one connection, one thread;
//   - the notification latency: a follower in another process (this program again,
//     `bench_postgres follow URL SCHEMA N`) watches the model; the parent moves an alias
//     MOVES times (default 200) at irregular 5-25 ms intervals; each latency runs from
//     just before set_alias is called to the follower's wake-up (CLOCK_MONOTONIC, one
//     machine), so it includes the commit. Target: p99 < 100 ms.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "mlguard/registry/postgres_registry.hpp"
#include "postgres/postgres_server.hpp"

using namespace mlguard;

namespace {

long long monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

/// "min p50 p90 p99 max" of `ms` (sorted in place).
std::string distribution(std::vector<double>& ms) {
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) {
    return ms[std::min(ms.size() - 1,
                       static_cast<std::size_t>(p * static_cast<double>(ms.size())))];
  };
  char line[200];
  std::snprintf(line, sizeof line, "min %.3f  p50 %.3f  p90 %.3f  p99 %.3f  max %.3f ms",
                ms.front(), at(0.5), at(0.9), at(0.99), ms.back());
  return line;
}

template <class F>
void time_calls(const char* what, int n, F&& call) {
  std::vector<double> ms;
  double total = 0;
  for (int i = 0; i < n; ++i) {
    const auto t = monotonic_ns();
    call(i);
    ms.push_back(static_cast<double>(monotonic_ns() - t) / 1e6);
    total += ms.back();
  }
  std::printf("%-34s mean %.3f ms  %s\n", what, total / n, distribution(ms).c_str());
}

int follow(const std::string& url, const std::string& schema, int count) {
  registry::postgres_registry_options o;
  o.url = url;
  o.schema = schema;
  registry::postgres_registry reg(o);
  std::uint64_t seen = reg.get_model("bench").sequence;
  std::printf("ready\n");
  std::fflush(stdout);
  for (int got = 0; got < count;) {
    for (const auto& r : reg.watch("bench", seen, std::chrono::seconds(10))) {
      const auto now = monotonic_ns();
      seen = r.sequence;
      if (!r.alias.empty()) {
        std::printf("w %llu %lld\n", static_cast<unsigned long long>(r.sequence), now);
        ++got;
      }
    }
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (argc == 5 && std::string(argv[1]) == "follow") {
      return follow(argv[2], argv[3], std::atoi(argv[4]));
    }
    const int moves = argc > 1 ? std::max(10, std::atoi(argv[1])) : 200;
    std::unique_ptr<test::postgres_server> own;
    std::string url;
    if (const char* env = std::getenv("MLGUARD_REGISTRY_URL"); env != nullptr && *env != '\0') {
      url = env;
    } else {
      const auto bin = test::postgres_server::find_binaries();
      if (bin.empty()) {
        std::fprintf(stderr, "bench_postgres: set MLGUARD_REGISTRY_URL, or install Debian's "
                             "postgresql for a private server\n");
        return 2;
      }
      own = std::make_unique<test::postgres_server>(bin);
      url = own->url();
    }
    const auto schema = "bench_" + test::postgres_server::fresh_schema();
    registry::postgres_registry_options o;
    o.url = url;
    o.schema = schema;
    registry::postgres_registry reg(o);
    std::printf("bench_postgres: %s, schema %s%s\n", reg.where().c_str(), schema.c_str(),
                own ? " (a private server, fsync off)" : "");

    reg.create_model("bench");
    time_calls("register_version", 500,
               [&](int i) { reg.register_version("bench", "s3://bench/" + std::to_string(i)); });
    time_calls("set_alias (compare-and-swap)", 500, [&](int i) {
      const int from = i == 0 ? 0 : i;
      reg.set_alias("bench", "champion", i + 1,
                    from == 0 ? registry::alias_expectation::absent()
                              : registry::alias_expectation::version(from));
    });
    time_calls("resolve models:/bench@champion", 2000,
               [&](int) { (void)reg.resolve("models:/bench@champion"); });
    const auto at = reg.get_model("bench").sequence;
    time_calls("changes_since (nothing new)", 2000,
               [&](int) { (void)reg.changes_since("bench", at); });

    test::child_process follower({"/proc/self/exe", "follow", url, schema, std::to_string(moves)});
    if (!follower.wait_for("ready\n", 30000)) {
      std::fprintf(stderr, "bench_postgres: the follower did not start\n");
      return 1;
    }
    std::map<std::uint64_t, long long> sent;
    for (int i = 0; i < moves; ++i) {
      ::usleep(static_cast<useconds_t>(5000 + (i * 7919) % 20000));
      const auto t = monotonic_ns();
      const auto r = reg.set_alias("bench", "champion", 1 + i % 500);
      sent[r.sequence] = t;
    }
    follower.wait_for("w " + std::to_string(sent.rbegin()->first) + " ", 30000);
    follower.kill_and_reap();
    std::vector<double> ms;
    std::istringstream in(follower.text);
    for (std::string tag; in >> tag;) {
      if (tag == "w") {
        unsigned long long seq = 0;
        long long ns = 0;
        in >> seq >> ns;
        const auto it = sent.find(seq);
        if (it != sent.end()) {
          ms.push_back(static_cast<double>(ns - it->second) / 1e6);
        }
      }
    }
    std::printf("alias move -> follower woken (%zu of %d moves, another process):\n  %s\n",
                ms.size(), moves, distribution(ms).c_str());
    pqxx::connection c(url);
    pqxx::nontransaction drop(c);
    drop.exec("DROP SCHEMA " + drop.quote_name(schema) + " CASCADE");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_postgres: %s\n", e.what());
    return 1;
  }
}

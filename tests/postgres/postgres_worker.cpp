// A child process for the PostgreSQL registry's multi-process tests
// (tests/postgres/postgres_registry.test.cpp). Each opens its own postgres_registry, so
// its own connections.
//
//   mlguard_postgres_worker fleet URL SCHEMA MODEL COUNT GO_FILE
//       prints "ready", waits until GO_FILE exists (so all workers start at once), then
//       COUNT times:
//       registers a version and prints "v VERSION SEQUENCE"; reads alias "champion" and
//       moves it to that version with a compare-and-swap from what it read, printing
//       "a VERSION FROM SEQUENCE" when it won, "c VERSION FROM CURRENT" when it lost.
//       FROM/CURRENT are "-" for absent. Every line is printed after the call returned;
//       "done" last.
//   mlguard_postgres_worker follow URL SCHEMA MODEL COUNT
//       prints "ready", then watches MODEL and prints "w SEQUENCE NANOSECONDS" (the
//       monotonic clock when watch returned) for each alias record, until it has seen
//       COUNT of them.
//   mlguard_postgres_worker churn URL SCHEMA MODEL
//       prints "ready", then forever: registers a version ("v N"), moves "champion" to
//       it ("a N"), each printed after it was acknowledged. A guard sleeps 2 ms inside
//       each alias move's transaction, so a killed connection often dies mid-transaction.
//       An error prints "e ID MESSAGE", pauses 50 ms and goes on.
//
// Exit status 0 on success, 1 on an error (printed to stderr).
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>

#include "mlguard/registry/postgres_registry.hpp"

using namespace mlguard::registry;

namespace {

std::string show(std::optional<int> v) { return v ? std::to_string(*v) : "-"; }

long long monotonic_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 5) {
      std::fprintf(stderr, "usage: %s fleet|follow|churn URL SCHEMA MODEL [COUNT]\n", argv[0]);
      return 2;
    }
    const std::string mode = argv[1];
    const std::string model = argv[4];
    postgres_registry_options options;
    options.url = argv[2];
    options.schema = argv[3];
    if (mode == "churn") {
      options.retries = 2; // so an outage of a second or more shows as errors
      options.retry_delay = std::chrono::milliseconds(50);
    }
    postgres_registry reg(options);
    const change_context who{"worker-" + std::to_string(::getpid()), "test"};
    if (mode == "fleet" && argc >= 7) {
      const int count = std::atoi(argv[5]);
      std::printf("ready\n");
      std::fflush(stdout);
      struct stat go {};
      while (::stat(argv[6], &go) != 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      for (int i = 0; i < count; ++i) {
        const auto v = reg.register_version(
            model, "s3://fleet/" + std::to_string(::getpid()) + "/" + std::to_string(i), {}, who);
        std::printf("v %d\n", v.version);
        const auto current = reg.alias_version(model, "champion");
        const auto moved = reg.set_alias(
            model, "champion", v.version,
            current ? alias_expectation::version(*current) : alias_expectation::absent(), who);
        if (moved.outcome == alias_outcome::applied) {
          std::printf("a %d %s %llu\n", v.version, show(current).c_str(),
                      static_cast<unsigned long long>(moved.sequence));
        } else {
          std::printf("c %d %s %s\n", v.version, show(current).c_str(),
                      show(moved.current).c_str());
        }
      }
      std::printf("done\n");
      std::fflush(stdout);
      return 0;
    }
    if (mode == "follow" && argc >= 6) {
      const int count = std::atoi(argv[5]);
      std::uint64_t seen = reg.get_model(model).sequence;
      std::printf("ready\n");
      std::fflush(stdout);
      int got = 0;
      while (got < count) {
        for (const auto& r : reg.watch(model, seen, std::chrono::seconds(10))) {
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
    if (mode == "churn") {
      reg.guards().add("slow", [](const transition&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        return guard_verdict::allow();
      });
      std::printf("ready\n");
      std::fflush(stdout);
      for (long i = 0;; ++i) {
        try {
          const auto v = reg.register_version(model, "s3://churn/" + std::to_string(i), {}, who);
          std::printf("v %d\n", v.version);
          std::fflush(stdout);
          const auto moved =
              reg.set_alias(model, "champion", v.version, alias_expectation::any(), who);
          if (moved.outcome == alias_outcome::applied) {
            std::printf("a %d\n", v.version);
            std::fflush(stdout);
          }
        } catch (const mlguard::error& e) {
          std::string message = e.what();
          for (auto& c : message) {
            c = c == '\n' ? ' ' : c;
          }
          std::printf("e %s %s\n", std::string(e.id()).c_str(), message.c_str());
          std::fflush(stdout);
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
      }
    }
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker: %s\n", e.what());
    return 1;
  }
}

// Several writer threads, one verdict; run under ThreadSanitizer (tsan preset).
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "mlguard/drift/concurrent_monitor.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {
std::vector<feature_reference> references(std::size_t n) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  std::vector<double> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = normal(rng);
    b[i] = 2.0 * normal(rng) + 1.0;
  }
  return {feature_reference::from_sample("a", a), feature_reference::from_sample("b", b)};
}
} // namespace

TEST_CASE("concurrent_monitor: two writers and a collecting reader lose no row") {
  monitor_options o;
  o.stat = method::ks_2samp;
  o.window = window_options::tumbling(200000); // each shard's capacity per collect
  concurrent_monitor m(references(2000), o, 2);
  constexpr std::size_t per_writer = 20000;
  std::atomic<int> done{0};
  auto writer = [&](std::size_t shard) {
    std::mt19937_64 rng(100 + shard);
    std::normal_distribution<double> normal;
    for (std::size_t i = 0; i < per_writer; ++i) {
      const double row[2] = {normal(rng) + (shard == 1 ? 0.5 : 0.0), 2.0 * normal(rng) + 1.0};
      m.observe(shard, row);
    }
    done.fetch_add(1);
  };
  std::thread w0(writer, 0);
  std::thread w1(writer, 1);
  std::uint64_t collected = 0;
  std::size_t reports = 0;
  do { // collect while the writers run (at least once)
    const auto r = m.collect();
    collected += r.rows;
    ++reports;
    CHECK(r.drift.columns.size() == 2);
    std::this_thread::yield();
  } while (done.load() < 2);
  w0.join();
  w1.join();
  const auto last = m.collect();
  collected += last.rows;
  CHECK(collected == 2 * per_writer);
  MESSAGE(reports << " collects ran while the writers wrote");
  MLGUARD_CHECK_THROWS_ID(m.observe(2, nullptr), "mlguard.argument.out_of_range");
}

TEST_CASE("concurrent_monitor: a collect equals one monitor over the same rows") {
  monitor_options o;
  o.stat = method::psi;
  o.window = window_options::tumbling(10000);
  const auto refs = references(3000);
  concurrent_monitor m(refs, o, 3);
  std::vector<window_report> single;
  drift_monitor whole(refs, o, [&](const window_report& w) { single.push_back(w); });
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  for (std::size_t i = 0; i < 3000; ++i) {
    const double row[2] = {normal(rng) * 1.2, normal(rng)};
    m.observe(i % 3, row);
    whole.observe(row);
  }
  REQUIRE(whole.flush());
  const auto r = m.collect();
  CHECK(r.rows == 3000);
  for (std::size_t f = 0; f < 2; ++f) {
    CHECK(r.drift.columns[f].statistic == single[0].drift.columns[f].statistic);
  }
  CHECK(m.collect().rows == 0);
  MLGUARD_CHECK_THROWS_ID(concurrent_monitor(refs, o, 0), "mlguard.drift.invalid_option");
  o.window = window_options::sliding(10, 5);
  MLGUARD_CHECK_THROWS_ID(concurrent_monitor(refs, o, 2), "mlguard.drift.invalid_option");
}

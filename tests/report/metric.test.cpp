#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include <mlguard/report/metric.hpp>

#include "test_support.hpp"

using namespace mlguard;
using report::histogram;

TEST_CASE("counter and gauge: inc, set and add") {
  report::counter c;
  CHECK(c.value() == 0);
  c.inc();
  c.inc(41);
  CHECK(c.value() == 42);

  report::gauge g;
  CHECK(g.value() == 0.0);
  g.set(2.5);
  g.add(-1.0);
  CHECK(g.value() == 1.5);
  g.set(std::numeric_limits<double>::infinity());
  CHECK(std::isinf(g.value()));
}

TEST_CASE("histogram: bounds are inclusive upper bounds, +Inf takes the rest, NaN is ignored") {
  histogram h({1.0, 2.0, 5.0});
  for (double x : {0.5, 1.0, 1.0000001, 2.0, 4.9, 5.0, 5.1, 1e9, -3.0}) {
    h.observe(x);
  }
  h.observe(std::numeric_limits<double>::quiet_NaN());
  const auto s = h.snapshot();
  // le=1: {0.5, 1.0, -3}; le=2: +{1.0000001, 2}; le=5: +{4.9, 5}; +Inf: +{5.1, 1e9}
  CHECK(s.cumulative == std::vector<std::uint64_t>{3, 5, 7, 9});
  CHECK(s.count == 9);
  CHECK(s.sum == doctest::Approx(0.5 + 1.0 + 1.0000001 + 2.0 + 4.9 + 5.0 + 5.1 + 1e9 - 3.0));
  CHECK(s.upper_bounds == std::vector<double>{1.0, 2.0, 5.0});
}

TEST_CASE("histogram: bad bounds are refused") {
  MLGUARD_CHECK_THROWS_ID(histogram({}), "mlguard.report.invalid_buckets");
  MLGUARD_CHECK_THROWS_ID(histogram({1.0, 1.0}), "mlguard.report.invalid_buckets");
  MLGUARD_CHECK_THROWS_ID(histogram({2.0, 1.0}), "mlguard.report.invalid_buckets");
  MLGUARD_CHECK_THROWS_ID(histogram({1.0, std::numeric_limits<double>::infinity()}),
                          "mlguard.report.invalid_buckets");
  MLGUARD_CHECK_THROWS_ID(histogram({std::numeric_limits<double>::quiet_NaN()}),
                          "mlguard.report.invalid_buckets");
  CHECK(report::latency_buckets().size() == 14);
  CHECK_NOTHROW(histogram{report::latency_buckets()});
}

TEST_CASE("metrics: concurrent updates lose nothing") {
  report::counter c;
  report::gauge g;
  histogram h({0.5});
  constexpr int threads = 4;
  constexpr int per_thread = 20000;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        c.inc();
        g.add(1.0);
        h.observe(t % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  for (auto& t : pool) {
    t.join();
  }
  CHECK(c.value() == threads * per_thread);
  CHECK(g.value() == threads * per_thread);
  const auto s = h.snapshot();
  CHECK(s.count == threads * per_thread);
  CHECK(s.cumulative[0] == threads / 2 * per_thread);
  CHECK(s.sum == doctest::Approx(threads / 2 * per_thread * (0.25 + 1.0)));
}

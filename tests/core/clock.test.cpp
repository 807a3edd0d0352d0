#include "mlguard/core/clock.hpp"

#include <thread>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace std::chrono_literals;

TEST_CASE("manual_clock: starts where told and moves only when told") {
  manual_clock clock(timestamp(1'000s));
  CHECK(clock.now() == timestamp(1'000s));
  CHECK(clock.now() == timestamp(1'000s));
  clock.advance(250ms);
  CHECK(clock.now() == timestamp(1'000'250ms));
  clock.set(timestamp(2'000s));
  CHECK(clock.now() == timestamp(2'000s));
  clock.set(timestamp(2'000s)); // standing still is allowed
  CHECK(clock.now() == timestamp(2'000s));
}

TEST_CASE("manual_clock: refuses to run backwards") {
  manual_clock clock(timestamp(10s));
  MLGUARD_CHECK_THROWS_ID(clock.set(timestamp(9s)), "mlguard.argument.clock_backwards");
  MLGUARD_CHECK_THROWS_ID(clock.advance(-1ns), "mlguard.argument.clock_backwards");
  CHECK(clock.now() == timestamp(10s));
}

TEST_CASE("manual_clock: is usable through the clock_source interface") {
  manual_clock manual;
  const clock_source& c = manual;
  manual.advance(3s);
  CHECK(c.now().time_since_epoch() == 3s);
}

TEST_CASE("manual_clock: concurrent advances are not lost") {
  manual_clock clock;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&clock] {
      for (int i = 0; i < 10'000; ++i) {
        clock.advance(1ns);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(clock.now().time_since_epoch() == 40'000ns);
}

TEST_CASE("system_clock: follows the wall clock") {
  const auto before = std::chrono::system_clock::now();
  const auto seen = system_clock::instance().now();
  const auto after = std::chrono::system_clock::now();
  CHECK(seen >= std::chrono::time_point_cast<std::chrono::nanoseconds>(before));
  CHECK(seen <= std::chrono::time_point_cast<std::chrono::nanoseconds>(after));
}

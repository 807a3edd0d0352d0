// The canary router: stable routing by key at the chosen share, shadow
// scoring that never answers, labels joined to the arm that served, bounded
// per-arm metrics, option errors, and concurrent use (run under TSan).

#include "mlguard/serving/router.hpp"

#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace {

// Two slots: v1 (champion) and v2 (a model fitted on other trips) as challenger.
struct router_slots {
  model_slot<guarded_model> champion;
  model_slot<guarded_model> challenger;
  router_slots() {
    champion.emplace(test::tip_bundle(1, 12.0), 1, test::small_model_options());
    challenger.emplace(test::tip_bundle(2, 14.0), 2, test::small_model_options());
  }
};

// A trip (fare, distance) for key i, and whether it tipped (tip_trips's rule).
std::array<double, 2> router_trip(std::uint64_t i) {
  return {8.0 + static_cast<double>(i % 13), 0.25 * static_cast<double>(i % 11)};
}
double router_tipped(const std::array<double, 2>& t) { return t[0] + 2 * t[1] > 16 ? 1.0 : 0.0; }

} // namespace

TEST_CASE("route_bucket: SplitMix64 and FNV-1a, fixed values on every platform") {
  // Known vectors: splitmix64.c's first outputs from state 0 and 1 (state += γ first),
  // FNV-1a 64 of "" and "a".
  CHECK(splitmix64_hash(0) == 0xe220a8397b1dcdafULL);
  CHECK(splitmix64_hash(1) == 0x910a2dec89025cc1ULL);
  CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
  CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL);
  // Buckets from tests/reference/gen_route_buckets.py (plain Python integers).
  CHECK(route_bucket(std::uint64_t{0}) == 7535);
  CHECK(route_bucket(std::uint64_t{42}) == 5413);
  CHECK(route_bucket(std::uint64_t{12345678901234}) == 2656);
  CHECK(route_bucket(std::uint64_t{42}, 7) == 4326);
  CHECK(route_bucket("user-42") == 7651);
  CHECK(route_bucket("") == 9008);
  CHECK(route_bucket("caf\xc3\xa9") == 2729);
  static_assert(route_bucket(std::uint64_t{1}) == 2465, "constexpr and stable");
}

TEST_CASE("canary_router: the share of keys is the percent, within a binomial tolerance") {
  router_slots slots;
  for (const double percent : {1.0, 10.0, 50.0}) {
    canary_router router(slots.champion, slots.challenger, {router_mode::canary, percent});
    const std::size_t n = 100000;
    std::size_t integer_keys = 0;
    std::size_t text_keys = 0;
    for (std::uint64_t k = 0; k < n; ++k) {
      integer_keys += router.arm_of(k) == router_arm::challenger ? 1 : 0;
      text_keys += router.arm_of("user-" + std::to_string(k)) == router_arm::challenger ? 1 : 0;
    }
    // Binomial(n, p): mean np, sd √(np(1 − p)); allow 5 sd (a fair hash
    // misses this with probability 6e-7).
    const double p = percent / 100.0;
    const double mean = static_cast<double>(n) * p;
    const double tolerance = 5.0 * std::sqrt(static_cast<double>(n) * p * (1.0 - p));
    CAPTURE(percent);
    CHECK(std::abs(static_cast<double>(integer_keys) - mean) <= tolerance);
    CHECK(std::abs(static_cast<double>(text_keys) - mean) <= tolerance);
  }
}

TEST_CASE("canary_router: a key always goes to the same arm, and the outcome names its version") {
  router_slots slots;
  canary_router router(slots.champion, slots.challenger, {router_mode::canary, 20.0});
  std::size_t challenger = 0;
  for (std::uint64_t k = 1; k <= 500; ++k) {
    const auto row = router_trip(k);
    const auto first = router.predict(k, row);
    const auto second = router.predict(k, row);
    CHECK(first.arm == second.arm);
    CHECK(first.arm == router.arm_of(k));
    CHECK(first.answer.version == (first.arm == router_arm::challenger ? 2 : 1));
    CHECK(first.answer.prediction == second.answer.prediction);
    CHECK(!first.shadowed);
    challenger += first.arm == router_arm::challenger ? 1 : 0;
  }
  CHECK(challenger > 50);
  CHECK(challenger < 150);
  const auto s = router.snapshot();
  CHECK(s.challenger.requests == 2 * challenger);
  CHECK(s.champion.requests == 2 * (500 - challenger));

  SUBCASE("raising the share keeps every key already in the canary there") {
    std::vector<std::uint64_t> in;
    for (std::uint64_t k = 0; k < 10000; ++k) {
      if (router.arm_of(k) == router_arm::challenger) {
        in.push_back(k);
      }
    }
    router.set_percent(35.5);
    CHECK(router.percent() == doctest::Approx(35.5));
    for (const auto k : in) {
      CHECK(router.arm_of(k) == router_arm::challenger);
    }
  }
  SUBCASE("a share of 0 sends everything to the champion, 100 everything to the challenger") {
    router.set_percent(0.0);
    for (std::uint64_t k = 0; k < 1000; ++k) {
      CHECK(router.predict(k, router_trip(k)).answer.version == 1);
    }
    router.set_percent(100.0);
    for (std::uint64_t k = 0; k < 1000; ++k) {
      CHECK(router.predict(k, router_trip(k)).answer.version == 2);
    }
  }
  SUBCASE("another seed picks other keys") {
    canary_router other(slots.champion, slots.challenger, {router_mode::canary, 20.0, 99});
    std::size_t differ = 0;
    for (std::uint64_t k = 0; k < 1000; ++k) {
      differ += other.arm_of(k) != router.arm_of(k) ? 1 : 0;
    }
    CHECK(differ > 200);
  }
}

TEST_CASE("canary_router: empty slots") {
  model_slot<guarded_model> champion;
  model_slot<guarded_model> challenger;
  champion.emplace(test::tip_bundle(), 1, test::small_model_options());
  canary_router router(champion, challenger, {router_mode::canary, 100.0});
  // No challenger: the champion answers every key.
  const auto o = router.predict(7, router_trip(7));
  CHECK(o.arm == router_arm::champion);
  CHECK(o.answer.version == 1);
  CHECK(o.answer.status != request_status::rejected);
  champion.clear();
  // Nothing serves: "unavailable", never a crash.
  const auto none = router.predict(7, router_trip(7), 55);
  CHECK(none.answer.version == 0);
  CHECK(none.answer.status == request_status::rejected);
  CHECK(none.answer.request_id == 55);
  CHECK(router.snapshot().champion.version == 0);
}

TEST_CASE("canary_router: shadow mode never returns the challenger's answer") {
  router_slots slots;
  canary_router router(slots.champion, slots.challenger, {router_mode::shadow, 100.0});
  auto champion = slots.champion.acquire();
  auto challenger = slots.challenger.acquire();
  std::size_t differ = 0;
  for (std::uint64_t k = 1; k <= 300; ++k) {
    const auto row = router_trip(k);
    const auto o = router.predict(k, row, k);
    CHECK(o.arm == router_arm::champion);
    CHECK(o.answer.version == 1);
    CHECK(o.shadowed);
    const double own = champion->predict(row, 100000 + k).prediction;
    const double other = challenger->predict(row, 100000 + k).prediction;
    CHECK(o.answer.prediction == own);
    differ += own != other ? 1 : 0;
  }
  REQUIRE(differ > 0); // the two models do differ, so the check above means something
  const auto s = router.snapshot();
  CHECK(s.mode == router_mode::shadow);
  CHECK(s.shadow.compared == 300);
  CHECK(s.shadow.disagreements == differ);
  CHECK(s.shadow.differences.size() == 300);
  CHECK(s.shadow.max_difference > 0.0);
  CHECK(s.shadow.mean_difference > 0.0);
  CHECK(s.challenger.requests == 300);
  CHECK(s.champion.requests == 300);

  SUBCASE("labels go to both arms in shadow mode") {
    for (std::uint64_t k = 1; k <= 300; ++k) {
      CHECK(router.record_label(k, router_tipped(router_trip(k))) == 2);
    }
    const auto l = router.snapshot();
    CHECK(l.champion.errors.size() == 300);
    CHECK(l.challenger.errors.size() == 300);
    CHECK(router.record_label(1, 1.0) == 0); // already labelled
  }
  SUBCASE("a shadow share below 100 shadows only the keys below it") {
    router.reset_metrics();
    router.set_percent(10.0);
    std::size_t shadowed = 0;
    for (std::uint64_t k = 0; k < 1000; ++k) {
      const auto o = router.predict(k, router_trip(k));
      CHECK(o.shadowed == (router.arm_of(k) == router_arm::challenger));
      CHECK(o.answer.version == 1);
      shadowed += o.shadowed ? 1 : 0;
    }
    CHECK(router.snapshot().shadow.compared == shadowed);
  }
}

TEST_CASE("canary_router: labels and latencies go to the arm that served") {
  router_slots slots;
  router_options options;
  options.percent = 30.0;
  options.capacity = 64;
  canary_router router(slots.champion, slots.challenger, options);
  std::size_t to_challenger = 0;
  std::size_t to_champion = 0;
  for (std::uint64_t k = 1; k <= 100; ++k) {
    const auto row = router_trip(k);
    const auto o = router.predict(k, row, 1000 + k);
    CHECK(o.answer.request_id == 1000 + k);
    router.record_latency(o, o.arm == router_arm::challenger ? 2.0 : 1.0);
    CHECK(router.record_label(1000 + k, router_tipped(row)) == 1);
    (o.arm == router_arm::challenger ? to_challenger : to_champion) += 1;
  }
  CHECK(router.record_label(999999, 1.0) == 0);
  const auto s = router.snapshot();
  CHECK(s.champion.version == 1);
  CHECK(s.challenger.version == 2);
  CHECK(s.champion.labelled == to_champion);
  CHECK(s.challenger.labelled == to_challenger);
  CHECK(s.champion.errors.size() == std::min<std::size_t>(to_champion, 64));
  CHECK(s.challenger.errors.size() == to_challenger);
  CHECK(s.challenger.latencies == std::vector<double>(to_challenger, 2.0));
  for (const double e : s.champion.errors) {
    CHECK((e == 0.0 || e == 1.0)); // a classifier's error is 0/1
  }
  const json j = to_json(s);
  CHECK(j["challenger"]["errors"] == to_challenger);
  CHECK(j["mode"] == "canary");

  SUBCASE("the rings are bounded and keep the newest values") {
    for (int i = 0; i < 200; ++i) {
      routed_outcome o;
      o.answer.version = 1;
      router.record_latency(o, static_cast<double>(i));
    }
    const auto b = router.snapshot().champion.latencies;
    REQUIRE(b.size() == 64);
    CHECK(b.front() == 136.0);
    CHECK(b.back() == 199.0);
  }
  SUBCASE("values of a version swapped out are not reported for the new one") {
    slots.challenger.emplace(test::tip_bundle(3, 13.0), 3, test::small_model_options());
    const auto after = router.snapshot();
    CHECK(after.challenger.version == 3);
    CHECK(after.challenger.errors.empty());
    CHECK(after.challenger.latencies.empty());
  }
  SUBCASE("reset_metrics forgets everything") {
    router.reset_metrics();
    const auto r = router.snapshot();
    CHECK(r.champion.errors.empty());
    CHECK(r.champion.requests == 0);
    CHECK(r.challenger.labelled == 0);
  }
}

TEST_CASE("canary_router: error_batch turns per-request errors into rates") {
  router_slots slots;
  router_options options;
  options.capacity = 64;
  options.error_batch = 5;
  canary_router router(slots.champion, slots.challenger, options); // share 0: all champion
  std::vector<double> errors;
  for (std::uint64_t k = 1; k <= 23; ++k) {
    const auto row = router_trip(k);
    const auto o = router.predict(k, row, k);
    const double tipped = router_tipped(row);
    errors.push_back((o.answer.prediction > 0.5 ? 1.0 : 0.0) == tipped ? 0.0 : 1.0);
    CHECK(router.record_label(k, tipped) == 1);
  }
  const auto s = router.snapshot();
  CHECK(s.champion.labelled == 23);
  REQUIRE(s.champion.errors.size() == 4); // 3 labels wait for a fifth
  for (std::size_t b = 0; b < 4; ++b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < 5; ++i) {
      sum += errors[5 * b + i];
    }
    CHECK(s.champion.errors[b] == doctest::Approx(sum / 5.0));
  }
}

TEST_CASE("canary_router: bad options are rejected by id") {
  router_slots slots;
  const auto with = [&](double percent, std::size_t capacity) {
    router_options o;
    o.percent = percent;
    o.capacity = capacity;
    canary_router r(slots.champion, slots.challenger, o);
  };
  MLGUARD_CHECK_THROWS_ID(with(-0.5, 16), "mlguard.serving.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with(100.01, 16), "mlguard.serving.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with(std::nan(""), 16), "mlguard.serving.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with(10.0, 0), "mlguard.serving.invalid_option");
  router_options no_batch;
  no_batch.error_batch = 0;
  MLGUARD_CHECK_THROWS_ID(canary_router(slots.champion, slots.challenger, no_batch),
                          "mlguard.serving.invalid_option");
  canary_router router(slots.champion, slots.challenger);
  MLGUARD_CHECK_THROWS_ID(router.set_percent(101.0), "mlguard.serving.invalid_option");
  CHECK(router.percent() == 0.0);
}

TEST_CASE("canary_router: four threads route, label and snapshot at once") {
  router_slots slots;
  router_options options;
  options.percent = 25.0;
  options.capacity = 256;
  canary_router router(slots.champion, slots.challenger, options);
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  std::atomic<std::uint64_t> served{0};
  for (std::uint64_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < 500; ++i) {
        const std::uint64_t id = t * 1000 + i + 1;
        const auto row = router_trip(id);
        const auto o = t % 2 == 0 ? router.predict(id, row, id)
                                  : router.predict("key-" + std::to_string(id), row, id);
        router.record_latency(o, 1.0);
        router.record_label(id, router_tipped(row));
        served.fetch_add(1);
        if (t == 3 && i == 250) {
          router.set_mode(router_mode::shadow);
        }
      }
    });
  }
  std::thread reader([&] {
    while (!done.load()) {
      const auto s = router.snapshot();
      CHECK(s.champion.errors.size() <= 256);
    }
  });
  for (auto& t : threads) {
    t.join();
  }
  done = true;
  reader.join();
  const auto s = router.snapshot();
  CHECK(served.load() == 2000);
  CHECK(s.champion.requests + s.challenger.requests >= 2000);
  CHECK(s.champion.labelled + s.challenger.labelled >= 2000);
}

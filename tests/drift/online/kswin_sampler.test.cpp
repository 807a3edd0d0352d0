// The default KSWIN sampler against CPython's random.Random(seed).sample
// (draws recorded from /usr/bin/python3 by tests/reference/gen_online_streams.py).
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/kswin_sampler.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::python_random_sampler;

namespace {
std::vector<std::size_t> draw(python_random_sampler& s, std::size_t population, std::size_t k) {
  std::vector<std::size_t> out(k);
  s.sample(population, span<std::size_t>(out.data(), out.size()));
  return out;
}
} // namespace

TEST_CASE("python_random_sampler: draws exactly what CPython's Random.sample draws") {
  const auto& cases = test::online_fixture()["python_random_sample"];
  REQUIRE(cases.size() >= 6);
  for (const auto& c : cases) {
    // Python maps a negative seed to its absolute value.
    const auto seed = c["seed"].is_number_unsigned()
                          ? c["seed"].get<std::uint64_t>()
                          : static_cast<std::uint64_t>(-c["seed"].get<std::int64_t>());
    const auto population = c["population"].get<std::size_t>();
    const auto k = c["k"].get<std::size_t>();
    CAPTURE(seed);
    CAPTURE(population);
    python_random_sampler s(seed);
    s.prepare(population, k);
    for (const auto& expected : c["draws"]) {
      CHECK(draw(s, population, k) == expected.get<std::vector<std::size_t>>());
    }
  }
}

TEST_CASE("python_random_sampler: KSWIN's 850 draws for seed 42, restart, save and restore") {
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/online_kswin_draws.json")), "draws");
  const auto draws = doc["draws"].get<std::vector<std::vector<std::size_t>>>();
  REQUIRE(draws.size() == 850);
  python_random_sampler s(42);
  s.prepare(100, 100);
  for (const auto& expected : draws) {
    REQUIRE(draw(s, 100, 100) == expected);
  }
  s.restart(); // River re-creates random.Random(seed) after a drift
  CHECK(draw(s, 100, 100) == draws[0]);
  const json saved = s.to_json();
  python_random_sampler t(7);
  t.prepare(100, 100);
  t.restore(saved, "saved");
  CHECK(t.seed() == 42);
  CHECK(draw(t, 100, 100) == draws[1]);
  json bad = saved;
  bad["mt"].erase(0);
  MLGUARD_CHECK_THROWS_ID(t.restore(bad, "bad"), "mlguard.format.corrupt");
  bad = saved;
  bad["kind"] = "other";
  MLGUARD_CHECK_THROWS_ID(t.restore(bad, "bad"), "mlguard.format.corrupt");
  bad = saved;
  bad["index"] = 625;
  MLGUARD_CHECK_THROWS_ID(t.restore(bad, "bad"), "mlguard.format.corrupt");
}

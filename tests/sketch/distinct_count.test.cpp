#include "mlguard/sketch/distinct_count.hpp"

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::sketch;

TEST_CASE("distinct_count: hashes are fixed across platforms") {
  // Golden values: these must never change, or persisted sketches stop merging.
  CHECK(sketch::detail::mix64(0) == 0);
  CHECK(sketch::detail::hash_bytes("") ==
        sketch::detail::mix64(0xcbf29ce484222325ULL + sketch::detail::golden_gamma));
  CHECK(sketch::detail::hash_double(0.0) == sketch::detail::hash_double(-0.0));
  CHECK(sketch::detail::hash_double(1.0) != sketch::detail::hash_double(2.0));
  sketch::detail::splitmix64 gen{0};
  CHECK(gen.next() == 0xe220a8397b1dcdafULL); // SplitMix64's published first output for seed 0
}

TEST_CASE("distinct_count: small cardinalities are nearly exact, NaN is ignored") {
  distinct_count d;
  CHECK(d.is_empty());
  CHECK(d.estimate() == 0.0);
  for (int i = 0; i < 100; ++i) {
    d.update(static_cast<double>(i % 10));
    d.update(std::numeric_limits<double>::quiet_NaN());
  }
  CHECK_FALSE(d.is_empty());
  CHECK(d.estimate() == doctest::Approx(10).epsilon(0.01));
  MLGUARD_CHECK_THROWS_ID(distinct_count(3), "mlguard.profile.invalid_option");
  MLGUARD_CHECK_THROWS_ID(distinct_count(19), "mlguard.profile.invalid_option");
}

TEST_CASE("distinct_count: relative error within a few standard errors, 1e2 to 1e6") {
  for (const unsigned p : {10U, 12U, 14U}) {
    distinct_count d(p);
    const double rse = d.relative_standard_error();
    CHECK(rse == doctest::Approx(1.04 / std::sqrt(std::ldexp(1.0, static_cast<int>(p)))));
    std::size_t added = 0;
    double worst = 0;
    for (const std::size_t target : {100UL, 1000UL, 10000UL, 100000UL, 1000000UL}) {
      for (; added < target; ++added) {
        d.update("key-" + std::to_string(added));
      }
      const double err = std::abs(d.estimate() / static_cast<double>(target) - 1.0);
      worst = std::max(worst, err);
      CAPTURE(p);
      CAPTURE(target);
      CHECK(err <= 3.5 * rse);
    }
    MESSAGE("distinct_count p = " << p << ": worst relative error " << worst << ", RSE " << rse);
  }
}

TEST_CASE("distinct_count: merge is exact and order-free") {
  std::vector<double> values(200000);
  std::mt19937_64 gen(1);
  std::uniform_int_distribution<int> pick(0, 49999);
  for (auto& v : values) {
    v = pick(gen) * 0.25;
  }
  distinct_count whole;
  for (const double v : values) {
    whole.update(v);
  }
  distinct_count a;
  distinct_count b;
  distinct_count c;
  for (std::size_t i = 0; i < values.size(); ++i) {
    (i % 3 == 0 ? a : (i % 3 == 1 ? b : c)).update(values[i]);
  }
  distinct_count abc = a;
  abc.merge(b);
  abc.merge(c);
  distinct_count cba = c;
  cba.merge(b);
  cba.merge(a);
  CHECK(abc == whole);
  CHECK(cba == whole);
  CHECK(std::abs(whole.estimate() / 50000.0 - 1) < 4 * whole.relative_standard_error());
  MLGUARD_CHECK_THROWS_ID(whole.merge(distinct_count(10)), "mlguard.profile.incompatible_sketches");
}

TEST_CASE("distinct_count: JSON round trip and bad documents") {
  distinct_count d(8);
  for (int i = 0; i < 1000; ++i) {
    d.update(std::to_string(i));
  }
  const auto text = d.to_json().dump();
  const auto back = distinct_count::from_json(parse_json(text, "d.json"), "d.json");
  CHECK(back == d);
  CHECK(back.to_json().dump() == text);

  auto j = d.to_json();
  j["precision"] = 9; // registers string has the wrong length now
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.corrupt");
  j = d.to_json();
  j["precision"] = 30;
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.corrupt");
  j = d.to_json();
  auto regs = j["registers"].get<std::string>();
  regs[0] = '!';
  j["registers"] = regs;
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.corrupt");
  regs[0] = '_'; // 63 > 64 - 8 + 1
  j["registers"] = regs;
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.corrupt");
  j = d.to_json();
  j["hash"] = "xxh3";
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.unknown_field");
  j = d.to_json();
  j["format"] = "kll_sketch";
  MLGUARD_CHECK_THROWS_ID(distinct_count::from_json(j), "mlguard.format.wrong_kind");
}

TEST_CASE("distinct_count: a mlguard.distinct_count document, save, load, and mlguard 0.1's name") {
  distinct_count d(6);
  for (int i = 0; i < 100; ++i) {
    d.update(static_cast<double>(i));
  }
  const auto j = d.to_json();
  CHECK(j["format"].get<std::string>() == "mlguard.distinct_count");
  CHECK(j["format_version"] == 1);
  auto old = j;
  old["format"] = "distinct_count"; // what mlguard 0.1 wrote
  CHECK(distinct_count::from_json(old) == d);

  const test::temp_dir dir;
  const auto path = dir.path + "/distinct.json";
  d.save(path);
  CHECK(distinct_count::load(path) == d);

  auto bad = j;
  bad["precision"] = "six";
  try {
    (void)distinct_count::from_json(bad, "p.json", "features.city.distinct");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("p.json: features.city.distinct.precision: ", 0) == 0);
  }
}

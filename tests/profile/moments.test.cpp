#include "mlguard/profile/moments.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/profile/feature_profile.hpp"

using namespace mlguard;
using namespace mlguard::profile;

namespace moments_test {

// The values of a gen_extremes.py case: the listed ones, then "zeros" zeros.
std::vector<double> case_values(const json& c) {
  auto v = test::numbers(c["values"]);
  v.resize(v.size() + c["zeros"].get<std::size_t>(), 0.0);
  return v;
}

// The three ways a profile computes moments: one value at a time
// (Welford), by blocks (two-pass + Chan), and two halves merged.
std::vector<moments> three_ways(const std::vector<double>& v) {
  moments streamed;
  for (const double x : v) {
    streamed.add(x);
  }
  feature_profile batched;
  batched.update(span<const double>(v));
  feature_profile half;
  half.update(span<const double>(v.data(), v.size() / 2));
  feature_profile rest;
  rest.update(span<const double>(v.data() + v.size() / 2, v.size() - v.size() / 2));
  half.merge(rest);
  return {streamed, batched.finite_moments(), half.finite_moments()};
}

// m2 / 2^shift from parts.
double scaled(const m2_parts& p, int shift) {
  return std::ldexp(p.significand, p.exponent - shift);
}

bool relative_close(double got, double expected, double rel) {
  return std::abs(got - expected) <= rel * std::abs(expected);
}

} // namespace moments_test

TEST_CASE("moments: moderate data match the exact values and numpy (gen_extremes.py)") {
  const auto& doc = test::drift_fixture("reference/extremes.json");
  REQUIRE(doc["moments_moderate"].size() >= 8);
  for (const auto& c : doc["moments_moderate"]) {
    INFO(c["name"].get<std::string>());
    const auto v = moments_test::case_values(c);
    const auto& exact = c["exact"];
    for (const auto& m : moments_test::three_ways(v)) {
      CHECK(m.count() == v.size());
      CHECK(moments_test::relative_close(m.mean(), exact["mean"].get<double>(), 1e-14));
      CHECK(moments_test::relative_close(m.variance(), exact["variance"].get<double>(), 1e-12));
      CHECK(moments_test::relative_close(m.variance(1), exact["sample_variance"].get<double>(),
                                         1e-12));
      CHECK(moments_test::relative_close(m.mean(), c["numpy"]["mean"].get<double>(), 1e-14));
      CHECK(
          moments_test::relative_close(m.variance(), c["numpy"]["variance"].get<double>(), 1e-12));
    }
  }
}

TEST_CASE("moments: data near ±DBL_MAX give a finite mean, an exact m2 and +inf only for a "
          "variance past DBL_MAX (gen_extremes.py)") {
  const auto& doc = test::drift_fixture("reference/extremes.json");
  REQUIRE(doc["moments_extreme"].size() >= 8);
  for (const auto& c : doc["moments_extreme"]) {
    INFO(c["name"].get<std::string>());
    const auto v = moments_test::case_values(c);
    const auto& exact = c["exact"];
    double max_abs = 0.0;
    for (const double x : v) {
      max_abs = std::max(max_abs, std::fabs(x));
    }
    const m2_parts want{exact["m2"][0].get<double>(), exact["m2"][1].get<int>()};
    const int shift = 2 * std::ilogb(max_abs);
    for (const auto& m : moments_test::three_ways(v)) {
      CHECK(std::isfinite(m.mean()));
      CHECK(std::abs(m.mean() - exact["mean"].get<double>()) <= 1e-15 * max_abs);
      CHECK(std::abs(moments_test::scaled(m.parts(), shift) - moments_test::scaled(want, shift)) <=
            1e-14 * static_cast<double>(v.size()));
      const double variance = test::number(exact["variance"]);
      if (std::isinf(variance)) {
        CHECK(std::isinf(m.variance()));
        CHECK(m.parts().exponent > 0);
      } else {
        CHECK(moments_test::relative_close(m.variance(), variance, 1e-13));
        CHECK(moments_test::relative_close(m.variance(1), exact["sample_variance"].get<double>(),
                                           1e-13));
      }
    }
  }
}

TEST_CASE("moments: data within ±2^476 are never scaled, beyond, the scale is exact") {
  CHECK(moments::exponent_for(0.0) == 0);
  CHECK(moments::exponent_for(0x1p476) == 0);
  CHECK(moments::exponent_for(-0x1.8p476) == 1);
  CHECK(moments::exponent_for(std::numeric_limits<double>::max()) == 548);
  const std::vector<double> v{3.0, -1.5, 7.25, 1e10, -2e-3, 0.1};
  moments plain;
  moments big;
  for (const double x : v) {
    plain.add(x);
    big.add(std::ldexp(x, 900)); // the same values × 2^900
  }
  CHECK(plain.exponent() == 0);
  CHECK(big.exponent() > 0);
  // Powers of two commute with IEEE rounding: the same bits, shifted.
  CHECK(big.mean() == std::ldexp(plain.mean(), 900));
  CHECK(big.parts().significand == std::ldexp(plain.m2(), 1800 - big.parts().exponent));
  CHECK(std::isinf(big.m2()));
  CHECK(std::isinf(big.variance())); // ≈ 1.4e19 · 2^1800
}

TEST_CASE("moments: from_parts reads back what parts() gives, and an older +inf m2") {
  moments m;
  for (const double x : {1e308, -1e308, 1.5e308, 2.0}) {
    m.add(x);
  }
  const m2_parts p = m.parts();
  REQUIRE(p.exponent > 0);
  const auto back = moments::from_parts(m.count(), m.mean(), p.significand, p.exponent, 1.5e308);
  CHECK(back == m);
  CHECK(back.exponent() == m.exponent()); // the scale the values gave
  moments more = m;
  more.add(-3e307);
  moments more_back = back;
  more_back.add(-3e307);
  CHECK(more_back == more);

  const double inf = std::numeric_limits<double>::infinity();
  auto legacy = moments::from_parts(3, 5e307, inf, 0, 1.5e308);
  CHECK(std::isinf(legacy.variance()));
  CHECK(legacy.parts().significand == inf);
  legacy.merge(m);
  CHECK(std::isinf(legacy.m2()));
  CHECK(std::isfinite(legacy.mean()));
}

TEST_CASE("moments: the mean of DBL_MAX values is DBL_MAX, never +inf") {
  const double big = std::numeric_limits<double>::max();
  moments m;
  for (int i = 0; i < 7; ++i) {
    m.add(big);
  }
  CHECK(m.mean() == big);
  CHECK(m.variance() == 0.0);
  moments n;
  n.add(-big);
  n.add(-big);
  m.merge(n);
  CHECK(m.mean() == doctest::Approx(5.0 / 9.0 * big).epsilon(1e-15));
  CHECK(std::isinf(m.variance()));
}

TEST_CASE("moments: add ignores NaN and ±inf") {
  moments m;
  for (const double x :
       {1.0, std::numeric_limits<double>::quiet_NaN(), 3.0, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    m.add(x);
  }
  CHECK(m.count() == 2);
  CHECK(m.mean() == 2.0);
  CHECK(m.variance() == 1.0);
  CHECK(m.exponent() == 0);
}

#ifndef MLGUARD_TESTS_STATS_SAMPLE_RECIPES_HPP
#define MLGUARD_TESTS_STATS_SAMPLE_RECIPES_HPP

// Rebuilds the samples of tests/fixtures/reference/{ks_2samp,mannwhitneyu,
// cramervonmises_2samp}.json bit for bit: raw value lists, or the recipes
// documented in tests/reference/gen_stats.py (numpy.linspace, modular
// integers, a splitmix64 stream). Only IEEE +, −, ×, / and floor are used so
// the doubles equal the ones numpy handed to scipy.

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"

namespace mlguard::test {

/// A number from a fixture: a JSON number or one of "nan", "inf", "-inf".
inline double fixture_number(const json& v) {
  if (v.is_string()) {
    const auto s = v.get<std::string>();
    if (s == "nan") {
      return std::numeric_limits<double>::quiet_NaN();
    }
    if (s == "inf") {
      return std::numeric_limits<double>::infinity();
    }
    if (s == "-inf") {
      return -std::numeric_limits<double>::infinity();
    }
    throw std::runtime_error("bad fixture number " + s);
  }
  return v.get<double>();
}

/// splitmix64 (Steele, Lea, Flood 2014), as tests/reference/gen_stats.py.
class splitmix64 {
public:
  explicit splitmix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  std::uint64_t state_;
};

/// The sample a fixture spec stands for.
inline std::vector<double> materialise(const json& spec) {
  std::vector<double> out;
  if (spec.is_array()) {
    for (const auto& v : spec) {
      out.push_back(fixture_number(v));
    }
    return out;
  }
  const auto kind = spec.at("recipe").get<std::string>();
  if (kind == "linspace") {
    const double start = spec.at("start").get<double>();
    const double stop = spec.at("stop").get<double>();
    const auto n = spec.at("num").get<std::size_t>();
    const double shift = spec.at("shift").get<double>();
    // numpy.linspace: start + i*step with step = (stop − start)/(num − 1), last = stop.
    const double step = (stop - start) / static_cast<double>(n - 1);
    for (std::size_t i = 0; i < n; ++i) {
      volatile double y = static_cast<double>(i) * step; // no fused multiply-add
      double v = y + start;
      if (i + 1 == n) {
        v = stop;
      }
      out.push_back(v + shift);
    }
    return out;
  }
  if (kind == "mod") {
    const auto n = spec.at("n").get<std::int64_t>();
    const auto mul = spec.at("mul").get<std::int64_t>();
    const auto add = spec.at("add").get<std::int64_t>();
    const auto mod = spec.at("mod").get<std::int64_t>();
    const double scale = spec.at("scale").get<double>();
    const double shift = spec.at("shift").get<double>();
    for (std::int64_t i = 0; i < n; ++i) {
      volatile double y = static_cast<double>((i * mul + add) % mod) * scale;
      out.push_back(y + shift);
    }
    return out;
  }
  if (kind == "splitmix") {
    splitmix64 g(spec.at("seed").get<std::uint64_t>());
    const auto n = spec.at("n").get<std::size_t>();
    const auto dist = spec.at("dist").get<std::string>();
    const double loc = spec.at("loc").get<double>();
    const double scale = spec.at("scale").get<double>();
    const double k = spec.at("k").get<double>();
    for (std::size_t i = 0; i < n; ++i) {
      double x = 0.0;
      if (dist == "uniform") {
        x = g.uniform();
      } else if (dist == "irwin_hall") {
        const double u1 = g.uniform();
        const double u2 = g.uniform();
        const double u3 = g.uniform();
        const double u4 = g.uniform();
        x = u1 + u2 + u3 + u4 - 2.0;
      } else if (dist == "pareto") {
        const std::uint64_t z = g.next();
        const double v = static_cast<double>((z >> 11) + 1) * 0x1.0p-53;
        const double s = (z & 1U) != 0 ? 1.0 : -1.0;
        x = s * (1.0 / v - 1.0);
      } else if (dist == "discrete") {
        x = std::floor(g.uniform() * k);
      } else {
        throw std::runtime_error("unknown dist " + dist);
      }
      volatile double y = scale * x;
      out.push_back(loc + y);
    }
    return out;
  }
  throw std::runtime_error("unknown recipe " + kind);
}

/// Whether `got` agrees with scipy's `expected` within 1e-12 absolute or
/// 1e-9 relative (NaN agrees with NaN only).
inline bool close_to_scipy(double got, double expected) {
  if (std::isnan(expected) || std::isnan(got)) {
    return std::isnan(expected) && std::isnan(got);
  }
  if (got == expected) {
    return true;
  }
  const double err = std::fabs(got - expected);
  return err <= 1e-12 || err <= 1e-9 * std::fabs(expected);
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_STATS_SAMPLE_RECIPES_HPP

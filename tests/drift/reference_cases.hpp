#ifndef MLGUARD_TESTS_DRIFT_REFERENCE_CASES_HPP
#define MLGUARD_TESTS_DRIFT_REFERENCE_CASES_HPP

// Loading the golden values of tests/reference/gen_drift.py and comparing
// against them (within 1e-12 absolute or 1e-9 relative).

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

namespace mlguard::test {

/// A fixture of tests/fixtures/, parsed once per test binary.
inline const json& drift_fixture(const std::string& name) {
  static std::vector<std::pair<std::string, json>> cache;
  for (const auto& entry : cache) {
    if (entry.first == name) {
      return entry.second;
    }
  }
  cache.emplace_back(name, parse_json(read_file(fixture_path(name)), name));
  return cache.back().second;
}

/// A number written by gen_drift.py: a JSON number, "inf"/"-inf", or null (NaN).
inline double number(const json& j) {
  if (j.is_null()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (j.is_string()) {
    return j.get<std::string>() == "inf" ? std::numeric_limits<double>::infinity()
                                         : -std::numeric_limits<double>::infinity();
  }
  return j.get<double>();
}

inline std::vector<double> numbers(const json& j) {
  std::vector<double> out;
  for (const auto& x : j) {
    out.push_back(number(x));
  }
  return out;
}

/// |got − expected| ≤ 1e-12 or ≤ 1e-9·|expected|; infinities and NaN must agree exactly.
inline bool close(double got, double expected) {
  if (std::isnan(expected) || std::isnan(got)) {
    return std::isnan(expected) && std::isnan(got);
  }
  if (std::isinf(expected) || std::isinf(got)) {
    return got == expected;
  }
  const double diff = std::abs(got - expected);
  return diff <= 1e-12 || diff <= 1e-9 * std::abs(expected);
}

} // namespace mlguard::test

#define MLGUARD_CHECK_CLOSE(got, expected)                                                         \
  do {                                                                                             \
    const double mlguard_got_ = (got);                                                             \
    const double mlguard_expected_ = (expected);                                                   \
    CHECK_MESSAGE(::mlguard::test::close(mlguard_got_, mlguard_expected_),                         \
                  #got << " = " << mlguard_got_ << ", expected " << mlguard_expected_);            \
  } while (false)

#endif // MLGUARD_TESTS_DRIFT_REFERENCE_CASES_HPP

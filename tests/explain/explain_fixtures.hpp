#ifndef MLGUARD_TESTS_EXPLAIN_FIXTURES_HPP
#define MLGUARD_TESTS_EXPLAIN_FIXTURES_HPP

// The sklearn references of tests/explain (tests/reference/gen_explain_sklearn.py)
// and small readers for them.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

namespace mlguard::explain_test {

/// tests/fixtures/reference/explain.json, parsed once.
inline const json& reference() {
  static const json doc =
      parse_json(test::read_file(test::fixture_path("reference/explain.json")), "explain.json");
  return doc;
}

/// A number of the fixture; "nan" is NaN.
inline double number(const json& j) {
  return j.is_string() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

/// Rows of numbers as a column-major matrix.
inline Eigen::MatrixXd matrix(const json& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.at(0).size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      m(i, j) = number(rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
    }
  }
  return m;
}

inline Eigen::VectorXd vector(const json& values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    v[i] = number(values[static_cast<std::size_t>(i)]);
  }
  return v;
}

inline std::vector<double> numbers(const json& values) {
  std::vector<double> v;
  for (const auto& x : values) {
    v.push_back(number(x));
  }
  return v;
}

} // namespace mlguard::explain_test

#endif // MLGUARD_TESTS_EXPLAIN_FIXTURES_HPP

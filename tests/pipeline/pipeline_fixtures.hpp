#ifndef MLGUARD_TESTS_PIPELINE_PIPELINE_FIXTURES_HPP
#define MLGUARD_TESTS_PIPELINE_PIPELINE_FIXTURES_HPP

// Reading the sklearn reference fixtures of tests/reference/gen_pipeline_sklearn.py.

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "test_support.hpp"

namespace mlguard::test {
using namespace mlguard::pipeline;

inline const json& stage_reference() {
  static const json j =
      parse_json(read_file(fixture_path("reference/pipeline_stages.json")), "pipeline_stages");
  return j;
}

inline const json& export_reference() {
  static const json j =
      parse_json(read_file(fixture_path("reference/pipeline_export.json")), "pipeline_export");
  return j;
}

// A number of the sklearn fixture (NaN and infinities are strings there).
inline double fixture_number(const json& j) {
  double v = 0;
  REQUIRE(read_json_number(j, v));
  return v;
}

inline Eigen::MatrixXd matrix_from(const json& rows) {
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()),
                    static_cast<Eigen::Index>(rows.at(0).size()));
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      m(i, j) = fixture_number(rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
    }
  }
  return m;
}

inline Eigen::VectorXd vector_from(const json& values) {
  Eigen::VectorXd v(static_cast<Eigen::Index>(values.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    v[i] = fixture_number(values[static_cast<std::size_t>(i)]);
  }
  return v;
}

inline std::vector<std::string> column_names(Eigen::Index n) {
  std::vector<std::string> names;
  for (Eigen::Index j = 0; j < n; ++j) {
    names.push_back("x" + std::to_string(j));
  }
  return names;
}

/// The largest |a - b| where both are numbers; NaN must match NaN exactly.
inline double max_abs_diff(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  REQUIRE(a.rows() == b.rows());
  REQUIRE(a.cols() == b.cols());
  double worst = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      if (std::isnan(a(i, j)) || std::isnan(b(i, j))) {
        if (std::isnan(a(i, j)) != std::isnan(b(i, j))) {
          return INFINITY;
        }
        continue;
      }
      worst = std::max(worst, std::fabs(a(i, j) - b(i, j)));
    }
  }
  return worst;
}

/// True when two matrices hold the same bits (NaN included).
inline bool bit_identical(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() &&
         std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

/// Binds and fits column-wise stage S on X, runs the batch path, and checks
/// the per-row path gives the same bits.
template <typename S>
inline Eigen::MatrixXd fit_transform(S& s, const Eigen::MatrixXd& X) {
  s.bind(column_names(X.cols()));
  s.fit(X);
  Eigen::MatrixXd out(X.rows(), X.cols());
  std::vector<row_status> status(static_cast<std::size_t>(X.rows()));
  s.transform(X, out, span<row_status>(status));
  // The per-row path gives the same bits as the batch path.
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const Eigen::RowVectorXd in = X.row(i);
    Eigen::RowVectorXd row(X.cols());
    CHECK(s.transform_row(in.data(), row.data()) == row_status::ok);
    CHECK(bit_identical(row, out.row(i)));
  }
  return out;
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_PIPELINE_PIPELINE_FIXTURES_HPP

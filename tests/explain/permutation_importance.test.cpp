#include "mlguard/explain/permutation_importance.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "explain/explain_fixtures.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::explain;
using namespace mlguard::explain_test;

namespace permutation_test {

// sklearn's "accuracy" scorer on a probability: predict() is P > 0.5.
double accuracy(const Eigen::VectorXd& y, const Eigen::VectorXd& p) {
  double hits = 0;
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    hits += (p[i] > 0.5 ? 1.0 : 0.0) == y[i] ? 1.0 : 0.0;
  }
  return hits / static_cast<double>(y.size());
}

// sklearn's r2_score: 1 − Σ(y − p)² / Σ(y − ȳ)².
double r2(const Eigen::VectorXd& y, const Eigen::VectorXd& p) {
  const double mean = y.mean();
  return 1.0 - (y - p).squaredNorm() / (y.array() - mean).matrix().squaredNorm();
}

permutation_set indices_of(const json& j) {
  permutation_set out;
  for (const auto& f : j) {
    out.emplace_back();
    for (const auto& r : f) {
      out.back().push_back(r.get<std::vector<std::size_t>>());
    }
  }
  return out;
}

} // namespace permutation_test

using namespace permutation_test;

TEST_CASE("permutation_importance equals sklearn's permutation_importance given its permutations") {
  // tests/reference/gen_explain_sklearn.py ran sklearn 1.2.1's permutation_importance
  // (n_repeats=3, random_state=42) on a pipeline it trained, recorded the row
  // permutations sklearn drew and checked that they reproduce its importances.
  for (const std::string name : {"logistic", "linear"}) {
    CAPTURE(name);
    const json& c = reference()[name];
    auto model = pipeline::dynamic_pipeline::from_json(c["document"]);
    auto predict = [&model](const Eigen::MatrixXd& X) -> Eigen::VectorXd {
      return model.predict(X);
    };
    const Eigen::MatrixXd X = matrix(c["X_test"]);
    const Eigen::VectorXd y = vector(c["y_test"]);
    const json& ref = c["permutation"];
    const auto perms = indices_of(ref["indices"]);
    const auto r = name == "logistic" ? permutation_importance(predict, X, y, accuracy, perms)
                                      : permutation_importance(predict, X, y, r2, perms);
    CHECK(std::abs(r.baseline - ref["baseline"].get<double>()) <= 1e-12);
    const Eigen::MatrixXd want = matrix(ref["importances"]);
    const auto want_mean = numbers(ref["importances_mean"]);
    const auto want_std = numbers(ref["importances_std"]);
    REQUIRE(r.importances.size() == static_cast<std::size_t>(X.cols()));
    double worst = 0;
    for (std::size_t f = 0; f < r.importances.size(); ++f) {
      for (std::size_t k = 0; k < 3; ++k) {
        worst = std::max(worst, std::abs(r.importances[f][k] - want(static_cast<Eigen::Index>(f),
                                                                    static_cast<Eigen::Index>(k))));
      }
      worst = std::max(worst, std::abs(r.mean[f] - want_mean[f]));
      worst = std::max(worst, std::abs(r.std[f] - want_std[f]));
    }
    MESSAGE(name << ": max |mlguard - sklearn| = " << worst);
    CHECK(worst <= 1e-12);
  }
}

TEST_CASE("the seeded default permutations are permutations, repeatable, and differ by seed") {
  const auto a = seeded_permutations(50, 3, {4, 7});
  const auto b = seeded_permutations(50, 3, {4, 7});
  const auto c = seeded_permutations(50, 3, {4, 8});
  CHECK(a == b);
  CHECK(a != c);
  REQUIRE(a.size() == 3);
  for (const auto& f : a) {
    REQUIRE(f.size() == 4);
    for (auto p : f) {
      std::sort(p.begin(), p.end());
      for (std::size_t i = 0; i < p.size(); ++i) {
        CHECK(p[i] == i);
      }
    }
  }
  CHECK(a[0][0] != a[0][1]);
  // The default overload uses them: the same seed, the same importances.
  const json& ref = reference()["linear"];
  auto model = pipeline::dynamic_pipeline::from_json(ref["document"]);
  auto predict = [&model](const Eigen::MatrixXd& X) -> Eigen::VectorXd { return model.predict(X); };
  const Eigen::MatrixXd X = matrix(ref["X_test"]);
  const Eigen::VectorXd y = vector(ref["y_test"]);
  const auto r1 = permutation_importance(predict, X, y, r2, permutation_options{4, 7});
  const auto r2_ = permutation_importance(
      predict, X, y, r2, seeded_permutations(static_cast<std::size_t>(X.rows()), 3, {4, 7}));
  CHECK(r1.importances == r2_.importances);
  CHECK(r1.mean[0] > 0.1); // x1 carries signal: shuffling it costs R²
}

TEST_CASE("permutation_importance rejects bad input with stable ids") {
  auto predict = [](const Eigen::MatrixXd& X) -> Eigen::VectorXd { return X.col(0); };
  Eigen::MatrixXd X(4, 2);
  X << 1, 2, 3, 4, 5, 6, 7, 8;
  Eigen::VectorXd y(4);
  y << 1, 3, 5, 7;
  const auto perms = seeded_permutations(4, 2, {2, 1});
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X.topRows(0), y.head(0), r2, perms),
                          "mlguard.explain.empty_data");
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X, y.head(3), r2, perms),
                          "mlguard.explain.size_mismatch");
  Eigen::VectorXd y_nan = y;
  y_nan[2] = std::nan("");
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X, y_nan, r2, perms),
                          "mlguard.explain.nan_input");
  auto nan_model = [](const Eigen::MatrixXd& A) -> Eigen::VectorXd {
    return Eigen::VectorXd::Constant(A.rows(), std::nan(""));
  };
  MLGUARD_CHECK_THROWS_ID(permutation_importance(nan_model, X, y, r2, perms),
                          "mlguard.explain.nan_input");
  auto short_model = [](const Eigen::MatrixXd& A) -> Eigen::VectorXd {
    return A.col(0).head(A.rows() - 1);
  };
  MLGUARD_CHECK_THROWS_ID(permutation_importance(short_model, X, y, r2, perms),
                          "mlguard.explain.size_mismatch");
  auto bad = perms;
  bad[1][0][0] = bad[1][0][1];
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X, y, r2, bad),
                          "mlguard.explain.invalid_permutation");
  bad = perms;
  bad[0][1].push_back(4);
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X, y, r2, bad),
                          "mlguard.explain.invalid_permutation");
  bad = perms;
  bad.pop_back();
  MLGUARD_CHECK_THROWS_ID(permutation_importance(predict, X, y, r2, bad),
                          "mlguard.explain.invalid_permutation");
  MLGUARD_CHECK_THROWS_ID(seeded_permutations(4, 2, {0, 1}), "mlguard.explain.invalid_option");
}

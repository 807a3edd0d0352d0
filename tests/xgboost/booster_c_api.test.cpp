// XGBoost's C API alone, no mlguard adapter: the booster trained by
// tests/reference/gen_xgboost.py, loaded from its UBJSON bytes, gives through
// XGBoosterPredictFromDense and XGBoosterPredictFromDMatrix what python3-xgboost
// gave. It pins the calls and the JSON configs the adapter builds on (XGBoost 1.7:
// in-place predict requires "cache_id" and "missing", and "missing" is the
// non-standard JSON token NaN, which is what the Python package sends).

#include <cinttypes>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <xgboost/c_api.h>

#include "test_support.hpp"

namespace xgboost_c_api_test {

// A C API call that must succeed; XGBoost's own message otherwise.
#define MLGUARD_XGB_REQUIRE(call) REQUIRE_MESSAGE((call) == 0, #call ": " << XGBGetLastError())

// Normal prediction (probabilities), in place, all trees.
constexpr const char* value_config = R"({"type":0,"training":false,"iteration_begin":0,)"
                                     R"("iteration_end":0,"strict_shape":false,)"
                                     R"("missing":NaN,"cache_id":0})";
// The raw margin, in place.
constexpr const char* margin_config = R"({"type":1,"training":false,"iteration_begin":0,)"
                                      R"("iteration_end":0,"strict_shape":false,)"
                                      R"("missing":NaN,"cache_id":0})";
// Exact TreeSHAP contributions; only through a DMatrix (in place refuses type 2).
constexpr const char* contribs_config = R"({"type":2,"training":false,"iteration_begin":0,)"
                                        R"("iteration_end":0,"strict_shape":false})";

struct booster {
  BoosterHandle handle = nullptr;
  booster() {
    const auto bytes =
        mlguard::test::read_file(mlguard::test::fixture_path("reference/xgboost_taxi.ubj"));
    MLGUARD_XGB_REQUIRE(XGBoosterCreate(nullptr, 0, &handle));
    MLGUARD_XGB_REQUIRE(XGBoosterLoadModelFromBuffer(handle, bytes.data(), bytes.size()));
  }
  booster(const booster&) = delete;
  booster& operator=(const booster&) = delete;
  ~booster() { XGBoosterFree(handle); }
};

struct dmatrix {
  DMatrixHandle handle = nullptr;
  dmatrix(const std::vector<float>& values, std::size_t rows, std::size_t cols) {
    MLGUARD_XGB_REQUIRE(XGDMatrixCreateFromMat(values.data(), rows, cols, NAN, &handle));
  }
  dmatrix(const dmatrix&) = delete;
  dmatrix& operator=(const dmatrix&) = delete;
  ~dmatrix() { XGDMatrixFree(handle); }
};

struct reference {
  nlohmann::json doc;
  std::size_t n_features = 0;
  reference()
      : doc(nlohmann::json::parse(
            mlguard::test::read_file(mlguard::test::fixture_path("reference/xgboost_taxi.json")))),
        n_features(doc.at("feature_names").size()) {}
};

// One block of the fixture ("rows", "predictions", ...) as a row-major double matrix,
// a missing value (null) as NaN.
std::vector<double> rows_of(const nlohmann::json& block) {
  std::vector<double> out;
  for (const auto& row : block.at("rows")) {
    for (const auto& v : row) {
      out.push_back(v.is_null() ? NAN : v.get<double>());
    }
  }
  return out;
}

// numpy's __array_interface__ for a C-contiguous rows x cols float64 matrix, as JSON.
std::string array_interface(const double* data, std::size_t rows, std::size_t cols) {
  char text[160];
  std::snprintf(text, sizeof text,
                R"({"data":[%)" PRIuPTR R"(,true],"shape":[%zu,%zu],"typestr":"<f8","version":3})",
                reinterpret_cast<std::uintptr_t>(data), rows, cols);
  return text;
}

// In-place predict of rows x cols doubles; returns the n = rows outputs. `proxy`: a
// proxy DMatrix reused across calls (XGProxyDMatrixCreate), or null for a fresh one.
std::vector<double> predict_dense(BoosterHandle b, const double* data, std::size_t rows,
                                  std::size_t cols, const char* config,
                                  DMatrixHandle proxy = nullptr) {
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  const auto values = array_interface(data, rows, cols);
  MLGUARD_XGB_REQUIRE(
      XGBoosterPredictFromDense(b, values.c_str(), config, proxy, &shape, &dim, &out));
  REQUIRE(dim == 1);
  REQUIRE(shape[0] == rows);
  return std::vector<double>(out, out + rows);
}

// Checks every row of a fixture block, one in-place call per row and one for the batch.
void check_block(BoosterHandle b, const nlohmann::json& block, std::size_t n_features,
                 DMatrixHandle proxy = nullptr) {
  const auto x = rows_of(block);
  const auto n = block.at("predictions").size();
  REQUIRE(x.size() == n * n_features);
  const auto batch = predict_dense(b, x.data(), n, n_features, value_config);
  const auto margins = predict_dense(b, x.data(), n, n_features, margin_config);
  for (std::size_t i = 0; i < n; ++i) {
    CAPTURE(i);
    const double expected = block.at("predictions")[i].get<double>();
    const auto one =
        predict_dense(b, x.data() + i * n_features, 1, n_features, value_config, proxy);
    CHECK(std::abs(one[0] - expected) <= 1e-6);
    CHECK(std::abs(batch[i] - expected) <= 1e-6);
    CHECK(std::abs(margins[i] - block.at("margins")[i].get<double>()) <= 1e-6);
  }

  // TreeSHAP: XGDMatrixCreateFromMat takes float, which is what XGBoost computes in.
  std::vector<float> as_float(x.begin(), x.end());
  dmatrix m(as_float, n, n_features);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  MLGUARD_XGB_REQUIRE(
      XGBoosterPredictFromDMatrix(b, m.handle, contribs_config, &shape, &dim, &out));
  REQUIRE(dim == 2);
  REQUIRE(shape[0] == n);
  REQUIRE(shape[1] == n_features + 1); // the bias last
  for (std::size_t i = 0; i < n; ++i) {
    const auto& expected = block.at("contribs")[i];
    double sum = 0;
    for (std::size_t j = 0; j <= n_features; ++j) {
      CAPTURE(i);
      CAPTURE(j);
      const double got = out[i * (n_features + 1) + j];
      CHECK(std::abs(got - expected[j].get<double>()) <= 1e-5);
      sum += got;
    }
    CHECK(std::abs(sum - block.at("margins")[i].get<double>()) <= 1e-5);
  }
}

} // namespace xgboost_c_api_test

TEST_CASE("xgboost C API: the reference booster loads from its UBJSON bytes with its features") {
  using namespace xgboost_c_api_test;
  const reference ref;
  const booster b;
  bst_ulong n_features = 0;
  MLGUARD_XGB_REQUIRE(XGBoosterGetNumFeature(b.handle, &n_features));
  CHECK(n_features == ref.n_features);
  int rounds = 0;
  MLGUARD_XGB_REQUIRE(XGBoosterBoostedRounds(b.handle, &rounds));
  CHECK(rounds == ref.doc.at("rounds").get<int>());
  // The names the model was trained with travel inside the UBJSON.
  bst_ulong n_names = 0;
  const char** names = nullptr;
  MLGUARD_XGB_REQUIRE(XGBoosterGetStrFeatureInfo(b.handle, "feature_name", &n_names, &names));
  REQUIRE(n_names == ref.n_features);
  for (std::size_t j = 0; j < n_names; ++j) {
    CHECK(std::string(names[j]) == ref.doc.at("feature_names")[j].get<std::string>());
  }
}

TEST_CASE("xgboost C API: in-place predict and pred_contribs match python3-xgboost") {
  using namespace xgboost_c_api_test;
  const reference ref;
  const booster b;
  SUBCASE("the first 500 February rows") { check_block(b.handle, ref.doc, ref.n_features); }
  SUBCASE("January rows with a missing congestion_surcharge (NaN)") {
    check_block(b.handle, ref.doc.at("missing"), ref.n_features);
  }
  SUBCASE("one thread and a reused proxy DMatrix, as a request path would use them") {
    // nthread 1 spares each call an OpenMP fork and join; a proxy kept per thread
    // spares the one XGBoost would make per call. Neither changes a number.
    MLGUARD_XGB_REQUIRE(XGBoosterSetParam(b.handle, "nthread", "1"));
    DMatrixHandle proxy = nullptr;
    MLGUARD_XGB_REQUIRE(XGProxyDMatrixCreate(&proxy));
    check_block(b.handle, ref.doc, ref.n_features, proxy);
    check_block(b.handle, ref.doc.at("missing"), ref.n_features, proxy);
    XGDMatrixFree(proxy);
  }
}

TEST_CASE("xgboost C API: a row of the wrong width is refused, not read past") {
  using namespace xgboost_c_api_test;
  const reference ref;
  const booster b;
  const auto x = rows_of(ref.doc);
  const auto values = array_interface(x.data(), 1, ref.n_features - 1);
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* out = nullptr;
  CHECK(XGBoosterPredictFromDense(b.handle, values.c_str(), value_config, nullptr, &shape, &dim,
                                  &out) == -1);
  CHECK(std::string(XGBGetLastError()).find("Number of columns") != std::string::npos);
}

#undef MLGUARD_XGB_REQUIRE

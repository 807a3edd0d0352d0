#include "mlguard/pipeline/dynamic_pipeline.hpp"

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("sklearn pipelines exported to mlguard JSON predict what sklearn predicts (1e-12)") {
  // tests/reference/gen_pipeline_sklearn.py trained ColumnTransformer(SimpleImputer +
  // StandardScaler, OneHotEncoder) + LogisticRegression / LinearRegression with
  // sklearn, exported them with export_pipeline(), and recorded sklearn's predictions.
  const auto& ref = export_reference();
  REQUIRE(ref["cases"].size() == 2);
  for (const auto& c : ref["cases"]) {
    CAPTURE(c["model"].get<std::string>());
    auto p = dynamic_pipeline::from_json(c["document"]);
    const Eigen::MatrixXd X = matrix_from(c["X_test"]);
    const Eigen::VectorXd expected = vector_from(c["predictions"]);
    const Eigen::VectorXd got = p.predict(X);
    const double diff = max_abs_diff(got, expected);
    MESSAGE(c["model"].get<std::string>() << ": max |mlguard - sklearn| = " << diff);
    CHECK(diff <= 1e-12);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      const Eigen::RowVectorXd in = X.row(i);
      double out = 0;
      CHECK(p.transform_row(in.data(), &out) == row_status::ok);
      CHECK(out == got[i]);
    }
  }
}

TEST_CASE("dynamic_pipeline gives the typed pipeline's bits and the same document") {
  const auto& ref = export_reference();
  const json& doc = ref["cases"][0]["document"];
  using typed = static_pipeline<column_selector, imputer, standard_scaler, one_hot_encoder,
                                logistic_regression>;
  auto t = typed::from_json(doc);
  auto d = dynamic_pipeline::from_json(doc);
  const Eigen::MatrixXd X = matrix_from(ref["cases"][0]["X_test"]);
  CHECK(bit_identical(t.transform(X), d.transform(X)));
  CHECK(d.to_json() == t.to_json());
  CHECK(d.size() == 5);
  CHECK(d.kind(4) == "logistic_regression");
  REQUIRE(d.stage_as<logistic_regression>(4) != nullptr);
  CHECK(d.stage_as<imputer>(4) == nullptr);
  // Copies are deep and independent.
  dynamic_pipeline copy = d;
  CHECK(bit_identical(copy.transform(X), d.transform(X)));
}

TEST_CASE("dynamic_pipeline rejects unknown stages, newer versions and corrupt files") {
  const json doc = export_reference()["cases"][0]["document"];
  json bad = doc;
  bad["stages"][2]["kind"] = "quantum_scaler";
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.pipeline.unknown_stage");
  bad = doc;
  bad["format_version"] = 99;
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.format.newer_version");
  bad = doc;
  bad["stages"] = json::array();
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.format.corrupt");
  bad = doc;
  bad["stages"][0].erase("params");
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.format.corrupt");
  bad = doc;
  bad["extra"] = true;
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.format.unknown_field");
  bad = doc;
  bad["stages"][4]["params"]["coef"].push_back(1.0);
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(bad), "mlguard.pipeline.width_mismatch");
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(json::parse("[1, 2]")),
                          "mlguard.format.corrupt");
  // An empty registry knows nothing.
  MLGUARD_CHECK_THROWS_ID(dynamic_pipeline::from_json(doc, stage_registry()),
                          "mlguard.pipeline.unknown_stage");
  const std::string path = "dynamic_pipeline_test.json";
  auto p = dynamic_pipeline::from_json(doc);
  p.save(path);
  auto q = dynamic_pipeline::load(path);
  std::remove(path.c_str());
  CHECK(q.to_json() == p.to_json());
  Eigen::MatrixXd narrow(1, 2);
  narrow.setZero();
  MLGUARD_CHECK_THROWS_ID(q.transform(narrow), "mlguard.pipeline.width_mismatch");
}

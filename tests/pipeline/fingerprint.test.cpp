#include "mlguard/pipeline/fingerprint.hpp"

#include <cstdint>
#include <cstring>
#include <string>

#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/pipeline.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

TEST_CASE("fingerprint_bytes is XXH3-128: xxHash's own sanity vector") {
  // Cyan4973/xxHash cli/xsum_sanity_check.c: XXH128 of the empty input, seed 0,
  // is { low 0x6001C324468D497F, high 0x99AA06D3014798D8 }.
  CHECK(fingerprint_bytes("") == "xxh3-128:99aa06d3014798d86001c324468d497f");
}

TEST_CASE("data_fingerprint hashes shape + column-major little-endian doubles") {
  Eigen::MatrixXd X(2, 3);
  X << 1, 2, 3, 4, 5, -0.0;
  // The documented byte layout, built by hand.
  std::string bytes;
  auto put = [&bytes](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      bytes.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    }
  };
  put(2);
  put(3);
  for (double v : {1.0, 4.0, 2.0, 5.0, 3.0, -0.0}) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &v, 8);
    put(bits);
  }
  CHECK(data_fingerprint(X) == fingerprint_bytes(bytes));
  // Storage order does not matter; shape and every bit do.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> R = X;
  CHECK(data_fingerprint(R) == data_fingerprint(X));
  const Eigen::MatrixXd reshaped = Eigen::Map<const Eigen::MatrixXd>(X.data(), 3, 2);
  CHECK(data_fingerprint(reshaped) != data_fingerprint(X));
  Eigen::MatrixXd Z = X;
  Z(1, 2) = 0.0;
  CHECK(data_fingerprint(Z) != data_fingerprint(X));
  // More than one 256-value chunk.
  const Eigen::MatrixXd big = Eigen::MatrixXd::Constant(300, 7, 0.5);
  Eigen::MatrixXd big2 = big;
  big2(299, 6) = std::nextafter(0.5, 1.0);
  CHECK(data_fingerprint(big) != data_fingerprint(big2));
}

TEST_CASE("pipeline fingerprint: stable, survives save/load, changes with any parameter") {
  const json doc = export_reference()["cases"][0]["document"];
  auto p = dynamic_pipeline::from_json(doc);
  const std::string f = fingerprint(p);
  CHECK(f.size() == 9 + 32);
  CHECK(fingerprint(dynamic_pipeline::from_json(json::parse(p.to_json().dump(2)))) == f);
  json changed = doc;
  auto& coef = changed["stages"][4]["params"]["coef"][0];
  coef = std::nextafter(coef.get<double>(), 1e300);
  CHECK(fingerprint(dynamic_pipeline::from_json(changed)) != f);
  changed = doc;
  changed["stages"][4]["params"]["C"] = 0.25;
  CHECK(fingerprint(dynamic_pipeline::from_json(changed)) != f);
  // The typed pipeline of the same document has the same fingerprint.
  using typed = static_pipeline<column_selector, imputer, standard_scaler, one_hot_encoder,
                                logistic_regression>;
  CHECK(fingerprint(typed::from_json(doc)) == f);
  // Not fitted: no fingerprint.
  static_pipeline<standard_scaler> unfitted(standard_scaler{});
  MLGUARD_CHECK_THROWS_ID(fingerprint(unfitted), "mlguard.pipeline.not_fitted");
}

TEST_CASE("pipeline fingerprint: a feature name that is not UTF-8 is an mlguard error") {
  // Before, json::dump() let nlohmann's type_error.316 escape.
  json doc = export_reference()["cases"][0]["document"];
  const auto rename = [](json& names) {
    for (auto& n : names) {
      if (n == "fare") {
        n = "far\xe9";
      }
    }
  };
  rename(doc["input_features"]);
  for (auto& stage : doc["stages"]) {
    if (stage["params"].contains("columns")) {
      rename(stage["params"]["columns"]);
    }
  }
  const auto p = dynamic_pipeline::from_json(doc);
  MLGUARD_CHECK_THROWS_ID(fingerprint(p), "mlguard.format.invalid_utf8");
}

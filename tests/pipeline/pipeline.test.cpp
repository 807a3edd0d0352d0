#include "mlguard/pipeline/pipeline.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "pipeline/pipeline_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::test;
using namespace mlguard::pipeline;

namespace {

using five_stage =
    static_pipeline<imputer, standard_scaler, clipper, one_hot_encoder, logistic_regression>;

five_stage make_five_stage() {
  return five_stage(imputer(impute_strategy::median), standard_scaler({"a", "b"}),
                    clipper({"a", "b"}, 0.02, 0.98), one_hot_encoder({"k"}),
                    logistic_regression(0.7));
}

struct data {
  Eigen::MatrixXd X;
  Eigen::VectorXd y;
};

data make_data(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> code(0, 3);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  data d{Eigen::MatrixXd(n, 3), Eigen::VectorXd(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    d.X(i, 0) = 5 + 2 * normal(rng);
    d.X(i, 1) = normal(rng);
    d.X(i, 2) = code(rng);
    const double z = 0.8 * (d.X(i, 0) - 5) - d.X(i, 1) + (d.X(i, 2) == 2 ? 1.0 : 0.0);
    d.y[i] = u(rng) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
    if (u(rng) < 0.05) {
      d.X(i, 0) = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return d;
}

} // namespace

TEST_CASE("pipeline fits stage by stage: each stage sees the output of the previous ones") {
  auto d = make_data(500, 1);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  CHECK(p.fitted());
  CHECK(p.input_width() == 3);
  CHECK(p.output_width() == 1);
  CHECK(p.feature_names_out() == std::vector<std::string>{"probability"});
  // The scaler was fitted on imputed data: refit by hand and compare.
  imputer imp(impute_strategy::median);
  imp.bind({"a", "b", "k"});
  imp.fit(d.X);
  Eigen::MatrixXd imputed(d.X.rows(), 3);
  std::vector<row_status> st(static_cast<std::size_t>(d.X.rows()));
  imp.transform(d.X, imputed, span<row_status>(st));
  standard_scaler sc({"a", "b"});
  sc.bind({"a", "b", "k"});
  sc.fit(imputed);
  CHECK(p.stage<1>().mean() == sc.mean());
  CHECK(p.stage<3>().feature_names_out().size() == 2 + 4 + 1);
  // The model saw the one-hot output.
  CHECK(p.stage<4>().coef().size() == 7);
}

TEST_CASE("pipeline: the per-row path gives the batch path's bits, without NaN surprises") {
  auto d = make_data(1300, 2); // crosses batch chunks of 512 rows
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  const Eigen::MatrixXd batch = p.transform(d.X);
  for (Eigen::Index i = 0; i < d.X.rows(); ++i) {
    const Eigen::RowVectorXd in = d.X.row(i);
    double out = 0;
    CHECK(p.transform_row(in.data(), &out) == row_status::ok);
    CHECK(std::memcmp(&out, &batch(i, 0), sizeof out) == 0);
  }
  CHECK_FALSE(batch.hasNaN()); // the imputer runs before the model
}

TEST_CASE("pipeline persistence: save, load, bit-identical outputs") {
  auto d = make_data(400, 3);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  const std::string path = "pipeline_roundtrip_test.json";
  p.save(path);
  auto q = five_stage::load(path);
  std::remove(path.c_str());
  const auto test = make_data(200, 4);
  CHECK(bit_identical(p.transform(test.X), q.transform(test.X)));
  CHECK(q.to_json() == p.to_json());
  const json doc = p.to_json();
  CHECK(doc["format"] == "mlguard.pipeline");
  CHECK(doc["format_version"] == 1);
  CHECK(doc["input_features"] == json({"a", "b", "k"}));
  CHECK(doc["stages"].size() == 5);
  CHECK(doc["stages"][3]["kind"] == "one_hot_encoder");
}

TEST_CASE("nlohmann::json writes doubles that parse back to the same bits") {
  std::mt19937_64 rng(5);
  for (int i = 0; i < 100000; ++i) {
    std::uint64_t bits = rng();
    double v = 0;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isfinite(v)) {
      continue;
    }
    const json j = v;
    const double back = json::parse(j.dump()).get<double>();
    REQUIRE(std::memcmp(&v, &back, sizeof v) == 0);
  }
  for (double v : {0.1, 1.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308, -0.0}) {
    const double back = json::parse(json(v).dump()).get<double>();
    CHECK(std::memcmp(&v, &back, sizeof v) == 0);
  }
}

TEST_CASE("pipeline bad input: width, labels, NaN into the model, not fitted, stage mismatch") {
  auto d = make_data(100, 6);
  auto p = make_five_stage();
  Eigen::MatrixXd two(3, 2);
  two.setZero();
  MLGUARD_CHECK_THROWS_ID(p.transform(two), "mlguard.pipeline.not_fitted");
  double out = 0;
  const double row[3] = {1, 2, 0};
  CHECK(p.transform_row(row, &out) == row_status::invalid_input);
  MLGUARD_CHECK_THROWS_ID(p.fit(d.X, {"a", "b"}, d.y), "mlguard.pipeline.width_mismatch");
  MLGUARD_CHECK_THROWS_ID(p.fit(d.X, {"a", "b", "k"}), "mlguard.pipeline.missing_labels");
  MLGUARD_CHECK_THROWS_ID(p.fit(d.X, {"a", "b", "k"}, Eigen::VectorXd::Zero(3)),
                          "mlguard.pipeline.size_mismatch");
  p.fit(d.X, {"a", "b", "k"}, d.y);
  MLGUARD_CHECK_THROWS_ID(p.transform(two), "mlguard.pipeline.width_mismatch");
  double wide_out[2];
  CHECK(p.transform_row(span<const double>(row, 2), span<double>(wide_out, 1)) ==
        row_status::invalid_input);

  // Without an imputer, NaN reaches the model: the batch throws, the row reports.
  static_pipeline<standard_scaler, logistic_regression> no_impute(standard_scaler{},
                                                                  logistic_regression{});
  Eigen::MatrixXd clean = d.X;
  for (Eigen::Index i = 0; i < clean.rows(); ++i) {
    if (std::isnan(clean(i, 0))) {
      clean(i, 0) = 0;
    }
  }
  no_impute.fit(clean, {"a", "b", "k"}, d.y);
  MLGUARD_CHECK_THROWS_ID(no_impute.transform(d.X), "mlguard.pipeline.nan_input");
  const double nan_row[3] = {std::numeric_limits<double>::quiet_NaN(), 0, 1};
  CHECK(no_impute.transform_row(nan_row, &out) == row_status::invalid_input);
  CHECK(std::isnan(out));

  // A document of another composition does not load into this type.
  using other = static_pipeline<imputer, logistic_regression>;
  MLGUARD_CHECK_THROWS_ID(other::from_json(p.to_json()), "mlguard.pipeline.stage_mismatch");
  using wrong_order =
      static_pipeline<standard_scaler, imputer, clipper, one_hot_encoder, logistic_regression>;
  MLGUARD_CHECK_THROWS_ID(wrong_order::from_json(p.to_json()), "mlguard.pipeline.stage_mismatch");
}

TEST_CASE("pipeline documents: newer format_version, corrupt JSON, recorded widths") {
  auto d = make_data(100, 7);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  json doc = p.to_json();
  doc["format_version"] = 2;
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.format.newer_version");
  doc = p.to_json();
  doc["format"] = "mlguard.profile";
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.format.wrong_kind");
  doc = p.to_json();
  doc["output_features"] = {"p", "q"};
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.pipeline.width_mismatch");
  doc = p.to_json();
  doc["stages"][1]["params"]["mean"] = {1.0};
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.pipeline.width_mismatch");
  doc = p.to_json();
  doc["input_features"] = {"a", "b"};
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.pipeline.width_mismatch");
  doc["input_features"] = {"a", "b", "kind"};
  MLGUARD_CHECK_THROWS_ID(five_stage::from_json(doc), "mlguard.pipeline.unknown_feature");
  const std::string path = "pipeline_corrupt_test.json";
  {
    const std::string text = p.to_json().dump();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size() / 2, f); // truncated
    std::fclose(f);
  }
  MLGUARD_CHECK_THROWS_ID(five_stage::load(path), "mlguard.format.corrupt");
  std::remove(path.c_str());
  MLGUARD_CHECK_THROWS_ID(five_stage::load("/nonexistent/pipeline.json"), "mlguard.io.open_failed");
}

TEST_CASE("pipeline documents: a bad field is named by file and path") {
  auto d = make_data(100, 7);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  const auto message_of = [](const json& doc) {
    try {
      (void)five_stage::from_json(doc, "churn.json");
    } catch (const format_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json doc = p.to_json();
  doc["stages"][1]["params"]["scale"][1] = "wide";
  CHECK(message_of(doc) ==
        "[mlguard.format.corrupt] churn.json: stages[1].params.scale[1]: expected a number");
  doc = p.to_json();
  doc["stages"][4]["params"].erase("intercept");
  CHECK(message_of(doc) ==
        "[mlguard.format.corrupt] churn.json: stages[4].params.intercept: missing field");
  doc = p.to_json();
  doc["stages"][0]["params"]["strategy"] = "mode";
  CHECK(message_of(doc) == "[mlguard.format.corrupt] churn.json: stages[0].params.strategy: "
                           "expected mean, median, most_frequent or constant");
  doc = p.to_json();
  doc["stages"][2]["params"]["lowr"] = json::array();
  CHECK(message_of(doc) ==
        "[mlguard.format.unknown_field] churn.json: stages[2].params.lowr: unknown field");
}

TEST_CASE("pipeline documents: save is atomic and load reads it back, 0.1 documents still load") {
  auto d = make_data(100, 7);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  const std::string path = "pipeline_save_test.json";
  p.save(path);
  const auto q = five_stage::load(path);
  std::remove(path.c_str());
  CHECK(q.to_json() == p.to_json());
  // mlguard 0.1 wrote NaN as the string "nan": it reads as NaN, which is now written as null.
  json doc = p.to_json();
  doc["stages"][0]["params"]["fill_value"] = "nan";
  CHECK(five_stage::from_json(doc).stage<0>().to_json()["fill_value"].is_null());
}

TEST_CASE("column_selector in a pipeline: stateless stages need no fit") {
  auto d = make_data(50, 8);
  static_pipeline<column_selector, imputer> p(column_selector({"k", "a"}), imputer{});
  p.fit(d.X, {"a", "b", "k"});
  CHECK(p.feature_names_out() == std::vector<std::string>{"k", "a"});
  const Eigen::MatrixXd out = p.transform(d.X);
  CHECK(out.cols() == 2);
  CHECK(out(0, 0) == d.X(0, 2));
}

TEST_CASE("pipeline copies serve one thread each and share nothing (run under TSan)") {
  auto d = make_data(600, 9);
  auto p = make_five_stage();
  p.fit(d.X, {"a", "b", "k"}, d.y);
  const Eigen::MatrixXd expected = p.transform(d.X);
  std::vector<five_stage> copies(4, p);
  std::vector<int> mismatches(copies.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < copies.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (Eigen::Index i = 0; i < d.X.rows(); ++i) {
          const Eigen::RowVectorXd in = d.X.row(i);
          double out = 0;
          copies[t].transform_row(in.data(), &out);
          mismatches[t] += out == expected(i, 0) ? 0 : 1;
        }
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (int m : mismatches) {
    CHECK(m == 0);
  }
}

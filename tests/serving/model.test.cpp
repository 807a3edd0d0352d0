#include "mlguard/serving/model.hpp"

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/serving/model_loaders.hpp"
#include "mlguard/serving/pipeline_model.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace model_test {

// A hand-written model: bias + Σ w·x over the pipeline's outputs, its
// weights in an artifact ("bias w1 w2 ..." as text). No mlguard base class.
class weighted_sum {
public:
  static constexpr std::string_view kind = "weighted_sum";
  weighted_sum(pipeline::dynamic_pipeline pre, std::vector<double> weights)
      : pre_(std::move(pre)), weights_(std::move(weights)), buffer_(pre_.output_width()) {}
  static weighted_sum from_bundle(const model_bundle& b, const pipeline::stage_registry& stages) {
    std::vector<double> weights;
    std::istringstream in(b.artifacts.at(b.model.member));
    for (double w = 0; in >> w;) {
      weights.push_back(w);
    }
    auto pre = pipeline::dynamic_pipeline::from_json(b.pipeline, stages);
    if (weights.size() != pre.output_width() + 1) {
      throw serving_error("layout_mismatch", b.model.member + ": wrong number of weights");
    }
    return weighted_sum(std::move(pre), std::move(weights));
  }
  std::vector<std::string> feature_names_in() const { return pre_.feature_names_in(); }
  std::vector<std::string> feature_names_out() const { return {"sum"}; }
  pipeline::row_status predict_row(const double* in, double* out) noexcept {
    const auto st = pre_.transform_row(in, buffer_.data());
    out[0] = weights_[0];
    for (std::size_t i = 0; i < buffer_.size(); ++i) {
      out[0] += weights_[i + 1] * buffer_[i];
    }
    return std::isnan(out[0]) ? pipeline::row_status::invalid_input : st;
  }
  std::vector<std::string> explanation_names() const { return pre_.feature_names_out(); }
  void explain_row(const double* in, double* contributions) {
    pre_.transform_row(in, buffer_.data());
    for (std::size_t i = 0; i < buffer_.size(); ++i) {
      contributions[i] = weights_[i + 1] * buffer_[i];
    }
    contributions[buffer_.size()] = weights_[0];
  }

private:
  pipeline::dynamic_pipeline pre_; // each copy its own: stages keep scratch buffers
  std::vector<double> weights_;
  std::vector<double> buffer_;
};

static_assert(check_model<weighted_sum>());
static_assert(has_explain_v<weighted_sum> && !has_predict_batch_v<weighted_sum>);
static_assert(check_model<pipeline_model>());
static_assert(has_predict_batch_v<pipeline_model> && has_explain_v<pipeline_model> &&
              has_explain_top_v<pipeline_model> && !has_explain_top_v<weighted_sum>);

// A bundle whose model is a weighted_sum behind a column selector (the
// pipeline then only picks the request's features).
model_bundle weighted_bundle(const std::string& weights, const model_loaders& loaders) {
  const auto trips = test::tip_trips(3, 12.0, 500);
  const auto selector = pipeline::dynamic_pipeline::from_json(json::parse(R"({
    "format": "mlguard.pipeline", "format_version": 1,
    "input_features": ["fare", "distance"], "output_features": ["fare", "distance"],
    "stages": [{"kind": "column_selector", "params": {"columns": ["fare", "distance"]}}]})"));
  return make_bundle(selector, model_spec{"weighted_sum", "weights.txt"},
                     bundle_members{{"weights.txt", weights}}, trips, loaders);
}

} // namespace model_test

using model_test::weighted_bundle;
using model_test::weighted_sum;

TEST_CASE("model: any_model serves a hand-written model and copies it") {
  model_loaders loaders;
  loaders.add<weighted_sum>();
  CHECK(loaders.contains("weighted_sum"));
  CHECK(loaders.contains("pipeline"));
  CHECK_FALSE(loaders.contains("xgboost"));
  const auto b = weighted_bundle("0.5 2 -1", loaders);
  any_model m = loaders.load(b, pipeline::builtin_stages());
  CHECK(m.kind() == "weighted_sum");
  CHECK(m.feature_names_in() == std::vector<std::string>{"fare", "distance"});
  CHECK(m.feature_names_out() == std::vector<std::string>{"sum"});
  CHECK(m.target<weighted_sum>() != nullptr);
  CHECK(m.target<pipeline_model>() == nullptr);

  const double row[] = {10.0, 3.0};
  double out = 0;
  CHECK(m.predict_row(row, &out) == pipeline::row_status::ok);
  CHECK(out == 0.5 + 2 * 10.0 - 3.0);
  any_model copy = m;
  double out2 = 0;
  CHECK(copy.predict_row(row, &out2) == pipeline::row_status::ok);
  CHECK(out2 == out);

  // No predict_batch of its own: predict_row per row, sizes checked.
  const std::vector<double> rows{10, 3, 1, 1};
  std::vector<double> outs(2);
  std::vector<pipeline::row_status> status(2);
  m.predict_batch(rows, outs, status);
  CHECK(outs == std::vector<double>{17.5, 1.5});
  std::vector<double> short_out(1);
  MLGUARD_CHECK_THROWS_ID(m.predict_batch(rows, short_out, status),
                          "mlguard.argument.size_mismatch");

  REQUIRE(m.explains());
  CHECK(m.explanation_names() == std::vector<std::string>{"fare", "distance"});
  double c[3] = {};
  m.explain_row(row, c);
  CHECK(c[0] == 20.0);
  CHECK(c[1] == -3.0);
  CHECK(c[2] == 0.5);
}

TEST_CASE("model: the pipeline model, and kinds no loader knows") {
  const auto b = test::tip_bundle();
  const model_loaders loaders;
  any_model m = loaders.load(b, pipeline::builtin_stages());
  CHECK(m.kind() == "pipeline");
  CHECK(m.explains()); // a linear pipeline whose bundle has a background
  double c[3];
  const double row[] = {10.0, 3.0};
  m.explain_row(row, c);
  CHECK(std::isfinite(c[0] + c[1] + c[2]));
  auto old = b;
  old.background = {}; // a bundle made before backgrounds existed
  any_model plain = loaders.load(old, pipeline::builtin_stages());
  CHECK_FALSE(plain.explains());
  MLGUARD_CHECK_THROWS_ID(plain.explain_row(row, c), "mlguard.serving.not_explainable");
  explain::feature_contribution top[2];
  CHECK(plain.explain_top(row, top, 2) == 0);
  CHECK(m.explain_top(row, top, 2) == 2);

  // Batch and row paths agree.
  const std::vector<double> rows{10, 3, 20, 1, 5, 0.5};
  std::vector<double> outs(3);
  std::vector<pipeline::row_status> status(3);
  m.predict_batch(rows, outs, status);
  for (std::size_t r = 0; r < 3; ++r) {
    double one = 0;
    m.predict_row(&rows[2 * r], &one);
    CHECK(outs[r] == doctest::Approx(one).epsilon(1e-15));
  }

  auto other = b;
  other.model = {"onnx", "model.onnx"};
  other.artifacts["model.onnx"] = "bytes";
  try {
    (void)loaders.load(other, pipeline::builtin_stages());
    FAIL("an unknown kind loaded");
  } catch (const serving_error& e) {
    CHECK(std::string(e.id()) == "mlguard.serving.unknown_model");
    CHECK(std::string(e.what()).find("'onnx'") != std::string::npos);
    CHECK(std::string(e.what()).find("known: pipeline") != std::string::npos);
  }
  model_loaders custom;
  MLGUARD_CHECK_THROWS_ID(custom.add("pipeline", {}), "mlguard.argument.invalid_option");
  MLGUARD_CHECK_THROWS_ID(custom.add("", {}), "mlguard.argument.invalid_option");
}

TEST_CASE("model: a bundle keeps its model spec and artifacts byte for byte") {
  model_loaders loaders;
  loaders.add<weighted_sum>();
  auto b = weighted_bundle("0.5 2 -1", loaders);
  std::string binary("\x00\xff\x01 raw\n", 8);
  b.artifacts["notes.bin"] = binary;
  memory_artifact_store store;
  const auto digest = write_bundle(store, b);
  const auto back = read_bundle(store, digest);
  CHECK(back.model.kind == "weighted_sum");
  CHECK(back.model.member == "weights.txt");
  CHECK(back.artifacts == b.artifacts);
  CHECK(back.artifacts.at("notes.bin") == binary);
  const auto manifest = parse_json(*store.read(digest, member::manifest), "manifest");
  CHECK(manifest.at("format_version") == 2);
  CHECK(manifest.at("members").contains("model.json"));

  // A bundle without a model spec or artifacts is still version 1: its
  // digest is what it was before model specs existed.
  const auto plain = encode_bundle(test::tip_bundle());
  CHECK(parse_json(plain.at(member::manifest), "manifest").at("format_version") == 1);
  CHECK(plain.count(member::model) == 0);

  // The model member must be there, and artifacts cannot pose as documents.
  auto missing = b;
  missing.artifacts.erase("weights.txt");
  MLGUARD_CHECK_THROWS_ID(encode_bundle(missing), "mlguard.serving.bundle_incomplete");
  auto posing = b;
  posing.artifacts["schema.json"] = "{}";
  MLGUARD_CHECK_THROWS_ID(encode_bundle(posing), "mlguard.serving.invalid_name");
  auto hostile = b;
  hostile.artifacts["../escape"] = "x";
  MLGUARD_CHECK_THROWS_ID(encode_bundle(hostile), "mlguard.serving.invalid_name");
}

TEST_CASE("model: a guarded model serves, monitors and explains a hand-written model") {
  guarded_options o = test::small_model_options(2, 50);
  o.models.add<weighted_sum>();
  const auto b = weighted_bundle("0.5 2 -1", o.models);
  REQUIRE(b.predictions.find("sum") != nullptr);
  REQUIRE(b.smoke.size() == 5);
  std::size_t windows = 0;
  o.on_window = [&](const version_window&) { ++windows; };
  guarded_model g(b, 7, o);
  const double row[] = {10.0, 3.0};
  const auto out = g.predict(span<const double>(row, 2));
  CHECK(out.status == request_status::ok);
  CHECK(out.prediction == 17.5);
  CHECK(out.version == 7);
  for (int i = 0; i < 99; ++i) {
    g.predict(span<const double>(row, 2));
  }
  CHECK(windows == 4); // inputs and predictions, two windows of 50 each

  const auto e = g.explain(span<const double>(row, 2));
  CHECK(e.names == std::vector<std::string>{"fare", "distance"});
  CHECK(e.contributions == std::vector<double>{20.0, -3.0});
  CHECK(e.base_value == 0.5);
  MLGUARD_CHECK_THROWS_ID(g.explain(span<const double>(row, 1)), "mlguard.argument.size_mismatch");

  // Without the loader, the bundle cannot be served; nothing is half-built.
  MLGUARD_CHECK_THROWS_ID(guarded_model(b, 8, test::small_model_options()),
                          "mlguard.serving.unknown_model");
  // A predictions profile that lacks the model's output is refused.
  auto renamed = b;
  renamed.predictions = test::tip_bundle().predictions;
  MLGUARD_CHECK_THROWS_ID(guarded_model(renamed, 9, o), "mlguard.serving.layout_mismatch");

  // A pipeline bundle without a background (made before backgrounds existed).
  auto old = test::tip_bundle();
  old.background = {};
  guarded_model pipeline_served(old, 1, test::small_model_options());
  MLGUARD_CHECK_THROWS_ID(pipeline_served.explain(span<const double>(row, 2)),
                          "mlguard.serving.not_explainable");
}

#include "mlguard/xgboost/xgboost_model.hpp"

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/serving/artifact_store.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/make_bundle.hpp"
#include "mlguard/serving/model_slot.hpp"
#include "mlguard/serving/publish.hpp"
#include "mlguard/serving/registry_follower.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"
#include "xgboost/xgboost_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;
using mlguard::xgboost::xgboost_model;

namespace xgboost_test {

std::string fixture(const std::string& name) {
  return std::string(MLGUARD_TEST_FIXTURES_DIR) + "/reference/" + name;
}

} // namespace xgboost_test

using namespace xgboost_test;
using namespace mlguard::test;

TEST_CASE("xgboost: the adapter reproduces python3-xgboost's predictions and pred_contribs") {
  // tests/reference/gen_xgboost.py trained the booster on the taxi January
  // sample with python3-xgboost and predicted 500 February trips.
  std::ifstream in(fixture("xgboost_taxi.json"));
  REQUIRE_MESSAGE(in.good(), "run tests/reference/gen_xgboost.py");
  const json ref = json::parse(in);
  const auto names = ref.at("feature_names").get<std::vector<std::string>>();
  const std::string booster = mlguard::detail::read_file(fixture("xgboost_taxi.ubj"));
  xgboost_model model(selector(names), booster, "xgboost_taxi.ubj");
  xgboost_model margins(selector(names), booster, "xgboost_taxi.ubj", {1, true});
  CHECK(model.feature_names_out() == std::vector<std::string>{"score"});
  CHECK(model.explanation_names() == names);

  const auto& rows = ref.at("rows");
  REQUIRE(rows.size() == 500);
  std::vector<double> row(names.size()), contributions(names.size() + 1), flat;
  double worst_prediction = 0, worst_margin = 0, worst_contribution = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto& v = rows[r][i];
      row[i] = v.is_null() ? std::nan("") : v.get<double>();
    }
    flat.insert(flat.end(), row.begin(), row.end());
    double p = 0, m = 0;
    REQUIRE(model.predict_row(row.data(), &p) == pipeline::row_status::ok);
    REQUIRE(margins.predict_row(row.data(), &m) == pipeline::row_status::ok);
    worst_prediction =
        std::max(worst_prediction, std::abs(p - ref["predictions"][r].get<double>()));
    worst_margin = std::max(worst_margin, std::abs(m - ref["margins"][r].get<double>()));
    model.explain_row(row.data(), contributions.data());
    double sum = 0;
    for (std::size_t k = 0; k <= names.size(); ++k) {
      worst_contribution = std::max(
          worst_contribution, std::abs(contributions[k] - ref["contribs"][r][k].get<double>()));
      sum += contributions[k];
    }
    CHECK(sum == doctest::Approx(m).epsilon(1e-5)); // contributions sum to the margin
  }
  CHECK(worst_prediction <= 1e-6);
  CHECK(worst_margin <= 1e-6);
  CHECK(worst_contribution <= 1e-6);

  // The batch path: one in-place prediction over every row, the same numbers.
  std::vector<double> out(rows.size());
  std::vector<pipeline::row_status> status(rows.size());
  model.predict_batch(flat, out, status);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    CHECK(status[r] == pipeline::row_status::ok);
    CHECK(std::abs(out[r] - ref["predictions"][r].get<double>()) <= 1e-6);
  }
}

TEST_CASE("xgboost: a booster that does not fit the pipeline is refused when it is opened") {
  const auto booster = tip_booster();
  // Three features for a booster that reads two.
  try {
    xgboost_model m(selector({"fare", "distance", "passengers"}), booster, "booster.ubj");
    FAIL("a feature count mismatch was accepted");
  } catch (const serving_error& e) {
    CHECK(std::string(e.id()) == "mlguard.serving.layout_mismatch");
    CHECK(std::string(e.what()).find("reads 2 features; the pipeline gives 3") !=
          std::string::npos);
  }
  // The right count, names swapped.
  try {
    xgboost_model m(selector({"distance", "fare"}), booster, "booster.ubj");
    FAIL("a feature name mismatch was accepted");
  } catch (const serving_error& e) {
    CHECK(std::string(e.id()) == "mlguard.serving.layout_mismatch");
    CHECK(std::string(e.what()).find("feature 0 is 'fare'") != std::string::npos);
  }
  // Corrupt and truncated bytes name the member.
  for (const std::string& bad :
       {std::string("not a model"), booster.substr(0, booster.size() / 2), std::string()}) {
    try {
      xgboost_model m(selector({"fare", "distance"}), bad, "booster.ubj");
      FAIL("corrupt bytes loaded");
    } catch (const serving_error& e) {
      CHECK(std::string(e.id()) == "mlguard.serving.bundle_corrupt");
      CHECK(std::string(e.what()).find("bundle member booster.ubj") != std::string::npos);
    }
  }
}

TEST_CASE("xgboost: guarded, a booster serves as the pipeline does: validated, monitored, "
          "explained") {
  const auto b = tip_xgboost_bundle(tip_booster());
  CHECK(b.predictions.find("score") != nullptr);
  REQUIRE(b.smoke.size() == 5);
  guarded_options o = test::small_model_options(2, 100);
  o.models.add<xgboost_model>();
  std::size_t windows = 0;
  o.on_window = [&](const version_window& w) { windows += w.report.rows > 0 ? 1 : 0; };
  guarded_model g(b, 2, o);
  xgboost_model direct(selector({"fare", "distance"}), b.artifacts.at("booster.ubj"));
  const double row[] = {18.0, 4.0};
  double want = 0;
  direct.predict_row(row, &want);
  const auto out = g.predict(span<const double>(row, 2));
  CHECK(out.status == request_status::ok);
  CHECK(out.prediction == want);
  CHECK(out.prediction > 0.5);
  // A missing value is counted as the schema says (no impute policy: the
  // booster takes NaN as missing and scores it).
  const double gap[] = {std::nan(""), 4.0};
  CHECK(g.predict(span<const double>(gap, 2)).status != request_status::ok);
  for (int i = 0; i < 198; ++i) {
    g.predict(span<const double>(row, 2));
  }
  CHECK(windows == 4);

  const auto e = g.explain(span<const double>(row, 2));
  CHECK(e.names == std::vector<std::string>{"fare", "distance"});
  double margin = e.base_value;
  for (double c : e.contributions) {
    margin += c;
  }
  CHECK(1.0 / (1.0 + std::exp(-margin)) == doctest::Approx(want).epsilon(1e-5));
}

TEST_CASE("xgboost: a follower swaps pipeline and booster versions, keeps the old one when a "
          "booster is corrupt, and swaps back") {
  registry::in_memory_registry reg;
  memory_artifact_store store;
  model_slot<guarded_model> slot;
  follower_options fo;
  fo.model = test::small_model_options(1, 100);
  fo.model.models.add<xgboost_model>();
  std::vector<follower_event> events;
  fo.on_event = [&](const follower_event& e) { events.push_back(e); };
  const auto v1 = publish(reg, store, "tips", test::tip_bundle()).version;
  reg.set_alias("tips", "champion", v1);
  registry_follower follower(reg, store, "models:/tips@champion", slot, fo);
  REQUIRE(follower.poll());
  CHECK(slot.acquire()->bundle().model.kind == "pipeline");

  const auto b2 = tip_xgboost_bundle(tip_booster());
  const auto v2 = publish(reg, store, "tips", b2).version;
  reg.set_alias("tips", "champion", v2);
  REQUIRE(follower.poll());
  CHECK(slot.acquire()->version() == v2);
  CHECK(slot.acquire()->bundle().model.kind == "xgboost");

  // v3: the same bundle with its booster's bytes damaged (a manifest that
  // matches them, so only XGBoost can object).
  auto b3 = b2;
  b3.artifacts["booster.ubj"] = b2.artifacts.at("booster.ubj").substr(0, 100);
  const auto v3 = publish(reg, store, "tips", b3).version;
  reg.set_alias("tips", "champion", v3);
  CHECK_FALSE(follower.poll());
  CHECK(slot.acquire()->version() == v2); // the old booster keeps serving
  REQUIRE(!events.empty());
  CHECK(events.back().what == follower_event::kind::failed);
  CHECK(events.back().reason.find("mlguard.serving.bundle_corrupt") != std::string::npos);
  CHECK(events.back().reason.find("booster.ubj") != std::string::npos);
  CHECK(reg.get_version("tips", v3).status == registry::version_status::failed);

  // Rolling back is moving the alias: the pipeline version serves again.
  reg.set_alias("tips", "champion", v1);
  REQUIRE(follower.poll());
  CHECK(slot.acquire()->version() == v1);
}

TEST_CASE("xgboost: four threads score through one booster at once") {
  const auto b = tip_xgboost_bundle(tip_booster(20));
  guarded_options o = test::small_model_options(4, 1000);
  o.models.add<xgboost_model>();
  guarded_model g(b, 1, o);
  xgboost_model direct(selector({"fare", "distance"}), b.artifacts.at("booster.ubj"));
  std::vector<std::thread> readers;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      xgboost_model mine = direct; // a copy per thread, sharing the booster
      std::mt19937_64 rng(static_cast<std::uint64_t>(t));
      std::uniform_real_distribution<double> fare(2, 40), distance(0, 12);
      for (int i = 0; i < 2000; ++i) {
        const double row[] = {fare(rng), distance(rng)};
        double want = 0;
        mine.predict_row(row, &want);
        if (g.predict(span<const double>(row, 2)).prediction != want) {
          ++wrong[static_cast<std::size_t>(t)];
        }
      }
    });
  }
  for (auto& r : readers) {
    r.join();
  }
  CHECK(wrong == std::vector<int>(4, 0));
  CHECK(g.counts().total() == 8000);
}

TEST_CASE("xgboost: JSON and UBJSON models of one booster predict the same") {
  Eigen::VectorXd y;
  const table t = tip_trips(5, 12.0, 500, &y);
  Eigen::MatrixXd x(500, 2);
  x << t.at("fare").vector(), t.at("distance").vector();
  mlguard::xgboost::train_options o;
  o.rounds = 4;
  o.format = "json";
  const auto as_json = mlguard::xgboost::train_booster(x, y, {"fare", "distance"}, o);
  o.format = "ubj";
  const auto as_ubj = mlguard::xgboost::train_booster(x, y, {"fare", "distance"}, o);
  CHECK(as_json.front() == '{');
  CHECK(as_json != as_ubj);
  xgboost_model from_json(selector({"fare", "distance"}), as_json, "booster.json");
  xgboost_model from_ubj(selector({"fare", "distance"}), as_ubj, "booster.ubj");
  for (double fare : {3.0, 12.0, 25.0}) {
    const double row[] = {fare, 2.0};
    double a = 0, b = 0;
    from_json.predict_row(row, &a);
    from_ubj.predict_row(row, &b);
    CHECK(a == b);
  }
  MLGUARD_CHECK_THROWS_ID(mlguard::xgboost::train_booster(x, y, {"fare"}, o),
                          "mlguard.argument.size_mismatch");
  o.params = {{"objective", "no:such"}};
  MLGUARD_CHECK_THROWS_ID(mlguard::xgboost::train_booster(x, y, {"fare", "distance"}, o),
                          "mlguard.serving.model_failed");
}

TEST_CASE("xgboost: truncated, inconsistent and mutated models are refused, never crash") {
  const auto ubj = tip_booster(3);
  // Every truncation of a UBJSON model (XGBoost 1.7 itself reads past the end).
  for (std::size_t cut = 0; cut < ubj.size(); cut += 7) {
    MLGUARD_CHECK_THROWS_ID(
        xgboost_model(selector({"fare", "distance"}), std::string_view(ubj.data(), cut), "b.ubj"),
        "mlguard.serving.bundle_corrupt");
  }
  // Well-formed JSON whose trees do not hold together.
  const json model = json::from_ubjson(ubj);
  const auto refused_with = [&](const json& m, const std::string& words) {
    try {
      xgboost_model x(selector({"fare", "distance"}), m.dump(), "b.json");
      FAIL("an inconsistent model loaded: " << words);
    } catch (const serving_error& e) {
      CHECK(std::string(e.id()) == "mlguard.serving.bundle_corrupt");
      CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
    }
  };
  auto bad = model;
  bad["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = 999;
  refused_with(bad, "tree 0: node 0 has children outside the tree");
  bad = model;
  bad["learner"]["gradient_booster"]["model"]["trees"][0]["left_children"][0] = 0;
  refused_with(bad, "children outside the tree"); // a cycle: prediction would never end
  bad = model;
  bad["learner"]["gradient_booster"]["model"]["trees"][0]["split_indices"][0] = 7;
  refused_with(bad, "splits on a feature the model does not have");
  bad = model;
  bad["learner"]["gradient_booster"]["model"]["trees"][0]["parents"].erase(0);
  refused_with(bad, "parents does not have num_nodes entries");
  bad = model;
  bad["learner"]["gradient_booster"]["model"]["tree_info"][0] = 3;
  refused_with(bad, "tree_info names an output");
  bad = model;
  bad["learner"]["gradient_booster"]["model"]["trees"][1]["id"] = 0;
  refused_with(bad, "id out of range or seen before");
  xgboost_model fine(selector({"fare", "distance"}), model.dump(), "b.json");

  MLGUARD_CHECK_THROWS_ID(xgboost_model(selector({"fare", "distance"}), "binf\x01\x02", "b.bin"),
                          "mlguard.serving.bundle_corrupt");

  // Random byte changes: each model loads and predicts, or is refused.
  std::mt19937 rng(19);
  int loaded = 0;
  for (int k = 0; k < 400; ++k) {
    std::string m = k % 2 == 0 ? ubj : model.dump();
    for (unsigned flips = 1 + rng() % 3; flips > 0; --flips) {
      m[rng() % m.size()] = static_cast<char>(rng());
    }
    try {
      xgboost_model x(selector({"fare", "distance"}), m, "b");
      const double row[] = {12.0, 3.0};
      double out = 0;
      x.predict_row(row, &out);
      ++loaded;
    } catch (const serving_error& e) {
      const std::string id = e.id();
      CHECK((id == "mlguard.serving.bundle_corrupt" || id == "mlguard.serving.layout_mismatch"));
    }
  }
  MESSAGE(loaded << " of 400 mutated models loaded (the change hit a value, not the structure)");
}

// Batch group fairness against Fairlearn's definitions applied to
// scikit-learn 1.2.1's per-group confusion matrices (Fairlearn is not
// installable here; fixture from tests/reference/gen_fairness.py), on
// hand-made edge cases and on the NYC taxi sample; bad input; the JSON form.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/fairness/group_metrics.hpp"
#include "mlguard/io/csv.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::fairness;

namespace fairness_batch_test {

// The fixture's value: a number, or null for "undefined".
std::optional<double> opt(const json& j) {
  return j.is_null() ? std::nullopt : std::optional<double>(j.get<double>());
}

// Exact: the same integer counts divided the same way give the same double.
void check_metrics(const fairness_metrics& m, const json& e) {
  CHECK(m.rows == e["rows"].get<std::uint64_t>());
  CHECK(m.groups_present == e["groups_present"].get<std::uint64_t>());
  REQUIRE(m.groups.size() == e["groups"].size());
  for (std::size_t g = 0; g < m.groups.size(); ++g) {
    const auto& got = m.groups[g];
    const auto& want = e["groups"][g];
    CAPTURE(got.group);
    CHECK(got.group == want["group"].get<std::string>());
    CHECK(got.counts.rows() == want["rows"].get<std::uint64_t>());
    CHECK(got.counts.tn == want["tn"].get<std::uint64_t>());
    CHECK(got.counts.fp == want["fp"].get<std::uint64_t>());
    CHECK(got.counts.fn == want["fn"].get<std::uint64_t>());
    CHECK(got.counts.tp == want["tp"].get<std::uint64_t>());
    CHECK(got.selection_rate == opt(want["selection_rate"]));
    CHECK(got.accuracy == opt(want["accuracy"]));
    CHECK(got.tpr == opt(want["tpr"]));
    CHECK(got.fpr == opt(want["fpr"]));
    if (want.contains("fairlearn_tpr")) { // Fairlearn's 0.0 where the rate is undefined
      CHECK(got.tpr.value_or(0.0) == want["fairlearn_tpr"].get<double>());
      CHECK(got.fpr.value_or(0.0) == want["fairlearn_fpr"].get<double>());
    }
  }
  CHECK(m.demographic_parity_difference == opt(e["demographic_parity_difference"]));
  CHECK(m.demographic_parity_ratio == opt(e["demographic_parity_ratio"]));
  CHECK(m.tpr_difference == opt(e["tpr_difference"]));
  CHECK(m.fpr_difference == opt(e["fpr_difference"]));
  CHECK(m.equalized_odds_difference == opt(e["equalized_odds_difference"]));
  CHECK(m.equal_opportunity_difference == opt(e["equal_opportunity_difference"]));
}

json load_fixture() {
  return parse_json(test::read_file(test::fixture_path("reference/fairness.json")), "fixture");
}

} // namespace fairness_batch_test

using namespace fairness_batch_test;

TEST_CASE("fairness::evaluate: Fairlearn's definitions on sklearn's per-group confusion "
          "matrices (edge cases)") {
  const auto doc = load_fixture();
  CHECK(doc["sklearn"] == "1.2.1");
  REQUIRE(doc["cases"].size() >= 7);
  for (const auto& c : doc["cases"]) {
    CAPTURE(c["name"].get<std::string>());
    fairness_options o;
    if (c.contains("threshold")) {
      o.decision_threshold = c["threshold"].get<double>();
    }
    const auto m =
        evaluate(c["y_true"].get<std::vector<double>>(), c["y_pred"].get<std::vector<double>>(),
                 c["groups"].get<std::vector<std::int32_t>>(),
                 c["names"].get<std::vector<std::string>>(), o);
    check_metrics(m, c["expected"]);
  }
}

TEST_CASE("fairness::evaluate: undefined rates count as 0 (Fairlearn) or are skipped") {
  // Group "none" has no positives: its TPR is undefined. Fairlearn's
  // true_positive_rate says 0.0 there, so the equal opportunity difference is
  // the other group's TPR; skip leaves "none" out, and one TPR remains.
  const std::vector<double> y{0, 0, 1, 1, 0};
  const std::vector<double> p{1, 0, 1, 0, 0};
  const std::vector<std::int32_t> g{0, 0, 1, 1, 1};
  const std::vector<std::string> names{"none", "some"};
  const auto zero = evaluate(y, p, g, names);
  CHECK_FALSE(zero.groups[0].tpr.has_value());
  CHECK(zero.groups[1].tpr == 0.5);
  CHECK(zero.equal_opportunity_difference == 0.5);
  fairness_options skip;
  skip.undefined_rates = undefined_rate::skip;
  const auto skipped = evaluate(y, p, g, names, skip);
  CHECK(skipped.equal_opportunity_difference == 0.0);
  CHECK(skipped.tpr_difference == 0.0);
  CHECK(skipped.fpr_difference == zero.fpr_difference);
  // No group with negatives at all: no FPR disparity, so no equalized odds.
  const auto no_negatives = evaluate(std::vector<double>{1, 1}, std::vector<double>{1, 0},
                                     std::vector<std::int32_t>{0, 1}, names, skip);
  CHECK_FALSE(no_negatives.fpr_difference.has_value());
  CHECK_FALSE(no_negatives.equalized_odds_difference.has_value());
  CHECK(no_negatives.tpr_difference == 1.0);
}

TEST_CASE("fairness::evaluate: the NYC taxi sample, tip > 0 by pickup-zone id range") {
  const auto dir = test::shared_data_dir();
  if (!dir) {
    return;
  }
  const auto doc = load_fixture();
  REQUIRE_MESSAGE(doc.contains("taxi"),
                  "regenerate the fixture with the data: tests/reference/gen_fairness.py");
  const auto& taxi = doc["taxi"];
  const table t = io::read_csv(*dir + "/" + taxi["file"].get<std::string>());
  // Derive the label and the group from the CSV as the script does, and check
  // both against the fixture's columns.
  const auto& location = t.at("pickup_location_id").values();
  const auto& tip = t.at("tip_amount").values();
  std::vector<std::int32_t> groups(location.size());
  std::vector<double> label(location.size());
  for (std::size_t i = 0; i < location.size(); ++i) {
    const double id = location[i];
    groups[i] = id <= 66 ? 0 : id <= 132 ? 1 : id <= 198 ? 2 : id <= 263 ? 3 : 4;
    label[i] = tip[i] > 0 ? 1.0 : 0.0;
  }
  CHECK(groups == taxi["groups"].get<std::vector<std::int32_t>>());
  CHECK(label == taxi["y_true"].get<std::vector<double>>());
  fairness_options o;
  o.decision_threshold = taxi["threshold"].get<double>();
  const auto scores = taxi["score"].get<std::vector<double>>();
  const auto names = taxi["names"].get<std::vector<std::string>>();
  const auto m = evaluate(label, scores, groups, names, o);
  check_metrics(m, taxi["expected"]);

  SUBCASE("through a table's columns") {
    table u;
    u.add(column::numeric("tipped", label));
    u.add(column::numeric("score", scores));
    u.add(column::categorical("zone", groups, vocabulary(names)));
    check_metrics(evaluate(u, "tipped", "score", "zone", o), taxi["expected"]);
  }
}

TEST_CASE("fairness::evaluate: bad input is an error naming the row") {
  const std::vector<std::string> names{"a", "b"};
  const std::vector<double> y{1, 0, 1};
  const std::vector<double> p{1, 1, 0};
  const std::vector<std::int32_t> g{0, 1, 1};
  SUBCASE("empty") {
    MLGUARD_CHECK_THROWS_ID(
        evaluate(std::vector<double>{}, std::vector<double>{}, std::vector<std::int32_t>{}, names),
        "mlguard.fairness.empty_input");
  }
  SUBCASE("sizes differ") {
    MLGUARD_CHECK_THROWS_ID(evaluate(y, std::vector<double>{1, 0}, g, names),
                            "mlguard.argument.size_mismatch");
    MLGUARD_CHECK_THROWS_ID(evaluate(y, p, std::vector<std::int32_t>{0}, names),
                            "mlguard.argument.size_mismatch");
  }
  SUBCASE("labels and classes other than 0/1") {
    try {
      evaluate(std::vector<double>{1, 2, 0}, p, g, names);
      FAIL("no error");
    } catch (const fairness_error& e) {
      CHECK(e.id() == "mlguard.fairness.bad_label");
      CHECK(std::string(e.message()) == "row 1: label 2.0 is not 0 or 1");
    }
    MLGUARD_CHECK_THROWS_ID(evaluate(std::vector<double>{1, std::nan(""), 0}, p, g, names),
                            "mlguard.fairness.bad_label");
    MLGUARD_CHECK_THROWS_ID(evaluate(y, std::vector<double>{0.7, 1, 0}, g, names),
                            "mlguard.fairness.bad_label");
  }
  SUBCASE("NaN scores") {
    fairness_options o;
    o.decision_threshold = 0.5;
    MLGUARD_CHECK_THROWS_ID(evaluate(y, std::vector<double>{0.7, std::nan(""), 0.1}, g, names, o),
                            "mlguard.fairness.bad_score");
    // ±Inf is a score on one side of any threshold.
    const double inf = std::numeric_limits<double>::infinity();
    const auto m = evaluate(y, std::vector<double>{inf, -inf, 0.1}, g, names, o);
    CHECK(m.groups[0].counts.tp == 1);
    o.decision_threshold = std::nan("");
    MLGUARD_CHECK_THROWS_ID(evaluate(y, p, g, names, o), "mlguard.fairness.invalid_option");
  }
  SUBCASE("group codes outside the names, missing groups, no names") {
    MLGUARD_CHECK_THROWS_ID(evaluate(y, p, std::vector<std::int32_t>{0, 2, 1}, names),
                            "mlguard.argument.unknown_code");
    MLGUARD_CHECK_THROWS_ID(evaluate(y, p, std::vector<std::int32_t>{0, missing_code, 1}, names),
                            "mlguard.argument.unknown_code");
    MLGUARD_CHECK_THROWS_ID(evaluate(y, p, g, std::vector<std::string>{}),
                            "mlguard.fairness.invalid_option");
  }
  SUBCASE("a single group: Fairlearn's 0 and 1, and groups_present says so") {
    const auto m = evaluate(y, p, std::vector<std::int32_t>{1, 1, 1}, names);
    CHECK(m.groups_present == 1);
    CHECK(m.demographic_parity_difference == 0.0);
    CHECK(m.demographic_parity_ratio == 1.0);
    CHECK(m.equalized_odds_difference == 0.0);
  }
  SUBCASE("table columns of the wrong kind or missing") {
    table u;
    u.add(column::numeric("y", y));
    u.add(column::numeric("p", p));
    u.add(column::numeric("g", {0, 1, 1}));
    MLGUARD_CHECK_THROWS_ID(evaluate(u, "y", "p", "g"), "mlguard.argument.wrong_kind");
    MLGUARD_CHECK_THROWS_ID(evaluate(u, "y", "nope", "g"), "mlguard.argument.unknown_column");
  }
}

TEST_CASE("fairness: metric_entries for the registry, thresholds, JSON fields") {
  const auto m =
      evaluate(std::vector<double>{1, 0, 1, 0}, std::vector<double>{1, 1, 0, 0},
               std::vector<std::int32_t>{0, 0, 1, 1}, std::vector<std::string>{"a", "b"});
  const auto entries = metric_entries(m, "fairness.zone");
  CHECK(entries.at("fairness.zone.demographic_parity_difference") == 1.0);
  CHECK(entries.at("fairness.zone.rows") == 4.0);
  CHECK(entries.at("fairness.zone.groups_present") == 2.0);
  CHECK(entries.count("fairness.zone.demographic_parity_ratio") == 1);
  CHECK(entries.at("fairness.zone.demographic_parity_ratio") == 0.0);

  const fairness_threshold dp{disparity::demographic_parity_difference, 0.1};
  CHECK(dp.violated(0.2));
  CHECK_FALSE(dp.violated(0.1));
  CHECK(dp.violated(std::nan("")));
  const fairness_threshold four_fifths{disparity::demographic_parity_ratio, 0.8};
  CHECK(four_fifths.violated(0.5));
  CHECK_FALSE(four_fifths.violated(0.9));

  json j;
  to_json(j, m);
  CHECK(j["groups"][0]["tp"] == 1);
  CHECK(j["groups"][0]["tpr"] == 1.0);
  CHECK(j["equal_opportunity_difference"] == 1.0);
  CHECK(j["undefined_rates"] == "zero");
  const auto back = read_metrics_fields(json_reader(j));
  CHECK(back.demographic_parity_difference == m.demographic_parity_difference);
  CHECK(back.groups[1].fpr == m.groups[1].fpr);
  j["rows"] = 5;
  MLGUARD_CHECK_THROWS_ID(read_metrics_fields(json_reader(j)), "mlguard.format.corrupt");
}

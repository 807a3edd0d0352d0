// The drift verdict as a document: JSON both ways, save/load, the
// "mlguard.drift_report" envelope, and reports written by mlguard 0.1.
#include "mlguard/drift/drift_report.hpp"

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <unistd.h>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {

const double plus_inf = std::numeric_limits<double>::infinity();

// A report with every kind of field: a p-value column with a correction, a
// categorical distance with unseen categories, an infinite statistic, a
// skipped column, and columns in one table only.
drift_report sample_report() {
  drift_report r;
  r.multiple_testing = correction::bonferroni;
  column_drift x;
  x.name = "x";
  x.stat = method::ks_2samp;
  x.statistic = 0.3;
  x.p_value = 0.037964431036913993;
  x.p_value_adjusted = 0.075928862073827986;
  x.threshold = 0.05;
  x.n_reference = 39;
  x.n_current = 40;
  x.missing_reference = 1;
  x.non_finite_current = 2;
  column_drift c;
  c.name = "c";
  c.kind = column_kind::categorical;
  c.stat = method::chi_square;
  c.statistic = plus_inf; // a category the reference lacks
  c.p_value = 0.0;
  c.threshold = 0.05;
  c.drifted = true;
  c.n_reference = 40;
  c.n_current = 40;
  c.unseen_categories = 1;
  c.unseen_current = 10;
  column_drift s;
  s.name = "empty";
  s.stat = method::z_test;
  s.threshold = 0.05;
  s.missing_reference = 40;
  s.skipped = "the reference has no finite values";
  r.columns = {x, c, s};
  r.only_in_reference = {"only_ref"};
  r.only_in_current = {"new"};
  drift::detail::tally(r, 0.5);
  return r;
}

void check_same(const column_drift& a, const column_drift& b) {
  CAPTURE(a.name);
  CHECK(a.name == b.name);
  CHECK(a.kind == b.kind);
  CHECK(a.stat == b.stat);
  CHECK((a.statistic == b.statistic || (std::isnan(a.statistic) && std::isnan(b.statistic))));
  CHECK(a.p_value == b.p_value);
  CHECK(a.p_value_adjusted == b.p_value_adjusted);
  CHECK(a.threshold == b.threshold);
  CHECK(a.drifted == b.drifted);
  CHECK(a.n_reference == b.n_reference);
  CHECK(a.n_current == b.n_current);
  CHECK(a.missing_reference == b.missing_reference);
  CHECK(a.missing_current == b.missing_current);
  CHECK(a.non_finite_reference == b.non_finite_reference);
  CHECK(a.non_finite_current == b.non_finite_current);
  CHECK(a.unseen_categories == b.unseen_categories);
  CHECK(a.unseen_current == b.unseen_current);
  CHECK(a.skipped == b.skipped);
}

void check_same(const drift_report& a, const drift_report& b) {
  CHECK(a.dataset_drift == b.dataset_drift);
  CHECK(a.share_drifted == b.share_drifted);
  CHECK(a.drifted == b.drifted);
  CHECK(a.evaluated == b.evaluated);
  CHECK(a.drift_share == b.drift_share);
  CHECK(a.multiple_testing == b.multiple_testing);
  CHECK(a.only_in_reference == b.only_in_reference);
  CHECK(a.only_in_current == b.only_in_current);
  REQUIRE(a.columns.size() == b.columns.size());
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    check_same(a.columns[i], b.columns[i]);
  }
}

std::string temp_path(const char* name) {
  return "/tmp/mlguard-drift-report-" + std::to_string(::getpid()) + "-" + name;
}

} // namespace

TEST_CASE("drift_report: tally decides the dataset from the columns") {
  const auto r = sample_report();
  CHECK(r.evaluated == 2); // the skipped column does not count
  CHECK(r.drifted == 1);
  CHECK(r.share_drifted == 0.5);
  CHECK(r.dataset_drift); // 0.5 ≥ drift_share 0.5
  drift_report strict = r;
  drift::detail::tally(strict, 0.75);
  CHECK_FALSE(strict.dataset_drift);
  drift_report nothing;
  drift::detail::tally(nothing, 0.0);
  CHECK_FALSE(nothing.dataset_drift); // nothing evaluated: no verdict of drift
}

TEST_CASE("drift_report: save and load give back the same report, bit for bit") {
  const auto r = sample_report();
  const auto path = temp_path("roundtrip.json");
  r.save(path);
  const auto back = drift_report::load(path);
  std::remove(path.c_str());
  check_same(r, back);
  // ADL: json j = report; report = j.get<drift_report>().
  const json j = r;
  check_same(r, j.get<drift_report>());
}

TEST_CASE("drift_report: the document's envelope and its number policy") {
  const json j = sample_report();
  // The persisted format is part of the contract: its name and version.
  CHECK(j.at("format") == "mlguard.drift_report");
  CHECK(j.at("format_version") == 1);
  // NaN (a skipped statistic) is null, +inf is "inf" (core/json.hpp's policy).
  CHECK(j["columns"][2]["statistic"].is_null());
  CHECK(j["columns"][1]["statistic"] == "inf");
  // Distances and skipped columns have no p-value: null, not absent.
  CHECK(j["columns"][2]["p_value"].is_null());
  // Unseen categories are written for categorical columns.
  CHECK(j["columns"][1]["unseen_current"] == 10);
  CHECK_FALSE(j["columns"][0].contains("unseen_categories"));
}

TEST_CASE("drift_report: a report written by mlguard 0.1 still loads") {
  // tests/fixtures/drift/legacy_drift_report.cpp wrote it with the old code:
  // "format": "drift_report", and null for the infinite chi-square statistic.
  const auto path = test::fixture_path("drift/legacy_drift_report.json");
  const auto r = drift_report::load(path);
  const json old = load_json(path); // what the old code wrote, field by field
  REQUIRE(old["format"] == "drift_report");
  REQUIRE(r.columns.size() == old["columns"].size());
  for (std::size_t i = 0; i < r.columns.size(); ++i) {
    const auto& want = old["columns"][i];
    const auto& got = r.columns[i];
    CAPTURE(got.name);
    CHECK(got.name == want["name"].get<std::string>());
    CHECK(to_string(got.kind) == want["kind"].get<std::string>());
    CHECK(to_string(got.stat) == want["method"].get<std::string>());
    if (want["statistic"].is_null()) {
      CHECK(std::isnan(got.statistic)); // 0.1 wrote null for NaN and for +inf
    } else {
      CHECK(got.statistic == want["statistic"].get<double>());
    }
    CHECK(got.p_value.has_value() == !want["p_value"].is_null());
    if (got.p_value) {
      CHECK(*got.p_value == want["p_value"].get<double>());
    }
    CHECK(got.p_value_adjusted.has_value() == want.contains("p_value_adjusted"));
    CHECK(got.drifted == want["drifted"].get<bool>());
    CHECK(got.n_reference == want["n_reference"].get<std::size_t>());
    CHECK(got.missing_reference == want["missing_reference"].get<std::size_t>());
    CHECK(got.unseen_current == want.value("unseen_current", std::size_t{0}));
    CHECK(got.skipped.has_value() == want.contains("skipped"));
  }
  CHECK(r.columns[1].unseen_categories == 1); // "c": a category the reference lacks
  CHECK(r.columns[2].skipped.has_value());    // "empty": no finite reference values
  CHECK(to_string(r.multiple_testing) == old["correction"].get<std::string>());
  CHECK(r.only_in_reference == old["only_in_reference"].get<std::vector<std::string>>());
  CHECK(r.dataset_drift == old["dataset_drift"].get<bool>());
  CHECK(r.evaluated == old["evaluated_columns"].get<std::size_t>());
  CHECK(r.share_drifted == old["share_drifted"].get<double>());
  // Saved again, it is a current document that loads the same.
  const json again = r;
  CHECK(again["format"] == "mlguard.drift_report");
  check_same(r, drift_report::from_json(again));
}

TEST_CASE("drift_report: a bad document fails with the field's path") {
  const json good = sample_report();
  auto message_of = [](const json& j) {
    try {
      (void)drift_report::from_json(j, "report.json");
    } catch (const error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  json j = good;
  j["columns"][1]["n_current"] = -3;
  CHECK(message_of(j).find("[mlguard.format.corrupt] report.json: columns[1].n_current") == 0);
  j = good;
  j["columns"][0]["method"] = "t_test";
  CHECK(message_of(j).find("columns[0].method") != std::string::npos);
  j = good;
  j["columns"][0]["kind"] = "text";
  CHECK(message_of(j).find("columns[0].kind") != std::string::npos);
  j = good;
  j["correction"] = "holm";
  CHECK(message_of(j).find("correction") != std::string::npos);
  j = good;
  j.erase("share_drifted");
  CHECK(message_of(j).find("share_drifted: missing field") != std::string::npos);

  j = good;
  j["columns"][0]["pvalue"] = 0.5; // a typo is reported, not ignored
  MLGUARD_CHECK_THROWS_ID(drift_report::from_json(j), "mlguard.format.unknown_field");
  j = good;
  j["format"] = "mlguard.profile";
  MLGUARD_CHECK_THROWS_ID(drift_report::from_json(j), "mlguard.format.wrong_kind");
  j = good;
  j["format_version"] = 2;
  MLGUARD_CHECK_THROWS_ID(drift_report::from_json(j), "mlguard.format.newer_version");
  MLGUARD_CHECK_THROWS_ID(drift_report::load("/nonexistent/report.json"), "mlguard.io.open_failed");
}

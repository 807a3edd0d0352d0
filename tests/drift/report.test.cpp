#include "mlguard/drift/report.hpp"

#include <cmath>
#include <limits>
#include <random>

#include "mlguard/stats/cramer_von_mises.hpp"
#include "mlguard/stats/ks.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {

const double not_a_number = std::numeric_limits<double>::quiet_NaN();
const double infinity = std::numeric_limits<double>::infinity();

std::vector<double> normal_sample(std::size_t n, double mean, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(mean, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) {
    x = dist(rng);
  }
  return v;
}

column categories(const std::string& name, const std::string& letters) {
  vocabulary vocab;
  std::vector<std::int32_t> codes;
  for (char ch : letters) {
    codes.push_back(ch == '.' ? missing_code : vocab.add(std::string(1, ch)));
  }
  return column::categorical(name, codes, vocab);
}

} // namespace

TEST_CASE("method names round-trip and unknown names are refused") {
  for (const auto& entry : mlguard::drift::detail::method_names) {
    CHECK(method_from_string(to_string(entry.value)) == entry.value);
  }
  MLGUARD_CHECK_THROWS_ID(method_from_string("t_test"), "mlguard.drift.invalid_option");
  // Evidently's names parse to the same methods.
  CHECK(method_from_string("ks") == method::ks_2samp);
  CHECK(method_from_string("jensenshannon") == method::jensen_shannon);
}

TEST_CASE("default thresholds follow Evidently: 0.05 for p-values, 0.1 for distances") {
  for (const auto& entry : mlguard::drift::detail::method_names) {
    CAPTURE(entry.name);
    CHECK(default_threshold(entry.value) == (has_p_value(entry.value) ? 0.05 : 0.1));
  }
  CHECK(has_p_value(method::ks_2samp));
  CHECK_FALSE(has_p_value(method::psi));
}

TEST_CASE("default_method follows Evidently's get_default_stattest") {
  using k = column_kind;
  CHECK(default_method(k::numeric, 1000, 6) == method::ks_2samp);
  CHECK(default_method(k::numeric, 1000, 5) == method::chi_square);
  CHECK(default_method(k::numeric, 1000, 2) == method::z_test);
  CHECK(default_method(k::numeric, 1001, 6) == method::wasserstein_norm);
  CHECK(default_method(k::numeric, 1001, 5) == method::jensen_shannon);
  CHECK(default_method(k::categorical, 1000, 3) == method::chi_square);
  CHECK(default_method(k::categorical, 1000, 2) == method::z_test);
  CHECK(default_method(k::categorical, 1001, 50) == method::jensen_shannon);
}

TEST_CASE("compare: missing values and infinities are excluded and counted") {
  table ref;
  table cur;
  auto r = normal_sample(200, 0.0, 1);
  auto c = normal_sample(200, 0.0, 2);
  r[0] = not_a_number;
  r[1] = infinity;
  c[0] = -infinity;
  c[1] = not_a_number;
  c[2] = not_a_number;
  ref.add(column::numeric("x", r));
  cur.add(column::numeric("x", c));
  const auto report = compare(ref, cur);
  REQUIRE(report.columns.size() == 1);
  const auto& x = report.columns[0];
  CHECK(x.stat == method::ks_2samp);
  CHECK(x.n_reference == 198);
  CHECK(x.n_current == 197);
  CHECK(x.missing_reference == 1);
  CHECK(x.missing_current == 2);
  CHECK(x.non_finite_reference == 1);
  CHECK(x.non_finite_current == 1);
  // The same statistic as running KS on the finite values alone.
  std::vector<double> rf(r.begin() + 2, r.end());
  std::vector<double> cf(c.begin() + 3, c.end());
  const auto expected = stats::ks_2samp(rf, cf);
  CHECK(x.statistic == expected.statistic);
  CHECK(*x.p_value == expected.p_value);
  CHECK(x.drifted == (expected.p_value < 0.05));
}

TEST_CASE("compare: drift is detected where the data moved, per column and for the dataset") {
  table ref;
  table cur;
  ref.add(column::numeric("same", normal_sample(500, 0.0, 3)));
  cur.add(column::numeric("same", normal_sample(500, 0.0, 4)));
  ref.add(column::numeric("shifted", normal_sample(500, 0.0, 5)));
  cur.add(column::numeric("shifted", normal_sample(500, 1.0, 6)));
  std::string ref_letters;
  std::string cur_letters;
  for (int i = 0; i < 50; ++i) {
    ref_letters += "aaaabbbccd";
    cur_letters += "aabbbbcccd";
  }
  cur_letters.back() = 'e'; // one value of a category the reference never saw
  ref.add(categories("cat", ref_letters));
  cur.add(categories("cat", cur_letters));
  const auto report = compare(ref, cur);
  REQUIRE(report.columns.size() == 3);
  CHECK_FALSE(report.columns[0].drifted);
  CHECK(report.columns[1].drifted);
  CHECK(report.columns[2].stat == method::chi_square);
  CHECK(report.columns[2].unseen_categories == 1); // "e"
  CHECK(report.columns[2].unseen_current == 1);
  CHECK(report.evaluated == 3);
  CHECK(report.share_drifted ==
        doctest::Approx(static_cast<double>(report.drifted) / 3.0).epsilon(1e-15));
  CHECK(report.dataset_drift == (report.share_drifted >= 0.5));

  report_options strict;
  strict.drift_share = 0.3;
  CHECK(compare(ref, cur, strict).dataset_drift == (report.drifted >= 1));
}

TEST_CASE("compare: options choose methods, thresholds and columns") {
  table ref;
  table cur;
  ref.add(column::numeric("a", normal_sample(300, 0.0, 7)));
  cur.add(column::numeric("a", normal_sample(300, 0.2, 8)));
  ref.add(column::numeric("b", normal_sample(300, 0.0, 9)));
  cur.add(column::numeric("b", normal_sample(300, 0.0, 10)));
  ref.add(column::numeric("only_ref", std::vector<double>(300, 2.0)));
  ref.add(column::numeric("only_ref2", std::vector<double>(300, 1.0)));

  SUBCASE("a method for all columns, and a per-column override") {
    table r2;
    table c2;
    r2.add(ref.at("a"));
    c2.add(cur.at("a"));
    r2.add(ref.at("b"));
    c2.add(cur.at("b"));
    report_options o;
    o.stat = method::psi;
    o.per_column["b"] = column_options{method::wasserstein, 1e-9};
    const auto report = compare(r2, c2, o);
    CHECK(report.columns[0].stat == method::psi);
    CHECK(report.columns[0].threshold == 0.1);
    CHECK_FALSE(report.columns[0].p_value.has_value());
    CHECK(report.columns[1].stat == method::wasserstein);
    CHECK(report.columns[1].threshold == 1e-9);
    CHECK(report.columns[1].drifted); // any distance ≥ 1e-9
  }
  SUBCASE("a requested column missing from one table is an error") {
    report_options o;
    o.columns = {"a", "nope"};
    MLGUARD_CHECK_THROWS_ID(compare(ref, cur, o), "mlguard.drift.unknown_column");
    o.columns = {"only_ref"};
    MLGUARD_CHECK_THROWS_ID(compare(ref, cur, o), "mlguard.drift.unknown_column");
  }
  SUBCASE("columns in one table only are listed, not compared") {
    const auto report = compare(ref, cur);
    CHECK(report.columns.size() == 2);
    CHECK(report.only_in_reference == std::vector<std::string>{"only_ref", "only_ref2"});
    CHECK(report.only_in_current.empty());
  }
  SUBCASE("bad options") {
    report_options o;
    o.bins = 0;
    MLGUARD_CHECK_THROWS_ID(compare(ref, cur, o), "mlguard.drift.invalid_option");
    o = {};
    o.drift_share = 1.5;
    MLGUARD_CHECK_THROWS_ID(compare(ref, cur, o), "mlguard.drift.invalid_option");
    o = {};
    o.threshold = not_a_number;
    MLGUARD_CHECK_THROWS_ID(compare(ref, cur, o), "mlguard.drift.invalid_option");
  }
}

TEST_CASE("compare: columns that cannot be compared are skipped with the reason") {
  table ref;
  table cur;
  ref.add(column::numeric("empty_ref", {not_a_number, not_a_number, not_a_number, not_a_number}));
  cur.add(column::numeric("empty_ref", {1, 2, 3, 4}));
  ref.add(column::numeric("mixed", {1, 2, 3, 4}));
  cur.add(categories("mixed", "abab"));
  ref.add(categories("cat", "abab"));
  cur.add(categories("cat", "abba"));
  report_options o;
  o.stat = method::ks_2samp;
  const auto report = compare(ref, cur, o);
  REQUIRE(report.columns.size() == 3);
  for (const auto& c : report.columns) {
    CAPTURE(c.name);
    REQUIRE(c.skipped.has_value());
    CHECK_FALSE(c.drifted);
    CHECK(std::isnan(c.statistic));
  }
  CHECK(report.columns[0].skipped->find("no finite values") != std::string::npos);
  CHECK(report.columns[1].skipped->find("numeric in one table") != std::string::npos);
  CHECK(report.columns[2].skipped->find("needs numbers") != std::string::npos);
  CHECK(report.evaluated == 0);
  CHECK_FALSE(report.dataset_drift);

  const json j = report;
  CHECK(j["columns"][0]["statistic"].is_null());
  CHECK(j["columns"][0]["skipped"].is_string());
}

TEST_CASE("compare: a statistic that cannot run on a column skips it rather than failing") {
  // Cramér–von Mises needs two values per sample (scipy raises): column "x"
  // has one finite reference value. Column "y" in the same report is fine.
  table ref;
  table cur;
  ref.add(column::numeric("x", {1.0, not_a_number, not_a_number}));
  cur.add(column::numeric("x", {1.0, 5.0, 7.0}));
  ref.add(column::numeric("y", {1.0, 2.0, 3.0}));
  cur.add(column::numeric("y", {1.5, 2.5, 9.0}));
  report_options o;
  o.stat = method::cramer_von_mises_2samp;
  drift_report report;
  REQUIRE_NOTHROW(report = compare(ref, cur, o));
  REQUIRE(report.columns.size() == 2);
  const auto& x = report.columns[0];
  REQUIRE(x.skipped.has_value());
  CHECK(x.skipped->find("at least two values") != std::string::npos); // stats' own reason
  CHECK(x.stat == method::cramer_von_mises_2samp);
  CHECK(std::isnan(x.statistic));
  CHECK_FALSE(x.p_value.has_value());
  CHECK_FALSE(x.drifted);
  CHECK(x.n_reference == 1); // the counts are still reported
  CHECK(x.missing_reference == 2);
  // The other column is compared as usual, and only it counts towards the share.
  const auto& y = report.columns[1];
  CHECK_FALSE(y.skipped.has_value());
  REQUIRE(y.p_value.has_value());
  CHECK(*y.p_value == stats::cramer_von_mises_2samp(std::vector<double>{1.0, 2.0, 3.0},
                                                    std::vector<double>{1.5, 2.5, 9.0})
                          .p_value);
  CHECK(report.evaluated == 1);
  CHECK(report.share_drifted == (y.drifted ? 1.0 : 0.0));
}

TEST_CASE("compare: multiple-testing corrections adjust p-values before thresholding") {
  table ref;
  table cur;
  for (int i = 0; i < 6; ++i) {
    const std::string name = "f" + std::to_string(i);
    ref.add(column::numeric(name, normal_sample(400, 0.0, 100 + static_cast<unsigned>(i))));
    cur.add(column::numeric(
        name, normal_sample(400, i == 0 ? 0.25 : 0.0, 200 + static_cast<unsigned>(i))));
  }
  report_options o;
  const auto plain = compare(ref, cur, o);
  o.multiple_testing = correction::bonferroni;
  const auto bonf = compare(ref, cur, o);
  for (std::size_t i = 0; i < plain.columns.size(); ++i) {
    REQUIRE(bonf.columns[i].p_value_adjusted.has_value());
    CHECK(*bonf.columns[i].p_value_adjusted ==
          doctest::Approx(std::min(1.0, *plain.columns[i].p_value * 6)));
    CHECK(bonf.columns[i].drifted == (*bonf.columns[i].p_value_adjusted < 0.05));
  }
  CHECK(bonf.drifted <= plain.drifted);
  const json j = bonf;
  CHECK(j["correction"] == "bonferroni");
  CHECK(j["columns"][0].contains("p_value_adjusted"));
}

TEST_CASE("compare: the report's JSON is the drift_report document") {
  table ref;
  table cur;
  ref.add(column::numeric("x", normal_sample(50, 0.0, 11)));
  cur.add(column::numeric("x", normal_sample(50, 0.0, 12)));
  const auto report = compare(ref, cur);
  const json j = report;
  // What `mlguard drift --format json` prints reads back as the same report.
  const auto back = drift_report::from_json(j, "report");
  REQUIRE(back.columns.size() == 1);
  CHECK(back.columns[0].stat == method::ks_2samp);
  CHECK(back.columns[0].statistic == report.columns[0].statistic);
  CHECK(back.columns[0].p_value == report.columns[0].p_value);
  CHECK(back.share_drifted == report.share_drifted);
  CHECK(back.dataset_drift == report.dataset_drift);
}

TEST_CASE("compare near ±1e308: every method gives a finite statistic or skips with the reason "
          "(issue 16)") {
  // Before: Wasserstein and energy on identical ±1e308 samples were NaN
  // (skipped as "undefined"), a Wasserstein distance scipy overflows was
  // "inf" with "drifted": true, and Evidently binning cast a NaN bin count.
  // Now: the defined answer (0 for identical samples, the true distance
  // when it is finite), or a skip that says the statistic overflows double.
  const double big = std::numeric_limits<double>::max();
  struct pair_case {
    const char* name;
    std::vector<double> reference;
    std::vector<double> current;
  };
  std::vector<double> spread;
  for (int i = -30; i <= 30; ++i) {
    spread.push_back(static_cast<double>(i) * 5.9e306); // 61 values across ±1.8e308
  }
  std::vector<double> shifted(spread);
  for (double& v : shifted) {
    v = v / 2.0 + 8e307;
  }
  const std::vector<pair_case> cases{
      {"identical", {1e308, -1e308, 1.5e308}, {1e308, -1e308, 1.5e308}},
      {"finite distance", {1e308, -1e308}, {-1e308, 1e308, 1e308}},
      {"distance past DBL_MAX", {1e308, 1.5e308}, {-1e308, -1.5e308}},
      {"at ±DBL_MAX", {big, -big, big, -big, 0.0}, {-big, big, 0.0, 0.0}},
      {"many values (Sturges edges)", spread, shifted},
  };
  auto report_of = [](const pair_case& pc, method m, binning_strategy strategy) {
    table ref;
    table cur;
    ref.add(column::numeric("x", pc.reference));
    cur.add(column::numeric("x", pc.current));
    report_options o;
    o.stat = m;
    o.binning = strategy;
    return compare(ref, cur, o);
  };
  const method methods[] = {method::ks_2samp,        method::cramer_von_mises_2samp,
                            method::mann_whitney_u,  method::psi,
                            method::wasserstein,     method::wasserstein_norm,
                            method::energy,          method::jensen_shannon,
                            method::kl_divergence,   method::hellinger,
                            method::total_variation, method::l_infinity,
                            method::chi_square,      method::chi2_contingency,
                            method::z_test};
  for (const auto& pc : cases) {
    for (const auto strategy : {binning_strategy::quantile, binning_strategy::evidently}) {
      for (const method m : methods) {
        CAPTURE(pc.name);
        CAPTURE(to_string(m));
        CAPTURE(to_string(strategy));
        const auto report = report_of(pc, m, strategy);
        const auto& c = report.columns.at(0);
        const json j = report;
        const json& jc = j["columns"][0];
        if (c.skipped) {
          CHECK_FALSE(c.drifted);
          CHECK(jc["skipped"].is_string());
          // Only an overflowing distance skips here; the cvm exact test
          // cannot run on two values (scipy raises), as on any data.
          const bool overflow = c.skipped->find("overflows double") != std::string::npos;
          const bool too_few = m == method::cramer_von_mises_2samp;
          CHECK((overflow || too_few));
          continue;
        }
        // A verdict stands on a number: never NaN, and an infinite
        // statistic only for a test whose p-value decides (chi_square with
        // values the reference lacks: inf, p = 0, as scipy).
        CHECK_FALSE(std::isnan(c.statistic));
        if (std::isinf(c.statistic)) {
          CHECK(c.p_value.has_value());
        }
        CHECK((jc["statistic"].is_number() || jc["statistic"] == "inf"));
        if (c.p_value) {
          CHECK(jc["p_value"].is_number());
        }
      }
    }
  }
  // The defined answers.
  auto run = [&](const pair_case& pc, method m) {
    return report_of(pc, m, binning_strategy::quantile).columns.at(0);
  };
  for (const method m : {method::wasserstein, method::wasserstein_norm, method::energy}) {
    CAPTURE(to_string(m));
    const auto same = run(cases[0], m);
    CHECK_FALSE(same.skipped.has_value());
    CHECK(same.statistic == 0.0);
    CHECK_FALSE(same.drifted);
  }
  const auto finite = run(cases[1], method::wasserstein);
  CHECK_FALSE(finite.skipped.has_value());
  CHECK(finite.statistic == doctest::Approx(1e308 / 3.0).epsilon(1e-14)); // scipy: inf
  CHECK(finite.drifted);
  const auto past = run(cases[2], method::wasserstein);
  REQUIRE(past.skipped.has_value());
  CHECK(past.skipped->find("wasserstein overflows double") != std::string::npos);
  CHECK_FALSE(past.drifted);
  CHECK(run(cases[2], method::energy).statistic ==
        doctest::Approx(2.1213203435596427e+154).epsilon(1e-14)); // √2 · √(2.5e308)
  CHECK(run(cases[2], method::wasserstein_norm).statistic == doctest::Approx(10.0));
}

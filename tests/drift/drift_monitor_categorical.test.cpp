// The windowed drift monitor on categorical features (codes in, compare()'s
// category semantics out) and with a method per feature.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"
#include "mlguard/drift/concurrent_monitor.hpp"
#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {

constexpr double cat_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double cat_inf = std::numeric_limits<double>::infinity();

// A numeric feature x and a categorical feature c over five colours; in the
// stream c's mix moves after `shift_after` rows and "white", which the
// reference never holds, appears. Every 37th c is missing.
struct colour_rows {
  vocabulary colours =
      vocabulary(std::vector<std::string>{"red", "green", "blue", "black", "white"});
  std::vector<double> x;
  std::vector<std::int32_t> c;

  colour_rows(std::size_t n, std::uint64_t seed, bool stream, std::size_t shift_after = 0) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::discrete_distribution<int> before({40, 30, 20, 10, 0});
    std::discrete_distribution<int> after({20, 30, 30, 15, 5});
    for (std::size_t i = 0; i < n; ++i) {
      x.push_back(normal(rng));
      const bool moved = stream && i >= shift_after;
      c.push_back(i % 37 == 3 ? missing_code : (moved ? after(rng) : before(rng)));
    }
  }

  table as_table(std::size_t begin, std::size_t end) const {
    table t;
    t.add(
        column::numeric("x", std::vector<double>(x.begin() + long(begin), x.begin() + long(end))));
    t.add(column::categorical(
        "c", std::vector<std::int32_t>(c.begin() + long(begin), c.begin() + long(end)), colours));
    return t;
  }

  std::vector<double> row(std::size_t i) const { return {x[i], static_cast<double>(c[i])}; }
};

} // namespace

TEST_CASE("drift_monitor: a categorical window equals compare() on the same rows") {
  const colour_rows ref(3000, 1, false);
  const colour_rows stream(2000, 2, true, 1000);
  for (method m : {method::chi_square, method::psi, method::jensen_shannon, method::kl_divergence,
                   method::hellinger, method::total_variation, method::l_infinity,
                   method::chi2_contingency, method::z_test, method::automatic}) {
    const std::string name = to_string(m);
    CAPTURE(name);
    monitor_options o;
    o.stat = method::psi; // x
    o.per_feature["c"] = {m, {}};
    o.window = window_options::tumbling(500);
    std::vector<window_report> got;
    auto monitor = drift_monitor::from_table(ref.as_table(0, 3000), o,
                                             [&](const window_report& w) { got.push_back(w); });
    REQUIRE(monitor.features() == 2);
    CHECK(monitor.references()[1].kind() == column_kind::categorical);
    CHECK(monitor.unmonitored().empty());
    for (std::size_t i = 0; i < 2000; ++i) {
      monitor.observe(stream.row(i).data());
    }
    REQUIRE(got.size() == 4);
    for (std::size_t k = 0; k < 4; ++k) {
      CAPTURE(k);
      report_options batch_options;
      batch_options.stat = m; // automatic: compare()'s own pick for c
      batch_options.per_column["x"] = {method::psi, {}};
      const auto batch =
          compare(ref.as_table(0, 3000), stream.as_table(k * 500, (k + 1) * 500), batch_options);
      const auto& want = batch.columns[1];
      const auto& have = got[k].drift.columns[1];
      REQUIRE_FALSE(want.skipped.has_value());
      REQUIRE_FALSE(have.skipped.has_value());
      CHECK(have.kind == column_kind::categorical);
      CHECK(have.stat == want.stat);
      CHECK(have.threshold == want.threshold);
      // Bit for bit: the same category_counts, the same functions.
      CHECK((have.statistic == want.statistic ||
             (std::isnan(have.statistic) && std::isnan(want.statistic))));
      CHECK(have.p_value == want.p_value);
      CHECK(have.drifted == want.drifted);
      CHECK(have.n_reference == want.n_reference);
      CHECK(have.n_current == want.n_current);
      CHECK(have.missing_reference == want.missing_reference);
      CHECK(have.missing_current == want.missing_current);
      CHECK(have.unseen_categories == want.unseen_categories);
      CHECK(have.unseen_current == want.unseen_current);
      // x is unaffected by c's method.
      CHECK(got[k].drift.columns[0].statistic == batch.columns[0].statistic);
    }
    // The first two windows look like the reference; then c moves and "white" appears.
    if (m == method::chi_square) {
      CHECK_FALSE(got[0].drift.columns[1].drifted);
      CHECK(got[3].drift.columns[1].drifted);
      CHECK(got[3].drift.columns[1].unseen_categories == 1);
      CHECK(std::isinf(got[3].drift.columns[1].statistic)); // a category the reference lacks
    }
  }
}

TEST_CASE("drift_monitor: categorical chi-square and Jensen-Shannon match scipy") {
  const auto& doc = test::drift_fixture("reference/drift_monitor.json");
  for (const auto& c : doc["cases"]) {
    CAPTURE(c["name"].get<std::string>());
    const vocabulary vocab(c["vocabulary"].get<std::vector<std::string>>());
    const auto ref_codes = c["reference_codes"].get<std::vector<std::int32_t>>();
    const auto win_codes = c["window_codes"].get<std::vector<std::int32_t>>();
    for (method m : {method::chi_square, method::jensen_shannon}) {
      monitor_options o;
      o.stat = m;
      o.window = window_options::tumbling(win_codes.size());
      std::vector<window_report> got;
      drift_monitor monitor({feature_reference::from_codes("colour", vocab, ref_codes)}, o,
                            [&](const window_report& w) { got.push_back(w); });
      for (auto code : win_codes) {
        const double row = static_cast<double>(code);
        monitor.observe(&row);
      }
      REQUIRE(got.size() == 1);
      const auto& col = got[0].drift.columns[0];
      REQUIRE_FALSE(col.skipped.has_value());
      if (m == method::chi_square) {
        CHECK(test::close(col.statistic, test::number(c["chisquare"]["statistic"])));
        REQUIRE(col.p_value.has_value());
        CHECK(test::close(*col.p_value, test::number(c["chisquare"]["p_value"])));
      } else {
        CHECK(test::close(col.statistic, test::number(c["jensenshannon"])));
      }
      double window_sum = 0;
      for (const auto& n : c["window_counts"]) {
        window_sum += n.get<double>();
      }
      CHECK(static_cast<double>(col.n_current) == window_sum);
    }
  }
}

TEST_CASE("drift_monitor: unseen and out-of-range codes count as other, NaN and -1 as missing") {
  const vocabulary vocab({"a", "b", "c"});
  const std::vector<std::int32_t> codes = {0, 0, 1, 2, 2, 2, unseen_code};
  monitor_options o;
  o.window = window_options::tumbling(1000);
  drift_monitor monitor({feature_reference::from_codes("k", vocab, codes)}, o);
  const double rows[] = {
      0,        1,     2,       static_cast<double>(unseen_code), 3, 7, -3, 2.5, cat_inf,
      -cat_inf, 1e300, cat_nan, static_cast<double>(missing_code)};
  for (double v : rows) {
    monitor.observe(&v);
  }
  const auto s = monitor.snapshot();
  REQUIRE(s.features[0].counts.size() == 4);
  CHECK(s.features[0].counts == std::vector<std::uint64_t>{1, 1, 1, 8});
  CHECK(s.features[0].missing == 2);
  CHECK(s.features[0].non_finite == 0); // a code is never "non-finite": ±Inf is other
  CHECK(s.rows == 13);
  const auto w = monitor.evaluate(s);
  CHECK(w.drift.columns[0].n_current == 11);
  CHECK(w.drift.columns[0].missing_current == 2);
  // The reference's "other" (the unseen code) is a category of its own.
  const auto& ref = monitor.references()[0];
  CHECK(ref.counts() == std::vector<double>{2, 1, 3, 1});
  CHECK(ref.bin_of(static_cast<double>(unseen_code)) == 3);
  CHECK(ref.bin_of(1.0) == 1);
}

TEST_CASE("drift_monitor: from_table and from_profile monitor categorical columns") {
  const colour_rows ref(2000, 3, false);
  table t = ref.as_table(0, 2000);
  t.add(column::numeric("empty", std::vector<double>(2000, cat_nan)));
  t.add(column::categorical("nothing", std::vector<std::int32_t>(2000, missing_code),
                            vocabulary({"u"})));

  SUBCASE("from_table: only columns without values are left out") {
    const auto m = drift_monitor::from_table(t, {});
    REQUIRE(m.features() == 2);
    CHECK(m.references()[1].name() == "c");
    CHECK(m.references()[1].vocabulary() == ref.colours);
    CHECK(m.unmonitored() == std::vector<std::string>{"empty", "nothing"});
  }
  SUBCASE("from_table with ks: a categorical column needs its own method") {
    monitor_options o;
    o.stat = method::ks_2samp;
    auto m = drift_monitor::from_table(t, o);
    CHECK(m.features() == 1);
    CHECK(m.unmonitored() == std::vector<std::string>{"c", "empty", "nothing"});
    o.per_feature["c"] = {method::chi_square, {}};
    m = drift_monitor::from_table(t, o);
    REQUIRE(m.features() == 2);
    CHECK(m.method_of(0) == method::ks_2samp);
    CHECK(m.method_of(1) == method::chi_square);
  }
  SUBCASE("from_profile: a categorical profile, in string order or aligned to a vocabulary") {
    const auto p = profile::dataset_profile::of(t);
    const auto by_strings = drift_monitor::from_profile(p, {});
    REQUIRE(by_strings.features() == 2);
    const auto& c = by_strings.references()[1];
    CHECK(c.kind() == column_kind::categorical);
    CHECK(c.from_profile());
    // The profile's categories: "white" never occurs in the reference.
    CHECK(c.vocabulary().names() == std::vector<std::string>{"black", "blue", "green", "red"});
    CHECK(by_strings.unmonitored() == std::vector<std::string>{"empty", "nothing"});

    // Aligned to the table's codes, exact frequencies: the same windows as from_table.
    monitor_options o;
    o.stat = method::chi_square;
    o.window = window_options::tumbling(400);
    std::vector<window_report> a, b;
    auto aligned = drift_monitor::from_profile(p, {{"c", ref.colours}}, o,
                                               [&](const window_report& w) { a.push_back(w); });
    auto exact = drift_monitor::from_table(ref.as_table(0, 2000), o,
                                           [&](const window_report& w) { b.push_back(w); });
    CHECK(aligned.references()[1].counts() == exact.references()[1].counts());
    const colour_rows stream(800, 4, true, 400);
    for (std::size_t i = 0; i < 800; ++i) {
      aligned.observe(stream.row(i).data());
      exact.observe(stream.row(i).data());
    }
    REQUIRE(a.size() == 2);
    REQUIRE(b.size() == 2);
    for (std::size_t k = 0; k < 2; ++k) {
      CHECK(a[k].drift.columns[1].statistic == b[k].drift.columns[1].statistic);
      CHECK(a[k].drift.columns[1].p_value == b[k].drift.columns[1].p_value);
    }
    MLGUARD_CHECK_THROWS_ID(drift_monitor::from_profile(p, {{"x", ref.colours}}, {}),
                            "mlguard.drift.wrong_kind");
  }
}

TEST_CASE("drift_monitor: a method and threshold per feature") {
  const colour_rows ref(2000, 5, false);
  const table t = ref.as_table(0, 2000);
  monitor_options o;
  o.stat = method::psi;
  o.threshold = 0.3;
  o.per_feature["x"] = {method::ks_2samp, 0.01};
  o.per_feature["c"] = {method::chi_square, {}}; // no threshold: chi_square's own, not 0.3
  o.window = window_options::tumbling(500);
  std::vector<window_report> got;
  auto m = drift_monitor::from_table(t, o, [&](const window_report& w) { got.push_back(w); });
  CHECK(m.method_of(0) == method::ks_2samp);
  CHECK(m.threshold_of(0) == 0.01);
  CHECK(m.method_of(1) == method::chi_square);
  CHECK(m.threshold_of(1) == default_threshold(method::chi_square));
  CHECK(m.keeps_values()); // x runs KS
  const colour_rows stream(500, 6, false);
  for (std::size_t i = 0; i < 500; ++i) {
    m.observe(stream.row(i).data());
  }
  REQUIRE(got.size() == 1);
  CHECK(got[0].drift.columns[0].stat == method::ks_2samp);
  CHECK(got[0].drift.columns[0].threshold == 0.01);
  CHECK(got[0].drift.columns[0].p_value.has_value());
  CHECK(got[0].drift.columns[1].stat == method::chi_square);
  CHECK(got[0].drift.columns[1].threshold == 0.05);

  // Without an override, the monitor-wide method and threshold.
  o.per_feature.erase("c");
  m = drift_monitor::from_table(t, o);
  CHECK(m.method_of(1) == method::psi);
  CHECK(m.threshold_of(1) == 0.3);

  SUBCASE("an override naming no feature") {
    o.per_feature["colour"] = {method::psi, {}};
    try {
      (void)drift_monitor::from_table(t, o);
      FAIL("expected mlguard.drift.invalid_option");
    } catch (const drift_error& e) {
      CHECK(e.id() == "mlguard.drift.invalid_option");
      CHECK(std::string(e.what()).find("'colour'") != std::string::npos);
    }
  }
  SUBCASE("a negative threshold") {
    o.per_feature["c"] = {method::psi, -1.0};
    MLGUARD_CHECK_THROWS_ID(drift_monitor::from_table(t, o), "mlguard.drift.invalid_option");
  }
  SUBCASE("ks on a categorical feature") {
    o.per_feature["c"] = {method::ks_2samp, {}};
    try {
      (void)drift_monitor::from_table(t, o);
      FAIL("expected mlguard.drift.method_not_applicable");
    } catch (const drift_error& e) {
      CHECK(e.id() == "mlguard.drift.method_not_applicable");
      CHECK(std::string(e.what()).find("'c'") != std::string::npos);
    }
    monitor_options global;
    global.stat = method::ks_2samp;
    const std::vector<feature_reference> refs = {
        feature_reference::from_codes("c", ref.colours, ref.c)};
    MLGUARD_CHECK_THROWS_ID(drift_monitor(refs, global), "mlguard.drift.method_not_applicable");
  }
  SUBCASE("a numeric-only method on a numeric feature, a categorical-only one on a numeric") {
    o.per_feature["x"] = {method::z_test, {}};
    MLGUARD_CHECK_THROWS_ID(drift_monitor::from_table(t, o), "mlguard.drift.method_not_applicable");
  }
}

TEST_CASE("drift_monitor: categorical states merge into one monitor over all rows") {
  const colour_rows ref(3000, 7, false);
  const colour_rows stream(1200, 8, true, 600);
  monitor_options o;
  o.stat = method::chi_square;
  o.per_feature["x"] = {method::ks_2samp, {}};
  o.window = window_options::tumbling(1200);
  std::vector<window_report> whole_windows;
  auto whole = drift_monitor::from_table(
      ref.as_table(0, 3000), o, [&](const window_report& w) { whole_windows.push_back(w); });
  for (std::size_t k : {std::size_t{2}, std::size_t{3}}) {
    CAPTURE(k);
    std::vector<drift_monitor> shards;
    for (std::size_t s = 0; s < k; ++s) {
      shards.push_back(drift_monitor::from_table(ref.as_table(0, 3000), o));
    }
    concurrent_monitor shared(whole.references(), o, k);
    for (std::size_t i = 0; i < 1200; ++i) {
      const auto row = stream.row(i);
      shards[i % k].observe(row.data());
      shared.observe(i % k, row.data());
    }
    window_state merged = shards[0].snapshot();
    for (std::size_t s = 1; s < k; ++s) {
      merged.merge(shards[s].snapshot());
    }
    const auto collected = shared.collect();
    if (whole_windows.empty()) {
      for (std::size_t i = 0; i < 1200; ++i) {
        whole.observe(stream.row(i).data());
      }
    }
    REQUIRE(whole_windows.size() == 1);
    const auto evaluated = whole.evaluate(merged);
    for (std::size_t f = 0; f < 2; ++f) {
      CAPTURE(f);
      const auto& want = whole_windows[0].drift.columns[f];
      for (const auto* w : {&evaluated, &collected}) {
        CHECK(w->drift.columns[f].statistic == want.statistic);
        CHECK(w->drift.columns[f].p_value == want.p_value);
        CHECK(w->drift.columns[f].n_current == want.n_current);
        CHECK(w->drift.columns[f].missing_current == want.missing_current);
      }
    }
  }
}

TEST_CASE("drift_monitor: a sliding window evicts category codes like values") {
  const colour_rows ref(2000, 9, false);
  const colour_rows stream(1500, 10, true, 700);
  monitor_options o;
  o.stat = method::jensen_shannon;
  o.window = window_options::sliding(500, 250);
  std::vector<window_report> got;
  auto m = drift_monitor::from_table(ref.as_table(0, 2000), o,
                                     [&](const window_report& w) { got.push_back(w); });
  for (std::size_t i = 0; i < 1500; ++i) {
    m.observe(stream.row(i).data());
  }
  REQUIRE(got.size() == 5); // windows ending at rows 500, 750, ..., 1500
  for (std::size_t k = 0; k < got.size(); ++k) {
    CAPTURE(k);
    const std::size_t end = 500 + 250 * k;
    report_options bo;
    bo.stat = method::jensen_shannon;
    const auto batch = compare(ref.as_table(0, 2000), stream.as_table(end - 500, end), bo);
    CHECK(got[k].drift.columns[1].statistic == batch.columns[1].statistic);
    CHECK(got[k].drift.columns[1].missing_current == batch.columns[1].missing_current);
  }
}

TEST_CASE("drift_monitor: a categorical window's JSON reads back") {
  const colour_rows ref(1000, 11, false);
  const colour_rows stream(300, 12, true, 0);
  monitor_options o;
  o.stat = method::chi_square;
  o.window = window_options::tumbling(300);
  std::vector<window_report> got;
  auto m = drift_monitor::from_table(ref.as_table(0, 1000), o,
                                     [&](const window_report& w) { got.push_back(w); });
  for (std::size_t i = 0; i < 300; ++i) {
    m.observe(stream.row(i).data());
  }
  REQUIRE(got.size() == 1);
  const json j = got[0];
  CHECK(j["columns"][1]["kind"] == "categorical");
  CHECK(j["columns"][1]["method"] == "chi_square");
  const auto back = window_report::from_json(parse_json(j.dump(), "window"), "window");
  const auto& c = back.drift.columns[1];
  CHECK(c.kind == column_kind::categorical);
  CHECK(c.unseen_categories == got[0].drift.columns[1].unseen_categories);
  CHECK((c.statistic == got[0].drift.columns[1].statistic));
  CHECK(c.drifted == got[0].drift.columns[1].drifted);
}

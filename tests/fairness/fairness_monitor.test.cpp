// The windowed fairness monitor: windows equal the batch metrics of their
// rows (and the sklearn fixture's windows on the taxi sample), delayed labels
// joined by id, time and sliding windows, bad observations counted, the
// fairness_window document.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/fairness/fairness_monitor.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::fairness;

namespace fairness_monitor_test {

// A deterministic stream of (group, label, score) rows.
struct stream {
  std::vector<std::int32_t> group;
  std::vector<double> label;
  std::vector<double> score;
};

stream make_stream(std::size_t n) {
  stream s;
  std::uint64_t x = 12345;
  for (std::size_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto g = static_cast<std::int32_t>((x >> 33) % 3);
    const double u = static_cast<double>((x >> 11) & 0xfffff) / 1048576.0;
    s.group.push_back(g);
    s.label.push_back(u < 0.4 + 0.1 * g ? 1.0 : 0.0);
    s.score.push_back(std::fmod(u * 7.0 + 0.05 * g, 1.0));
  }
  return s;
}

fairness_metrics batch(const stream& s, std::size_t begin, std::size_t end,
                       const fairness_monitor_options& o) {
  return evaluate(span<const double>(s.label.data() + begin, end - begin),
                  span<const double>(s.score.data() + begin, end - begin),
                  span<const std::int32_t>(s.group.data() + begin, end - begin), o.groups,
                  o.metrics);
}

void check_same(const fairness_metrics& a, const fairness_metrics& b) {
  CHECK(a.rows == b.rows);
  CHECK(a.groups_present == b.groups_present);
  REQUIRE(a.groups.size() == b.groups.size());
  for (std::size_t g = 0; g < a.groups.size(); ++g) {
    CHECK(a.groups[g].counts.tp == b.groups[g].counts.tp);
    CHECK(a.groups[g].counts.fp == b.groups[g].counts.fp);
    CHECK(a.groups[g].counts.fn == b.groups[g].counts.fn);
    CHECK(a.groups[g].counts.tn == b.groups[g].counts.tn);
    CHECK(a.groups[g].tpr == b.groups[g].tpr);
  }
  CHECK(a.demographic_parity_difference == b.demographic_parity_difference);
  CHECK(a.demographic_parity_ratio == b.demographic_parity_ratio);
  CHECK(a.equalized_odds_difference == b.equalized_odds_difference);
  CHECK(a.equal_opportunity_difference == b.equal_opportunity_difference);
}

fairness_monitor_options scored(drift::window_options w) {
  fairness_monitor_options o;
  o.groups = {"a", "b", "c"};
  o.window = w;
  o.metrics.decision_threshold = 0.5;
  return o;
}

} // namespace fairness_monitor_test

using namespace fairness_monitor_test;

TEST_CASE("fairness_monitor: tumbling windows equal the batch metrics of their rows") {
  const auto s = make_stream(1050);
  const auto o = scored(drift::window_options::tumbling(200));
  std::vector<fairness_window> got;
  fairness_monitor m(o, [&](const fairness_window& w) { got.push_back(w); });
  for (std::size_t i = 0; i < s.group.size(); ++i) {
    CHECK(m.observe(s.group[i], s.label[i], s.score[i]));
  }
  REQUIRE(got.size() == 5);
  for (std::size_t k = 0; k < got.size(); ++k) {
    CAPTURE(k);
    CHECK(got[k].index == k);
    CHECK(got[k].first_row == k * 200 + 1);
    CHECK(got[k].last_row == (k + 1) * 200);
    CHECK(got[k].rows == 200);
    check_same(got[k].metrics, batch(s, k * 200, (k + 1) * 200, o));
  }
  CHECK(m.in_window() == 50);
  check_same(m.current().metrics, batch(s, 1000, 1050, o));
  CHECK(m.flush());
  REQUIRE(got.size() == 6);
  CHECK(got[5].rows == 50);
  CHECK_FALSE(m.flush());
}

TEST_CASE("fairness_monitor: sliding windows") {
  const auto s = make_stream(700);
  const auto o = scored(drift::window_options::sliding(300, 100));
  std::vector<fairness_window> got;
  fairness_monitor m(o, [&](const fairness_window& w) { got.push_back(w); });
  for (std::size_t i = 0; i < s.group.size(); ++i) {
    m.observe(s.group[i], s.label[i], s.score[i]);
  }
  REQUIRE(got.size() == 5); // after rows 300, 400, 500, 600, 700
  for (std::size_t k = 0; k < got.size(); ++k) {
    const std::size_t end = 300 + 100 * k;
    CHECK(got[k].last_row == end);
    CHECK(got[k].first_row == end - 299);
    check_same(got[k].metrics, batch(s, end - 300, end, o));
  }
}

TEST_CASE("fairness_monitor: time windows") {
  manual_clock clock;
  const auto s = make_stream(90);
  const auto o = scored(drift::window_options::tumbling_time(std::chrono::seconds(10), 1000));
  std::vector<fairness_window> got;
  fairness_monitor m(
      o, [&](const fairness_window& w) { got.push_back(w); }, clock);
  for (std::size_t i = 0; i < 90; ++i) {
    m.observe(s.group[i], s.label[i], s.score[i]);
    clock.advance(std::chrono::milliseconds(250)); // 40 rows per 10 s
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].rows == 40);
  CHECK(got[0].start.has_value());
  check_same(got[1].metrics, batch(s, 40, 80, o));
  clock.advance(std::chrono::seconds(20));
  CHECK(m.poll());
  REQUIRE(got.size() == 3);
  CHECK(got[2].rows == 10);
}

TEST_CASE("fairness_monitor: an invalid observation neither aligns nor closes a time window") {
  manual_clock clock;
  const auto s = make_stream(40);
  const auto o = scored(drift::window_options::tumbling_time(std::chrono::seconds(10), 1000));
  std::vector<fairness_window> got;
  fairness_monitor m(
      o, [&](const fairness_window& w) { got.push_back(w); }, clock);
  const auto t0 = clock.now();
  // A bad label at t0: skipped, so the windows start at the first valid row (t0 + 5 s).
  CHECK_FALSE(m.observe(s.group[0], 0.5, s.score[0]));
  clock.advance(std::chrono::seconds(5));
  for (std::size_t i = 0; i < 20; ++i) {
    CHECK(m.observe(s.group[i], s.label[i], s.score[i]));
    clock.advance(std::chrono::milliseconds(250)); // 20 rows in 5 s: still the first window
  }
  CHECK(got.empty());
  // A bad group 10.5 s after t0: the first window (t0 + 5 s .. t0 + 15 s) stays open.
  clock.advance(std::chrono::milliseconds(500));
  CHECK_FALSE(m.observe(99, s.label[20], s.score[20]));
  CHECK(got.empty());
  CHECK(m.invalid() == 2);
  clock.set(t0 + std::chrono::seconds(16));
  CHECK(m.observe(s.group[21], s.label[21], s.score[21]));
  REQUIRE(got.size() == 1);
  CHECK(got[0].rows == 20);
  CHECK(*got[0].start == t0 + std::chrono::seconds(5));
}

TEST_CASE("fairness_monitor: delayed labels are joined to predictions by id") {
  const auto s = make_stream(400);
  fairness_monitor_options o = scored(drift::window_options::tumbling(400));
  o.pending_capacity = 64;
  std::vector<fairness_window> got;
  fairness_monitor m(o, [&](const fairness_window& w) { got.push_back(w); });
  // Predictions in order, labels 50 rows later and in reverse order within
  // each batch of 50: the join must not depend on the order labels come in.
  for (std::size_t base = 0; base < 400; base += 50) {
    for (std::size_t i = base; i < base + 50; ++i) {
      CHECK(m.record_prediction(1000 + i, s.group[i], s.score[i]));
    }
    for (std::size_t i = base + 50; i-- > base;) {
      CHECK(m.record_label(1000 + i, s.label[i]));
    }
  }
  REQUIRE(got.size() == 1);
  check_same(got[0].metrics, batch(s, 0, 400, o));
  CHECK(m.pending() == 0);
  CHECK_FALSE(m.record_label(7, 1.0));
  CHECK(m.unmatched() == 1);
  CHECK(m.record_prediction(7, 0, 0.9));
  CHECK_FALSE(m.record_prediction(7, 0, 0.9)); // already pending
  CHECK(m.dropped() == 1);
  for (std::uint64_t id = 100; id < 163; ++id) {
    CHECK(m.record_prediction(id, 0, 0.9));
  }
  CHECK_FALSE(m.record_prediction(999, 0, 0.9)); // 64 pending: full
  CHECK(m.dropped() == 2);
}

TEST_CASE("fairness_monitor: bad observations are skipped and counted, never thrown") {
  fairness_monitor m(scored(drift::window_options::tumbling(10)));
  CHECK_FALSE(m.observe(0, 2.0, 0.7));          // label not 0/1
  CHECK_FALSE(m.observe(0, std::nan(""), 0.7)); // NaN label
  CHECK_FALSE(m.observe(0, 1.0, std::nan(""))); // NaN score
  CHECK_FALSE(m.observe(3, 1.0, 0.7));          // group outside the three
  CHECK_FALSE(m.observe(-1, 1.0, 0.7));         // missing group
  CHECK(m.invalid() == 5);
  CHECK(m.observed() == 0);
  CHECK(m.in_window() == 0);
  CHECK(m.observe(0, 1.0, 0.7));
  fairness_monitor_options classes;
  classes.groups = {"only"};
  fairness_monitor c(classes);
  CHECK_FALSE(c.observe(0, 1.0, 0.7)); // without a threshold a prediction is a class
  CHECK(c.observe(0, 1.0, 1.0));
  // An empty open window: no disparity, nothing to flush.
  fairness_monitor e(scored(drift::window_options::tumbling(10)));
  CHECK(e.current().metrics.groups_present == 0);
  CHECK_FALSE(e.current().metrics.demographic_parity_difference.has_value());
  CHECK_FALSE(e.flush());
}

TEST_CASE("fairness_monitor: configuration errors") {
  fairness_monitor_options o;
  MLGUARD_CHECK_THROWS_ID(fairness_monitor{o}, "mlguard.fairness.invalid_option");
  o.groups = {"a"};
  o.pending_capacity = 0;
  MLGUARD_CHECK_THROWS_ID(fairness_monitor{o}, "mlguard.fairness.invalid_option");
  o.pending_capacity = 8;
  o.metrics.decision_threshold = std::nan("");
  MLGUARD_CHECK_THROWS_ID(fairness_monitor{o}, "mlguard.fairness.invalid_option");
  o.metrics.decision_threshold.reset();
  o.window = drift::window_options::tumbling(0);
  MLGUARD_CHECK_THROWS_ID(fairness_monitor{o}, "mlguard.drift.invalid_option");
}

TEST_CASE("fairness_window: the mlguard.fairness_window document") {
  const auto s = make_stream(60);
  std::vector<fairness_window> got;
  fairness_monitor m(scored(drift::window_options::tumbling(60)),
                     [&](const fairness_window& w) { got.push_back(w); });
  for (std::size_t i = 0; i < 60; ++i) {
    m.observe(s.group[i], s.label[i], s.score[i]);
  }
  REQUIRE(got.size() == 1);
  json j;
  to_json(j, got[0]);
  CHECK(j["format"] == "mlguard.fairness_window");
  CHECK(j["format_version"] == 1);
  CHECK(j["window"] == 0);
  CHECK(j["rows"] == 60);
  CHECK(j["groups"].size() == 3);
  test::temp_dir dir;
  got[0].save(dir.file("w.json"));
  const auto back = fairness_window::load(dir.file("w.json"));
  CHECK(back.last_row == 60);
  check_same(back.metrics, got[0].metrics);
  j["extra"] = 1;
  MLGUARD_CHECK_THROWS_ID(fairness_window::from_json(j), "mlguard.format.unknown_field");
  j.erase("extra");
  j["format_version"] = 2;
  MLGUARD_CHECK_THROWS_ID(fairness_window::from_json(j), "mlguard.format.newer_version");
}

TEST_CASE("fairness_monitor: the taxi sample's windows match the sklearn fixture") {
  if (!test::shared_data_dir()) {
    return;
  }
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/fairness.json")), "fixture");
  REQUIRE(doc.contains("taxi"));
  const auto& taxi = doc["taxi"];
  fairness_monitor_options o;
  o.groups = taxi["names"].get<std::vector<std::string>>();
  o.window = drift::window_options::tumbling(taxi["window"].get<std::size_t>());
  o.metrics.decision_threshold = taxi["threshold"].get<double>();
  std::vector<fairness_window> got;
  fairness_monitor m(o, [&](const fairness_window& w) { got.push_back(w); });
  const auto y = taxi["y_true"].get<std::vector<double>>();
  const auto g = taxi["groups"].get<std::vector<std::int32_t>>();
  const auto p = taxi["score"].get<std::vector<double>>();
  for (std::size_t i = 0; i < y.size(); ++i) {
    m.observe(g[i], y[i], p[i]);
  }
  REQUIRE(got.size() == taxi["windows"].size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    const auto& e = taxi["windows"][k];
    CAPTURE(k);
    CHECK(got[k].metrics.demographic_parity_difference ==
          e["demographic_parity_difference"].get<double>());
    CHECK(got[k].metrics.demographic_parity_ratio == e["demographic_parity_ratio"].get<double>());
    CHECK(got[k].metrics.equalized_odds_difference == e["equalized_odds_difference"].get<double>());
    CHECK(got[k].metrics.equal_opportunity_difference ==
          e["equal_opportunity_difference"].get<double>());
    for (std::size_t j = 0; j < got[k].metrics.groups.size(); ++j) {
      CHECK(got[k].metrics.groups[j].counts.tp == e["groups"][j]["tp"].get<std::uint64_t>());
      CHECK(got[k].metrics.groups[j].selection_rate ==
            e["groups"][j]["selection_rate"].get<double>());
    }
  }
}

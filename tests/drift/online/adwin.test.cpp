// ADWIN against River (online-ml/river, river.drift.ADWIN over rust_src/adwin.rs).
#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/adwin.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::adwin;
using drift::online::adwin_options;
using drift::online::detector_state;

TEST_CASE("adwin: River parity on stream s1") {
  // Expected indices: River's published value (river/drift/test_drift_detectors.py,
  // test_adwin, quoted in issue 5); the stream comes from gen_online_streams.py.
  adwin d;
  CHECK(test::drift_indices(d, test::river_stream("s1")) == std::vector<std::size_t>{1023});
}

TEST_CASE("adwin: window statistics follow the stream and reset after a drift") {
  adwin d;
  for (double v : {1.0, 2.0, 3.0, 4.0, 5.0}) {
    CHECK(d.update(v) == detector_state::none);
  }
  CHECK(d.width() == 5.0);
  CHECK(d.total() == 15.0);
  CHECK(d.variance() == doctest::Approx(10.0));
  CHECK(d.estimation() == 3.0);

  adwin e;
  const auto s1 = test::river_stream("s1");
  for (std::size_t i = 0; i <= 1023; ++i) {
    e.update(s1[i]);
  }
  REQUIRE(e.drift_detected());
  CHECK(e.width() < 1024.0); // the old part of the window was cut away
  e.update(s1[1024]);        // River starts a fresh window after a drift
  CHECK(e.width() == 1.0);
  CHECK(e.total() == s1[1024]);
  CHECK(e.n_detections() == 0);
}

TEST_CASE("adwin: a constant stream never drifts and memory stays bounded") {
  adwin d;
  for (int i = 0; i < 200000; ++i) {
    REQUIRE(d.update(1.0) == detector_state::none);
  }
  CHECK(d.width() == 200000.0);
}

TEST_CASE("adwin: non-finite input is ignored and counted") {
  adwin a;
  adwin b;
  const auto s1 = test::river_stream("s1");
  std::vector<std::size_t> got;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    if (i % 100 == 3) {
      CHECK(b.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
      CHECK(b.update(std::numeric_limits<double>::infinity()) == detector_state::none);
    }
    a.update(s1[i]);
    if (b.update(s1[i]) == detector_state::drift) {
      got.push_back(i);
    }
  }
  CHECK(got == std::vector<std::size_t>{1023});
  CHECK(b.ignored_count() == 40);
  CHECK(a.width() == b.width());
  CHECK(a.total() == b.total());
}

TEST_CASE("adwin: saving mid-stream and restoring gives the same detections") {
  test::check_save_restore(adwin{}, test::river_stream("s1"),
                           [](const json& j) { return adwin::from_json(j); });
  adwin_options p;
  p.clock = 1;
  p.max_buckets = 2;
  test::check_save_restore(adwin{p}, test::river_stream("s3"),
                           [](const json& j) { return adwin::from_json(j); });
}

TEST_CASE("adwin: settings out of range throw mlguard.drift.invalid_option") {
  auto with = [](auto change) {
    adwin_options p;
    change(p);
    return adwin(p);
  };
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.delta = 0.0; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.delta = -0.1; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.delta = std::nan(""); }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.clock = 0; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.max_buckets = 0; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(with([](adwin_options& p) { p.min_window_length = 0; }),
                          "mlguard.drift.invalid_option");
}

TEST_CASE("adwin: corrupt, unknown and newer documents are rejected") {
  adwin d;
  for (int i = 0; i < 300; ++i) {
    d.update(i % 3);
  }
  const json good = d.to_json();
  CHECK(good["format"] == "mlguard.online_detector");
  CHECK(good["format_version"] == 1);
  CHECK(good["detector"] == "adwin");
  CHECK(adwin::from_json(good).to_json() == good);

  auto broken = [&](auto change) {
    json j = good;
    change(j);
    return j;
  };
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["format_version"] = 2; })),
                          "mlguard.format.newer_version");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["detector"] = "ddm"; })),
                          "mlguard.format.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["format"] = "kll_sketch"; })),
                          "mlguard.format.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["extra"] = 1; })),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["state"]["typo"] = 1; })),
                          "mlguard.format.unknown_field");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["state"].erase("rows"); })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["state"]["width"] = 7.0; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["state"]["rows"][0] = 3; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["params"]["delta"] = 0; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(broken([](json& j) { j["state"]["tick"] = -1; })),
                          "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(json::array()), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(parse_json(good.dump().substr(0, 40) + "}", "x")),
                          "mlguard.format.corrupt");
}

// Found by reading ADWIN's loader for tests/fuzz/fuzz_online.cpp: a state whose top
// row was empty loaded, and the first cut then shifted that row by -1 entries
// (a heap overflow under ASan). Empty rows below the top are real states.
TEST_CASE("adwin: a state whose top row is empty is corrupt, empty lower rows are fine") {
  adwin_options o;
  o.clock = 1;
  o.grace_period = 0;
  o.min_window_length = 1;
  json doc = adwin{o}.to_json();
  doc["state"]["width"] = 4.0;
  doc["state"]["total"] = 200.0;
  doc["state"]["rows"] = json::parse("[[[0, 0], [0, 0]], [[200, 0]], []]");
  MLGUARD_CHECK_THROWS_ID(adwin::from_json(doc), "mlguard.format.corrupt");
  doc["state"]["rows"] = json::parse("[[[0, 0], [0, 0]], [[200, 0]]]");
  adwin fine = adwin::from_json(doc);
  CHECK(fine.update(0.0) == detector_state::drift); // the cut drops the old bucket of 200
  CHECK(fine.width() == 3.0);

  o.max_buckets = 1; // row 0 empties each time two entries merge upwards
  adwin d{o};
  for (int i = 0; i < 6; ++i) {
    d.update(i);
  }
  const json saved = d.to_json();
  REQUIRE(saved["state"]["rows"][0].empty());
  CHECK(adwin::from_json(saved).to_json() == saved);
}

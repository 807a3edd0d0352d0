// HDDM_A against River (online-ml/river, river.drift.binary.HDDM_A).
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/hddm_a.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::hddm_a;
using drift::online::hddm_a_params;

TEST_CASE("hddm_a: River parity, one-sided on s2 and two-sided on s3") {
  // River's published values (river/drift/test_drift_detectors.py, test_hddm_a; issue 5).
  hddm_a one;
  CHECK(test::drift_indices(one, test::river_stream("s2")) == std::vector<std::size_t>{1047});
  hddm_a_params p;
  p.two_sided_test = true;
  hddm_a two(p);
  CHECK(test::drift_indices(two, test::river_stream("s3")) ==
        std::vector<std::size_t>{531, 1015, 1545});
}

TEST_CASE("hddm_a: one-sided ignores decreases; warnings come before the drift") {
  hddm_a one;
  const auto s3 = test::river_stream("s3");
  const auto d = test::drift_indices(one, s3);
  CHECK(std::find(d.begin(), d.end(), std::size_t{1015}) == d.end());
  hddm_a w;
  const auto ev = test::events(w, test::river_stream("s2"));
  REQUIRE(!ev.empty());
  CHECK(ev.front().second == detector_state::warning);
}

TEST_CASE("hddm_a: defaults, non-finite input and bad parameters") {
  const hddm_a_params p;
  CHECK(p.drift_confidence == 0.001);
  CHECK(p.warning_confidence == 0.005);
  CHECK(!p.two_sided_test);
  hddm_a d;
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.ignored_count() == 1);
  hddm_a_params bad;
  bad.drift_confidence = 0.0;
  MLGUARD_CHECK_THROWS_ID(hddm_a(bad), "mlguard.drift.bad_parameter");
  bad = {};
  bad.warning_confidence = 1.0;
  MLGUARD_CHECK_THROWS_ID(hddm_a(bad), "mlguard.drift.bad_parameter");
}

TEST_CASE("hddm_a: saving mid-stream and restoring gives the same verdicts") {
  hddm_a_params p;
  p.two_sided_test = true;
  test::check_save_restore(hddm_a{p}, test::river_stream("s3"),
                           [](const json& j) { return hddm_a::from_json(j); });
  test::check_save_restore(hddm_a{}, test::river_stream("s2"),
                           [](const json& j) { return hddm_a::from_json(j); });
  const json good = hddm_a{}.to_json();
  test::check_rejects_bad_documents(good, [](const json& j) { return hddm_a::from_json(j); });
  json bad = good;
  bad["state"]["x_min"]["n"] = 3.0; // the cut cannot be past the stream
  MLGUARD_CHECK_THROWS_ID(hddm_a::from_json(bad), "mlguard.format.corrupt");
}

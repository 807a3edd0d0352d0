// HDDM_W against River (online-ml/river, river.drift.binary.HDDM_W).
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/hddm_w.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::hddm_w;
using drift::online::hddm_w_options;

TEST_CASE("hddm_w: River parity, one-sided on s2 and two-sided on s3") {
  // River's published values (river/drift/test_drift_detectors.py, test_hddm_w; issue 5).
  hddm_w one;
  CHECK(test::drift_indices(one, test::river_stream("s2")) == std::vector<std::size_t>{1018});
  hddm_w_options p;
  p.two_sided_test = true;
  hddm_w two(p);
  CHECK(test::drift_indices(two, test::river_stream("s3")) ==
        std::vector<std::size_t>{507, 1032, 1508});
}

TEST_CASE("hddm_w: non-finite input and settings out of range") {
  hddm_w d;
  CHECK(d.update(-std::numeric_limits<double>::infinity()) == detector_state::none);
  CHECK(d.ignored_count() == 1);
  CHECK(d.ewma() == 0.0);
  hddm_w_options bad;
  bad.lambda = 0.0;
  MLGUARD_CHECK_THROWS_ID(hddm_w(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.drift_confidence = 2.0;
  MLGUARD_CHECK_THROWS_ID(hddm_w(bad), "mlguard.drift.invalid_option");
}

TEST_CASE("hddm_w: saving mid-stream and restoring gives the same verdicts") {
  hddm_w_options p;
  p.two_sided_test = true;
  test::check_save_restore(hddm_w{p}, test::river_stream("s3"),
                           [](const json& j) { return hddm_w::from_json(j); });
  test::check_save_restore(hddm_w{}, test::river_stream("s2"),
                           [](const json& j) { return hddm_w::from_json(j); });
  const json good = hddm_w{}.to_json();
  CHECK(good["state"]["incr_cutpoint"] == "inf");
  CHECK(good["state"]["decr_cutpoint"] == "-inf");
  test::check_rejects_bad_documents(good, [](const json& j) { return hddm_w::from_json(j); });
  json bad = good;
  bad["state"]["total"]["ibc"] = 0.0;
  MLGUARD_CHECK_THROWS_ID(hddm_w::from_json(bad), "mlguard.format.corrupt");
}

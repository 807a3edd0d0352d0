// DDM against River (online-ml/river, river.drift.binary.DDM).
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/ddm.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::ddm;
using drift::online::ddm_options;
using drift::online::detector_state;

TEST_CASE("ddm: River parity on stream s2") {
  // River's published values (river/drift/test_drift_detectors.py, test_ddm; issue 5).
  ddm d;
  CHECK(test::drift_indices(d, test::river_stream("s2")) == std::vector<std::size_t>{1049});
  ddm ones; // River: no drift on a stream of ones
  CHECK(test::drift_indices(ones, std::vector<double>(1000, 1.0)).empty());
}

TEST_CASE("ddm: warnings precede the drift and the detector restarts after it") {
  ddm d;
  const auto s2 = test::river_stream("s2");
  const auto ev = test::events(d, s2);
  REQUIRE(!ev.empty());
  CHECK(ev.front().second == detector_state::warning);
  CHECK(ev.front().first > 1000);
  std::size_t drift_at = 0;
  for (const auto& e : ev) {
    if (e.second == detector_state::drift) {
      drift_at = e.first;
      break;
    }
  }
  CHECK(drift_at == 1049);
  ddm e;
  for (std::size_t i = 0; i <= 1049; ++i) {
    e.update(s2[i]);
  }
  CHECK(e.n() == 1050.0);
  e.update(1.0);
  CHECK(e.n() == 1.0); // River's _reset at the update after a drift
  CHECK(e.error_rate() == 1.0);
}

TEST_CASE("ddm: non-finite input and settings out of range") {
  ddm d;
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.n() == 0.0);
  CHECK(d.ignored_count() == 1);
  ddm_options bad;
  bad.warning_threshold = 0.0;
  MLGUARD_CHECK_THROWS_ID(ddm(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.drift_threshold = -1.0;
  MLGUARD_CHECK_THROWS_ID(ddm(bad), "mlguard.drift.invalid_option");
  bad.drift_threshold = std::numeric_limits<double>::infinity();
  MLGUARD_CHECK_THROWS_ID(ddm(bad), "mlguard.drift.invalid_option");
}

TEST_CASE("ddm: saving mid-stream and restoring gives the same verdicts") {
  test::check_save_restore(ddm{}, test::river_stream("s2"),
                           [](const json& j) { return ddm::from_json(j); });
  const json fresh = ddm{}.to_json(); // infinite minima are stored as "inf"
  CHECK(fresh["state"]["p_min"] == "inf");
  CHECK(ddm::from_json(fresh).to_json() == fresh);
  test::check_rejects_bad_documents(fresh, [](const json& j) { return ddm::from_json(j); });
  json bad = fresh;
  bad["state"]["p_min"] = "-infinity";
  MLGUARD_CHECK_THROWS_ID(ddm::from_json(bad), "mlguard.format.corrupt");
  bad = fresh;
  bad["params"]["warning_threshold"] = 0;
  MLGUARD_CHECK_THROWS_ID(ddm::from_json(bad), "mlguard.format.corrupt");
}

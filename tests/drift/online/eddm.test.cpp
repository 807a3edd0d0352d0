// EDDM against River (online-ml/river, river.drift.binary.EDDM).
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/eddm.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::eddm;
using drift::online::eddm_options;

TEST_CASE("eddm: River parity on stream s2 with alpha 0.9, beta 0.8") {
  // River's published value (river/drift/test_drift_detectors.py, test_eddm; issue 5).
  eddm_options p;
  p.alpha = 0.9;
  p.beta = 0.8;
  eddm d(p);
  CHECK(test::drift_indices(d, test::river_stream("s2")) == std::vector<std::size_t>{1059});
}

TEST_CASE("eddm: a warning stays raised until the next error updates it") {
  eddm_options p;
  p.alpha = 0.9;
  p.beta = 0.8;
  eddm d(p);
  const auto s2 = test::river_stream("s2");
  bool warned_on_correct = false;
  for (std::size_t i = 0; i < 1059; ++i) {
    const auto s = d.update(s2[i]);
    warned_on_correct = warned_on_correct || (s == detector_state::warning && s2[i] == 0.0);
  }
  // River only re-evaluates on errors, so zeros keep the last verdict.
  CHECK(warned_on_correct);
}

TEST_CASE("eddm: non-finite input and settings out of range") {
  eddm d;
  CHECK(d.update(std::numeric_limits<double>::infinity()) == detector_state::none);
  CHECK(d.n() == 0);
  CHECK(d.ignored_count() == 1);
  eddm_options bad;
  bad.alpha = 0.5; // River: ValueError when alpha < beta
  MLGUARD_CHECK_THROWS_ID(eddm(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.beta = 0.0;
  MLGUARD_CHECK_THROWS_ID(eddm(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.alpha = 1.5;
  MLGUARD_CHECK_THROWS_ID(eddm(bad), "mlguard.drift.invalid_option");
}

TEST_CASE("eddm: saving mid-stream and restoring gives the same verdicts") {
  eddm_options p;
  p.alpha = 0.9;
  p.beta = 0.8;
  test::check_save_restore(eddm{p}, test::river_stream("s2"),
                           [](const json& j) { return eddm::from_json(j); });
  test::check_save_restore(eddm{}, test::river_stream("s3"),
                           [](const json& j) { return eddm::from_json(j); });
  const json good = eddm{}.to_json();
  test::check_rejects_bad_documents(good, [](const json& j) { return eddm::from_json(j); });
  json bad = good;
  bad["state"]["n_errors"] = 5; // more errors than observations
  MLGUARD_CHECK_THROWS_ID(eddm::from_json(bad), "mlguard.format.corrupt");
}

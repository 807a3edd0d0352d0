// Page-Hinkley against River (online-ml/river, river.drift.PageHinkley).
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/page_hinkley.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::page_hinkley;
using drift::online::page_hinkley_mode;
using drift::online::page_hinkley_options;

namespace {
page_hinkley with_mode(page_hinkley_mode m) {
  page_hinkley_options p;
  p.mode = m;
  return page_hinkley(p);
}
} // namespace

TEST_CASE("page_hinkley: River parity on s3 in every mode") {
  // River's published values (river/drift/test_drift_detectors.py, test_page_hinkley; issue 5).
  const auto s3 = test::river_stream("s3");
  auto up = with_mode(page_hinkley_mode::up);
  CHECK(test::drift_indices(up, s3) == std::vector<std::size_t>{588, 1681});
  auto down = with_mode(page_hinkley_mode::down);
  CHECK(test::drift_indices(down, s3) == std::vector<std::size_t>{1172});
  auto both = with_mode(page_hinkley_mode::both);
  CHECK(test::drift_indices(both, s3) == std::vector<std::size_t>{588, 1097, 1585});
}

TEST_CASE("page_hinkley: modes by name, non-finite input and bad parameters") {
  page_hinkley_options p;
  page_hinkley::set_option(p, "mode", "down");
  CHECK(p.mode == page_hinkley_mode::down);
  CHECK(std::string(to_string(page_hinkley_mode::up)) == "up");
  MLGUARD_CHECK_THROWS_ID(page_hinkley::set_option(p, "mode", "sideways"),
                          "mlguard.drift.invalid_option");
  CHECK(p.mode == page_hinkley_mode::down); // unchanged by the failed set
  page_hinkley d;
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.ignored_count() == 1);
  CHECK(d.mean() == 0.0);
  page_hinkley_options bad;
  bad.threshold = 0.0;
  MLGUARD_CHECK_THROWS_ID(page_hinkley(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.delta = -1.0;
  MLGUARD_CHECK_THROWS_ID(page_hinkley(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.alpha = 1.5;
  MLGUARD_CHECK_THROWS_ID(page_hinkley(bad), "mlguard.drift.invalid_option");
}

TEST_CASE("page_hinkley: saving mid-stream and restoring gives the same verdicts") {
  for (auto m : {page_hinkley_mode::up, page_hinkley_mode::down, page_hinkley_mode::both}) {
    test::check_save_restore(with_mode(m), test::river_stream("s3"),
                             [](const json& j) { return page_hinkley::from_json(j); });
  }
  const json good = page_hinkley{}.to_json();
  test::check_rejects_bad_documents(good, [](const json& j) { return page_hinkley::from_json(j); });
  json bad = good;
  bad["params"]["mode"] = "sideways";
  MLGUARD_CHECK_THROWS_ID(page_hinkley::from_json(bad), "mlguard.format.corrupt");
}

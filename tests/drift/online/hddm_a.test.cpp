// HDDM_A against River (online-ml/river, river.drift.binary.HDDM_A).
#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/hddm_a.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::hddm_a;
using drift::online::hddm_a_options;

TEST_CASE("hddm_a: River parity, one-sided on s2 and two-sided on s3") {
  // River's published values (river/drift/test_drift_detectors.py, test_hddm_a; issue 5).
  hddm_a one;
  CHECK(test::drift_indices(one, test::river_stream("s2")) == std::vector<std::size_t>{1047});
  hddm_a_options p;
  p.two_sided_test = true;
  hddm_a two(p);
  CHECK(test::drift_indices(two, test::river_stream("s3")) ==
        std::vector<std::size_t>{531, 1015, 1545});
}

TEST_CASE("hddm_a: one-sided ignores decreases, warnings come before the drift") {
  hddm_a one;
  const auto s3 = test::river_stream("s3");
  const auto d = test::drift_indices(one, s3);
  CHECK(std::find(d.begin(), d.end(), std::size_t{1015}) == d.end());
  hddm_a w;
  const auto ev = test::events(w, test::river_stream("s2"));
  REQUIRE(!ev.empty());
  CHECK(ev.front().second == detector_state::warning);
}

TEST_CASE("hddm_a: non-finite input and settings out of range") {
  hddm_a d;
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.ignored_count() == 1);
  hddm_a_options bad;
  bad.drift_confidence = 0.0;
  MLGUARD_CHECK_THROWS_ID(hddm_a(bad), "mlguard.drift.invalid_option");
  bad = {};
  bad.warning_confidence = 1.0;
  MLGUARD_CHECK_THROWS_ID(hddm_a(bad), "mlguard.drift.invalid_option");
}

TEST_CASE("hddm_a: saving mid-stream and restoring gives the same verdicts") {
  hddm_a_options p;
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

namespace {
// River's HDDM_A update written out literally (every bound recomputed,
// branches as in Python), to check the optimised detector against.
struct literal_hddm_a {
  struct mean {
    double n = 0.0;
    double m = 0.0;
    void update(double x) {
      n += 1.0;
      m += (1.0 / n) * (x - m);
    }
  };
  double drift_confidence = 0.001;
  double warning_confidence = 0.005;
  bool two_sided = false;
  mean z, x_min, x_max;
  bool drift = false;
  bool warning = false;

  double hoeffding(double n) const {
    return std::sqrt(1.0 / (2.0 * n) * std::log(1.0 / drift_confidence));
  }
  bool incr(double c) const {
    if (x_min.n == z.n) {
      return false;
    }
    const double m = (z.n - x_min.n) / x_min.n * (1.0 / z.n);
    return z.m - x_min.m >= std::sqrt(m / 2.0 * std::log(2.0 / c));
  }
  bool decr(double c) const {
    if (x_max.n == z.n) {
      return false;
    }
    const double m = (z.n - x_max.n) / x_max.n * (1.0 / z.n);
    return x_max.m - z.m >= std::sqrt(m / 2.0 * std::log(2.0 / c));
  }
  detector_state update(double x) {
    if (drift) {
      z = x_min = x_max = {};
      drift = warning = false;
    }
    z.update(x);
    if (x_min.n == 0.0) {
      x_min = z;
    }
    if (x_max.n == 0.0) {
      x_max = z;
    }
    const double eps_z = hoeffding(z.n);
    if (x_min.m + hoeffding(x_min.n) >= z.m + eps_z) {
      x_min = z;
    }
    if (x_max.m - hoeffding(x_max.n) <= z.m - eps_z) {
      x_max = z;
    }
    if (incr(drift_confidence)) {
      warning = false;
      drift = true;
    } else if (incr(warning_confidence)) {
      warning = true;
      drift = false;
    } else {
      warning = drift = false;
    }
    if (two_sided) {
      if (decr(drift_confidence)) {
        drift = true;
      } else if (decr(warning_confidence)) {
        warning = true;
      }
    }
    return drift ? detector_state::drift
                 : (warning ? detector_state::warning : detector_state::none);
  }
};
} // namespace

TEST_CASE("hddm_a: the optimised update answers as River's literal update does") {
  std::mt19937_64 gen(2024);
  for (int stream = 0; stream < 6; ++stream) {
    const bool two_sided = stream % 2 == 0;
    const bool binary = stream < 4;
    hddm_a_options p;
    p.two_sided_test = two_sided;
    hddm_a fast(p);
    literal_hddm_a literal;
    literal.two_sided = two_sided;
    std::size_t verdicts = 0;
    for (int i = 0; i < 20000; ++i) {
      // The level shifts every 1500 values, up and down.
      const double level = (i / 1500) % 3 == 1 ? 0.55 : ((i / 1500) % 3 == 2 ? 0.1 : 0.3);
      const double x = binary ? (std::bernoulli_distribution(level)(gen) ? 1.0 : 0.0)
                              : std::normal_distribution<double>(level, 0.2)(gen);
      const auto a = fast.update(x);
      const auto b = literal.update(x);
      REQUIRE(a == b);
      verdicts += a != detector_state::none ? 1 : 0;
    }
    CHECK(verdicts > 0);
  }
}

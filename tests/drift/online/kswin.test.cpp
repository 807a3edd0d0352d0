// KSWIN against River (online-ml/river, river.drift.KSWIN with scipy's ks_2samp).
#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include <doctest/doctest.h>

#include "drift/online/online_support.hpp"
#include "mlguard/drift/online/kswin.hpp"
#include "mlguard/stats/ks.hpp"
#include "test_support.hpp"

using namespace mlguard;
using drift::online::detector_state;
using drift::online::kswin;
using drift::online::kswin_options;
using drift::online::kswin_sampler;

namespace {

kswin_options river_test_params() {
  kswin_options p;
  p.alpha = 0.0001;
  p.window_size = 200;
  p.stat_size = 100;
  p.seed = 42;
  return p;
}

// Replays the index sequence /usr/bin/python3 produced (a fixture), to show
// how a user injects a sampler and that the detections follow the draws.
class replay_sampler final : public kswin_sampler {
public:
  explicit replay_sampler(std::shared_ptr<const std::vector<std::vector<std::size_t>>> draws)
      : draws_(std::move(draws)) {}
  void prepare(std::size_t, std::size_t) override {}
  void sample(std::size_t, span<std::size_t> out) noexcept override {
    const auto& d = (*draws_)[next_ % draws_->size()];
    for (std::size_t i = 0; i < out.size(); ++i) {
      out[i] = d[i];
    }
    ++next_;
  }
  void restart() noexcept override { next_ = 0; }
  json to_json() const override { return json{{"kind", "replay"}, {"next", next_}}; }
  void restore(const json& state, std::string_view) override {
    next_ = state.at("next").get<std::size_t>();
  }
  std::unique_ptr<kswin_sampler> clone() const override {
    return std::make_unique<replay_sampler>(*this);
  }
  std::size_t calls() const { return next_; }

private:
  std::shared_ptr<const std::vector<std::vector<std::size_t>>> draws_;
  std::size_t next_ = 0;
};

std::shared_ptr<const std::vector<std::vector<std::size_t>>> python_draws() {
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/online_kswin_draws.json")), "draws");
  return std::make_shared<const std::vector<std::vector<std::size_t>>>(
      doc["draws"].get<std::vector<std::vector<std::size_t>>>());
}

} // namespace

TEST_CASE("kswin: River parity on s1 with seed 42 (default sampler)") {
  // River's published value (river/drift/test_drift_detectors.py, test_kswin; issue 5).
  kswin d(river_test_params());
  CHECK(test::drift_indices(d, test::river_stream("s1")) == std::vector<std::size_t>{1042});
}

TEST_CASE("kswin: an injected sampler replaying Python's draws gives the same detections") {
  auto sampler = std::make_unique<replay_sampler>(python_draws());
  const auto* raw = sampler.get();
  kswin d(river_test_params(), std::move(sampler));
  const auto s1 = test::river_stream("s1");
  std::vector<std::size_t> got;
  for (std::size_t i = 0; i < s1.size(); ++i) {
    if (d.update(s1[i]) == detector_state::drift) {
      got.push_back(i);
      CHECK(raw->calls() == 1042 - 199 + 1); // one draw per update once the window is full
    }
  }
  CHECK(got == std::vector<std::size_t>{1042});
}

TEST_CASE("kswin: the window slides, empties after a drift and the p-value is scipy's") {
  kswin_options p;
  p.window_size = 10;
  p.stat_size = 5;
  p.seed = 1;
  kswin d(p);
  for (int i = 0; i < 9; ++i) {
    CHECK(d.update(i) == detector_state::none);
    CHECK(d.p_value() == 0.0); // no test before the window is full
  }
  d.update(9.0);
  CHECK(d.window_length() == 10);
  // Reference: 5 of {0..4}, recent: {5..9}: disjoint, D = 1, and scipy's
  // exact two-sided p for n = m = 5 is 2/C(10,5) = 2/252.
  CHECK(d.statistic() == 1.0);
  CHECK(d.p_value() == doctest::Approx(2.0 / 252.0).epsilon(1e-12));
  CHECK(!d.drift_detected()); // p > alpha = 0.005
  d.update(10.0);
  CHECK(d.window_value(0) == 1.0);
  CHECK(d.window_value(9) == 10.0);
}

TEST_CASE("kswin: non-finite input and settings out of range") {
  kswin d; // unseeded: a seed is drawn once
  CHECK(d.update(std::numeric_limits<double>::quiet_NaN()) == detector_state::none);
  CHECK(d.ignored_count() == 1);
  CHECK(d.window_length() == 0);
  auto bad = [](auto change) {
    kswin_options q;
    change(q);
    return kswin(q);
  };
  MLGUARD_CHECK_THROWS_ID(bad([](kswin_options& q) { q.alpha = -0.1; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(bad([](kswin_options& q) { q.alpha = 1.1; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(bad([](kswin_options& q) {
                            q.window_size = 10;
                            q.stat_size = 30;
                          }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(bad([](kswin_options& q) { q.stat_size = 0; }),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(bad([](kswin_options& q) {
                            q.window_size = 100;
                            q.stat_size = 51;
                          }),
                          "mlguard.drift.invalid_option");
}

TEST_CASE("kswin: saving mid-stream and restoring gives the same detections") {
  test::check_save_restore(kswin(river_test_params()), test::river_stream("s1"),
                           [](const json& j) { return kswin::from_json(j); });
  kswin_options p;
  p.seed = 3;
  test::check_save_restore(kswin(p), test::river_stream("s3"),
                           [](const json& j) { return kswin::from_json(j); });
  // Unseeded: the drawn seed travels in the sampler state.
  kswin unseeded;
  const auto s1 = test::river_stream("s1");
  for (std::size_t i = 0; i < 150; ++i) {
    unseeded.update(s1[i]);
  }
  kswin copy = kswin::from_json(unseeded.to_json());
  CHECK(copy.to_json()["params"]["seed"].is_null());
  for (std::size_t i = 150; i < 400; ++i) {
    CHECK(copy.update(s1[i]) == unseeded.update(s1[i]));
    CHECK(copy.p_value() == unseeded.p_value());
  }
  // A custom sampler is restored from its own state.
  auto draws = python_draws();
  kswin with_replay(river_test_params(), std::make_unique<replay_sampler>(draws));
  for (std::size_t i = 0; i < 600; ++i) {
    with_replay.update(s1[i]);
  }
  kswin back =
      kswin::from_json(with_replay.to_json(), "kswin", std::make_unique<replay_sampler>(draws));
  CHECK(test::drift_indices(back, std::vector<double>(s1.begin() + 600, s1.end())) ==
        std::vector<std::size_t>{1042 - 600});

  const json good = kswin(river_test_params()).to_json();
  test::check_rejects_bad_documents(good, [](const json& j) { return kswin::from_json(j); });
  json broken = good;
  broken["state"]["window"] = json::array({1.0, 2.0});
  MLGUARD_CHECK_THROWS_ID(kswin::from_json(broken), "mlguard.format.corrupt"); // n = 0
  broken = good;
  broken["params"]["stat_size"] = 150;
  MLGUARD_CHECK_THROWS_ID(kswin::from_json(broken), "mlguard.format.corrupt");
  broken = good;
  broken["state"]["sampler"]["mt"] = json::array();
  MLGUARD_CHECK_THROWS_ID(kswin::from_json(broken), "mlguard.format.corrupt");
}

TEST_CASE("kswin: copies are deep") {
  kswin a(river_test_params());
  const auto s1 = test::river_stream("s1");
  for (std::size_t i = 0; i < 300; ++i) {
    a.update(s1[i]);
  }
  kswin b = a;
  for (std::size_t i = 300; i < 1100; ++i) {
    CHECK(a.update(s1[i]) == b.update(s1[i]));
  }
  CHECK(a.to_json() == b.to_json());
}

namespace {
// Wraps the default sampler and records each draw, to recompute the test.
class recording_sampler final : public kswin_sampler {
public:
  explicit recording_sampler(std::uint64_t seed) : inner_(seed) {}
  void prepare(std::size_t population, std::size_t k) override { inner_.prepare(population, k); }
  void sample(std::size_t population, span<std::size_t> out) noexcept override {
    inner_.sample(population, out);
    last.assign(out.begin(), out.end());
  }
  void restart() noexcept override { inner_.restart(); }
  json to_json() const override { return inner_.to_json(); }
  void restore(const json& state, std::string_view source) override {
    inner_.restore(state, source);
  }
  std::unique_ptr<kswin_sampler> clone() const override {
    return std::make_unique<recording_sampler>(*this);
  }
  std::vector<std::size_t> last;

private:
  drift::online::python_random_sampler inner_;
};
} // namespace

TEST_CASE("kswin: the incrementally sorted window gives ks_2samp's answer at every update") {
  // Ties (few distinct values), negative zeros and continuous values, over
  // several drifts: the p-value must equal ks_2samp on the drawn values.
  std::vector<double> stream;
  const auto s1 = test::river_stream("s1");
  for (std::size_t i = 0; i < 1500; ++i) {
    const double v = s1[i];
    stream.push_back(i % 7 == 0 ? -0.0 : (i % 3 == 0 ? v * 0.37 + static_cast<double>(i % 11) : v));
  }
  for (std::size_t window : {std::size_t{16}, std::size_t{100}}) {
    kswin_options p;
    p.window_size = window;
    p.stat_size = window / 4 + 1;
    p.alpha = 0.05;
    auto sampler = std::make_unique<recording_sampler>(5);
    auto* rec = sampler.get();
    kswin d(p, std::move(sampler));
    std::vector<double> shadow; // the window, rebuilt independently
    int tests = 0;
    int drifts = 0;
    for (double x : stream) {
      if (d.drift_detected()) {
        shadow.clear();
      }
      shadow.push_back(x);
      if (shadow.size() > window) {
        shadow.erase(shadow.begin());
      }
      const auto s = d.update(x);
      if (shadow.size() < window) {
        continue;
      }
      std::vector<double> ref;
      for (auto i : rec->last) {
        ref.push_back(shadow[i]);
      }
      const std::vector<double> recent(shadow.end() - static_cast<std::ptrdiff_t>(p.stat_size),
                                       shadow.end());
      const auto r = stats::ks_2samp(ref, recent);
      REQUIRE(d.p_value() == r.p_value);
      REQUIRE(d.statistic() == r.statistic);
      CHECK((s == detector_state::drift) == (r.p_value <= p.alpha && r.statistic > 0.1));
      ++tests;
      drifts += s == detector_state::drift ? 1 : 0;
    }
    CHECK(tests > 500);
    CHECK(drifts > 0);
  }
}

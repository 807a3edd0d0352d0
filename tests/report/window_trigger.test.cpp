// window_trigger: k of the last n windows fire it, at most resolve_at resolve it.

#include <doctest/doctest.h>

#include <string>

#include "mlguard/report/window_trigger.hpp"
#include "test_support.hpp"

namespace rp = mlguard::report;

namespace {

// The changes a trigger reports for a run of windows, as "." (none), "F", "R".
std::string trigger_trace(rp::window_trigger& t, const std::string& windows) {
  std::string out;
  for (const char w : windows) {
    const auto c = t.observe(w == 'x');
    out += c == rp::trigger_change::fired ? 'F' : c == rp::trigger_change::resolved ? 'R' : '.';
  }
  return out;
}

} // namespace

TEST_CASE("window_trigger: k = n = 1 fires and resolves on each change of state") {
  rp::window_trigger t;
  CHECK(trigger_trace(t, "..xxx..x.") == "..F..R.FR");
}

TEST_CASE("window_trigger: k of n fires once enough windows agree") {
  rp::window_trigger t({3, 5, 0});
  CHECK(trigger_trace(t, "x.x.x") == "....F");
  CHECK(t.firing());
  CHECK(t.bad_windows() == 3);
  // Resolves only when all of the last five are good.
  CHECK(trigger_trace(t, "....x....") == ".........");
  CHECK(trigger_trace(t, ".") == "R");
}

TEST_CASE("window_trigger: an oscillating signal fires once and does not flap") {
  rp::window_trigger t({2, 4, 0});
  std::string windows;
  for (int i = 0; i < 100; ++i) {
    windows += i % 2 == 0 ? 'x' : '.';
  }
  const std::string trace = trigger_trace(t, windows);
  CHECK(trace.find('F') == 2);
  CHECK(trace.find('F', 3) == std::string::npos);
  CHECK(trace.find('R') == std::string::npos);
}

TEST_CASE("window_trigger: resolve_at sets the dead band, n up to 64") {
  rp::window_trigger t({3, 4, 1});
  CHECK(trigger_trace(t, "xxx.x..") == "..F...R");
  rp::window_trigger wide({64, 64, 63});
  CHECK(trigger_trace(wide, std::string(63, 'x')) == std::string(63, '.'));
  CHECK(trigger_trace(wide, "x.") == "FR");
}

TEST_CASE("window_trigger: settings are checked") {
  MLGUARD_CHECK_THROWS_ID(rp::window_trigger({0, 1, 0}), "mlguard.report.invalid_trigger");
  MLGUARD_CHECK_THROWS_ID(rp::window_trigger({3, 2, 0}), "mlguard.report.invalid_trigger");
  MLGUARD_CHECK_THROWS_ID(rp::window_trigger({2, 65, 0}), "mlguard.report.invalid_trigger");
  MLGUARD_CHECK_THROWS_ID(rp::window_trigger({2, 3, 2}), "mlguard.report.invalid_trigger");
  MLGUARD_CHECK_THROWS_ID(rp::window_trigger({2, 3, -1}), "mlguard.report.invalid_trigger");
}

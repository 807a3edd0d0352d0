// Window policies and their validation.
#include <chrono>
#include <limits>

#include "mlguard/drift/window.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("window_options: factories and validation") {
  const auto t = window_options::tumbling(500);
  CHECK(t.kind == window_kind::tumbling_count);
  CHECK(t.size == 500);
  CHECK_NOTHROW(t.validate());
  const auto s = window_options::sliding(1000, 100);
  CHECK(s.kind == window_kind::sliding_count);
  CHECK(s.step == 100);
  CHECK(std::string(to_string(s.kind)) == "sliding_count");
  const auto tt = window_options::tumbling_time(std::chrono::minutes(5), 10000);
  CHECK(tt.duration == std::chrono::minutes(5));
  CHECK(std::string(to_string(tt.kind)) == "tumbling_time");
  MLGUARD_CHECK_THROWS_ID(window_options::tumbling(0).validate(), "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(window_options::sliding(10, 0).validate(),
                          "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(window_options::tumbling_time(std::chrono::seconds(-1), 5).validate(),
                          "mlguard.drift.invalid_option");
}

TEST_CASE("window_span: written and read under the same names, time windows with their start") {
  window_span w;
  w.index = 7;
  w.first_row = 3001;
  w.last_row = 3500;
  w.rows = 500;
  json j = json::object();
  j["other"] = true; // fields of the result it belongs to are kept
  write_window_span(j, w);
  CHECK(j["other"] == true);
  CHECK(j["window"] == 7); // `index` is "window" in JSON
  CHECK_FALSE(j.contains("start_ns"));
  auto back = read_window_span(json_reader(j, "w"));
  CHECK(back.index == 7);
  CHECK(back.first_row == 3001);
  CHECK(back.last_row == 3500);
  CHECK(back.rows == 500);
  CHECK_FALSE(back.start.has_value());

  w.start = timestamp(std::chrono::nanoseconds(-5)); // before the epoch is a time too
  write_window_span(j, w);
  back = read_window_span(json_reader(j, "w"));
  CHECK(back.start == w.start);
  j["rows"] = -1;
  MLGUARD_CHECK_THROWS_ID(read_window_span(json_reader(j, "w")), "mlguard.format.corrupt");
}

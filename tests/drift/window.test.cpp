// Window policies and their validation.
#include <chrono>

#include "mlguard/drift/window.hpp"
#include "test_support.hpp"

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

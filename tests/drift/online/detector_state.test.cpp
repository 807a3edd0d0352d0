// The verdict names, as `mlguard detect` prints them.
#include <string>

#include <doctest/doctest.h>

#include "mlguard/drift/online/detector_state.hpp"

using namespace mlguard::drift::online;

TEST_CASE("detector_state: each verdict has its own name, none for unknown values") {
  CHECK(std::string(to_string(detector_state::none)) == "none");
  CHECK(std::string(to_string(detector_state::warning)) == "warning");
  CHECK(std::string(to_string(detector_state::drift)) == "drift");
  CHECK(std::string(to_string(static_cast<detector_state>(7))) == "none");
}

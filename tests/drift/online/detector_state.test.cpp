// The shared vocabulary of the online detectors.
#include <string>

#include <doctest/doctest.h>

#include "mlguard/drift/online/detector_state.hpp"

using namespace mlguard::drift::online;

TEST_CASE("detector_state: names and the persisted format") {
  CHECK(std::string(to_string(detector_state::none)) == "none");
  CHECK(std::string(to_string(detector_state::warning)) == "warning");
  CHECK(std::string(to_string(detector_state::drift)) == "drift");
  CHECK(std::string(online_detector_format) == "mlguard.online_detector");
  CHECK(online_detector_format_version == 1);
}

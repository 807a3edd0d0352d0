#include "mlguard/core/version.hpp"

#include <string>

#include "test_support.hpp"

TEST_CASE("version: the macros, the string and version() agree") {
  constexpr auto v = mlguard::version();
  static_assert(v.major == MLGUARD_VERSION_MAJOR);
  CHECK(v.minor == MLGUARD_VERSION_MINOR);
  CHECK(v.patch == MLGUARD_VERSION_PATCH);
  const std::string expected = std::to_string(MLGUARD_VERSION_MAJOR) + "." +
                               std::to_string(MLGUARD_VERSION_MINOR) + "." +
                               std::to_string(MLGUARD_VERSION_PATCH);
  CHECK(std::string(v.string) == expected);
  CHECK(std::string(MLGUARD_VERSION_STRING) == expected);
  CHECK(MLGUARD_VERSION ==
        MLGUARD_VERSION_MAJOR * 10000 + MLGUARD_VERSION_MINOR * 100 + MLGUARD_VERSION_PATCH);
}

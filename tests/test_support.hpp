#ifndef MLGUARD_TESTS_TEST_SUPPORT_HPP
#define MLGUARD_TESTS_TEST_SUPPORT_HPP

// Helpers shared by mlguard's tests.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "mlguard/core/error.hpp"

namespace mlguard::test {

/// The shared data folder (../shared/data beside the checkout, or $MLGUARD_DATA_DIR),
/// or nothing when it is absent; tests that need it skip with a message.
inline std::optional<std::string> shared_data_dir() {
  std::string dir = MLGUARD_SHARED_DATA_DIR;
  if (const char* env = std::getenv("MLGUARD_DATA_DIR")) {
    dir = env;
  }
  std::ifstream probe(dir + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  if (!probe) {
    MESSAGE("skipped: shared data not found at " << dir
                                                 << " (set MLGUARD_DATA_DIR to run this test)");
    return std::nullopt;
  }
  return dir;
}

/// The path of a committed test fixture under tests/fixtures/.
inline std::string fixture_path(const std::string& name) {
  return std::string(MLGUARD_TEST_FIXTURES_DIR) + "/" + name;
}

/// The whole content of a file; fails the test when it cannot be read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

/// A fresh directory under /tmp, removed with its content when the test ends.
struct temp_dir {
  std::string path;
  temp_dir() {
    char pattern[] = "/tmp/mlguard-test-XXXXXX";
    REQUIRE(::mkdtemp(pattern) != nullptr);
    path = pattern;
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

} // namespace mlguard::test

/// Checks that `expr` throws an mlguard::error whose id is `expected_id`.
#define MLGUARD_CHECK_THROWS_ID(expr, expected_id)                                                 \
  do {                                                                                             \
    bool mlguard_threw_ = false;                                                                   \
    try {                                                                                          \
      (void)(expr);                                                                                \
    } catch (const ::mlguard::error& mlguard_e_) {                                                 \
      mlguard_threw_ = true;                                                                       \
      CHECK_MESSAGE(mlguard_e_.id() == (expected_id), "what(): " << mlguard_e_.what());            \
    }                                                                                              \
    CHECK_MESSAGE(mlguard_threw_, "expected " << (expected_id) << " from " #expr);                 \
  } while (false)

#endif // MLGUARD_TESTS_TEST_SUPPORT_HPP

#include "mlguard/registry/names.hpp"

#include <string>

#include "test_support.hpp"

using namespace mlguard::registry;

TEST_CASE("names: the documented character set and limits") {
  for (const char* good : {"churn", "Churn_v2", "a", "model-1.0", "0day", "x.y_z-w"}) {
    CAPTURE(good);
    CHECK(name_problem(good).empty());
    CHECK_NOTHROW(validate_model_name(good));
  }
  CHECK(name_problem(std::string(max_name_length, 'a')).empty());
  CHECK_FALSE(name_problem(std::string(max_name_length + 1, 'a')).empty());
  CHECK(name_problem("") == "is empty");
  CHECK(name_problem("a/b") == "contains a path separator");
  CHECK(name_problem(std::string("a\0b", 3)) == "contains a NUL character");
  CHECK(name_problem("../x") == "contains a path separator");
  CHECK(name_problem("a..b") == "contains \"..\"");
  CHECK(name_problem(".x") == "must start with a letter or a digit");
  CHECK(name_problem("a b") == "contains a character outside [A-Za-z0-9._-]");
}

TEST_CASE("names: errors carry mlguard.registry.invalid_name and show the name safely") {
  for (const std::string& bad : {std::string("../x"), std::string("a/b"), std::string(),
                                 std::string(300, 'x'), std::string("nu\0l", 4)}) {
    MLGUARD_CHECK_THROWS_ID(validate_model_name(bad), "mlguard.registry.invalid_name");
    MLGUARD_CHECK_THROWS_ID(validate_alias_name(bad), "mlguard.registry.invalid_name");
  }
  try {
    validate_model_name(std::string("nu\0l", 4));
  } catch (const mlguard::error& e) {
    CHECK(std::string(e.what()) ==
          "[mlguard.registry.invalid_name] model name 'nu\\x00l' contains a NUL character");
  }
  MLGUARD_CHECK_THROWS_ID(validate_alias_name("latest"), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(validate_alias_name("7"), "mlguard.registry.invalid_name");
  CHECK_NOTHROW(validate_alias_name("v7"));
  MLGUARD_CHECK_THROWS_ID(validate_key(""), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(validate_key("a\tb"), "mlguard.registry.invalid_name");
  CHECK_NOTHROW(validate_key("any key/with: punctuation"));
}

#include "mlguard/core/table.hpp"

#include <limits>

#include "test_support.hpp"

using namespace mlguard;

TEST_CASE("vocabulary: codes follow first insertion, lookups find every name") {
  vocabulary v;
  CHECK(v.add("cash") == 0);
  CHECK(v.add("card") == 1);
  CHECK(v.add("cash") == 0);
  CHECK(v.add("") == 2); // the empty string is a category like any other
  CHECK(v.size() == 3);
  CHECK(v.code_of("card") == 1);
  CHECK(v.code_of("cas") == unseen_code);
  CHECK(v.code_of("cashh") == unseen_code);
  CHECK(v.name_of(1) == "card");
  MLGUARD_CHECK_THROWS_ID(v.name_of(3), "mlguard.argument.unknown_code");
  MLGUARD_CHECK_THROWS_ID(v.name_of(missing_code), "mlguard.argument.unknown_code");
}

TEST_CASE("vocabulary: from a list keeps order and rejects duplicates") {
  const vocabulary v({"z", "a", "m"});
  CHECK(v.code_of("z") == 0);
  CHECK(v.code_of("a") == 1);
  CHECK(v.code_of("m") == 2);
  MLGUARD_CHECK_THROWS_ID(vocabulary({"a", "b", "a"}), "mlguard.argument.duplicate_category");
}

TEST_CASE("column: numeric and categorical columns keep their data and count missing") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  const auto x = column::numeric("fare", {1.0, nan, inf, 2.0});
  CHECK(x.is_numeric());
  CHECK(x.size() == 4);
  CHECK(x.missing_count() == 1); // Inf is a value, not a missing one
  CHECK(x.vector()(3) == 2.0);
  MLGUARD_CHECK_THROWS_ID(x.codes(), "mlguard.argument.wrong_kind");

  const auto c = column::categorical("pay", {0, 1, missing_code, 0}, vocabulary({"cash", "card"}));
  CHECK(c.is_categorical());
  CHECK(c.missing_count() == 1);
  CHECK(c.vocab().name_of(c.codes()[1]) == "card");
  MLGUARD_CHECK_THROWS_ID(c.values(), "mlguard.argument.wrong_kind");
  MLGUARD_CHECK_THROWS_ID(column::categorical("pay", {0, 2}, vocabulary({"cash", "card"})),
                          "mlguard.argument.unknown_code");
}

TEST_CASE("table: columns share one length and unique names") {
  table t;
  CHECK(t.rows() == 0);
  t.add(column::numeric("a", {1, 2, 3}));
  t.add(column::categorical("b", {0, 0, 1}, vocabulary({"x", "y"})));
  CHECK(t.rows() == 3);
  CHECK(t.cols() == 2);
  CHECK(t.names() == std::vector<std::string>{"a", "b"});
  CHECK(t.at("b").is_categorical());
  CHECK(t.find("c") == nullptr);
  MLGUARD_CHECK_THROWS_ID(t.at("c"), "mlguard.argument.unknown_column");
  MLGUARD_CHECK_THROWS_ID(t[2], "mlguard.argument.out_of_range");
  MLGUARD_CHECK_THROWS_ID(t.add(column::numeric("a", {1, 2, 3})),
                          "mlguard.argument.duplicate_column");
  MLGUARD_CHECK_THROWS_ID(t.add(column::numeric("c", {1, 2})), "mlguard.argument.size_mismatch");
}

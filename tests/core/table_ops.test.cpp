#include "mlguard/core/table_ops.hpp"

#include <cmath>
#include <limits>

#include "test_support.hpp"

using namespace mlguard;

namespace {

// fare (numeric, one NaN), pay (categorical, one missing), zone (categorical).
table ops_sample_table() {
  table t;
  t.add(column::numeric("fare", {12.5, std::numeric_limits<double>::quiet_NaN(), 7.0, 3.25}));
  t.add(column::categorical("pay", {0, 1, missing_code, 1}, vocabulary({"cash", "card"})));
  t.add(column::categorical("zone", {2, 0, 1, 2}, vocabulary({"north", "east", "south"})));
  return t;
}

} // namespace

TEST_CASE("table_ops: to_matrix takes columns by name, categories as codes") {
  const auto t = ops_sample_table();
  const Eigen::MatrixXd m = to_matrix(t, {"zone", "fare", "pay"});
  REQUIRE(m.rows() == 4);
  REQUIRE(m.cols() == 3);
  CHECK(m(0, 0) == 2.0);
  CHECK(m(3, 0) == 2.0);
  CHECK(m(0, 1) == 12.5);
  CHECK(std::isnan(m(1, 1)));
  CHECK(m(1, 2) == 1.0);
  CHECK(m(2, 2) == double{missing_code}); // kept as -1, not NaN

  SUBCASE("a name may repeat, and no names gives no columns") {
    const Eigen::MatrixXd twice = to_matrix(t, {"fare", "fare"});
    CHECK(twice.cols() == 2);
    CHECK(twice(3, 1) == 3.25);
    CHECK(to_matrix(t, {}).cols() == 0);
  }
  SUBCASE("a row-major result holds the same cells, each row contiguous") {
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto r = to_matrix<row_major>(t, {"zone", "fare", "pay"});
    CHECK(r.row(2).data() + 1 == &r(2, 1));
    CHECK(r(0, 1) == 12.5);
    CHECK(r(2, 2) == double{missing_code});
  }
  SUBCASE("an unknown column is named in the error") {
    MLGUARD_CHECK_THROWS_ID(to_matrix(t, {"fare", "tip"}), "mlguard.argument.unknown_column");
    try {
      (void)to_matrix(t, {"tip"});
    } catch (const error& e) {
      CHECK(std::string(e.what()).find("'tip'") != std::string::npos);
    }
  }
}

TEST_CASE("table_ops: to_matrix remaps codes into target vocabularies by name") {
  const auto t = ops_sample_table();
  const vocabulary pay_schema({"card", "cash"});         // the same categories, reordered
  const vocabulary zone_schema({"south", "north", "x"}); // lacks "east"
  const Eigen::MatrixXd m =
      to_matrix(t, {"fare", "pay", "zone"}, {nullptr, &pay_schema, &zone_schema});
  CHECK(m(0, 0) == 12.5);
  CHECK(m(0, 1) == 1.0); // cash
  CHECK(m(1, 1) == 0.0); // card
  CHECK(m(2, 1) == double{missing_code});
  CHECK(m(0, 2) == 0.0);                 // south
  CHECK(m(1, 2) == 1.0);                 // north
  CHECK(m(2, 2) == double{unseen_code}); // east, which the target lacks
  CHECK(m(3, 2) == 0.0);

  SUBCASE("a null target keeps the codes; an empty target makes every category unseen") {
    const vocabulary empty;
    const Eigen::MatrixXd k = to_matrix(t, {"zone", "pay"}, {nullptr, &empty});
    CHECK(k(0, 0) == 2.0);
    CHECK(k(0, 1) == double{unseen_code});
    CHECK(k(2, 1) == double{missing_code});
  }
  SUBCASE("errors") {
    MLGUARD_CHECK_THROWS_ID(to_matrix(t, {"fare", "pay"}, {nullptr}),
                            "mlguard.argument.size_mismatch");
    MLGUARD_CHECK_THROWS_ID(to_matrix(t, {"fare"}, {&pay_schema}), "mlguard.argument.wrong_kind");
    MLGUARD_CHECK_THROWS_ID(to_matrix(t, {"tip"}, {nullptr}), "mlguard.argument.unknown_column");
  }
}

TEST_CASE("table_ops: select_columns copies columns in the order asked") {
  const auto t = ops_sample_table();
  const auto s = select_columns(t, {"zone", "fare"});
  CHECK(s.names() == std::vector<std::string>{"zone", "fare"});
  CHECK(s.rows() == 4);
  CHECK(s.at("zone").vocab() == t.at("zone").vocab());
  CHECK(s.at("zone").codes() == t.at("zone").codes());
  MLGUARD_CHECK_THROWS_ID(select_columns(t, {"fare", "tip"}), "mlguard.argument.unknown_column");
  MLGUARD_CHECK_THROWS_ID(select_columns(t, {"fare", "fare"}), "mlguard.argument.duplicate_column");
}

TEST_CASE("table_ops: slice_rows keeps the rows from begin up to end, every column") {
  const auto t = ops_sample_table();
  const auto s = slice_rows(t, 1, 3);
  CHECK(s.rows() == 2);
  CHECK(s.names() == t.names());
  CHECK(std::isnan(s.at("fare").values()[0]));
  CHECK(s.at("fare").values()[1] == 7.0);
  CHECK(s.at("pay").codes() == std::vector<std::int32_t>{1, missing_code});
  CHECK(s.at("pay").vocab() == t.at("pay").vocab());
  CHECK(slice_rows(t, 4, 4).rows() == 0);
  CHECK(slice_rows(t, 0, 4).at("zone").codes() == t.at("zone").codes());
  MLGUARD_CHECK_THROWS_ID(slice_rows(t, 3, 5), "mlguard.argument.out_of_range");
  MLGUARD_CHECK_THROWS_ID(slice_rows(t, 3, 2), "mlguard.argument.out_of_range");
}

TEST_CASE("table_ops: take_rows gathers rows in the order given") {
  const auto t = ops_sample_table();
  const std::vector<std::size_t> rows{3, 0, 3};
  const auto s = take_rows(t, rows);
  CHECK(s.rows() == 3);
  CHECK(s.at("fare").values() == std::vector<double>{3.25, 12.5, 3.25});
  CHECK(s.at("zone").codes() == std::vector<std::int32_t>{2, 2, 2});
  CHECK(take_rows(t, span<const std::size_t>()).rows() == 0);
  const std::vector<std::size_t> bad{0, 4};
  MLGUARD_CHECK_THROWS_ID(take_rows(t, bad), "mlguard.argument.out_of_range");
}

#include "mlguard/io/csv.hpp"

#include <cmath>
#include <limits>

#include "test_support.hpp"

using namespace mlguard;
using mlguard::io::parse_csv;

TEST_CASE("parse_number: exact, strict, and tolerant of what Python's float() accepts") {
  double v = 0;
  CHECK(io::parse_number("0.1", v));
  CHECK(v == 0.1);
  CHECK(io::parse_number("  -2.5e-3\t", v));
  CHECK(v == -2.5e-3);
  CHECK(io::parse_number("+7", v));
  CHECK(v == 7.0);
  CHECK(io::parse_number("1e400", v));
  CHECK(v == std::numeric_limits<double>::infinity());
  CHECK(io::parse_number("-Infinity", v));
  CHECK(v == -std::numeric_limits<double>::infinity());
  CHECK(io::parse_number("NaN", v));
  CHECK(std::isnan(v));
  // 17 significant digits round-trip exactly.
  CHECK(io::parse_number("0.30000000000000004", v));
  CHECK(v == 0.1 + 0.2);
  for (const char* bad : {"", " ", "1,5", "1.5x", "--1", "+-1", "0x10", "abc", "1 2"}) {
    CAPTURE(bad);
    CHECK_FALSE(io::parse_number(bad, v));
  }
}

TEST_CASE("parse_csv: kinds, missing values and RFC 4180 quoting") {
  const auto t = parse_csv("id,fare,pay,note\r\n"
                           "1,12.5,card,\"hello, world\"\r\n"
                           "2,,cash,\"she said \"\"hi\"\"\"\r\n"
                           "3,7,,\"two\nlines\"\r\n",
                           "t.csv");
  REQUIRE(t.rows() == 3);
  REQUIRE(t.cols() == 4);
  CHECK(t.at("id").is_numeric());
  CHECK(t.at("fare").is_numeric());
  CHECK(std::isnan(t.at("fare").values()[1]));
  CHECK(t.at("fare").values()[2] == 7.0);
  const auto& pay = t.at("pay");
  REQUIRE(pay.is_categorical());
  CHECK(pay.vocab().name_of(pay.codes()[0]) == "card");
  CHECK(pay.codes()[2] == missing_code);
  const auto& note = t.at("note");
  CHECK(note.vocab().name_of(note.codes()[0]) == "hello, world");
  CHECK(note.vocab().name_of(note.codes()[1]) == "she said \"hi\"");
  CHECK(note.vocab().name_of(note.codes()[2]) == "two\nlines");
}

TEST_CASE("parse_csv: one non-number makes a column categorical") {
  const auto t = parse_csv("x\n1\n2\nN/A\n3\n");
  REQUIRE(t.at("x").is_categorical());
  CHECK(t.at("x").vocab().size() == 4);
}

TEST_CASE("parse_csv: an all-empty column is numeric and all missing; BOM and blank lines") {
  const auto t = parse_csv("\xEF\xBB\xBF"
                           "a,b\n\n1,\n2,\n");
  CHECK(t.names() == std::vector<std::string>{"a", "b"});
  CHECK(t.rows() == 2);
  CHECK(t.at("b").is_numeric());
  CHECK(t.at("b").missing_count() == 2);
}

TEST_CASE("parse_csv: a file without a final newline keeps its last row") {
  const auto t = parse_csv("a\n1\n2");
  CHECK(t.rows() == 2);
  CHECK(t.at("a").values()[1] == 2.0);
}

TEST_CASE("parse_csv: bad input is a clear error naming file and line") {
  MLGUARD_CHECK_THROWS_ID(parse_csv("", "e.csv"), "mlguard.io.csv_empty");
  MLGUARD_CHECK_THROWS_ID(parse_csv("\n\n", "e.csv"), "mlguard.io.csv_empty");
  MLGUARD_CHECK_THROWS_ID(parse_csv("a,a\n1,2\n", "d.csv"), "mlguard.io.csv_duplicate_column");
  MLGUARD_CHECK_THROWS_ID(parse_csv("a,b\n1\n", "r.csv"), "mlguard.io.csv_ragged_row");
  MLGUARD_CHECK_THROWS_ID(parse_csv("a\n\"open\n", "q.csv"), "mlguard.io.csv_bad_quote");
  MLGUARD_CHECK_THROWS_ID(parse_csv("a\n\"x\"y\n", "q.csv"), "mlguard.io.csv_bad_quote");
  MLGUARD_CHECK_THROWS_ID(parse_csv("a\nx\"y\n", "q.csv"), "mlguard.io.csv_bad_quote");
  try {
    parse_csv("a,b\n1,2\n\"x\ny\",3\n4,5,6\n", "ragged.csv");
    FAIL("expected a throw");
  } catch (const io_error& e) {
    // The ragged record starts on physical line 5 (line 3's quoted field spans two lines).
    CHECK(std::string(e.message()) == "ragged.csv:5: 3 fields, the header has 2");
  }
  MLGUARD_CHECK_THROWS_ID(io::read_csv("/nonexistent/dir/x.csv"), "mlguard.io.open_failed");
}

TEST_CASE("read_csv: the NYC taxi samples load with the expected kinds") {
  const auto dir = test::shared_data_dir();
  if (!dir) {
    return;
  }
  const auto t = io::read_csv(*dir + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv");
  CHECK(t.rows() == 10000);
  CHECK(t.cols() == 18);
  CHECK(t.at("fare_amount").is_numeric());
  CHECK(t.at("store_and_fwd_flag").is_categorical());
  CHECK(t.at("pickup_datetime").is_categorical());
}

#include "mlguard/io/csv.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"

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

TEST_CASE("parse_csv: an all-empty column is numeric and all missing, BOM and blank lines") {
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

namespace csv_test {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

const json& reference() {
  static const json doc =
      parse_json(test::read_file(test::fixture_path("reference/csv.json")), "csv.json");
  return doc;
}

// Checks that `t` holds the records `rows` (a header, then the fields as
// Python's csv module read them): categorical fields by name, numeric ones
// by parse_number, and an empty field as missing.
void check_records(const table& t, const json& rows) {
  const auto header = rows[0].get<std::vector<std::string>>();
  REQUIRE(t.names() == header);
  REQUIRE(t.rows() == rows.size() - 1);
  for (std::size_t j = 0; j < header.size(); ++j) {
    const auto& c = t[j];
    for (std::size_t r = 0; r < t.rows(); ++r) {
      const auto expected = rows[r + 1][j].get<std::string>();
      CAPTURE(header[j]);
      CAPTURE(expected);
      if (c.is_numeric()) {
        double v = 0;
        if (expected.empty()) {
          CHECK(std::isnan(c.values()[r]));
        } else {
          REQUIRE(io::parse_number(expected, v));
          CHECK(c.values()[r] == v);
        }
      } else if (expected.empty()) {
        CHECK(c.codes()[r] == missing_code);
      } else {
        CHECK(c.vocab().name_of(c.codes()[r]) == expected);
      }
    }
  }
}

// The message of the io_error `text` raises, or "" when it does not raise one.
std::string error_of(std::string_view text, const io::csv_options& options = {},
                     std::string* id = nullptr) {
  try {
    (void)parse_csv(text, "t.csv", options);
  } catch (const io_error& e) {
    if (id != nullptr) {
      *id = e.id();
    }
    return std::string(e.message());
  }
  return "";
}

} // namespace csv_test

using namespace std::string_literals;

TEST_CASE("parse_csv reads what Python's csv module reads (tests/reference/gen_csv.py)") {
  const auto& cases = csv_test::reference()["dialect"];
  REQUIRE(cases.size() >= 10);
  for (const auto& c : cases) {
    INFO(c["name"].get<std::string>());
    csv_test::check_records(parse_csv(csv_test::from_hex(c["hex"].get<std::string>())), c["rows"]);
  }
}

TEST_CASE("parse_csv: a quote inside an unquoted field is a character, or an error when strict") {
  const std::string text = "lat,lon\n37°36'37.8\"N,122°22'30.0\"W\n";
  const auto t = parse_csv(text);
  CHECK(t.at("lat").vocab().name_of(0) == "37°36'37.8\"N");
  io::csv_options strict;
  strict.strict = true;
  std::string id;
  CHECK(csv_test::error_of(text, strict, &id) ==
        "t.csv:2: a quote inside an unquoted field (strict mode)");
  CHECK(id == "mlguard.io.csv_bad_quote");
  // Strict or not, quoted fields follow RFC 4180.
  const auto q = parse_csv("a\n\"x \"\"y\"\"\"\n", "q.csv", strict);
  CHECK(q.at("a").vocab().name_of(0) == "x \"y\"");
}

TEST_CASE("parse_csv: where mlguard differs from Python's csv module, it refuses") {
  const auto& cases = csv_test::reference()["differences"];
  REQUIRE(cases.size() == 3);
  for (const auto& c : cases) {
    INFO(c["name"].get<std::string>());
    io::csv_options options;
    options.strict = c["strict"].get<bool>();
    std::string id;
    CHECK_FALSE(
        csv_test::error_of(csv_test::from_hex(c["hex"].get<std::string>()), options, &id).empty());
    CHECK(id == c["mlguard_error"].get<std::string>());
  }
}

TEST_CASE("parse_csv: bytes that are not UTF-8 are an error naming line, column and field") {
  std::string id;
  // "naïve," is six characters (seven bytes): the bad byte is character 8 of line 2.
  CHECK(csv_test::error_of("a,b\nna\xc3\xafve,x\xe9y\n", {}, &id) ==
        "t.csv:2:8: byte 0xE9 is not valid UTF-8 in column 'b'; if the file is Latin-1, say so "
        "(mlguard --encoding latin-1; csv_options::encoding)");
  CHECK(id == "mlguard.io.invalid_utf8");
  // Inside a quoted field that spans lines: the physical line and its column.
  CHECK(csv_test::error_of("a,b\n1,\"one\ntwo \xff\"\n").rfind("t.csv:3:5: byte 0xFF", 0) == 0);
  // In the header, and past the header's fields.
  CHECK(csv_test::error_of("a,\xc3(\n1,2\n")
            .rfind("t.csv:1:3: byte 0xC3 is not valid UTF-8 in field 2 of the header", 0) == 0);
  CHECK(csv_test::error_of("a\n1,\xc0\xaf\n")
            .rfind("t.csv:2:3: byte 0xC0 is not valid UTF-8 in field 2;", 0) == 0);
  // Errors come in file order: a ragged row before the bad byte is reported first.
  csv_test::error_of("a,b\n1\n\xe9,2\n", {}, &id);
  CHECK(id == "mlguard.io.csv_ragged_row");
  csv_test::error_of("a,b\n\xe9,2\n1\n", {}, &id);
  CHECK(id == "mlguard.io.invalid_utf8");
  // A UTF-16 file says what it is.
  CHECK(csv_test::error_of("\xff\xfe"s + "a\0,\0b\0"s) ==
        "t.csv:1:1: the file starts with a UTF-16 byte-order mark; convert it to UTF-8 (iconv -f "
        "UTF-16 -t UTF-8)");
}

TEST_CASE("parse_csv: Latin-1 decodes each byte as one character (Python's latin-1 codec)") {
  const auto& cases = csv_test::reference()["latin1"];
  REQUIRE(cases.size() == 3);
  io::csv_options latin1;
  latin1.encoding = io::csv_encoding::latin1;
  for (const auto& c : cases) {
    INFO(c["name"].get<std::string>());
    csv_test::check_records(
        parse_csv(csv_test::from_hex(c["hex"].get<std::string>()), "l.csv", latin1), c["rows"]);
  }
  CHECK(parse_csv("city\ncaf\xe9\n", "l.csv", latin1).at("city").vocab().name_of(0) ==
        "caf\xc3\xa9");
}

TEST_CASE("parse_csv: a NUL byte is an error naming line and column, in either encoding") {
  std::string id;
  CHECK(csv_test::error_of("a,b\nx,y\0z\n"s, {}, &id) ==
        "t.csv:2:4: a NUL byte in column 'b'; CSV is text (is the file binary, or UTF-16?)");
  CHECK(id == "mlguard.io.csv_nul_byte");
  io::csv_options latin1;
  latin1.encoding = io::csv_encoding::latin1;
  CHECK(csv_test::error_of("a\n\xe9\0\n"s, latin1, &id).rfind("t.csv:2:2: a NUL byte", 0) == 0);
  CHECK(id == "mlguard.io.csv_nul_byte");
}

TEST_CASE("parse_csv: another delimiter, options that cannot be") {
  io::csv_options semicolon;
  semicolon.delimiter = ';';
  const auto t = parse_csv("a;b\n1,5;x\"y\n", "s.csv", semicolon);
  CHECK(t.at("a").vocab().name_of(0) == "1,5");
  CHECK(t.at("b").vocab().name_of(0) == "x\"y");
  for (const char bad : {'"', '\n', '\r', '\0', '\xa7'}) {
    io::csv_options o;
    o.delimiter = bad;
    MLGUARD_CHECK_THROWS_ID(parse_csv("a\n1\n", "d.csv", o), "mlguard.argument.invalid_option");
  }
  io::csv_options none;
  none.max_columns = 0;
  MLGUARD_CHECK_THROWS_ID(parse_csv("a\n1\n", "d.csv", none), "mlguard.argument.invalid_option");
}

TEST_CASE("parse_csv: one huge line costs bounded memory and time") {
  // The behaviour does not depend on the size (fields past what is kept are
  // counted, never stored; a header is checked for duplicates in n log n), so
  // a few MB stand in for the 100 MB line of the issue, which
  // docs/core.md reports measured by hand.
  SUBCASE("a header wider than max_columns") {
    std::string text;
    for (int i = 0; i < 400000; ++i) {
      text += "c" + std::to_string(i) + ",";
    }
    text += "last\n1\n";
    std::string id;
    CHECK(csv_test::error_of(text, {}, &id) ==
          "t.csv:1: the header has 400001 columns, more than csv_options::max_columns (20000; "
          "mlguard --max-columns)");
    CHECK(id == "mlguard.io.csv_too_many_columns");
    io::csv_options narrow;
    narrow.max_columns = 3;
    CHECK(csv_test::error_of("a,b,c,d\n1,2,3,4\n", narrow, &id) ==
          "t.csv:1: the header has 4 columns, more than csv_options::max_columns (3; mlguard "
          "--max-columns)");
  }
  SUBCASE("a wide header with a duplicate at its end") {
    std::string text;
    for (int i = 0; i < 19000; ++i) {
      text += "c" + std::to_string(i) + ",";
    }
    text += "c7,c9\n";
    CHECK(csv_test::error_of(text) == "t.csv:1: column 'c7' appears twice");
  }
  SUBCASE("a record of millions of fields under a narrow header") {
    std::string text = "a,b\n";
    for (int i = 0; i < 2000000; ++i) {
      text += "1,";
    }
    text += "1\n";
    CHECK(csv_test::error_of(text) == "t.csv:2: 2000001 fields, the header has 2");
  }
  SUBCASE("one field of 16 MB, quoted or not") {
    const std::string big(16u << 20, 'x');
    const auto plain = parse_csv("a,b\n" + big + ",1\n");
    CHECK(plain.at("a").vocab().name_of(0) == big);
    const auto quoted = parse_csv("a,b\n\"" + big + "\"\"\",1\n");
    CHECK(quoted.at("a").vocab().name_of(0) == big + "\"");
  }
}

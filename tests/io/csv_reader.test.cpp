#include "mlguard/io/csv_reader.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/io/csv.hpp"

#include "test_support.hpp"

using namespace mlguard;

namespace csv_reader_test {

// A source that hands out its text a few bytes at a time (a slow pipe), so
// every record, quote, CRLF and UTF-8 sequence meets a block's end somewhere.
class trickle_source final : public io::byte_source {
public:
  trickle_source(std::string text, std::size_t piece, bool sized)
      : text_(std::move(text)), piece_(piece), sized_(sized) {}
  std::size_t read(char* out, std::size_t size) override {
    const std::size_t n = std::min({size, piece_, text_.size() - at_});
    std::memcpy(out, text_.data() + at_, n);
    at_ += n;
    return n;
  }
  std::uint64_t position() const noexcept override { return at_; }
  std::optional<std::uint64_t> size() const noexcept override {
    return sized_ ? std::optional<std::uint64_t>(text_.size()) : std::nullopt;
  }
  const std::string& name() const noexcept override { return name_; }

private:
  std::string text_;
  std::size_t piece_;
  bool sized_;
  std::size_t at_ = 0;
  std::string name_ = "t.csv";
};

// The table, or the error text, of reading `text` through `source`.
struct outcome {
  std::optional<table> t;
  std::string error;
};

outcome read_through(std::unique_ptr<io::byte_source> source, const io::csv_options& options) {
  outcome out;
  try {
    out.t = io::csv_reader(std::move(source), options).read_all();
  } catch (const mlguard::error& e) {
    out.error = e.what();
  }
  return out;
}

bool same_double(double a, double b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0;
}

// Checks that two tables hold the same names, kinds and cells.
void check_same(const table& a, const table& b) {
  REQUIRE(a.names() == b.names());
  REQUIRE(a.rows() == b.rows());
  for (std::size_t c = 0; c < a.cols(); ++c) {
    const auto& x = a[c];
    const auto& y = b[c];
    CAPTURE(x.name());
    REQUIRE(x.kind() == y.kind());
    for (std::size_t r = 0; r < x.size(); ++r) {
      if (x.is_numeric()) {
        CHECK(same_double(x.values()[r], y.values()[r]));
      } else if (x.codes()[r] == missing_code) {
        CHECK(y.codes()[r] == missing_code);
      } else {
        CHECK(x.vocab().name_of(x.codes()[r]) == y.vocab().name_of(y.codes()[r]));
      }
    }
  }
}

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

std::string error_of(const std::string& text, const io::csv_options& options = {},
                     std::string* id = nullptr) {
  try {
    (void)io::parse_csv(text, "t.csv", options);
  } catch (const io_error& e) {
    if (id != nullptr) {
      *id = e.id();
    }
    return std::string(e.message());
  }
  return "";
}

} // namespace csv_reader_test

using namespace std::string_literals;

TEST_CASE("csv_reader: a block may end anywhere, the table and the errors stay the same") {
  std::vector<std::string> inputs;
  const auto doc =
      parse_json(test::read_file(test::fixture_path("reference/csv.json")), "csv.json");
  for (const auto& c : doc["dialect"]) {
    inputs.push_back(csv_reader_test::from_hex(c["hex"].get<std::string>()));
  }
  inputs.insert(
      inputs.end(),
      {
          "\xEF\xBB\xBF"
          "a,b\r\n1,caf\xC3\xA9\r\n\"2\",\"x\"\"y\"\r\n\r\n3,\"\xE2\x82\xAC\n\xF0\x9F\x98\x80\"\r",
          "x\n1\n2\n3",          // no final line break
          "x,y\r\n1,\r\n,2\r\n", // empty fields, CRLF
          "a,b\n1\n",            // ragged
          "a\n\"open\n",         // unclosed quote
          "a,b\n1,x\xE9y\n",     // not UTF-8
          "a,b\n1,\xC3",         // a sequence cut by the end of input
          "a\n\"x\"y\n",         // text after a closing quote
          "a,b\nx,y\0z\n"s,      // NUL
          "a,b\n1,2\n3,4,5\n",   // too many fields
      });
  for (const auto& text : inputs) {
    CAPTURE(text);
    const auto whole =
        csv_reader_test::read_through(std::make_unique<io::string_source>(text, "t.csv"), {});
    for (const std::size_t piece : std::vector<std::size_t>{1, 2, 3, 5, 7, 64}) {
      for (const bool sized : {false, true}) {
        CAPTURE(piece);
        const auto pieces = csv_reader_test::read_through(
            std::make_unique<csv_reader_test::trickle_source>(text, piece, sized), {});
        CHECK(pieces.error == whole.error);
        REQUIRE(pieces.t.has_value() == whole.t.has_value());
        if (whole.t) {
          csv_reader_test::check_same(*whole.t, *pieces.t);
        }
      }
    }
  }
}

TEST_CASE("csv_reader: a record longer than the buffer grows it, read in small pieces") {
  // The buffer starts at 4 KiB for a short input it knows the size of.
  const std::string big(100000, 'x');
  const std::string text = "a,b\n\"" + big + "\"\"\",1\n" + big + ",2\n";
  const auto t = csv_reader_test::read_through(
      std::make_unique<csv_reader_test::trickle_source>(text, 1000, true), {});
  REQUIRE(t.t);
  CHECK(t.t->at("a").vocab().name_of(0) == big + "\"");
  CHECK(t.t->at("a").vocab().name_of(1) == big);
  CHECK(t.t->at("b").values() == std::vector<double>{1, 2});
}

TEST_CASE("csv_reader: chunks of chunk_rows rows with the same columns, categories per chunk") {
  io::csv_options options;
  options.chunk_rows = 3;
  io::csv_reader reader(std::make_unique<io::string_source>(
                            "id,pay,fare\n1,card,2.5\n2,cash,\n3,card,4\n4,,5\n5,cash,6\n"
                            "6,card,7\n7,card,8\n",
                            "t.csv"),
                        options);
  CHECK(reader.header() == std::vector<std::string>{"id", "pay", "fare"});
  CHECK(reader.total_bytes() == std::optional<std::uint64_t>(72));
  std::vector<std::size_t> sizes;
  std::vector<double> ids;
  table chunk;
  while (reader.next(chunk)) {
    sizes.push_back(chunk.rows());
    CHECK(chunk.names() == reader.header());
    CHECK(chunk.at("id").is_numeric());
    CHECK(chunk.at("fare").is_numeric());
    REQUIRE(chunk.at("pay").is_categorical());
    ids.insert(ids.end(), chunk.at("id").values().begin(), chunk.at("id").values().end());
  }
  CHECK(sizes == std::vector<std::size_t>{3, 3, 1});
  CHECK(ids == std::vector<double>{1, 2, 3, 4, 5, 6, 7});
  CHECK(reader.rows() == 7);
  CHECK(reader.bytes_read() == 72);
  // The last chunk's vocabulary is its own: "card" is code 0 there.
  CHECK(chunk.at("pay").vocab().names() == std::vector<std::string>{"card"});
  CHECK_FALSE(reader.next(chunk)); // and stays at the end
  REQUIRE(reader.columns().size() == 3);
  CHECK(reader.columns()[1].kind == column_kind::categorical);
  CHECK_FALSE(reader.columns()[1].declared);
}

TEST_CASE("csv_reader: a stray text cell after the first chunk names its line and column") {
  // The user's case: a column of numbers with "N/A" far down. Before, the
  // column silently became categorical and values() later threw wrong_kind
  // without a place; now the cell is reported where it is.
  std::string text = "fare,id\n";
  for (int i = 0; i < 70000; ++i) {
    text += "1.5," + std::to_string(i) + "\n";
  }
  text += "N/A,70000\n";
  std::string id;
  CHECK(csv_reader_test::error_of(text, {}, &id) ==
        "t.csv:70002:1: 'N/A' in column 'fare' is not a number, and the column is numeric: its "
        "first 65536 rows held only numbers and empty cells; declare the column categorical, or "
        "read such cells as missing (mlguard --non-numbers missing; csv_options::non_numbers)");
  CHECK(id == "mlguard.io.csv_not_a_number");

  // Read as missing and counted instead.
  io::csv_options lenient;
  lenient.non_numbers = io::csv_non_numbers::missing;
  io::csv_reader reader(std::make_unique<io::string_source>(text, "t.csv"), lenient);
  const auto t = reader.read_all();
  REQUIRE(t.at("fare").is_numeric());
  CHECK(std::isnan(t.at("fare").values().back()));
  CHECK(t.at("fare").missing_count() == 1);
  const auto& info = reader.columns()[0];
  CHECK(info.non_numbers == 1);
  REQUIRE(info.first_non_number);
  CHECK(info.first_non_number->line == 70002);
  CHECK(info.first_non_number->column == 1);
  CHECK(info.first_non_number->text == "N/A");

  // Inside the first chunk, one non-number still makes the column categorical,
  // and the reader says which cell did it.
  io::csv_reader small(std::make_unique<io::string_source>("x,y\n1,a\n\"2\",b\nN/A,c\n", "s.csv"));
  const auto s = small.read_all();
  CHECK(s.at("x").is_categorical());
  REQUIRE(small.columns()[0].first_non_number);
  CHECK(small.columns()[0].first_non_number->line == 4);
  CHECK(small.columns()[0].first_non_number->text == "N/A");
}

TEST_CASE("csv_reader: declared kinds, and places inside quoted fields that span lines") {
  const std::string text = "zip,n,note\n08123,1,\"two\nlines\"\n10001,\"x\ny\",z\n";
  io::csv_reader reader(std::make_unique<io::string_source>(text, "d.csv"));
  reader.set_kind("zip", column_kind::categorical);
  reader.set_kind("n", column_kind::numeric);
  CHECK(reader.columns()[0].declared);
  try {
    (void)reader.read_all();
    FAIL("expected a throw");
  } catch (const io_error& e) {
    CHECK(e.id() == "mlguard.io.csv_not_a_number");
    // The cell starts at its opening quote: line 4 (line 2's record spans two lines), column 7.
    CHECK(std::string(e.message()) ==
          "d.csv:4:7: 'x\ny' in column 'n' is not a number, and the column is declared numeric; "
          "declare the column categorical, or read such cells as missing (mlguard --non-numbers "
          "missing; csv_options::non_numbers)");
  }
  io::csv_reader again(std::make_unique<io::string_source>(text, "d.csv"));
  again.select({"note", "zip"});
  again.set_kind("zip", column_kind::categorical);
  const auto t = again.read_all();
  CHECK(t.names() == std::vector<std::string>{"note", "zip"});
  CHECK(t.at("zip").vocab().names() == std::vector<std::string>{"08123", "10001"});
  // Inferred, the zip codes would be numbers.
  CHECK(io::parse_csv(text).at("zip").is_numeric());
}

TEST_CASE("csv_reader: select and set_kind name real columns, before the first row") {
  const std::string text = "a,b,c\n1,x,2\n";
  io::csv_reader reader(std::make_unique<io::string_source>(text, "s.csv"));
  MLGUARD_CHECK_THROWS_ID(reader.select({"a", "nope"}), "mlguard.io.csv_unknown_column");
  MLGUARD_CHECK_THROWS_ID(reader.select({"a", "a"}), "mlguard.argument.duplicate_column");
  reader.select({"c"});
  MLGUARD_CHECK_THROWS_ID(reader.set_kind("a", column_kind::numeric),
                          "mlguard.io.csv_unknown_column");
  table chunk;
  REQUIRE(reader.next(chunk));
  CHECK(chunk.names() == std::vector<std::string>{"c"});
  MLGUARD_CHECK_THROWS_ID(reader.select({"a"}), "mlguard.argument.invalid_option");
  MLGUARD_CHECK_THROWS_ID(reader.set_kind("c", column_kind::numeric),
                          "mlguard.argument.invalid_option");
  io::csv_options none;
  none.chunk_rows = 0;
  MLGUARD_CHECK_THROWS_ID(io::parse_csv(text, "s.csv", none), "mlguard.argument.invalid_option");
  // A ragged row is an error whether its columns are kept or not.
  io::csv_reader ragged(std::make_unique<io::string_source>("a,b\n1,2\n3\n", "r.csv"));
  ragged.select({"a"});
  MLGUARD_CHECK_THROWS_ID(ragged.read_all(), "mlguard.io.csv_ragged_row");
}

TEST_CASE("csv_reader: a header without rows gives empty columns, files and progress") {
  const auto t = io::parse_csv("a,b\n");
  CHECK(t.names() == std::vector<std::string>{"a", "b"});
  CHECK(t.rows() == 0);
  CHECK(t.at("a").is_numeric());

  const test::temp_dir dir;
  std::string text = "x\n";
  for (int i = 0; i < 200000; ++i) {
    text += std::to_string(i) + ".25\n";
  }
  const auto path = dir.write("big.csv", text);
  io::csv_reader reader(path);
  CHECK(reader.source_name() == path);
  CHECK(reader.total_bytes() == std::optional<std::uint64_t>(text.size()));
  CHECK(reader.bytes_read() < text.size()); // the header's block only
  const auto all = reader.read_all();
  CHECK(all.rows() == 200000);
  CHECK(all.at("x").values()[199999] == 199999.25);
  CHECK(reader.bytes_read() == text.size());
  MLGUARD_CHECK_THROWS_ID(io::csv_reader(dir.file("missing.csv")), "mlguard.io.open_failed");
  // A gzip file is not read as text without the gzip source.
  const auto gz = dir.write("x.csv.gz", "\x1f\x8b\x08\x00rest");
  try {
    io::csv_reader refused(gz);
    FAIL("expected a throw");
  } catch (const io_error& e) {
    CHECK(e.id() == "mlguard.io.gzip_unsupported");
    CHECK(std::string(e.message()).find("io::open_input") != std::string::npos);
  }
}

TEST_CASE("csv_reader: read_all(after_chunk) reports every chunk_rows rows, the same table") {
  std::string text = "x,c\n";
  for (int i = 0; i < 2500; ++i) {
    text += std::to_string(i) + (i % 3 == 0 ? ",a\n" : ",b\n");
  }
  io::csv_options o;
  o.chunk_rows = 1000;
  const auto plain = io::parse_csv(text, "x.csv", o);
  io::csv_reader reader(std::make_unique<io::string_source>(text, "x.csv"), o);
  std::vector<std::uint64_t> calls;
  std::vector<std::uint64_t> bytes;
  const auto all = reader.read_all([&](std::uint64_t rows) {
    calls.push_back(rows);
    bytes.push_back(reader.bytes_read());
  });
  CHECK(calls == std::vector<std::uint64_t>{1000, 2000});
  CHECK(bytes.back() <= text.size());
  CHECK(all.rows() == 2500);
  CHECK(all.at("x").values() == plain.at("x").values());
  CHECK(all.at("c").codes() == plain.at("c").codes());
  CHECK(all.at("c").vocab() == plain.at("c").vocab());
  CHECK(reader.rows() == 2500);
}

TEST_CASE("csv_reader: the CSV files of csv-spectrum (Debian's node-csv-spectrum) read as listed") {
  // Each csvs/NAME.csv comes with json/NAME.json, its records as objects of
  // strings. mlguard infers kinds, so a numeric cell is compared as a number.
  const std::filesystem::path dir = "/usr/share/nodejs/csv-spectrum";
  if (!std::filesystem::exists(dir / "csvs")) {
    MESSAGE("csv-spectrum is not installed (apt-get install node-csv-spectrum): skipped");
    return;
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "csvs")) {
    const auto name = entry.path().stem().string();
    CAPTURE(name);
    const auto t = io::read_csv(entry.path().string());
    const auto expected =
        parse_json(test::read_file((dir / "json" / (name + ".json")).string()), name);
    REQUIRE(t.rows() == expected.size());
    for (std::size_t r = 0; r < expected.size(); ++r) {
      REQUIRE(expected[r].size() == t.cols());
      for (const auto& item : expected[r].items()) {
        const std::string key = item.key();
        const auto& c = t.at(key);
        const auto text = item.value().get<std::string>();
        CAPTURE(key);
        CAPTURE(text);
        if (c.is_numeric()) {
          double v = 0;
          if (text.empty()) {
            CHECK(std::isnan(c.values()[r]));
          } else {
            REQUIRE(io::parse_number(text, v));
            CHECK(c.values()[r] == v);
          }
        } else if (text.empty()) {
          CHECK(c.codes()[r] == missing_code);
        } else {
          CHECK(c.vocab().name_of(c.codes()[r]) == text);
        }
      }
    }
    ++files;
  }
  CHECK(files == 11);
}

TEST_CASE("csv_reader: a number parsed during the scan is parse_number's, bit for bit") {
  // The scan parses the cells of numeric columns in place and falls back to
  // parse_number when the number does not end the field; both must agree.
  const std::vector<std::string> cells{"0.1",
                                       "-2.5e-3",
                                       "+7",
                                       " 3 ",
                                       "1e400",
                                       "-1e400",
                                       "4.9e-324",
                                       "2e-400",
                                       "inf",
                                       "-Infinity",
                                       "NaN",
                                       "nan(123)",
                                       "0.30000000000000004",
                                       "1.7976931348623157e308",
                                       "123456789012345678901234567890",
                                       "5.",
                                       ".5",
                                       "1E5",
                                       "007"};
  for (const char delim : {',', ';', '\t', '.', 'e'}) {
    io::csv_options options;
    options.delimiter = delim;
    for (const auto& cell : cells) {
      CAPTURE(delim);
      CAPTURE(cell);
      double want = 0;
      REQUIRE(io::parse_number(cell, want));
      if (cell.find(delim) != std::string::npos) {
        continue;
      }
      const std::string text =
          std::string("x") + delim + "y\n" + cell + delim + "1\n" + cell + delim + "2";
      const auto t = io::parse_csv(text, "n.csv", options);
      REQUIRE(t.at("x").is_numeric());
      CHECK(csv_reader_test::same_double(t.at("x").values()[0], want));
      CHECK(csv_reader_test::same_double(t.at("x").values()[1], want));
    }
  }
  // Not numbers, even where a prefix is one.
  for (const std::string cell : {"1.5x", "0x10", "1 2", "--1", "1,5"}) {
    CAPTURE(cell);
    io::csv_options semicolon;
    semicolon.delimiter = ';';
    CHECK(io::parse_csv("x;y\n1;1\n" + cell + ";2\n", "n.csv", semicolon).at("x").is_categorical());
  }
}

TEST_CASE("csv_reader: row_lines point each row of a chunk back to its line in the file") {
  const std::string text = "a,b\n1,x\n\n2,\"two\nlines\"\n3,y\r\n4,z";
  io::csv_options options;
  options.row_lines = true;
  options.chunk_rows = 2;
  io::csv_reader reader(std::make_unique<io::string_source>(text, "l.csv"), options);
  table chunk;
  REQUIRE(reader.next(chunk));
  CHECK(reader.row_lines() == std::vector<std::uint64_t>{2, 4}); // line 3 is blank
  REQUIRE(reader.next(chunk));
  CHECK(reader.row_lines() == std::vector<std::uint64_t>{6, 7}); // row 2 spans lines 4-5
  CHECK_FALSE(reader.next(chunk));
  CHECK(reader.row_lines().empty());
  io::csv_reader all(std::make_unique<io::string_source>(text, "l.csv"), options);
  CHECK(all.read_all().rows() == 4);
  CHECK(all.row_lines() == std::vector<std::uint64_t>{2, 4, 6, 7});
  io::csv_reader without(std::make_unique<io::string_source>(text, "l.csv"));
  (void)without.read_all();
  CHECK(without.row_lines().empty());
}

TEST_CASE("csv_reader: RFC 4180 edges read as written, in any block size") {
  // A quoted last field without a line end, CRLF inside quotes, an empty
  // quoted field, a lone CR ending the last record, a BOM and a header only.
  const std::vector<std::pair<std::string, std::vector<std::vector<std::string>>>> cases{
      {"a,b\r\n\"x\",\"\"\r\n\"1\",\"y\r\nz\"", {{"x", ""}, {"1", "y\r\nz"}}},
      {"a,b\r1,2\r", {{"1", "2"}}},
      {"\xEF\xBB\xBF\"a\",b\n\"\"\"q\"\"\",\n", {{"\"q\"", ""}}},
      {"a,b", {}},
  };
  for (const auto& one : cases) {
    const std::string& text = one.first;
    const auto& rows = one.second;
    for (const std::size_t piece : std::vector<std::size_t>{1, 2, 4096}) {
      CAPTURE(text);
      CAPTURE(piece);
      io::csv_reader reader(std::make_unique<csv_reader_test::trickle_source>(text, piece, false));
      for (std::size_t c = 0; c < reader.header().size(); ++c) {
        reader.set_kind(reader.header()[c], column_kind::categorical);
      }
      const auto t = reader.read_all();
      CHECK(t.names() == std::vector<std::string>{"a", "b"});
      REQUIRE(t.rows() == rows.size());
      for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t c = 0; c < 2; ++c) {
          const auto code = t[c].codes()[r];
          CHECK((code == missing_code ? std::string() : t[c].vocab().name_of(code)) == rows[r][c]);
        }
      }
    }
  }
}

// The validation report page: anomalies by feature, errors first, the
// values of sample failing rows read from the table, hostile text escaped.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/report/validation_html.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

validate::feature_spec numeric_spec(const std::string& name, double lo, double hi) {
  validate::feature_spec f;
  f.name = name;
  f.min = lo;
  f.max = hi;
  return f;
}

// "age" too big in rows 2 and 4, "<script>alert(1)</script>" a category
// outside its vocabulary in row 3, "extra" a column the schema lacks.
struct validated {
  table data;
  validate::validation_report report;
  validated() {
    validate::feature_spec colour;
    colour.name = "<script>alert(1)</script>";
    colour.kind = validate::feature_kind::categorical;
    colour.vocabulary = {"red", "blue"};
    const validate::schema s({numeric_spec("age", 0, 120), colour, numeric_spec("ok", 0, 10)});
    vocabulary v;
    std::vector<std::int32_t> codes;
    for (const char* c : {"red", "blue", "<img src=x onerror=alert(2)>", "red", "blue"}) {
      codes.push_back(v.add(c));
    }
    data.add(column::numeric("age", {30, 130, 40, 999.5, 50}));
    data.add(column::categorical("<script>alert(1)</script>", codes, v));
    data.add(column::numeric("ok", {1, 2, 3, 4, 5}));
    data.add(column::numeric("extra", {0, 0, 0, 0, 0}));
    report = validate::validate_batch(s, data);
  }
};

} // namespace

TEST_CASE("validation_html: anomalies by feature, errors first, one chart, escaped names") {
  const validated v;
  REQUIRE(v.report.outcome == validate::verdict::error);
  const auto page = report::validation_html(v.report, &v.data);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(occurrences(page, "<svg class=\"chart\"") == 1);
  CHECK(page.find("badge bad\">error") != std::string::npos);
  CHECK(page.find("Features with anomalies</td><td>3 of 4") != std::string::npos);

  // Errors (age, the hostile column) before the warning (extra, a new column).
  const auto table_at = page.find("<table class=\"anomalies\">");
  REQUIRE(table_at != std::string::npos);
  const auto age = page.find("<tr class=\"error\"><td>age</td><td>FLOAT_TYPE_BIG_FLOAT", table_at);
  const auto extra =
      page.find("<tr class=\"warning\"><td>extra</td><td>SCHEMA_NEW_COLUMN", table_at);
  CHECK(age != std::string::npos);
  CHECK(extra != std::string::npos);
  CHECK(age < extra);
  CHECK(page.find("<td>2, 4</td>", age) < extra); // sample rows, 1-based
  CHECK(page.find("ENUM_TYPE_UNEXPECTED_STRING_VALUES", table_at) < extra);
  CHECK(page.find(">ok<") == std::string::npos); // clean features are not listed
}

TEST_CASE("validation_html: sample rows show the failing values from the table given alongside") {
  const validated v;
  const auto page = report::validation_html(v.report, &v.data);
  const auto rows = page.find("<h2>Sample failing rows</h2>");
  REQUIRE(rows != std::string::npos);
  CHECK(page.find("<td class=\"num\">2</td><td>FLOAT_TYPE_BIG_FLOAT</td><td>130</td>", rows) !=
        std::string::npos);
  CHECK(page.find("<td class=\"num\">4</td><td>FLOAT_TYPE_BIG_FLOAT</td><td>999.5</td>", rows) !=
        std::string::npos);
  CHECK(page.find("<td>&lt;img src=x onerror=alert(2)&gt;</td>", rows) != std::string::npos);

  // Without the table: row numbers only, and the page says so.
  const auto bare = report::validation_html(v.report);
  CHECK(bare.find("Row numbers only") != std::string::npos);
  CHECK(bare.find("<td>130</td>") == std::string::npos);
  CHECK(bare.find("<td class=\"num\">2</td><td>FLOAT_TYPE_BIG_FLOAT</td><td></td>") !=
        std::string::npos);

  // At most max_sample_rows rows per anomaly.
  report::validation_html_options one;
  one.max_sample_rows = 1;
  const auto short_page = report::validation_html(v.report, &v.data, one);
  CHECK(short_page.find("<td>999.5</td>") == std::string::npos);
  CHECK(short_page.find("<td>2</td></tr>") != std::string::npos);
  one.max_sample_rows = 0;
  MLGUARD_CHECK_THROWS_ID(report::validation_html(v.report, &v.data, one),
                          "mlguard.report.invalid_option");
}

TEST_CASE("validation_html: a clean batch has a pass badge and no chart") {
  const validate::schema s({numeric_spec("x", 0, 10)});
  table data;
  data.add(column::numeric("x", {1, 2, 3}));
  const auto page = report::validation_html(validate::validate_batch(s, data), &data);
  CHECK(page.find("badge good\">pass") != std::string::npos);
  CHECK(page.find("No anomalies") != std::string::npos);
  CHECK(occurrences(page, "<svg") == 0);
}

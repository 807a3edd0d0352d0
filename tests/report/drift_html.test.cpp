// The drift report page: hostile names stay text, drifted columns come
// first, one chart per column whatever the column holds.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/drift/report.hpp"
#include "mlguard/report/drift_html.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

column categories(const std::string& name, const std::vector<std::string>& values) {
  vocabulary v;
  std::vector<std::int32_t> codes;
  for (const auto& s : values) {
    codes.push_back(s.empty() ? missing_code : v.add(s));
  }
  return column::categorical(name, codes, v);
}

// x shifts, y stays, c moves between categories, "nan" has no values at all.
void drift_tables(table& ref, table& cur, const std::string& hostile = "x") {
  std::vector<double> x0, x1, y, nan(200, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::string> c0, c1;
  for (int i = 0; i < 200; ++i) {
    x0.push_back(i % 50);
    x1.push_back(i % 50 + 30);
    y.push_back(i % 17);
    c0.push_back(i % 4 == 0 ? "a" : "b");
    c1.push_back(i % 4 == 0 ? "b" : "a");
  }
  ref.add(column::numeric("y", y));
  ref.add(column::numeric(hostile, x0));
  ref.add(categories("c", c0));
  ref.add(column::numeric("nan", nan));
  cur.add(column::numeric("y", y));
  cur.add(column::numeric(hostile, x1));
  cur.add(categories("c", c1));
  cur.add(column::numeric("nan", nan));
}

} // namespace

TEST_CASE("drift_html: a hostile column or category name renders as text, never as markup") {
  const std::string script = "<script>alert(1)</script>";
  const std::string attr = "\"onmouseover=x";
  table ref, cur;
  drift_tables(ref, cur, script);
  const auto page = report::drift_html(drift::compare(ref, cur), ref, cur);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(count_of(page, "&lt;script&gt;alert(1)&lt;/script&gt;") >= 3); // table, caption, label

  table r3, c3;
  r3.add(categories(attr, {"<img src=x onerror=alert(2)>", "k", "k", "k"}));
  c3.add(
      categories(attr, {"<img src=x onerror=alert(2)>", "<img src=x onerror=alert(2)>", "k", "k"}));
  const auto page3 = report::drift_html(drift::compare(r3, c3), r3, c3);
  CHECK(page3.find("<img") == std::string::npos);
  CHECK(page3.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  CHECK(page3.find("\"onmouseover") == std::string::npos);
  CHECK(page3.find("&quot;onmouseover=x") != std::string::npos);
}

TEST_CASE("drift_html: drifted columns first, then clean ones, then skipped, one chart each") {
  table ref, cur;
  drift_tables(ref, cur);
  const auto report = drift::compare(ref, cur);
  REQUIRE(report.columns.size() == 4);
  REQUIRE(report.columns[0].name == "y");
  REQUIRE_FALSE(report.columns[0].drifted);
  REQUIRE(report.columns[1].drifted);
  REQUIRE(report.columns[2].drifted);
  REQUIRE(report.columns[3].skipped);
  const auto page = report::drift_html(report, ref, cur);

  const auto rows = page.find("<table class=\"columns\">");
  REQUIRE(rows != std::string::npos);
  const auto at = [&](const std::string& name) { return page.find(">" + name + "</a>", rows); };
  CHECK(at("x") < at("c"));   // drifted, in the report's order
  CHECK(at("c") < at("y"));   // drifted before clean
  CHECK(at("y") < at("nan")); // clean before skipped
  CHECK(count_of(page, "<tr class=\"drifted\">") == 2);
  CHECK(count_of(page, "<tr class=\"skipped\">") == 1);
  CHECK(page.find("skipped: ") != std::string::npos);
  // Pictures follow the table's order.
  const auto figures = page.find("<div class=\"grid\">");
  CHECK(page.find("<figcaption>x ", figures) < page.find("<figcaption>c ", figures));
  CHECK(page.find("<figcaption>y ", figures) < page.find("<figcaption>nan ", figures));

  CHECK(count_of(page, "<svg class=\"chart\"") == report.columns.size());
  CHECK(page.find("badge bad\">dataset drift") != std::string::npos);
  CHECK(page.find("2 of 3 evaluated") != std::string::npos);
  CHECK(page.find("reference 200, current 200") != std::string::npos);
}

TEST_CASE("drift_html: histograms for numbers, paired bars with \"other\" for categories") {
  table ref, cur;
  std::vector<std::string> many0, many1;
  for (int i = 0; i < 300; ++i) {
    many0.push_back("k" + std::to_string(i % 15));
    many1.push_back("k" + std::to_string(i % 15 + 3));
  }
  std::vector<double> x0{1, 2, 3, HUGE_VAL}, x1{2, 3, 4, std::nan("")};
  x0.resize(300, 2.5);
  x1.resize(300, 3.5);
  ref.add(column::numeric("x", x0));
  ref.add(categories("many", many0));
  cur.add(column::numeric("x", x1));
  cur.add(categories("many", many1));
  report::drift_html_options options;
  options.bins = 7;
  options.top_categories = 5;
  const auto page = report::drift_html(drift::compare(ref, cur), ref, cur, options);
  REQUIRE(count_of(page, "<svg class=\"chart\"") == 2);
  const auto numeric_chart = page.find("aria-label=\"Distribution of x\"");
  const auto category_chart = page.find("aria-label=\"Distribution of many\"");
  REQUIRE(numeric_chart != std::string::npos);
  REQUIRE(category_chart != std::string::npos);
  const auto numeric =
      page.substr(numeric_chart, page.find("</svg>", numeric_chart) - numeric_chart);
  const auto bars =
      page.substr(category_chart, page.find("</svg>", category_chart) - category_chart);
  // 7 common bins, a reference and a current bar each, overlaid.
  CHECK(count_of(numeric, "fill-opacity=\"0.55\"") == 14);
  CHECK(numeric.find("1 missing left out") != std::string::npos);     // the NaN of current
  CHECK(numeric.find("1 \xC2\xB1inf left out") != std::string::npos); // the inf of reference
  // 18 categories: the top 5 and "other" with 13, as pairs of bars.
  CHECK(bars.find("other (13 categories)") != std::string::npos);
  CHECK(count_of(bars, "<rect") == 6 * 2 + 2); // + two legend swatches
  CHECK(count_of(numeric, "<rect") == 14 + 2);
}

TEST_CASE("drift_html: empty, NaN-only and mixed-kind columns get a chart that says why") {
  table ref, cur;
  std::vector<double> nan(3, std::numeric_limits<double>::quiet_NaN());
  ref.add(column::numeric("gone", nan));
  cur.add(column::numeric("gone", nan));
  ref.add(categories("blank", {"", "", ""}));
  cur.add(categories("blank", {"", "", ""}));
  ref.add(column::numeric("mixed", {1, 2, 3}));
  cur.add(categories("mixed", {"a", "b", "c"}));
  const auto report = drift::compare(ref, cur);
  for (const auto& c : report.columns) {
    CHECK_MESSAGE(c.skipped, c.name);
  }
  const auto page = report::drift_html(report, ref, cur);
  CHECK(count_of(page, "<svg class=\"chart\"") == 3);
  CHECK(page.find("no finite values to draw (6 missing, 0 \xC2\xB1inf)") != std::string::npos);
  CHECK(page.find("no categories to draw (6 missing)") != std::string::npos);
  CHECK(page.find("numeric in one table, categorical in the other") != std::string::npos);
  CHECK(page.find("badge good\">no dataset drift") != std::string::npos);

  // A constant column is one bin, not a division by a zero width.
  table same_ref, same_cur;
  same_ref.add(column::numeric("k", std::vector<double>(50, 7.0)));
  same_cur.add(column::numeric("k", std::vector<double>(50, 7.0)));
  const auto constant = report::drift_html(drift::compare(same_ref, same_cur), same_ref, same_cur);
  CHECK(count_of(constant, "fill-opacity=\"0.55\"") == 2);
  CHECK(constant.find("nan") == std::string::npos);
  CHECK(constant.find("inf\"") == std::string::npos);

  // No columns at all: a page without charts, still well formed.
  const auto empty = report::drift_html(drift::drift_report{}, table{}, table{});
  CHECK(count_of(empty, "<svg") == 0);
  CHECK(empty.find("</html>") != std::string::npos);
}

TEST_CASE("drift_html: tables that are not the ones compared, and bad options, throw") {
  table ref, cur;
  drift_tables(ref, cur);
  const auto report = drift::compare(ref, cur);
  table other;
  other.add(column::numeric("y", std::vector<double>(200, 1.0)));
  MLGUARD_CHECK_THROWS_ID(report::drift_html(report, other, cur), "mlguard.report.unknown_column");
  MLGUARD_CHECK_THROWS_ID(report::drift_html(report, ref, other), "mlguard.report.unknown_column");
  report::drift_html_options options;
  options.bins = 0;
  MLGUARD_CHECK_THROWS_ID(report::drift_html(report, ref, cur, options),
                          "mlguard.report.invalid_option");
  options.bins = 3;
  options.top_categories = 0;
  MLGUARD_CHECK_THROWS_ID(report::drift_html(report, ref, cur, options),
                          "mlguard.report.invalid_option");
}

// `--format html` of mlguard drift, validate and monitor, end to end: the real
// executable writes a self-contained page with the expected charts, and a
// hostile column name stays text.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

std::size_t html_count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// Three columns, the last named like a script; in `cur` x moves and the
// hostile column gets a category the reference lacks.
std::string html_csv(int rows, bool moved) {
  std::string csv = "x,c,<script>alert(1)</script>\n";
  for (int i = 0; i < rows; ++i) {
    const int x = i % 23 + (moved ? 30 : 0);
    csv += std::to_string(x) + "," + (i % 3 == 0 ? "a" : "b") + "," +
           (moved && i % 2 == 0 ? "<img src=x onerror=alert(2)>" : "k") + "\n";
  }
  return csv;
}

void check_page(const std::string& page, std::size_t charts) {
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.substr(page.size() - 8) == "</html>\n");
  CHECK(html_count(page, "<svg class=\"chart\"") == charts);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("<img") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
}

} // namespace

TEST_CASE("mlguard drift --format html: a page with one chart per column, to -o or stdout") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", html_csv(300, false));
  const auto cur = dir.write("cur.csv", html_csv(300, true));
  const auto r = test::run_cli({"drift", "--reference", ref, "--current", cur, "--format", "html",
                                "-o", dir.file("d.html")});
  CHECK_MESSAGE(r.exit_code == 1, r.err); // 2 of 3 columns drifted: the exit status still gates
  CHECK(r.out.empty());
  const auto page = test::read_file(dir.file("d.html"));
  check_page(page, 3);
  CHECK(page.find("badge bad\">dataset drift") != std::string::npos);
  CHECK(page.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos); // a category

  const auto out = test::run_cli(
      {"drift", "--reference", ref, "--current", cur, "--format", "html", "--columns", "c"});
  CHECK_MESSAGE(out.exit_code == 0, out.err);
  CHECK(html_count(out.out, "<svg class=\"chart\"") == 1);
  CHECK(out.out.find("badge good\">no dataset drift") != std::string::npos);

  const auto bad =
      test::run_cli({"drift", "--reference", ref, "--current", cur, "--format", "pdf"});
  CHECK(bad.exit_code == 2);

  // The positional form `mlguard drift REF CUR` is the same command.
  const auto positional =
      test::run_cli({"drift", ref, cur, "--format", "html", "-o", dir.file("p.html")});
  CHECK_MESSAGE(positional.exit_code == 1, positional.err);
  CHECK(test::read_file(dir.file("p.html")) == page);
}

TEST_CASE("mlguard validate --format html: anomalies with the failing rows' values") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", html_csv(300, false));
  const auto cur = dir.write("cur.csv", html_csv(300, true));
  auto r = test::run_cli({"schema", "infer", ref, "-o", dir.file("schema.json")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  r = test::run_cli({"validate", "--schema", dir.file("schema.json"), cur, "--format", "html", "-o",
                     dir.file("v.html")});
  CHECK_MESSAGE(r.exit_code == 1, r.err); // x (integers) above its domain, an unseen category
  const auto page = test::read_file(dir.file("v.html"));
  check_page(page, 1);
  CHECK(page.find("INT_TYPE_BIG_INT") != std::string::npos);
  CHECK(page.find("ENUM_TYPE_UNEXPECTED_STRING_VALUES") != std::string::npos);
  // Row 1 of cur.csv: x = 30, the hostile category: both shown as values.
  CHECK(page.find("<td class=\"num\">1</td><td>INT_TYPE_BIG_INT</td><td>30</td>") !=
        std::string::npos);
  CHECK(page.find("<td>&lt;img src=x onerror=alert(2)&gt;</td>") != std::string::npos);
}

TEST_CASE("mlguard monitor --format html: the timeline, one chart per feature") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", html_csv(600, false));
  std::string stream = html_csv(300, false);
  stream += html_csv(300, true).substr(stream.find('\n') + 1); // drifts after row 300
  const auto file = dir.write("stream.csv", stream);
  const auto r = test::run_cli({"monitor", "--reference", ref, "--window", "100", file, "--format",
                                "html", "-o", dir.file("m.html")});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  const auto page = test::read_file(dir.file("m.html"));
  check_page(page, 3);
  CHECK(page.find("Windows</td><td>6 (0 to 5), rows 1 to 600") != std::string::npos);
  CHECK(page.find("badge bad\">3 of 6 windows drifted") != std::string::npos);
}

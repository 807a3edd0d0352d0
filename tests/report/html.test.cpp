// HTML and SVG writing: escaping that keeps every data string text, numbers
// that do not depend on the locale, and the page shell.

#include <doctest/doctest.h>

#include <clocale>
#include <cmath>
#include <limits>
#include <string>

#include "mlguard/report/html.hpp"

namespace rp = mlguard::report;

TEST_CASE("html_escape: markup characters become references, so hostile names stay text") {
  CHECK(rp::html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(rp::html_escape("\"onmouseover=x") == "&quot;onmouseover=x");
  CHECK(rp::html_escape("a'b&c") == "a&#39;b&amp;c");
  CHECK(rp::html_escape("&amp;") == "&amp;amp;"); // already-escaped text is escaped again
  CHECK(rp::html_escape("plain text, 12.5%") == "plain text, 12.5%");
}

TEST_CASE("html_escape: valid UTF-8 passes, bad bytes and controls become U+FFFD") {
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(rp::html_escape("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") ==
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(rp::html_escape("a\xFFz") == "a" + replacement + "z");
  CHECK(rp::html_escape("\xC3") == replacement);                   // truncated sequence
  CHECK(rp::html_escape("\xC0\xAF") == replacement + replacement); // overlong '/'
  CHECK(rp::html_escape("\xED\xA0\x80").find(replacement) == 0);   // a surrogate
  CHECK(rp::html_escape(std::string("a\0b", 3)) == "a" + replacement + "b");
  CHECK(rp::html_escape("tab\tand\nnewline") == "tab\tand\nnewline");
}

TEST_CASE("numbers: short for people, fixed for coordinates, whatever the locale") {
  CHECK(rp::html_number(0.012345678) == "0.01235");
  CHECK(rp::html_number(1500000) == "1.5e+06");
  CHECK(rp::html_number(std::numeric_limits<double>::quiet_NaN()) == "\xE2\x80\x93");
  CHECK(rp::html_number(HUGE_VAL) == "\xE2\x88\x9E");
  CHECK(rp::html_number(-HUGE_VAL) == "\xE2\x88\x92\xE2\x88\x9E");
  std::string c;
  rp::append_coordinate(c, 12.345);
  rp::append_coordinate(c, std::numeric_limits<double>::quiet_NaN());
  CHECK(c == "12.30.0");
  // A decimal-comma locale, when installed, must not reach the SVG.
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr) {
    CHECK(rp::html_number(0.5) == "0.5");
    std::setlocale(LC_NUMERIC, "C");
  }
}

TEST_CASE("page shell: one self-contained page that forbids scripts, title escaped") {
  std::string page;
  rp::open_page(page, "<b>drift</b> & co");
  rp::open_svg(page, 100, 50, "label \"x\"");
  rp::svg_text(page, 1, 2, "<script>");
  rp::close_svg(page);
  rp::close_page(page);
  CHECK(page.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(page.find("<title>&lt;b&gt;drift&lt;/b&gt; &amp; co</title>") != std::string::npos);
  CHECK(page.find("<h1>&lt;b&gt;drift&lt;/b&gt; &amp; co</h1>") != std::string::npos);
  CHECK(page.find("Content-Security-Policy\" content=\"default-src 'none'") != std::string::npos);
  CHECK(page.find("aria-label=\"label &quot;x&quot;\"") != std::string::npos);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("http://") == std::string::npos);
  CHECK(page.find("https://") == std::string::npos);
  CHECK(page.find("<svg class=\"chart\" viewBox=\"0 0 100.0 50.0\"") != std::string::npos);
  CHECK(page.substr(page.size() - 16) == "</body>\n</html>\n");
}

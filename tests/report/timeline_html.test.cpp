// The monitor timeline page: one chart per feature, most drifted first, the
// value each verdict compared with its threshold, gaps for skipped windows.

#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "mlguard/report/timeline_html.hpp"

using namespace mlguard;

namespace {

std::size_t hits(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

drift::column_drift psi_column(const std::string& name, double value) {
  drift::column_drift c;
  c.name = name;
  c.stat = drift::method::psi;
  c.threshold = 0.1;
  c.statistic = value;
  c.drifted = value >= 0.1;
  return c;
}

drift::column_drift ks_column(const std::string& name, double p) {
  drift::column_drift c;
  c.name = name;
  c.stat = drift::method::ks_2samp;
  c.threshold = 0.05;
  c.statistic = 0.3;
  c.p_value = p;
  c.drifted = p < 0.05;
  return c;
}

// Window i: "calm" never drifts, "<script>alert(1)</script>" drifts from
// window 2 on, "ks" is skipped in window 1.
std::vector<drift::window_report> windows(int n) {
  std::vector<drift::window_report> out;
  for (int i = 0; i < n; ++i) {
    drift::window_report w;
    w.index = static_cast<std::uint64_t>(i);
    w.first_row = static_cast<std::uint64_t>(i * 100 + 1);
    w.last_row = static_cast<std::uint64_t>(i * 100 + 100);
    w.rows = 100;
    w.drift.columns.push_back(psi_column("calm", 0.01 * (i % 5)));
    w.drift.columns.push_back(psi_column("<script>alert(1)</script>", i >= 2 ? 0.5 + i : 0.02));
    auto ks = ks_column("ks", i == 3 ? 0.001 : 0.5);
    if (i == 1) {
      ks.skipped = "no values left";
      ks.statistic = std::nan("");
      ks.p_value.reset();
      ks.drifted = false;
    }
    w.drift.columns.push_back(ks);
    drift::detail::tally(w.drift, 0.5);
    out.push_back(w);
  }
  return out;
}

} // namespace

TEST_CASE("timeline_html: one chart per feature, most drifted first, names escaped") {
  const auto page = report::timeline_html(windows(6));
  CHECK(hits(page, "<svg class=\"chart\"") == 3);
  CHECK(page.find("<script") == std::string::npos);
  CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  const auto grid = page.find("<div class=\"grid\">");
  const auto hostile = page.find("<figcaption>&lt;script&gt;", grid);
  const auto ks = page.find("<figcaption>ks ", grid);
  const auto calm = page.find("<figcaption>calm ", grid);
  CHECK(hostile < ks); // 4 drifted windows, then 1, then 0
  CHECK(ks < calm);
  CHECK(page.find("4 of 6") != std::string::npos);
  CHECK(page.find("1 of 5") != std::string::npos); // ks: one skipped window
  // Only window 3 drifts as a whole (2 of 3 features, share 0.5).
  CHECK(page.find("badge bad\">1 of 6 windows drifted") != std::string::npos);
  CHECK(page.find("Drifted windows</td><td>3</td>") != std::string::npos);
  CHECK(page.find("rows 1 to 600") != std::string::npos);
}

TEST_CASE("timeline_html: threshold line, red dots on drifted windows, gaps for skipped ones") {
  const auto page = report::timeline_html(windows(6));
  const auto chart = [&](const std::string& label) {
    const auto at = page.find("aria-label=\"Drift of " + label + " by window\"");
    REQUIRE(at != std::string::npos);
    return page.substr(at, page.find("</svg>", at) - at);
  };
  const auto hostile = chart("&lt;script&gt;alert(1)&lt;/script&gt;");
  CHECK(hits(hostile, "stroke-dasharray") == 1);
  CHECK(hostile.find("threshold 0.1<") != std::string::npos);
  CHECK(hits(hostile, "r=\"3.5\" fill=\"#d62728\"") == 4);
  CHECK(hits(hostile, "<circle") == 6);
  CHECK(hits(hostile, "<polyline") == 1);
  const auto ks = chart("ks");
  CHECK(hits(ks, "<polyline") == 2); // broken at window 1
  CHECK(hits(ks, "<circle") == 5);
  CHECK(ks.find("p-value, log scale") != std::string::npos);
  // Log axis: p = 0.05 sits at 1.3 of 10 decades (y 130 - 120 * 0.130 = 114.4), p = 0.5 at
  // 0.3 decades (y 126.4), and the drifted p = 0.001 above the line at 3 decades (y 94.0).
  CHECK(ks.find("<line x1=\"44.0\" y1=\"114.4\" x2=\"450.0\" y2=\"114.4\" stroke=\"#d62728\"") !=
        std::string::npos);
  CHECK(ks.find("cy=\"94.0\" r=\"3.5\"") != std::string::npos);
  CHECK(ks.find("cy=\"126.4\" r=\"2\"") != std::string::npos);
  CHECK(ks.find("window 3: 0.001 (drift)") != std::string::npos); // the p-value, not 0.3
  CHECK(chart("calm").find("statistic: drift at or above the line") != std::string::npos);
}

TEST_CASE("timeline_html: many windows keep dots for drifted ones only, none gives no chart") {
  const auto page = report::timeline_html(windows(400));
  CHECK(hits(page, "<svg class=\"chart\"") == 3);
  CHECK(hits(page, "<circle") == 398 + 1); // hostile from window 2 on, ks once
  CHECK(report::timeline_html(windows(2)).find("badge good\">no window drifted") !=
        std::string::npos);
  const auto empty = report::timeline_html({});
  CHECK(hits(empty, "<svg") == 0);
  CHECK(empty.find("No window closed") != std::string::npos);
}

TEST_CASE("timeline_html: windows whose numbers restart are drawn in the order given") {
  // Two model versions, each numbering its windows from 0 (what a guarded model does).
  auto first = windows(3);
  auto second = windows(3);
  for (auto& w : second) {
    w.first_row = w.last_row = 0;
  }
  first.insert(first.end(), second.begin(), second.end());
  const auto page = report::timeline_html(first);
  CHECK(page.find("drawn in the order given") != std::string::npos);
  CHECK(page.find("rows 1 to") == std::string::npos);
  CHECK(page.find("last window (6 in all)") != std::string::npos);
  // The "calm" line's x coordinates only move right.
  const auto chart = page.find("Drift of calm");
  REQUIRE(chart != std::string::npos);
  const auto from = page.find("points=\"", chart) + 8;
  const auto to = page.find('"', from);
  std::istringstream coordinates(page.substr(from, to - from));
  double previous = -1.0;
  int drawn = 0;
  for (std::string xy; coordinates >> xy; ++drawn) {
    const double x = std::stod(xy.substr(0, xy.find(',')));
    CHECK(x > previous);
    previous = x;
  }
  CHECK(drawn == 6);
  // Numbers in order keep the number axis.
  const auto ordered = report::timeline_html(windows(3));
  CHECK(ordered.find("window 2") != std::string::npos);
  CHECK(ordered.find("drawn in the order given") == std::string::npos);
}

#ifndef MLGUARD_REPORT_DETAIL_TIMELINE_HTML_IMPL_HPP
#define MLGUARD_REPORT_DETAIL_TIMELINE_HTML_IMPL_HPP

// The body of timeline_html (report/timeline_html.hpp): one series per
// feature across the windows, the summary, and the small multiples.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlguard/drift/window_report.hpp"
#include "mlguard/report/detail/charts.hpp"
#include "mlguard/report/html.hpp"

namespace mlguard::report {
namespace detail {

/// One feature in one window: what its verdict compared with the threshold.
struct window_point {
  std::uint64_t window = 0; // the window's own number
  std::uint64_t x = 0;      // where it is drawn: its number, or its position (numbered_in_order)
  double value = 0;         // NaN when skipped
  bool drifted = false;
};

/// True when the windows' numbers increase, so the x axis can be their
/// numbers (a gap shows a missing window). Windows of several monitors or
/// model versions restart at 0; those are drawn in the order given.
template <class = void>
bool numbered_in_order(const std::vector<drift::window_report>& windows);

/// One feature across the windows.
struct feature_series {
  std::string_view name;
  column_kind kind = column_kind::numeric;
  drift::method stat = drift::method::automatic;
  bool p_value = false; // plots p-values (drift below the threshold)
  double threshold = 0;
  std::size_t drifted = 0;
  std::size_t evaluated = 0;
  std::vector<window_point> points;
};

template <class = void>
std::vector<feature_series> collect_series(const std::vector<drift::window_report>& windows);

// p-values are drawn on a log axis from 1 (bottom) to 1e-10 (top, and
// everything smaller): the ones near a 0.05 threshold stay apart, and a
// drifted window lies above the line, as for a distance.
inline constexpr double p_value_floor_log10 = -10;

// Where `v` goes on the y axis, in axis units (0 at the bottom).
template <class = void>
double axis_value(const feature_series& s, double v);

// The top of the y axis: 1e-10 for p-values, else the largest finite value
// or the threshold, with head room.
template <class = void>
double series_top(const feature_series& s);

template <class = void>
void timeline_chart(std::string& out, const feature_series& s, std::uint64_t first,
                    std::uint64_t last, bool by_number);

template <class = void>
void timeline_summary(std::string& out, const std::vector<drift::window_report>& windows,
                      std::size_t features);

template <class = void>
void series_table(std::string& out, const std::vector<feature_series>& series);

} // namespace detail

template <class>
std::string timeline_html(const std::vector<drift::window_report>& windows,
                          const timeline_html_options& options) {
  const auto series = detail::collect_series(windows);
  std::string out;
  out.reserve(8192 + series.size() * (2048 + windows.size() * 96));
  open_page(out, options.title.empty() ? "Monitor timeline" : options.title);
  detail::timeline_summary(out, windows, series.size());
  if (windows.empty()) {
    out += "<p>No window closed: nothing to draw.</p>\n";
    close_page(out);
    return out;
  }
  detail::series_table(out, series);
  const bool by_number = detail::numbered_in_order(windows);
  const std::uint64_t first = by_number ? windows.front().index : 0;
  const std::uint64_t last = by_number ? windows.back().index : windows.size() - 1;
  out += "<h2>Drift by window</h2>\n<div class=\"grid\">\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    out += "<figure id=\"f-" + std::to_string(k) + "\"><figcaption>";
    append_escaped(out, series[k].name);
    out += " <small>";
    out += series[k].evaluated > 0 ? drift::to_string(series[k].stat) : "skipped";
    out += "</small></figcaption>\n";
    detail::timeline_chart(out, series[k], first, last, by_number);
    out += "</figure>\n";
  }
  out += "</div>\n";
  close_page(out);
  return out;
}

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
bool numbered_in_order(const std::vector<drift::window_report>& windows) {
  for (std::size_t i = 1; i < windows.size(); ++i) {
    if (windows[i].index <= windows[i - 1].index) {
      return false;
    }
  }
  return true;
}

template <class>
std::vector<feature_series> collect_series(const std::vector<drift::window_report>& windows) {
  std::vector<feature_series> series;
  std::unordered_map<std::string_view, std::size_t> index;
  const bool by_number = numbered_in_order(windows);
  for (std::size_t position = 0; position < windows.size(); ++position) {
    const auto& w = windows[position];
    for (const auto& c : w.drift.columns) {
      const auto [it, added] = index.emplace(c.name, series.size());
      if (added) {
        series.emplace_back();
        series.back().name = c.name;
        series.back().kind = c.kind;
      }
      auto& s = series[it->second];
      window_point p{w.index, by_number ? w.index : position, std::nan(""), c.drifted};
      if (!c.skipped) {
        s.stat = c.stat;
        s.p_value = c.p_value.has_value();
        s.threshold = c.threshold;
        ++s.evaluated;
        s.drifted += c.drifted ? 1 : 0;
        p.value = c.p_value_adjusted ? *c.p_value_adjusted : (c.p_value ? *c.p_value : c.statistic);
      }
      s.points.push_back(p);
    }
  }
  std::stable_sort(
      series.begin(), series.end(),
      [](const feature_series& a, const feature_series& b) { return a.drifted > b.drifted; });
  return series;
}

template <class>
double axis_value(const feature_series& s, double v) {
  if (!s.p_value) {
    return v;
  }
  return v > 0 ? std::min(-std::log10(v), -p_value_floor_log10) : -p_value_floor_log10;
}

template <class>
double series_top(const feature_series& s) {
  if (s.p_value) {
    return -p_value_floor_log10;
  }
  double top = s.threshold;
  for (const auto& p : s.points) {
    if (std::isfinite(p.value)) {
      top = std::max(top, p.value);
    }
  }
  return top > 0 ? top * 1.1 : 1.0;
}

template <class>
void timeline_chart(std::string& out, const feature_series& s, std::uint64_t first,
                    std::uint64_t last, bool by_number) {
  const double left = 44, right = chart_width - 10, top = 10, bottom = 130, height = 166;
  const double y_top = series_top(s);
  const double span = last > first ? static_cast<double>(last - first) : 1.0;
  const auto x_of = [&](std::uint64_t w) {
    return last > first ? left + (right - left) * static_cast<double>(w - first) / span
                        : (left + right) / 2;
  };
  const auto y_of = [&](double v) {
    return bottom - (bottom - top) * std::min(std::max(axis_value(s, v), 0.0), y_top) / y_top;
  };
  open_svg(out, chart_width, height, std::string("Drift of ") + std::string(s.name) + " by window");
  svg_line(out, left, bottom, right, bottom, "#888");
  svg_line(out, left, top, left, bottom, "#888");
  svg_line(out, left, y_of(s.threshold), right, y_of(s.threshold), drift_colour,
           "stroke-dasharray=\"5 4\"");
  // The line, broken where a window was skipped.
  std::string points;
  const auto flush = [&] {
    if (!points.empty()) {
      out += "<polyline fill=\"none\" stroke=\"" + std::string(reference_colour) +
             "\" stroke-width=\"1.5\" points=\"" + points + "\"/>";
      points.clear();
    }
  };
  for (const auto& p : s.points) {
    if (std::isnan(p.value)) {
      flush();
      continue;
    }
    append_coordinate(points, x_of(p.x));
    points += ",";
    append_coordinate(points, y_of(p.value));
    points += " ";
  }
  flush();
  const bool dots = s.points.size() <= 300; // beyond, only drifted windows get a dot
  for (const auto& p : s.points) {
    if (std::isnan(p.value) || !(p.drifted || dots)) {
      continue;
    }
    out += "<circle cx=\"";
    append_coordinate(out, x_of(p.x));
    out += "\" cy=\"";
    append_coordinate(out, y_of(p.value));
    out += p.drifted ? "\" r=\"3.5\" fill=\"" + std::string(drift_colour)
                     : "\" r=\"2\" fill=\"" + std::string(reference_colour);
    out += "\"><title>window " + std::to_string(p.window) + ": " + html_number(p.value) +
           (p.drifted ? " (drift)" : "") + "</title></circle>";
  }
  svg_text(out, left - 4, top + 8, s.p_value ? "1e-10" : html_number(y_top, 3), "end");
  svg_text(out, left - 4, bottom, s.p_value ? "1" : "0", "end");
  svg_text(out, right, y_of(s.threshold) - 3, "threshold " + html_number(s.threshold), "end",
           "fill=\"#d62728\"");
  svg_text(out, left, bottom + 14, by_number ? "window " + std::to_string(first) : "first window");
  svg_text(out, right, bottom + 14,
           by_number ? "window " + std::to_string(last)
                     : "last window (" + std::to_string(last + 1) + " in all)",
           "end");
  svg_text(out, left, height - 6,
           std::string(s.p_value ? "p-value, log scale: drift above the line"
                                 : "statistic: drift at or above the line") +
               " \xC2\xB7 " + std::to_string(s.drifted) + " of " + std::to_string(s.evaluated) +
               " windows drifted");
  close_svg(out);
}

template <class>
void timeline_summary(std::string& out, const std::vector<drift::window_report>& windows,
                      std::size_t features) {
  std::size_t drifted = 0;
  std::uint64_t rows = 0;
  std::string which;
  for (const auto& w : windows) {
    rows += w.rows;
    if (w.drift.dataset_drift) {
      ++drifted;
      if (drifted <= 30) {
        which += (which.empty() ? "" : ", ") + std::to_string(w.index);
      }
    }
  }
  if (drifted > 30) {
    which += ", \xE2\x80\xA6";
  }
  out += "<h2>Summary</h2>\n<table class=\"summary\">\n<tr><td>Verdict</td><td>";
  out += drifted > 0 ? "<span class=\"badge bad\">" + std::to_string(drifted) + " of " +
                           std::to_string(windows.size()) + " windows drifted</span>"
                     : std::string("<span class=\"badge good\">no window drifted</span>");
  out += "</td></tr>\n<tr><td>Windows</td><td>" + std::to_string(windows.size());
  if (!windows.empty() && numbered_in_order(windows)) {
    out += " (" + std::to_string(windows.front().index) + " to " +
           std::to_string(windows.back().index) + ")";
    if (windows.back().last_row > 0) {
      out += ", rows " + std::to_string(windows.front().first_row) + " to " +
             std::to_string(windows.back().last_row);
    }
  } else if (!windows.empty()) {
    out += ", drawn in the order given (their numbers restart: several monitors or model "
           "versions)";
  }
  out += "</td></tr>\n<tr><td>Rows in windows</td><td>" + std::to_string(rows) +
         "</td></tr>\n<tr><td>Drifted windows</td><td>" + (which.empty() ? "none" : which) +
         "</td></tr>\n<tr><td>Features</td><td>" + std::to_string(features) + "</td></tr>\n";
  out += "</table>\n";
}

template <class>
void series_table(std::string& out, const std::vector<feature_series>& series) {
  out += "<h2>Features</h2>\n<table class=\"features\">\n<tr><th>Feature</th><th>Kind</th>"
         "<th>Method</th><th>Drifted windows</th><th>Latest</th><th>Threshold</th></tr>\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const auto& s = series[k];
    out += s.drifted > 0 ? "<tr class=\"drifted\">" : "<tr>";
    out += "<td><a href=\"#f-" + std::to_string(k) + "\">";
    append_escaped(out, s.name);
    out.append("</a></td><td>").append(to_string(s.kind)).append("</td><td>");
    out.append(s.evaluated > 0 ? drift::to_string(s.stat) : "\xE2\x80\x93").append("</td>");
    out += "<td class=\"num\">" + std::to_string(s.drifted) + " of " + std::to_string(s.evaluated) +
           "</td><td class=\"num\">" +
           html_number(s.points.empty() ? std::nan("") : s.points.back().value) +
           "</td><td class=\"num\">" + html_number(s.threshold) + "</td></tr>\n";
  }
  out += "</table>\n";
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_TIMELINE_HTML_IMPL_HPP

#ifndef MLGUARD_REPORT_DETAIL_CHARTS_HPP
#define MLGUARD_REPORT_DETAIL_CHARTS_HPP

// The charts of the HTML reports, each one <svg class="chart">: overlaid
// histograms and paired bars (drift), a statistic per window with its
// threshold (timeline), counts per feature (validation), and a placeholder
// that says why there is nothing to draw. Every label from data is escaped
// by html.hpp's svg_text; each chart is linear in the points it draws.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/report/detail/distribution.hpp"
#include "mlguard/report/html.hpp"

namespace mlguard::report::detail {

inline constexpr std::string_view reference_colour = "#4c78a8";
inline constexpr std::string_view current_colour = "#f58518";
inline constexpr std::string_view drift_colour = "#d62728";
inline constexpr std::string_view warning_colour = "#e5a50a";
inline constexpr double chart_width = 460;

// At most `chars` code points of `s`, with "…" when cut (never inside a UTF-8 sequence).
template <class = void>
std::string shorten(std::string_view s, std::size_t chars);

template <class = void>
std::string percent(double share);

template <class = void>
void legend(std::string& out, double y, const sample_counts& ref, const sample_counts& cur);

/// A chart that only says `message` (a column with nothing to draw).
template <class = void>
void message_chart(std::string& out, std::string_view label, std::string_view message);

/// Overlaid histograms of reference and current on common bins.
template <class = void>
void histogram_chart(std::string& out, std::string_view label, const numeric_picture& p);

/// Paired horizontal bars, reference above current, per category.
template <class = void>
void category_chart(std::string& out, std::string_view label, const category_picture& p);

} // namespace mlguard::report::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
std::string shorten(std::string_view s, std::size_t chars) {
  std::size_t i = 0;
  for (std::size_t n = 0; i < s.size() && n < chars; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
      ++i;
    }
  }
  return i >= s.size() ? std::string(s) : std::string(s.substr(0, i)) + "\xE2\x80\xA6";
}

template <class>
std::string percent(double share) {
  return html_number(100 * share, 3) + "%";
}

template <class>
void legend(std::string& out, double y, const sample_counts& ref, const sample_counts& cur) {
  const auto entry = [&](double x, std::string_view colour, const char* name,
                         const sample_counts& n) {
    svg_rect(out, x, y - 9, 10, 10, colour);
    std::string text = std::string(name) + " (" + std::to_string(n.drawn);
    if (n.missing + n.non_finite > 0) {
      text += "; " + std::to_string(n.missing) + " missing";
      if (n.non_finite > 0) {
        text += ", " + std::to_string(n.non_finite) + " \xC2\xB1inf";
      }
      text += " left out";
    }
    svg_text(out, x + 14, y, text + ")");
  };
  entry(8, reference_colour, "reference", ref);
  entry(chart_width / 2, current_colour, "current", cur);
}

template <class>
void message_chart(std::string& out, std::string_view label, std::string_view message) {
  open_svg(out, chart_width, 60, label);
  svg_rect(out, 0.5, 0.5, chart_width - 1, 59, "#fafafa", "stroke=\"#ddd\"");
  svg_text(out, chart_width / 2, 34, message, "middle", "fill=\"#666\"");
  close_svg(out);
}

template <class>
void histogram_chart(std::string& out, std::string_view label, const numeric_picture& p) {
  const double left = 44, right = chart_width - 10, top = 12, bottom = 170, height = 212;
  open_svg(out, chart_width, height, label);
  double peak = 0;
  for (std::size_t b = 0; b < p.reference.size(); ++b) {
    peak = std::max({peak, p.reference[b], p.current[b]});
  }
  peak = peak > 0 ? peak : 1;
  const double bw = (right - left) / static_cast<double>(p.reference.size());
  const double step = (p.hi - p.lo) / static_cast<double>(p.reference.size());
  for (std::size_t b = 0; b < p.reference.size(); ++b) {
    const double x = left + bw * static_cast<double>(b);
    const double lo = p.lo + step * static_cast<double>(b);
    out += "<g><title>";
    append_escaped(out, "[" + html_number(lo) + ", " + html_number(lo + step) + "]: reference " +
                            percent(p.reference[b]) + ", current " + percent(p.current[b]));
    out += "</title>";
    for (int s = 0; s < 2; ++s) {
      const double share = s == 0 ? p.reference[b] : p.current[b];
      const double h = (bottom - top) * share / peak;
      svg_rect(out, x + 0.5, bottom - h, bw - 1, h, s == 0 ? reference_colour : current_colour,
               "fill-opacity=\"0.55\"");
    }
    out += "</g>";
  }
  svg_line(out, left, bottom, right, bottom, "#888");
  svg_line(out, left, top, left, bottom, "#888");
  svg_text(out, left - 4, top + 8, percent(peak), "end");
  svg_text(out, left - 4, bottom, "0", "end");
  svg_text(out, left, bottom + 14, html_number(p.lo), "start");
  svg_text(out, (left + right) / 2, bottom + 14, html_number((p.lo + p.hi) / 2), "middle");
  svg_text(out, right, bottom + 14, html_number(p.hi), "end");
  legend(out, height - 8, p.ref, p.cur);
  close_svg(out);
}

template <class>
void category_chart(std::string& out, std::string_view label, const category_picture& p) {
  const double left = 150, right = chart_width - 54, row = 24, top = 8;
  const double height = top + row * static_cast<double>(p.labels.size()) + 30;
  open_svg(out, chart_width, height, label);
  double peak = 0;
  for (std::size_t i = 0; i < p.labels.size(); ++i) {
    peak = std::max({peak, p.reference[i], p.current[i]});
  }
  peak = peak > 0 ? peak : 1;
  for (std::size_t i = 0; i < p.labels.size(); ++i) {
    const double y = top + row * static_cast<double>(i);
    out += "<g><title>";
    append_escaped(out, p.labels[i] + ": reference " + percent(p.reference[i]) + ", current " +
                            percent(p.current[i]));
    out += "</title>";
    svg_text(out, left - 6, y + 13, shorten(p.labels[i], 22), "end");
    for (int s = 0; s < 2; ++s) {
      const double share = s == 0 ? p.reference[i] : p.current[i];
      const double w = (right - left) * share / peak;
      const double by = y + 2 + 10 * s;
      svg_rect(out, left, by, w, 9, s == 0 ? reference_colour : current_colour);
      svg_text(out, left + w + 4, by + 8, percent(share), "start", "font-size=\"9\"");
    }
    out += "</g>";
  }
  svg_line(out, left, top, left, height - 28, "#888");
  legend(out, height - 8, p.ref, p.cur);
  close_svg(out);
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_CHARTS_HPP

#ifndef MLGUARD_REPORT_HTML_HPP
#define MLGUARD_REPORT_HTML_HPP

// Writing HTML and inline SVG for mlguard's reports (drift_html.hpp,
// validation_html.hpp, timeline_html.hpp): escaping, numbers, the page shell.
//
// A report is one self-contained file: inline CSS, inline SVG, no script, no
// network. The shell carries a Content-Security-Policy that forbids scripts
// and every external load, so even a browser that met a mistake in escaping
// would run nothing. Every string that comes from data (column and category
// names, values, skip reasons) goes through append_escaped, which makes it
// text in element content and in quoted attribute values alike.
//
// Numbers are written with std::to_chars, so the output does not depend on the
// C locale (a decimal comma would break SVG coordinates). Rendering is linear
// in the size of the output. Functions keep no state and may run concurrently.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mlguard::report {

/// Appends `text` to `out` as HTML text: `&`, `<`, `>`, `"` and `'` become
/// character references, so the result is safe in element content and in an
/// attribute value quoted with either quote. Control characters other than
/// tab, line feed and carriage return, and bytes that are not valid UTF-8,
/// become U+FFFD, so the page stays well formed whatever the data holds.
/// Linear in text.size(); throws only std::bad_alloc.
template <class = void> // deferred: see core/json.hpp
void append_escaped(std::string& out, std::string_view text);

/// `text` escaped as append_escaped does. Throws only std::bad_alloc.
template <class = void>
std::string html_escape(std::string_view text);

/// Appends `v` for people to read: at most `digits` significant digits
/// ("0.0123", "1.5e+06"), "–" for NaN, "∞" / "−∞" for infinities.
template <class = void>
void append_number(std::string& out, double v, int digits = 4);

/// `v` as append_number writes it.
template <class = void>
std::string html_number(double v, int digits = 4);

/// Appends a coordinate for SVG: fixed notation with one decimal ("12.5");
/// non-finite values become 0 (callers clamp before drawing).
template <class = void>
void append_coordinate(std::string& out, double v);

/// Appends the opening of a report page to `out`: doctype, a
/// Content-Security-Policy that allows inline styles and nothing else, the
/// escaped `title`, mlguard's inline CSS, `<body>` and an `<h1>` heading.
/// close_page ends it. Throws only std::bad_alloc.
template <class = void>
void open_page(std::string& out, std::string_view title);

/// Appends the end of a page that open_page began.
template <class = void>
void close_page(std::string& out);

/// Appends `<tag>escaped text</tag>`; `tag` is a literal name, not data.
template <class = void>
void append_element(std::string& out, std::string_view tag, std::string_view text);

/// Appends the opening of an inline SVG chart of `width` × `height` px with
/// class `css_class` (the reports use "chart", which a test can count) and
/// an accessible label (escaped). close_svg ends it.
template <class = void>
void open_svg(std::string& out, double width, double height, std::string_view label,
              std::string_view css_class = "chart");

/// Appends the end of an SVG that open_svg began.
template <class = void>
void close_svg(std::string& out);

/// Appends a filled rectangle; `fill` and `extra` (further attributes) are
/// literals of the caller, not data. Negative sizes are drawn as 0.
template <class = void>
void svg_rect(std::string& out, double x, double y, double w, double h, std::string_view fill,
              std::string_view extra = {});

/// Appends a line from (x1, y1) to (x2, y2); `stroke` and `extra` are literals.
template <class = void>
void svg_line(std::string& out, double x1, double y1, double x2, double y2, std::string_view stroke,
              std::string_view extra = {});

/// Appends `text` (escaped) at (x, y); `anchor` is start, middle or end.
template <class = void>
void svg_text(std::string& out, double x, double y, std::string_view text,
              std::string_view anchor = "start", std::string_view extra = {});

namespace detail {

// The length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
template <class = void>
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept;

// The shared style sheet: tables, badges, the grid of charts.
inline constexpr std::string_view page_css =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#222;"
    "margin:24px auto;max-width:1200px;padding:0 16px;background:#fff}"
    "h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px}"
    "table{border-collapse:collapse;margin:8px 0;max-width:100%;font-variant-numeric:tabular-nums}"
    "th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}"
    "th{background:#f4f4f4}td.num{text-align:right;white-space:nowrap}"
    "tr.drifted td:first-child,tr.error td:first-child{border-left:4px solid #d62728}"
    "tr.warning td:first-child{border-left:4px solid #e5a50a}"
    "tr.skipped{color:#777}"
    ".badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:600;color:#fff}"
    ".bad{background:#d62728}.warn{background:#b7791f}.good{background:#2ca02c}"
    ".summary td:first-child{color:#555}"
    ".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:14px}"
    "figure{margin:0;border:1px solid #e3e3e3;border-radius:6px;padding:8px}"
    "figcaption{font-weight:600;overflow-wrap:anywhere}figcaption small{font-weight:400;"
    "color:#555}"
    "svg.chart{display:block;max-width:100%;height:auto;font:11px system-ui,sans-serif}"
    ".note{color:#555}footer{margin-top:32px;color:#888;font-size:12px}"
    "code{overflow-wrap:anywhere}";

} // namespace detail

template <class>
void append_escaped(std::string& out, std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default: {
      const auto b = static_cast<unsigned char>(c);
      const bool control = (b < 0x20 && c != '\t' && c != '\n' && c != '\r') || b == 0x7F;
      const std::size_t n = control ? 0 : detail::utf8_length(text, i);
      if (n == 0) {
        out += "\xEF\xBF\xBD"; // U+FFFD for a control or a byte that is not UTF-8
        ++i;
        continue;
      }
      out.append(text.data() + i, n);
      i += n;
      continue;
    }
    }
    ++i;
  }
}

template <class>
void open_page(std::string& out, std::string_view title) {
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  append_escaped(out, title);
  out += "</title>\n<style>";
  out += detail::page_css;
  out += "</style>\n</head>\n<body>\n";
  append_element(out, "h1", title);
  out += "\n";
}

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class>
std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  append_escaped(out, text);
  return out;
}

template <class>
void append_number(std::string& out, double v, int digits) {
  if (std::isnan(v)) {
    out += "\xE2\x80\x93"; // en dash
    return;
  }
  if (std::isinf(v)) {
    out += v > 0 ? "\xE2\x88\x9E" : "\xE2\x88\x92\xE2\x88\x9E";
    return;
  }
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::general,
                               digits < 1 ? 1 : digits);
  out.append(buffer, r.ptr);
}

template <class>
std::string html_number(double v, int digits) {
  std::string out;
  append_number(out, v, digits);
  return out;
}

template <class>
void append_coordinate(std::string& out, double v) {
  char buffer[64];
  const auto r = std::to_chars(buffer, buffer + sizeof buffer, std::isfinite(v) ? v : 0.0,
                               std::chars_format::fixed, 1);
  out.append(buffer, r.ptr);
}

template <class>
void close_page(std::string& out) {
  out += "<footer>Written by mlguard. One self-contained file: no script, no network.</footer>\n"
         "</body>\n</html>\n";
}

template <class>
void append_element(std::string& out, std::string_view tag, std::string_view text) {
  out.append("<").append(tag).append(">");
  append_escaped(out, text);
  out.append("</").append(tag).append(">");
}

template <class>
void open_svg(std::string& out, double width, double height, std::string_view label,
              std::string_view css_class) {
  out += "<svg class=\"";
  append_escaped(out, css_class);
  out += "\" viewBox=\"0 0 ";
  append_coordinate(out, width);
  out += " ";
  append_coordinate(out, height);
  out += "\" width=\"";
  append_coordinate(out, width);
  out += "\" height=\"";
  append_coordinate(out, height);
  out += "\" role=\"img\" aria-label=\"";
  append_escaped(out, label);
  out += "\">";
}

template <class>
void close_svg(std::string& out) {
  out += "</svg>\n";
}

template <class>
void svg_rect(std::string& out, double x, double y, double w, double h, std::string_view fill,
              std::string_view extra) {
  out += "<rect x=\"";
  append_coordinate(out, x);
  out += "\" y=\"";
  append_coordinate(out, y);
  out += "\" width=\"";
  append_coordinate(out, w > 0 ? w : 0);
  out += "\" height=\"";
  append_coordinate(out, h > 0 ? h : 0);
  out.append("\" fill=\"").append(fill).append("\"");
  if (!extra.empty()) {
    out.append(" ").append(extra);
  }
  out += "/>";
}

template <class>
void svg_line(std::string& out, double x1, double y1, double x2, double y2, std::string_view stroke,
              std::string_view extra) {
  out += "<line x1=\"";
  append_coordinate(out, x1);
  out += "\" y1=\"";
  append_coordinate(out, y1);
  out += "\" x2=\"";
  append_coordinate(out, x2);
  out += "\" y2=\"";
  append_coordinate(out, y2);
  out.append("\" stroke=\"").append(stroke).append("\"");
  if (!extra.empty()) {
    out.append(" ").append(extra);
  }
  out += "/>";
}

template <class>
void svg_text(std::string& out, double x, double y, std::string_view text, std::string_view anchor,
              std::string_view extra) {
  out += "<text x=\"";
  append_coordinate(out, x);
  out += "\" y=\"";
  append_coordinate(out, y);
  out.append("\" text-anchor=\"").append(anchor).append("\"");
  if (!extra.empty()) {
    out.append(" ").append(extra);
  }
  out += ">";
  append_escaped(out, text);
  out += "</text>";
}

} // namespace mlguard::report

namespace mlguard::report::detail {

template <class>
std::size_t utf8_length(std::string_view s, std::size_t i) noexcept {
  const auto b = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t min = 0;
  if (b < 0x80) {
    return 1;
  } else if ((b & 0xE0) == 0xC0) {
    n = 2, min = 0x80;
  } else if ((b & 0xF0) == 0xE0) {
    n = 3, min = 0x800;
  } else if ((b & 0xF8) == 0xF0) {
    n = 4, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) {
    return 0;
  }
  std::uint32_t cp = b & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (c & 0x3F);
  }
  const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  return cp < min || cp > 0x10FFFF || surrogate ? 0 : n;
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_HTML_HPP

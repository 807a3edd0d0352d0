#ifndef MLGUARD_REPORT_EXPOSITION_HPP
#define MLGUARD_REPORT_EXPOSITION_HPP

// Metric families as the text a Prometheus server scrapes: the Prometheus
// text format 0.0.4, or OpenMetrics 1.0 (what Prometheus asks for first).
// References: prometheus.io/docs/instrumenting/exposition_formats and the
// OpenMetrics 1.0 specification; promtool and prometheus_client's OpenMetrics
// parser accept what this writes (tests/report/check_exposition.py).

#include <string>
#include <string_view>
#include <vector>

#include "mlguard/report/detail/number_format.hpp"
#include "mlguard/report/metric_registry.hpp"

namespace mlguard::report {

/// The two text formats a scrape can ask for.
enum class exposition_format {
  prometheus_text, ///< text/plain; version=0.0.4
  openmetrics,     ///< application/openmetrics-text; version=1.0.0
};

/// The Content-Type header that goes with `f`.
constexpr const char* content_type(exposition_format f) noexcept {
  return f == exposition_format::openmetrics
             ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
             : "text/plain; version=0.0.4; charset=utf-8";
}

/// The format a scraper's Accept header asks for: OpenMetrics when it lists
/// application/openmetrics-text (as Prometheus does), otherwise the
/// Prometheus text format (curl, older scrapers, an empty header).
template <class = void>
exposition_format negotiate_format(std::string_view accept) noexcept;

namespace detail {

// HELP text: backslash and line feed escaped; OpenMetrics escapes '"' too.
template <class = void>
void append_help(std::string& out, std::string_view help, bool openmetrics);

// A label value: backslash, double quote and line feed escaped (both formats).
template <class = void>
void append_label_value(std::string& out, std::string_view value);

template <class = void>
void append_metadata(std::string& out, const metric_family& f, bool openmetrics);

template <class = void>
void append_sample(std::string& out, const metric_family& f, const metric_sample& s);

} // namespace detail

/// Appends `families` to `out` in format `f`: each family's HELP and TYPE,
/// then its samples; OpenMetrics ends with "# EOF". Label values and HELP
/// text are escaped, so any string (a feature named `a"b\n`) is safe.
template <class = void>
void write_exposition(std::string& out, const std::vector<metric_family>& families,
                      exposition_format f);

/// Everything `registry` holds now, as the text of one scrape in format `f`.
/// Throws what metric_registry::collect() throws.
template <class = void>
std::string expose(const metric_registry& registry,
                   exposition_format f = exposition_format::prometheus_text);

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class>
exposition_format negotiate_format(std::string_view accept) noexcept {
  return accept.find("application/openmetrics-text") != std::string_view::npos
             ? exposition_format::openmetrics
             : exposition_format::prometheus_text;
}

} // namespace mlguard::report

namespace mlguard::report::detail {

template <class>
void append_help(std::string& out, std::string_view help, bool openmetrics) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && openmetrics) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

template <class>
void append_label_value(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

template <class>
void append_metadata(std::string& out, const metric_family& f, bool openmetrics) {
  // Text 0.0.4 names a counter family by its sample name (with _total);
  // OpenMetrics by the family name, whose samples add _total.
  const std::string_view total =
      f.type == metric_type::counter && !openmetrics ? "_total" : std::string_view();
  if (openmetrics) {
    out.append("# TYPE ").append(f.name).append(" ").append(to_string(f.type)).append("\n");
  }
  if (!f.help.empty()) {
    out.append("# HELP ").append(f.name).append(total).append(" ");
    append_help(out, f.help, openmetrics);
    out += '\n';
  }
  if (!openmetrics) {
    out.append("# TYPE ").append(f.name).append(total).append(" ");
    out.append(to_string(f.type)).append("\n");
  }
}

template <class>
void append_sample(std::string& out, const metric_family& f, const metric_sample& s) {
  out.append(f.name).append(s.suffix);
  if (!s.labels.empty()) {
    out += '{';
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
      if (i > 0) {
        out += ',';
      }
      out.append(s.labels[i].first).append("=\"");
      append_label_value(out, s.labels[i].second);
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  append_number(out, s.value);
  out += '\n';
}

} // namespace mlguard::report::detail

namespace mlguard::report {

template <class>
void write_exposition(std::string& out, const std::vector<metric_family>& families,
                      exposition_format f) {
  const bool openmetrics = f == exposition_format::openmetrics;
  for (const auto& family : families) {
    detail::append_metadata(out, family, openmetrics);
    for (const auto& sample : family.samples) {
      detail::append_sample(out, family, sample);
    }
  }
  if (openmetrics) {
    out += "# EOF\n";
  }
}

template <class>
std::string expose(const metric_registry& registry, exposition_format f) {
  std::string out;
  write_exposition(out, registry.collect(), f);
  return out;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_EXPOSITION_HPP

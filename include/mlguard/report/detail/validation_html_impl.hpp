#ifndef MLGUARD_REPORT_DETAIL_VALIDATION_HTML_IMPL_HPP
#define MLGUARD_REPORT_DETAIL_VALIDATION_HTML_IMPL_HPP

// The body of validation_html (report/validation_html.hpp).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/report/detail/charts.hpp"
#include "mlguard/report/detail/distribution.hpp"
#include "mlguard/report/html.hpp"
#include "mlguard/validate/sample_values.hpp"
#include "mlguard/validate/validation_report.hpp"

namespace mlguard::report {
namespace detail {

template <class = void>
bool has_error(const validate::feature_report& f);

/// Features with anomalies, those with an error first; the report's order within.
template <class = void>
std::vector<const validate::feature_report*>
anomalous_features(const validate::validation_report& r);

template <class = void>
void validation_summary(std::string& out, const validate::validation_report& r,
                        std::size_t anomalous);

// One bar per feature: the share of rows its most frequent anomaly hit.
template <class = void>
void anomaly_chart(std::string& out, const std::vector<const validate::feature_report*>& features);

template <class = void>
std::string row_numbers(const std::vector<std::uint64_t>& rows, std::size_t max);

template <class = void>
void anomaly_table(std::string& out, const std::vector<const validate::feature_report*>& features,
                   std::size_t max_rows);

// The value of row `row` of `c` as text: a number, a category, or "(missing)".
template <class = void>
std::string cell_text(const column* c, std::uint64_t row);

// A sample cell kept by batch_validator as text, as cell_text gives it.
template <class = void>
std::string cell_text(const validate::sample_cell* c);

// `value_of(feature)` gives, for one feature, a callable: row -> the cell's text.
template <typename ValueOf>
void sample_rows(std::string& out, const std::vector<const validate::feature_report*>& features,
                 bool has_values, ValueOf&& value_of, std::size_t max_rows) {
  out += "<h2>Sample failing rows</h2>\n<p class=\"note\">";
  out += has_values ? "Values are read from the validated table, by row number."
                    : "Row numbers only: no table was given to read the values from.";
  out += "</p>\n";
  for (const auto* f : features) {
    const auto value = value_of(*f);
    std::string rows;
    for (const auto& a : f->anomalies) {
      for (std::size_t i = 0; i < a.sample_rows.size() && i < max_rows; ++i) {
        rows += "<tr><td class=\"num\">" + std::to_string(a.sample_rows[i] + 1) + "</td><td>" +
                to_string(a.kind) + "</td><td>";
        if (has_values) {
          append_escaped(rows, value(a.sample_rows[i]));
        }
        rows += "</td></tr>\n";
      }
    }
    if (rows.empty()) {
      continue; // column-level and comparator anomalies have no rows
    }
    append_element(out, "h3", f->name);
    out += "\n<table class=\"rows\">\n<tr><th>Row</th><th>Anomaly</th><th>Value</th></tr>\n";
    out += rows;
    out += "</table>\n";
  }
}

template <class = void>
void skew_table(std::string& out, const validate::validation_report& r);

template <typename SampleRows>
std::string validation_page(const validate::validation_report& report,
                            const validation_html_options& options, SampleRows&& rows_section) {
  if (options.max_sample_rows == 0) {
    throw report_error("invalid_option", "validation_html: max_sample_rows must be at least 1");
  }
  const auto features = anomalous_features(report);
  std::string out;
  out.reserve(8192 + report.features.size() * 1024);
  open_page(out, options.title.empty() ? "Validation report" : options.title);
  validation_summary(out, report, features.size());
  if (features.empty()) {
    out += "<p>No anomalies: every feature passed.</p>\n";
  } else {
    out += "<h2>Anomalies by feature</h2>\n<p class=\"note\">The share of rows hit by each "
           "feature's most frequent anomaly; red: errors, amber: warnings only.</p>\n<figure>";
    anomaly_chart(out, features);
    out += "</figure>\n";
    anomaly_table(out, features, options.max_sample_rows);
    rows_section(out, features);
  }
  skew_table(out, report);
  close_page(out);
  return out;
}

} // namespace detail

template <class>
std::string validation_html(const validate::validation_report& report, const table* data,
                            const validation_html_options& options) {
  return detail::validation_page(
      report, options,
      [&](std::string& out, const std::vector<const validate::feature_report*>& features) {
        const detail::column_index columns =
            data != nullptr ? detail::index_columns(*data) : detail::column_index{};
        detail::sample_rows(
            out, features, data != nullptr,
            [&](const validate::feature_report& f) {
              const auto it = columns.find(f.name);
              const column* c = it == columns.end() ? nullptr : it->second;
              return [c](std::uint64_t row) { return detail::cell_text(c, row); };
            },
            options.max_sample_rows);
      });
}

template <class>
std::string validation_html(const validate::validation_report& report,
                            const validate::sample_values& samples,
                            const validation_html_options& options) {
  return detail::validation_page(
      report, options,
      [&](std::string& out, const std::vector<const validate::feature_report*>& features) {
        detail::sample_rows(
            out, features, true,
            [&](const validate::feature_report& f) {
              return [&samples, &f](std::uint64_t row) {
                return detail::cell_text(samples.find(f.name, row));
              };
            },
            options.max_sample_rows);
      });
}

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
bool has_error(const validate::feature_report& f) {
  return std::any_of(f.anomalies.begin(), f.anomalies.end(),
                     [](const auto& a) { return a.level == validate::severity::error; });
}

template <class>
std::vector<const validate::feature_report*>
anomalous_features(const validate::validation_report& r) {
  std::vector<const validate::feature_report*> out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& f : r.features) {
      if (!f.anomalies.empty() && has_error(f) == (pass == 0)) {
        out.push_back(&f);
      }
    }
  }
  return out;
}

template <class>
void validation_summary(std::string& out, const validate::validation_report& r,
                        std::size_t anomalous) {
  const auto v = r.outcome;
  out += "<h2>Summary</h2>\n<table class=\"summary\">\n<tr><td>Verdict</td><td>";
  out += v == validate::verdict::error     ? "<span class=\"badge bad\">error</span>"
         : v == validate::verdict::warning ? "<span class=\"badge warn\">warning</span>"
                                           : "<span class=\"badge good\">pass</span>";
  out += "</td></tr>\n<tr><td>Rows</td><td>" + std::to_string(r.rows) +
         "</td></tr>\n<tr><td>Rejected rows</td><td>" + std::to_string(r.rejected_rows) +
         "</td></tr>\n<tr><td>Anomalies</td><td>" + std::to_string(r.errors) + " errors, " +
         std::to_string(r.warnings) +
         " warnings</td></tr>\n<tr><td>Features with anomalies</td><td>" +
         std::to_string(anomalous) + " of " + std::to_string(r.features.size()) +
         "</td></tr>\n</table>\n";
}

template <class>
void anomaly_chart(std::string& out, const std::vector<const validate::feature_report*>& features) {
  const double left = 160, right = chart_width - 70, row = 20, top = 6;
  const double height = top + row * static_cast<double>(features.size()) + 8;
  open_svg(out, chart_width, height, "Anomalies by feature");
  for (std::size_t i = 0; i < features.size(); ++i) {
    const auto& f = *features[i];
    double rate = 0;
    for (const auto& a : f.anomalies) {
      rate = std::max(rate, a.rate);
    }
    const double y = top + row * static_cast<double>(i);
    out += "<g><title>";
    append_escaped(out, f.name + ": " + std::to_string(f.anomalies.size()) +
                            " anomaly kinds, up to " + percent(rate) + " of rows");
    out += "</title>";
    svg_text(out, left - 6, y + 13, shorten(f.name, 24), "end");
    const double w = std::max(2.0, (right - left) * std::min(rate, 1.0));
    svg_rect(out, left, y + 3, w, 12, has_error(f) ? drift_colour : warning_colour);
    svg_text(out, left + w + 4, y + 13,
             f.anomalies.size() == 1
                 ? percent(rate)
                 : percent(rate) + " \xC2\xB7 " + std::to_string(f.anomalies.size()) + " kinds");
    out += "</g>";
  }
  svg_line(out, left, top, left, height - 6, "#888");
  close_svg(out);
}

template <class>
std::string row_numbers(const std::vector<std::uint64_t>& rows, std::size_t max) {
  std::string s;
  for (std::size_t i = 0; i < rows.size() && i < max; ++i) {
    s += (i == 0 ? "" : ", ") + std::to_string(rows[i] + 1);
  }
  return s.empty() ? "\xE2\x80\x93" : s;
}

template <class>
void anomaly_table(std::string& out, const std::vector<const validate::feature_report*>& features,
                   std::size_t max_rows) {
  out += "<h2>Anomalies</h2>\n<table class=\"anomalies\">\n<tr><th>Feature</th><th>Anomaly</th>"
         "<th>Severity</th><th>Rows</th><th>Rate</th><th>Value / threshold</th>"
         "<th>Sample rows</th></tr>\n";
  for (const auto* f : features) {
    for (const auto& a : f->anomalies) {
      out.append("<tr class=\"").append(to_string(a.level)).append("\"><td>");
      append_escaped(out, f->name);
      out.append("</td><td>").append(to_string(a.kind)).append("</td><td>");
      out.append(to_string(a.level)).append("</td><td class=\"num\">");
      out += std::to_string(a.count) + "</td><td class=\"num\">" + percent(a.rate) +
             "</td><td class=\"num\">";
      if (a.value) {
        append_number(out, *a.value);
        out += " / ";
        append_number(out, a.threshold ? *a.threshold : std::nan(""));
      } else {
        out += "\xE2\x80\x93";
      }
      out += "</td><td>" + row_numbers(a.sample_rows, max_rows) + "</td></tr>\n";
    }
  }
  out += "</table>\n";
}

template <class>
std::string cell_text(const column* c, std::uint64_t row) {
  if (c == nullptr || row >= c->size()) {
    return "\xE2\x80\x93";
  }
  if (c->is_numeric()) {
    const double v = c->values()[row];
    return v != v ? "(missing)" : html_number(v, 10);
  }
  const auto code = c->codes()[row];
  return code < 0 ? "(missing)" : c->vocab().name_of(code);
}

template <class>
std::string cell_text(const validate::sample_cell* c) {
  if (c == nullptr) {
    return "\xE2\x80\x93";
  }
  if (c->missing) {
    return "(missing)";
  }
  return c->numeric ? html_number(c->number, 10) : c->category;
}

template <class>
void skew_table(std::string& out, const validate::validation_report& r) {
  std::string rows;
  for (const auto& f : r.features) {
    if (!f.skew) {
      continue;
    }
    for (const auto& m : f.skew->measurements) {
      rows += m.anomalous ? "<tr class=\"error\"><td>" : "<tr><td>";
      append_escaped(rows, f.name);
      rows += "</td><td>";
      append_escaped(rows, m.comparator + (m.category.empty() ? "" : " (" + m.category + ")"));
      rows += "</td><td class=\"num\">" + html_number(m.value) + "</td><td class=\"num\">" +
              (m.threshold ? html_number(*m.threshold) : "\xE2\x80\x93") + "</td><td>" +
              (m.anomalous ? "<b>anomalous</b>" : "ok") + "</td></tr>\n";
    }
  }
  if (!rows.empty()) {
    out += "<h2>Skew against the training profile</h2>\n<table class=\"skew\">\n<tr><th>Feature"
           "</th><th>Comparator</th><th>Value</th><th>Threshold</th><th>Verdict</th></tr>\n";
    out += rows + "</table>\n";
  }
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_VALIDATION_HTML_IMPL_HPP

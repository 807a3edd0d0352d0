#ifndef MLGUARD_REPORT_DETAIL_DRIFT_HTML_IMPL_HPP
#define MLGUARD_REPORT_DETAIL_DRIFT_HTML_IMPL_HPP

// The body of drift_html (report/drift_html.hpp): summary, table, pictures.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/drift_report.hpp"
#include "mlguard/report/detail/charts.hpp"
#include "mlguard/report/html.hpp"

namespace mlguard::report {
namespace detail {

/// Column positions in display order: drifted, then evaluated, then skipped;
/// the report's order within each group.
template <class = void>
std::vector<std::size_t> drift_order(const drift::drift_report& report);

template <class = void>
void summary_row(std::string& out, std::string_view name, std::string_view value_html);

template <class = void>
std::string escaped_list(const std::vector<std::string>& names);

template <class = void>
void drift_summary(std::string& out, const drift::drift_report& r, const table& reference,
                   const table& current);

template <class = void>
void number_cell(std::string& out, double v);

template <class = void>
std::string drift_notes(const drift::column_drift& c);

template <class = void>
void drift_row(std::string& out, const drift::column_drift& c, std::size_t anchor);

template <class = void>
void drift_table(std::string& out, const drift::drift_report& r,
                 const std::vector<std::size_t>& order);

inline const column& find_compared(const column_index& index, const std::string& name,
                                   const char* which) {
  const auto it = index.find(name);
  if (it == index.end()) {
    throw report_error("unknown_column", "column '" + name +
                                             "' of the drift report is not in the " + which +
                                             " table");
  }
  return *it->second;
}

template <class = void>
void drift_picture(std::string& out, const column& ref, const column& cur,
                   const drift_html_options& options);

template <class = void>
void drift_pictures(std::string& out, const drift::drift_report& r,
                    const std::vector<std::size_t>& order, const table& reference,
                    const table& current, const drift_html_options& options);

} // namespace detail

template <class>
std::string drift_html(const drift::drift_report& report, const table& reference,
                       const table& current, const drift_html_options& options) {
  if (options.bins == 0 || options.top_categories == 0) {
    throw report_error("invalid_option", "drift_html: bins and top_categories must be at least 1");
  }
  const auto order = detail::drift_order(report);
  std::string out;
  out.reserve(8192 + report.columns.size() * 6144);
  open_page(out, options.title.empty() ? "Drift report" : options.title);
  detail::drift_summary(out, report, reference, current);
  detail::drift_table(out, report, order);
  detail::drift_pictures(out, report, order, reference, current, options);
  close_page(out);
  return out;
}

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
std::vector<std::size_t> drift_order(const drift::drift_report& report) {
  std::vector<std::size_t> order;
  order.reserve(report.columns.size());
  for (int group = 0; group < 3; ++group) {
    for (std::size_t i = 0; i < report.columns.size(); ++i) {
      const auto& c = report.columns[i];
      const int g = c.skipped ? 2 : (c.drifted ? 0 : 1);
      if (g == group) {
        order.push_back(i);
      }
    }
  }
  return order;
}

template <class>
void summary_row(std::string& out, std::string_view name, std::string_view value_html) {
  out += "<tr><td>";
  append_escaped(out, name);
  out += "</td><td>";
  out += value_html; // built by the caller from escaped pieces
  out += "</td></tr>\n";
}

template <class>
std::string escaped_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    out += out.empty() ? "<code>" : ", <code>";
    append_escaped(out, n);
    out += "</code>";
  }
  return out;
}

template <class>
void drift_summary(std::string& out, const drift::drift_report& r, const table& reference,
                   const table& current) {
  std::map<std::string, std::size_t> methods;
  for (const auto& c : r.columns) {
    if (!c.skipped) {
      ++methods[drift::to_string(c.stat)];
    }
  }
  std::string used;
  for (const auto& [name, n] : methods) {
    used += (used.empty() ? "" : ", ") + name + " (" + std::to_string(n) + ")";
  }
  out += "<h2>Summary</h2>\n<table class=\"summary\">\n";
  summary_row(out, "Verdict",
              r.dataset_drift ? "<span class=\"badge bad\">dataset drift</span>"
                              : "<span class=\"badge good\">no dataset drift</span>");
  summary_row(out, "Drifted columns",
              std::to_string(r.drifted) + " of " + std::to_string(r.evaluated) + " evaluated (" +
                  percent(r.share_drifted) + "); the dataset drifts at \xE2\x89\xA5 " +
                  percent(r.drift_share));
  summary_row(out, "Skipped columns", std::to_string(r.columns.size() - r.evaluated));
  summary_row(out, "Methods", used.empty() ? "none" : html_escape(used));
  summary_row(out, "Multiple-testing correction", drift::to_string(r.multiple_testing));
  summary_row(out, "Rows",
              "reference " + std::to_string(reference.rows()) + ", current " +
                  std::to_string(current.rows()));
  if (!r.only_in_reference.empty()) {
    summary_row(out, "Only in reference", escaped_list(r.only_in_reference));
  }
  if (!r.only_in_current.empty()) {
    summary_row(out, "Only in current", escaped_list(r.only_in_current));
  }
  out += "</table>\n";
}

template <class>
void number_cell(std::string& out, double v) {
  out += "<td class=\"num\">";
  append_number(out, v);
  out += "</td>";
}

template <class>
std::string drift_notes(const drift::column_drift& c) {
  std::string notes;
  auto add = [&](const std::string& s) { notes += (notes.empty() ? "" : "; ") + s; };
  if (c.skipped) {
    add("skipped: " + *c.skipped);
  }
  if (c.unseen_categories > 0) {
    add("categories unseen in reference: " + std::to_string(c.unseen_categories) + " (" +
        std::to_string(c.unseen_current) + " values)");
  }
  if (c.non_finite_reference + c.non_finite_current > 0) {
    add("\xC2\xB1inf left out: " + std::to_string(c.non_finite_reference) + " / " +
        std::to_string(c.non_finite_current));
  }
  return notes;
}

template <class>
void drift_row(std::string& out, const drift::column_drift& c, std::size_t anchor) {
  const char* cls = c.skipped ? "skipped" : (c.drifted ? "drifted" : "clean");
  out.append("<tr class=\"").append(cls).append("\"><td><a href=\"#f-");
  out += std::to_string(anchor) + "\">";
  append_escaped(out, c.name);
  out.append("</a></td><td>").append(to_string(c.kind)).append("</td><td>");
  out.append(c.skipped ? "\xE2\x80\x93" : drift::to_string(c.stat)).append("</td>");
  number_cell(out, c.statistic);
  out += "<td class=\"num\">";
  if (c.p_value) {
    append_number(out, *c.p_value);
    if (c.p_value_adjusted) {
      out += " (adj. " + html_number(*c.p_value_adjusted) + ")";
    }
  } else {
    out += "\xE2\x80\x93";
  }
  out += "</td>";
  number_cell(out, c.threshold);
  out.append("<td>").append(c.skipped ? "skipped" : (c.drifted ? "<b>drift</b>" : "no drift"));
  out += "</td><td class=\"num\">" + std::to_string(c.n_reference) + " / " +
         std::to_string(c.n_current) + "</td><td class=\"num\">" +
         std::to_string(c.missing_reference) + " / " + std::to_string(c.missing_current) +
         "</td><td>";
  append_escaped(out, drift_notes(c));
  out += "</td></tr>\n";
}

template <class>
void drift_table(std::string& out, const drift::drift_report& r,
                 const std::vector<std::size_t>& order) {
  out += "<h2>Columns</h2>\n<table class=\"columns\">\n<tr><th>Column</th><th>Kind</th>"
         "<th>Method</th><th>Statistic</th><th>p-value</th><th>Threshold</th><th>Verdict</th>"
         "<th>Values ref / cur</th><th>Missing ref / cur</th><th>Notes</th></tr>\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    drift_row(out, r.columns[order[k]], k);
  }
  out += "</table>\n";
}

template <class>
void drift_picture(std::string& out, const column& ref, const column& cur,
                   const drift_html_options& options) {
  const std::string label = "Distribution of " + ref.name();
  if (ref.kind() != cur.kind()) {
    message_chart(out, label, "numeric in one table, categorical in the other: nothing to overlay");
    return;
  }
  if (ref.is_numeric()) {
    const auto p = numeric_histogram(ref.values(), cur.values(), options.bins);
    if (p.reference.empty()) {
      message_chart(out, label,
                    "no finite values to draw (" + std::to_string(p.ref.missing + p.cur.missing) +
                        " missing, " + std::to_string(p.ref.non_finite + p.cur.non_finite) +
                        " \xC2\xB1inf)");
      return;
    }
    histogram_chart(out, label, p);
    return;
  }
  const auto p = category_bars(ref, cur, options.top_categories);
  if (p.ref.drawn + p.cur.drawn == 0) {
    message_chart(out, label,
                  "no categories to draw (" + std::to_string(p.ref.missing + p.cur.missing) +
                      " missing)");
    return;
  }
  category_chart(out, label, p);
}

template <class>
void drift_pictures(std::string& out, const drift::drift_report& r,
                    const std::vector<std::size_t>& order, const table& reference,
                    const table& current, const drift_html_options& options) {
  const auto refs = index_columns(reference);
  const auto curs = index_columns(current);
  out += "<h2>Distributions</h2>\n<p class=\"note\">Reference in blue, current in orange, as "
         "shares of each table's values; missing values and \xC2\xB1inf are left out and "
         "counted in the legend.</p>\n<div class=\"grid\">\n";
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& c = r.columns[order[k]];
    const column& ref = find_compared(refs, c.name, "reference");
    const column& cur = find_compared(curs, c.name, "current");
    out += "<figure id=\"f-" + std::to_string(k) + "\"><figcaption>";
    append_escaped(out, c.name);
    out += " <small>";
    out += to_string(c.kind);
    out += c.skipped ? " \xC2\xB7 skipped" : (c.drifted ? " \xC2\xB7 drift" : " \xC2\xB7 no drift");
    out += "</small></figcaption>\n";
    drift_picture(out, ref, cur, options);
    out += "</figure>\n";
  }
  out += "</div>\n";
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_DRIFT_HTML_IMPL_HPP

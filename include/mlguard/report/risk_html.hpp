#ifndef MLGUARD_REPORT_RISK_HTML_HPP
#define MLGUARD_REPORT_RISK_HTML_HPP

// A risk assessment (risk_report.hpp) as one self-contained HTML page, in the
// style of the drift and validation reports: a summary with the verdict
// (<span class="badge ...">), a table of the open risks (blocking first, the
// rows classed "error" or "warning") and a table of the checks that passed.
// Every string from the report is escaped (html.hpp). Linear in the report.

#include <string>

#include "mlguard/report/html.hpp"
#include "mlguard/report/risk_report.hpp"

namespace mlguard::report {

/// The HTML page of `r`. Throws only std::bad_alloc.
template <class = void> // deferred: see core/json.hpp
std::string risk_html(const risk_report& r);

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class> // deferred: see core/json.hpp
std::string risk_html(const risk_report& r) {
  std::string out;
  open_page(out, "Risk assessment");
  out += "<table class=\"summary\"><tr><td>model</td><td>";
  append_escaped(out, r.model);
  out += "</td></tr><tr><td>bundle</td><td><code>";
  append_escaped(out, r.artifact_digest);
  out += "</code></td></tr><tr><td>holdout rows</td><td>";
  out += std::to_string(r.holdout_rows);
  out += "</td></tr><tr><td>verdict</td><td>";
  out += r.blocked() ? "<span class=\"badge bad\">do not deploy</span>"
         : r.open_count(risk_level::warning) > 0
             ? "<span class=\"badge warn\">look at the warnings</span>"
             : "<span class=\"badge good\">no open risk</span>";
  out += "</td></tr><tr><td>open</td><td>" + std::to_string(r.open_count(risk_level::blocking)) +
         " blocking, " + std::to_string(r.open_count(risk_level::warning)) + " warnings, " +
         std::to_string(r.open_count(risk_level::info)) + " notes</td></tr></table>\n";

  const auto rows = [&](bool open) {
    out += "<table><tr><th>level</th><th>area</th><th>check</th><th>subject</th><th>" +
           std::string(open ? "finding" : "verified") + "</th></tr>\n";
    for (const auto level : {risk_level::blocking, risk_level::warning, risk_level::info}) {
      for (const auto& x : r.risks) {
        if (x.open != open || x.level != level) {
          continue;
        }
        out += !open                           ? "<tr>"
               : level == risk_level::blocking ? "<tr class=\"error\">"
               : level == risk_level::warning  ? "<tr class=\"warning\">"
                                               : "<tr>";
        for (const auto& cell :
             {std::string(to_string(x.level)), x.area, x.check, x.subject, x.detail}) {
          append_element(out, "td", cell);
        }
        out += "</tr>\n";
      }
    }
    out += "</table>\n";
  };
  append_element(out, "h2", "Open risks");
  if (r.open_count(risk_level::blocking) + r.open_count(risk_level::warning) +
          r.open_count(risk_level::info) ==
      0) {
    out += "<p class=\"note\">None.</p>\n";
  } else {
    rows(true);
  }
  append_element(out, "h2", "Checks passed");
  rows(false);
  close_page(out);
  return out;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_RISK_HTML_HPP

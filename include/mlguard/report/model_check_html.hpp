#ifndef MLGUARD_REPORT_MODEL_CHECK_HTML_HPP
#define MLGUARD_REPORT_MODEL_CHECK_HTML_HPP

// The HTML page of a model check (`mlguard check-model --format html`): the
// verdict, the champion/challenger comparison per metric with its test and
// numbers, and the behavioural tests. It reads the check's JSON document
// ("mlguard.model_check", written by serving's comparison and suite results),
// so report/ does not depend on serving/.

#include <string>

#include "mlguard/core/json.hpp"
#include "mlguard/report/html.hpp"

namespace mlguard::report {

namespace detail {

template <class = void> // deferred: see core/json.hpp
void check_cell(std::string& out, const json& j, const char* field);

template <class = void>
void check_text(std::string& out, const json& j, const char* field);

} // namespace detail

/// The page for a model-check document (see mlguard check-model): title,
/// verdict badge and reason, the holdout and models compared, one row per
/// compared metric (test, champion, challenger, improvement, p-value or
/// interval, verdict and reason) and one per behavioural test. Fields that
/// are absent are left out. Every text is escaped. Throws only std::bad_alloc.
template <class = void>
std::string model_check_html(const json& doc);

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class> // deferred: see core/json.hpp
void check_cell(std::string& out, const json& j, const char* field) {
  out += "<td class=\"num\">";
  const auto it = j.find(field);
  double v = 0.0;
  if (it != j.end() && read_json_number(*it, v)) {
    append_number(out, v);
  }
  out += "</td>";
}

template <class>
void check_text(std::string& out, const json& j, const char* field) {
  const auto it = j.find(field);
  append_escaped(out, it != j.end() && it->is_string() ? it->get_ref<const std::string&>() : "");
}

} // namespace mlguard::report::detail

namespace mlguard::report {

template <class>
std::string model_check_html(const json& doc) {
  std::string out;
  open_page(out, "Model check");
  const bool passed = doc.value("passed", false);
  out += passed ? "<p><span class=\"badge good\">PASS</span></p>\n"
                : "<p><span class=\"badge bad\">FAIL</span> ";
  if (!passed) {
    detail::check_text(out, doc, "reason");
    out += "</p>\n";
  }
  out += "<table class=\"summary\">\n";
  const auto row = [&](const char* label, const std::string& value) {
    out += "<tr><td>";
    out += label;
    out += "</td><td><code>";
    append_escaped(out, value);
    out += "</code></td></tr>\n";
  };
  if (doc.contains("bundle") && doc["bundle"].is_object()) {
    row("bundle", doc["bundle"].value("path", "") + " (" + doc["bundle"].value("digest", "") + ")");
  }
  if (doc.contains("holdout") && doc["holdout"].is_object()) {
    row("holdout", doc["holdout"].value("path", "") + ", " +
                       std::to_string(doc["holdout"].value("rows", 0)) + " rows");
  }
  if (doc.contains("against") && doc["against"].is_object()) {
    const auto& a = doc["against"];
    row("against", a.value("uri", "") + ": " + a.value("model", "") + " v" +
                       std::to_string(a.value("version", 0)));
  }
  out += "</table>\n";
  if (doc.contains("comparison") && doc["comparison"].is_object()) {
    const auto& c = doc["comparison"];
    append_element(out, "h2", "Champion and challenger");
    out += "<p class=\"note\">";
    append_escaped(out, std::to_string(c.value("rows", 0)) + " holdout rows, " +
                            std::to_string(c.value("excluded", 0)) +
                            " left out (rejected by a model)");
    out += "</p>\n<table>\n<tr><th>metric</th><th>test</th><th>champion</th><th>challenger</th>"
           "<th>improvement</th><th>p-value</th><th>interval</th><th>verdict</th></tr>\n";
    for (const auto& m : c.value("metrics", json::array())) {
      const bool ok = m.value("passed", false);
      out += ok ? "<tr>" : "<tr class=\"error\">";
      out += "<td>";
      detail::check_text(out, m, "metric");
      out += "</td><td>";
      detail::check_text(out, m, "test");
      out += "</td>";
      detail::check_cell(out, m, "champion");
      detail::check_cell(out, m, "challenger");
      detail::check_cell(out, m, "improvement");
      detail::check_cell(out, m, "p_value");
      out += "<td class=\"num\">";
      double lo = 0.0, hi = 0.0;
      if (m.contains("ci_low") && read_json_number(m["ci_low"], lo) &&
          read_json_number(m["ci_high"], hi)) {
        out += "[";
        append_number(out, lo);
        out += ", ";
        append_number(out, hi);
        out += "]";
      }
      out += "</td><td>";
      detail::check_text(out, m, "reason");
      out += "</td></tr>\n";
    }
    out += "</table>\n";
  }
  if (doc.contains("behaviour") && doc["behaviour"].is_object()) {
    append_element(out, "h2", "Behavioural tests");
    out += "<table>\n<tr><th>test</th><th>kind</th><th>checked</th><th>failed</th>"
           "<th>worst</th><th>first failure</th></tr>\n";
    for (const auto& t : doc["behaviour"].value("tests", json::array())) {
      out += t.value("passed", false) ? "<tr>" : "<tr class=\"error\">";
      out += "<td>";
      detail::check_text(out, t, "name");
      out += "</td><td>";
      detail::check_text(out, t, "kind");
      out += "</td>";
      detail::check_cell(out, t, "checked");
      detail::check_cell(out, t, "failed");
      detail::check_cell(out, t, "worst");
      out += "<td>";
      detail::check_text(out, t, "example");
      out += "</td></tr>\n";
    }
    out += "</table>\n";
  }
  close_page(out);
  return out;
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_MODEL_CHECK_HTML_HPP

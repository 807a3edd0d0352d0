#ifndef MLGUARD_DRIFT_DETAIL_REPORT_JSON_HPP
#define MLGUARD_DRIFT_DETAIL_REPORT_JSON_HPP

// The JSON of drift verdicts (declared and documented in drift/report.hpp):
// column_drift and drift_report, written field by field through core/json.hpp
// and read with json_reader. The report's fields other than the document
// envelope are written and read by one pair of functions, which
// window_report (drift/window_report.hpp) uses too: one shape everywhere.
// Not for direct use.

#include <cstddef>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/correction.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {
namespace detail {

template <class = void> // deferred: see core/json.hpp
json json_strings(const std::vector<std::string>& values);

template <class = void>
std::size_t read_size(const json_reader& r, std::string_view field);

/// Writes a report's fields (everything but the document envelope) into `j`.
template <class = void>
void write_report_fields(json& j, const drift_report& r);

/// Reads one column's verdict as to_json(column_drift) wrote it.
template <class = void>
column_drift read_column(const json_reader& r);

/// Reads what write_report_fields wrote. The object may hold the fields
/// `also` besides (the document envelope, a window's span), and no others.
template <class = void>
void read_report_fields(const json_reader& r, drift_report& out,
                        std::initializer_list<std::string_view> also);

} // namespace detail

template <class>
void to_json(json& j, const column_drift& c) {
  j = json::object();
  j["name"] = c.name;
  j["kind"] = to_string(c.kind);
  j["method"] = to_string(c.stat);
  j["statistic"] = json_number(c.statistic);
  j["p_value"] = json_number(c.p_value);
  j["threshold"] = json_number(c.threshold);
  j["drifted"] = c.drifted;
  j["n_reference"] = c.n_reference;
  j["n_current"] = c.n_current;
  j["missing_reference"] = c.missing_reference;
  j["missing_current"] = c.missing_current;
  j["non_finite_reference"] = c.non_finite_reference;
  j["non_finite_current"] = c.non_finite_current;
  if (c.p_value_adjusted) {
    j["p_value_adjusted"] = json_number(*c.p_value_adjusted);
  }
  if (c.kind == column_kind::categorical || c.unseen_categories > 0) {
    j["unseen_categories"] = c.unseen_categories;
    j["unseen_current"] = c.unseen_current;
  }
  if (c.skipped) {
    j["skipped"] = *c.skipped;
  }
}

template <class>
void to_json(json& j, const drift_report& r) {
  j = new_document(drift_report::format);
  detail::write_report_fields(j, r);
}

template <class>
drift_report drift_report::from_json(const json& document, std::string_view source) {
  check_format(document, format, source);
  const json_reader r(document, std::string(source));
  drift_report out;
  detail::read_report_fields(r, out, {"format", "format_version"});
  return out;
}

template <class>
void drift_report::save(const std::string& path) const {
  json document;
  to_json(document, *this);
  save_json(path, document);
}

template <class>
drift_report drift_report::load(const std::string& path) {
  return from_json(load_json(path), path);
}

template <class>
void from_json(const json& j, drift_report& r) {
  r = drift_report::from_json(j);
}

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class> // deferred: see core/json.hpp
json json_strings(const std::vector<std::string>& values) {
  json out = json::array();
  for (const auto& v : values) {
    out.push_back(json(v));
  }
  return out;
}

template <class>
std::size_t read_size(const json_reader& r, std::string_view field) {
  return static_cast<std::size_t>(r.count(field, std::numeric_limits<std::size_t>::max()));
}

template <class>
void write_report_fields(json& j, const drift_report& r) {
  j["dataset_drift"] = r.dataset_drift;
  j["share_drifted"] = json_number(r.share_drifted);
  j["drifted_columns"] = r.drifted;
  j["evaluated_columns"] = r.evaluated;
  j["drift_share"] = json_number(r.drift_share);
  j["correction"] = to_string(r.multiple_testing);
  json columns = json::array();
  for (const auto& c : r.columns) {
    json column;
    to_json(column, c);
    columns.push_back(std::move(column));
  }
  j["columns"] = std::move(columns);
  j["only_in_reference"] = json_strings(r.only_in_reference);
  j["only_in_current"] = json_strings(r.only_in_current);
}

template <class>
column_drift read_column(const json_reader& r) {
  r.allow_fields({"name", "kind", "method", "statistic", "p_value", "p_value_adjusted", "threshold",
                  "drifted", "n_reference", "n_current", "missing_reference", "missing_current",
                  "non_finite_reference", "non_finite_current", "unseen_categories",
                  "unseen_current", "skipped"});
  column_drift c;
  c.name = r.text("name");
  const std::string& kind = r.text("kind");
  if (kind == to_string(column_kind::numeric)) {
    c.kind = column_kind::numeric;
  } else if (kind == to_string(column_kind::categorical)) {
    c.kind = column_kind::categorical;
  } else {
    r.fail("kind", "expected \"numeric\" or \"categorical\", got \"" + kind + "\"");
  }
  try {
    c.stat = method_from_string(r.text("method"));
  } catch (const drift_error& e) {
    r.fail("method", std::string(e.message()));
  }
  c.statistic = r.number("statistic");
  c.p_value = r.optional_number("p_value");
  c.p_value_adjusted = r.optional_number("p_value_adjusted");
  c.threshold = r.number("threshold");
  c.drifted = r.flag("drifted");
  c.n_reference = read_size(r, "n_reference");
  c.n_current = read_size(r, "n_current");
  c.missing_reference = read_size(r, "missing_reference");
  c.missing_current = read_size(r, "missing_current");
  c.non_finite_reference = read_size(r, "non_finite_reference");
  c.non_finite_current = read_size(r, "non_finite_current");
  if (r.has("unseen_categories")) {
    c.unseen_categories = read_size(r, "unseen_categories");
    c.unseen_current = read_size(r, "unseen_current");
  }
  if (r.has("skipped")) {
    c.skipped = r.text("skipped");
  }
  return c;
}

template <class>
void read_report_fields(const json_reader& r, drift_report& out,
                        std::initializer_list<std::string_view> also) {
  r.allow_fields({"dataset_drift", "share_drifted", "drifted_columns", "evaluated_columns",
                  "drift_share", "correction", "columns", "only_in_reference", "only_in_current"},
                 also);
  out.dataset_drift = r.flag("dataset_drift");
  out.share_drifted = r.finite("share_drifted");
  out.drifted = read_size(r, "drifted_columns");
  out.evaluated = read_size(r, "evaluated_columns");
  out.drift_share = r.finite("drift_share");
  try {
    out.multiple_testing = correction_from_string(r.text("correction"));
  } catch (const drift_error& e) {
    r.fail("correction", std::string(e.message()));
  }
  out.columns.clear();
  for (const auto& column : r.objects("columns")) {
    out.columns.push_back(read_column(column));
  }
  out.only_in_reference = r.texts("only_in_reference");
  out.only_in_current = r.texts("only_in_current");
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_REPORT_JSON_HPP

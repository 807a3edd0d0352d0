#ifndef MLGUARD_REPORT_RISK_REPORT_HPP
#define MLGUARD_REPORT_RISK_REPORT_HPP

// A risk assessment before deployment: a list of checks, each with what it
// found, whether the risk is open and how much it weighs. A blocking open risk
// stops a deployment (`mlguard assess` exits 1). serving/risk_assessment.hpp
// runs the checks on a bundle and a holdout table; risk_html.hpp renders the
// page. Saved as the "mlguard.risk_assessment" document.
//
// The checks follow the monitoring and infrastructure items of Google's "ML
// Test Score" rubric (Breck et al., 2017): schema coverage, training–serving
// skew, model tests, bias, explanations, and operational readiness.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::report {

/// How much an open risk weighs.
enum class risk_level : std::uint8_t {
  info,     ///< worth knowing
  warning,  ///< a person should look before deploying
  blocking, ///< do not deploy while it is open
};

/// "info", "warning" or "blocking".
constexpr const char* to_string(risk_level l) noexcept {
  return l == risk_level::blocking ? "blocking" : l == risk_level::warning ? "warning" : "info";
}

/// One check and what it found.
struct risk {
  /// The part of the assessment: "schema", "skew", "model_tests", "fairness",
  /// "explanations" or "operations".
  std::string area;
  /// What was checked, stable for scripts: "unbounded_numeric", "rollback_target", ...
  std::string check;
  /// The feature, group or object it is about; empty for the model as a whole.
  std::string subject;
  /// The weight of the risk when it is open.
  risk_level level = risk_level::warning;
  /// True: the risk is present. False: the check passed.
  bool open = false;
  /// One line for people: what was found, with the numbers.
  std::string detail;
};

/// The assessment of one model.
struct risk_report {
  /// The document a report is saved as.
  static constexpr document_format format{"mlguard.risk_assessment", 1};

  /// What was assessed ("taxi v3", or the bundle's path).
  std::string model;
  /// The bundle's digest, when known.
  std::string artifact_digest;
  /// Rows of the holdout table the checks ran on.
  std::uint64_t holdout_rows = 0;
  /// Every check, in the order they ran.
  std::vector<risk> risks;

  /// Appends an open risk.
  void open(std::string area, std::string check, std::string subject, risk_level level,
            std::string detail) {
    risks.push_back(
        {std::move(area), std::move(check), std::move(subject), level, true, std::move(detail)});
  }
  /// Appends a passed check.
  void pass(std::string area, std::string check, std::string subject, risk_level level,
            std::string detail) {
    risks.push_back(
        {std::move(area), std::move(check), std::move(subject), level, false, std::move(detail)});
  }

  /// Open risks of `level`.
  std::size_t open_count(risk_level level) const noexcept {
    std::size_t n = 0;
    for (const auto& r : risks) {
      n += r.open && r.level == level ? 1 : 0;
    }
    return n;
  }
  /// True when a blocking risk is open: the model should not be deployed.
  bool blocked() const noexcept { return open_count(risk_level::blocking) > 0; }

  /// The report as its document.
  template <class = void> // deferred: see core/json.hpp
  json to_json() const;
  /// Reads what to_json wrote; `source` names the input in errors. Throws
  /// format_error (mlguard.format.corrupt, unknown_field, wrong_kind, newer_version).
  template <class = void>
  static risk_report from_json(const json& document, const std::string& source = "json");
  /// Writes the document to `path` atomically (save_json). Throws io_error.
  template <class = void>
  void save(const std::string& path) const {
    save_json(path, to_json());
  }
  /// Reads a document from `path`. Throws io_error and from_json's errors.
  template <class = void>
  static risk_report load(const std::string& path) {
    return from_json(load_json(path), path);
  }
};

/// The level named `name` ("info", "warning", "blocking"). Throws
/// argument_error (mlguard.argument.invalid_option) for another name.
template <class = void>
risk_level risk_level_from_string(std::string_view name);

template <class>
json risk_report::to_json() const {
  json doc = new_document(format);
  doc["model"] = model;
  doc["artifact_digest"] = artifact_digest;
  doc["holdout_rows"] = holdout_rows;
  doc["blocked"] = blocked();
  doc["open"] = json{{"blocking", open_count(risk_level::blocking)},
                     {"warning", open_count(risk_level::warning)},
                     {"info", open_count(risk_level::info)}};
  json items = json::array();
  for (const auto& r : risks) {
    items.push_back({{"area", r.area},
                     {"check", r.check},
                     {"subject", r.subject},
                     {"level", to_string(r.level)},
                     {"open", r.open},
                     {"detail", r.detail}});
  }
  doc["risks"] = std::move(items);
  return doc;
}

template <class>
risk_report risk_report::from_json(const json& document, const std::string& source) {
  const auto r = json_reader::document(
      document, format, source,
      {"model", "artifact_digest", "holdout_rows", "blocked", "open", "risks"});
  risk_report out;
  out.model = r.text("model");
  out.artifact_digest = r.text("artifact_digest");
  out.holdout_rows = r.count("holdout_rows");
  for (const auto& item : r.objects("risks")) {
    item.allow_fields({"area", "check", "subject", "level", "open", "detail"});
    risk x;
    x.area = item.text("area");
    x.check = item.text("check");
    x.subject = item.text("subject");
    try {
      x.level = risk_level_from_string(item.text("level"));
    } catch (const argument_error&) {
      throw format_error("corrupt", item.where("level") + ": expected info, warning or blocking");
    }
    x.open = item.flag("open");
    x.detail = item.text("detail");
    out.risks.push_back(std::move(x));
  }
  return out;
}

} // namespace mlguard::report

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report {

template <class>
risk_level risk_level_from_string(std::string_view name) {
  if (name == "info") {
    return risk_level::info;
  }
  if (name == "warning") {
    return risk_level::warning;
  }
  if (name == "blocking") {
    return risk_level::blocking;
  }
  throw argument_error("invalid_option", "unknown risk level '" + std::string(name) +
                                             "' (info, warning or blocking)");
}

} // namespace mlguard::report

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_RISK_REPORT_HPP

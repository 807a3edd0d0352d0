#ifndef MLGUARD_VALIDATE_VALIDATION_REPORT_HPP
#define MLGUARD_VALIDATE_VALIDATION_REPORT_HPP

// What validating a batch found (DESIGN.md's validation_report): per feature
// the count, rate and first failing rows of each anomaly kind, their
// severities, skew measurements against a training profile, and an overall
// verdict. validate_batch and report_builder (validate_batch.hpp) make one;
// it is saved as the "mlguard.validation_report" JSON document.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/detail/enum_names.hpp"
#include "mlguard/validate/feature_skew.hpp"

namespace mlguard::validate {

/// One anomaly kind found on one feature.
struct anomaly_entry {
  anomaly_kind kind{};
  severity level = severity::error;
  /// Rows with this anomaly (for column-level kinds: every row; for
  /// comparator kinds, which are about the batch: 0).
  std::uint64_t count = 0;
  /// count / rows.
  double rate = 0.0;
  /// The first failing rows, 0-based data rows (JSON writes them 1-based).
  std::vector<std::uint64_t> sample_rows;
  /// For comparator anomalies: the measurement and the threshold.
  std::optional<double> value;
  std::optional<double> threshold;
};

/// What one feature (or a column not in the schema) showed.
struct feature_report {
  std::string name;
  /// Missing values among the rows (0 for a missing column).
  std::uint64_t missing = 0;
  std::vector<anomaly_entry> anomalies;
  /// Skew measurements, when validated against a reference profile.
  std::optional<feature_skew> skew;
};

/// The overall outcome: pass (no anomaly), warning (warnings only), error.
enum class verdict { pass, warning, error };

/// "pass", "warning" or "error".
inline const char* to_string(verdict v) noexcept {
  return v == verdict::pass ? "pass" : (v == verdict::warning ? "warning" : "error");
}

/// The result of validating a batch.
///
/// JSON ("mlguard.validation_report", format_version 1): {"format",
/// "format_version", "rows", "rejected_rows", "verdict", "errors",
/// "warnings", "features": [{"name", "missing", "anomalies": [{"kind",
/// "severity", "count", "rate", "rows" (1-based data rows), "value",
/// "threshold"}], "skew": {"skipped", "measurements": [{"comparator",
/// "value", "threshold", "anomalous", "category"}]}}]}; optional members
/// are left out when absent, doubles are written by json_number.
struct validation_report {
  /// The document a report is saved as: "mlguard.validation_report", version 1.
  static constexpr document_format format{"mlguard.validation_report", 1};

  std::uint64_t rows = 0;
  /// Rows a reject policy refused.
  std::uint64_t rejected_rows = 0;
  /// Schema features in order, then columns the schema lacks.
  std::vector<feature_report> features;
  /// (feature, kind) entries of each severity.
  std::size_t errors = 0;
  std::size_t warnings = 0;
  verdict outcome = verdict::pass;

  /// The entry of `kind` on feature `name`, or nullptr.
  const anomaly_entry* find(std::string_view name, anomaly_kind kind) const noexcept {
    for (const auto& f : features) {
      if (f.name == name) {
        for (const auto& a : f.anomalies) {
          if (a.kind == kind) {
            return &a;
          }
        }
      }
    }
    return nullptr;
  }

  /// The report as a "mlguard.validation_report" document (see the struct comment).
  template <class = void> // deferred: see core/json.hpp
  json to_json() const;
  /// Reads what to_json wrote; `source` names the input in errors. Throws
  /// format_error: mlguard.format.corrupt (missing or ill-typed fields, an
  /// unknown anomaly kind, severity, verdict or comparator, row 0; the
  /// message names the field path), mlguard.format.unknown_field,
  /// mlguard.format.wrong_kind, mlguard.format.newer_version.
  template <class = void>
  static validation_report from_json(const json& document,
                                     const std::string& source = "validation_report");
  /// Writes the report document to `path` atomically (save_json).
  /// Throws io_error (mlguard.io.write_failed).
  template <class = void>
  void save(const std::string& path) const {
    save_json(path, to_json());
  }
  /// Reads a report document from `path` (load_json, then from_json).
  /// Throws io_error (mlguard.io.open_failed, read_failed) and from_json's errors.
  template <class = void>
  static validation_report load(const std::string& path) {
    return from_json(load_json(path), path);
  }
};

/// nlohmann ADL hook: `json j = report;`
template <class = void>
void to_json(json& j, const validation_report& r);
/// nlohmann ADL hook. Throws as validation_report::from_json.
template <class = void>
void from_json(const json& j, validation_report& r);

template <class>
json validation_report::to_json() const {
  json list = json::array();
  for (const auto& f : features) {
    json anomalies = json::array();
    for (const auto& a : f.anomalies) {
      json sample = json::array();
      for (const auto row : a.sample_rows) {
        sample.push_back(row + 1);
      }
      json e = json::object();
      e["kind"] = to_string(a.kind);
      e["severity"] = to_string(a.level);
      e["count"] = a.count;
      e["rate"] = json_number(a.rate);
      e["rows"] = std::move(sample);
      if (a.value) {
        e["value"] = json_number(*a.value);
      }
      if (a.threshold) {
        e["threshold"] = json_number(*a.threshold);
      }
      anomalies.push_back(std::move(e));
    }
    json fj = json::object();
    fj["name"] = f.name;
    fj["missing"] = f.missing;
    fj["anomalies"] = std::move(anomalies);
    if (f.skew) {
      json skew = json::object();
      if (f.skew->skipped) {
        skew["skipped"] = *f.skew->skipped;
      }
      json ms = json::array();
      for (const auto& m : f.skew->measurements) {
        json mj = json::object();
        mj["comparator"] = m.comparator;
        mj["value"] = json_number(m.value);
        mj["anomalous"] = m.anomalous;
        if (m.threshold) {
          mj["threshold"] = json_number(*m.threshold);
        }
        if (!m.category.empty()) {
          mj["category"] = m.category;
        }
        ms.push_back(std::move(mj));
      }
      skew["measurements"] = std::move(ms);
      fj["skew"] = std::move(skew);
    }
    list.push_back(std::move(fj));
  }
  json j = new_document(format);
  j["rows"] = rows;
  j["rejected_rows"] = rejected_rows;
  j["verdict"] = to_string(outcome);
  j["errors"] = static_cast<std::uint64_t>(errors);
  j["warnings"] = static_cast<std::uint64_t>(warnings);
  j["features"] = std::move(list);
  return j;
}

template <class>
validation_report validation_report::from_json(const json& document, const std::string& source) {
  const auto r =
      json_reader::document(document, format, source,
                            {"rows", "rejected_rows", "verdict", "errors", "warnings", "features"});
  validation_report out;
  out.rows = r.count("rows");
  out.rejected_rows = r.count("rejected_rows");
  if (!detail::enum_from_string(r.text("verdict"), 3, out.outcome)) {
    r.fail("verdict", "expected pass, warning or error");
  }
  out.errors = static_cast<std::size_t>(r.count("errors"));
  out.warnings = static_cast<std::size_t>(r.count("warnings"));
  for (const auto& fr : r.objects("features")) {
    fr.allow_fields({"name", "missing", "anomalies", "skew"});
    feature_report f;
    f.name = fr.text("name");
    f.missing = fr.count("missing");
    for (const auto& ar : fr.objects("anomalies")) {
      ar.allow_fields({"kind", "severity", "count", "rate", "rows", "value", "threshold"});
      anomaly_entry a;
      if (!detail::enum_from_string(ar.text("kind"), anomaly_kind_count, a.kind)) {
        ar.fail("kind", "not an anomaly kind mlguard knows");
      }
      if (!detail::enum_from_string(ar.text("severity"), 2, a.level)) {
        ar.fail("severity", "expected warning or error");
      }
      a.count = ar.count("count");
      a.rate = ar.number("rate");
      a.sample_rows = ar.counts("rows");
      for (auto& row : a.sample_rows) {
        if (row == 0) {
          ar.fail("rows", "rows are numbered from 1");
        }
        --row;
      }
      a.value = ar.optional_number("value");
      a.threshold = ar.optional_number("threshold");
      f.anomalies.push_back(std::move(a));
    }
    if (fr.has("skew")) {
      const auto sr = fr.object("skew");
      sr.allow_fields({"skipped", "measurements"});
      feature_skew skew;
      skew.name = f.name;
      if (sr.has("skipped")) {
        skew.skipped = sr.text("skipped");
      }
      for (const auto& mr : sr.objects("measurements")) {
        mr.allow_fields({"comparator", "value", "threshold", "anomalous", "category"});
        skew_measurement m;
        m.comparator = mr.text("comparator");
        const auto kind = skew_anomaly_kind(m.comparator);
        if (!kind) {
          mr.fail("comparator", "expected l_infinity, normalized_abs_difference, "
                                "jensen_shannon or unseen_share");
        }
        m.kind = *kind;
        m.value = mr.number("value");
        m.threshold = mr.optional_number("threshold");
        m.anomalous = mr.flag("anomalous");
        if (mr.has("category")) {
          m.category = mr.text("category");
        }
        skew.measurements.push_back(std::move(m));
      }
      f.skew = std::move(skew);
    }
    out.features.push_back(std::move(f));
  }
  return out;
}

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class>
void to_json(json& j, const validation_report& r) {
  j = r.to_json();
}

template <class>
void from_json(const json& j, validation_report& r) {
  r = validation_report::from_json(j);
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_VALIDATION_REPORT_HPP

#ifndef MLGUARD_VALIDATE_VALIDATION_REPORT_HPP
#define MLGUARD_VALIDATE_VALIDATION_REPORT_HPP

// Batch validation: a table (or a stream of rows) against a schema, giving
// per feature the count and rate of each anomaly kind, a bounded sample of
// failing rows, severities and an overall verdict; optionally with skew
// measurements against a training profile.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "mlguard/validate/validate_row.hpp"

namespace mlguard::validate {

/// One anomaly kind found on one feature.
struct anomaly_entry {
  anomaly_kind kind{};
  severity level = severity::error;
  /// Rows with this anomaly (for column-level kinds: every row).
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

/// The result of validating a batch (DESIGN.md's validation_report).
struct validation_report {
  static constexpr const char* format_name = "mlguard.validation_report";
  static constexpr std::int64_t format_version = 1;

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
};

/// {"format": "mlguard.validation_report", "format_version": 1, "rows",
/// "rejected_rows", "verdict", "errors", "warnings", "features": [{"name",
/// "missing", "anomalies": [{"kind", "severity", "count", "rate", "rows"
/// (1-based data rows), "value", "threshold"}], "skew": {"skipped" |
/// "measurements": [{"comparator", "value", "threshold", "anomalous", "category"}]}}]}.
/// Comparator anomalies are about the batch, not rows: their count and rate are 0.
inline void to_json(json& j, const validation_report& r) {
  json features = json::array();
  for (const auto& f : r.features) {
    json anomalies = json::array();
    for (const auto& a : f.anomalies) {
      json rows = json::array();
      for (auto row : a.sample_rows) {
        rows.push_back(row + 1);
      }
      json e = {{"kind", to_string(a.kind)},
                {"severity", to_string(a.level)},
                {"count", a.count},
                {"rate", a.rate},
                {"rows", rows}};
      if (a.value) {
        e["value"] = *a.value;
      }
      if (a.threshold) {
        e["threshold"] = *a.threshold;
      }
      anomalies.push_back(std::move(e));
    }
    json fj = {{"name", f.name}, {"missing", f.missing}, {"anomalies", anomalies}};
    if (f.skew) {
      json skew = json::object();
      if (f.skew->skipped) {
        skew["skipped"] = *f.skew->skipped;
      }
      json ms = json::array();
      for (const auto& m : f.skew->measurements) {
        json mj = {{"comparator", m.comparator}, {"value", m.value}, {"anomalous", m.anomalous}};
        if (m.threshold) {
          mj["threshold"] = *m.threshold;
        }
        if (!m.category.empty()) {
          mj["category"] = m.category;
        }
        ms.push_back(std::move(mj));
      }
      skew["measurements"] = ms;
      fj["skew"] = skew;
    }
    features.push_back(std::move(fj));
  }
  j = json{{"format", validation_report::format_name},
           {"format_version", validation_report::format_version},
           {"rows", r.rows},
           {"rejected_rows", r.rejected_rows},
           {"verdict", to_string(r.outcome)},
           {"errors", r.errors},
           {"warnings", r.warnings},
           {"features", features}};
}

/// Options of batch validation.
struct validate_options {
  /// Failing row numbers kept per feature and anomaly kind.
  std::size_t max_sample_rows = 5;
  /// A training profile to measure skew against (compare_profiles); the
  /// batch's own profile is built for it.
  const profile::dataset_profile* reference = nullptr;
};

/// Accumulates per-row results into a validation_report: what validate_batch()
/// uses, and what a caller streaming rows (validate_row / validate_fields)
/// uses to get the same report. Allocates only while a sample of failing
/// rows is still filling up.
class report_builder {
public:
  /// A builder for `s` (which must outlive it).
  explicit report_builder(const schema& s, const validate_options& options = {})
      : schema_(s), options_(options), counts_(s.size() * anomaly_kind_count, 0),
        samples_(s.size() * anomaly_kind_count), missing_(s.size(), 0), missing_samples_(s.size()),
        absent_(s.size(), false) {}

  /// Feature `i` has no column in the data (SCHEMA_MISSING_COLUMN); its row
  /// results are then ignored.
  void missing_column(std::size_t i) { absent_.at(i) = true; }
  /// The data has a column `name` the schema lacks (SCHEMA_NEW_COLUMN).
  void new_column(std::string name) { new_columns_.push_back(std::move(name)); }

  /// Adds row `row` (0-based) with its per-feature anomalies.
  void add(std::uint64_t row, span<const anomaly_set> sets, const row_result& result) {
    ++rows_;
    rejected_ += result.rejected ? 1 : 0;
    for (std::size_t i = 0; i < sets.size() && i < schema_.size(); ++i) {
      if (absent_[i]) {
        continue;
      }
      const anomaly_set a = sets[i];
      if (a.missing()) {
        ++missing_[i];
        if (missing_samples_[i].size() < options_.max_sample_rows) {
          missing_samples_[i].push_back(row);
        }
      }
      std::uint32_t bits = a.bits();
      while (bits != 0) {
        unsigned k = 0;
        while (((bits >> k) & 1U) == 0) {
          ++k;
        }
        bits &= bits - 1;
        const std::size_t slot = i * anomaly_kind_count + k;
        ++counts_[slot];
        if (samples_[slot].size() < options_.max_sample_rows) {
          samples_[slot].push_back(row);
        }
      }
    }
  }

  /// Rows added so far.
  std::uint64_t rows() const noexcept { return rows_; }

  /// The report, with skew measurements when `skew` is given (from compare_profiles).
  validation_report finish(const std::vector<feature_skew>* skew = nullptr) const {
    validation_report r;
    r.rows = rows_;
    r.rejected_rows = rejected_;
    const double n = rows_ > 0 ? static_cast<double>(rows_) : 1.0;
    auto entry = [&](anomaly_kind kind, std::uint64_t count, std::vector<std::uint64_t> rows) {
      anomaly_entry e;
      e.kind = kind;
      e.level = schema_.severity_of(kind);
      e.count = count;
      e.rate = static_cast<double>(count) / n;
      e.sample_rows = std::move(rows);
      return e;
    };
    for (std::size_t i = 0; i < schema_.size(); ++i) {
      const auto& spec = schema_[i];
      feature_report f;
      f.name = spec.name;
      if (absent_[i]) {
        f.anomalies.push_back(entry(anomaly_kind::schema_missing_column, rows_, {}));
        r.features.push_back(std::move(f));
        continue;
      }
      f.missing = missing_[i];
      const double missing_rate = static_cast<double>(missing_[i]) / n;
      if (missing_[i] > 0 && (spec.required || missing_rate > spec.max_missing_fraction)) {
        f.anomalies.push_back(entry(anomaly_kind::feature_type_low_fraction_present, missing_[i],
                                    missing_samples_[i]));
      }
      for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
        const auto kind = static_cast<anomaly_kind>(k);
        const std::size_t slot = i * anomaly_kind_count + k;
        if (counts_[slot] > 0 && kind != anomaly_kind::feature_type_low_fraction_present) {
          f.anomalies.push_back(entry(kind, counts_[slot], samples_[slot]));
        }
      }
      if (skew != nullptr) {
        for (const auto& fs : *skew) {
          if (fs.name != spec.name) {
            continue;
          }
          for (const auto& m : fs.measurements) {
            if (m.anomalous) {
              auto e = entry(m.kind, 0, {});
              e.rate = 0.0;
              e.value = m.value;
              e.threshold = m.threshold;
              f.anomalies.push_back(std::move(e));
            }
          }
          f.skew = fs;
        }
      }
      r.features.push_back(std::move(f));
    }
    for (const auto& name : new_columns_) {
      feature_report f;
      f.name = name;
      f.anomalies.push_back(entry(anomaly_kind::schema_new_column, rows_, {}));
      r.features.push_back(std::move(f));
    }
    for (const auto& f : r.features) {
      for (const auto& a : f.anomalies) {
        (a.level == severity::error ? r.errors : r.warnings) += 1;
      }
    }
    r.outcome = r.errors > 0 ? verdict::error : (r.warnings > 0 ? verdict::warning : verdict::pass);
    return r;
  }

private:
  const schema& schema_;
  validate_options options_;
  std::uint64_t rows_ = 0;
  std::uint64_t rejected_ = 0;
  std::vector<std::uint64_t> counts_;
  std::vector<std::vector<std::uint64_t>> samples_;
  std::vector<std::uint64_t> missing_;
  std::vector<std::vector<std::uint64_t>> missing_samples_;
  std::vector<bool> absent_;
  std::vector<std::string> new_columns_;
};

} // namespace mlguard::validate

#include "mlguard/validate/detail/validate_table_impl.hpp"

#endif // MLGUARD_VALIDATE_VALIDATION_REPORT_HPP

#ifndef MLGUARD_VALIDATE_VALIDATE_BATCH_HPP
#define MLGUARD_VALIDATE_VALIDATE_BATCH_HPP

// Batch validation: a table, or a stream of rows, checked against a schema
// into a validation_report (counts, rates and first failing rows of each
// anomaly kind per feature, severities, a verdict), optionally with the
// skew measurements compare_profiles (skew.hpp) made against a training
// profile. This header needs no profile: include skew.hpp to measure skew.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/feature_skew.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/validate_row.hpp"
#include "mlguard/validate/validation_report.hpp"

namespace mlguard::validate {

/// Options of batch validation.
struct validate_options {
  /// Failing row numbers kept per feature and anomaly kind.
  std::size_t max_sample_rows = 5;
  /// Skew measurements of the batch against a training profile, reported
  /// with it (compare_profiles in skew.hpp; they must outlive the call):
  /// anomalous measurements become COMPARATOR_* entries. Read by
  /// validate_batch; report_builder takes them in finish().
  const std::vector<feature_skew>* skew = nullptr;
};

/// Accumulates per-row results into a validation_report: what validate_batch()
/// uses, and what a caller streaming rows (validate_row / validate_fields)
/// uses to get the same report. Allocates only while a sample of failing
/// rows is still filling up.
template <class = void> // deferred: see core/json.hpp
class basic_report_builder {
public:
  /// A builder for `s` (which must outlive it).
  explicit basic_report_builder(const schema& s, const validate_options& options = {})
      : schema_(s), options_(options), counts_(s.size() * anomaly_kind_count, 0),
        samples_(s.size() * anomaly_kind_count), missing_(s.size(), 0), missing_samples_(s.size()),
        absent_(s.size(), false) {}

  /// Feature `i` has no column in the data (SCHEMA_MISSING_COLUMN); its row
  /// results are then ignored.
  void missing_column(std::size_t i) { absent_.at(i) = true; }
  /// The data has a column `name` the schema lacks (SCHEMA_NEW_COLUMN).
  void new_column(std::string name) { new_columns_.push_back(std::move(name)); }

  /// Adds row `row` (0-based) with its per-feature anomalies.
  void add(std::uint64_t row, span<const anomaly_set> sets, const row_result& result);

  /// Rows added so far.
  std::uint64_t rows() const noexcept { return rows_; }

  /// Whether add() would keep the row among feature `i`'s sample rows, given
  /// the feature's anomalies `a` in it: a sample of one of its kinds (or of
  /// its missing values) still has room. For a caller keeping the sample
  /// rows' values (batch_validator).
  bool keeps_sample(std::size_t i, anomaly_set a) const noexcept;

  /// The report, with skew measurements when `skew` is given (from
  /// compare_profiles): anomalous measurements become COMPARATOR_* entries.
  validation_report finish(const std::vector<feature_skew>* skew = nullptr) const;

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

/// The type to name (a class template only so that its bodies compile where used).
using report_builder = basic_report_builder<>;

/// Validates every row of `data` against `s` and reports per feature the
/// count, rate and first failing rows of each anomaly kind, with severities
/// and a verdict. Columns are matched by name: a schema feature without a
/// column is SCHEMA_MISSING_COLUMN, a column the schema lacks is
/// SCHEMA_NEW_COLUMN. A column of the other kind is read value by value: a
/// text column for a numeric feature gives FLOAT_TYPE_STRING_NOT_FLOAT (or
/// INT_TYPE_NOT_INT_STRING) for each value that is not a number; a numeric
/// column for a categorical feature is matched by the numbers' shortest
/// text (std::to_chars). In a numeric column NaN is missing (read_csv turns
/// "nan" and empty fields into NaN), so FLOAT_TYPE_HAS_NAN comes only from
/// text. With options.skew, the measurements are reported per feature and
/// anomalous ones become COMPARATOR_* entries. Throws nothing on bad data
/// (only std::bad_alloc).
template <class = void> // deferred: see core/json.hpp
validation_report validate_batch(const schema& s, const table& data,
                                 const validate_options& options = {});

} // namespace mlguard::validate

#include "mlguard/validate/detail/validate_batch_impl.hpp"

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class V>
MLGUARD_INLINE auto basic_report_builder<V>::add(std::uint64_t row, span<const anomaly_set> sets,
                                                 const row_result& result) -> void {
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

template <class V>
MLGUARD_INLINE auto basic_report_builder<V>::keeps_sample(std::size_t i,
                                                          anomaly_set a) const noexcept -> bool {
  if (i >= schema_.size() || absent_[i]) {
    return false;
  }
  if (a.missing() && missing_samples_[i].size() < options_.max_sample_rows) {
    return true;
  }
  std::uint32_t bits = a.bits();
  for (unsigned k = 0; bits != 0; ++k, bits >>= 1) {
    if ((bits & 1U) != 0 &&
        samples_[i * anomaly_kind_count + k].size() < options_.max_sample_rows) {
      return true;
    }
  }
  return false;
}

template <class V>
MLGUARD_INLINE auto basic_report_builder<V>::finish(const std::vector<feature_skew>* skew) const
    -> validation_report {
  validation_report r;
  r.rows = rows_;
  r.rejected_rows = rejected_;
  const double n = rows_ > 0 ? static_cast<double>(rows_) : 1.0;
  // `feature` is a schema feature's index, or size() for a column the schema lacks.
  auto entry = [&](std::size_t feature, anomaly_kind kind, std::uint64_t count,
                   std::vector<std::uint64_t> rows) {
    anomaly_entry e;
    e.kind = kind;
    e.level =
        feature < schema_.size() ? schema_.severity_of(feature, kind) : schema_.severity_of(kind);
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
      f.anomalies.push_back(entry(i, anomaly_kind::schema_missing_column, rows_, {}));
      r.features.push_back(std::move(f));
      continue;
    }
    f.missing = missing_[i];
    const double missing_rate = static_cast<double>(missing_[i]) / n;
    if (missing_[i] > 0 && (spec.required || missing_rate > spec.max_missing_fraction)) {
      f.anomalies.push_back(entry(i, anomaly_kind::feature_type_low_fraction_present, missing_[i],
                                  missing_samples_[i]));
    }
    for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
      const auto kind = static_cast<anomaly_kind>(k);
      const std::size_t slot = i * anomaly_kind_count + k;
      if (counts_[slot] > 0 && kind != anomaly_kind::feature_type_low_fraction_present) {
        f.anomalies.push_back(entry(i, kind, counts_[slot], samples_[slot]));
      }
    }
    if (skew != nullptr) {
      for (const auto& fs : *skew) {
        if (fs.name != spec.name) {
          continue;
        }
        for (const auto& m : fs.measurements) {
          if (m.anomalous) {
            auto e = entry(i, m.kind, 0, {});
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
    f.anomalies.push_back(entry(schema_.size(), anomaly_kind::schema_new_column, rows_, {}));
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

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_VALIDATE_BATCH_HPP

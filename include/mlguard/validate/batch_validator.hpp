#ifndef MLGUARD_VALIDATE_BATCH_VALIDATOR_HPP
#define MLGUARD_VALIDATE_BATCH_VALIDATOR_HPP

// Batch validation chunk by chunk: a batch too large to hold (a CSV file read
// by io::csv_reader, request batches arriving one by one) validated as it
// arrives, into the same validation_report validate_batch gives for the whole
// table at once, in memory bounded by the schema, the sample sizes and (for
// skew) the profile's sketches, not by the rows.
//
//   validate::batch_validator check(schema, options, &training_profile);
//   table chunk;
//   while (reader.next(chunk)) {
//     check.update(chunk);
//   }
//   const auto report = check.report();         // == validate_batch(schema, all rows)
//   const auto page = report::validation_html(report, check.samples());

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/sample_values.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/skew.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "mlguard/validate/validation_report.hpp"

namespace mlguard::validate {

/// Validates a batch that arrives in chunks (tables with the same columns),
/// accumulating what validate_batch computes over the whole table: per
/// feature and anomaly kind the count and first failing rows, missing
/// counts, rejected rows; and, against a training profile, the profile of
/// the rows for the skew comparators.
///
/// - Equivalence: report() after update(c1), ..., update(cn) equals
///   validate_batch(s, the rows of c1..cn in order, options) field for field
///   (the same JSON bytes), with compare_profiles(s, reference, those rows)
///   as options.skew when a reference is given. Rows are numbered across
///   chunks (0-based in the struct, 1-based in JSON), as in the whole table.
///   Categories are matched by string, so each chunk may have its own
///   vocabulary (as io::csv_reader's chunks do). The skew measurements are
///   the same because the profile of chunks equals the profile of the table
///   in every part they read (counts, min, max, the KLL sketch, exact
///   category counts; dataset_profile).
/// - Columns: the first chunk's columns decide SCHEMA_MISSING_COLUMN and
///   SCHEMA_NEW_COLUMN; every later chunk must have the same column names
///   (in any order). A column's kind may change from chunk to chunk (each
///   is read as validate_batch reads it).
/// - Memory: O(features × anomaly kinds × max_sample_rows) for the report
///   and the sample values, plus the profile's sketches with a reference;
///   each update() allocates its chunk's per-column adapters.
/// - Threads: not synchronised; one validator per thread.
template <class = void> // deferred: see core/json.hpp
class basic_batch_validator {
public:
  /// A validator against `s`. With `reference` (a training profile), the
  /// rows are also profiled with the reference's options and report()
  /// carries the skew measurements against it (options.skew is then
  /// ignored); without, options.skew (if set) is reported. `s` and
  /// `reference` must outlive the validator.
  explicit basic_batch_validator(const schema& s, const validate_options& options = {},
                                 const profile::dataset_profile* reference = nullptr)
      : schema_(&s), options_(options), reference_(reference), builder_(s, options),
        profile_(reference != nullptr ? reference->options() : profile::profile_options{}) {}

  /// Validates the next chunk of rows (a table of 0 rows only fixes the
  /// columns). Throws validation_error (mlguard.validate.chunk_columns)
  /// when a chunk after the first has other column names, and, with a
  /// reference, profile_error (mlguard.profile.kind_mismatch) when a column
  /// changes kind between chunks; the validator is then unchanged.
  void update(const table& chunk);

  /// Rows validated so far.
  std::uint64_t rows() const noexcept { return builder_.rows(); }

  /// The report of every row so far (see the class comment). Before any
  /// chunk, the report of a table without columns (every feature
  /// SCHEMA_MISSING_COLUMN). Throws profile_error only from the skew
  /// comparison's profiling (not expected).
  validation_report report() const;

  /// The values of the report's sample rows (for report::validation_html).
  const sample_values& samples() const noexcept { return samples_; }

  /// The profile of the rows so far (with the reference's options); empty
  /// without a reference.
  const profile::dataset_profile& profile() const noexcept { return profile_; }

private:
  void check_columns(const table& chunk) const;

  void keep(std::size_t i, const column& c, std::size_t row, std::uint64_t batch_row);

  const schema* schema_;
  validate_options options_;
  const profile::dataset_profile* reference_;
  report_builder builder_;
  profile::dataset_profile profile_;
  sample_values samples_;
  std::vector<std::string> columns_; // the first chunk's, in its order
  bool started_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using batch_validator = basic_batch_validator<>;

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class V>
MLGUARD_INLINE auto basic_batch_validator<V>::update(const table& chunk) -> void {
  if (started_) {
    check_columns(chunk);
  }
  if (reference_ != nullptr) {
    profile_.update(chunk); // unchanged when it throws
  }
  if (!started_) {
    started_ = true;
    for (std::size_t i = 0; i < schema_->size(); ++i) {
      if (chunk.find((*schema_)[i].name) == nullptr) {
        builder_.missing_column(i);
      }
    }
    for (const auto& c : chunk) {
      columns_.push_back(c.name());
      if (!schema_->index_of(c.name())) {
        builder_.new_column(c.name());
      }
    }
  }
  const std::uint64_t first = builder_.rows();
  detail::validate_rows(*schema_, chunk, first, builder_,
                        [this](std::size_t i, const column& c, std::size_t row,
                               std::uint64_t batch_row) { keep(i, c, row, batch_row); });
}

template <class V>
MLGUARD_INLINE auto basic_batch_validator<V>::report() const -> validation_report {
  std::vector<feature_skew> skew;
  const std::vector<feature_skew>* measured = options_.skew;
  if (reference_ != nullptr) {
    skew = compare_profiles(*schema_, *reference_, profile_);
    measured = &skew;
  }
  if (started_) {
    return builder_.finish(measured);
  }
  report_builder none(*schema_, options_);
  for (std::size_t i = 0; i < schema_->size(); ++i) {
    none.missing_column(i);
  }
  return none.finish(measured);
}

template <class V>
MLGUARD_INLINE auto basic_batch_validator<V>::check_columns(const table& chunk) const -> void {
  bool same = chunk.cols() == columns_.size();
  for (std::size_t k = 0; same && k < columns_.size(); ++k) {
    same = chunk.find(columns_[k]) != nullptr;
  }
  if (!same) {
    std::string names;
    for (const auto& c : chunk) {
      names += (names.empty() ? "" : ", ") + c.name();
    }
    throw validation_error("chunk_columns",
                           "a chunk from row " + std::to_string(builder_.rows() + 1) +
                               " has the columns [" + names +
                               "], not those of the first chunk; every chunk of a batch "
                               "must have the same columns");
  }
}

template <class V>
MLGUARD_INLINE auto basic_batch_validator<V>::keep(std::size_t i, const column& c, std::size_t row,
                                                   std::uint64_t batch_row) -> void {
  sample_cell cell;
  cell.row = batch_row;
  cell.numeric = c.is_numeric();
  if (c.is_numeric()) {
    cell.number = c.values()[row];
    cell.missing = cell.number != cell.number;
  } else {
    const auto code = c.codes()[row];
    cell.missing = code < 0;
    if (!cell.missing) {
      cell.category = c.vocab().name_of(code);
    }
  }
  samples_.add((*schema_)[i].name, std::move(cell));
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_BATCH_VALIDATOR_HPP

#ifndef MLGUARD_PIPELINE_ROW_STATUS_HPP
#define MLGUARD_PIPELINE_ROW_STATUS_HPP

// row_status: what a stage's per-row transform reports instead of throwing
// (ok, flagged, rejected, invalid input), and how statuses combine.

#include <cstdint>

namespace mlguard::pipeline {

/// What happened to one row on its way through a pipeline. The per-row path
/// never throws: bad data is reported with a status instead.
///
/// Statuses are ordered by severity; a pipeline reports the most severe one
/// any stage returned. `flagged` rows continue down the chain; `rejected`
/// and `invalid_input` rows stop, and the output row is filled with NaN.
enum class row_status : std::uint8_t {
  ok = 0,            ///< transformed normally
  flagged = 1,       ///< a tap noted something (e.g. drift, out-of-domain) but let it pass
  rejected = 2,      ///< a tap refused the row (e.g. a validation policy)
  invalid_input = 3, ///< a stage cannot take the row (NaN into a model, wrong width)
};

/// "ok", "flagged", "rejected" or "invalid_input".
constexpr const char* to_string(row_status s) noexcept {
  switch (s) {
  case row_status::ok:
    return "ok";
  case row_status::flagged:
    return "flagged";
  case row_status::rejected:
    return "rejected";
  case row_status::invalid_input:
    return "invalid_input";
  }
  return "invalid_input";
}

/// The more severe of two statuses.
constexpr row_status worst(row_status a, row_status b) noexcept { return a < b ? b : a; }

/// True when a row with this status stops (its output is NaN).
constexpr bool stops(row_status s) noexcept { return s >= row_status::rejected; }

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_ROW_STATUS_HPP

#ifndef MLGUARD_DRIFT_WINDOW_STATE_HPP
#define MLGUARD_DRIFT_WINDOW_STATE_HPP

// The mergeable state of one monitor window: what drift_monitor::snapshot()
// returns and drift_monitor::evaluate() turns into a window_report. States of
// replicas that monitor the same references merge exactly, so a fleet's
// verdict is computed from the union of its replicas' windows.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard::drift {

/// One feature's part of a window: counts per reference bin of the finite
/// values (categorical: per category, then "other"), missing (NaN,
/// missing_code) and ±Inf counts, and the finite values themselves when the
/// method needs them (KS).
struct feature_window_state {
  std::vector<std::uint64_t> counts;
  std::uint64_t missing = 0;
  std::uint64_t non_finite = 0;
  std::vector<double> values;

  /// The number of finite values (the sum of the bin counts).
  std::uint64_t finite() const noexcept {
    std::uint64_t n = 0;
    for (auto c : counts) {
      n += c;
    }
    return n;
  }
};

/// The state of a window over all features. Replicas that monitor the same
/// references produce states that merge into the state of the union of
/// their rows: counts add exactly, the value samples concatenate (KS is
/// order-free), so the merged evaluation equals one monitor seeing all rows.
template <class = void> // deferred: see core/json.hpp
struct basic_window_state {
  std::uint64_t rows = 0;
  std::vector<feature_window_state> features;

  /// Folds `other` in. Throws argument_error (mlguard.argument.size_mismatch)
  /// when the states come from monitors with different features or bins.
  void merge(const basic_window_state& other);
};

/// The type to name (a class template only so that its bodies compile where used).
using window_state = basic_window_state<>;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE auto basic_window_state<V>::merge(const basic_window_state& other) -> void {
  if (other.features.size() != features.size()) {
    throw argument_error("size_mismatch", "window states of " + std::to_string(features.size()) +
                                              " and " + std::to_string(other.features.size()) +
                                              " features");
  }
  for (std::size_t f = 0; f < features.size(); ++f) {
    if (other.features[f].counts.size() != features[f].counts.size()) {
      throw argument_error("size_mismatch", "window states with different bins");
    }
  }
  rows += other.rows;
  for (std::size_t f = 0; f < features.size(); ++f) {
    auto& mine = features[f];
    const auto& theirs = other.features[f];
    for (std::size_t b = 0; b < mine.counts.size(); ++b) {
      mine.counts[b] += theirs.counts[b];
    }
    mine.missing += theirs.missing;
    mine.non_finite += theirs.non_finite;
    mine.values.insert(mine.values.end(), theirs.values.begin(), theirs.values.end());
  }
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_WINDOW_STATE_HPP

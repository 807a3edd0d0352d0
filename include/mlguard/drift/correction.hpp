#ifndef MLGUARD_DRIFT_CORRECTION_HPP
#define MLGUARD_DRIFT_CORRECTION_HPP

// Corrections for multiple testing: a drift report tests many columns at
// once, so by chance alone some p-values fall below the threshold.
// adjust_p_values() gives the Bonferroni or Benjamini–Hochberg adjusted
// p-values (as statsmodels' multipletests), which compare() thresholds when
// report_options::multiple_testing is set.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::drift {

/// How the p-values of many features are corrected for multiple testing,
/// the choices alibi-detect offers for its univariate detectors.
enum class correction {
  none,              ///< each feature is tested at the threshold as it is
  bonferroni,        ///< p·m, capped at 1 (controls the family-wise error rate)
  benjamini_hochberg ///< step-up adjusted p-values (controls the false discovery rate)
};

/// "none", "bonferroni" or "benjamini_hochberg".
inline const char* to_string(correction c) noexcept {
  switch (c) {
  case correction::bonferroni:
    return "bonferroni";
  case correction::benjamini_hochberg:
    return "benjamini_hochberg";
  case correction::none:
    break;
  }
  return "none";
}

/// Parses a correction name: "none", "bonferroni", "benjamini_hochberg" (or
/// alibi-detect's "fdr"). Throws drift_error (mlguard.drift.invalid_option).
template <class = void>
correction correction_from_string(std::string_view name);

/// Adjusts p-values for multiple testing; the result has the input's order.
///
/// Bonferroni gives min(1, p·m). Benjamini–Hochberg gives the step-up
/// adjusted p-values min over j ≥ i of (m/j)·p₍j₎ (sorted ascending), capped
/// at 1; rejecting adjusted p < α is the BH procedure at FDR α. Both match
/// statsmodels.stats.multitest.multipletests (methods "bonferroni", "fdr_bh").
/// Throws drift_error (mlguard.drift.bad_p_value) on a p-value outside [0, 1] or NaN.
template <class = void>
std::vector<double> adjust_p_values(span<const double> p_values, correction method);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <algorithm>

#include "mlguard/stats/detail/sort.hpp"

namespace mlguard::drift {

template <class>
correction correction_from_string(std::string_view name) {
  if (name == "none") {
    return correction::none;
  }
  if (name == "bonferroni") {
    return correction::bonferroni;
  }
  if (name == "benjamini_hochberg" || name == "fdr" || name == "bh") {
    return correction::benjamini_hochberg;
  }
  throw drift_error("invalid_option", "unknown correction '" + std::string(name) +
                                          "' (expected none, bonferroni or benjamini_hochberg)");
}

template <class>
std::vector<double> adjust_p_values(span<const double> p_values, correction method) {
  for (double p : p_values) {
    if (!(p >= 0.0 && p <= 1.0)) {
      throw drift_error("bad_p_value", "p-value " + std::to_string(p) + " is not in [0, 1]");
    }
  }
  std::vector<double> adjusted(p_values.begin(), p_values.end());
  const auto m = static_cast<double>(p_values.size());
  if (method == correction::bonferroni) {
    for (double& p : adjusted) {
      p = std::min(1.0, p * m);
    }
  } else if (method == correction::benjamini_hochberg && !adjusted.empty()) {
    const std::vector<std::size_t> order = stats::detail::stable_order(p_values);
    double running = 1.0;
    for (std::size_t k = order.size(); k-- > 0;) {
      const double rank = static_cast<double>(k + 1);
      running = std::min(running, p_values[order[k]] * m / rank);
      adjusted[order[k]] = running;
    }
  }
  return adjusted;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_CORRECTION_HPP

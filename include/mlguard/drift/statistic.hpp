#ifndef MLGUARD_DRIFT_STATISTIC_HPP
#define MLGUARD_DRIFT_STATISTIC_HPP

// The one result type of every drift statistic (psi, jensen_shannon,
// chi_square, wasserstein, ...): statistic, p-value, degrees of freedom and
// the bins it used, with its JSON form.

#include <cstddef>
#include <limits>
#include <optional>

#include "mlguard/core/json.hpp"
#include "mlguard/drift/binning.hpp"

namespace mlguard::drift {

/// The result of one drift statistic on two samples, the same shape for every
/// method: the statistic (a distance, a divergence or a test statistic), the
/// p-value when the method has one, the degrees of freedom of chi-square
/// tests, and for binned methods the bins and proportions the statistic used,
/// so the number can be reproduced with numpy/scipy.
struct statistic_result {
  /// The statistic: a distance, a divergence, or a test statistic (chi², z).
  double statistic = std::numeric_limits<double>::quiet_NaN();
  /// The p-value, for the tests (chi_square, chi2_contingency, z_test).
  std::optional<double> p_value;
  /// Degrees of freedom, for the chi-square tests.
  std::optional<std::size_t> dof;
  /// The bins and the proportions used, for the binned statistics.
  std::optional<bin_table> bins;
};

/// JSON: {"statistic", "p_value"?, "dof"?, "bins"?}, doubles as json_number
/// writes them (an infinite statistic, chi-square with categories the
/// reference lacks, is "inf").
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const statistic_result& r) {
  j = json::object();
  j["statistic"] = json_number(r.statistic);
  if (r.p_value) {
    j["p_value"] = json_number(*r.p_value);
  }
  if (r.dof) {
    j["dof"] = *r.dof;
  }
  if (r.bins) {
    j["bins"] = *r.bins;
  }
}

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_STATISTIC_HPP

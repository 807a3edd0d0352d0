#ifndef MLGUARD_DRIFT_STATISTIC_HPP
#define MLGUARD_DRIFT_STATISTIC_HPP

// The one result type of every drift statistic (psi, jensen_shannon,
// chi_square, wasserstein, ...): statistic, p-value, degrees of freedom and
// the bins it used, with its JSON form; and the rule by which a report or a
// monitor window skips a statistic that decides nothing (NaN, or a distance
// that overflows double).

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>

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
void to_json(json& j, const statistic_result& r);

namespace detail {

/// Why `r` decides nothing, or "" when it decides. A NaN statistic or
/// p-value is undefined for the samples; an infinite statistic without a
/// p-value is a distance of finite samples past DBL_MAX (Wasserstein near
/// ±1e308), which no threshold can be compared with honestly. A test's
/// infinite statistic with a p-value decides (chi_square with a category
/// the reference lacks: inf and p = 0, as scipy). `method` names the
/// statistic, `subject` what it ran on ("these samples", "this window").
template <class = void>
std::string undecided_reason(const char* method, const statistic_result& r, const char* subject);

} // namespace detail

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class> // deferred: see core/json.hpp
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

namespace mlguard::drift::detail {

template <class>
std::string undecided_reason(const char* method, const statistic_result& r, const char* subject) {
  if (std::isnan(r.statistic) || (r.p_value && std::isnan(*r.p_value))) {
    return std::string(method) + " is undefined (NaN) for " + subject + "; choose another method";
  }
  if (std::isinf(r.statistic) && !r.p_value) {
    return std::string(method) + " overflows double for " + subject +
           " (the true value exceeds 1.8e308); choose another method";
  }
  return {};
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_STATISTIC_HPP

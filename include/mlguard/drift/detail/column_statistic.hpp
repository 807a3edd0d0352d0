#ifndef MLGUARD_DRIFT_DETAIL_COLUMN_STATISTIC_HPP
#define MLGUARD_DRIFT_DETAIL_COLUMN_STATISTIC_HPP

// Runs one report method on a column's values: the dispatch from
// drift::method to the statistics of stats/ and drift/.

#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/categorical.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/psi.hpp"
#include "mlguard/drift/statistic.hpp"
#include "mlguard/drift/wasserstein.hpp"
#include "mlguard/stats/cramer_von_mises.hpp"
#include "mlguard/stats/ks.hpp"
#include "mlguard/stats/mann_whitney.hpp"

namespace mlguard::drift::detail {

// The tests that compare category counts even on numeric columns.
template <class = void>
bool is_categorical_test(method m) noexcept;

// A method over category counts (categorical columns, or numeric values as categories).
template <class = void> // deferred: see core/json.hpp
statistic_result categorical_statistic(method m, const category_counts& counts);

// A method over two numeric samples (finite, non-missing values).
template <class = void>
statistic_result numeric_statistic(method m, const std::vector<double>& reference,
                                   const std::vector<double>& current,
                                   const binning_options& binning);

} // namespace mlguard::drift::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class>
bool is_categorical_test(method m) noexcept {
  return m == method::chi_square || m == method::chi2_contingency || m == method::z_test;
}

template <class> // deferred: see core/json.hpp
statistic_result categorical_statistic(method m, const category_counts& counts) {
  switch (m) {
  case method::psi:
    return psi(counts);
  case method::jensen_shannon:
    return jensen_shannon(counts);
  case method::kl_divergence:
    return kl_divergence(counts);
  case method::hellinger:
    return hellinger(counts);
  case method::total_variation:
    return total_variation(counts);
  case method::l_infinity:
    return l_infinity(counts);
  case method::chi_square:
    return chi_square(counts);
  case method::chi2_contingency:
    return chi2_contingency(counts);
  case method::z_test:
    return z_test(counts);
  default:
    throw drift_error("method_not_applicable",
                      std::string(to_string(m)) + " needs numbers; the column is categorical");
  }
}

template <class>
statistic_result numeric_statistic(method m, const std::vector<double>& reference,
                                   const std::vector<double>& current,
                                   const binning_options& binning) {
  if (is_categorical_test(m)) {
    return categorical_statistic(m, count_values(reference, current));
  }
  statistic_result r;
  switch (m) {
  case method::ks_2samp: {
    const auto ks = stats::ks_2samp(reference, current);
    r.statistic = ks.statistic;
    r.p_value = ks.p_value;
    return r;
  }
  case method::cramer_von_mises_2samp: {
    const auto cvm = stats::cramer_von_mises_2samp(reference, current);
    r.statistic = cvm.statistic;
    r.p_value = cvm.p_value;
    return r;
  }
  case method::mann_whitney_u: {
    const auto mw = stats::mann_whitney_u(reference, current);
    r.statistic = mw.statistic;
    r.p_value = mw.p_value;
    return r;
  }
  case method::psi:
    return psi(reference, current, binning);
  case method::wasserstein:
    return wasserstein(reference, current);
  case method::wasserstein_norm:
    return wasserstein_norm(reference, current);
  case method::energy:
    return energy(reference, current);
  case method::jensen_shannon:
    return jensen_shannon(reference, current, binning);
  case method::kl_divergence:
    return kl_divergence(reference, current, binning);
  case method::hellinger:
    return hellinger(reference, current, binning);
  case method::total_variation:
    return total_variation(reference, current, binning);
  case method::l_infinity:
    return l_infinity(reference, current, binning);
  default:
    throw drift_error("method_not_applicable", "no method chosen");
  }
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_COLUMN_STATISTIC_HPP

#ifndef MLGUARD_DRIFT_MONITOR_METHOD_HPP
#define MLGUARD_DRIFT_MONITOR_METHOD_HPP

// Which drift methods a streaming monitor (drift_monitor,
// concurrent_monitor, pipeline::monitoring_tap) can run over a window of a
// numeric or categorical feature, and which one it runs when asked for automatic.

#include <cstddef>

#include "mlguard/core/table.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {

/// True when the streaming monitor can run `m` on a numeric feature
/// (statistics over the fixed reference bins, KS over the samples, or automatic).
template <class = void>
bool monitor_supports(method m) noexcept;

/// True when the streaming monitor can run `m` on a feature of `kind`:
/// numeric as monitor_supports(m); categorical, the methods over category
/// counts (psi, jensen_shannon, kl_divergence, hellinger, total_variation,
/// l_infinity, chi_square, chi2_contingency, z_test) or automatic — not
/// ks_2samp, which needs an order.
template <class = void>
bool monitor_supports(method m, column_kind kind) noexcept;

/// The method the monitor runs on a feature: `m` itself, or for automatic:
/// - numeric: Jensen–Shannon when the reference has ≤ 5 distinct values,
///   KS otherwise (PSI when the reference has no KS sample). Evidently's rule
///   would pick Wasserstein for references over 1000 values, which needs the
///   whole window sorted against the whole reference; KS does too, but
///   yields a p-value.
/// - categorical: what compare() picks for a categorical column
///   (default_method: chi_square for ≤ 1000 reference values and > 2
///   categories, z_test for ≤ 2, jensen_shannon beyond 1000 values), counting
///   the categories the reference holds. compare() counts those of both
///   samples, so the two differ only when a window adds categories across
///   that 2-category line.
template <class = void>
method monitor_method(method m, const feature_reference& ref) noexcept;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class>
bool monitor_supports(method m) noexcept {
  switch (m) {
  case method::automatic:
  case method::ks_2samp:
  case method::psi:
  case method::jensen_shannon:
  case method::kl_divergence:
  case method::hellinger:
  case method::total_variation:
  case method::l_infinity:
  case method::chi_square:
    return true;
  default:
    return false;
  }
}

template <class>
bool monitor_supports(method m, column_kind kind) noexcept {
  if (kind == column_kind::numeric) {
    return monitor_supports(m);
  }
  return m == method::chi2_contingency || m == method::z_test ||
         (m != method::ks_2samp && monitor_supports(m));
}

template <class>
method monitor_method(method m, const feature_reference& ref) noexcept {
  if (m != method::automatic) {
    return m;
  }
  if (ref.is_categorical()) {
    return default_method(column_kind::categorical, static_cast<std::size_t>(ref.size()),
                          ref.present_bins());
  }
  if (ref.few_values()) {
    return method::jensen_shannon;
  }
  return ref.sorted_sample().empty() ? method::psi : method::ks_2samp;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_MONITOR_METHOD_HPP

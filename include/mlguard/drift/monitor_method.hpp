#ifndef MLGUARD_DRIFT_MONITOR_METHOD_HPP
#define MLGUARD_DRIFT_MONITOR_METHOD_HPP

// Which drift methods a streaming monitor (drift_monitor,
// concurrent_monitor, pipeline::monitoring_tap) can run over a window, and
// which one it runs on a feature when asked for automatic.

#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {

/// True when the streaming monitor can run `m` (statistics over the fixed
/// reference bins, KS over the samples, or automatic).
inline bool monitor_supports(method m) noexcept {
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

/// The method the monitor runs on a feature: `m` itself, or for automatic
/// Jensen–Shannon when the reference has ≤ 5 distinct values, KS otherwise
/// (PSI when the reference has no KS sample). Evidently's rule would pick
/// Wasserstein for references over 1000 values, which needs the whole
/// window sorted against the whole reference; KS does too, but yields a p-value.
inline method monitor_method(method m, const feature_reference& ref) noexcept {
  if (m != method::automatic) {
    return m;
  }
  if (ref.few_values()) {
    return method::jensen_shannon;
  }
  return ref.sorted_sample().empty() ? method::psi : method::ks_2samp;
}

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_MONITOR_METHOD_HPP

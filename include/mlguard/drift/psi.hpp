#ifndef MLGUARD_DRIFT_PSI_HPP
#define MLGUARD_DRIFT_PSI_HPP

// Population Stability Index over bins, as Evidently computes it (psi.py):
// zero proportions filled per array (fill_zero_proportions), then
// Σ (p_ref − p_cur)·ln(p_ref / p_cur), summed bin by bin.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/statistic.hpp"

namespace mlguard::drift {

namespace detail {
template <class = void>
void check_same_size(span<const double> p, span<const double> q);
} // namespace detail

/// Σ (r_i − c_i)·ln(r_i / c_i) over two proportion vectors taken as given
/// (no zero filling: a zero makes the sum inf or NaN, so fill first), summed
/// left to right as Evidently's psi does.
/// Throws argument_error (mlguard.argument.size_mismatch) when the sizes
/// differ, drift_error (mlguard.drift.empty_sample) when they are empty.
template <class = void>
double psi_value(span<const double> reference, span<const double> current);

/// PSI of a bin table holding raw proportions: fills the zeros of each
/// array (fill_zero_proportions, Evidently's rule), then psi_value. The
/// result's bins are the filled proportions actually used.
/// Throws as psi_value.
template <class = void>
statistic_result psi(bin_table bins);

/// PSI of two numeric samples binned with `options` (quantile bins of the
/// reference by default; evidently = Evidently's psi stattest exactly,
/// matching its published numbers).
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf with the evidently binning), mlguard.drift.invalid_option.
template <class = void>
statistic_result psi(span<const double> reference, span<const double> current,
                     const binning_options& options = {});

/// PSI of `current` against precomputed quantile bins of the reference.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input.
template <class = void>
statistic_result psi(const reference_bins& bins, span<const double> current);

/// The PSI value alone against precomputed bins, without allocating when
/// the bins are at most 64 (the monitoring hot path); equals psi(bins, current).statistic.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input.
template <class = void>
double psi_value(const reference_bins& bins, span<const double> current);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class>
void check_same_size(span<const double> p, span<const double> q) {
  if (p.size() != q.size()) {
    throw argument_error("size_mismatch", "proportion vectors of sizes " +
                                              std::to_string(p.size()) + " and " +
                                              std::to_string(q.size()));
  }
  if (p.empty()) {
    throw drift_error("empty_sample", "proportion vectors are empty");
  }
}

} // namespace mlguard::drift::detail

namespace mlguard::drift {

template <class>
double psi_value(span<const double> reference, span<const double> current) {
  detail::check_same_size(reference, current);
  double sum = 0.0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    sum += (reference[i] - current[i]) * std::log(reference[i] / current[i]);
  }
  return sum;
}

template <class>
statistic_result psi(bin_table bins) {
  const bool filled_ref = fill_zero_proportions(bins.reference);
  const bool filled_cur = fill_zero_proportions(bins.current);
  bins.zero_filled = filled_ref || filled_cur;
  statistic_result r;
  r.statistic = psi_value(bins.reference, bins.current);
  r.bins = std::move(bins);
  return r;
}

template <class>
statistic_result psi(span<const double> reference, span<const double> current,
                     const binning_options& options) {
  return psi(bin_samples(reference, current, options));
}

template <class>
statistic_result psi(const reference_bins& bins, span<const double> current) {
  return psi(bins.table(current));
}

template <class>
double psi_value(const reference_bins& bins, span<const double> current) {
  constexpr std::size_t max_stack_bins = 64;
  if (bins.size() > max_stack_bins) {
    return psi(bins, current).statistic;
  }
  if (current.empty()) {
    throw drift_error("empty_sample", "the current sample is empty");
  }
  std::array<std::uint64_t, max_stack_bins> counts{};
  bins.count(current, span<std::uint64_t>(counts.data(), bins.size()));
  std::array<double, max_stack_bins> ref{};
  std::array<double, max_stack_bins> cur{};
  const auto n_ref = static_cast<double>(bins.reference_size());
  const auto n_cur = static_cast<double>(current.size());
  for (std::size_t i = 0; i < bins.size(); ++i) {
    ref[i] = static_cast<double>(bins.reference_counts()[i]) / n_ref;
    cur[i] = static_cast<double>(counts[i]) / n_cur;
  }
  auto fill = [&](std::array<double, max_stack_bins>& p) {
    double smallest = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < bins.size(); ++i) {
      if (p[i] != 0.0) {
        smallest = std::min(smallest, p[i]);
      }
    }
    const double value = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
    for (std::size_t i = 0; i < bins.size(); ++i) {
      if (p[i] == 0.0) {
        p[i] = value;
      }
    }
  };
  fill(ref);
  fill(cur);
  return psi_value(span<const double>(ref.data(), bins.size()),
                   span<const double>(cur.data(), bins.size()));
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_PSI_HPP

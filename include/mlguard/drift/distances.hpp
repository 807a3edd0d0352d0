#ifndef MLGUARD_DRIFT_DISTANCES_HPP
#define MLGUARD_DRIFT_DISTANCES_HPP

// Distances and divergences between two probability vectors, and between two
// numeric samples through the binnings of drift/binning.hpp.
//
// Which proportions each statistic uses (numeric samples; categorical
// features in drift/categorical.hpp follow the same rule):
//   jensen_shannon, hellinger, total_variation, l_infinity: raw proportions
//     (count / size), as Evidently's jensenshannon (feel_zeroes=False) and TFDV;
//   kl_divergence (and psi): zero-filled proportions (fill_zero_proportions),
//     as Evidently's kl_div and psi.
// The *_value functions take proportion vectors as given.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/statistic.hpp"

namespace mlguard::drift {

/// Jensen–Shannon distance (√JS) or divergence (JS).
enum class js_output { distance, divergence };

/// The logarithm of an entropy-based statistic: nats or bits.
enum class log_base { natural, two };

namespace detail {

/// Checks two proportion (or count) vectors: same non-zero size, entries
/// finite and ≥ 0, each with a positive sum.
template <class = void>
void check_proportions(span<const double> p, span<const double> q);

/// scipy.special.rel_entr(x, y): x·ln(x/y) for x, y > 0; 0 for x = 0, y ≥ 0; else +inf.
template <class = void>
double rel_entr(double x, double y) noexcept;

/// p / np.sum(p).
template <class = void>
std::vector<double> normalised(span<const double> p);

template <typename F>
statistic_result binned_statistic(bin_table bins, bool fill, F&& f) {
  if (fill) {
    const bool a = fill_zero_proportions(bins.reference);
    const bool b = fill_zero_proportions(bins.current);
    bins.zero_filled = a || b;
  }
  statistic_result r;
  r.statistic = f(span<const double>(bins.reference), span<const double>(bins.current));
  r.bins = std::move(bins);
  return r;
}

} // namespace detail

/// Jensen–Shannon distance or divergence of two probability vectors, with
/// scipy.spatial.distance.jensenshannon's semantics: each vector is first
/// normalised to sum 1 (so counts work too), m = (p + q)/2,
/// JS = (Σ rel_entr(p, m) + Σ rel_entr(q, m)) / 2, in nats or bits; the
/// distance is √JS. Base 2 gives TFDV's Jensen–Shannon divergence (in [0, 1],
/// capped at 1). Matches scipy 1.10 jensenshannon(p, q, base) (its square for
/// the divergence) within 1e-12; where rounding makes JS a hair below 0
/// (scipy: NaN distance) this returns 0.
/// Throws argument_error (mlguard.argument.size_mismatch), drift_error
/// (mlguard.drift.empty_sample, mlguard.drift.bad_proportions).
template <class = void>
double jensen_shannon_value(span<const double> p, span<const double> q,
                            js_output output = js_output::distance,
                            log_base base = log_base::natural);

/// Kullback–Leibler divergence KL(p‖q) = Σ p ln(p/q) in nats, after
/// normalising both to sum 1: scipy.stats.entropy(p, q). +inf when q has a
/// zero where p has not (fill zeros first, as the binned forms do).
/// Throws as jensen_shannon_value.
template <class = void>
double kl_value(span<const double> p, span<const double> q);

/// Hellinger distance √(1 − BC) with the Bhattacharyya coefficient
/// BC = Σ √(p q) clipped to [0, 1], on proportions as given (Evidently's
/// hellinger formula for categorical features; equals ‖√p − √q‖₂/√2 for
/// vectors summing to 1). In [0, 1].
/// Throws as jensen_shannon_value.
template <class = void>
double hellinger_value(span<const double> p, span<const double> q);

/// Total variation distance ½ Σ |p − q| on proportions as given
/// (numpy: 0.5 * np.sum(np.abs(p - q))). In [0, 1].
/// Throws as jensen_shannon_value.
template <class = void>
double total_variation_value(span<const double> p, span<const double> q);

/// L-infinity distance max |p − q| on proportions as given (TFDV's
/// categorical drift comparator). In [0, 1].
/// Throws as jensen_shannon_value.
template <class = void>
double l_infinity_value(span<const double> p, span<const double> q);

/// Jensen–Shannon over a bin table of raw proportions (not zero-filled, as
/// Evidently's jensenshannon). Throws as jensen_shannon_value.
template <class = void>
statistic_result jensen_shannon(bin_table bins, js_output output = js_output::distance,
                                log_base base = log_base::natural);

/// KL(reference‖current) over a bin table, after zero filling (Evidently's kl_div).
template <class = void>
statistic_result kl_divergence(bin_table bins);

/// Hellinger distance over a bin table of raw proportions.
template <class = void>
statistic_result hellinger(bin_table bins);

/// Total variation distance over a bin table of raw proportions.
template <class = void>
statistic_result total_variation(bin_table bins);

/// L-infinity distance over a bin table of raw proportions.
template <class = void>
statistic_result l_infinity(bin_table bins);

/// Jensen–Shannon of two numeric samples binned with `options` (raw
/// proportions). With the evidently binning, natural log and distance output
/// this is Evidently's "jensenshannon" stattest.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input,
/// mlguard.drift.non_finite (±inf with the evidently binning), mlguard.drift.invalid_option.
template <class = void>
statistic_result jensen_shannon(span<const double> reference, span<const double> current,
                                const binning_options& options = {},
                                js_output output = js_output::distance,
                                log_base base = log_base::natural);

/// KL(reference‖current) of two numeric samples binned with `options`, with
/// zero-filled proportions (Evidently's kl_div with the evidently binning).
/// Throws as jensen_shannon.
template <class = void>
statistic_result kl_divergence(span<const double> reference, span<const double> current,
                               const binning_options& options = {});

/// Hellinger distance of two numeric samples binned with `options` (raw proportions).
/// Throws as jensen_shannon.
template <class = void>
statistic_result hellinger(span<const double> reference, span<const double> current,
                           const binning_options& options = {});

/// Total variation distance of two numeric samples binned with `options` (raw proportions).
/// Throws as jensen_shannon.
template <class = void>
statistic_result total_variation(span<const double> reference, span<const double> current,
                                 const binning_options& options = {});

/// L-infinity distance of two numeric samples binned with `options` (raw proportions).
/// Throws as jensen_shannon.
template <class = void>
statistic_result l_infinity(span<const double> reference, span<const double> current,
                            const binning_options& options = {});

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/psi.hpp"

namespace mlguard::drift::detail {

template <class>
void check_proportions(span<const double> p, span<const double> q) {
  check_same_size(p, q);
  for (auto v : {p, q}) {
    double total = 0.0;
    for (double x : v) {
      if (!(x >= 0.0) || std::isinf(x)) {
        throw drift_error("bad_proportions",
                          "proportions must be finite and non-negative, got " + std::to_string(x));
      }
      total += x;
    }
    if (!(total > 0.0)) {
      throw drift_error("bad_proportions", "proportions sum to zero");
    }
  }
}

template <class>
double rel_entr(double x, double y) noexcept {
  if (x > 0.0 && y > 0.0) {
    return x * std::log(x / y);
  }
  if (x == 0.0 && y >= 0.0) {
    return 0.0;
  }
  return std::numeric_limits<double>::infinity();
}

template <class>
std::vector<double> normalised(span<const double> p) {
  const double total = stats::detail::numpy_sum(p);
  std::vector<double> out(p.begin(), p.end());
  for (double& x : out) {
    x = x / total;
  }
  return out;
}

} // namespace mlguard::drift::detail

namespace mlguard::drift {

template <class>
double jensen_shannon_value(span<const double> p, span<const double> q, js_output output,
                            log_base base) {
  detail::check_proportions(p, q);
  const auto pn = detail::normalised(p);
  const auto qn = detail::normalised(q);
  std::vector<double> left(pn.size());
  std::vector<double> right(pn.size());
  for (std::size_t i = 0; i < pn.size(); ++i) {
    const double m = (pn[i] + qn[i]) / 2.0;
    left[i] = detail::rel_entr(pn[i], m);
    right[i] = detail::rel_entr(qn[i], m);
  }
  double js = stats::detail::numpy_sum(left.data(), left.size()) +
              stats::detail::numpy_sum(right.data(), right.size());
  if (base == log_base::two) {
    js /= std::log(2.0);
  }
  const double divergence = std::max(0.0, js / 2.0);
  if (output == js_output::divergence) {
    return base == log_base::two ? std::min(1.0, divergence) : divergence;
  }
  return std::sqrt(divergence);
}

template <class>
double kl_value(span<const double> p, span<const double> q) {
  detail::check_proportions(p, q);
  const auto pn = detail::normalised(p);
  const auto qn = detail::normalised(q);
  std::vector<double> terms(pn.size());
  for (std::size_t i = 0; i < pn.size(); ++i) {
    terms[i] = detail::rel_entr(pn[i], qn[i]);
  }
  return stats::detail::numpy_sum(terms.data(), terms.size());
}

template <class>
double hellinger_value(span<const double> p, span<const double> q) {
  detail::check_proportions(p, q);
  double bc = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    bc += std::sqrt(p[i] * q[i]);
  }
  bc = std::min(1.0, std::max(0.0, bc));
  return std::sqrt(1.0 - bc);
}

template <class>
double total_variation_value(span<const double> p, span<const double> q) {
  detail::check_proportions(p, q);
  std::vector<double> terms(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    terms[i] = std::abs(p[i] - q[i]);
  }
  return 0.5 * stats::detail::numpy_sum(terms.data(), terms.size());
}

template <class>
double l_infinity_value(span<const double> p, span<const double> q) {
  detail::check_proportions(p, q);
  double worst = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    worst = std::max(worst, std::abs(p[i] - q[i]));
  }
  return worst;
}

template <class>
statistic_result jensen_shannon(bin_table bins, js_output output, log_base base) {
  return detail::binned_statistic(std::move(bins), false,
                                  [&](span<const double> p, span<const double> q) {
                                    return jensen_shannon_value(p, q, output, base);
                                  });
}

template <class>
statistic_result kl_divergence(bin_table bins) {
  return detail::binned_statistic(std::move(bins), true, kl_value<>);
}

template <class>
statistic_result hellinger(bin_table bins) {
  return detail::binned_statistic(std::move(bins), false, hellinger_value<>);
}

template <class>
statistic_result total_variation(bin_table bins) {
  return detail::binned_statistic(std::move(bins), false, total_variation_value<>);
}

template <class>
statistic_result l_infinity(bin_table bins) {
  return detail::binned_statistic(std::move(bins), false, l_infinity_value<>);
}

template <class>
statistic_result jensen_shannon(span<const double> reference, span<const double> current,
                                const binning_options& options, js_output output, log_base base) {
  return jensen_shannon(bin_samples(reference, current, options), output, base);
}

template <class>
statistic_result kl_divergence(span<const double> reference, span<const double> current,
                               const binning_options& options) {
  return kl_divergence(bin_samples(reference, current, options));
}

template <class>
statistic_result hellinger(span<const double> reference, span<const double> current,
                           const binning_options& options) {
  return hellinger(bin_samples(reference, current, options));
}

template <class>
statistic_result total_variation(span<const double> reference, span<const double> current,
                                 const binning_options& options) {
  return total_variation(bin_samples(reference, current, options));
}

template <class>
statistic_result l_infinity(span<const double> reference, span<const double> current,
                            const binning_options& options) {
  return l_infinity(bin_samples(reference, current, options));
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DISTANCES_HPP

#ifndef MLGUARD_ROLLBACK_HODGES_LEHMANN_HPP
#define MLGUARD_ROLLBACK_HODGES_LEHMANN_HPP

// The Hodges–Lehmann estimate of a location shift between two samples and
// its confidence interval from inverting the Wilcoxon rank-sum test, as
// Kayenta's MannWhitney (a port of R's wilcox.test interval code) computes
// it: the canary judge's per-metric statistic (canary_judge.hpp).
//
// Errors (rollback_error): mlguard.rollback.empty_sample,
// mlguard.rollback.non_finite, mlguard.rollback.invalid_option. Stateless.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"

namespace mlguard::rollback {

/// The Hodges–Lehmann estimate of the shift experiment − control and its interval.
struct hodges_lehmann_result {
  double estimate = 0.0;        ///< median of the n·m differences e_j − c_i
  double lower = 0.0;           ///< lower end of the confidence interval
  double upper = 0.0;           ///< upper end of the confidence interval
  double confidence = 0.98;     ///< the interval's confidence level
  std::size_t n_control = 0;    ///< size of the control sample
  std::size_t n_experiment = 0; ///< size of the experiment sample
};

/// JSON form: {"estimate", "lower", "upper", "confidence", "n_control", "n_experiment"}.
template <class = void>
void to_json(json& j, const hodges_lehmann_result& r);

/// The Hodges–Lehmann estimate of the location shift experiment − control and
/// its confidence interval at `confidence`, as Kayenta's MannWhitney computes it.
///
/// estimate: the median of all n·m differences e_j − c_i, as
/// numpy.median(numpy.subtract.outer(experiment, control)).
/// Interval: R's wilcox.test(experiment, control, conf.int = TRUE,
/// exact = FALSE, correct = TRUE, conf.level = confidence), which Kayenta
/// ports: with C(μ) the number of differences above μ, dz = C(μ) − nm/2 and the
/// tie-corrected σ = √(nm/12·((n+m+1) − Σ(t³−t)/((n+m)(n+m−1)))) (ties t within
/// each arm), the function f(μ) = (dz − sign(dz)/2)/σ − q steps down at each
/// difference; the lower end is where it crosses 0 for q = z, the upper end
/// for q = −z, z = Φ⁻¹(1 − (1 − confidence)/2), clamped to [min, max] of the
/// differences as R and Kayenta clamp to [min(e) − max(c), max(e) − min(c)].
/// R and Kayenta find each crossing with a root finder (tolerance 1e-4);
/// mlguard finds the difference it converges to by rank, exactly. (At a
/// difference itself R ranks the arms' tie and σ shrinks; a root finder that
/// happens to evaluate exactly there can stop one step early. mlguard uses
/// the limits from either side.)
/// Matches numpy (the estimate, exactly) and a Python port of Kayenta's
/// procedure run with scipy.optimize.brentq to ~1e-16 (the interval, within
/// 1e-12 × max(|end|, largest |difference|); tests/reference/gen_canary_judge.py,
/// scipy 1.10.1). Degenerate samples are fine: a single value per arm gives [d, d].
///
/// Cost: O((n+m) log(n+m)) to sort; up to
/// detail::pairwise_materialise_limit (2^20) pairs the differences are
/// materialised (O(nm) time and memory), beyond that each order statistic
/// costs ≤ 64 passes of O(n+m) and no extra memory.
/// Throws rollback_error: mlguard.rollback.empty_sample when an arm is empty,
/// mlguard.rollback.non_finite on NaN or ±inf, mlguard.rollback.invalid_option
/// when confidence is not in (0, 1).
template <class = void>
hodges_lehmann_result hodges_lehmann(span<const double> control, span<const double> experiment,
                                     double confidence = 0.98);

namespace detail {

/// Copies `x` sorted ascending; NaN and ±inf throw mlguard.rollback.non_finite.
template <class = void>
std::vector<double> sorted_finite(span<const double> x, const char* what);

/// Σ(t³ − t) over the runs of equal values of an ascending sample.
template <class = void>
double tie_term(const std::vector<double>& sorted);

/// Kayenta's wilcoxonDiff between steps: (dz − sign(dz)/2)/σ − q, dz = above − nm/2.
template <class = void>
double wilcoxon_difference(double above, double pairs, double sigma, double q);

/// The rank k in [1, N] of the difference at which f crosses zero: the
/// smallest k with f ≤ 0 just above the k-th difference (C = N − k), clamped.
template <class = void>
std::uint64_t crossing_rank(std::uint64_t pairs, double sigma, double q);

template <class = void>
void check_confidence(double confidence, const char* where);

template <class = void>
hodges_lehmann_result hodges_lehmann_sorted(const std::vector<double>& c,
                                            const std::vector<double>& e, double confidence,
                                            std::uint64_t limit);

} // namespace detail

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/rollback/detail/pairwise_differences.hpp"
#include "mlguard/stats/special.hpp"

namespace mlguard::rollback {

template <class>
hodges_lehmann_result hodges_lehmann(span<const double> control, span<const double> experiment,
                                     double confidence) {
  detail::check_confidence(confidence, "hodges_lehmann");
  if (control.empty() || experiment.empty()) {
    throw rollback_error("empty_sample", std::string("hodges_lehmann: the ") +
                                             (control.empty() ? "control" : "experiment") +
                                             " sample is empty");
  }
  const auto c = detail::sorted_finite(control, "control");
  const auto e = detail::sorted_finite(experiment, "experiment");
  return detail::hodges_lehmann_sorted(c, e, confidence, detail::pairwise_materialise_limit);
}

template <class>
void to_json(json& j, const hodges_lehmann_result& r) {
  j = json::object();
  j["estimate"] = json_number(r.estimate);
  j["lower"] = json_number(r.lower);
  j["upper"] = json_number(r.upper);
  j["confidence"] = json_number(r.confidence);
  j["n_control"] = r.n_control;
  j["n_experiment"] = r.n_experiment;
}

} // namespace mlguard::rollback

namespace mlguard::rollback::detail {

template <class>
std::vector<double> sorted_finite(span<const double> x, const char* what) {
  std::vector<double> out(x.begin(), x.end());
  for (double v : out) {
    if (!std::isfinite(v)) {
      throw rollback_error("non_finite", std::string("hodges_lehmann: the ") + what +
                                             " sample holds NaN or infinity (drop them first)");
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

template <class>
double tie_term(const std::vector<double>& sorted) {
  double sum = 0.0;
  std::size_t start = 0;
  while (start < sorted.size()) {
    std::size_t end = start + 1;
    while (end < sorted.size() && sorted[end] == sorted[start]) {
      ++end;
    }
    const auto t = static_cast<double>(end - start);
    sum += t * t * t - t;
    start = end;
  }
  return sum;
}

template <class>
double wilcoxon_difference(double above, double pairs, double sigma, double q) {
  const double dz = above - pairs / 2.0;
  const double correction = dz > 0.0 ? 0.5 : (dz < 0.0 ? -0.5 : 0.0);
  return (dz - correction) / sigma - q;
}

template <class>
std::uint64_t crossing_rank(std::uint64_t pairs, double sigma, double q) {
  const auto n = static_cast<double>(pairs);
  // f(C = N − k) is non-increasing in k: bisect k in [0, N].
  std::uint64_t lo = 0;
  std::uint64_t hi = pairs;
  if (wilcoxon_difference(0.0, n, sigma, q) > 0.0) {
    return pairs; // positive everywhere: the root search returns the maximum
  }
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    if (wilcoxon_difference(static_cast<double>(pairs - mid), n, sigma, q) <= 0.0) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return std::max<std::uint64_t>(lo, 1);
}

template <class>
void check_confidence(double confidence, const char* where) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw rollback_error("invalid_option", std::string(where) + ": confidence " +
                                               std::to_string(confidence) + " is not in (0, 1)");
  }
}

template <class>
hodges_lehmann_result hodges_lehmann_sorted(const std::vector<double>& c,
                                            const std::vector<double>& e, double confidence,
                                            std::uint64_t limit) {
  pairwise_differences d(e, c, limit);
  const std::uint64_t pairs = d.size();
  const auto n = static_cast<double>(e.size());
  const auto m = static_cast<double>(c.size());
  const double ties = tie_term(e) + tie_term(c);
  // Between steps only values within an arm tie, so σ > 0 always: at least
  // n²m²/(4(n+m−1)), when each arm holds a single value.
  const double sigma =
      std::sqrt((n * m / 12.0) * ((n + m + 1.0) - ties / ((n + m) * (n + m - 1.0))));
  const double z = stats::normal_ppf(1.0 - (1.0 - confidence) / 2.0);

  hodges_lehmann_result r;
  r.confidence = confidence;
  r.n_control = c.size();
  r.n_experiment = e.size();
  if (pairs % 2 == 1) {
    r.estimate = d.kth(pairs / 2 + 1);
  } else {
    r.estimate = (d.kth(pairs / 2) + d.kth(pairs / 2 + 1)) / 2.0;
  }
  r.lower = d.kth(crossing_rank(pairs, sigma, z));
  r.upper = d.kth(crossing_rank(pairs, sigma, -z));
  return r;
}

} // namespace mlguard::rollback::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_HODGES_LEHMANN_HPP

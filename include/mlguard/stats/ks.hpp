#ifndef MLGUARD_STATS_KS_HPP
#define MLGUARD_STATS_KS_HPP

// Two-sample Kolmogorov–Smirnov test with the semantics of
// scipy.stats.ks_2samp (scipy 1.10): the statistic, where and with which sign
// the ECDF difference peaks, the exact p-value from lattice-path counting
// (Hodges 1958; Viehmann 2021 for the two-sided "1 − p" recursion) and the
// asymptotic one (the exact one-sample distribution kstwo for two-sided,
// Hodges' eq. 5.3 for one-sided), with scipy's automatic choice between them
// and its fall-back from exact to asymptotic.
//
// Input contract (all functions here):
//  - an empty sample throws stats_error mlguard.stats.empty_sample;
//  - NaN anywhere throws stats_error mlguard.stats.nan_input (missing values
//    are NaN in mlguard; callers drop them first);
//  - ±infinity are ordinary values, ordered below / above every finite value,
//    as numpy sorts them; scipy gives the same results on such input.
// Nothing here keeps state; all functions are safe to call concurrently on
// distinct scratch buffers.

#include <cstddef>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/stats/alternative.hpp"

namespace mlguard::stats {

/// How ks_2samp computes its p-value (scipy's `method=`).
enum class ks_method {
  automatic,  ///< "auto": exact when max(n1, n2) ≤ 10000, asymptotic otherwise
  exact,      ///< "exact": exact lattice-path probability (falls back to asymptotic as scipy does)
  asymptotic, ///< "asymp": kstwo for two-sided, Hodges' approximation for one-sided
};

/// scipy's spelling of `m`: "auto", "exact" or "asymp".
inline const char* to_string(ks_method m) noexcept {
  switch (m) {
  case ks_method::exact:
    return "exact";
  case ks_method::asymptotic:
    return "asymp";
  case ks_method::automatic:
  default:
    return "auto";
  }
}

/// Result of a two-sample Kolmogorov–Smirnov test; fields as scipy's KstestResult.
struct ks_result {
  /// D: the maximal ECDF difference (for the exact method rounded to the
  /// nearest multiple of 1/lcm(n1, n2), as scipy reports it).
  double statistic = 0.0;
  /// p-value in [0, 1] (NaN only in scipy's own NaN case: two-sided asymptotic
  /// with n1 = n2 = 1, where round(n1·n2/(n1+n2)) = 0).
  double p_value = 1.0;
  /// The sample value at which the ECDF difference D is attained.
  double statistic_location = 0.0;
  /// +1 when ECDF(a) − ECDF(b) = +D there, −1 when it is −D.
  int statistic_sign = 1;
  /// The method actually used, after automatic choice and fall-backs
  /// (never ks_method::automatic).
  ks_method method = ks_method::exact;
  std::size_t n1 = 0; ///< size of the first sample
  std::size_t n2 = 0; ///< size of the second sample
};

/// JSON form: {"statistic", "p_value", "statistic_location", "statistic_sign",
/// "method" ("exact" | "asymp"), "n1", "n2"}. Doubles follow core/json.hpp's
/// json_number: a NaN p-value is null, an infinite location "inf" or "-inf".
template <class = void> // deferred: see core/json.hpp
void to_json(json& j, const ks_result& r);

/// Two-sample Kolmogorov–Smirnov test of `a` against `b`.
///
/// Two-sided: D = max |F_a − F_b|. alternative::less: D = max(F_b − F_a)
/// (the alternative "the distribution of a is less than that of b", i.e. F_a
/// lies below F_b). alternative::greater: D = max(F_a − F_b). Exactly as
/// scipy.stats.ks_2samp(a, b, alternative, method) in scipy 1.10.1, including
/// statistic_location/statistic_sign, the exact-method quantisation of D and
/// the automatic fall-back from the exact to the asymptotic p-value (where
/// scipy warns "Exact calculation unsuccessful"); result.method tells which
/// was used. p-values agree with scipy to 1e-12 absolute or 1e-9 relative
/// (tests/stats/ks.test.cpp, fixtures from tests/reference/gen_stats.py).
///
/// Below n1 + n2 = 20000 it copies and sorts both samples and merges them once.
/// From 20000 on it does not sort: a sampled pass sizes value-monotone
/// buckets, one streaming pass counts both samples into them, the exact ECDF
/// difference at bucket ends bounds where the extremes can lie, and only the
/// values of those few buckets are gathered, sorted and merged (same result, bit for bit).
/// Allocates its scratch; see the overload below to reuse a buffer. Throws stats_error
/// mlguard.stats.empty_sample and mlguard.stats.nan_input (see the contract at the top of this
/// header).
template <class = void>
ks_result ks_2samp(span<const double> a, span<const double> b,
                   alternative alt = alternative::two_sided,
                   ks_method method = ks_method::automatic);

/// As ks_2samp above, using `scratch` as working memory (grown as needed; its
/// capacity is never reduced), so repeated calls with a reused buffer do not
/// allocate once it is large enough: n1 + n2 + max(n1, n2) doubles below
/// n1 + n2 = 20000; above, at most (n1 + n2)/16 + 110000 doubles plus three per
/// value of the candidate buckets (typically a few thousand values).
/// Exceptions: the exact one-sided p-value with n1 ≠ n2 (path counting) and
/// the two-sided asymptotic p-value when kstwo needs its Durbin-matrix or
/// Pomeranz method (n·D² small) allocate small temporaries.
template <class = void>
ks_result ks_2samp(span<const double> a, span<const double> b, alternative alt, ks_method method,
                   std::vector<double>& scratch);

/// As ks_2samp, for samples already sorted ascending (no copy, no sort): for
/// monitors that keep a sorted reference window. Checks the order in the same
/// pass that looks for NaN and throws stats_error mlguard.stats.unsorted_input
/// when a sample is not ascending, besides empty_sample and nan_input.
/// Allocates only for the p-value: a buffer of at most min(n1, n2) + 1
/// doubles for the exact two-sided p-value with n1 ≠ n2 (the scratch overload
/// avoids it), plus the cases listed under the scratch overload of ks_2samp.
template <class = void>
ks_result ks_2samp_sorted(span<const double> a_sorted, span<const double> b_sorted,
                          alternative alt = alternative::two_sided,
                          ks_method method = ks_method::automatic);

/// As ks_2samp_sorted, with a reusable scratch buffer (see ks_2samp).
template <class = void>
ks_result ks_2samp_sorted(span<const double> a_sorted, span<const double> b_sorted, alternative alt,
                          ks_method method, std::vector<double>& scratch);

/// The p-value part alone: given sample sizes and a statistic `d` computed as
/// ks_2samp does, returns the result ks_2samp would report (statistic
/// quantised when the exact method is used; location 0 and sign +1, which
/// the caller overwrites). Throws stats_error mlguard.stats.empty_sample when
/// a size is 0.
template <class = void>
ks_result ks_2samp_p_value(std::size_t n1, std::size_t n2, double d, alternative alt,
                           ks_method method, std::vector<double>& scratch);

} // namespace mlguard::stats

#include "mlguard/stats/detail/ks_impl.hpp"

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::stats {

template <class> // deferred: see core/json.hpp
void to_json(json& j, const ks_result& r) {
  j = json::object();
  j["statistic"] = json_number(r.statistic);
  j["p_value"] = json_number(r.p_value);
  j["statistic_location"] = json_number(r.statistic_location);
  j["statistic_sign"] = r.statistic_sign;
  j["method"] = to_string(r.method);
  j["n1"] = r.n1;
  j["n2"] = r.n2;
}

} // namespace mlguard::stats

#endif // MLGUARD_COMPILED
#endif // MLGUARD_STATS_KS_HPP

#ifndef MLGUARD_DRIFT_DETAIL_EVALUATE_WINDOW_HPP
#define MLGUARD_DRIFT_DETAIL_EVALUATE_WINDOW_HPP

// The evaluation of one monitor window against its references with the batch
// statistics of drift/ and stats/, so a window's verdict equals compare() on
// the window's rows. Used by drift_monitor. Not for direct use.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/drift_report.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/statistic.hpp"
#include "mlguard/stats/alternative.hpp"
#include "mlguard/stats/ks.hpp"

namespace mlguard::drift {

namespace detail {

/// The name of a categorical feature's "other" bin in window reports.
inline constexpr const char* other_category = "<other>";

/// A categorical window against its reference with compare()'s semantics:
/// the categories present in either (reference first, in bin order, then
/// those only the window has), the reference's vocabulary + "<other>" as
/// names, then the category_counts form of the method.
template <class = void> // deferred: see core/json.hpp
statistic_result evaluate_categories(const feature_reference& ref, method m,
                                     const std::uint64_t* counts, column_drift& out);

/// The statistic of one feature's window against its reference, with the
/// batch functions: for numeric features the bin_table/category_counts forms
/// of psi, jensen_shannon, kl_divergence, hellinger, total_variation,
/// l_infinity and chi_square, and stats::ks_2samp_sorted (p-value by
/// `ks_mode`); for categorical ones evaluate_categories. `values` holds the
/// window's finite values (sorted here in place); `scratch` is the KS working buffer.
template <class = void>
column_drift evaluate_feature(const feature_reference& ref, method requested,
                              std::optional<double> threshold, const std::uint64_t* counts,
                              std::uint64_t missing, std::uint64_t non_finite, double* values,
                              std::size_t n_values, std::vector<double>& scratch,
                              stats::ks_method ks_mode = stats::ks_method::automatic);

} // namespace detail

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/categorical.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/drift/monitor_method.hpp"
#include "mlguard/drift/psi.hpp"

namespace mlguard::drift::detail {

template <class> // deferred: see core/json.hpp
statistic_result evaluate_categories(const feature_reference& ref, method m,
                                     const std::uint64_t* counts, column_drift& out) {
  category_counts c;
  const std::size_t v = ref.vocabulary().size();
  const auto& names = ref.vocabulary().names();
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t b = 0; b <= v; ++b) {
      const double r = ref.counts()[b];
      const bool take = pass == 0 ? r > 0.0 : (r == 0.0 && counts[b] > 0);
      if (take) {
        c.categories.push_back(b < v ? names[b] : other_category);
        c.reference.push_back(r);
        c.current.push_back(static_cast<double>(counts[b]));
      }
    }
  }
  detail::finish_counts(c);
  out.unseen_categories = c.unseen_categories;
  out.unseen_current = c.unseen_current;
  switch (m) {
  case method::psi:
    return psi(c);
  case method::jensen_shannon:
    return jensen_shannon(c);
  case method::kl_divergence:
    return kl_divergence(c);
  case method::hellinger:
    return hellinger(c);
  case method::total_variation:
    return total_variation(c);
  case method::l_infinity:
    return l_infinity(c);
  case method::chi_square:
    return chi_square(c);
  case method::chi2_contingency:
    return chi2_contingency(c);
  case method::z_test:
    return z_test(c);
  default:
    throw drift_error("method_not_applicable",
                      std::string(to_string(m)) + " needs numbers; the feature is categorical");
  }
}

template <class>
column_drift evaluate_feature(const feature_reference& ref, method requested,
                              std::optional<double> threshold, const std::uint64_t* counts,
                              std::uint64_t missing, std::uint64_t non_finite, double* values,
                              std::size_t n_values, std::vector<double>& scratch,
                              stats::ks_method ks_mode) {
  column_drift out;
  out.name = ref.name();
  out.kind = ref.kind();
  out.stat = monitor_method(requested, ref);
  out.threshold = threshold.value_or(default_threshold(out.stat));
  out.n_reference = static_cast<std::size_t>(ref.size());
  out.missing_reference = static_cast<std::size_t>(ref.missing());
  out.non_finite_reference = static_cast<std::size_t>(ref.non_finite());
  std::uint64_t n = 0;
  for (std::size_t b = 0; b < ref.bins(); ++b) {
    n += counts[b];
  }
  out.n_current = static_cast<std::size_t>(n);
  out.missing_current = static_cast<std::size_t>(missing);
  out.non_finite_current = static_cast<std::size_t>(non_finite);
  if (n == 0) {
    out.skipped = ref.is_categorical() ? "the window has no present values"
                                       : "the window has no finite values";
    return out;
  }
  try {
    statistic_result r;
    if (ref.is_categorical()) {
      r = evaluate_categories(ref, out.stat, counts, out);
    } else if (out.stat == method::ks_2samp) {
      if (ref.sorted_sample().empty()) {
        out.skipped = "ks needs the reference sample (built with keep_sample = false)";
        return out;
      }
      if (n_values != n) {
        out.skipped = "ks needs the window's values, which this state does not hold";
        return out;
      }
      std::sort(values, values + n_values);
      const span<const double> window(values, n_values);
      if (ref.from_profile()) {
        // D against the profile's pseudo-sample, the p-value for the true sizes.
        const auto d =
            stats::ks_2samp_sorted(ref.sorted_sample(), window, stats::alternative::two_sided,
                                   stats::ks_method::asymptotic, scratch);
        const auto p =
            stats::ks_2samp_p_value(static_cast<std::size_t>(ref.size()), n_values, d.statistic,
                                    stats::alternative::two_sided, ks_mode, scratch);
        r.statistic = p.statistic;
        r.p_value = p.p_value;
      } else {
        const auto ks = stats::ks_2samp_sorted(ref.sorted_sample(), window,
                                               stats::alternative::two_sided, ks_mode, scratch);
        r.statistic = ks.statistic;
        r.p_value = ks.p_value;
      }
    } else if (out.stat == method::chi_square) {
      category_counts c;
      for (std::size_t b = 0; b < ref.bins(); ++b) {
        c.categories.push_back("bin " + std::to_string(b));
        c.current.push_back(static_cast<double>(counts[b]));
      }
      c.reference = ref.counts();
      r = chi_square(c);
    } else {
      bin_table t;
      t.kind = bin_kind::intervals;
      t.edges = ref.edges();
      t.reference = ref.proportions();
      t.current.resize(ref.bins());
      const auto denominator = static_cast<double>(n);
      for (std::size_t b = 0; b < ref.bins(); ++b) {
        t.current[b] = static_cast<double>(counts[b]) / denominator;
      }
      switch (out.stat) {
      case method::psi:
        r = psi(std::move(t));
        break;
      case method::jensen_shannon:
        r = jensen_shannon(std::move(t));
        break;
      case method::kl_divergence:
        r = kl_divergence(std::move(t));
        break;
      case method::hellinger:
        r = hellinger(std::move(t));
        break;
      case method::total_variation:
        r = total_variation(std::move(t));
        break;
      case method::l_infinity:
        r = l_infinity(std::move(t));
        break;
      default:
        out.skipped = std::string(to_string(out.stat)) + " is not a monitor method";
        return out;
      }
    }
    if (auto why = undecided_reason(to_string(out.stat), r, "this window"); !why.empty()) {
      out.skipped = std::move(why);
      return out;
    }
    out.statistic = r.statistic;
    out.p_value = r.p_value;
    out.drifted = r.p_value ? *r.p_value < out.threshold : r.statistic >= out.threshold;
  } catch (const error& e) {
    out.skipped = std::string(e.message());
  }
  return out;
}

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_EVALUATE_WINDOW_HPP

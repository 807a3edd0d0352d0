#ifndef MLGUARD_DRIFT_WINDOW_STATE_HPP
#define MLGUARD_DRIFT_WINDOW_STATE_HPP

// The mergeable state of one monitor window, the report a closed window
// yields, and the evaluation of a window against its references with the
// batch statistics of drift/ and stats/.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/drift/categorical.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/drift/method.hpp"
#include "mlguard/drift/psi.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/stats/ks.hpp"

namespace mlguard::drift {

/// One feature's part of a window: counts per reference bin of the finite
/// values, missing (NaN) and ±Inf counts, and the finite values themselves
/// when the method needs them (KS).
struct feature_window_state {
  std::vector<std::uint64_t> counts;
  std::uint64_t missing = 0;
  std::uint64_t non_finite = 0;
  std::vector<double> values;

  /// The number of finite values (the sum of the bin counts).
  std::uint64_t finite() const noexcept {
    std::uint64_t n = 0;
    for (auto c : counts) {
      n += c;
    }
    return n;
  }
};

/// The state of a window over all features. Replicas that monitor the same
/// references produce states that merge into the state of the union of
/// their rows: counts add exactly, the value samples concatenate (KS is
/// order-free), so the merged evaluation equals one monitor seeing all rows.
struct window_state {
  std::uint64_t rows = 0;
  std::vector<feature_window_state> features;

  /// Folds `other` in. Throws argument_error (mlguard.argument.size_mismatch)
  /// when the states come from monitors with different features or bins.
  void merge(const window_state& other) {
    if (other.features.size() != features.size()) {
      throw argument_error("size_mismatch", "window states of " + std::to_string(features.size()) +
                                                " and " + std::to_string(other.features.size()) +
                                                " features");
    }
    for (std::size_t f = 0; f < features.size(); ++f) {
      if (other.features[f].counts.size() != features[f].counts.size()) {
        throw argument_error("size_mismatch", "window states with different bins");
      }
    }
    rows += other.rows;
    for (std::size_t f = 0; f < features.size(); ++f) {
      auto& mine = features[f];
      const auto& theirs = other.features[f];
      for (std::size_t b = 0; b < mine.counts.size(); ++b) {
        mine.counts[b] += theirs.counts[b];
      }
      mine.missing += theirs.missing;
      mine.non_finite += theirs.non_finite;
      mine.values.insert(mine.values.end(), theirs.values.begin(), theirs.values.end());
    }
  }
};

/// What a closed window yields: where it lies in the stream and the drift
/// verdict per feature plus the aggregate (a drift_report: columns are the
/// features, share_drifted ≥ drift_share means dataset drift).
struct window_report {
  std::uint64_t index = 0; ///< 0-based number of the window
  std::uint64_t first_row =
      0;                      ///< 1-based position of its first row in the stream (0: merged state)
  std::uint64_t last_row = 0; ///< 1-based position of its last row
  std::uint64_t rows = 0;     ///< rows in the window
  std::optional<timestamp> start; ///< time windows: the start of the window's time span
  drift_report drift;
};

/// JSON: {"window", "first_row", "last_row", "rows", "start_ns"?, "dataset_drift",
/// "share_drifted", "drifted_features", "evaluated_features", "features": [{"name",
/// "method", "statistic", "p_value" (null for distances), "threshold", "drifted",
/// "n", "missing", "non_finite", "skipped"?}]} — one line of `mlguard monitor`.
inline void to_json(json& j, const window_report& w) {
  j = json::object();
  j["window"] = w.index;
  j["first_row"] = w.first_row;
  j["last_row"] = w.last_row;
  j["rows"] = w.rows;
  if (w.start) {
    j["start_ns"] = w.start->time_since_epoch().count();
  }
  j["dataset_drift"] = w.drift.dataset_drift;
  j["share_drifted"] = w.drift.share_drifted;
  j["drifted_features"] = w.drift.drifted;
  j["evaluated_features"] = w.drift.evaluated;
  json features = json::array();
  for (const auto& c : w.drift.columns) {
    json f = {{"name", c.name},
              {"method", to_string(c.stat)},
              {"statistic", detail::json_number(c.statistic)},
              {"p_value", c.p_value ? detail::json_number(*c.p_value) : json(nullptr)},
              {"threshold", c.threshold},
              {"drifted", c.drifted},
              {"n", c.n_current},
              {"missing", c.missing_current},
              {"non_finite", c.non_finite_current}};
    if (c.skipped) {
      f["skipped"] = *c.skipped;
    }
    features.push_back(std::move(f));
  }
  j["features"] = std::move(features);
}

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

namespace detail {

/// The statistic of one feature's window against its reference, with the
/// batch functions: the bin_table/category_counts forms of psi,
/// jensen_shannon, kl_divergence, hellinger, total_variation, l_infinity and
/// chi_square, and stats::ks_2samp_sorted (p-value by `ks_mode`). `values` holds the window's
/// finite values (sorted here in place); `scratch` is the KS working buffer.
inline column_drift evaluate_feature(const feature_reference& ref, method requested,
                                     std::optional<double> threshold, const std::uint64_t* counts,
                                     std::uint64_t missing, std::uint64_t non_finite,
                                     double* values, std::size_t n_values,
                                     std::vector<double>& scratch,
                                     stats::ks_method ks_mode = stats::ks_method::automatic) {
  column_drift out;
  out.name = ref.name();
  out.kind = column_kind::numeric;
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
    out.skipped = "the window has no finite values";
    return out;
  }
  try {
    statistic_result r;
    if (out.stat == method::ks_2samp) {
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
    if (std::isnan(r.statistic) || (r.p_value && std::isnan(*r.p_value))) {
      out.skipped = std::string(to_string(out.stat)) + " is undefined (NaN) for this window";
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

/// The aggregate verdict, as compare() decides it: share of drifted features
/// among the evaluated ones, dataset drift when ≥ drift_share.
inline void finish_report(drift_report& report, double drift_share) {
  report.drift_share = drift_share;
  report.drifted = 0;
  report.evaluated = 0;
  for (const auto& c : report.columns) {
    if (!c.skipped) {
      ++report.evaluated;
      report.drifted += c.drifted ? 1 : 0;
    }
  }
  report.share_drifted = report.evaluated == 0 ? 0.0
                                               : static_cast<double>(report.drifted) /
                                                     static_cast<double>(report.evaluated);
  report.dataset_drift = report.evaluated > 0 && report.share_drifted >= drift_share;
}

} // namespace detail

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_WINDOW_STATE_HPP

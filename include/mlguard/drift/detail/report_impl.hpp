#ifndef MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP
#define MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP

// compare() and the JSON form of drift reports; included by drift/report.hpp.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "mlguard/drift/detail/column_statistic.hpp"

namespace mlguard::drift {
namespace detail {

// The non-missing, finite values of a numeric column, with the counts dropped.
struct numeric_sample {
  std::vector<double> values;
  std::size_t missing = 0;
  std::size_t non_finite = 0;
};

inline numeric_sample finite_values(const column& c) {
  numeric_sample s;
  s.values.reserve(c.size());
  for (double v : c.values()) {
    if (std::isnan(v)) {
      ++s.missing;
    } else if (std::isinf(v)) {
      ++s.non_finite;
    } else {
      s.values.push_back(v);
    }
  }
  return s;
}

// The number of distinct values across two samples, counted up to `limit` + 1
// (the default method only asks whether there are more than 5): O(n · limit),
// no sort and no copy.
inline std::size_t distinct_count_up_to(const std::vector<double>& a, const std::vector<double>& b,
                                        std::size_t limit) {
  std::vector<double> seen;
  seen.reserve(limit + 1);
  for (const auto* sample : {&a, &b}) {
    for (double v : *sample) {
      if (std::find(seen.begin(), seen.end(), v) == seen.end()) {
        seen.push_back(v);
        if (seen.size() > limit) {
          return seen.size();
        }
      }
    }
  }
  return seen.size();
}

inline std::vector<std::int32_t> present_codes(const column& c, std::size_t& missing) {
  std::vector<std::int32_t> codes;
  codes.reserve(c.size());
  for (auto code : c.codes()) {
    if (code == missing_code) {
      ++missing;
    } else {
      codes.push_back(code);
    }
  }
  return codes;
}

inline column_drift compare_column(const column& ref, const column& cur,
                                   const report_options& options) {
  column_drift out;
  out.name = ref.name();
  out.kind = ref.kind();
  method chosen = options.stat;
  std::optional<double> threshold = options.threshold;
  if (auto it = options.per_column.find(ref.name()); it != options.per_column.end()) {
    if (it->second.stat != method::automatic) {
      chosen = it->second.stat;
    }
    if (it->second.threshold) {
      threshold = it->second.threshold;
    }
  }

  auto skip = [&](std::string why) {
    out.stat = chosen;
    out.threshold = threshold.value_or(default_threshold(chosen));
    out.skipped = std::move(why);
    return out;
  };

  // A statistic scipy would report as NaN (e.g. an exact p-value past
  // double range) decides nothing: the column is skipped, not silently kept.
  auto finish = [&](const statistic_result& result) {
    if (std::isnan(result.statistic) || (result.p_value && std::isnan(*result.p_value))) {
      return skip(std::string(to_string(chosen)) +
                  " is undefined (NaN) for these samples; choose another method");
    }
    out.statistic = result.statistic;
    out.p_value = result.p_value;
    return out;
  };

  if (ref.kind() != cur.kind()) {
    return skip(std::string("numeric in one table and categorical in the other (") +
                to_string(ref.kind()) + " in reference, " + to_string(cur.kind()) + " in current)");
  }

  try {
    if (ref.is_numeric()) {
      auto r = finite_values(ref);
      auto c = finite_values(cur);
      out.missing_reference = r.missing;
      out.missing_current = c.missing;
      out.non_finite_reference = r.non_finite;
      out.non_finite_current = c.non_finite;
      out.n_reference = r.values.size();
      out.n_current = c.values.size();
      if (chosen == method::automatic) {
        chosen = default_method(column_kind::numeric, r.values.size(),
                                distinct_count_up_to(r.values, c.values, 5));
      }
      if (r.values.empty() || c.values.empty()) {
        return skip(r.values.empty() ? "the reference has no finite values"
                                     : "the current sample has no finite values");
      }
      out.stat = chosen;
      out.threshold = threshold.value_or(default_threshold(chosen));
      if (is_categorical_test(chosen)) {
        const auto counts = count_values(r.values, c.values);
        out.unseen_categories = counts.unseen_categories;
        out.unseen_current = counts.unseen_current;
      }
      const auto result = numeric_statistic(chosen, r.values, c.values,
                                            binning_options{options.binning, options.bins});
      return finish(result);
    }

    const auto ref_codes = present_codes(ref, out.missing_reference);
    const auto cur_codes = present_codes(cur, out.missing_current);
    out.n_reference = ref_codes.size();
    out.n_current = cur_codes.size();
    if (ref_codes.empty() || cur_codes.empty()) {
      if (chosen == method::automatic) {
        chosen = default_method(column_kind::categorical, out.n_reference, 0);
      }
      return skip(ref_codes.empty() ? "the reference has no values"
                                    : "the current sample has no values");
    }
    const auto counts = count_categories(ref_codes, ref.vocab(), cur_codes, cur.vocab());
    out.unseen_categories = counts.unseen_categories;
    out.unseen_current = counts.unseen_current;
    if (chosen == method::automatic) {
      chosen = default_method(column_kind::categorical, out.n_reference, counts.size());
    }
    if (!applies_to(chosen, column_kind::categorical)) {
      return skip(std::string(to_string(chosen)) + " needs numbers; this column is categorical");
    }
    out.stat = chosen;
    out.threshold = threshold.value_or(default_threshold(chosen));
    return finish(categorical_statistic(chosen, counts));
  } catch (const error& e) {
    // A statistic that cannot run on this column (too few values for an
    // exact test, ...) skips the column with the reason, not the whole report.
    return skip(std::string(e.message()));
  }
}

} // namespace detail

/// Compares every selected column of `current` with the same column of
/// `reference` and decides per column and for the dataset, as Evidently's
/// data-drift preset does: missing values (NaN, empty fields) and ±Inf are
/// excluded from the statistics and counted; each column runs its method
/// (chosen by Evidently's rules when automatic); p-value methods drift when
/// p (adjusted, if a correction is set) < threshold, distances when ≥ threshold;
/// the dataset drifts when the share of drifted columns is ≥ drift_share.
///
/// Columns that cannot be compared (no values left, a column numeric in one
/// table and categorical in the other, an order-based method such as ks asked
/// of a categorical column) are reported with `skipped` saying why, and do not
/// count towards the share.
/// Throws drift_error: mlguard.drift.unknown_column (a requested column is
/// missing from either table), mlguard.drift.bad_option (bins = 0, a threshold
/// that is NaN or negative, a drift_share outside [0, 1]).
inline drift_report compare(const table& reference, const table& current,
                            const report_options& options = {}) {
  if (options.bins == 0) {
    throw drift_error("bad_option", "bins must be at least 1");
  }
  if (!(options.drift_share >= 0.0 && options.drift_share <= 1.0)) {
    throw drift_error("bad_option", "drift_share must be in [0, 1]");
  }
  if (options.threshold && !(*options.threshold >= 0.0)) {
    throw drift_error("bad_option", "threshold must be a non-negative number");
  }
  drift_report report;
  report.drift_share = options.drift_share;
  report.multiple_testing = options.multiple_testing;

  std::vector<std::string> names = options.columns;
  if (names.empty()) {
    for (const auto& c : reference) {
      if (current.find(c.name()) != nullptr) {
        names.push_back(c.name());
      } else {
        report.only_in_reference.push_back(c.name());
      }
    }
    for (const auto& c : current) {
      if (reference.find(c.name()) == nullptr) {
        report.only_in_current.push_back(c.name());
      }
    }
  }
  for (const auto& name : names) {
    const column* ref = reference.find(name);
    const column* cur = current.find(name);
    if (ref == nullptr || cur == nullptr) {
      throw drift_error("unknown_column", "column '" + name + "' is not in the " +
                                              (ref == nullptr ? "reference" : "current") + " data");
    }
    report.columns.push_back(detail::compare_column(*ref, *cur, options));
  }

  // Multiple-testing correction over the columns that have a p-value.
  std::vector<double> p_values;
  for (const auto& c : report.columns) {
    if (!c.skipped && c.p_value) {
      p_values.push_back(std::clamp(*c.p_value, 0.0, 1.0));
    }
  }
  const auto adjusted = adjust_p_values(p_values, options.multiple_testing);
  std::size_t next = 0;
  for (auto& c : report.columns) {
    if (c.skipped) {
      continue;
    }
    if (c.p_value) {
      if (options.multiple_testing != correction::none) {
        c.p_value_adjusted = adjusted[next];
      }
      c.drifted = adjusted[next] < c.threshold;
      ++next;
    } else {
      c.drifted = c.statistic >= c.threshold;
    }
    ++report.evaluated;
    report.drifted += c.drifted ? 1 : 0;
  }
  if (report.evaluated > 0) {
    report.share_drifted =
        static_cast<double>(report.drifted) / static_cast<double>(report.evaluated);
    report.dataset_drift = report.share_drifted >= options.drift_share;
  }
  return report;
}

namespace detail {
inline json number_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
} // namespace detail

/// JSON form of one column's verdict (the CLI's "columns" entries).
inline void to_json(json& j, const column_drift& c) {
  j = json{{"name", c.name},
           {"kind", to_string(c.kind)},
           {"method", to_string(c.stat)},
           {"statistic", detail::number_or_null(c.statistic)},
           {"p_value", c.p_value ? detail::number_or_null(*c.p_value) : json(nullptr)},
           {"threshold", c.threshold},
           {"drifted", c.drifted},
           {"n_reference", c.n_reference},
           {"n_current", c.n_current},
           {"missing_reference", c.missing_reference},
           {"missing_current", c.missing_current},
           {"non_finite_reference", c.non_finite_reference},
           {"non_finite_current", c.non_finite_current}};
  if (c.p_value_adjusted) {
    j["p_value_adjusted"] = *c.p_value_adjusted;
  }
  if (c.kind == column_kind::categorical || c.unseen_categories > 0) {
    j["unseen_categories"] = c.unseen_categories;
    j["unseen_current"] = c.unseen_current;
  }
  if (c.skipped) {
    j["skipped"] = *c.skipped;
  }
}

/// JSON form of a drift report: {"format_version": 1, "dataset_drift",
/// "share_drifted", "columns": [...], ...}, what `mlguard drift --format json` prints.
inline void to_json(json& j, const drift_report& r) {
  j = json{{"format", "drift_report"},
           {"format_version", 1},
           {"dataset_drift", r.dataset_drift},
           {"share_drifted", r.share_drifted},
           {"drifted_columns", r.drifted},
           {"evaluated_columns", r.evaluated},
           {"drift_share", r.drift_share},
           {"correction", to_string(r.multiple_testing)},
           {"columns", r.columns},
           {"only_in_reference", r.only_in_reference},
           {"only_in_current", r.only_in_current}};
}

} // namespace mlguard::drift

#endif // MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP

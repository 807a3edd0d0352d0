#ifndef MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP
#define MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP

// The body of compare(), declared and documented in drift/report.hpp.
// Not for direct use.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/correction.hpp"
#include "mlguard/drift/detail/column_statistic.hpp"
#include "mlguard/drift/method.hpp"

namespace mlguard::drift {
namespace detail {

// The non-missing, finite values of a numeric column, with the counts dropped.
struct numeric_sample {
  std::vector<double> values;
  std::size_t missing = 0;
  std::size_t non_finite = 0;
};

template <class = void> // deferred: see core/json.hpp
numeric_sample finite_values(const column& c);

// The number of distinct values across two samples, counted up to `limit` + 1
// (the default method only asks whether there are more than 5): O(n · limit),
// no sort and no copy.
template <class = void>
std::size_t distinct_count_up_to(const std::vector<double>& a, const std::vector<double>& b,
                                 std::size_t limit);

template <class = void>
std::vector<std::int32_t> present_codes(const column& c, std::size_t& missing);

template <class = void>
column_drift compare_column(const column& ref, const column& cur, const report_options& options);

} // namespace detail

template <class>
drift_report compare(const table& reference, const table& current, const report_options& options) {
  if (options.bins == 0) {
    throw drift_error("invalid_option", "bins must be at least 1");
  }
  if (!(options.drift_share >= 0.0 && options.drift_share <= 1.0)) {
    throw drift_error("invalid_option", "drift_share must be in [0, 1]");
  }
  if (options.threshold && !(*options.threshold >= 0.0)) {
    throw drift_error("invalid_option", "threshold must be a non-negative number");
  }
  drift_report report;
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
  }
  detail::tally(report, options.drift_share);
  return report;
}

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift::detail {

template <class> // deferred: see core/json.hpp
numeric_sample finite_values(const column& c) {
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

template <class>
std::size_t distinct_count_up_to(const std::vector<double>& a, const std::vector<double>& b,
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

template <class>
std::vector<std::int32_t> present_codes(const column& c, std::size_t& missing) {
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

template <class>
column_drift compare_column(const column& ref, const column& cur, const report_options& options) {
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

  // A statistic that decides nothing (NaN, e.g. an exact p-value past double
  // range; a distance past DBL_MAX) skips the column with the reason, never
  // a verdict on a null or "inf".
  auto finish = [&](const statistic_result& result) {
    if (auto why = undecided_reason(to_string(chosen), result, "these samples"); !why.empty()) {
      return skip(std::move(why));
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

} // namespace mlguard::drift::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_DETAIL_REPORT_IMPL_HPP

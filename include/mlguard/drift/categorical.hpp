#ifndef MLGUARD_DRIFT_CATEGORICAL_HPP
#define MLGUARD_DRIFT_CATEGORICAL_HPP

// Drift statistics of categorical features: category counts over the union
// of the categories of two samples, then Evidently's chi-square goodness of
// fit and two-proportion Z-test, scipy's chi2_contingency (alibi-detect's
// test), and PSI, Jensen–Shannon, KL, Hellinger, total variation and
// L-infinity over the categories.
//
// The union holds the categories present in either sample (categories a
// vocabulary knows but no value uses are left out, as Evidently's unique()
// leaves them out). Proportions are count / sample size; PSI and KL use them
// zero-filled per array (fill_zero_proportions), the others raw.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/drift/binning.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/drift/statistic.hpp"

namespace mlguard::drift {

/// Counts of two samples over the union of their categories.
template <class = void> // deferred: see core/json.hpp
struct basic_category_counts {
  /// The category names: for strings and codes, the reference's categories
  /// (in vocabulary-code or first-appearance order), then the ones only the
  /// current sample has; for numbers (count_values), the distinct values
  /// ascending, formatted with %.17g.
  std::vector<std::string> categories;
  /// count_values only: the numeric value of each category (ascending).
  std::vector<double> values;
  /// The count of each category in the reference and the current sample.
  std::vector<double> reference;
  std::vector<double> current;
  /// The categories the current sample has and the reference lacks, and the
  /// number of current values in them.
  std::size_t unseen_categories = 0;
  std::size_t unseen_current = 0;

  /// The number of categories.
  std::size_t size() const noexcept { return categories.size(); }
  /// The sample sizes (sums of the counts).
  double reference_size() const noexcept { return sum(reference); }
  double current_size() const noexcept { return sum(current); }

private:
  static double sum(const std::vector<double>& v) noexcept;
};

/// The type to name (a class template only so that its bodies compile where used).
using category_counts = basic_category_counts<>;

namespace detail {

template <class = void>
void finish_counts(category_counts& c);

template <class = void>
std::vector<double> code_counts(span<const std::int32_t> codes, const vocabulary& vocab,
                                const char* which);

template <class = void>
std::vector<double> proportions(const std::vector<double>& counts);

template <class = void>
bin_table category_table(const category_counts& c);

template <class = void>
void check_counts(const category_counts& c);

} // namespace detail

/// Counts two categorical samples given as codes into their vocabularies,
/// matching categories by their strings across the two vocabularies.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input
/// (a missing_code: drop missing values first); argument_error
/// (mlguard.argument.unknown_code) for any other code outside the vocabulary.
template <class = void>
category_counts count_categories(span<const std::int32_t> reference,
                                 const vocabulary& reference_vocab,
                                 span<const std::int32_t> current, const vocabulary& current_vocab);

/// Counts two categorical samples given as strings; categories in order of
/// first appearance, the reference's first.
/// Throws drift_error (mlguard.drift.empty_sample).
template <class = void>
category_counts count_categories(span<const std::string> reference,
                                 span<const std::string> current);

/// Counts two numeric samples with each distinct value as a category
/// (values ascending), as Evidently does for numeric features with few
/// values (chisquare, z-test, and get_binned_data's ≤ 20 values path).
/// ±inf are values like any other.
/// Throws drift_error: mlguard.drift.empty_sample, mlguard.drift.nan_input.
template <class = void>
category_counts count_values(span<const double> reference, span<const double> current);

/// PSI over the categories (zero-filled proportions), as Evidently's psi
/// does for categorical features. Throws drift_error (mlguard.drift.empty_sample).
template <class = void>
statistic_result psi(const category_counts& counts);

/// Jensen–Shannon over the categories (raw proportions; Evidently's
/// jensenshannon with natural log and distance output). Throws as psi.
template <class = void>
statistic_result jensen_shannon(const category_counts& counts,
                                js_output output = js_output::distance,
                                log_base base = log_base::natural);

/// KL(reference‖current) over the categories (zero-filled proportions, as
/// Evidently's kl_div). Throws as psi.
template <class = void>
statistic_result kl_divergence(const category_counts& counts);

/// Hellinger distance over the categories (raw proportions; Evidently's
/// hellinger for categorical features). Throws as psi.
template <class = void>
statistic_result hellinger(const category_counts& counts);

/// Total variation distance over the categories (raw proportions). Throws as psi.
template <class = void>
statistic_result total_variation(const category_counts& counts);

/// L-infinity distance over the categories (raw proportions; TFDV's
/// categorical comparator). Throws as psi.
template <class = void>
statistic_result l_infinity(const category_counts& counts);

/// Chi-square goodness of fit of the current counts against the reference
/// counts scaled to the current size, as Evidently's chisquare stattest:
/// f_exp = reference · n_cur / n_ref over the union of categories, then
/// scipy.stats.chisquare(f_obs, f_exp): statistic Σ (f_obs − f_exp)²/f_exp,
/// dof = k − 1, p = chi2_sf. A category the reference lacks makes the
/// statistic +inf and p 0 (as scipy). With a single category, statistic 0 and
/// p 1 (scipy: p NaN).
/// Throws drift_error (mlguard.drift.empty_sample).
template <class = void>
statistic_result chi_square(const category_counts& counts);

/// Chi-square test of independence on the 2 × k contingency table
/// [reference counts; current counts], as scipy.stats.chi2_contingency
/// (alibi-detect's categorical test): expected = row · column / total,
/// Yates' continuity correction when dof = 1 and `yates` (scipy's default),
/// statistic Σ (obs − exp)²/exp, dof = k − 1, p = chi2_sf. With a single
/// category (dof 0): statistic 0, p 1, as scipy.
/// Throws drift_error (mlguard.drift.empty_sample).
template <class = void>
statistic_result chi2_contingency(const category_counts& counts, bool yates = true);

/// Two-proportion Z-test as Evidently's z stattest: each value becomes 0 when
/// it is the first category in sorted order (string order; numeric order for
/// count_values) and 1 otherwise; z = (p₁ − p₂)/√(P(1−P)(1/n₁ + 1/n₂)) with
/// the pooled P; two-sided p = 2·(1 − Φ(|z|)) (computed as 2·sf(|z|), equal
/// within 1e-16 and accurate in the tail). The statistic is z. When both
/// samples hold the same single category: statistic 0, p 1 (as Evidently).
/// Throws drift_error (mlguard.drift.empty_sample).
template <class = void>
statistic_result z_test(const category_counts& counts);

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/drift/detail/samples.hpp"
#include "mlguard/drift/psi.hpp"
#include "mlguard/stats/special.hpp"

namespace mlguard::drift {

template <class V>
MLGUARD_INLINE auto basic_category_counts<V>::sum(const std::vector<double>& v) noexcept -> double {
  double s = 0.0;
  for (double x : v) {
    s += x;
  }
  return s;
}

} // namespace mlguard::drift

namespace mlguard::drift::detail {

template <class>
void finish_counts(category_counts& c) {
  c.unseen_categories = 0;
  c.unseen_current = 0;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (c.reference[i] == 0.0 && c.current[i] > 0.0) {
      ++c.unseen_categories;
      c.unseen_current += static_cast<std::size_t>(c.current[i]);
    }
  }
}

template <class>
std::vector<double> code_counts(span<const std::int32_t> codes, const vocabulary& vocab,
                                const char* which) {
  if (codes.empty()) {
    throw drift_error("empty_sample", std::string("the ") + which + " sample is empty");
  }
  std::vector<double> counts(vocab.size(), 0.0);
  for (auto code : codes) {
    if (code == missing_code) {
      throw drift_error("nan_input", std::string("the ") + which +
                                         " sample holds missing values; drop them first");
    }
    if (code < 0 || static_cast<std::size_t>(code) >= vocab.size()) {
      throw argument_error("unknown_code", "category code " + std::to_string(code) +
                                               " is not in the " + which + " vocabulary");
    }
    counts[static_cast<std::size_t>(code)] += 1.0;
  }
  return counts;
}

template <class>
std::vector<double> proportions(const std::vector<double>& counts) {
  double n = 0.0;
  for (double x : counts) {
    n += x;
  }
  std::vector<double> p(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    p[i] = counts[i] / n;
  }
  return p;
}

template <class>
bin_table category_table(const category_counts& c) {
  if (c.size() == 0 || c.reference_size() == 0.0 || c.current_size() == 0.0) {
    throw drift_error("empty_sample", "category counts of an empty sample");
  }
  bin_table t;
  if (c.values.empty()) {
    t.kind = bin_kind::categories;
    t.categories = c.categories;
  } else {
    t.kind = bin_kind::values;
    t.values = c.values;
  }
  t.reference = proportions(c.reference);
  t.current = proportions(c.current);
  return t;
}

template <class>
void check_counts(const category_counts& c) {
  if (c.reference.size() != c.size() || c.current.size() != c.size()) {
    throw argument_error("size_mismatch", "category counts of inconsistent sizes");
  }
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!(c.reference[i] >= 0.0) || !(c.current[i] >= 0.0) || std::isinf(c.reference[i]) ||
        std::isinf(c.current[i])) {
      throw drift_error("bad_proportions", "category counts must be finite and non-negative");
    }
  }
  if (c.size() == 0 || c.reference_size() == 0.0 || c.current_size() == 0.0) {
    throw drift_error("empty_sample", "category counts of an empty sample");
  }
}

} // namespace mlguard::drift::detail

namespace mlguard::drift {

template <class>
category_counts
count_categories(span<const std::int32_t> reference, const vocabulary& reference_vocab,
                 span<const std::int32_t> current, const vocabulary& current_vocab) {
  const auto ref = detail::code_counts(reference, reference_vocab, "reference");
  const auto cur = detail::code_counts(current, current_vocab, "current");
  category_counts c;
  // Slot of each reference code in the union (only categories with values).
  std::vector<std::size_t> ref_slot(reference_vocab.size(), 0);
  for (std::size_t code = 0; code < ref.size(); ++code) {
    if (ref[code] > 0.0) {
      ref_slot[code] = c.categories.size();
      c.categories.push_back(reference_vocab.names()[code]);
      c.reference.push_back(ref[code]);
    }
  }
  c.current.assign(c.categories.size(), 0.0);
  for (std::size_t code = 0; code < cur.size(); ++code) {
    if (cur[code] == 0.0) {
      continue;
    }
    const auto& name = current_vocab.names()[code];
    const auto r = reference_vocab.code_of(name);
    if (r != unseen_code && ref[static_cast<std::size_t>(r)] > 0.0) {
      c.current[ref_slot[static_cast<std::size_t>(r)]] += cur[code];
    } else {
      c.categories.push_back(name);
      c.reference.push_back(0.0);
      c.current.push_back(cur[code]);
    }
  }
  detail::finish_counts(c);
  return c;
}

template <class>
category_counts count_categories(span<const std::string> reference,
                                 span<const std::string> current) {
  auto encode = [](span<const std::string> values, vocabulary& vocab) {
    std::vector<std::int32_t> codes;
    codes.reserve(values.size());
    for (const auto& v : values) {
      codes.push_back(vocab.add(v));
    }
    return codes;
  };
  vocabulary ref_vocab;
  vocabulary cur_vocab;
  const auto ref = encode(reference, ref_vocab);
  const auto cur = encode(current, cur_vocab);
  return count_categories(ref, ref_vocab, cur, cur_vocab);
}

template <class>
category_counts count_values(span<const double> reference, span<const double> current) {
  detail::check_sample(reference, "reference");
  detail::check_sample(current, "current");
  std::vector<double> all(reference.begin(), reference.end());
  all.insert(all.end(), current.begin(), current.end());
  category_counts c;
  c.values = detail::distinct_sorted(std::move(all));
  c.reference.assign(c.values.size(), 0.0);
  c.current.assign(c.values.size(), 0.0);
  auto count = [&](span<const double> x, std::vector<double>& counts) {
    for (double v : x) {
      const auto it = std::lower_bound(c.values.begin(), c.values.end(), v);
      counts[static_cast<std::size_t>(it - c.values.begin())] += 1.0;
    }
  };
  count(reference, c.reference);
  count(current, c.current);
  c.categories.reserve(c.values.size());
  for (double v : c.values) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    c.categories.emplace_back(text);
  }
  detail::finish_counts(c);
  return c;
}

template <class>
statistic_result psi(const category_counts& counts) {
  detail::check_counts(counts);
  return psi(detail::category_table(counts));
}

template <class>
statistic_result jensen_shannon(const category_counts& counts, js_output output, log_base base) {
  detail::check_counts(counts);
  return jensen_shannon(detail::category_table(counts), output, base);
}

template <class>
statistic_result kl_divergence(const category_counts& counts) {
  detail::check_counts(counts);
  return kl_divergence(detail::category_table(counts));
}

template <class>
statistic_result hellinger(const category_counts& counts) {
  detail::check_counts(counts);
  return hellinger(detail::category_table(counts));
}

template <class>
statistic_result total_variation(const category_counts& counts) {
  detail::check_counts(counts);
  return total_variation(detail::category_table(counts));
}

template <class>
statistic_result l_infinity(const category_counts& counts) {
  detail::check_counts(counts);
  return l_infinity(detail::category_table(counts));
}

template <class>
statistic_result chi_square(const category_counts& counts) {
  detail::check_counts(counts);
  const double k_norm = counts.current_size() / counts.reference_size();
  std::vector<double> terms(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double expected = counts.reference[i] * k_norm;
    const double d = counts.current[i] - expected;
    terms[i] = expected == 0.0 ? std::numeric_limits<double>::infinity() : d * d / expected;
  }
  statistic_result r;
  r.dof = counts.size() - 1;
  if (counts.size() == 1) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    return r;
  }
  r.statistic = stats::detail::numpy_sum(terms.data(), terms.size());
  r.p_value =
      std::isinf(r.statistic) ? 0.0 : stats::chi2_sf(r.statistic, static_cast<double>(*r.dof));
  return r;
}

template <class>
statistic_result chi2_contingency(const category_counts& counts, bool yates) {
  detail::check_counts(counts);
  const std::size_t k = counts.size();
  statistic_result r;
  r.dof = k - 1;
  if (k == 1) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    return r;
  }
  const double rows[2] = {counts.reference_size(), counts.current_size()};
  const double total = rows[0] + rows[1];
  std::vector<double> terms;
  terms.reserve(2 * k);
  for (std::size_t row = 0; row < 2; ++row) {
    const auto& observed = row == 0 ? counts.reference : counts.current;
    for (std::size_t j = 0; j < k; ++j) {
      const double column = counts.reference[j] + counts.current[j];
      const double expected = rows[row] * column / total;
      double obs = observed[j];
      if (yates && k == 2) {
        const double diff = expected - obs;
        const double direction = diff > 0.0 ? 1.0 : (diff < 0.0 ? -1.0 : 0.0);
        obs = obs + std::min(0.5, std::abs(diff)) * direction;
      }
      const double d = obs - expected;
      terms.push_back(d * d / expected);
    }
  }
  r.statistic = stats::detail::numpy_sum(terms.data(), terms.size());
  r.p_value = stats::chi2_sf(r.statistic, static_cast<double>(*r.dof));
  return r;
}

template <class>
statistic_result z_test(const category_counts& counts) {
  detail::check_counts(counts);
  statistic_result r;
  std::size_t ref_present = 0;
  std::size_t cur_present = 0;
  bool same_single = false;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    ref_present += counts.reference[i] > 0.0 ? 1 : 0;
    cur_present += counts.current[i] > 0.0 ? 1 : 0;
    same_single = same_single || (counts.reference[i] > 0.0 && counts.current[i] > 0.0);
  }
  if (ref_present == 1 && cur_present == 1 && same_single) {
    r.statistic = 0.0;
    r.p_value = 1.0;
    return r;
  }
  std::size_t first = 0;
  for (std::size_t i = 1; i < counts.size(); ++i) {
    const bool before = counts.values.empty() ? counts.categories[i] < counts.categories[first]
                                              : counts.values[i] < counts.values[first];
    if (before) {
      first = i;
    }
  }
  const double n1 = counts.reference_size();
  const double n2 = counts.current_size();
  const double p1 = (n1 - counts.reference[first]) / n1;
  const double p2 = (n2 - counts.current[first]) / n2;
  const double pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const double z = (p1 - p2) / std::sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
  r.statistic = z;
  r.p_value = 2.0 * stats::normal_sf(std::abs(z));
  return r;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_CATEGORICAL_HPP

#ifndef MLGUARD_REPORT_DETAIL_DISTRIBUTION_HPP
#define MLGUARD_REPORT_DETAIL_DISTRIBUTION_HPP

// What the drift report draws per column: the reference and current
// distributions on common terms. Numeric columns: equal-width bins over the
// finite values of both samples, as shares of each sample. Categorical
// columns: categories matched by name (each CSV file has its own codes), the
// most frequent ones and "other", as shares. Missing values and ±Inf are
// left out and counted. Both are linear in the rows (plus V log k to rank V
// categories).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "mlguard/core/table.hpp"

namespace mlguard::report::detail {

/// Counts of one sample that a picture leaves out or draws.
struct sample_counts {
  std::size_t drawn = 0;      // finite values / non-missing categories
  std::size_t missing = 0;    // NaN, missing codes
  std::size_t non_finite = 0; // ±Inf
};

/// Two numeric samples binned on one grid: shares of each sample's finite values.
struct numeric_picture {
  double lo = 0;
  double hi = 0;
  std::vector<double> reference;
  std::vector<double> current;
  sample_counts ref;
  sample_counts cur;
};

/// Two categorical samples as shares of their non-missing values, on the
/// same labels: the top categories by combined share, then "other".
struct category_picture {
  std::vector<std::string> labels;
  std::vector<double> reference;
  std::vector<double> current;
  std::size_t other_categories = 0; // folded into the last label when > 0
  sample_counts ref;
  sample_counts cur;
};

template <class = void>
void count_values(const std::vector<double>& values, sample_counts& counts, double& lo, double& hi);

template <class = void>
void bin_shares(const std::vector<double>& values, const numeric_picture& p, std::size_t drawn,
                std::vector<double>& shares);

/// Bins both samples on `bins` equal-width bins over [min, max] of their
/// finite values together (one bin when every value is the same).
template <class = void> // deferred: see core/json.hpp
numeric_picture numeric_histogram(const std::vector<double>& reference,
                                  const std::vector<double>& current, std::size_t bins);

/// Counts of each category of `c` on the union index `slot` (by code).
template <class = void>
void count_codes(const column& c, const std::vector<std::size_t>& slot, std::vector<double>& counts,
                 sample_counts& n);

/// The shares of both categorical columns on the `top` most frequent
/// categories (by the sum of both shares; ties by name) and "other".
template <class = void>
category_picture category_bars(const column& reference, const column& current, std::size_t top);

/// The columns of a table by name, so a report finds each in constant time.
using column_index = std::unordered_map<std::string_view, const column*>;

template <class = void>
column_index index_columns(const table& t);

} // namespace mlguard::report::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::report::detail {

template <class>
void count_values(const std::vector<double>& values, sample_counts& counts, double& lo,
                  double& hi) {
  for (double v : values) {
    if (std::isnan(v)) {
      ++counts.missing;
    } else if (std::isinf(v)) {
      ++counts.non_finite;
    } else {
      ++counts.drawn;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
}

template <class>
void bin_shares(const std::vector<double>& values, const numeric_picture& p, std::size_t drawn,
                std::vector<double>& shares) {
  const std::size_t bins = shares.size();
  const double width = p.hi - p.lo;
  for (double v : values) {
    if (!std::isfinite(v)) {
      continue;
    }
    std::size_t b = 0;
    if (width > 0) {
      const double at = (v - p.lo) / width * static_cast<double>(bins);
      b = std::min(bins - 1, static_cast<std::size_t>(std::max(0.0, at)));
    }
    shares[b] += 1;
  }
  for (auto& s : shares) {
    s = drawn > 0 ? s / static_cast<double>(drawn) : 0.0;
  }
}

template <class> // deferred: see core/json.hpp
numeric_picture numeric_histogram(const std::vector<double>& reference,
                                  const std::vector<double>& current, std::size_t bins) {
  numeric_picture p;
  double lo = HUGE_VAL;
  double hi = -HUGE_VAL;
  count_values(reference, p.ref, lo, hi);
  count_values(current, p.cur, lo, hi);
  if (p.ref.drawn + p.cur.drawn == 0) {
    return p;
  }
  p.lo = lo;
  p.hi = hi;
  const std::size_t n = lo == hi ? 1 : std::max<std::size_t>(bins, 1);
  p.reference.assign(n, 0.0);
  p.current.assign(n, 0.0);
  bin_shares(reference, p, p.ref.drawn, p.reference);
  bin_shares(current, p, p.cur.drawn, p.current);
  return p;
}

template <class>
void count_codes(const column& c, const std::vector<std::size_t>& slot, std::vector<double>& counts,
                 sample_counts& n) {
  for (auto code : c.codes()) {
    if (code < 0) {
      ++n.missing;
    } else {
      ++n.drawn;
      counts[slot[static_cast<std::size_t>(code)]] += 1;
    }
  }
}

template <class>
category_picture category_bars(const column& reference, const column& current, std::size_t top) {
  std::unordered_map<std::string_view, std::size_t> index;
  std::vector<std::string_view> names;
  auto slots = [&](const column& c) {
    std::vector<std::size_t> slot;
    slot.reserve(c.vocab().size());
    for (const auto& name : c.vocab().names()) {
      const auto [it, added] = index.emplace(name, names.size());
      if (added) {
        names.push_back(name);
      }
      slot.push_back(it->second);
    }
    return slot;
  };
  const auto ref_slot = slots(reference);
  const auto cur_slot = slots(current);
  category_picture p;
  std::vector<double> ref(names.size(), 0.0);
  std::vector<double> cur(names.size(), 0.0);
  count_codes(reference, ref_slot, ref, p.ref);
  count_codes(current, cur_slot, cur, p.cur);
  const double nr = p.ref.drawn > 0 ? static_cast<double>(p.ref.drawn) : 1.0;
  const double nc = p.cur.drawn > 0 ? static_cast<double>(p.cur.drawn) : 1.0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    ref[i] /= nr;
    cur[i] /= nc;
  }
  std::vector<std::size_t> order(names.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  const std::size_t shown = std::min(std::max<std::size_t>(top, 1), order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown), order.end(),
                    [&](std::size_t a, std::size_t b) {
                      const double sa = ref[a] + cur[a];
                      const double sb = ref[b] + cur[b];
                      return sa != sb ? sa > sb : names[a] < names[b];
                    });
  double other_ref = 0;
  double other_cur = 0;
  for (std::size_t k = 0; k < order.size(); ++k) {
    const std::size_t i = order[k];
    if (k < shown) {
      p.labels.emplace_back(names[i]);
      p.reference.push_back(ref[i]);
      p.current.push_back(cur[i]);
    } else {
      other_ref += ref[i];
      other_cur += cur[i];
      ++p.other_categories;
    }
  }
  if (p.other_categories > 0) {
    p.labels.push_back("other (" + std::to_string(p.other_categories) + " categories)");
    p.reference.push_back(other_ref);
    p.current.push_back(other_cur);
  }
  return p;
}

template <class>
column_index index_columns(const table& t) {
  column_index index;
  index.reserve(t.cols());
  for (const auto& c : t) {
    index.emplace(c.name(), &c);
  }
  return index;
}

} // namespace mlguard::report::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REPORT_DETAIL_DISTRIBUTION_HPP

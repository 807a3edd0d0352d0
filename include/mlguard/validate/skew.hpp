#ifndef MLGUARD_VALIDATE_SKEW_HPP
#define MLGUARD_VALIDATE_SKEW_HPP

// Training–serving skew: TFDV's comparators between a training profile and
// a serving profile, thresholds from the schema.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/table.hpp"
#include "mlguard/drift/distances.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/anomaly.hpp"
#include "mlguard/validate/detail/histogram.hpp"
#include "mlguard/validate/feature_skew.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate {

namespace detail {

// Calls fn(category, count in a, count in b) for the union of the
// categories of a and b in category order (0 for a category one lacks): a
// merge of two sorted maps, with no third map to build.
template <typename Fn>
void for_each_category(const std::map<std::string, double>& a,
                       const std::map<std::string, double>& b, Fn&& fn) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      fn(i->first, i->second, 0.0);
      ++i;
    } else if (i == a.end() || j->first < i->first) {
      fn(j->first, 0.0, j->second);
      ++j;
    } else {
      fn(i->first, i->second, j->second);
      ++i;
      ++j;
    }
  }
}

template <class = void>
double total_count(const std::map<std::string, double>& counts) noexcept;

} // namespace detail

/// Category → count of a categorical profile (its frequency summary's estimates).
template <class = void> // deferred: see core/json.hpp
std::map<std::string, double> category_counts(const profile::feature_profile& p);

/// TFDV's LInftyDistance: each side normalised by its own total, the
/// largest |p_a(c) − p_b(c)| over the union of categories, and that
/// category (the last in category order among ties). Nothing when a side
/// is empty. With `combined_total`, both sides are divided by the total of
/// both (normalized_abs_difference).
template <class = void>
std::optional<std::pair<double, std::string>>
l_infinity_distance(const std::map<std::string, double>& a, const std::map<std::string, double>& b,
                    bool combined_total = false);

/// TFDV's NormalizedAbsoluteDifference: as l_infinity_distance, but both
/// sides divided by the combined total of both.
template <class = void>
std::optional<std::pair<double, std::string>>
normalized_abs_difference(const std::map<std::string, double>& a,
                          const std::map<std::string, double>& b);

/// Jensen–Shannon divergence (base 2, capped at 1) between two category
/// count maps, as TFDV's map form: scipy.spatial.distance.jensenshannon(p,
/// q, base=2)² over the union of categories. Nothing when a side is empty.
template <class = void>
std::optional<double> jensen_shannon_divergence(const std::map<std::string, double>& a,
                                                const std::map<std::string, double>& b);

/// Jensen–Shannon divergence (base 2, capped at 1) between two numeric
/// profiles as TFDV computes it between their standard histograms: each
/// profile's `buckets` equal-width buckets over its own [min, max] (counts
/// from the KLL sketch), aligned on the union of bucket edges assuming
/// values uniform within a bucket, point masses (min == max) and ±inf
/// mass as extra buckets (TFDV's AlignHistograms), then JS of the
/// normalised counts. Differences from TFDV: bucket counts are the KLL
/// sketch's ranks at the edges (exact below k values, within its rank error
/// above) where TFDV interpolates between quantile boundaries, and missing
/// values (NaN) get no bucket. Nothing when a side has no value.
template <class = void>
std::optional<double> jensen_shannon_divergence(const profile::feature_profile& a,
                                                const profile::feature_profile& b,
                                                std::size_t buckets);

/// Compares a serving profile with a training profile, feature by feature
/// of the schema: categorical features get L-infinity, the normalised
/// absolute difference, Jensen–Shannon over categories and the share of
/// serving values whose category training never saw; numeric, integer and
/// boolean features get Jensen–Shannon over histograms. Each measurement
/// carries the schema's threshold and is anomalous when above it. A
/// feature absent from either profile, of different kinds in the two, or
/// without values is skipped with the reason.
template <class = void>
std::vector<feature_skew> compare_profiles(const schema& s,
                                           const profile::dataset_profile& training,
                                           const profile::dataset_profile& serving);

/// compare_profiles against the profile of the `serving` table, built with
/// the training profile's options (what validate_options::skew wants for a
/// batch). Throws profile_error from profiling.
template <class = void>
std::vector<feature_skew>
compare_profiles(const schema& s, const profile::dataset_profile& training, const table& serving);

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate::detail {

template <class>
double total_count(const std::map<std::string, double>& counts) noexcept {
  double total = 0.0;
  for (const auto& kv : counts) {
    total += kv.second;
  }
  return total;
}

} // namespace mlguard::validate::detail

namespace mlguard::validate {

template <class> // deferred: see core/json.hpp
std::map<std::string, double> category_counts(const profile::feature_profile& p) {
  std::map<std::string, double> out;
  for (const auto& [item, count] : p.frequencies().counts()) {
    out.emplace_hint(out.end(), item, static_cast<double>(count));
  }
  return out;
}

template <class>
std::optional<std::pair<double, std::string>>
l_infinity_distance(const std::map<std::string, double>& a, const std::map<std::string, double>& b,
                    bool combined_total) {
  double ta = detail::total_count(a);
  double tb = detail::total_count(b);
  if (!(ta > 0.0) || !(tb > 0.0)) {
    return std::nullopt;
  }
  if (combined_total) {
    ta = tb = ta + tb;
  }
  std::pair<double, std::string> best{0.0, ""};
  detail::for_each_category(a, b, [&](const std::string& category, double ca, double cb) {
    const double d = std::abs(ca / ta - cb / tb);
    if (d >= best.first) {
      best.first = d;
      best.second = category;
    }
  });
  return best;
}

template <class>
std::optional<std::pair<double, std::string>>
normalized_abs_difference(const std::map<std::string, double>& a,
                          const std::map<std::string, double>& b) {
  return l_infinity_distance(a, b, true);
}

template <class>
std::optional<double> jensen_shannon_divergence(const std::map<std::string, double>& a,
                                                const std::map<std::string, double>& b) {
  std::vector<double> p;
  std::vector<double> q;
  detail::for_each_category(a, b, [&](const std::string&, double ca, double cb) {
    p.push_back(ca);
    q.push_back(cb);
  });
  if (!(detail::total_count(a) > 0.0) || !(detail::total_count(b) > 0.0)) {
    return std::nullopt;
  }
  return drift::jensen_shannon_value(p, q, drift::js_output::divergence, drift::log_base::two);
}

template <class>
std::optional<double> jensen_shannon_divergence(const profile::feature_profile& a,
                                                const profile::feature_profile& b,
                                                std::size_t buckets) {
  const auto ha = detail::equi_width_histogram(a, buckets);
  const auto hb = detail::equi_width_histogram(b, buckets);
  auto [p, q] = detail::align(ha, hb);
  double tp = 0.0;
  double tq = 0.0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    tp += p[i];
    tq += q[i];
  }
  if (p.empty() || !(tp > 0.0) || !(tq > 0.0)) {
    return std::nullopt;
  }
  return drift::jensen_shannon_value(p, q, drift::js_output::divergence, drift::log_base::two);
}

template <class>
std::vector<feature_skew> compare_profiles(const schema& s,
                                           const profile::dataset_profile& training,
                                           const profile::dataset_profile& serving) {
  std::vector<feature_skew> out;
  for (const auto& spec : s.features()) {
    feature_skew fs;
    fs.name = spec.name;
    const auto* t = training.find(spec.name);
    const auto* v = serving.find(spec.name);
    auto add = [&](const char* comparator, double value, const std::optional<double>& threshold,
                   anomaly_kind kind, std::string category = {}) {
      skew_measurement m;
      m.comparator = comparator;
      m.value = value;
      m.threshold = threshold;
      m.anomalous = threshold && value > *threshold;
      m.kind = kind;
      m.category = std::move(category);
      fs.measurements.push_back(std::move(m));
    };
    if (t == nullptr || v == nullptr) {
      fs.skipped = t == nullptr ? "not in the training profile" : "not in the serving data";
    } else if (t->present_count() == 0 || v->present_count() == 0) {
      fs.skipped = "no values on one side";
    } else if (t->kind() != v->kind()) {
      fs.skipped = std::string(to_string(t->kind())) + " in training, " + to_string(v->kind()) +
                   " in serving";
    } else if (t->kind() == column_kind::categorical) {
      const auto ca = category_counts(*t);
      const auto cb = category_counts(*v);
      if (const auto l = l_infinity_distance(ca, cb)) {
        add("l_infinity", l->first, spec.skew.l_infinity, anomaly_kind::comparator_l_infty_high,
            l->second);
      }
      if (const auto n = normalized_abs_difference(ca, cb)) {
        add("normalized_abs_difference", n->first, spec.skew.normalized_abs_difference,
            anomaly_kind::comparator_normalized_absolute_difference_high, n->second);
      }
      if (const auto js = jensen_shannon_divergence(ca, cb)) {
        add("jensen_shannon", *js, spec.skew.jensen_shannon,
            anomaly_kind::comparator_jensen_shannon_divergence_high);
      }
      double unseen = 0.0;
      double total = 0.0;
      detail::for_each_category(ca, cb, [&](const std::string&, double in_training, double count) {
        total += count;
        unseen += in_training == 0.0 ? count : 0.0;
      });
      if (total > 0.0) {
        add("unseen_share", unseen / total, spec.skew.unseen_share,
            anomaly_kind::comparator_unseen_categories_high);
      }
    } else if (const auto js = jensen_shannon_divergence(*t, *v, s.histogram_buckets())) {
      add("jensen_shannon", *js, spec.skew.jensen_shannon,
          anomaly_kind::comparator_jensen_shannon_divergence_high);
    } else {
      fs.skipped = "no finite values on one side";
    }
    out.push_back(std::move(fs));
  }
  return out;
}

template <class>
std::vector<feature_skew>
compare_profiles(const schema& s, const profile::dataset_profile& training, const table& serving) {
  return compare_profiles(s, training, profile::dataset_profile::of(serving, training.options()));
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_SKEW_HPP

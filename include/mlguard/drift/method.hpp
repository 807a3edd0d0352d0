#ifndef MLGUARD_DRIFT_METHOD_HPP
#define MLGUARD_DRIFT_METHOD_HPP

// The drift methods by name: the method enum (each value named after the
// function that computes it), parsing and printing of the names (Evidently's
// stattest names parse too), which methods yield p-values, their default
// thresholds, and Evidently's rule for the default method of a column.

#include <string>
#include <string_view>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"

namespace mlguard::drift {

/// The drift statistics a report can run on a column. Each value is named
/// after the function that computes it (drift::psi, stats::ks_2samp, ...);
/// the defaults follow Evidently's.
enum class method {
  automatic,              ///< choose per column by Evidently's rules (see default_method)
  ks_2samp,               ///< two-sample Kolmogorov–Smirnov p-value (scipy.stats.ks_2samp)
  cramer_von_mises_2samp, ///< Cramér–von Mises p-value (scipy.stats.cramervonmises_2samp)
  mann_whitney_u,         ///< Mann–Whitney U p-value (scipy.stats.mannwhitneyu)
  psi,                    ///< Population Stability Index
  wasserstein,            ///< Wasserstein-1 distance, raw (scipy.stats.wasserstein_distance)
  wasserstein_norm, ///< Wasserstein-1 / max(std of reference, 0.001) (Evidently's "wasserstein")
  energy,           ///< energy distance (scipy.stats.energy_distance)
  jensen_shannon, ///< Jensen–Shannon distance, natural log (scipy.spatial.distance.jensenshannon)
  kl_divergence,  ///< Kullback–Leibler divergence of reference from current bins
  hellinger,      ///< Hellinger distance
  total_variation,  ///< total variation distance
  l_infinity,       ///< L-infinity distance (TFDV's categorical comparator)
  chi_square,       ///< chi-square goodness of fit p-value, Evidently's f_exp
  chi2_contingency, ///< chi-square contingency p-value with Yates' correction (alibi-detect)
  z_test,           ///< two-proportion Z-test p-value (Evidently's "z")
};

namespace detail {
struct method_name {
  method value;
  const char* name;
};
// The canonical names first (to_string's), then the names Evidently's
// stattests and mlguard 0.1 used, which method_from_string also accepts.
inline constexpr method_name method_names[] = {
    {method::automatic, "auto"},
    {method::ks_2samp, "ks_2samp"},
    {method::cramer_von_mises_2samp, "cramer_von_mises_2samp"},
    {method::mann_whitney_u, "mann_whitney_u"},
    {method::psi, "psi"},
    {method::wasserstein, "wasserstein"},
    {method::wasserstein_norm, "wasserstein_norm"},
    {method::energy, "energy"},
    {method::jensen_shannon, "jensen_shannon"},
    {method::kl_divergence, "kl_divergence"},
    {method::hellinger, "hellinger"},
    {method::total_variation, "total_variation"},
    {method::l_infinity, "l_infinity"},
    {method::chi_square, "chi_square"},
    {method::chi2_contingency, "chi2_contingency"},
    {method::z_test, "z_test"},
};
inline constexpr method_name method_aliases[] = {
    {method::ks_2samp, "ks"},
    {method::cramer_von_mises_2samp, "cvm"},
    {method::mann_whitney_u, "mannwhitney"},
    {method::jensen_shannon, "jensenshannon"},
    {method::kl_divergence, "kl_div"},
    {method::kl_divergence, "kl"},
    {method::total_variation, "TVD"},
    {method::total_variation, "tvd"},
    {method::l_infinity, "linf"},
    {method::chi_square, "chisquare"},
    {method::z_test, "z"},
    {method::z_test, "ztest"},
};
} // namespace detail

/// The method's name as reports and the CLI print it: the name of its
/// function ("ks_2samp", "jensen_shannon", ...; "auto" for automatic).
inline const char* to_string(method m) noexcept {
  for (const auto& entry : detail::method_names) {
    if (entry.value == m) {
      return entry.name;
    }
  }
  return "auto";
}

/// Parses a method name: to_string's names, and Evidently's stattest names
/// ("ks", "cvm", "mannwhitney", "jensenshannon", "kl_div", "TVD", "chisquare",
/// "z"). Throws drift_error (mlguard.drift.invalid_option).
template <class = void>
method method_from_string(std::string_view name);

/// True for the methods that yield a p-value (a column drifts when p < threshold);
/// the others yield a distance (a column drifts when distance ≥ threshold), as in Evidently.
template <class = void>
bool has_p_value(method m) noexcept;

/// Evidently's default threshold: 0.05 for p-values, 0.1 for distances.
template <class = void>
double default_threshold(method m) noexcept;

/// True when `m` can run on a column of `kind`. Order-based methods (ks, cvm,
/// mannwhitney, wasserstein*, energy) need numbers; the others take categories,
/// and numeric columns through binning (psi, jensenshannon, kl, hellinger, tvd,
/// linf) or by treating each distinct value as a category (chisquare,
/// chi2_contingency, ztest — Evidently does this for numeric columns with ≤ 5 values).
template <class = void>
bool applies_to(method m, column_kind kind) noexcept;

/// The method Evidently's get_default_stattest picks, given the column's kind,
/// the number of non-missing reference values and the number of distinct
/// non-missing values across reference and current:
/// reference ≤ 1000 values → numeric with > 5 distinct: ks; otherwise chisquare
/// when > 2 distinct, else ztest. Reference > 1000 values → numeric with > 5
/// distinct: wasserstein_norm; otherwise jensenshannon.
template <class = void>
method default_method(column_kind kind, std::size_t n_reference, std::size_t n_distinct) noexcept;

} // namespace mlguard::drift

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::drift {

template <class>
method method_from_string(std::string_view name) {
  for (const auto& entry : detail::method_names) {
    if (name == entry.name) {
      return entry.value;
    }
  }
  for (const auto& entry : detail::method_aliases) {
    if (name == entry.name) {
      return entry.value;
    }
  }
  std::string known;
  for (const auto& entry : detail::method_names) {
    known.append(known.empty() ? "" : ", ").append(entry.name);
  }
  throw drift_error("invalid_option", "unknown drift method '" + std::string(name) +
                                          "' (expected one of " + known + ")");
}

template <class>
bool has_p_value(method m) noexcept {
  switch (m) {
  case method::ks_2samp:
  case method::cramer_von_mises_2samp:
  case method::mann_whitney_u:
  case method::chi_square:
  case method::chi2_contingency:
  case method::z_test:
    return true;
  default:
    return false;
  }
}

template <class>
double default_threshold(method m) noexcept {
  return has_p_value(m) ? 0.05 : 0.1;
}

template <class>
bool applies_to(method m, column_kind kind) noexcept {
  switch (m) {
  case method::ks_2samp:
  case method::cramer_von_mises_2samp:
  case method::mann_whitney_u:
  case method::wasserstein:
  case method::wasserstein_norm:
  case method::energy:
    return kind == column_kind::numeric;
  default:
    return true;
  }
}

template <class>
method default_method(column_kind kind, std::size_t n_reference, std::size_t n_distinct) noexcept {
  const bool numeric_many = kind == column_kind::numeric && n_distinct > 5;
  if (n_reference <= 1000) {
    if (numeric_many) {
      return method::ks_2samp;
    }
    return n_distinct > 2 ? method::chi_square : method::z_test;
  }
  return numeric_many ? method::wasserstein_norm : method::jensen_shannon;
}

} // namespace mlguard::drift

#endif // MLGUARD_COMPILED
#endif // MLGUARD_DRIFT_METHOD_HPP

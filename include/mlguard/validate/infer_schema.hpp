#ifndef MLGUARD_VALIDATE_INFER_SCHEMA_HPP
#define MLGUARD_VALIDATE_INFER_SCHEMA_HPP

// Schema inference from training data, after TFDV's infer_schema: one
// feature_spec per column with its kind, presence, domain or vocabulary,
// NaN/Inf rules, an impute value and skew thresholds. Options apply to
// every feature, with per-feature overrides by name; what inference could
// not do as asked comes back as warnings (infer_schema_report).
//
// Inference and validation agree: validating the training data with the
// schema inferred from it raises no anomaly, for any mix of ±inf, values
// up to ±DBL_MAX, missing values, integers and fractions, and for columns
// without any value (tests/validate/infer_schema.test.cpp checks this as a
// property).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/detail/settings.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate {

/// Per-feature settings of infer_schema; an absent member takes the value
/// of infer_options' member of the same name.
struct feature_infer_options {
  /// As infer_options::domain_margin (finite, >= 0).
  std::optional<double> domain_margin;
  /// As infer_options::infer_domain.
  std::optional<bool> infer_domain;
  /// As infer_options::numeric_as_float.
  std::optional<bool> numeric_as_float;
  /// As infer_options::action.
  std::optional<row_action> action;
  /// The feature's severity (feature_spec::level): every anomaly of the
  /// feature is reported at this level. Nothing: the schema's per-kind ones.
  std::optional<severity> level;
};

/// Options of infer_schema.
struct infer_options {
  /// A categorical feature with at most this many distinct values gets a
  /// vocabulary (ENUM_TYPE_UNEXPECTED_STRING_VALUES for others); above it,
  /// any string is accepted.
  std::size_t categorical_threshold = 100;
  /// The numeric domain [min, max] is widened by this fraction of its range
  /// on each side (0: exactly the training range); integer bounds are then
  /// rounded outward. A widened bound beyond the largest double saturates
  /// at ±DBL_MAX (a schema's bounds are finite), so every finite value fits
  /// such a side.
  double domain_margin = 0.0;
  /// Whether numeric features get a domain [min, max] and categorical ones
  /// a vocabulary. false: neither, so values are checked only for their
  /// kind, NaN/±inf and presence.
  bool infer_domain = true;
  /// Integer-valued numeric columns (also those of only 0 and 1) become
  /// numeric features instead of integer or boolean ones: for a column that
  /// may hold fractions later (e.g. a surcharge of 0 in training, 2.5 later).
  bool numeric_as_float = false;
  /// An optional feature's max_missing_fraction is the training fraction
  /// plus this (capped at 1).
  double missing_margin = 0.0;
  /// Numeric features whose values are exactly {0, 1} (and no ±inf) and
  /// categorical features whose values are exactly {true, false} become
  /// boolean.
  bool infer_boolean = true;
  /// Comparator thresholds written into every categorical (L-infinity,
  /// unseen share) and every numeric or categorical (Jensen–Shannon)
  /// feature; nothing turns a comparator off.
  std::optional<double> l_infinity = 0.1;
  std::optional<double> jensen_shannon = 0.1;
  std::optional<double> unseen_share;
  /// The row policy of every inferred feature (impute values are always
  /// filled in: the median for numbers, the most frequent category). Where
  /// it cannot apply (clip without a domain, impute without a value or on
  /// an open vocabulary) the feature gets flag, with a warning.
  row_action action = row_action::flag;
  /// Per-feature settings by column name, over the ones above. A name the
  /// training data lacks is an error (mlguard.validate.unknown_feature).
  std::map<std::string, feature_infer_options, std::less<>> features;
  /// How the profile behind a table is built.
  profile::profile_options profile;
};

/// Sets one member of `o` from "key=value" text (what `mlguard schema infer
/// --feature NAME:key=value` passes): margin=F (finite, >= 0),
/// domain=true|false, numeric_as_float=true|false,
/// policy=flag|reject|impute|clip, severity=warning|error. Throws
/// validation_error (mlguard.validate.invalid_setting, naming the setting)
/// for text without '=', an unknown key, or a value that does not parse or
/// is out of range.
template <class = void>
void set_option(feature_infer_options& o, std::string_view text);

/// Something inference did differently from what was asked, or could not
/// infer; the schema is still valid.
struct inference_warning {
  /// The feature (column) it concerns.
  std::string feature;
  /// What happened, for a person (e.g. "no value in the training data: ...").
  std::string message;
};

/// A schema and the warnings of its inference (infer_schema_report).
struct inference_report {
  schema inferred;
  std::vector<inference_warning> warnings;
};

namespace detail {

// [lo, hi] widened by margin × (hi − lo) on each side. hi − lo overflows
// when the values span more than DBL_MAX (−1e308 to 1e308) and inf × 0 is
// NaN, so the range is halved first there; a bound past ±DBL_MAX saturates
// at ±DBL_MAX (a schema's bounds are finite).
template <class = void>
std::pair<double, double> widen(double lo, double hi, double margin) noexcept;

template <class = void>
std::string lower_case(std::string s);

template <class = void>
void check_margin(double margin, const std::string& what);

} // namespace detail

/// Infers a schema from a training profile (TFDV infer_schema's role), with
/// warnings where it could not do as asked. Per feature, settings of
/// options.features[name] over options':
/// - kind: a numeric feature whose finite values are all integers is
///   integer, and boolean when they are exactly {0, 1} and there is no ±inf;
///   otherwise (or with numeric_as_float) numeric. A categorical feature is
///   categorical (boolean for exactly {true, false}).
/// - required when no value is missing, else optional with
///   max_missing_fraction = missing fraction + missing_margin.
/// - domain [min, max] of the finite values, widened by domain_margin
///   (saturating at ±DBL_MAX); none with infer_domain false.
/// - vocabulary (sorted) when the exact distinct count ≤ categorical_threshold
///   (and infer_domain).
/// - allow_inf when training had ±inf (an accepted ±inf is not checked
///   against the domain); allow_nan false (a profile counts NaN as missing).
/// - impute value: the median (KLL quantile 0.5) or the most frequent category.
/// - a column without any value gives a presence-only feature (categorical,
///   open vocabulary, optional up to every row, no impute value, no skew
///   thresholds: the column must exist, any value or none is accepted) and
///   a warning.
/// Throws validation_error: mlguard.validate.empty_data (no rows or no
/// columns), mlguard.validate.invalid_option (a negative or non-finite
/// margin), mlguard.validate.unknown_feature (options.features names a
/// column the training data lacks).
template <class = void> // deferred: see core/json.hpp
inference_report infer_schema_report(const profile::dataset_profile& training,
                                     const infer_options& options = {});

/// Infers a schema from a training table (its profile::dataset_profile, then
/// as infer_schema_report above). Throws as that, and profile_error from profiling.
template <class = void>
inference_report infer_schema_report(const table& training, const infer_options& options = {});

/// infer_schema_report(training, options).inferred: the schema without the
/// warnings. Throws as infer_schema_report.
template <class = void>
schema infer_schema(const profile::dataset_profile& training, const infer_options& options = {});

/// infer_schema_report(training, options).inferred for a table. Throws as
/// infer_schema_report, and profile_error from profiling.
template <class = void>
schema infer_schema(const table& training, const infer_options& options = {});

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class>
void set_option(feature_infer_options& o, std::string_view text) {
  const auto s = detail::split_setting(text);
  if (s.key == "margin") {
    const double m = detail::setting_number(s);
    if (!(m >= 0.0)) {
      detail::bad_setting(s.text, "the margin must be non-negative");
    }
    o.domain_margin = m;
  } else if (s.key == "domain") {
    o.infer_domain = detail::setting_flag(s);
  } else if (s.key == "numeric_as_float") {
    o.numeric_as_float = detail::setting_flag(s);
  } else if (s.key == "policy") {
    o.action = detail::setting_enum<row_action>(s, 4, "flag, reject, impute or clip");
  } else if (s.key == "severity") {
    o.level = detail::setting_enum<severity>(s, 2, "warning or error");
  } else {
    detail::bad_setting(s.text, "unknown key '" + std::string(s.key) +
                                    "' (known: margin, domain, numeric_as_float, policy, "
                                    "severity)");
  }
}

} // namespace mlguard::validate

namespace mlguard::validate::detail {

template <class>
std::pair<double, double> widen(double lo, double hi, double margin) noexcept {
  constexpr double top = std::numeric_limits<double>::max();
  const double range = hi - lo;
  const double pad = std::isfinite(range) ? range * margin : (hi / 2 - lo / 2) * margin * 2;
  return {std::max(lo - pad, -top), std::min(hi + pad, top)};
}

template <class>
std::string lower_case(std::string s) {
  for (auto& ch : s) {
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return s;
}

template <class>
void check_margin(double margin, const std::string& what) {
  if (!(margin >= 0.0) || !std::isfinite(margin)) {
    throw validation_error("invalid_option", what + " must be finite and non-negative");
  }
}

} // namespace mlguard::validate::detail

namespace mlguard::validate {

template <class> // deferred: see core/json.hpp
inference_report infer_schema_report(const profile::dataset_profile& training,
                                     const infer_options& options) {
  detail::check_margin(options.domain_margin, "domain_margin");
  detail::check_margin(options.missing_margin, "missing_margin");
  if (training.rows() == 0 || training.size() == 0) {
    throw validation_error("empty_data", "cannot infer a schema from data without rows");
  }
  for (const auto& [name, o] : options.features) {
    if (training.find(name) == nullptr) {
      throw validation_error("unknown_feature",
                             "a per-feature setting names '" + name +
                                 "', which is not a column of the training data (columns: " +
                                 detail::name_list(training.columns()) + ")");
    }
    if (o.domain_margin) {
      detail::check_margin(*o.domain_margin, "the domain_margin of '" + name + "'");
    }
  }
  inference_report out;
  std::vector<feature_spec> specs;
  const feature_infer_options none;
  for (const auto& name : training.columns()) {
    const profile::feature_profile& p = training.at(name);
    const auto it = options.features.find(name);
    const feature_infer_options& o = it != options.features.end() ? it->second : none;
    const double margin = o.domain_margin.value_or(options.domain_margin);
    const bool domain = o.infer_domain.value_or(options.infer_domain);
    const bool as_float = o.numeric_as_float.value_or(options.numeric_as_float);
    feature_spec f;
    f.name = name;
    f.action = o.action.value_or(options.action);
    f.level = o.level;
    const double missing = *p.missing_fraction();
    f.required = p.missing_count() == 0;
    f.max_missing_fraction = f.required ? 0.0 : std::min(1.0, missing + options.missing_margin);
    if (p.present_count() == 0) {
      // Nothing says what the values are: accept any (an open categorical
      // takes every string, and every number as its text).
      f.kind = feature_kind::categorical;
      out.warnings.push_back({name, "no value in the training data: presence checks only (the "
                                    "column must exist; any value, or none, is accepted)"});
    } else if (p.kind() == column_kind::numeric) {
      f.allow_inf = p.non_finite_count() > 0;
      if (p.finite_count() == 0) {
        f.kind = feature_kind::numeric;
      } else {
        const double lo = *p.min();
        const double hi = *p.max();
        const bool integer = p.non_integer_count() == 0 && !as_float;
        f.kind = integer ? feature_kind::integer : feature_kind::numeric;
        if (integer && options.infer_boolean && lo == 0.0 && hi == 1.0 && !f.allow_inf) {
          f.kind = feature_kind::boolean; // a boolean has no ±inf to allow
        } else if (domain) {
          std::tie(f.min, f.max) = detail::widen(lo, hi, margin);
          if (integer) {
            f.min = std::floor(*f.min);
            f.max = std::ceil(*f.max);
          }
        }
        f.impute = impute_source::median;
        f.impute_value = *p.quantile(0.5);
        f.skew.jensen_shannon = options.jensen_shannon;
      }
    } else {
      f.kind = feature_kind::categorical;
      const auto& freq = p.frequencies();
      const auto top = freq.top(1);
      if (!top.empty()) {
        f.impute = impute_source::most_frequent;
        f.impute_category = top.front().item;
      }
      if (freq.is_exact() && freq.size() <= options.categorical_threshold) {
        for (const auto& kv : freq.counts()) {
          f.vocabulary.push_back(kv.first); // counts() is in item order: sorted
        }
      }
      if (options.infer_boolean && f.vocabulary.size() == 2 &&
          detail::lower_case(f.vocabulary[0]) == "false" &&
          detail::lower_case(f.vocabulary[1]) == "true") {
        f.kind = feature_kind::boolean;
        f.vocabulary.clear();
        f.impute_value = detail::lower_case(*f.impute_category) == "true" ? 1.0 : 0.0;
        f.impute_category.reset();
        f.skew.jensen_shannon = options.jensen_shannon;
      } else {
        if (!domain) {
          f.vocabulary.clear();
        }
        f.skew.l_infinity = options.l_infinity;
        f.skew.jensen_shannon = options.jensen_shannon;
        f.skew.unseen_share = options.unseen_share;
      }
    }
    const bool categorical = f.kind == feature_kind::categorical;
    const bool no_clip = f.action == row_action::clip && (categorical || (!f.min && !f.max));
    const bool no_impute =
        f.action == row_action::impute && (categorical ? f.vocabulary.empty() : !f.impute_value);
    if ((no_clip || no_impute) && p.present_count() > 0) {
      out.warnings.push_back(
          {name, std::string("policy ") + to_string(f.action) + " cannot apply (" +
                     (no_clip ? "no numeric domain to clip to" : "no value to impute") +
                     "): flag instead"});
    }
    if (no_clip || no_impute) {
      f.action = row_action::flag;
    }
    specs.push_back(std::move(f));
  }
  out.inferred = schema(std::move(specs));
  return out;
}

template <class>
inference_report infer_schema_report(const table& training, const infer_options& options) {
  if (training.rows() == 0 || training.cols() == 0) {
    throw validation_error("empty_data", "cannot infer a schema from a table without rows");
  }
  return infer_schema_report(profile::dataset_profile::of(training, options.profile), options);
}

template <class>
schema infer_schema(const profile::dataset_profile& training, const infer_options& options) {
  return infer_schema_report(training, options).inferred;
}

template <class>
schema infer_schema(const table& training, const infer_options& options) {
  return infer_schema_report(training, options).inferred;
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_INFER_SCHEMA_HPP

#ifndef MLGUARD_VALIDATE_EDIT_SCHEMA_HPP
#define MLGUARD_VALIDATE_EDIT_SCHEMA_HPP

// Editing one feature of a schema with "key=value" settings: what `mlguard
// schema set SCHEMA FEATURE key=value ...` does, so a user can change one
// feature's domain, policy, severity or presence without rebuilding the
// schema by hand. The edited schema is checked as any schema is.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/validate/detail/settings.hpp"
#include "mlguard/validate/feature_spec.hpp"
#include "mlguard/validate/schema.hpp"

namespace mlguard::validate {

/// Sets one member of `spec` from "key=value" text:
/// - min=N, max=N (finite numbers) or min=none, max=none; domain=none drops both;
/// - kind=numeric|integer|categorical|boolean;
/// - policy=flag|reject|impute|clip; impute=V (a number, or a category for a
///   categorical feature; the impute strategy becomes constant);
/// - severity=warning|error (every anomaly of the feature) or default (the
///   schema's per-kind severities);
/// - required=true|false (true also sets max_missing_fraction to 0);
///   max_missing_fraction=F in [0, 1] (the feature becomes optional);
/// - allow_nan=true|false, allow_inf=true|false.
/// The spec is not checked as a whole here (schema::set_feature does that).
/// Throws validation_error (mlguard.validate.invalid_setting, naming the
/// setting) for text without '=', an unknown key, or a value that does not
/// parse or is out of range.
template <class = void>
void apply_setting(feature_spec& spec, std::string_view text);

/// A copy of `s` whose feature `feature` has `settings` (apply_setting's
/// "key=value" texts) applied in order, then checked with the rest of the
/// schema (schema::set_feature); severities and histogram size are kept.
/// Throws validation_error: mlguard.validate.unknown_feature (no feature of
/// that name), mlguard.validate.invalid_setting (apply_setting), and
/// mlguard.validate.invalid_spec when the edited feature contradicts itself
/// (e.g. min above max, clip without a domain, a domain on a categorical).
template <class = void>
schema edit_feature(const schema& s, std::string_view feature,
                    const std::vector<std::string>& settings);

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class>
void apply_setting(feature_spec& spec, std::string_view text) {
  const auto s = detail::split_setting(text);
  const auto bound = [&s]() -> std::optional<double> {
    if (s.value == "none") {
      return std::nullopt;
    }
    return detail::setting_number(s);
  };
  if (s.key == "min") {
    spec.min = bound();
  } else if (s.key == "max") {
    spec.max = bound();
  } else if (s.key == "domain") {
    if (s.value != "none") {
      detail::bad_setting(s.text, "expected none (set min= and max= for a domain)");
    }
    spec.min.reset();
    spec.max.reset();
  } else if (s.key == "kind") {
    spec.kind =
        detail::setting_enum<feature_kind>(s, 4, "numeric, integer, categorical or boolean");
  } else if (s.key == "policy") {
    spec.action = detail::setting_enum<row_action>(s, 4, "flag, reject, impute or clip");
  } else if (s.key == "impute") {
    spec.impute = impute_source::constant;
    if (spec.kind == feature_kind::categorical) {
      if (s.value.empty()) {
        detail::bad_setting(s.text, "expected a category");
      }
      spec.impute_category = std::string(s.value);
      spec.impute_value.reset();
    } else {
      spec.impute_value = detail::setting_number(s);
      spec.impute_category.reset();
    }
  } else if (s.key == "severity") {
    if (s.value == "default") {
      spec.level.reset();
    } else {
      spec.level = detail::setting_enum<severity>(s, 2, "warning, error or default");
    }
  } else if (s.key == "required") {
    spec.required = detail::setting_flag(s);
    if (spec.required) {
      spec.max_missing_fraction = 0.0;
    }
  } else if (s.key == "max_missing_fraction") {
    const double f = detail::setting_number(s);
    if (!(f >= 0.0 && f <= 1.0)) {
      detail::bad_setting(s.text, "expected a fraction in [0, 1]");
    }
    spec.required = false;
    spec.max_missing_fraction = f;
  } else if (s.key == "allow_nan") {
    spec.allow_nan = detail::setting_flag(s);
  } else if (s.key == "allow_inf") {
    spec.allow_inf = detail::setting_flag(s);
  } else {
    detail::bad_setting(s.text, "unknown key '" + std::string(s.key) +
                                    "' (known: min, max, domain, kind, policy, impute, severity, "
                                    "required, max_missing_fraction, allow_nan, allow_inf)");
  }
}

template <class>
schema edit_feature(const schema& s, std::string_view feature,
                    const std::vector<std::string>& settings) {
  const auto i = s.index_of(feature);
  if (!i) {
    std::vector<std::string> names;
    for (const auto& f : s.features()) {
      names.push_back(f.name);
    }
    throw validation_error("unknown_feature", "the schema has no feature '" + std::string(feature) +
                                                  "' (features: " + detail::name_list(names) + ")");
  }
  feature_spec spec = s[*i];
  for (const auto& text : settings) {
    apply_setting(spec, text);
  }
  schema out = s;
  out.set_feature(*i, std::move(spec));
  return out;
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_EDIT_SCHEMA_HPP

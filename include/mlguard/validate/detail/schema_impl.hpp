#ifndef MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP
#define MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP

// The bodies of schema's checks and JSON conversion (included by schema.hpp):
// in the mlguard::compiled library when MLGUARD_COMPILED is defined.

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <string>
#include <utility>

#include "mlguard/validate/detail/enum_names.hpp"

namespace mlguard::validate {

template <class V>
MLGUARD_INLINE auto basic_schema<V>::compile() -> void {
  std::size_t index = 0;
  auto invalid = [&index](const feature_spec& f, const std::string& what) {
    throw validation_error("invalid_spec",
                           "features[" + std::to_string(index) + "] ('" + f.name + "'): " + what);
  };
  if (histogram_buckets_ == 0) {
    throw validation_error("invalid_option", "histogram_buckets must be at least 1");
  }
  checks_.clear();
  vocabs_.clear();
  for (std::size_t i = 0; i < features_.size(); ++i) {
    index = i;
    const auto& f = features_[i];
    if (f.name.empty()) {
      invalid(f, "the name is empty");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (features_[j].name == f.name) {
        invalid(f, "the name appears twice");
      }
    }
    if (!(f.max_missing_fraction >= 0.0 && f.max_missing_fraction <= 1.0)) {
      invalid(f, "max_missing_fraction must be in [0, 1]");
    }
    for (const auto& bound : {f.min, f.max}) {
      if (bound && !std::isfinite(*bound)) {
        invalid(f, "domain bounds must be finite");
      }
    }
    if (f.min && f.max && *f.min > *f.max) {
      invalid(f, "domain min is above max");
    }
    const bool categorical = f.kind == feature_kind::categorical;
    if ((f.min || f.max) && categorical) {
      invalid(f, "a categorical feature has no numeric domain");
    }
    if (!f.vocabulary.empty() && !categorical) {
      invalid(f, "only a categorical feature has a vocabulary");
    }
    vocabulary vocab;
    try {
      vocab = vocabulary(f.vocabulary);
    } catch (const argument_error& e) {
      invalid(f, std::string(e.message()));
    }
    detail::feature_check c;
    c.kind = f.kind;
    c.action = f.action;
    c.required = f.required;
    c.allow_nan = f.allow_nan;
    c.allow_inf = f.allow_inf;
    if (f.min) {
      c.lo = *f.min;
    }
    if (f.max) {
      c.hi = *f.max;
    }
    if (f.kind == feature_kind::boolean) {
      c.lo = 0.0;
      c.hi = 1.0;
    }
    c.vocab_size = static_cast<std::int32_t>(vocab.size());
    if (f.action == row_action::impute) {
      if (categorical) {
        if (!f.impute_category) {
          invalid(f, "policy impute needs an impute category");
        }
        const auto code = vocab.code_of(*f.impute_category);
        if (code == unseen_code) {
          invalid(f, "the impute category '" + *f.impute_category + "' is not in the vocabulary");
        }
        c.impute = code;
      } else {
        if (!f.impute_value || !std::isfinite(*f.impute_value)) {
          invalid(f, "policy impute needs a finite impute value");
        }
        c.impute = *f.impute_value;
      }
    }
    if (f.action == row_action::clip && (categorical || (!f.min && !f.max))) {
      invalid(f, "policy clip needs a numeric domain");
    }
    for (const auto& t : {f.skew.l_infinity, f.skew.jensen_shannon,
                          f.skew.normalized_abs_difference, f.skew.unseen_share}) {
      if (t && !(*t >= 0.0 && std::isfinite(*t))) {
        invalid(f, "skew thresholds must be finite and non-negative");
      }
    }
    checks_.push_back(c);
    vocabs_.push_back(std::move(vocab));
  }
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::set_feature(std::size_t i, feature_spec spec) -> void {
  if (i >= features_.size()) {
    throw argument_error("out_of_range", "feature " + std::to_string(i) + " of a schema with " +
                                             std::to_string(features_.size()) + " features");
  }
  schema edited = *this; // checked on a copy, so a throw leaves *this as it was
  edited.features_[i] = std::move(spec);
  edited.compile();
  edited.update_error_mask();
  *this = std::move(edited);
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::to_json() const -> json {
  json features = json::array();
  for (const auto& f : features_) {
    json j = json::object();
    j["name"] = f.name;
    j["kind"] = to_string(f.kind);
    j["required"] = f.required;
    if (!f.required) {
      j["max_missing_fraction"] = json_number(f.max_missing_fraction);
    }
    if (f.min || f.max) {
      json d = json::object();
      if (f.min) {
        d["min"] = json_number(*f.min);
      }
      if (f.max) {
        d["max"] = json_number(*f.max);
      }
      j["domain"] = std::move(d);
    }
    if (!f.vocabulary.empty()) {
      json vocabulary = json::array();
      for (const auto& category : f.vocabulary) {
        vocabulary.push_back(category);
      }
      j["vocabulary"] = std::move(vocabulary);
    }
    j["allow_nan"] = f.allow_nan;
    j["allow_inf"] = f.allow_inf;
    json policy = json::object();
    policy["action"] = to_string(f.action);
    if (f.impute_value || f.impute_category) {
      json impute = json::object();
      impute["strategy"] = to_string(f.impute);
      if (f.impute_value) {
        impute["value"] = json_number(*f.impute_value);
      }
      if (f.impute_category) {
        impute["category"] = *f.impute_category;
      }
      policy["impute"] = std::move(impute);
    }
    j["policy"] = std::move(policy);
    if (f.level) {
      j["severity"] = to_string(*f.level);
    }
    json skew = json::object();
    const std::pair<const char*, const std::optional<double>*> thresholds[] = {
        {"l_infinity", &f.skew.l_infinity},
        {"jensen_shannon", &f.skew.jensen_shannon},
        {"normalized_abs_difference", &f.skew.normalized_abs_difference},
        {"unseen_share", &f.skew.unseen_share}};
    for (const auto& [name, value] : thresholds) {
      if (*value) {
        skew[name] = json_number(**value);
      }
    }
    if (!skew.empty()) {
      j["skew"] = std::move(skew);
    }
    features.push_back(std::move(j));
  }
  json doc = new_document(format);
  doc["histogram_buckets"] = static_cast<std::uint64_t>(histogram_buckets_);
  json sev = json::object();
  for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
    if (severities_[k] != 0) {
      sev[to_string(static_cast<anomaly_kind>(k))] =
          to_string(severities_[k] == 1 ? severity::warning : severity::error);
    }
  }
  if (!sev.empty()) {
    doc["severity"] = std::move(sev);
  }
  doc["features"] = std::move(features);
  return doc;
}

template <class V>
MLGUARD_INLINE auto basic_schema<V>::from_json(const json& document, const std::string& source)
    -> basic_schema {
  const auto r = json_reader::document(document, format, source,
                                       {"histogram_buckets", "severity", "features"});
  const auto flag = [](const json_reader& o, const char* field, bool fallback) {
    return o.has(field) ? o.flag(field) : fallback;
  };
  std::size_t buckets = default_histogram_buckets;
  if (r.has("histogram_buckets")) {
    buckets = static_cast<std::size_t>(r.integer("histogram_buckets", 1, 100000));
  }
  std::vector<feature_spec> specs;
  for (const auto& j : r.objects("features")) {
    j.allow_fields({"name", "kind", "required", "max_missing_fraction", "domain", "vocabulary",
                    "allow_nan", "allow_inf", "policy", "severity", "skew"});
    feature_spec f;
    f.name = j.text("name");
    if (!detail::enum_from_string(j.text("kind"), 4, f.kind)) {
      j.fail("kind", "expected numeric, integer, categorical or boolean");
    }
    f.required = flag(j, "required", true);
    if (j.has("max_missing_fraction")) {
      f.max_missing_fraction = j.number("max_missing_fraction");
      if (f.required && f.max_missing_fraction != 0.0) {
        j.fail("max_missing_fraction", "a required feature has no max_missing_fraction");
      }
    }
    if (j.has("domain")) {
      const auto d = j.object("domain");
      d.allow_fields({"min", "max"});
      f.min = d.optional_number("min");
      f.max = d.optional_number("max");
    }
    if (j.has("vocabulary")) {
      f.vocabulary = j.texts("vocabulary");
    }
    f.allow_nan = flag(j, "allow_nan", false);
    f.allow_inf = flag(j, "allow_inf", false);
    if (j.has("policy")) {
      const auto p = j.object("policy");
      p.allow_fields({"action", "impute"});
      if (p.has("action") && !detail::enum_from_string(p.text("action"), 4, f.action)) {
        p.fail("action", "expected flag, reject, impute or clip");
      }
      if (p.has("impute")) {
        const auto imp = p.object("impute");
        imp.allow_fields({"strategy", "value", "category"});
        f.impute = impute_source::constant;
        if (imp.has("strategy") && !detail::enum_from_string(imp.text("strategy"), 3, f.impute)) {
          imp.fail("strategy", "expected median, most_frequent or constant");
        }
        f.impute_value = imp.optional_number("value");
        if (imp.has("category")) {
          f.impute_category = imp.text("category");
        }
      }
    }
    if (j.has("severity")) {
      severity level{};
      if (!detail::enum_from_string(j.text("severity"), 2, level)) {
        j.fail("severity", "expected \"warning\" or \"error\"");
      }
      f.level = level;
    }
    if (j.has("skew")) {
      const auto k = j.object("skew");
      k.allow_fields({"l_infinity", "jensen_shannon", "normalized_abs_difference", "unseen_share"});
      f.skew.l_infinity = k.optional_number("l_infinity");
      f.skew.jensen_shannon = k.optional_number("jensen_shannon");
      f.skew.normalized_abs_difference = k.optional_number("normalized_abs_difference");
      f.skew.unseen_share = k.optional_number("unseen_share");
    }
    specs.push_back(std::move(f));
  }
  schema out = [&] {
    try {
      return schema(std::move(specs), buckets);
    } catch (const validation_error& e) {
      throw validation_error("invalid_spec", source + ": " + std::string(e.message()));
    }
  }();
  if (r.has("severity")) {
    const auto sev = r.object("severity");
    for (auto it = sev.value().begin(); it != sev.value().end(); ++it) {
      anomaly_kind kind{};
      severity level{};
      if (!detail::enum_from_string(it.key(), anomaly_kind_count, kind)) {
        sev.fail(it.key(), "not an anomaly kind mlguard knows");
      }
      if (!detail::enum_from_string(sev.text(it.key()), 2, level)) {
        sev.fail(it.key(), "expected \"warning\" or \"error\"");
      }
      out.set_severity(kind, level);
    }
  }
  return out;
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP

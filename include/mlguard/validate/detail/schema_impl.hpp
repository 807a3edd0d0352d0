#ifndef MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP
#define MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP

// The bodies of schema's checks and JSON conversion (included by schema.hpp).

namespace mlguard::validate {

inline void schema::compile() {
  auto invalid = [](const feature_spec& f, const std::string& what) {
    throw validation_error("invalid_spec", "feature '" + f.name + "': " + what);
  };
  if (histogram_buckets_ == 0) {
    throw validation_error("invalid_spec", "histogram_buckets must be at least 1");
  }
  checks_.clear();
  vocabs_.clear();
  for (std::size_t i = 0; i < features_.size(); ++i) {
    const auto& f = features_[i];
    if (f.name.empty()) {
      throw validation_error("invalid_spec", "feature " + std::to_string(i) + " has no name");
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

inline json schema::to_json() const {
  json features = json::array();
  for (const auto& f : features_) {
    json j = json::object();
    j["name"] = f.name;
    j["kind"] = to_string(f.kind);
    j["required"] = f.required;
    if (!f.required) {
      j["max_missing_fraction"] = f.max_missing_fraction;
    }
    if (f.min || f.max) {
      json d = json::object();
      if (f.min) {
        d["min"] = *f.min;
      }
      if (f.max) {
        d["max"] = *f.max;
      }
      j["domain"] = d;
    }
    if (!f.vocabulary.empty()) {
      j["vocabulary"] = f.vocabulary;
    }
    j["allow_nan"] = f.allow_nan;
    j["allow_inf"] = f.allow_inf;
    json policy = {{"action", to_string(f.action)}};
    if (f.impute_value || f.impute_category) {
      json impute = {{"strategy", to_string(f.impute)}};
      if (f.impute_value) {
        impute["value"] = *f.impute_value;
      }
      if (f.impute_category) {
        impute["category"] = *f.impute_category;
      }
      policy["impute"] = impute;
    }
    j["policy"] = policy;
    json skew = json::object();
    auto put = [&](const char* name, const std::optional<double>& v) {
      if (v) {
        skew[name] = *v;
      }
    };
    put("l_infinity", f.skew.l_infinity);
    put("jensen_shannon", f.skew.jensen_shannon);
    put("normalized_abs_difference", f.skew.normalized_abs_difference);
    put("unseen_share", f.skew.unseen_share);
    if (!skew.empty()) {
      j["skew"] = skew;
    }
    features.push_back(std::move(j));
  }
  json doc = json::object();
  doc["format"] = format_name;
  doc["format_version"] = format_version;
  doc["histogram_buckets"] = histogram_buckets_;
  json sev = json::object();
  for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
    if (severities_[k] != 0) {
      sev[to_string(static_cast<anomaly_kind>(k))] = severities_[k] == 1 ? "warning" : "error";
    }
  }
  if (!sev.empty()) {
    doc["severity"] = sev;
  }
  doc["features"] = std::move(features);
  return doc;
}

inline schema schema::from_json(const json& document, std::string_view source) {
  check_format(document, format_name, format_version, source);
  check_known_fields(
      document, {"format", "format_version", "histogram_buckets", "severity", "features"}, source);
  const std::string src(source);
  auto fail = [&](const std::string& where, const std::string& what) {
    throw format_error("corrupt", src + ": " + where + ": " + what);
  };
  auto get_bool = [&](const json& o, const char* name, bool fallback, const std::string& where) {
    const auto it = o.find(name);
    if (it == o.end()) {
      return fallback;
    }
    if (!it->is_boolean()) {
      fail(where, std::string("\"") + name + "\" must be true or false");
    }
    return it->get<bool>();
  };
  auto get_number = [&](const json& o, const char* name,
                        const std::string& where) -> std::optional<double> {
    const auto it = o.find(name);
    if (it == o.end()) {
      return std::nullopt;
    }
    if (!it->is_number()) {
      fail(where, std::string("\"") + name + "\" must be a number");
    }
    return it->get<double>();
  };
  auto get_string = [&](const json& o, const char* name,
                        const std::string& where) -> std::optional<std::string> {
    const auto it = o.find(name);
    if (it == o.end()) {
      return std::nullopt;
    }
    if (!it->is_string()) {
      fail(where, std::string("\"") + name + "\" must be a string");
    }
    return it->get<std::string>();
  };
  auto get_object = [&](const json& o, const char* name, const std::string& where) -> const json* {
    const auto it = o.find(name);
    if (it == o.end()) {
      return nullptr;
    }
    if (!it->is_object()) {
      fail(where, std::string("\"") + name + "\" must be an object");
    }
    return &*it;
  };

  std::size_t buckets = default_histogram_buckets;
  if (const auto it = document.find("histogram_buckets"); it != document.end()) {
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() == 0 ||
        it->get<std::uint64_t>() > 100000) {
      fail("histogram_buckets", "must be an integer in 1..100000");
    }
    buckets = it->get<std::size_t>();
  }
  const auto list = document.find("features");
  if (list == document.end() || !list->is_array()) {
    fail("features", "missing array \"features\"");
  }
  std::vector<feature_spec> specs;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& j = (*list)[i];
    std::string where = "features[" + std::to_string(i) + "]";
    if (!j.is_object()) {
      fail(where, "must be an object");
    }
    check_known_fields(j,
                       {"name", "kind", "required", "max_missing_fraction", "domain", "vocabulary",
                        "allow_nan", "allow_inf", "policy", "skew"},
                       src + ": " + where);
    feature_spec f;
    const auto name = get_string(j, "name", where);
    if (!name) {
      fail(where, "missing \"name\"");
    }
    f.name = *name;
    where += " ('" + f.name + "')";
    const auto kind = get_string(j, "kind", where).value_or("");
    if (kind == "numeric") {
      f.kind = feature_kind::numeric;
    } else if (kind == "integer") {
      f.kind = feature_kind::integer;
    } else if (kind == "categorical") {
      f.kind = feature_kind::categorical;
    } else if (kind == "boolean") {
      f.kind = feature_kind::boolean;
    } else {
      fail(where, "\"kind\" must be numeric, integer, categorical or boolean");
    }
    f.required = get_bool(j, "required", true, where);
    f.max_missing_fraction = get_number(j, "max_missing_fraction", where).value_or(0.0);
    if (f.required && f.max_missing_fraction != 0.0) {
      fail(where, "a required feature has no max_missing_fraction");
    }
    if (const json* d = get_object(j, "domain", where)) {
      check_known_fields(*d, {"min", "max"}, src + ": " + where + ".domain");
      f.min = get_number(*d, "min", where + ".domain");
      f.max = get_number(*d, "max", where + ".domain");
    }
    if (const auto it = j.find("vocabulary"); it != j.end()) {
      if (!it->is_array()) {
        fail(where, "\"vocabulary\" must be an array of strings");
      }
      for (const auto& v : *it) {
        if (!v.is_string()) {
          fail(where, "\"vocabulary\" must be an array of strings");
        }
        f.vocabulary.push_back(v.get<std::string>());
      }
    }
    f.allow_nan = get_bool(j, "allow_nan", false, where);
    f.allow_inf = get_bool(j, "allow_inf", false, where);
    if (const json* p = get_object(j, "policy", where)) {
      check_known_fields(*p, {"action", "impute"}, src + ": " + where + ".policy");
      const auto action = get_string(*p, "action", where + ".policy").value_or("flag");
      if (action == "flag") {
        f.action = row_action::flag;
      } else if (action == "reject") {
        f.action = row_action::reject;
      } else if (action == "impute") {
        f.action = row_action::impute;
      } else if (action == "clip") {
        f.action = row_action::clip;
      } else {
        fail(where, "policy \"action\" must be flag, reject, impute or clip");
      }
      if (const json* imp = get_object(*p, "impute", where + ".policy")) {
        const std::string iw = where + ".policy.impute";
        check_known_fields(*imp, {"strategy", "value", "category"}, src + ": " + iw);
        const auto strategy = get_string(*imp, "strategy", iw).value_or("constant");
        if (strategy == "median") {
          f.impute = impute_source::median;
        } else if (strategy == "most_frequent") {
          f.impute = impute_source::most_frequent;
        } else if (strategy == "constant") {
          f.impute = impute_source::constant;
        } else {
          fail(iw, "\"strategy\" must be median, most_frequent or constant");
        }
        f.impute_value = get_number(*imp, "value", iw);
        f.impute_category = get_string(*imp, "category", iw);
      }
    }
    if (const json* s = get_object(j, "skew", where)) {
      check_known_fields(
          *s, {"l_infinity", "jensen_shannon", "normalized_abs_difference", "unseen_share"},
          src + ": " + where + ".skew");
      f.skew.l_infinity = get_number(*s, "l_infinity", where + ".skew");
      f.skew.jensen_shannon = get_number(*s, "jensen_shannon", where + ".skew");
      f.skew.normalized_abs_difference =
          get_number(*s, "normalized_abs_difference", where + ".skew");
      f.skew.unseen_share = get_number(*s, "unseen_share", where + ".skew");
    }
    specs.push_back(std::move(f));
  }
  schema out(std::move(specs), buckets);
  if (const json* sev = get_object(document, "severity", "severity")) {
    for (auto it = sev->begin(); it != sev->end(); ++it) {
      if (!it->is_string()) {
        fail("severity", "values must be \"warning\" or \"error\"");
      }
      anomaly_kind kind{};
      severity level{};
      try {
        kind = anomaly_kind_from_string(it.key());
        level = severity_from_string(it->get<std::string>());
      } catch (const validation_error& e) {
        fail("severity", std::string(e.message()));
      }
      out.set_severity(kind, level);
    }
  }
  return out;
}

} // namespace mlguard::validate

#endif // MLGUARD_VALIDATE_DETAIL_SCHEMA_IMPL_HPP

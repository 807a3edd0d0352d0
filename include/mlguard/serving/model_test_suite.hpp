#ifndef MLGUARD_SERVING_MODEL_TEST_SUITE_HPP
#define MLGUARD_SERVING_MODEL_TEST_SUITE_HPP

// Behavioural tests of a model (CheckList, Ribeiro et al. 2020, "Beyond
// Accuracy"), written in C++ and kept in the bundle so `mlguard check-model`
// can run them wherever the bundle goes:
//  - invariance: setting a feature that must not matter to each of a few
//    values changes the first output by at most ε, on every base row;
//  - directional expectation: raising a numeric feature by `delta` does not
//    lower (or, for "decreasing", raise) the first output by more than ε;
//  - minimum functionality: a request with given fields gets a first output
//    inside [min, max].
// Base rows are the rows the perturbations start from: a holdout table, or
// the bundle's smoke rows. Requests are scored as serving scores them, from
// text fields (guarded_model::predict_fields), so a perturbation is written
// as a request would send it ("12.5", a category's name).
//
// The suite's declarative form is a JSON document ("mlguard.model_test_suite",
// core/json.hpp's envelope) stored as the bundle member model_tests.json
// (attach_model_tests). A bundle without it is unchanged, digest included.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/model_bundle.hpp"

namespace mlguard::serving {

/// What a behavioural test checks.
enum class behaviour_kind { invariance, directional, minimum_functionality };

/// The kind's name: "invariance", "directional", "minimum_functionality".
inline const char* to_string(behaviour_kind k) noexcept {
  switch (k) {
  case behaviour_kind::invariance:
    return "invariance";
  case behaviour_kind::directional:
    return "directional";
  case behaviour_kind::minimum_functionality:
  default:
    return "minimum_functionality";
  }
}

/// One behavioural test (the fields its kind uses; see model_test_suite's adders).
struct behaviour_test {
  behaviour_kind kind = behaviour_kind::invariance;
  std::string name;
  /// invariance, directional: the feature perturbed.
  std::string feature;
  /// invariance: the values the feature is set to, as request text.
  std::vector<std::string> values;
  /// directional: how much the feature is raised.
  double delta = 1.0;
  /// directional: the output must not fall (true) or not rise (false).
  bool increasing = true;
  /// invariance, directional: the change in the output tolerated.
  double epsilon = 1e-9;
  /// minimum_functionality: the request's fields by feature name (a feature
  /// left out is sent as missing, "").
  std::map<std::string, std::string> fields;
  /// minimum_functionality: the bounds the first output must keep.
  std::optional<double> min;
  std::optional<double> max;
};

/// The suite document's format.
inline constexpr document_format model_test_suite_format{"mlguard.model_test_suite", 1};

/// The bundle member holding a suite (an artifact member, so bundles without
/// one keep their format and digest).
inline constexpr const char* model_tests_member = "model_tests.json";

/// An ordered list of behavioural tests.
template <class = void> // deferred: see core/json.hpp
class basic_model_test_suite {
public:
  /// Adds an invariance test: on every base row, the first output with
  /// `feature` set to each of `values` varies by at most `epsilon`.
  basic_model_test_suite& add_invariance(std::string name, std::string feature,
                                         std::vector<std::string> values, double epsilon = 1e-9);

  /// Adds a directional test: on every base row where `feature` has a value
  /// x, the first output at x + delta is >= the output at x − epsilon
  /// (`increasing`), or <= it + epsilon.
  basic_model_test_suite& add_directional(std::string name, std::string feature, double delta,
                                          bool increasing = true, double epsilon = 1e-9);

  /// Adds a minimum-functionality case: the request `fields` (feature →
  /// text) gets a first output in [min, max] (either bound may be absent).
  basic_model_test_suite& add_case(std::string name, std::map<std::string, std::string> fields,
                                   std::optional<double> min, std::optional<double> max);

  /// Adds `t` as it is. Throws serving_error (mlguard.serving.invalid_model_test)
  /// for an empty or repeated name, an invariance test with fewer than two
  /// values, a directional delta that is not finite and positive, a negative
  /// or non-finite epsilon, a case with no bound or min > max.
  basic_model_test_suite& add(behaviour_test t);

  /// The tests, in the order they were added.
  const std::vector<behaviour_test>& tests() const noexcept { return tests_; }
  bool empty() const noexcept { return tests_.empty(); }

  /// Throws serving_error (mlguard.serving.invalid_model_test) naming the
  /// test when it names a feature `layout` lacks, or perturbs a categorical
  /// feature directionally.
  void check(const feature_layout& layout) const;

  /// The suite as a document (model_test_suite_format): {"tests": [{"kind",
  /// "name", and "feature", "values", "epsilon" (invariance); "feature",
  /// "delta", "direction" ("increasing"/"decreasing"), "epsilon"
  /// (directional); "fields", "min", "max" (minimum_functionality)}]}.
  json to_json() const;

  /// Reads a suite document. Throws format_error (corrupt, unknown_field,
  /// newer_version) with the field's path, and as add().
  static basic_model_test_suite from_json(const json& j, const std::string& source = "model_tests");

  /// Writes the document to `path` atomically. Throws io_error.
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads the document at `path`. Throws io_error and as from_json.
  static basic_model_test_suite load(const std::string& path);

private:
  std::vector<behaviour_test> tests_;
};

/// The type to name (a class template only so that its bodies compile where used).
using model_test_suite = basic_model_test_suite<>;

/// Stores `suite` in `bundle` as the member model_tests.json (replacing one
/// there), after checking it against the bundle's layout (check()). Throws
/// as check().
template <class = void> // deferred: see core/json.hpp
void attach_model_tests(model_bundle& bundle, const model_test_suite& suite);

/// The suite kept in `bundle`, or nothing when it has none. Throws
/// serving_error (mlguard.serving.bundle_corrupt) when the member does not
/// read as a suite, and as check().
template <class = void>
std::optional<model_test_suite> model_tests_of(const model_bundle& bundle);

/// One behavioural test's outcome.
struct behaviour_result {
  std::string name;
  behaviour_kind kind = behaviour_kind::invariance;
  std::size_t checked = 0; ///< base rows (or 1 for a case) the test was checked on
  std::size_t skipped = 0; ///< base rows the model rejects, or without the feature's value
  std::size_t failed = 0;
  /// The largest violation: the output's spread (invariance), its move the
  /// wrong way (directional), its distance outside [min, max] (a case);
  /// a rejected perturbed request counts as infinite.
  double worst = 0.0;
  std::string example; ///< the first failure, for people
  bool passed = true;
};

/// A suite's outcome.
struct suite_result {
  std::vector<behaviour_result> tests;
  bool passed = true;
  std::string reason; ///< when failed: the first failing test with its numbers
};

/// The base rows of a holdout `table` as request fields in `layout` order
/// (numbers as shortest round-trip text, categories by name, "" for
/// missing). Throws argument_error (mlguard.argument.unknown_column) naming a
/// layout feature the table lacks.
template <class = void>
std::vector<std::vector<std::string>> request_fields(const table& t, const feature_layout& layout);

/// Runs `suite` against `model` from `base_rows` (request fields in layout
/// order; a row of another length is skipped). Each request is scored with
/// predict_fields, so it is counted in the model's request counters; use a
/// model built for the check, not the serving one. A test with no base row to
/// check (every one rejected or missing the feature) fails: it proved nothing.
/// Throws as suite.check(model's layout).
template <class = void>
suite_result run_model_tests(const model_test_suite& suite, guarded_model& model,
                             const std::vector<std::vector<std::string>>& base_rows);

/// As above, from the bundle's smoke rows.
template <class = void>
suite_result run_model_tests(const model_test_suite& suite, guarded_model& model);

/// The outcome as JSON: {"passed", "reason", "tests": [{"name", "kind",
/// "passed", "checked", "skipped", "failed", "worst", "example"}]}.
template <class = void>
void to_json(json& j, const suite_result& r);

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/detail/field_text.hpp"
#include "mlguard/validate/detail/cell.hpp"

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::add_invariance(std::string name, std::string feature,
                                                              std::vector<std::string> values,
                                                              double epsilon)
    -> basic_model_test_suite& {
  behaviour_test t;
  t.kind = behaviour_kind::invariance;
  t.name = std::move(name);
  t.feature = std::move(feature);
  t.values = std::move(values);
  t.epsilon = epsilon;
  return add(std::move(t));
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::add_directional(std::string name,
                                                               std::string feature, double delta,
                                                               bool increasing, double epsilon)
    -> basic_model_test_suite& {
  behaviour_test t;
  t.kind = behaviour_kind::directional;
  t.name = std::move(name);
  t.feature = std::move(feature);
  t.delta = delta;
  t.increasing = increasing;
  t.epsilon = epsilon;
  return add(std::move(t));
}

template <class V>
MLGUARD_INLINE auto
basic_model_test_suite<V>::add_case(std::string name, std::map<std::string, std::string> fields,
                                    std::optional<double> min, std::optional<double> max)
    -> basic_model_test_suite& {
  behaviour_test t;
  t.kind = behaviour_kind::minimum_functionality;
  t.name = std::move(name);
  t.fields = std::move(fields);
  t.min = min;
  t.max = max;
  return add(std::move(t));
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::add(behaviour_test t) -> basic_model_test_suite& {
  const auto bad = [&](const std::string& why) {
    throw serving_error("invalid_model_test", "model test '" + t.name + "': " + why);
  };
  if (t.name.empty()) {
    bad("a test needs a name");
  }
  for (const auto& other : tests_) {
    if (other.name == t.name) {
      bad("the name is used twice");
    }
  }
  if (!(t.epsilon >= 0.0 && std::isfinite(t.epsilon))) {
    bad("epsilon must be finite and >= 0");
  }
  if (t.kind == behaviour_kind::invariance && t.values.size() < 2) {
    bad("an invariance test needs at least two values");
  }
  if (t.kind == behaviour_kind::directional && !(t.delta > 0.0 && std::isfinite(t.delta))) {
    bad("delta must be finite and > 0");
  }
  if (t.kind == behaviour_kind::minimum_functionality &&
      ((!t.min && !t.max) || (t.min && t.max && *t.min > *t.max))) {
    bad("a case needs min and/or max, with min <= max");
  }
  if (t.kind != behaviour_kind::minimum_functionality && t.feature.empty()) {
    bad("the test needs a feature");
  }
  tests_.push_back(std::move(t));
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::check(const feature_layout& layout) const -> void {
  const auto find = [&](const behaviour_test& t, const std::string& name) {
    for (std::size_t i = 0; i < layout.size(); ++i) {
      if (layout[i].name == name) {
        return i;
      }
    }
    throw serving_error("invalid_model_test", "model test '" + t.name +
                                                  "': the model has no "
                                                  "feature '" +
                                                  name + "'");
  };
  for (const auto& t : tests_) {
    if (t.kind == behaviour_kind::minimum_functionality) {
      for (const auto& f : t.fields) {
        find(t, f.first);
      }
      continue;
    }
    const auto i = find(t, t.feature);
    if (t.kind == behaviour_kind::directional &&
        layout[i].kind == validate::feature_kind::categorical) {
      throw serving_error("invalid_model_test", "model test '" + t.name + "': feature '" +
                                                    t.feature +
                                                    "' is categorical; it cannot be raised");
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::to_json() const -> json {
  json doc = new_document(model_test_suite_format);
  json tests = json::array();
  for (const auto& t : tests_) {
    json j = {{"kind", to_string(t.kind)}, {"name", t.name}};
    switch (t.kind) {
    case behaviour_kind::invariance:
      j["feature"] = t.feature;
      j["values"] = t.values;
      j["epsilon"] = json_number(t.epsilon);
      break;
    case behaviour_kind::directional:
      j["feature"] = t.feature;
      j["delta"] = json_number(t.delta);
      j["direction"] = t.increasing ? "increasing" : "decreasing";
      j["epsilon"] = json_number(t.epsilon);
      break;
    case behaviour_kind::minimum_functionality:
      j["fields"] = t.fields;
      j["min"] = t.min ? json_number(*t.min) : json(nullptr);
      j["max"] = t.max ? json_number(*t.max) : json(nullptr);
      break;
    }
    tests.push_back(std::move(j));
  }
  doc["tests"] = std::move(tests);
  return doc;
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::from_json(const json& j, const std::string& source)
    -> basic_model_test_suite {
  const auto r = json_reader::document(j, model_test_suite_format, source, {"tests"});
  basic_model_test_suite s;
  for (const auto& t : r.objects("tests")) {
    behaviour_test b;
    b.name = t.text("name");
    const auto& kind = t.text("kind");
    if (kind == "invariance") {
      t.allow_fields({"kind", "name", "feature", "values", "epsilon"});
      b.kind = behaviour_kind::invariance;
      b.feature = t.text("feature");
      b.values = t.texts("values");
      b.epsilon = t.finite("epsilon");
    } else if (kind == "directional") {
      t.allow_fields({"kind", "name", "feature", "delta", "direction", "epsilon"});
      b.kind = behaviour_kind::directional;
      b.feature = t.text("feature");
      b.delta = t.finite("delta");
      const auto& direction = t.text("direction");
      if (direction != "increasing" && direction != "decreasing") {
        t.fail("direction", "expected \"increasing\" or \"decreasing\"");
      }
      b.increasing = direction == "increasing";
      b.epsilon = t.finite("epsilon");
    } else if (kind == "minimum_functionality") {
      t.allow_fields({"kind", "name", "fields", "min", "max"});
      b.kind = behaviour_kind::minimum_functionality;
      const auto fields = t.object("fields");
      for (const auto& f : fields.value().items()) {
        if (!f.value().is_string()) {
          fields.fail(f.key(), "expected a string");
        }
        b.fields[f.key()] = f.value().get<std::string>();
      }
      b.min = t.has_value("min") ? std::optional<double>(t.finite("min")) : std::nullopt;
      b.max = t.has_value("max") ? std::optional<double>(t.finite("max")) : std::nullopt;
    } else {
      t.fail("kind", "expected invariance, directional or minimum_functionality");
    }
    s.add(std::move(b));
  }
  return s;
}

template <class V>
MLGUARD_INLINE auto basic_model_test_suite<V>::load(const std::string& path)
    -> basic_model_test_suite {
  return from_json(load_json(path), path);
}

template <class> // deferred: see core/json.hpp
void attach_model_tests(model_bundle& bundle, const model_test_suite& suite) {
  suite.check(bundle.layout);
  std::string text = dump_json(suite.to_json(), 1);
  text.push_back('\n');
  bundle.artifacts[model_tests_member] = std::move(text);
}

template <class>
std::optional<model_test_suite> model_tests_of(const model_bundle& bundle) {
  const auto it = bundle.artifacts.find(model_tests_member);
  if (it == bundle.artifacts.end()) {
    return std::nullopt;
  }
  model_test_suite s;
  try {
    s = model_test_suite::from_json(parse_json(it->second, model_tests_member), model_tests_member);
  } catch (const format_error& e) {
    throw serving_error("bundle_corrupt",
                        std::string("bundle member ") + model_tests_member + ": " + e.what());
  }
  s.check(bundle.layout);
  return s;
}

template <class>
std::vector<std::vector<std::string>> request_fields(const table& t, const feature_layout& layout) {
  std::vector<const column*> columns;
  for (const auto& f : layout) {
    columns.push_back(&t.at(f.name));
  }
  std::vector<std::vector<std::string>> rows(t.rows());
  for (std::size_t r = 0; r < t.rows(); ++r) {
    for (const column* c : columns) {
      rows[r].push_back(detail::field_text(*c, r));
    }
  }
  return rows;
}

template <class>
suite_result run_model_tests(const model_test_suite& suite, guarded_model& model,
                             const std::vector<std::vector<std::string>>& base_rows) {
  const auto& layout = model.bundle().layout;
  suite.check(layout);
  suite_result out;
  std::vector<std::string> fields;
  std::vector<std::string_view> views;
  const auto score = [&](const std::vector<std::string>& f) {
    views.assign(f.begin(), f.end());
    const auto o = model.predict_fields(span<const std::string_view>(views));
    return o.status == request_status::rejected ? std::optional<double>()
                                                : std::optional<double>(o.prediction);
  };
  const auto index_of = [&](const std::string& name) {
    std::size_t i = 0;
    while (layout[i].name != name) {
      ++i;
    }
    return i;
  };
  for (const auto& t : suite.tests()) {
    behaviour_result r;
    r.name = t.name;
    r.kind = t.kind;
    const auto fail = [&](double violation, const std::string& example) {
      ++r.failed;
      if (r.example.empty()) {
        r.example = example;
      }
      r.worst = std::max(r.worst, violation);
    };
    if (t.kind == behaviour_kind::minimum_functionality) {
      fields.assign(layout.size(), std::string());
      for (const auto& f : t.fields) {
        fields[index_of(f.first)] = f.second;
      }
      r.checked = 1;
      const auto y = score(fields);
      if (!y) {
        fail(HUGE_VAL, "the request is rejected");
      } else if ((t.min && *y < *t.min) || (t.max && *y > *t.max) || std::isnan(*y)) {
        const double below = t.min ? *t.min - *y : 0.0;
        const double above = t.max ? *y - *t.max : 0.0;
        fail(std::isnan(*y) ? HUGE_VAL : std::max(below, above),
             "output " + detail::short_number(*y) + " outside [" +
                 (t.min ? detail::short_number(*t.min) : std::string("-inf")) + ", " +
                 (t.max ? detail::short_number(*t.max) : std::string("inf")) + "]");
      }
    } else {
      const std::size_t k = index_of(t.feature);
      for (std::size_t row = 0; row < base_rows.size(); ++row) {
        if (base_rows[row].size() != layout.size() || !score(base_rows[row])) {
          ++r.skipped;
          continue;
        }
        fields = base_rows[row];
        if (t.kind == behaviour_kind::invariance) {
          double lo = HUGE_VAL, hi = -HUGE_VAL;
          bool rejected = false;
          for (const auto& v : t.values) {
            fields[k] = v;
            const auto y = score(fields);
            rejected = rejected || !y || std::isnan(*y);
            if (y) {
              lo = std::min(lo, *y);
              hi = std::max(hi, *y);
            }
          }
          ++r.checked;
          if (rejected) {
            fail(HUGE_VAL, "base row " + std::to_string(row + 1) + ": a value of '" + t.feature +
                               "' is rejected");
          } else if (hi - lo > t.epsilon) {
            fail(hi - lo, "base row " + std::to_string(row + 1) + ": the output spans [" +
                              detail::short_number(lo) + ", " + detail::short_number(hi) +
                              "] over the values of '" + t.feature + "'");
          }
        } else {
          double x = 0.0;
          if (validate::detail::parse_number(fields[k], x) != validate::detail::cell_state::value ||
              !std::isfinite(x)) {
            ++r.skipped; // missing (or not a number): nothing to raise
            continue;
          }
          const auto y0 = score(fields);
          fields[k] = detail::request_number(x + t.delta);
          const auto y1 = score(fields);
          ++r.checked;
          if (!y1 || std::isnan(*y1)) {
            fail(HUGE_VAL, "base row " + std::to_string(row + 1) + ": '" + t.feature +
                               "' = " + fields[k] + " is rejected");
            continue;
          }
          const double wrong_way = t.increasing ? *y0 - *y1 : *y1 - *y0;
          if (wrong_way > t.epsilon) {
            fail(wrong_way, "base row " + std::to_string(row + 1) + ": raising '" + t.feature +
                                "' from " + detail::short_number(x) + " by " +
                                detail::short_number(t.delta) + " moves the output from " +
                                detail::short_number(*y0) + " to " + detail::short_number(*y1));
          }
        }
      }
      if (r.checked == 0) {
        fail(0.0, "no base row could be checked (" + std::to_string(r.skipped) + " skipped)");
      }
    }
    r.passed = r.failed == 0;
    if (!r.passed && out.passed) {
      out.passed = false;
      out.reason = std::string(to_string(r.kind)) + " test '" + r.name + "' failed on " +
                   std::to_string(r.failed) + " of " + std::to_string(r.checked) + " (worst " +
                   detail::short_number(r.worst) + "): " + r.example;
    }
    out.tests.push_back(std::move(r));
  }
  return out;
}

template <class>
suite_result run_model_tests(const model_test_suite& suite, guarded_model& model) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& s : model.bundle().smoke) {
    rows.push_back(s.fields);
  }
  return run_model_tests(suite, model, rows);
}

template <class>
void to_json(json& j, const suite_result& r) {
  json tests = json::array();
  for (const auto& t : r.tests) {
    tests.push_back({{"name", t.name},
                     {"kind", to_string(t.kind)},
                     {"passed", t.passed},
                     {"checked", t.checked},
                     {"skipped", t.skipped},
                     {"failed", t.failed},
                     {"worst", json_number(t.worst)},
                     {"example", t.example}});
  }
  j = json{{"passed", r.passed}, {"reason", r.reason}, {"tests", std::move(tests)}};
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MODEL_TEST_SUITE_HPP

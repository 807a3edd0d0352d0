#ifndef MLGUARD_SERVING_RISK_ASSESSMENT_HPP
#define MLGUARD_SERVING_RISK_ASSESSMENT_HPP

// The checks of a risk assessment before deployment (report/risk_report.hpp),
// run on a model bundle and a holdout table:
//
//   report::risk_report r;
//   const auto holdout_profile = profile::dataset_profile::of(holdout, b.reference.options());
//   serving::assess_schema(r, b, &holdout_profile);
//   serving::assess_skew(r, b, holdout_profile);
//   serving::assess_operations(r, b, facts);   // facts: rollback target, policy, smoke rows
//   if (r.blocked()) ...                        // do not deploy
//
// Each function appends its checks, open or passed, so the report also shows
// what was verified. assess_fairness, assess_model_tests and
// assess_explanations take what the caller measured on the holdout (bias
// metrics, the bundle's behavioural tests run, the model's global importance),
// as `mlguard assess` does. What is blocking by default, and why, is in
// assessment_options; docs/assess.md lists the checks.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/report/risk_report.hpp"
#include "mlguard/validate/skew.hpp"

namespace mlguard::serving {

// serving/model_bundle.hpp, serving/model_test_suite.hpp and fairness/group_metrics.hpp:
// the checks read their types as template parameters, so that this header needs none of
// them (compile time, issue 11).
struct model_bundle;
struct suite_result;

/// Settings of the assessment: thresholds and how much each finding weighs.
struct assessment_options {
  /// A feature missing in more than this share of the training or holdout rows
  /// is a risk: the imputer or the schema's policy decides those predictions.
  double max_missing_share = 0.05;
  /// Jensen–Shannon divergence (base 2) between the holdout and the training
  /// profile above which a feature is skewed, where the schema sets no
  /// threshold of its own (TFDV sets none by default either).
  double skew_jensen_shannon = 0.1;

  /// A numeric feature without both bounds: any value reaches the model, so
  /// out-of-range inputs are neither flagged nor clipped. Blocking by default.
  report::risk_level unbounded_numeric = report::risk_level::blocking;
  /// A categorical feature without a vocabulary: any string is accepted.
  report::risk_level no_vocabulary = report::risk_level::warning;
  /// A feature missing more often than max_missing_share.
  report::risk_level high_missing_share = report::risk_level::warning;
  /// Skew above a threshold the schema sets (its author chose it): blocking.
  report::risk_level schema_skew = report::risk_level::blocking;
  /// Skew above skew_jensen_shannon, where the schema sets no threshold.
  report::risk_level default_skew = report::risk_level::warning;
  /// No version to roll back to: a bad deployment cannot be undone at once.
  report::risk_level no_rollback_target = report::risk_level::blocking;
  /// No rollback policy: nothing rolls back by itself.
  report::risk_level no_policy = report::risk_level::warning;
  /// The bundle has no reference or predictions profile: no drift monitor.
  report::risk_level no_monitor_reference = report::risk_level::blocking;
  /// The bundle's smoke rows fail, or it has none.
  report::risk_level smoke_rows = report::risk_level::blocking;

  /// Bias: the smallest demographic parity ratio (min / max selection rate over
  /// the groups) that is not a risk: the "four-fifths rule" of the US EEOC's
  /// Uniform Guidelines on Employee Selection Procedures (1978).
  double min_parity_ratio = 0.8;
  /// Bias: the largest equalized odds difference (Fairlearn's: the larger of the
  /// TPR and FPR differences between groups) that is not a risk.
  double max_equalized_odds_difference = 0.1;
  /// A disparity beyond those limits.
  report::risk_level bias = report::risk_level::blocking;
  /// No sensitive attribute was given, so bias was not measured.
  report::risk_level bias_unmeasured = report::risk_level::warning;

  /// A behavioural test the bundle keeps fails.
  report::risk_level behavioural_test = report::risk_level::blocking;
  /// The bundle keeps no behavioural tests.
  report::risk_level no_behavioural_tests = report::risk_level::warning;
  /// A feature named as one that must not matter carries more than this share
  /// of the model's global importance (mean |contribution|, SHAP's global
  /// importance).
  double max_unexpected_share = 0.05;
  report::risk_level unexpected_importance = report::risk_level::blocking;
};

/// What the operational checks need to know beyond the bundle.
struct readiness_facts {
  /// The version a rollback would return to, when there is one.
  std::optional<int> rollback_target;
  /// How the rollback target was found, or why there is none (one line).
  std::string rollback_note;
  /// Whether a rollback policy is configured, and which (one line).
  bool policy_configured = false;
  std::string policy_note;
  /// Empty: the model was built from the bundle and its smoke rows passed.
  /// Otherwise what failed (serving_error's message).
  std::string smoke_failure;
};

/// Schema coverage of `b`: a numeric or integer feature without both bounds
/// ("unbounded_numeric"), a categorical feature without a vocabulary
/// ("no_vocabulary"), and a feature missing in more than max_missing_share of
/// the training rows (b.reference) or of the holdout's ("high_missing_share").
/// A check that finds nothing is appended once as passed. Throws nothing but
/// std::bad_alloc.
template <class Bundle = model_bundle>
void assess_schema(report::risk_report& r, const Bundle& b, const profile::dataset_profile* holdout,
                   const assessment_options& o = {}) {
  std::size_t unbounded = 0;
  std::size_t unvocabulary = 0;
  std::size_t missing = 0;
  char line[256];
  for (const auto& f : b.schema.features()) {
    if (f.kind == validate::feature_kind::numeric || f.kind == validate::feature_kind::integer) {
      if (!f.min || !f.max) {
        ++unbounded;
        const char* which = !f.min && !f.max ? "neither a min nor a max"
                            : !f.min         ? "no min"
                                             : "no max";
        r.open("schema", "unbounded_numeric", f.name, o.unbounded_numeric,
               "'" + f.name + "' has " + which +
                   " in the schema: out-of-range values reach the model unflagged");
      }
    } else if (f.kind == validate::feature_kind::categorical && f.vocabulary.empty()) {
      ++unvocabulary;
      r.open("schema", "no_vocabulary", f.name, o.no_vocabulary,
             "'" + f.name + "' has no vocabulary in the schema: any category is accepted");
    }
    const profile::dataset_profile* sides[] = {&b.reference, holdout};
    const char* side_names[] = {"training", "holdout"};
    for (int s = 0; s < 2; ++s) {
      const auto* p = sides[s] != nullptr ? sides[s]->find(f.name) : nullptr;
      const auto share = p != nullptr ? p->missing_fraction() : std::nullopt;
      if (share && *share > o.max_missing_share) {
        ++missing;
        std::snprintf(line, sizeof line, "%.3g%% of the %s rows (limit %.3g%%)", 100 * *share,
                      side_names[s], 100 * o.max_missing_share);
        r.open("schema", "high_missing_share", f.name, o.high_missing_share,
               "'" + f.name + "' is missing in " + line);
      }
    }
  }
  const auto n = std::to_string(b.schema.features().size());
  if (unbounded == 0) {
    r.pass("schema", "unbounded_numeric", "", o.unbounded_numeric,
           "every numeric feature of " + n + " has a min and a max");
  }
  if (unvocabulary == 0) {
    r.pass("schema", "no_vocabulary", "", o.no_vocabulary,
           "every categorical feature has a vocabulary");
  }
  if (missing == 0) {
    std::snprintf(line, sizeof line, "no feature is missing in more than %.3g%% of the rows",
                  100 * o.max_missing_share);
    r.pass("schema", "high_missing_share", "", o.high_missing_share, line);
  }
}

/// Training–serving skew between the holdout's profile and the training
/// profile b.reference, by validate::compare_profiles (TFDV's comparators):
/// a measurement above the schema's threshold is open at schema_skew; a
/// Jensen–Shannon divergence above o.skew_jensen_shannon where the schema
/// sets no threshold is open at default_skew. Throws nothing but std::bad_alloc.
template <class Bundle = model_bundle>
void assess_skew(report::risk_report& r, const Bundle& b, const profile::dataset_profile& holdout,
                 const assessment_options& o = {}) {
  std::size_t skewed = 0;
  std::size_t measured = 0;
  char line[256];
  for (const auto& fs : validate::compare_profiles(b.schema, b.reference, holdout)) {
    if (fs.skipped) {
      r.open("skew", "skew_unmeasured", fs.name, report::risk_level::info,
             "'" + fs.name + "' not compared: " + *fs.skipped);
      continue;
    }
    ++measured;
    for (const auto& m : fs.measurements) {
      const bool own = m.threshold.has_value();
      const bool js = m.comparator == "jensen_shannon";
      const double limit = own ? *m.threshold : o.skew_jensen_shannon;
      if ((own || js) && m.value > limit) {
        ++skewed;
        std::snprintf(line, sizeof line, " %.4g, above %s %.4g", m.value,
                      own ? "the schema's" : "the default", limit);
        r.open("skew", "training_serving_skew", fs.name, own ? o.schema_skew : o.default_skew,
               "'" + fs.name + "' " + m.comparator + line +
                   (m.category.empty() ? std::string() : " (category '" + m.category + "')"));
      }
    }
  }
  if (skewed == 0) {
    std::snprintf(line, sizeof line,
                  "%zu features compared with the training profile; none skewed (default "
                  "Jensen-Shannon limit %.3g)",
                  measured, o.skew_jensen_shannon);
    r.pass("skew", "training_serving_skew", "", o.default_skew, line);
  }
}

/// Operational readiness (ML Test Score, monitoring and infrastructure): a
/// rollback target exists ("rollback_target"), a rollback policy is
/// configured ("rollback_policy"), the bundle carries the references its
/// drift monitors need ("monitor_reference": a training profile of every
/// layout feature and a predictions profile), and its smoke rows exist and
/// pass ("smoke_rows"). Throws nothing but std::bad_alloc.
template <class Bundle = model_bundle>
void assess_operations(report::risk_report& r, const Bundle& b, const readiness_facts& facts,
                       const assessment_options& o = {}) {
  if (facts.rollback_target) {
    r.pass("operations", "rollback_target", "", o.no_rollback_target,
           "a rollback returns to version " + std::to_string(*facts.rollback_target) +
               (facts.rollback_note.empty() ? std::string() : " (" + facts.rollback_note + ")"));
  } else {
    r.open("operations", "rollback_target", "", o.no_rollback_target,
           "no version to roll back to" +
               (facts.rollback_note.empty() ? std::string() : ": " + facts.rollback_note));
  }
  if (facts.policy_configured) {
    r.pass("operations", "rollback_policy", "", o.no_policy, facts.policy_note);
  } else {
    r.open("operations", "rollback_policy", "", o.no_policy,
           "no rollback policy: nothing rolls the model back by itself" +
               (facts.policy_note.empty() ? std::string() : " (" + facts.policy_note + ")"));
  }
  std::string unreferenced;
  for (const auto& f : b.layout) {
    if (b.reference.find(f.name) == nullptr) {
      unreferenced.append(unreferenced.empty() ? "'" : ", '").append(f.name).append("'");
    }
  }
  if (!unreferenced.empty()) {
    r.open("operations", "monitor_reference", "", o.no_monitor_reference,
           "the training profile lacks " + unreferenced + ": their drift cannot be monitored");
  } else if (b.predictions.columns().empty()) {
    r.open("operations", "monitor_reference", "", o.no_monitor_reference,
           "the bundle has no predictions profile: prediction drift cannot be monitored");
  } else {
    r.pass("operations", "monitor_reference", "", o.no_monitor_reference,
           "the bundle carries the reference of every input and of the predictions");
  }
  if (!facts.smoke_failure.empty()) {
    r.open("operations", "smoke_rows", "", o.smoke_rows, facts.smoke_failure);
  } else if (b.smoke.empty()) {
    r.open("operations", "smoke_rows", "", o.smoke_rows,
           "the bundle has no smoke rows: a follower cannot check the model before serving it");
  } else {
    r.pass("operations", "smoke_rows", "", o.smoke_rows,
           std::to_string(b.smoke.size()) + " smoke rows pass");
  }
}

/// Bias of the model's predictions across the groups of one sensitive
/// attribute (`attribute`, e.g. "pickup_zone"), measured by fairness::evaluate
/// on the holdout: a demographic parity ratio below o.min_parity_ratio and an
/// equalized odds difference above o.max_equalized_odds_difference are open at
/// o.bias ("demographic_parity", "equalized_odds"); a disparity that is
/// undefined (every selection rate 0, one group) is noted at info. Throws
/// nothing but std::bad_alloc.
template <class Metrics> // a fairness::fairness_metrics (fairness/group_metrics.hpp)
void assess_fairness(report::risk_report& r, const Metrics& m, const std::string& attribute,
                     const assessment_options& o = {}) {
  char line[256];
  const auto groups = std::to_string(m.groups_present) + " groups of '" + attribute + "', " +
                      std::to_string(m.rows) + " rows";
  if (!m.demographic_parity_ratio || m.groups_present < 2) {
    r.open("fairness", "demographic_parity", attribute, report::risk_level::info,
           "demographic parity undefined on " + groups);
  } else {
    std::snprintf(line, sizeof line,
                  "demographic parity ratio %.4g (selection rates differ by %.4g)",
                  *m.demographic_parity_ratio, m.demographic_parity_difference.value_or(0.0));
    if (*m.demographic_parity_ratio < o.min_parity_ratio) {
      char limit[64];
      std::snprintf(limit, sizeof limit, ", below %.3g", o.min_parity_ratio);
      r.open("fairness", "demographic_parity", attribute, o.bias,
             line + std::string(limit) + " on " + groups);
    } else {
      r.pass("fairness", "demographic_parity", attribute, o.bias, line + (" on " + groups));
    }
  }
  if (!m.equalized_odds_difference || m.groups_present < 2) {
    r.open("fairness", "equalized_odds", attribute, report::risk_level::info,
           "equalized odds undefined on " + groups);
  } else {
    std::snprintf(line, sizeof line, "equalized odds difference %.4g (TPR %.4g, FPR %.4g)",
                  *m.equalized_odds_difference, m.tpr_difference.value_or(0.0),
                  m.fpr_difference.value_or(0.0));
    if (*m.equalized_odds_difference > o.max_equalized_odds_difference) {
      char limit[64];
      std::snprintf(limit, sizeof limit, ", above %.3g", o.max_equalized_odds_difference);
      r.open("fairness", "equalized_odds", attribute, o.bias,
             line + std::string(limit) + " on " + groups);
    } else {
      r.pass("fairness", "equalized_odds", attribute, o.bias, line + (" on " + groups));
    }
  }
}

/// The behavioural tests the bundle keeps (serving/model_test_suite.hpp), as
/// run on the holdout: each failing test is open at o.behavioural_test
/// ("behavioural_test", its name as subject, its first failure as detail);
/// `result` null means the bundle keeps none ("no_behavioural_tests").
/// Throws nothing but std::bad_alloc.
template <class Result = suite_result>
void assess_model_tests(report::risk_report& r, const Result* result,
                        const assessment_options& o = {}) {
  if (result == nullptr) {
    r.open("model_tests", "no_behavioural_tests", "", o.no_behavioural_tests,
           "the bundle keeps no behavioural tests (invariance, directional, minimum "
           "functionality: serving::attach_model_tests)");
    return;
  }
  std::size_t failed = 0;
  for (const auto& t : result->tests) {
    if (!t.passed) {
      ++failed;
      r.open("model_tests", "behavioural_test", t.name, o.behavioural_test,
             std::string(to_string(t.kind)) + " test failed on " + std::to_string(t.failed) +
                 " of " + std::to_string(t.checked) + " rows" +
                 (t.example.empty() ? std::string() : ": " + t.example));
    }
  }
  if (failed == 0) {
    r.pass("model_tests", "behavioural_test", "", o.behavioural_test,
           std::to_string(result->tests.size()) + " behavioural tests pass on the holdout");
  }
}

/// One feature's global importance: its mean |contribution| over the rows explained.
struct feature_importance {
  std::string feature;
  double mean_abs_contribution = 0.0;
};

/// The explanation summary: the global importance (`importance`, computed by
/// the caller from the model's per-row contributions, e.g. guarded_model::
/// explain over the holdout) listed at info ("global_importance", the top
/// five with their shares), and each of `unexpected` (features no one would
/// expect to matter: an id, a sensitive attribute) open at
/// o.unexpected_importance when its share of the total exceeds
/// o.max_unexpected_share ("unexpected_importance"); a name the explanations
/// do not have is noted at info, never passed. An empty `importance` means
/// the model does not explain: noted at info. Throws nothing but
/// std::bad_alloc.
template <class = void>
void assess_explanations(report::risk_report& r, const std::vector<feature_importance>& importance,
                         const std::vector<std::string>& unexpected,
                         const assessment_options& o = {});

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class>
void assess_explanations(report::risk_report& r, const std::vector<feature_importance>& importance,
                         const std::vector<std::string>& unexpected, const assessment_options& o) {
  if (importance.empty()) {
    r.open("explanations", "global_importance", "", report::risk_level::info,
           "the model does not explain its predictions: no importance to summarise");
    return;
  }
  double total = 0.0;
  for (const auto& f : importance) {
    total += f.mean_abs_contribution;
  }
  const auto share = [&](double v) { return total > 0.0 ? v / total : 0.0; };
  auto ranked = importance;
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.mean_abs_contribution > b.mean_abs_contribution;
  });
  std::string top;
  char number[64];
  for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) {
    // Names are appended as strings: snprintf could cut a long UTF-8 name mid-character.
    std::snprintf(number, sizeof number, " %.1f%%", 100 * share(ranked[i].mean_abs_contribution));
    top += (i == 0 ? "" : ", ") + ranked[i].feature + number;
  }
  r.pass("explanations", "global_importance", "", report::risk_level::info,
         "mean |contribution| shares: " + top);
  for (const auto& name : unexpected) {
    const auto it = std::find_if(importance.begin(), importance.end(),
                                 [&](const feature_importance& f) { return f.feature == name; });
    if (it == importance.end()) {
      // Not passed: a misspelt name must not turn a blocking check green.
      r.open("explanations", "unexpected_importance", name, report::risk_level::info,
             "'" + name + "' is not among the features the model's explanations name");
      continue;
    }
    const double s = share(it->mean_abs_contribution);
    std::snprintf(number, sizeof number, "%.3g%% of the importance (limit %.3g%%)", 100 * s,
                  100 * o.max_unexpected_share);
    if (s > o.max_unexpected_share) {
      r.open("explanations", "unexpected_importance", name, o.unexpected_importance,
             "'" + name + "', which should not matter, carries " + number);
    } else {
      r.pass("explanations", "unexpected_importance", name, o.unexpected_importance,
             "'" + name + "' carries " + number);
    }
  }
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_RISK_ASSESSMENT_HPP

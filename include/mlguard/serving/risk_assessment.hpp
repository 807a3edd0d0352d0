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
// what was verified. `mlguard assess` adds the model tests, the bias metrics
// and the explanation summary from their own modules. What is blocking by
// default, and why, is in assessment_options; docs/assess.md lists the checks.

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>

#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/report/risk_report.hpp"
#include "mlguard/validate/skew.hpp"

namespace mlguard::serving {

struct model_bundle; // serving/model_bundle.hpp: the checks read one, as templates, so that
                     // this header needs no complete model_bundle (compile time, issue 11)

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

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_RISK_ASSESSMENT_HPP

#ifndef MLGUARD_SERVING_MODEL_COMPARISON_HPP
#define MLGUARD_SERVING_MODEL_COMPARISON_HPP

// Champion against challenger on a labelled holdout table, before promotion:
// both bundles are scored as serving scores them (guarded_model), and each
// metric is compared with a paired test on the same rows:
//  - accuracy: McNemar's exact test (stats/mcnemar.hpp) on the discordant
//    rows; refused when the challenger is less accurate by more than the
//    tolerance and the one-sided p-value is below alpha;
//  - roc_auc, rmse, mae: the seeded paired bootstrap interval of the
//    challenger's improvement (stats/paired_bootstrap.hpp); refused when the
//    whole interval lies below −tolerance (worse beyond the tolerance, with
//    the interval's confidence).
// Each refusal's reason names the test and carries the numbers.
//
// Promotion: registry guards run under the registry's write lock and must be
// quick, so the comparison runs outside it (here, or `mlguard check-model
// --record`) and its verdict is recorded on the challenger's version as tags
// (record_model_check); guards::model_checked() only reads them. Tags rather
// than a guard object holding verdicts in memory because the evaluation and
// the promotion are often different processes (a CI job, then an operator),
// tags are durable and audited with the version, `registry show` displays them,
// and the guard stays a pure function of the transition. The recorded verdict
// names the champion's artifact digest it was measured against, so a verdict
// goes stale, and refuses, when the champion changes.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/registry/guards.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/serving/model_loaders.hpp"
#include "mlguard/stats/paired_bootstrap.hpp"

namespace mlguard::serving {

/// Settings of compare_models.
struct comparison_options {
  /// The holdout's label column (numeric; 0/1 for accuracy and roc_auc).
  std::string label = "label";
  /// The metrics compared; empty: accuracy and roc_auc when every label is
  /// 0 or 1, else rmse.
  std::vector<stats::model_metric> metrics;
  /// How much worse the challenger may be, in the metric's units (0.01:
  /// one point of accuracy or AUC). Not negative.
  double tolerance = 0.0;
  /// McNemar's significance level, in (0, 1).
  double alpha = 0.05;
  /// The bootstrap's resamples, confidence and seed; its threshold is also
  /// accuracy's (score > threshold is class 1, sklearn's predict rule).
  stats::paired_bootstrap_options bootstrap;
  /// Which of the models' outputs is the score (0: the first, P(1) for a classifier).
  std::size_t output = 0;
  /// The largest share of holdout rows that either model may reject; such
  /// rows are left out of every comparison, and more of them is a failure.
  double max_excluded_share = 0.0;
  /// The model kinds the bundles' models may be of ("pipeline" always).
  model_loaders models;
};

/// One metric's paired test.
struct metric_comparison {
  std::string test;   ///< "mcnemar_exact" or "paired_bootstrap"
  std::string metric; ///< stats::to_string(model_metric)
  double champion = 0.0;
  double challenger = 0.0;
  /// The challenger's improvement: challenger − champion for accuracy and
  /// roc_auc, champion − challenger for rmse and mae (positive is better).
  double improvement = 0.0;
  std::optional<double> p_value;     ///< McNemar: one-sided, "the champion is more accurate"
  std::uint64_t champion_only = 0;   ///< McNemar's b: rows only the champion gets right
  std::uint64_t challenger_only = 0; ///< McNemar's c
  std::optional<double> ci_low;      ///< bootstrap: the interval of the improvement
  std::optional<double> ci_high;
  double confidence = 0.0;
  bool passed = true;
  std::string reason; ///< one line with the numbers
};

/// compare_models' verdict.
struct comparison_result {
  std::size_t rows = 0;     ///< holdout rows
  std::size_t excluded = 0; ///< rows either model rejected (left out)
  std::vector<metric_comparison> metrics;
  bool passed = true;
  std::string reason; ///< when failed: the first failure's reason
};

/// The comparison document's format.
inline constexpr document_format comparison_format{"mlguard.model_comparison", 1};

/// The predictions of a bundle's model on a holdout table.
struct holdout_scores {
  /// Output `output` per row; NaN for a rejected row.
  std::vector<double> predictions;
  /// Per row: the model's schema or preprocessing rejected it.
  std::vector<bool> rejected;
};

/// Scores every row of `holdout` with `bundle`'s model as serving does
/// (guarded_model: validation and row policies, smoke rows checked, no
/// monitors), keeping output `output`. The holdout's columns are found by
/// the layout's names. Throws validation_error (mlguard.validate.empty_data)
/// for a holdout without rows, argument_error (unknown_column, wrong_kind)
/// as guarded_model::predict_batch, mlguard.argument.out_of_range for an
/// output the model lacks, serving_error mlguard.serving.nan_prediction when
/// the model answers a row it accepted with NaN, and as guarded_model's
/// constructor.
template <class = void> // deferred: see core/json.hpp
holdout_scores score_holdout(const model_bundle& bundle, const table& holdout,
                             const model_loaders& models = {}, std::size_t output = 0);

/// Compares the challenger's predictions with the champion's on the same
/// holdout rows with labels `labels` (rows where `excluded` is true are left
/// out; it may be empty). See the file comment for the rules. Throws
/// argument_error (mlguard.argument.size_mismatch) when the three (four)
/// lengths differ, serving_error (mlguard.serving.invalid_option) for a
/// tolerance < 0 or an alpha outside (0, 1), and as stats::paired_bootstrap
/// (empty_sample, nan_input, invalid_label, undefined_metric).
template <class = void>
comparison_result compare_predictions(span<const double> labels, span<const double> champion,
                                      span<const double> challenger,
                                      const std::vector<bool>& excluded,
                                      const comparison_options& options);

/// Scores `holdout` with both bundles (score_holdout) and compares them on
/// its `options.label` column (compare_predictions). Throws argument_error
/// (mlguard.argument.unknown_column) when the holdout lacks the label
/// column, (wrong_kind) when it is not numeric, and as score_holdout and
/// compare_predictions.
template <class = void>
comparison_result compare_models(const model_bundle& champion, const model_bundle& challenger,
                                 const table& holdout, const comparison_options& options);

/// The comparison as JSON: {"passed", "reason", "rows", "excluded",
/// "metrics": [{"test", "metric", "champion", "challenger", "improvement",
/// "passed", "reason", and "p_value", "champion_only", "challenger_only"
/// (McNemar) or "ci_low", "ci_high", "confidence" (bootstrap)}]}.
template <class = void>
void to_json(json& j, const comparison_result& r);

/// The version tags record_model_check writes and guards::model_checked reads.
namespace model_check_tag {
inline constexpr const char* verdict = "mlguard.model_check.verdict"; ///< "pass" or "fail"
/// The champion's artifact digest the challenger was compared with ("none":
/// there was no champion to compare with).
inline constexpr const char* against = "mlguard.model_check.against";
inline constexpr const char* reason = "mlguard.model_check.reason"; ///< one line with the numbers
} // namespace model_check_tag

/// Records a model check's verdict on version `version` of `model` as tags
/// (model_check_tag): `passed`, the champion digest `against` ("" = none),
/// and `reason` (cut to 1000 bytes); the old verdict is removed first and the new one
/// written last. Throws as model_registry::get_version and set_version_tag.
template <class = void>
void record_model_check(registry::model_registry& registry, const std::string& model, int version,
                        bool passed, const std::string& against, const std::string& reason,
                        const registry::change_context& context = {});

namespace guards {

/// A transition guard that allows a move only when the candidate carries a
/// passing model check (record_model_check) measured against the version
/// aliased now: verdict "pass", and "against" equal to the current
/// version's artifact digest ("none" when nothing is aliased). A failed
/// check refuses with its recorded reason (the test and its numbers); a
/// missing or stale one says so. Rollbacks (rollback_alias) are allowed: a
/// rollback returns to a version that served before. Reads only the
/// transition's versions: quick enough for the registry's write lock.
template <class = void>
registry::transition_guard model_checked();

} // namespace guards

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/detail/field_text.hpp"
#include "mlguard/serving/detail/layout_rows.hpp"
#include "mlguard/serving/guarded_model.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/stats/mcnemar.hpp"

namespace mlguard::serving {

template <class> // deferred: see core/json.hpp
holdout_scores score_holdout(const model_bundle& bundle, const table& holdout,
                             const model_loaders& models, std::size_t output) {
  if (holdout.rows() == 0) {
    throw validation_error("empty_data", "the holdout has no rows");
  }
  guarded_options o;
  o.lanes = 1;
  o.monitor_inputs = false;
  o.monitor_predictions = false;
  o.models = models;
  guarded_model model(bundle, 0, std::move(o));
  if (output >= model.outputs()) {
    throw argument_error("out_of_range", "the model has " + std::to_string(model.outputs()) +
                                             " outputs; output " + std::to_string(output) +
                                             " was asked for");
  }
  const auto& b = model.bundle();
  const auto rows = detail::layout_rows(b, holdout);
  holdout_scores out;
  out.predictions.resize(holdout.rows());
  out.rejected.resize(holdout.rows());
  std::vector<double> outputs(model.outputs());
  for (std::size_t r = 0; r < holdout.rows(); ++r) {
    const auto o2 = model.predict_into(
        span<const double>(rows.row(static_cast<Eigen::Index>(r)).data(), b.layout.size()),
        span<double>(outputs));
    out.rejected[r] = o2.status == request_status::rejected;
    out.predictions[r] = outputs[output];
    if (!out.rejected[r] && std::isnan(outputs[output])) {
      throw serving_error("nan_prediction", "the model answered holdout row " +
                                                std::to_string(r + 1) + " with NaN (output " +
                                                std::to_string(output) + ")");
    }
  }
  return out;
}

template <class>
comparison_result compare_predictions(span<const double> labels, span<const double> champion,
                                      span<const double> challenger,
                                      const std::vector<bool>& excluded,
                                      const comparison_options& options) {
  if (champion.size() != labels.size() || challenger.size() != labels.size() ||
      (!excluded.empty() && excluded.size() != labels.size())) {
    throw argument_error("size_mismatch", "compare_predictions: " + std::to_string(labels.size()) +
                                              " labels, " + std::to_string(champion.size()) +
                                              " champion and " + std::to_string(challenger.size()) +
                                              " challenger predictions");
  }
  if (!(options.tolerance >= 0.0)) {
    throw serving_error("invalid_option", "the comparison's tolerance must be >= 0");
  }
  if (!(options.alpha > 0.0 && options.alpha < 1.0)) {
    throw serving_error("invalid_option", "the comparison's alpha must be in (0, 1)");
  }
  comparison_result result;
  result.rows = labels.size();
  std::vector<double> y, a, b;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (!excluded.empty() && excluded[i]) {
      ++result.excluded;
      continue;
    }
    y.push_back(labels[i]);
    a.push_back(champion[i]);
    b.push_back(challenger[i]);
  }
  // Too many rejected rows is a verdict in itself, decided before any metric: with every
  // row (or every row of a class) rejected, the metrics would be undefined.
  const double share = static_cast<double>(result.excluded) /
                       static_cast<double>(std::max<std::size_t>(1, result.rows));
  if (share > options.max_excluded_share || y.empty()) {
    result.passed = false;
    result.reason = "refused: " + std::to_string(result.excluded) + " of " +
                    std::to_string(result.rows) + " holdout rows were rejected by a model (share " +
                    detail::short_number(share) + ", limit " +
                    detail::short_number(options.max_excluded_share) + ")";
    return result;
  }
  auto metrics = options.metrics;
  if (metrics.empty()) {
    bool binary = true;
    for (const double v : y) {
      binary = binary && (v == 0.0 || v == 1.0);
    }
    metrics = binary ? std::vector<stats::model_metric>{stats::model_metric::accuracy,
                                                        stats::model_metric::roc_auc}
                     : std::vector<stats::model_metric>{stats::model_metric::rmse};
  }
  const double tol = options.tolerance;
  for (const auto m : metrics) {
    metric_comparison c;
    c.metric = stats::to_string(m);
    if (m == stats::model_metric::accuracy) {
      c.test = "mcnemar_exact";
      c.champion = stats::model_metric_value(m, y, a, options.bootstrap.threshold);
      c.challenger = stats::model_metric_value(m, y, b, options.bootstrap.threshold);
      for (std::size_t i = 0; i < y.size(); ++i) {
        const bool right_a = (a[i] > options.bootstrap.threshold ? 1.0 : 0.0) == y[i];
        const bool right_b = (b[i] > options.bootstrap.threshold ? 1.0 : 0.0) == y[i];
        c.champion_only += (right_a && !right_b) ? 1 : 0;
        c.challenger_only += (right_b && !right_a) ? 1 : 0;
      }
      c.p_value =
          stats::mcnemar_exact(c.champion_only, c.challenger_only, stats::alternative::greater)
              .p_value;
      c.improvement = c.challenger - c.champion;
      c.passed = !(-c.improvement > tol && *c.p_value < options.alpha);
      c.reason = std::string(c.passed ? "passed" : "refused") +
                 ": McNemar's exact test on accuracy: challenger " +
                 detail::short_number(c.challenger) + ", champion " +
                 detail::short_number(c.champion) + " (" + std::to_string(c.champion_only) +
                 " rows only the champion gets right, " + std::to_string(c.challenger_only) +
                 " only the challenger), one-sided p = " + detail::short_number(*c.p_value) +
                 ", alpha " + detail::short_number(options.alpha) + ", tolerance " +
                 detail::short_number(tol);
    } else {
      c.test = "paired_bootstrap";
      std::optional<stats::paired_bootstrap_result> bootstrapped;
      try {
        bootstrapped = stats::paired_bootstrap(m, y, a, b, options.bootstrap);
      } catch (const stats_error& e) {
        if (e.id() != "mlguard.stats.undefined_metric") {
          throw;
        }
        // The rows both models scored leave the metric undefined (AUC of one class):
        // nothing shows the challenger is not worse.
        c.passed = false;
        c.reason = "refused: " + c.metric +
                   " is undefined on the rows both models scored: " + std::string(e.message());
        if (result.passed) {
          result.passed = false;
          result.reason = c.reason;
        }
        result.metrics.push_back(std::move(c));
        continue;
      }
      const auto& r = *bootstrapped;
      const double sign = stats::higher_is_better(m) ? 1.0 : -1.0;
      c.champion = r.value_a;
      c.challenger = r.value_b;
      c.improvement = sign * r.difference;
      c.ci_low = sign > 0 ? r.ci_low : -r.ci_high;
      c.ci_high = sign > 0 ? r.ci_high : -r.ci_low;
      c.confidence = r.confidence;
      c.passed = !(*c.ci_high < -tol);
      c.reason = std::string(c.passed ? "passed" : "refused") + ": paired bootstrap on " +
                 c.metric + ": challenger " + detail::short_number(c.challenger) + ", champion " +
                 detail::short_number(c.champion) + ", improvement " +
                 detail::short_number(c.improvement) + " with " +
                 detail::short_number(100 * r.confidence) + "% interval [" +
                 detail::short_number(*c.ci_low) + ", " + detail::short_number(*c.ci_high) + "] (" +
                 std::to_string(r.used) + " of " + std::to_string(r.resamples) +
                 " resamples, seed " + std::to_string(options.bootstrap.seed) + "), tolerance " +
                 detail::short_number(tol);
    }
    if (!c.passed && result.passed) {
      result.passed = false;
      result.reason = c.reason;
    }
    result.metrics.push_back(std::move(c));
  }
  return result;
}

template <class>
comparison_result compare_models(const model_bundle& champion, const model_bundle& challenger,
                                 const table& holdout, const comparison_options& options) {
  if (holdout.rows() == 0) {
    throw validation_error("empty_data", "the holdout has no rows");
  }
  const column* label = holdout.find(options.label);
  if (label == nullptr) {
    throw argument_error("unknown_column",
                         "the holdout has no label column '" + options.label + "'");
  }
  if (!label->is_numeric()) {
    throw argument_error("wrong_kind",
                         "the holdout's label column '" + options.label + "' is not numeric");
  }
  const auto a = score_holdout(champion, holdout, options.models, options.output);
  const auto b = score_holdout(challenger, holdout, options.models, options.output);
  std::vector<bool> excluded(holdout.rows());
  for (std::size_t i = 0; i < excluded.size(); ++i) {
    excluded[i] = a.rejected[i] || b.rejected[i];
  }
  return compare_predictions(label->values(), a.predictions, b.predictions, excluded, options);
}

template <class>
void to_json(json& j, const comparison_result& r) {
  j = json::object();
  j["passed"] = r.passed;
  j["reason"] = r.reason;
  j["rows"] = r.rows;
  j["excluded"] = r.excluded;
  json metrics = json::array();
  for (const auto& c : r.metrics) {
    json m = {{"test", c.test},
              {"metric", c.metric},
              {"champion", json_number(c.champion)},
              {"challenger", json_number(c.challenger)},
              {"improvement", json_number(c.improvement)},
              {"passed", c.passed},
              {"reason", c.reason}};
    if (c.p_value) {
      m["p_value"] = json_number(*c.p_value);
      m["champion_only"] = c.champion_only;
      m["challenger_only"] = c.challenger_only;
    }
    if (c.ci_low) {
      m["ci_low"] = json_number(*c.ci_low);
      m["ci_high"] = json_number(*c.ci_high);
      m["confidence"] = json_number(c.confidence);
    }
    metrics.push_back(std::move(m));
  }
  j["metrics"] = std::move(metrics);
}

template <class>
void record_model_check(registry::model_registry& registry, const std::string& model, int version,
                        bool passed, const std::string& against, const std::string& reason,
                        const registry::change_context& context) {
  // The old verdict goes first and the new one comes last: a crash in between leaves
  // no verdict (the guard refuses), never an old "pass" beside a new champion digest.
  const auto tags = registry.get_version(model, version).tags;
  if (tags.find(model_check_tag::verdict) != tags.end()) {
    registry.delete_version_tag(model, version, model_check_tag::verdict, context);
  }
  registry.set_version_tag(model, version, model_check_tag::against,
                           against.empty() ? "none" : against, context);
  std::size_t cut = std::min<std::size_t>(reason.size(), 1000);
  while (cut < reason.size() && cut > 0 &&
         (static_cast<unsigned char>(reason[cut]) & 0xC0) == 0x80) {
    --cut; // not inside a UTF-8 sequence: the registry keeps valid UTF-8 only
  }
  registry.set_version_tag(model, version, model_check_tag::reason, reason.substr(0, cut), context);
  registry.set_version_tag(model, version, model_check_tag::verdict, passed ? "pass" : "fail",
                           context);
}

} // namespace mlguard::serving

namespace mlguard::serving::guards {

template <class>
registry::transition_guard model_checked() {
  return [](const registry::transition& t) {
    using registry::guard_verdict;
    if (t.rollback) {
      return guard_verdict::allow();
    }
    const auto& tags = t.candidate->tags;
    const std::string name = "version " + std::to_string(t.candidate->version);
    const auto verdict = tags.find(model_check_tag::verdict);
    if (verdict == tags.end()) {
      return guard_verdict::refuse(name + " has no model check (run mlguard check-model --record)");
    }
    const auto against = tags.find(model_check_tag::against);
    const std::string expected = t.current != nullptr ? t.current->artifact_digest : "none";
    if (against == tags.end() || against->second != expected) {
      return guard_verdict::refuse(
          name + "'s model check was against " +
          (against == tags.end() ? std::string("an unknown champion") : against->second) +
          ", not the current " + t.alias + " (" + expected + "); check it again");
    }
    if (verdict->second != "pass") {
      const auto reason = tags.find(model_check_tag::reason);
      return guard_verdict::refuse(
          name + " failed its model check: " +
          (reason == tags.end() ? std::string("no reason recorded") : reason->second));
    }
    return guard_verdict::allow();
  };
}

} // namespace mlguard::serving::guards

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MODEL_COMPARISON_HPP

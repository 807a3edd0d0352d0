// `mlguard assess`: a risk assessment of a bundle before it is deployed.
//
//   mlguard assess --bundle DIR --holdout DATA.csv [--registry DIR|URL --model NAME]
//       [--alias ALIAS] [--policy POLICY.json] [--labels COLUMN] [--group COLUMN ...]
//       [--decision-threshold T] [--min-parity-ratio R] [--max-equalized-odds D]
//       [--unexpected FEATURE ...] [--max-unexpected SHARE] [--explain-rows N]
//       [--max-missing SHARE] [--skew-js D]
//       [--level CHECK=LEVEL ...] [--format text|json|html] [-o FILE]
//
// Runs the checks of serving/risk_assessment.hpp on the bundle at DIR and the holdout
// table: schema coverage, training–serving skew, operational readiness (a rollback
// target in the registry, a rollback policy, the monitors' references, smoke rows), bias
// across the groups of each --group column (with --labels), the behavioural tests the
// bundle keeps, and the model's global importance (mean |contribution| over the holdout,
// with --unexpected features that should not matter). The
// report lists every check, open or passed (report/risk_report.hpp; HTML by
// report/risk_html.hpp). Exit status: 0 when no blocking risk is open, 1 when one is,
// 2 an input or usage error.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <mlguard/fairness/group_metrics.hpp>
#include <mlguard/report/risk_html.hpp>
#include <mlguard/rollback/policy.hpp>
#include <mlguard/serving/detail/layout_rows.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/model_comparison.hpp>
#include <mlguard/serving/model_test_suite.hpp>
#include <mlguard/serving/risk_assessment.hpp>
#ifdef MLGUARD_CLI_XGBOOST
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include "command.hpp"
#include "output.hpp"
#include "registry_location.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace assess_cli { // named: the CLI is built in unity batches

struct assess_args {
  std::string bundle;
  std::string holdout;
  std::string registry;
  std::string model;
  std::string alias = "champion";
  std::string policy;
  std::string labels;
  std::vector<std::string> groups;
  double decision_threshold = 0.5;
  std::vector<std::string> unexpected;
  std::size_t explain_rows = 2000;
  std::vector<std::string> levels;
  serving::assessment_options options;
  output_options out;
  io::csv_options csv;
};

/// Applies --level CHECK=LEVEL. Throws argument_error (invalid_option).
void apply_levels(const std::vector<std::string>& levels, serving::assessment_options& o) {
  struct named {
    const char* check;
    report::risk_level* level;
  };
  const named checks[] = {{"unbounded_numeric", &o.unbounded_numeric},
                          {"no_vocabulary", &o.no_vocabulary},
                          {"high_missing_share", &o.high_missing_share},
                          {"schema_skew", &o.schema_skew},
                          {"default_skew", &o.default_skew},
                          {"rollback_target", &o.no_rollback_target},
                          {"rollback_policy", &o.no_policy},
                          {"monitor_reference", &o.no_monitor_reference},
                          {"smoke_rows", &o.smoke_rows},
                          {"bias", &o.bias},
                          {"bias_unmeasured", &o.bias_unmeasured},
                          {"behavioural_test", &o.behavioural_test},
                          {"no_behavioural_tests", &o.no_behavioural_tests},
                          {"unexpected_importance", &o.unexpected_importance}};
  for (const auto& text : levels) {
    const auto eq = text.find('=');
    const std::string check = text.substr(0, eq);
    const auto it = std::find_if(std::begin(checks), std::end(checks),
                                 [&](const named& n) { return check == n.check; });
    if (eq == std::string::npos || it == std::end(checks)) {
      std::string known;
      for (const auto& n : checks) {
        known.append(known.empty() ? "" : ", ").append(n.check);
      }
      throw argument_error("invalid_option", "--level wants CHECK=LEVEL with CHECK one of " +
                                                 known + ", not '" + text + "'");
    }
    *it->level = report::risk_level_from_string(text.substr(eq + 1));
  }
}

/// Where a rollback would return to, from the registry: the alias's version when this
/// bundle is not it (promoting the bundle makes that version the previous one), or the
/// alias's previous version when the bundle is already aliased.
void find_rollback_target(const assess_args& args, const std::string& digest,
                          serving::readiness_facts& facts) {
  if (args.model.empty()) {
    facts.rollback_note = "no --registry and --model given, so none can be shown";
    return;
  }
  const auto owner = open_registry(registry_location(args.registry), false);
  const auto& models = *owner;
  std::optional<int> self;
  for (const auto& v : models.list_versions(args.model)) {
    if (v.artifact_digest == digest) {
      self = v.version;
    }
  }
  const auto aliased = models.alias_version(args.model, args.alias);
  if (aliased && aliased != self) {
    facts.rollback_target = aliased;
    facts.rollback_note = args.model + "@" + args.alias + ", which this bundle would replace";
  } else if (aliased) {
    facts.rollback_target = models.previous_version(args.model, args.alias);
    facts.rollback_note = facts.rollback_target
                              ? args.model + "@" + args.alias + "'s previous version"
                              : args.model + "@" + args.alias + " is this bundle (v" +
                                    std::to_string(*self) + ") and has no previous version";
  } else {
    facts.rollback_note = args.model + " has no alias '" + args.alias + "'";
  }
}

/// The holdout, whole: the --group columns categorical (a zone id is a group, not a
/// number), the --labels column numeric.
table read_holdout(const assess_args& args) {
  auto reader = open_csv(args.holdout, args.csv);
  for (const auto& g : args.groups) {
    reader.set_kind(g, column_kind::categorical);
  }
  if (!args.labels.empty()) {
    reader.set_kind(args.labels, column_kind::numeric);
  }
  progress_bar progress = progress_of(reader);
  table out =
      reader.read_all([&](std::uint64_t rows) { progress.update(reader.bytes_read(), rows); });
  progress.finish();
  note_non_numbers(reader);
  return out;
}

/// Bias per --group attribute, on the rows the model scored.
void assess_bias(const assess_args& args, const table& holdout, const std::vector<double>& scores,
                 report::risk_report& r) {
  if (args.groups.empty()) {
    r.open("fairness", "bias_unmeasured", "", args.options.bias_unmeasured,
           "no sensitive attribute given (--group COLUMN with --labels): bias not measured");
    return;
  }
  if (args.labels.empty()) {
    throw argument_error("invalid_option", "--group needs --labels COLUMN (the true classes)");
  }
  const auto& labels = holdout.at(args.labels).values();
  fairness::fairness_options options;
  options.decision_threshold = args.decision_threshold;
  for (const auto& name : args.groups) {
    const column& g = holdout.at(name);
    std::vector<double> y;
    std::vector<double> p;
    std::vector<std::int32_t> codes;
    for (std::size_t i = 0; i < holdout.rows(); ++i) {
      if (!std::isnan(scores[i]) && g.codes()[i] != missing_code) {
        y.push_back(labels[i]);
        p.push_back(scores[i]);
        codes.push_back(g.codes()[i]);
      }
    }
    const auto m = fairness::evaluate(y, p, codes, g.vocab().names(), options);
    serving::assess_fairness(r, m, name, args.options);
  }
}

/// The model's global importance: mean |contribution| per explained feature over the
/// first `limit` holdout rows it accepts. Empty when the model does not explain.
std::vector<serving::feature_importance>
global_importance(serving::guarded_model& model, const table& holdout, std::size_t limit) {
  const auto& b = model.bundle();
  const auto rows = serving::detail::layout_rows(b, holdout);
  std::vector<serving::feature_importance> out;
  std::size_t explained = 0;
  for (std::size_t r = 0; r < holdout.rows() && explained < limit; ++r) {
    serving::explanation e;
    try {
      e = model.explain(
          span<const double>(rows.row(static_cast<Eigen::Index>(r)).data(), b.layout.size()));
    } catch (const serving_error& x) {
      if (x.id() == "mlguard.serving.not_explainable") {
        return {};
      }
      continue; // a row the schema's policies reject
    }
    if (out.empty()) {
      for (const auto& name : e.names) {
        out.push_back({name, 0.0});
      }
    }
    for (std::size_t i = 0; i < out.size() && i < e.contributions.size(); ++i) {
      out[i].mean_abs_contribution += std::abs(e.contributions[i]);
    }
    ++explained;
  }
  for (auto& f : out) {
    f.mean_abs_contribution /= static_cast<double>(std::max<std::size_t>(explained, 1));
  }
  return out;
}

std::string summary(const report::risk_report& r) {
  text_table table({"level", "area", "check", "subject", "finding"});
  for (const auto level :
       {report::risk_level::blocking, report::risk_level::warning, report::risk_level::info}) {
    for (const auto& x : r.risks) {
      if (x.open && x.level == level) {
        table.add(
            {to_string(x.level), x.area, x.check, x.subject.empty() ? "-" : x.subject, x.detail});
      }
    }
  }
  std::string out = "risk assessment of " + r.model + " on " + std::to_string(r.holdout_rows) +
                    " holdout rows\n\n";
  const auto open = r.open_count(report::risk_level::blocking) +
                    r.open_count(report::risk_level::warning) +
                    r.open_count(report::risk_level::info);
  out += open > 0 ? table.str() + "\n" : std::string("no open risk\n\n");
  out += "passed:\n";
  for (const auto& x : r.risks) {
    if (!x.open) {
      out += "  " + x.area + "/" + x.check + ": " + x.detail + "\n";
    }
  }
  out += "\n" + std::to_string(r.open_count(report::risk_level::blocking)) + " blocking, " +
         std::to_string(r.open_count(report::risk_level::warning)) + " warnings, " +
         std::to_string(r.open_count(report::risk_level::info)) +
         " notes: " + (r.blocked() ? "do not deploy" : "no blocking risk");
  return out;
}

} // namespace assess_cli

void add_assess_command(CLI::App& app, int& status) {
  using namespace assess_cli;
  auto args = std::make_shared<assess_args>();
  auto* cmd = app.add_subcommand(
      "assess", "Assess a bundle's risks before deployment: schema coverage, skew, "
                "rollback readiness (exit 1 when a blocking risk is open)");
  cmd->add_option("--bundle", args->bundle, "Bundle directory (mlguard bundle create)")->required();
  cmd->add_option("--holdout", args->holdout, "Holdout CSV: data the model has not seen")
      ->required();
  cmd->add_option("--registry,--root", args->registry,
                  "Registry where the rollback target is looked up: a directory or a "
                  "postgresql:// URL (default $MLGUARD_REGISTRY_URL when --model is given)");
  cmd->add_option("--model", args->model, "The bundle's model name in the registry");
  cmd->add_option("--alias", args->alias, "The alias the bundle is to take")->capture_default_str();
  cmd->add_option("--policy", args->policy,
                  "The rollback policy to deploy with (mlguard.rollback_policy document)");
  cmd->add_option("--max-missing", args->options.max_missing_share,
                  "Largest share of missing values of a feature that is not a risk")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--skew-js", args->options.skew_jensen_shannon,
                  "Jensen-Shannon divergence that is skew where the schema sets no threshold")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--labels", args->labels, "Holdout column of true classes (0/1), for bias");
  cmd->add_option("--group", args->groups,
                  "Sensitive attribute: a holdout column whose values are groups (repeatable); "
                  "bias is measured across its groups");
  cmd->add_option("--decision-threshold", args->decision_threshold,
                  "A score above it is class 1 (the model's first output)")
      ->capture_default_str();
  cmd->add_option("--min-parity-ratio", args->options.min_parity_ratio,
                  "Smallest demographic parity ratio that is not a risk (four-fifths rule)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--max-equalized-odds", args->options.max_equalized_odds_difference,
                  "Largest equalized odds difference that is not a risk")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--unexpected", args->unexpected,
                  "A feature that should not matter (an id, a sensitive attribute): a risk when "
                  "it carries more than --max-unexpected of the importance (repeatable)");
  cmd->add_option("--max-unexpected", args->options.max_unexpected_share,
                  "Largest share of the global importance a --unexpected feature may carry")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--explain-rows", args->explain_rows,
                  "Holdout rows explained for the global importance")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
      ->capture_default_str();
  cmd->add_option("--level", args->levels,
                  "CHECK=info|warning|blocking: how much a check's open risk weighs "
                  "(repeatable; see docs/assess.md)");
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);
  cmd->callback([args, &status] {
    if (!args->registry.empty() && args->model.empty()) {
      throw argument_error("invalid_option", "--registry needs --model NAME (the bundle's model)");
    }
    apply_levels(args->levels, args->options);
    const auto loaded = serving::load_bundle(args->bundle);
    const auto& b = loaded.bundle;
    const table holdout = read_holdout(*args);
    for (const auto& name : args->unexpected) {
      // A misspelt name would otherwise pass as "not used by the model".
      if (holdout.find(name) == nullptr && !b.layout.index_of(name)) {
        throw argument_error("unknown_column", "--unexpected '" + name +
                                                   "' is neither a holdout column nor a feature "
                                                   "of the model");
      }
    }
    if (holdout.rows() == 0) {
      throw validation_error("empty_data", args->holdout + ": no data rows to assess with");
    }

    report::risk_report r;
    r.model = args->model.empty() ? args->bundle : args->model + " (" + args->bundle + ")";
    r.artifact_digest = loaded.digest;
    r.holdout_rows = holdout.rows();
    const auto holdout_profile = profile::dataset_profile::of(holdout, b.reference.options());
    serving::assess_schema(r, b, &holdout_profile, args->options);
    serving::assess_skew(r, b, holdout_profile, args->options);

    serving::readiness_facts facts;
    find_rollback_target(*args, loaded.digest, facts);
    if (!args->policy.empty()) {
      const auto policy = rollback::policy_document::load(args->policy);
      facts.policy_configured = true;
      facts.policy_note = "rollback policy " + args->policy;
    }
    std::optional<serving::guarded_model> model;
    try {
      serving::guarded_options options;
      options.lanes = 1;
      options.monitor_inputs = false; // scoring the holdout, not watching it
      options.monitor_predictions = false;
#ifdef MLGUARD_CLI_XGBOOST
      options.models.add<xgboost::xgboost_model>();
#endif
      model.emplace(b, 0, std::move(options));
    } catch (const serving_error& e) {
      if (e.id() == "mlguard.serving.unknown_model") {
        throw; // this CLI cannot load the model: an input error, not a finding
      }
      facts.smoke_failure = "the model does not build from the bundle or its smoke rows fail: " +
                            std::string(e.message());
    }
    serving::assess_operations(r, b, facts, args->options);
    if (model) {
      serving::model_loaders loaders;
#ifdef MLGUARD_CLI_XGBOOST
      loaders.add<xgboost::xgboost_model>();
#endif
      assess_bias(*args, holdout, serving::score_holdout(b, holdout, loaders).predictions, r);
      const auto suite = serving::model_tests_of(b);
      std::optional<serving::suite_result> tests;
      if (suite) {
        // A model of its own: the tests' requests must not count in the one above.
        serving::guarded_options options;
        options.lanes = 1;
        options.monitor_inputs = false;
        options.monitor_predictions = false;
#ifdef MLGUARD_CLI_XGBOOST
        options.models.add<xgboost::xgboost_model>();
#endif
        serving::guarded_model tested(b, 0, std::move(options));
        tests =
            serving::run_model_tests(*suite, tested, serving::request_fields(holdout, b.layout));
      }
      serving::assess_model_tests(r, tests ? &*tests : nullptr, args->options);
      serving::assess_explanations(r, global_importance(*model, holdout, args->explain_rows),
                                   args->unexpected, args->options);
    } else {
      r.open("fairness", "bias_unmeasured", "", args->options.bias_unmeasured,
             "bias not measured: the model does not build from the bundle");
    }

    if (args->out.html()) {
      write_page(args->out.path, report::risk_html(r));
    } else {
      emit(args->out, r.to_json(), [&] { return summary(r); });
    }
    status = r.blocked() ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

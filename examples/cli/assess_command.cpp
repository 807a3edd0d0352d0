// `mlguard assess`: a risk assessment of a bundle before it is deployed.
//
//   mlguard assess --bundle DIR --holdout DATA.csv [--registry DIR --model NAME]
//       [--alias ALIAS] [--policy POLICY.json] [--max-missing SHARE] [--skew-js D]
//       [--level CHECK=LEVEL ...] [--format text|json|html] [-o FILE]
//
// Runs the checks of serving/risk_assessment.hpp on the bundle at DIR and the holdout
// table: schema coverage, training–serving skew, operational readiness (a rollback
// target in the registry, a rollback policy, the monitors' references, smoke rows). The
// report lists every check, open or passed (report/risk_report.hpp; HTML by
// report/risk_html.hpp). Exit status: 0 when no blocking risk is open, 1 when one is,
// 2 an input or usage error.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mlguard/registry/file_registry.hpp>
#include <mlguard/report/risk_html.hpp>
#include <mlguard/rollback/policy.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/risk_assessment.hpp>
#ifdef MLGUARD_CLI_XGBOOST
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include "command.hpp"
#include "output.hpp"
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
                          {"smoke_rows", &o.smoke_rows}};
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
  if (args.registry.empty()) {
    facts.rollback_note = "no --registry given, so none can be shown";
    return;
  }
  registry::file_registry_options options;
  options.create = false;
  const registry::file_registry models(args.registry, options);
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
                  "Registry directory: where the rollback target is looked up");
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
  cmd->add_option("--level", args->levels,
                  "CHECK=info|warning|blocking: how much a check's open risk weighs "
                  "(repeatable; see docs/assess.md)");
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);
  cmd->callback([args, &status] {
    if (args->registry.empty() != args->model.empty()) {
      throw argument_error("invalid_option", "--registry and --model go together");
    }
    apply_levels(args->levels, args->options);
    const auto loaded = serving::load_bundle(args->bundle);
    const auto& b = loaded.bundle;
    const table holdout = read_csv_input(args->holdout, args->csv);
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
    try {
      serving::guarded_options options;
      options.lanes = 1;
#ifdef MLGUARD_CLI_XGBOOST
      options.models.add<xgboost::xgboost_model>();
#endif
      const serving::guarded_model model(b, 0, std::move(options));
    } catch (const serving_error& e) {
      if (e.id() == "mlguard.serving.unknown_model") {
        throw; // this CLI cannot load the model: an input error, not a finding
      }
      facts.smoke_failure = "the model does not build from the bundle or its smoke rows fail: " +
                            std::string(e.message());
    }
    serving::assess_operations(r, b, facts, args->options);

    if (args->out.html()) {
      write_page(args->out.path, report::risk_html(r));
    } else {
      emit(args->out, r.to_json(), [&] { return summary(r); });
    }
    status = r.blocked() ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

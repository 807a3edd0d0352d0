// `mlguard check-model`: the model tests a bundle must pass before promotion.
//
//   mlguard check-model --bundle DIR --holdout DATA.csv
//       [--against models:/NAME@ALIAS --registry DIR|URL [--store DIR] [--record]]
//       [--label COLUMN] [--metric accuracy|roc_auc|rmse|mae ...] [--tolerance T]
//       [--alpha A] [--resamples N] [--confidence C] [--seed S] [--max-excluded SHARE]
//       [--format text|json|html] [-o FILE]
//
// 1. Loads and verifies the bundle in DIR (the challenger) and reads the holdout.
// 2. With --against: opens the registered version (the champion) from the registry,
//    scores the holdout with both and compares them on the label column
//    (serving::compare_models: McNemar's exact test for accuracy, a seeded paired
//    bootstrap interval for AUC, RMSE, MAE).
// 3. When the bundle keeps behavioural tests (model_tests.json), runs them from the
//    holdout's rows (serving::run_model_tests).
// 4. Writes the "mlguard.model_check" document (json), a summary (text) or a page
//    (html); with --record, records the verdict as tags on the registered version of
//    the champion's model whose digest is the bundle's, for the promotion guard
//    serving::guards::model_checked.
//
// Exit status: 0 every check passed; 1 a check failed; 2 a usage or input error
// (no holdout rows, a missing label column, NaN predictions, a bundle that does not
// verify, nothing to check), one line on stderr with the error id.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <mlguard/registry/file_registry.hpp>
#include <mlguard/report/model_check_html.hpp>
#include <mlguard/serving/artifact_store.hpp>
#include <mlguard/serving/model_comparison.hpp>
#include <mlguard/serving/model_test_suite.hpp>
#include <mlguard/serving/publish.hpp>
#ifdef MLGUARD_CLI_XGBOOST
#include <mlguard/xgboost/xgboost_model.hpp>
#endif

#include "command.hpp"
#include "output.hpp"
#include "registry_location.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

/// The check document's format.
constexpr document_format model_check_format{"mlguard.model_check", 1};

struct check_model_args {
  std::string bundle;
  std::string holdout;
  std::string against;
  std::string registry;
  std::string store;
  std::string label = "label";
  std::vector<std::string> metrics;
  double tolerance = 0.0;
  double alpha = 0.05;
  std::size_t resamples = 1000;
  double confidence = 0.95;
  std::uint64_t seed = 0;
  double max_excluded = 0.0;
  bool record = false;
  std::string actor;
  output_options out;
  io::csv_options csv;
};

std::string check_summary(const json& doc) {
  std::string s = "bundle " + doc["bundle"]["path"].get<std::string>() + " (" +
                  doc["bundle"]["digest"].get<std::string>().substr(0, 19) + "…), holdout " +
                  doc["holdout"]["path"].get<std::string>() + " (" +
                  std::to_string(doc["holdout"]["rows"].get<std::size_t>()) + " rows)\n";
  if (doc["comparison"].is_object()) {
    const auto& a = doc["against"];
    const auto& c = doc["comparison"];
    s += "against " + a["uri"].get<std::string>() + ": " + a["model"].get<std::string>() + " v" +
         std::to_string(a["version"].get<int>()) + "; " +
         std::to_string(c["excluded"].get<std::size_t>()) + " rows left out\n";
    text_table t(
        {"metric", "test", "champion", "challenger", "improvement", "p / interval", "verdict"});
    for (const auto& m : c["metrics"]) {
      double lo = 0, hi = 0, p = 0;
      std::string evidence;
      if (m.contains("p_value") && read_json_number(m["p_value"], p)) {
        evidence = "p = " + number_cell(p);
      } else if (m.contains("ci_low") && read_json_number(m["ci_low"], lo) &&
                 read_json_number(m["ci_high"], hi)) {
        evidence = "[" + number_cell(lo) + ", " + number_cell(hi) + "]";
      }
      double champion = 0, challenger = 0, improvement = 0;
      read_json_number(m["champion"], champion);
      read_json_number(m["challenger"], challenger);
      read_json_number(m["improvement"], improvement);
      t.add({m["metric"].get<std::string>(), m["test"].get<std::string>(), number_cell(champion),
             number_cell(challenger), number_cell(improvement), evidence,
             m["passed"].get<bool>() ? "pass" : "FAIL"});
    }
    s += t.str();
  }
  if (doc["behaviour"].is_object()) {
    text_table t({"behavioural test", "kind", "checked", "failed", "verdict"});
    for (const auto& b : doc["behaviour"]["tests"]) {
      t.add({b["name"].get<std::string>(), b["kind"].get<std::string>(),
             std::to_string(b["checked"].get<std::size_t>()),
             std::to_string(b["failed"].get<std::size_t>()),
             b["passed"].get<bool>() ? "pass" : "FAIL"});
    }
    s += t.str();
  } else {
    s += "behavioural tests: none in the bundle\n";
  }
  if (doc["recorded"].is_object()) {
    s += "verdict recorded on " + doc["recorded"]["model"].get<std::string>() + " v" +
         std::to_string(doc["recorded"]["version"].get<int>()) + "\n";
  }
  s += doc["passed"].get<bool>() ? "verdict: pass\n"
                                 : "verdict: FAIL: " + doc["reason"].get<std::string>() + "\n";
  return s;
}

int check_model(const check_model_args& args) {
  // --against needs a registry: --registry, or MLGUARD_REGISTRY_URL (registry_location).
  const std::string location =
      args.against.empty() ? std::string() : registry_location(args.registry);
  if (args.record && args.against.empty()) {
    throw argument_error("invalid_option",
                         "--record needs --against: the verdict names the champion it beat");
  }
  const auto challenger = serving::load_bundle(args.bundle);
  const auto suite = serving::model_tests_of(challenger.bundle);
  if (args.against.empty() && !suite) {
    throw argument_error("invalid_option",
                         "nothing to check: " + args.bundle +
                             " keeps no model tests (model_tests.json) and no --against was given");
  }
  const table holdout = read_csv_input(args.holdout, args.csv);
  if (holdout.rows() == 0) {
    throw validation_error("empty_data", args.holdout + ": the holdout has no rows");
  }
  serving::model_loaders loaders;
#ifdef MLGUARD_CLI_XGBOOST
  loaders.add<xgboost::xgboost_model>();
#endif

  json doc = new_document(model_check_format);
  doc["bundle"] = {{"path", args.bundle}, {"digest", challenger.digest}};
  doc["holdout"] = {{"path", args.holdout}, {"rows", holdout.rows()}};
  doc["against"] = nullptr;
  doc["comparison"] = nullptr;
  doc["behaviour"] = nullptr;
  doc["recorded"] = nullptr;
  bool passed = true;
  std::string reason;

  std::unique_ptr<registry::model_registry> models;
  std::optional<serving::opened_bundle> champion;
  if (!args.against.empty()) {
    models = open_registry(location, false);
    const auto store = open_store(location, args.store);
    const std::string uri =
        args.against.rfind("models:/", 0) == 0 ? args.against : "models:/" + args.against;
    champion = serving::open_bundle(*models, *store, uri);
    const auto& v = champion->version;
    doc["against"] = {{"uri", uri},
                      {"model", v.model},
                      {"version", v.version},
                      {"artifact_digest", v.artifact_digest}};
    serving::comparison_options o;
    o.label = args.label;
    for (const auto& m : args.metrics) {
      o.metrics.push_back(stats::model_metric_from_string(m));
    }
    o.tolerance = args.tolerance;
    o.alpha = args.alpha;
    o.bootstrap.resamples = args.resamples;
    o.bootstrap.confidence = args.confidence;
    o.bootstrap.seed = args.seed;
    o.max_excluded_share = args.max_excluded;
    o.models = loaders;
    const auto r = serving::compare_models(champion->bundle, challenger.bundle, holdout, o);
    doc["comparison"] = r;
    if (!r.passed) {
      passed = false;
      reason = r.reason;
    }
  }
  if (suite) {
    serving::guarded_options o;
    o.lanes = 1;
    o.monitor_inputs = false;
    o.monitor_predictions = false;
    o.models = loaders;
    serving::guarded_model model(challenger.bundle, 0, std::move(o));
    const auto r = serving::run_model_tests(
        *suite, model, serving::request_fields(holdout, challenger.bundle.layout));
    doc["behaviour"] = r;
    if (!r.passed && passed) {
      passed = false;
      reason = r.reason;
    }
  }
  doc["passed"] = passed;
  doc["reason"] = reason;

  if (args.record) {
    const auto& name = champion->version.model;
    std::optional<int> version;
    for (const auto& v : models->list_versions(name)) {
      if (v.artifact_digest == challenger.digest) {
        version = v.version;
      }
    }
    if (!version) {
      throw registry_error("not_found", "model '" + name + "' has no version with digest " +
                                            challenger.digest +
                                            " (publish the bundle before --record)");
    }
    serving::record_model_check(*models, name, *version, passed, champion->version.artifact_digest,
                                reason, {args.actor, "mlguard check-model " + args.holdout});
    doc["recorded"] = {{"model", name}, {"version", *version}};
  }

  if (args.out.html()) {
    write_page(args.out.path, report::model_check_html(doc));
  } else {
    emit(args.out, doc, [&] { return check_summary(doc); });
  }
  return passed ? exit_ok : exit_findings;
}

std::string actor_default() {
  for (const char* variable : {"USER", "LOGNAME"}) {
    if (const char* user = std::getenv(variable); user != nullptr && *user != '\0') {
      return user;
    }
  }
  return "mlguard-cli";
}

} // namespace

void add_check_model_command(CLI::App& app, int& status) {
  auto args = std::make_shared<check_model_args>();
  args->actor = actor_default();
  auto* cmd = app.add_subcommand(
      "check-model", "Test a bundle before promotion: against the champion on a labelled "
                     "holdout, and by the behavioural tests it keeps");
  cmd->add_option("--bundle", args->bundle, "The challenger's bundle directory")->required();
  cmd->add_option("--holdout", args->holdout, "Holdout CSV: the features and the label")
      ->required();
  cmd->add_option("--against", args->against,
                  "The champion: models:/NAME@ALIAS or models:/NAME/VERSION (needs --registry)");
  cmd->add_option("--registry,--root", args->registry,
                  "Registry: a directory or a postgresql:// URL (default $MLGUARD_REGISTRY_URL)");
  cmd->add_option("--store", args->store, "Artifact store directory (default REGISTRY/artifacts)");
  cmd->add_option("--label", args->label, "The holdout's label column")->capture_default_str();
  cmd->add_option("--metric", args->metrics,
                  "Compare this metric: accuracy, roc_auc, rmse, mae (repeatable; default "
                  "accuracy and roc_auc for 0/1 labels, else rmse)");
  cmd->add_option("--tolerance", args->tolerance,
                  "How much worse the challenger may be, in the metric's units")
      ->check(CLI::Range(0.0, 1e300))
      ->capture_default_str();
  cmd->add_option("--alpha", args->alpha, "McNemar's significance level")
      ->check(CLI::Range(1e-12, 0.999999))
      ->capture_default_str();
  cmd->add_option("--resamples", args->resamples, "Bootstrap resamples")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
      ->capture_default_str();
  cmd->add_option("--confidence", args->confidence, "The bootstrap interval's confidence")
      ->check(CLI::Range(1e-6, 0.999999))
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "The bootstrap's seed (same seed, same resamples)")
      ->capture_default_str();
  cmd->add_option("--max-excluded", args->max_excluded,
                  "Largest share of holdout rows a model may reject")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("--record", args->record,
                "Record the verdict as tags on the registered version with the bundle's digest "
                "(read by the promotion guard)");
  cmd->add_option("--actor", args->actor, "Who checked (audit; default $USER)");
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);
  cmd->callback([args, &status] { status = check_model(*args); });
}

} // namespace mlguard::cli

// mlguard: the command-line face of the library.
//
//   mlguard drift --reference REF.csv --current CUR.csv [options]
//   mlguard monitor --reference REF.csv [--window N] [--method M] STREAM.csv
//   mlguard registry --registry DIR|URL <create|register|publish|list|show|alias|history|
//                    rollback|runs|migrate>
//   mlguard profile DATA.csv [-o P.json] | mlguard profile merge A.json B.json [-o P.json]
//   mlguard schema infer DATA.csv [-o schema.json] | mlguard schema set schema.json FEATURE
//   key=value ... mlguard validate --schema schema.json DATA.csv [--reference-profile P.json]
//   mlguard bundle create --pipeline P.json --data TRAIN.csv --out DIR | verify DIR | show DIR
//   mlguard detect --detector adwin|ddm|eddm|hddm_a|hddm_w|kswin|page_hinkley [--param k=v ...]
//   mlguard replay --policy POLICY.json TRACE.jsonl
//   mlguard score --registry DIR --model models:/NAME@ALIAS INPUT.csv -o PREDICTIONS.csv
//                 [--report R.json] [--labels COLUMN]
//   mlguard check-model --bundle DIR --holdout DATA.csv [--against models:/NAME@ALIAS
//                 --registry DIR] [--label COLUMN] [--format text|json|html]
//
// Every command that writes a result takes --format text|json and -o FILE
// (output.hpp); the exit codes are defined once, in command.hpp. Commands
// that read CSV draw a progress line on stderr when it is a terminal, unless
// -q/--quiet is given (before the command or after it; progress.hpp).
#include <cstdio>
#include <exception>

#include <mlguard/core/error.hpp>
#include <mlguard/core/version.hpp>

#include "command.hpp"
#include "output.hpp"

int main(int argc, char** argv) {
  CLI::App app("mlguard: data validation, drift detection and a model registry for ML services",
               "mlguard");
  app.set_version_flag("--version", mlguard::version().string);
  app.require_subcommand(1);
  mlguard::cli::add_quiet_flag(&app); // also after each command that reads CSV

  int status = mlguard::cli::exit_ok;
  mlguard::cli::add_drift_command(app, status);
  mlguard::cli::add_monitor_command(app, status);
  mlguard::cli::add_registry_command(app, status);
  mlguard::cli::add_profile_command(app, status);
  mlguard::cli::add_schema_command(app, status);
  mlguard::cli::add_validate_command(app, status);
  mlguard::cli::add_detect_command(app, status);
  mlguard::cli::add_bundle_command(app, status);
  mlguard::cli::add_replay_command(app, status);
  mlguard::cli::add_score_command(app, status);
  mlguard::cli::add_assess_command(app, status);
  mlguard::cli::add_check_model_command(app, status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "mlguard: error: %s\n", e.what());
    return mlguard::cli::exit_usage;
  } catch (const mlguard::error& e) {
    std::fprintf(stderr, "mlguard: error: %s\n", e.what());
    return mlguard::cli::exit_usage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mlguard: error: %s\n", e.what());
    return mlguard::cli::exit_usage;
  }
  return status;
}

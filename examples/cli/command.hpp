#ifndef MLGUARD_CLI_COMMAND_HPP
#define MLGUARD_CLI_COMMAND_HPP

// What every `mlguard` subcommand shares: registration, exit codes, output.

#include <CLI/CLI.hpp>

namespace mlguard::cli {

/// Exit statuses of the mlguard CLI.
enum exit_status : int {
  exit_ok = 0,       ///< success (for validate: clean or warnings only)
  exit_findings = 1, ///< the command ran and found an error-severity problem
  exit_usage = 2,    ///< a usage or input error; one line on stderr says which
  exit_conflict = 3, ///< a compare-and-swap lost (registry alias --expect)
};

/// Registers `mlguard drift`; `status` receives exit_findings when the
/// dataset drifts (the share of drifted columns reaches --drift-share).
void add_drift_command(CLI::App& app, int& status);

/// Registers `mlguard monitor` (windowed drift monitor over a CSV replay);
/// `status` receives exit_findings when at least one window drifts.
void add_monitor_command(CLI::App& app, int& status);

/// Registers `mlguard registry`; `status` receives the command's exit status
/// (exit_conflict when an alias compare-and-swap loses).
void add_registry_command(CLI::App& app, int& status);

/// Registers `mlguard profile` and `mlguard profile merge`.
void add_profile_command(CLI::App& app, int& status);

/// Registers `mlguard schema infer` and `mlguard schema set`.
void add_schema_command(CLI::App& app, int& status);

/// Registers `mlguard validate`; `status` receives exit_findings when an
/// error-severity anomaly is found.
void add_validate_command(CLI::App& app, int& status);
/// Registers `mlguard bundle create|verify|show`; `status` receives
/// exit_findings when verify finds a damaged bundle or another digest.
void add_bundle_command(CLI::App& app, int& status);
/// Registers `mlguard detect` (online drift detectors over stdin).
void add_detect_command(CLI::App& app, int& status);
/// Registers `mlguard score` (a CSV file scored by a registered version, its run
/// recorded in the registry); `status` receives exit_findings when a finding crosses its
/// threshold (rejected share, input drift, performance).
void add_score_command(CLI::App& app, int& status);
/// Registers `mlguard assess` (a bundle's risks before deployment); `status` receives
/// exit_findings when a blocking risk is open.
void add_assess_command(CLI::App& app, int& status);
/// Registers `mlguard replay` (a rollback trace through a policy, offline);
/// `status` receives exit_findings when it decides a rollback or a hold.
void add_replay_command(CLI::App& app, int& status);
/// Registers `mlguard check-model` (a bundle against the champion on a holdout, and its
/// behavioural tests); `status` receives exit_findings when a check fails.
void add_check_model_command(CLI::App& app, int& status);

} // namespace mlguard::cli

#endif // MLGUARD_CLI_COMMAND_HPP

// `mlguard drift`: compares two CSV files column by column.
#include <cstdio>
#include <string>
#include <vector>

#include <mlguard/drift/report.hpp>
#include <mlguard/io/csv.hpp>

#include "command.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

struct drift_args {
  std::string reference;
  std::string current;
  std::vector<std::string> columns;
  std::string method = "auto";
  std::string binning = "quantile";
  std::size_t bins = 10;
  std::optional<double> threshold;
  std::string correction = "none";
  double drift_share = 0.5;
  std::string format = "text";
};

std::string format_number(double v) {
  if (std::isnan(v)) {
    return "-";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

void print_text(const drift::drift_report& report) {
  text_table out({"column", "kind", "method", "statistic", "p_value", "threshold", "drifted",
                  "n_ref", "n_cur", "missing_ref", "missing_cur"});
  for (const auto& c : report.columns) {
    out.add({c.name, to_string(c.kind), c.skipped ? "skipped" : drift::to_string(c.stat),
             format_number(c.statistic), c.p_value ? format_number(*c.p_value) : "-",
             format_number(c.threshold), c.skipped ? "-" : (c.drifted ? "DRIFT" : "no"),
             std::to_string(c.n_reference), std::to_string(c.n_current),
             std::to_string(c.missing_reference), std::to_string(c.missing_current)});
  }
  std::fputs(out.str().c_str(), stdout);
  for (const auto& c : report.columns) {
    if (c.skipped) {
      std::printf("skipped %s: %s\n", c.name.c_str(), c.skipped->c_str());
    }
  }
  std::printf("\n%zu of %zu columns drifted (share %.4g, threshold %.4g): %s\n", report.drifted,
              report.evaluated, report.share_drifted, report.drift_share,
              report.dataset_drift ? "DATASET DRIFT" : "no dataset drift");
}

} // namespace

void add_drift_command(CLI::App& app, int& status) {
  auto args = std::make_shared<drift_args>();
  auto* cmd = app.add_subcommand("drift", "Compare two CSV files column by column for drift");
  cmd->add_option("--reference", args->reference, "Reference CSV (e.g. training data)")->required();
  cmd->add_option("--current", args->current, "Current CSV (e.g. serving data)")->required();
  cmd->add_option("--columns", args->columns, "Columns to compare (default: all shared)")
      ->delimiter(',');
  cmd->add_option("--method", args->method,
                  "auto|ks|cvm|mannwhitney|psi|wasserstein|wasserstein_norm|energy|"
                  "jensenshannon|kl|hellinger|tvd|linf|chisquare|chi2_contingency|ztest")
      ->capture_default_str();
  cmd->add_option("--binning", args->binning, "quantile|evidently (binned methods)")
      ->capture_default_str();
  cmd->add_option("--bins", args->bins, "Bins for quantile binning")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--threshold", args->threshold,
                  "Drift threshold (default: 0.05 for p-values, 0.1 for distances)");
  cmd->add_option("--correction", args->correction, "none|bonferroni|benjamini_hochberg")
      ->capture_default_str();
  cmd->add_option("--drift-share", args->drift_share,
                  "Share of drifted columns that means dataset drift")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--format", args->format, "text|json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();

  cmd->callback([args, &status] {
    drift::report_options options;
    options.stat = drift::method_from_string(args->method);
    options.binning = drift::binning_from_string(args->binning);
    options.bins = args->bins;
    options.threshold = args->threshold;
    options.multiple_testing = drift::correction_from_string(args->correction);
    options.drift_share = args->drift_share;
    options.columns = args->columns;

    const table reference = io::read_csv(args->reference);
    const table current = io::read_csv(args->current);
    const auto report = drift::compare(reference, current, options);
    if (args->format == "json") {
      std::printf("%s\n", json(report).dump(2).c_str());
    } else {
      print_text(report);
    }
    status = exit_ok;
  });
}

} // namespace mlguard::cli

// `mlguard monitor`: replays a CSV file through the windowed drift monitor.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mlguard/drift/drift_monitor.hpp>
#include <mlguard/io/csv.hpp>

#include "command.hpp"

namespace mlguard::cli {
namespace {

struct monitor_args {
  std::string reference;
  std::string stream;
  std::size_t window = 1000;
  std::size_t step = 0;
  std::string method = "auto";
  std::optional<double> threshold;
  std::size_t bins = 10;
  double drift_share = 0.5;
  bool partial = false;
};

drift::method parse_method(const std::string& name) {
  return drift::method_from_string(name == "js" ? "jensen_shannon" : name);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

void add_monitor_command(CLI::App& app, int& status) {
  auto args = std::make_shared<monitor_args>();
  auto* cmd = app.add_subcommand(
      "monitor", "Replay a CSV file through the windowed drift monitor; one JSON line per window");
  cmd->add_option("--reference", args->reference,
                  "Reference CSV (training data), or a profile JSON (mlguard profile)")
      ->required();
  cmd->add_option("STREAM", args->stream, "CSV replayed in row order")->required();
  cmd->add_option("--window", args->window, "Rows per window")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}))
      ->capture_default_str();
  cmd->add_option("--step", args->step,
                  "Sliding windows: evaluate the last --window rows every STEP rows "
                  "(default: tumbling windows)")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000000}));
  cmd->add_option("--method", args->method,
                  "auto|psi|ks|js|chisquare (also kl, hellinger, tvd, linf)")
      ->capture_default_str();
  cmd->add_option("--threshold", args->threshold,
                  "Drift threshold (default: 0.05 for p-values, 0.1 for distances)");
  cmd->add_option("--bins", args->bins, "Quantile bins of the reference")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--drift-share", args->drift_share,
                  "Share of drifted features that means the window drifts")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("--partial", args->partial, "Also report the last, incomplete window");

  cmd->callback([args, &status] {
    drift::monitor_options options;
    options.stat = parse_method(args->method);
    options.threshold = args->threshold;
    options.bins = args->bins;
    options.drift_share = args->drift_share;
    if (args->step > 0) {
      if (args->step > args->window) {
        throw drift_error("bad_option", "--step must not exceed --window");
      }
      options.window = drift::window_options::sliding(args->window, args->step);
    } else {
      options.window = drift::window_options::tumbling(args->window);
    }
    auto print = [](const drift::window_report& w) { std::printf("%s\n", json(w).dump().c_str()); };
    auto monitor =
        ends_with(args->reference, ".json")
            ? drift::drift_monitor::from_profile_file(args->reference, options, print)
            : drift::drift_monitor::from_table(io::read_csv(args->reference), options, print);
    const table stream = io::read_csv(args->stream);
    std::vector<const double*> columns;
    for (const auto& r : monitor.references()) {
      const column* c = stream.find(r.name());
      if (c == nullptr) {
        throw drift_error("unknown_column",
                          "column '" + r.name() + "' of the reference is not in " + args->stream);
      }
      if (!c->is_numeric()) {
        throw drift_error("kind_mismatch", "column '" + r.name() +
                                               "' is numeric in the reference "
                                               "but not in " +
                                               args->stream);
      }
      columns.push_back(c->values().data());
    }
    std::vector<double> row(columns.size());
    for (std::size_t i = 0; i < stream.rows(); ++i) {
      for (std::size_t f = 0; f < columns.size(); ++f) {
        row[f] = columns[f][i];
      }
      monitor.observe(row.data());
    }
    if (args->partial && options.window.kind == drift::window_kind::tumbling_count) {
      monitor.flush();
    }
    std::fflush(stdout);
    status = exit_ok;
  });
}

} // namespace mlguard::cli

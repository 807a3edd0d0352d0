// `mlguard monitor`: replays a CSV file through the windowed drift monitor.
//
//   mlguard monitor --reference REF.csv|PROFILE.json [--window N] [--step S]
//                   [--method M] [--format text|json|html] [-o FILE] STREAM.csv
//
// text: one line per closed window; json: one window_report per line (JSON
// lines; drift/window_report.hpp), the same verdict shape as `mlguard drift`;
// html: the timeline page of every window (report/timeline_html.hpp).
// Exit status: 0 when no window drifts, 1 when at least one window drifts
// as a whole (the share of drifted features is ≥ --drift-share), 2 on a
// usage or input error.
//
// STREAM is read in chunks and text or JSON lines are written as windows
// close (to -o FILE through a temporary file renamed at the end), so memory
// is the monitor's (references, window), not the stream's. A CSV reference
// is read whole (its exact bins and KS sample need every value); a profile
// reference holds sketches only.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mlguard/drift/drift_monitor.hpp>
#include <mlguard/drift/window_report.hpp>
#include <mlguard/io/csv.hpp>
#include <mlguard/profile/dataset_profile.hpp>
#include <mlguard/report/timeline_html.hpp>

#include "command.hpp"
#include "output.hpp"

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
  output_options out;
  io::csv_options csv;
};

drift::method parse_method(const std::string& name) {
  return drift::method_from_string(name == "js" ? "jensen_shannon" : name);
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// One line for people: where the window lies, how many features drifted and which.
std::string text_line(const drift::window_report& w) {
  char head[160];
  std::snprintf(head, sizeof head, "window %llu  rows %llu-%llu  %zu of %zu features drifted",
                static_cast<unsigned long long>(w.index),
                static_cast<unsigned long long>(w.first_row),
                static_cast<unsigned long long>(w.last_row), w.drift.drifted, w.drift.evaluated);
  std::string line = head;
  std::string names;
  for (const auto& c : w.drift.columns) {
    if (c.drifted) {
      names += names.empty() ? "" : ", ";
      names += c.name;
    }
  }
  if (!names.empty()) {
    line += " (" + names + ")";
  }
  line += w.drift.dataset_drift ? "  DRIFT" : "  no drift";
  return line;
}

} // namespace

void add_monitor_command(CLI::App& app, int& status) {
  auto args = std::make_shared<monitor_args>();
  auto* cmd = app.add_subcommand(
      "monitor", "Replay a CSV file through the windowed drift monitor; one line per window");
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
                  "auto|psi|ks_2samp|jensen_shannon|chi_square|kl_divergence|hellinger|"
                  "total_variation|l_infinity (also ks, js, ...)")
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
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);

  cmd->callback([args, &status] {
    drift::monitor_options options;
    options.stat = parse_method(args->method);
    options.threshold = args->threshold;
    options.bins = args->bins;
    options.drift_share = args->drift_share;
    if (args->step > 0) {
      if (args->step > args->window) {
        throw drift_error("invalid_option", "--step must not exceed --window");
      }
      options.window = drift::window_options::sliding(args->window, args->step);
    } else {
      options.window = drift::window_options::tumbling(args->window);
    }
    // Text and JSON lines go out as windows close (after each chunk), so
    // memory does not grow with the stream; the html page needs every window.
    std::string pending;
    std::vector<drift::window_report> windows;
    bool drifted = false;
    auto on_window = [&](const drift::window_report& w) {
      if (args->out.html()) {
        windows.push_back(w);
      } else if (args->out.json()) {
        json line;
        to_json(line, w);
        pending += dump_json(line) + '\n';
      } else {
        pending += text_line(w) + '\n';
      }
      drifted = drifted || w.drift.dataset_drift;
    };
    // A CSV reference is held whole: its exact quantile bins and KS sample
    // need every value (8 bytes a number). A profile holds sketches only.
    auto monitor =
        ends_with(args->reference, ".json")
            ? drift::drift_monitor::from_profile(
                  profile::dataset_profile::from_json(load_json(args->reference), args->reference),
                  options, on_window)
            : drift::drift_monitor::from_table(read_csv_input(args->reference, args->csv), options,
                                               on_window);
    auto reader = open_csv(args->stream, args->csv);
    progress_bar progress = progress_of(reader);
    std::optional<streamed_output> output;
    if (!args->out.html()) {
      output.emplace(args->out.path);
    }
    // Per feature: its numeric column, or its codes and the map from the
    // chunk's codes to the reference's (categories matched by name; each
    // chunk has its own vocabulary, the same columns and kinds).
    struct source {
      const column* c = nullptr;
      std::vector<double> code_of;
    };
    std::vector<source> sources;
    const auto bind = [&](const table& stream) {
      sources.clear();
      for (const auto& r : monitor.references()) {
        const column* c = stream.find(r.name());
        if (c == nullptr) {
          throw drift_error("unknown_column",
                            "column '" + r.name() + "' of the reference is not in " + args->stream);
        }
        if (c->kind() != r.kind()) {
          throw drift_error("wrong_kind", "column '" + r.name() + "' is " + to_string(r.kind()) +
                                              " in the reference but not in " + args->stream);
        }
        source s{c, {}};
        if (c->is_categorical()) {
          for (const auto& name : c->vocab().names()) {
            s.code_of.push_back(static_cast<double>(r.vocabulary().code_of(name)));
          }
        }
        sources.push_back(std::move(s));
      }
    };
    std::vector<double> row(monitor.references().size());
    table chunk;
    while (reader.next(chunk)) {
      bind(chunk);
      for (std::size_t i = 0; i < chunk.rows(); ++i) {
        for (std::size_t f = 0; f < sources.size(); ++f) {
          const auto& s = sources[f];
          if (s.c->is_numeric()) {
            row[f] = s.c->values()[i];
          } else {
            const auto code = s.c->codes()[i];
            row[f] = code == missing_code ? static_cast<double>(missing_code)
                                          : s.code_of[static_cast<std::size_t>(code)];
          }
        }
        monitor.observe(row.data());
      }
      if (output && !pending.empty()) {
        if (args->out.path.empty()) {
          progress.clear(); // stdout may be the terminal the line is on
        }
        output->write(pending);
        pending.clear();
      }
      progress.update(reader);
    }
    if (reader.rows() == 0) {
      bind(reader.read_all()); // a header alone: its columns are still checked
    }
    if (args->partial && options.window.kind == drift::window_kind::tumbling_count) {
      monitor.flush();
    }
    progress.finish();
    note_non_numbers(reader);
    if (args->out.html()) {
      write_page(args->out.path, report::timeline_html(windows));
    } else {
      output->write(pending);
      output->commit();
    }
    status = drifted ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

// `mlguard drift`: compares two CSV files column by column (drift::compare).
//
//   mlguard drift --reference REF.csv --current CUR.csv [--format text|json|html] [-o FILE] ...
//   mlguard drift REF.csv CUR.csv ...                  (the same, positional)
//
// Exit status: 0 when the dataset does not drift, 1 when it does (the share
// of drifted columns is ≥ --drift-share), 2 on a usage or input error.
//
// Either file may be "-" (stdin) or gzip-compressed. The two are parsed in
// parallel, and only the compared columns are kept (numbers as doubles), so
// two files of 1e6 doubles peak near their own size in memory. drift needs
// whole columns, so it does not stream; one progress line covers both files.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <mlguard/drift/report.hpp>
#include <mlguard/io/csv_reader.hpp>
#include <mlguard/report/drift_html.hpp>

#include "command.hpp"
#include "output.hpp"
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
  output_options out;
  io::csv_options csv;
};

// The last part of a path ("<stdin>" as it is).
std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string format_number(double v) {
  if (std::isnan(v)) {
    return "-";
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

std::string text_report(const drift::drift_report& report) {
  text_table out({"column", "kind", "method", "statistic", "p_value", "threshold", "drifted",
                  "n_ref", "n_cur", "missing_ref", "missing_cur"});
  for (const auto& c : report.columns) {
    out.add({c.name, to_string(c.kind), c.skipped ? "skipped" : drift::to_string(c.stat),
             format_number(c.statistic), c.p_value ? format_number(*c.p_value) : "-",
             format_number(c.threshold), c.skipped ? "-" : (c.drifted ? "DRIFT" : "no"),
             std::to_string(c.n_reference), std::to_string(c.n_current),
             std::to_string(c.missing_reference), std::to_string(c.missing_current)});
  }
  std::string text = out.str();
  for (const auto& c : report.columns) {
    if (c.skipped) {
      text += "skipped " + c.name + ": " + *c.skipped + "\n";
    }
  }
  char summary[160];
  std::snprintf(summary, sizeof summary,
                "\n%zu of %zu columns drifted (share %.4g, threshold %.4g): %s", report.drifted,
                report.evaluated, report.share_drifted, report.drift_share,
                report.dataset_drift ? "DATASET DRIFT" : "no dataset drift");
  return text + summary;
}

} // namespace

void add_drift_command(CLI::App& app, int& status) {
  auto args = std::make_shared<drift_args>();
  auto* cmd = app.add_subcommand("drift", "Compare two CSV files column by column for drift");
  // Either as options or as the first two positional arguments: `mlguard drift REF CUR`.
  cmd->add_option("REFERENCE,--reference", args->reference, "Reference CSV (e.g. training data)")
      ->required();
  cmd->add_option("CURRENT,--current", args->current, "Current CSV (e.g. serving data)")
      ->required();
  cmd->add_option("--columns", args->columns, "Columns to compare (default: all shared)")
      ->delimiter(',');
  cmd->add_option("--method", args->method,
                  "auto|ks_2samp|cramer_von_mises_2samp|mann_whitney_u|psi|wasserstein|"
                  "wasserstein_norm|energy|jensen_shannon|kl_divergence|hellinger|"
                  "total_variation|l_infinity|chi_square|chi2_contingency|z_test "
                  "(Evidently's names ks, cvm, jensenshannon, ... also work)")
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
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);

  cmd->callback([args, &status] {
    drift::report_options options;
    options.stat = drift::method_from_string(args->method);
    options.binning = drift::binning_from_string(args->binning);
    options.bins = args->bins;
    options.threshold = args->threshold;
    options.multiple_testing = drift::correction_from_string(args->correction);
    options.drift_share = args->drift_share;
    options.columns = args->columns;

    auto reference_csv = open_csv(args->reference, args->csv);
    auto current_csv = open_csv(args->current, args->csv);
    // Only the columns compared are read (the others are scanned, not
    // parsed); the headers give the columns only one file has.
    std::vector<std::string> only_in_reference;
    std::vector<std::string> only_in_current;
    if (options.columns.empty()) {
      const std::set<std::string> in_reference(reference_csv.header().begin(),
                                               reference_csv.header().end());
      const std::set<std::string> in_current(current_csv.header().begin(),
                                             current_csv.header().end());
      for (const auto& name : reference_csv.header()) {
        (in_current.count(name) ? options.columns : only_in_reference).push_back(name);
      }
      for (const auto& name : current_csv.header()) {
        if (in_reference.count(name) == 0) {
          only_in_current.push_back(name);
        }
      }
    }
    // A requested column missing from a file is left to compare(), which names it.
    const auto present = [&](const io::csv_reader& r) {
      std::vector<std::string> out;
      const std::set<std::string> header(r.header().begin(), r.header().end());
      for (const auto& name : options.columns) {
        if (header.count(name) && std::find(out.begin(), out.end(), name) == out.end()) {
          out.push_back(name);
        }
      }
      return out;
    };
    reference_csv.select(present(reference_csv));
    current_csv.select(present(current_csv));
    // One progress line for both files (bytes and rows summed): each thread
    // records its own reader's counts after a chunk, and whichever gets the
    // lock draws; neither waits for it.
    const auto total_of = [](const io::csv_reader& r) { return r.total_bytes().value_or(0); };
    const std::uint64_t total = total_of(reference_csv) > 0 && total_of(current_csv) > 0
                                    ? total_of(reference_csv) + total_of(current_csv)
                                    : 0;
    progress_bar progress(base_name(reference_csv.source_name()) + " + " +
                              base_name(current_csv.source_name()),
                          total);
    std::mutex drawing;
    std::atomic<std::uint64_t> bytes[2] = {{0}, {0}};
    std::atomic<std::uint64_t> rows[2] = {{0}, {0}};
    const auto after_chunk = [&](int side, const io::csv_reader& r, std::uint64_t n) {
      bytes[side] = r.bytes_read();
      rows[side] = n;
      const std::unique_lock<std::mutex> lock(drawing, std::try_to_lock);
      if (lock.owns_lock()) {
        progress.update(bytes[0] + bytes[1], rows[0] + rows[1]);
      }
    };
    // The two files are parsed at once, the current one on a second thread;
    // when both fail, the reference's error is the one reported.
    table current;
    std::exception_ptr current_failed;
    std::thread worker([&] {
      try {
        current = current_csv.read_all([&](std::uint64_t n) { after_chunk(1, current_csv, n); });
      } catch (...) {
        current_failed = std::current_exception();
      }
    });
    table reference;
    try {
      reference =
          reference_csv.read_all([&](std::uint64_t n) { after_chunk(0, reference_csv, n); });
    } catch (...) {
      worker.join();
      throw;
    }
    worker.join();
    progress.finish();
    if (current_failed) {
      std::rethrow_exception(current_failed);
    }
    note_non_numbers(reference_csv);
    note_non_numbers(current_csv);
    auto report = drift::compare(reference, current, options);
    report.only_in_reference = std::move(only_in_reference);
    report.only_in_current = std::move(only_in_current);
    if (args->out.html()) {
      write_page(args->out.path, report::drift_html(report, reference, current));
      status = report.dataset_drift ? exit_findings : exit_ok;
      return;
    }
    json document;
    to_json(document, report);
    emit(args->out, document, [&] { return text_report(report); });
    status = report.dataset_drift ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

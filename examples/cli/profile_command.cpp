// `mlguard profile`: the mergeable profile of a CSV file, and merging profiles.
//
//   mlguard profile DATA.csv [--format json|text] [-o FILE]
//   mlguard profile merge A.json B.json ... [--format json|text] [-o FILE]
//
// json (the default) writes the "mlguard.profile" document other commands
// read (validate --reference-profile, monitor --reference); text a summary
// table, one row per feature. The file is read in chunks (csv_reader), so
// memory is bounded by the chunk and the sketches, not by the file.
#include <memory>
#include <string>
#include <vector>

#include <mlguard/io/csv.hpp>
#include <mlguard/profile/dataset_profile.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

// One row per feature: counts, range and centre for numbers, the most
// frequent category for categories, and the distinct-count estimate.
std::string summary(const profile::dataset_profile& p) {
  text_table out(
      {"feature", "kind", "count", "missing", "distinct", "min", "median", "max", "mean", "top"});
  for (const auto& name : p.columns()) {
    const auto& f = p.at(name);
    std::string top = "-";
    if (f.kind() == column_kind::categorical && !f.frequencies().is_empty()) {
      const auto row = f.frequencies().top(1).front();
      top = row.item + " (" + std::to_string(row.estimate) + ")";
    }
    out.add({name, to_string(f.kind()), std::to_string(f.count()),
             std::to_string(f.missing_count()), number_cell(f.distinct_estimate()),
             number_cell(f.min()), number_cell(f.quantile(0.5)), number_cell(f.max()),
             number_cell(f.mean()), top});
  }
  return out.str() + "\n" + std::to_string(p.rows()) + " rows, " + std::to_string(p.size()) +
         " features";
}

} // namespace

void add_profile_command(CLI::App& app, int& status) {
  struct args_t {
    std::string data;
    std::vector<std::string> inputs;
    output_options out{"json", {}};
    output_options merged{"json", {}};
    io::csv_options csv;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd =
      app.add_subcommand("profile", "Profile a CSV file (or merge profiles: profile merge)");
  cmd->add_option("data", args->data, "CSV file to profile");
  add_output_options(cmd, args->out);
  add_csv_options(cmd, args->csv);
  auto* merge = cmd->add_subcommand("merge", "Merge profiles (e.g. one per replica or month)");
  merge->add_option("profiles", args->inputs, "Profile JSON files (mlguard profile)")->required();
  add_output_options(merge, args->merged);

  cmd->callback([args, merge, &status] {
    if (merge->parsed()) {
      return;
    }
    if (args->data.empty()) {
      throw CLI::ValidationError("data", "a CSV file to profile is required");
    }
    // Chunk by chunk: memory is the chunk and the sketches, not the file.
    // Chunks of a multiple of 1024 rows give the whole table's profile to the
    // byte while frequencies are exact (tests/profile/dataset_profile.test.cpp).
    auto reader = open_csv(args->data, args->csv);
    progress_bar progress = progress_of(reader);
    profile::dataset_profile p;
    table chunk;
    while (reader.next(chunk)) {
      p.update(chunk);
      progress.update(reader);
    }
    if (reader.rows() == 0) { // a header alone: its columns, without values
      p.update(reader.read_all());
    }
    progress.finish();
    note_non_numbers(reader);
    emit(args->out, p.to_json(), [&] { return summary(p); });
    status = exit_ok;
  });
  merge->callback([args, &status] {
    auto merged = profile::dataset_profile::load(args->inputs.front());
    for (std::size_t i = 1; i < args->inputs.size(); ++i) {
      merged.merge(profile::dataset_profile::load(args->inputs[i]));
    }
    emit(args->merged, merged.to_json(), [&] { return summary(merged); });
    status = exit_ok;
  });
}

} // namespace mlguard::cli

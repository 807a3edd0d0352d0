// `mlguard validate`: a CSV file against a schema, optionally with skew
// against a training profile.
//
//   mlguard validate --schema S.json DATA.csv [--reference-profile P.json]
//                    [--max-rows N] [--format text|json|html] [-o FILE]
//
// text (the default) lists each anomaly of each feature; json writes the
// "mlguard.validation_report" document; html a page with the failing rows' values
// (report/validation_html.hpp). Exit status 1 when an anomaly of
// error severity was found, 0 when clean or warnings only. The file is read
// in chunks (validate::batch_validator), so memory does not grow with it.
#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <mlguard/report/validation_html.hpp>
#include <mlguard/validate/batch_validator.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

std::string summary(const validate::validation_report& r) {
  text_table out({"feature", "anomaly", "severity", "count", "rate", "rows", "value", "threshold"});
  for (const auto& f : r.features) {
    for (const auto& a : f.anomalies) {
      std::string rows;
      for (auto row : a.sample_rows) {
        rows += (rows.empty() ? "" : ",") + std::to_string(row + 1);
      }
      out.add({f.name, to_string(a.kind), to_string(a.level), std::to_string(a.count),
               number_cell(a.rate), rows.empty() ? "-" : rows, number_cell(a.value),
               number_cell(a.threshold)});
    }
  }
  const std::string table = r.errors + r.warnings > 0 ? out.str() : "no anomalies\n";
  return table + "\n" + std::to_string(r.rows) + " rows, " + std::to_string(r.errors) +
         " errors, " + std::to_string(r.warnings) + " warnings: " + to_string(r.outcome);
}

} // namespace

void add_validate_command(CLI::App& app, int& status) {
  struct args_t {
    std::string schema;
    std::string data;
    std::string reference;
    std::size_t max_rows = 5;
    output_options out;
    io::csv_options csv;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("validate", "Validate a CSV file against a schema");
  cmd->add_option("--schema", args->schema, "Schema JSON (mlguard schema infer)")->required();
  cmd->add_option("data", args->data, "CSV file to validate")->required();
  cmd->add_option("--reference-profile", args->reference,
                  "Training profile JSON (mlguard profile): adds skew comparators");
  cmd->add_option("--max-rows", args->max_rows, "Failing row numbers listed per anomaly")
      ->capture_default_str();
  add_output_options(cmd, args->out, true);
  add_csv_options(cmd, args->csv);
  cmd->callback([args, &status] {
    const auto s = validate::schema::load(args->schema);
    std::optional<profile::dataset_profile> reference;
    if (!args->reference.empty()) {
      reference = profile::dataset_profile::load(args->reference);
    }
    validate::validate_options options;
    options.max_sample_rows = args->max_rows;
    // Chunk by chunk: memory is the chunk, the report's samples and (with a
    // reference) the profile's sketches, not the file; the report is
    // validate_batch's on the whole file (tests/validate/batch_validator.test.cpp).
    validate::batch_validator check(s, options, reference ? &*reference : nullptr);
    auto reader = open_csv(args->data, args->csv);
    progress_bar progress = progress_of(reader);
    table chunk;
    while (reader.next(chunk)) {
      check.update(chunk);
      progress.update(reader);
    }
    progress.finish();
    note_non_numbers(reader);
    if (check.rows() == 0) {
      throw validation_error("empty_data", args->data + ": no data rows to validate");
    }
    const auto report = check.report();
    if (args->out.html()) {
      // The page shows the failing rows' values the validator kept.
      report::validation_html_options page;
      page.max_sample_rows = std::max<std::size_t>(args->max_rows, 1);
      write_page(args->out.path, report::validation_html(report, check.samples(), page));
    } else {
      emit(args->out, report.to_json(), [&] { return summary(report); });
    }
    status = report.outcome == validate::verdict::error ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

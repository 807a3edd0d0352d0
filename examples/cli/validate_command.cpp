// `mlguard validate`: a CSV file against a schema, optionally with skew
// against a training profile.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <mlguard/io/csv.hpp>
#include <mlguard/validate/validation_report.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

std::string number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  return buffer;
}

void print_text(const validate::validation_report& r) {
  text_table out({"feature", "anomaly", "severity", "count", "rate", "rows", "value", "threshold"});
  for (const auto& f : r.features) {
    for (const auto& a : f.anomalies) {
      std::string rows;
      for (auto row : a.sample_rows) {
        rows += (rows.empty() ? "" : ",") + std::to_string(row + 1);
      }
      out.add({f.name, to_string(a.kind), to_string(a.level), std::to_string(a.count),
               number(a.rate), rows.empty() ? "-" : rows, a.value ? number(*a.value) : "-",
               a.threshold ? number(*a.threshold) : "-"});
    }
  }
  std::fputs(out.str().c_str(), stdout);
  std::printf("\n%llu rows, %zu errors, %zu warnings: %s\n",
              static_cast<unsigned long long>(r.rows), r.errors, r.warnings, to_string(r.outcome));
}

} // namespace

void add_validate_command(CLI::App& app, int& status) {
  struct args_t {
    std::string schema;
    std::string data;
    std::string format = "text";
    std::string reference;
    std::size_t max_rows = 5;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("validate", "Validate a CSV file against a schema");
  cmd->add_option("--schema", args->schema, "Schema JSON (mlguard schema infer)")->required();
  cmd->add_option("data", args->data, "CSV file to validate")->required();
  cmd->add_option("--format", args->format, "text|json")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_option("--reference-profile", args->reference,
                  "Training profile JSON (mlguard profile): adds skew comparators");
  cmd->add_option("--max-rows", args->max_rows, "Failing row numbers listed per anomaly")
      ->capture_default_str();
  cmd->callback([args, &status] {
    const auto s = validate::schema::parse(read_text(args->schema), args->schema);
    std::optional<profile::dataset_profile> reference;
    if (!args->reference.empty()) {
      reference = profile::dataset_profile::parse(read_text(args->reference), args->reference);
    }
    const table data = io::read_csv(args->data);
    if (data.rows() == 0) {
      throw validation_error("empty_data", args->data + ": no data rows to validate");
    }
    validate::validate_options options;
    options.max_sample_rows = args->max_rows;
    options.reference = reference ? &*reference : nullptr;
    const auto report = validate::validate_batch(s, data, options);
    if (args->format == "json") {
      std::printf("%s\n", json(report).dump(2).c_str());
    } else {
      print_text(report);
    }
    status = report.outcome == validate::verdict::error ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

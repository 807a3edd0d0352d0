// `mlguard schema infer`: a schema from training data.
//
//   mlguard schema infer DATA.csv [--format json|text] [-o FILE] [inference options]
//
// json (the default) writes the "mlguard.schema" document `mlguard validate`
// reads; text a summary table, one row per feature.
#include <memory>
#include <string>

#include <mlguard/io/csv.hpp>
#include <mlguard/validate/infer_schema.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

// One row per feature: kind, presence, domain or vocabulary, row policy.
std::string summary(const validate::schema& s) {
  text_table out({"feature", "kind", "required", "max_missing", "min", "max", "vocabulary",
                  "nan/inf", "policy"});
  for (const auto& f : s.features()) {
    std::string vocabulary = "-";
    if (!f.vocabulary.empty()) {
      vocabulary = std::to_string(f.vocabulary.size()) + ": " + f.vocabulary.front();
      for (std::size_t i = 1; i < f.vocabulary.size() && i < 4; ++i) {
        vocabulary += "," + f.vocabulary[i];
      }
      vocabulary += f.vocabulary.size() > 4 ? ",..." : "";
    }
    const std::string nan_inf =
        std::string(f.allow_nan ? "nan" : "-") + "/" + (f.allow_inf ? "inf" : "-");
    out.add({f.name, to_string(f.kind), f.required ? "yes" : "no",
             f.required ? "-" : number_cell(f.max_missing_fraction), number_cell(f.min),
             number_cell(f.max), vocabulary, nan_inf, to_string(f.action)});
  }
  return out.str() + "\n" + std::to_string(s.size()) + " features";
}

} // namespace

void add_schema_command(CLI::App& app, int& status) {
  struct args_t {
    std::string data;
    output_options out{"json", {}};
    validate::infer_options options;
    io::csv_options csv;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("schema", "Schemas for data validation");
  cmd->require_subcommand(1);
  auto* infer = cmd->add_subcommand("infer", "Infer a schema from a training CSV file");
  infer->add_option("data", args->data, "Training CSV file")->required();
  add_output_options(infer, args->out);
  add_csv_options(infer, args->csv);
  infer
      ->add_option("--categorical-threshold", args->options.categorical_threshold,
                   "Largest number of categories that gets a vocabulary")
      ->capture_default_str();
  infer
      ->add_option("--domain-margin", args->options.domain_margin,
                   "Widen numeric domains by this fraction of their range on each side")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  infer
      ->add_option("--missing-margin", args->options.missing_margin,
                   "Add this to each optional feature's training missing fraction")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  infer->callback([args, &status] {
    const auto s = validate::infer_schema(io::read_csv(args->data, args->csv), args->options);
    emit(args->out, s.to_json(), [&] { return summary(s); });
    status = exit_ok;
  });
}

} // namespace mlguard::cli

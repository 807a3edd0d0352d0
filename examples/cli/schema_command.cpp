// `mlguard schema infer`: a schema from training data.
#include <memory>
#include <string>

#include <mlguard/io/csv.hpp>
#include <mlguard/validate/infer_schema.hpp>

#include "command.hpp"
#include "output.hpp"

namespace mlguard::cli {

void add_schema_command(CLI::App& app, int& status) {
  struct args_t {
    std::string data;
    std::string output;
    validate::infer_options options;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd = app.add_subcommand("schema", "Schemas for data validation");
  cmd->require_subcommand(1);
  auto* infer = cmd->add_subcommand("infer", "Infer a schema from a training CSV file");
  infer->add_option("data", args->data, "Training CSV file")->required();
  infer->add_option("-o,--output", args->output, "Write the schema here (default: stdout)");
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
    const auto s = validate::infer_schema(io::read_csv(args->data), args->options);
    write_text(args->output, s.dump(2));
    status = exit_ok;
  });
}

} // namespace mlguard::cli

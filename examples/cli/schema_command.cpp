// `mlguard schema infer`: a schema from training data; `mlguard schema set`:
// one feature of a schema edited in place.
//
//   mlguard schema infer DATA.csv [--format json|text] [-o FILE] [inference options]
//                        [--numeric-as-float] [--policy ACTION] [--feature NAME:key=value ...]
//   mlguard schema set SCHEMA.json FEATURE key=value ... [-o FILE]
//
// infer: json (the default) writes the "mlguard.schema" document `mlguard
// validate` reads; text a summary table, one row per feature. Inference
// warnings (an empty column, a policy that cannot apply) go to stderr.
// set: writes the edited schema back to SCHEMA.json (or to FILE), atomically
// and formatted as infer writes it, so a schema kept in git diffs by the edit.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <mlguard/io/csv.hpp>
#include <mlguard/validate/edit_schema.hpp>
#include <mlguard/validate/infer_schema.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

// One row per feature: kind, presence, domain or vocabulary, row policy, severity.
std::string summary(const validate::schema& s) {
  text_table out({"feature", "kind", "required", "max_missing", "min", "max", "vocabulary",
                  "nan/inf", "policy", "severity"});
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
             number_cell(f.max), vocabulary, nan_inf, to_string(f.action),
             f.level ? to_string(*f.level) : "-"});
  }
  return out.str() + "\n" + std::to_string(s.size()) + " features";
}

// "NAME:key=value" of --feature, split at the last ':' (keys and values have none).
void add_feature_setting(validate::infer_options& options, const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw validation_error("invalid_setting", "--feature '" + text +
                                                  "': expected NAME:key=value, e.g. "
                                                  "congestion_surcharge:numeric_as_float=true");
  }
  const std::string name = text.substr(0, colon);
  try {
    validate::set_option(options.features[name], text.substr(colon + 1));
  } catch (const validation_error& e) {
    throw validation_error("invalid_setting",
                           "--feature of '" + name + "': " + std::string(e.message()));
  }
}

void add_set_command(CLI::App* cmd, int& status) {
  struct args_t {
    std::string schema;
    std::string feature;
    std::vector<std::string> settings;
    std::string path;
  };
  auto args = std::make_shared<args_t>();
  auto* set = cmd->add_subcommand(
      "set", "Edit one feature of a schema (key=value: min, max, domain=none, kind, policy, "
             "impute, severity, required, max_missing_fraction, allow_nan, allow_inf)");
  set->add_option("schema", args->schema, "Schema file (mlguard.schema), rewritten in place")
      ->required();
  set->add_option("feature", args->feature, "The feature to edit")->required();
  set->add_option("settings", args->settings, "key=value settings, applied in order")->required();
  set->add_option("-o,--output", args->path, "Write the edited schema to FILE instead");
  set->callback([args, &status] {
    const auto edited =
        validate::edit_feature(validate::schema::load(args->schema), args->feature, args->settings);
    emit(output_options{"json", args->path.empty() ? args->schema : args->path}, edited.to_json(),
         [] { return std::string(); });
    status = exit_ok;
  });
}

} // namespace

void add_schema_command(CLI::App& app, int& status) {
  struct args_t {
    std::string data;
    output_options out{"json", {}};
    validate::infer_options options;
    std::string policy = "flag";
    std::vector<std::string> features;
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
  infer->add_flag("--numeric-as-float", args->options.numeric_as_float,
                  "Infer integer-valued columns as numeric (they may hold fractions later)");
  infer
      ->add_option("--policy", args->policy,
                   "Row policy of every feature: flag, reject, impute or clip")
      ->check(CLI::IsMember({"flag", "reject", "impute", "clip"}))
      ->capture_default_str();
  infer
      ->add_option("--feature", args->features,
                   "Per-feature setting NAME:key=value (keys: margin, domain, "
                   "numeric_as_float, policy, severity); repeat for more")
      ->allow_extra_args(false); // one setting per --feature, so DATA.csv may follow
  infer->callback([args, &status] {
    validate::feature_infer_options every; // --policy reads as --feature's policy= does
    validate::set_option(every, "policy=" + args->policy);
    args->options.action = *every.action;
    for (const auto& text : args->features) {
      add_feature_setting(args->options, text);
    }
    const auto r =
        validate::infer_schema_report(read_csv_input(args->data, args->csv), args->options);
    for (const auto& w : r.warnings) {
      std::fprintf(stderr, "mlguard: warning: feature '%s': %s\n", w.feature.c_str(),
                   w.message.c_str());
    }
    emit(args->out, r.inferred.to_json(), [&] { return summary(r.inferred); });
    status = exit_ok;
  });
  add_set_command(cmd, status);
}

} // namespace mlguard::cli

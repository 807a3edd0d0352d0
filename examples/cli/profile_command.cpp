// `mlguard profile`: the mergeable profile of a CSV file, and merging profiles.
#include <memory>
#include <string>
#include <vector>

#include <mlguard/io/csv.hpp>
#include <mlguard/profile/dataset_profile.hpp>

#include "command.hpp"
#include "output.hpp"

namespace mlguard::cli {

void add_profile_command(CLI::App& app, int& status) {
  struct args_t {
    std::string data;
    std::string output;
    std::vector<std::string> inputs;
    std::string merged;
  };
  auto args = std::make_shared<args_t>();
  auto* cmd =
      app.add_subcommand("profile", "Profile a CSV file (or merge profiles: profile merge)");
  cmd->add_option("data", args->data, "CSV file to profile");
  cmd->add_option("-o,--output", args->output, "Write the profile here (default: stdout)");
  auto* merge = cmd->add_subcommand("merge", "Merge profiles (e.g. one per replica or month)");
  merge->add_option("profiles", args->inputs, "Profile JSON files")->required();
  merge->add_option("-o,--output", args->merged, "Write the merged profile here")->required();

  cmd->callback([args, merge, &status] {
    if (merge->parsed()) {
      return;
    }
    if (args->data.empty()) {
      throw CLI::ValidationError("data", "a CSV file to profile is required");
    }
    const auto profile = profile::dataset_profile::of(io::read_csv(args->data));
    write_text(args->output, profile.dump(args->output.empty() ? 2 : -1));
    status = exit_ok;
  });
  merge->callback([args, &status] {
    profile::dataset_profile merged;
    bool first = true;
    for (const auto& path : args->inputs) {
      auto p = profile::dataset_profile::parse(read_text(path), path);
      if (first) {
        merged = std::move(p);
        first = false;
      } else {
        merged.merge(p);
      }
    }
    write_text(args->merged, merged.dump());
    status = exit_ok;
  });
}

} // namespace mlguard::cli

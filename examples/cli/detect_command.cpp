// `mlguard detect`: runs one online drift detector over numbers on stdin.
//
//   mlguard detect --detector NAME [--param name=value ...] [--state FILE]
//                  [--format text|json] [-o FILE]
//   mlguard detect --list [--detector NAME] [--format text|json] [-o FILE]
//
// Reads one number per line and reports every warning and drift with its
// 0-based line index (River's enumerate). As text on stdout each event is
// printed the moment it happens (a live pipe sees it at once), then a summary
// line; with -o the text goes to the file at the end. --format json writes one
// document when the input ends:
//   {"detector", "params", "values", "ignored", "drifts", "warnings",
//    "events": [{"index": i, "state": "drift"|"warning"}, ...]}
// "nan" and "inf" lines are numbers the detector ignores; any other
// non-numeric line is an input error (exit 2). With --state, the detector is
// restored from FILE when it exists (its parameters, and by default its
// kind, then come from the file) and saved back to FILE at the end of the
// input. Exit status (command.hpp): 1 when the detector signalled drift,
// 0 when it did not (warnings alone are 0), 2 on a usage or input error.
//
// The detectors, their parameters (names, types, ranges, defaults) and
// their parsing all come from drift/online/detectors.hpp and each
// detector's option table; nothing here names a detector.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <utility>
#include <variant>
#include <vector>

#include <mlguard/core/error.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/drift/online/detectors.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

namespace online = drift::online;

struct detect_args {
  std::string detector;
  std::vector<std::string> params;
  std::string state_file;
  bool list = false;
  output_options out;
};

// "name=value" pairs of --param.
std::vector<online::option_setting> split_params(const std::vector<std::string>& raw) {
  std::vector<online::option_setting> out;
  for (const auto& r : raw) {
    const auto eq = r.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw argument_error("invalid_option", "--param \"" + r + "\": expected name=value");
    }
    out.emplace_back(r.substr(0, eq), r.substr(eq + 1));
  }
  return out;
}

bool file_exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

// The detector saved at `path`: of the kind `name` when given (a file holding
// another kind is mlguard.format.wrong_kind), else of the kind it holds.
online::any_detector restore(const std::string& name, const std::string& path) {
  const json document = load_json(path);
  if (name.empty()) {
    return online::load_detector(document, path);
  }
  std::optional<online::any_detector> restored;
  online::for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    if (!restored && name == D::name) {
      restored.emplace(D::from_json(document, path));
    }
  });
  return std::move(*restored); // CLI11 checked that `name` is a detector
}

// Parses one input line as a number; false when it is not one.
bool parse_line(std::string& line, double& out) {
  if (!line.empty() && line.back() == '\r') {
    line.pop_back();
  }
  const char* begin = line.c_str();
  while (*begin == ' ' || *begin == '\t') {
    ++begin;
  }
  if (*begin == '\0') {
    return false;
  }
  char* end = nullptr;
  out = std::strtod(begin, &end);
  while (*end == ' ' || *end == '\t') {
    ++end;
  }
  return end != begin && *end == '\0';
}

// Reads stdin to its end: one line (without its newline) per call of `fn`.
template <typename Fn>
void for_each_line(Fn fn) {
  std::string line;
  for (int c = std::getchar(); c != EOF; c = std::getchar()) {
    if (c == '\n') {
      fn(line);
      line.clear();
    } else {
      line.push_back(static_cast<char>(c));
    }
  }
  if (!line.empty()) {
    fn(line);
  }
}

// "adwin: 2000 values (0 ignored), 1 drift, 0 warnings".
std::string summary_text(const json& report) {
  const auto drifts = report["drifts"].get<std::uint64_t>();
  const auto warnings = report["warnings"].get<std::uint64_t>();
  return report["detector"].get_ref<const std::string&>() + ": " +
         std::to_string(report["values"].get<std::uint64_t>()) + " values (" +
         std::to_string(report["ignored"].get<std::uint64_t>()) + " ignored), " +
         (drifts == 0 ? std::string("no drift")
                      : std::to_string(drifts) + (drifts == 1 ? " drift" : " drifts")) +
         ", " + std::to_string(warnings) + (warnings == 1 ? " warning" : " warnings");
}

// The events as a table, then the summary line.
std::string run_text(const json& report) {
  std::string out;
  const auto& events = report["events"];
  if (!events.empty()) {
    text_table table({"index", "state"});
    for (const auto& e : events) {
      table.add({std::to_string(e["index"].get<std::uint64_t>()),
                 e["state"].get_ref<const std::string&>()});
    }
    out = table.str() + "\n";
  }
  return out + summary_text(report);
}

int run(const detect_args& args) {
  const auto settings = split_params(args.params);
  std::optional<online::any_detector> detector;
  if (!args.state_file.empty() && file_exists(args.state_file)) {
    if (!settings.empty()) {
      throw argument_error("invalid_option", "--param cannot be combined with an existing "
                                             "--state file (its parameters are stored in it)");
    }
    detector.emplace(restore(args.detector, args.state_file));
  } else if (args.detector.empty()) {
    throw argument_error("invalid_option",
                         "--detector is required unless --state names an existing file");
  } else {
    detector.emplace(online::make_detector(args.detector, settings));
  }
  const std::uint64_t ignored_before =
      std::visit([](const auto& d) { return d.ignored_count(); }, *detector);

  // Text on stdout streams: each event is printed (and flushed) as it happens.
  const bool stream = !args.out.json() && args.out.path.empty();
  json events = json::array();
  std::uint64_t index = 0;
  std::uint64_t drifts = 0;
  std::uint64_t warnings = 0;
  for_each_line([&](std::string& line) {
    double x = 0.0;
    if (!parse_line(line, x)) {
      throw argument_error("bad_input", "stdin line " + std::to_string(index + 1) +
                                            ": not a number: \"" + line.substr(0, 40) + "\"");
    }
    const auto state = std::visit([x](auto& d) { return d.update(x); }, *detector);
    if (state != online::detector_state::none) {
      if (stream) {
        if (events.empty()) {
          std::printf("%-5s  %s\n", "index", "state");
        }
        std::printf("%-5llu  %s\n", static_cast<unsigned long long>(index),
                    online::to_string(state));
        std::fflush(stdout);
      }
      json event = json::object();
      event["index"] = index;
      event["state"] = online::to_string(state);
      events.push_back(std::move(event));
      drifts += state == online::detector_state::drift ? 1 : 0;
      warnings += state == online::detector_state::warning ? 1 : 0;
    }
    ++index;
  });
  if (!args.state_file.empty()) {
    std::visit([&](const auto& d) { d.save(args.state_file); }, *detector);
  }

  json report = json::object();
  report["detector"] = online::detector_name(*detector);
  report["params"] = std::visit([](const auto& d) { return d.to_json()["params"]; }, *detector);
  report["values"] = index;
  report["ignored"] =
      std::visit([](const auto& d) { return d.ignored_count(); }, *detector) - ignored_before;
  report["drifts"] = drifts;
  report["warnings"] = warnings;
  report["events"] = std::move(events);
  if (stream) {
    write_text("", (report["events"].empty() ? "" : "\n") + summary_text(report));
  } else {
    emit(args.out, report, [&] { return run_text(report); });
  }
  return drifts > 0 ? exit_findings : exit_ok;
}

// --list: every detector (or the one of --detector) with its parameters.
void list(const detect_args& args) {
  json detectors = json::array();
  std::string text;
  online::for_each_detector([&](auto tag) {
    using D = typename decltype(tag)::type;
    if (!args.detector.empty() && args.detector != D::name) {
      return;
    }
    json options = json::array();
    text_table table({"  parameter", "type", "default", "range", "meaning"});
    for (const auto& o : D::describe_options()) {
      json option = json::object();
      option["name"] = o.name;
      option["type"] = o.type;
      option["default"] = o.default_value;
      option["range"] = o.range;
      option["doc"] = o.doc;
      options.push_back(std::move(option));
      table.add({"  " + o.name, o.type, o.default_value, o.range.empty() ? "-" : o.range, o.doc});
    }
    json entry = json::object();
    entry["name"] = D::name;
    entry["river"] = D::river_class;
    entry["warns"] = D::warns;
    entry["params"] = std::move(options);
    detectors.push_back(std::move(entry));
    text += (text.empty() ? "" : "\n") + std::string(D::name) + " (" + std::string(D::river_class) +
            (D::warns ? "; warning and drift" : "; drift") + ")\n" + table.str();
  });
  json document = json::object();
  document["detectors"] = std::move(detectors);
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  emit(args.out, document, [&] { return text; });
}

} // namespace

void add_detect_command(CLI::App& app, int& status) {
  auto args = std::make_shared<detect_args>();
  std::vector<std::string> names;
  for (auto n : online::detector_names()) {
    names.emplace_back(n);
  }
  auto* cmd = app.add_subcommand(
      "detect", "Run an online drift detector (River's) over one number per line on stdin; "
                "exit 1 when it signals drift");
  cmd->add_option("--detector", args->detector,
                  "The detector (River's names; --list shows each one's parameters)")
      ->check(CLI::IsMember(names));
  cmd->add_option("--param", args->params,
                  "Detector parameter name=value (River's names and defaults; see --list), "
                  "repeatable");
  cmd->add_option("--state", args->state_file,
                  "Restore the detector from this file when it exists; save it there at the end");
  cmd->add_flag("--list", args->list,
                "List the detectors (or the one of --detector) and their parameters");
  add_output_options(cmd, args->out);
  cmd->callback([args, &status] {
    if (args->list) {
      list(*args);
      status = exit_ok;
      return;
    }
    status = run(*args);
  });
}

} // namespace mlguard::cli

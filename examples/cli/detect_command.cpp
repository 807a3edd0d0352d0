// `mlguard detect`: runs one online drift detector over numbers on stdin.
//
//   mlguard detect --detector adwin|ddm|eddm|hddm_a|hddm_w|kswin|page_hinkley
//                  [--param name=value ...] [--state FILE]
//
// Reads one number per line and prints one JSON line per warning or drift,
// {"index": i, "state": "drift"|"warning"}, with i the 0-based line index
// (River's enumerate). "nan" and "inf" lines are numbers the detector
// ignores; any other non-numeric line is an input error (exit 2). With
// --state, the detector is restored from FILE when it exists (its parameters
// then come from the file) and saved back to FILE at the end of the input.
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <mlguard/core/error.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/drift/online/adwin.hpp>
#include <mlguard/drift/online/ddm.hpp>
#include <mlguard/drift/online/eddm.hpp>
#include <mlguard/drift/online/hddm_a.hpp>
#include <mlguard/drift/online/hddm_w.hpp>
#include <mlguard/drift/online/kswin.hpp>
#include <mlguard/drift/online/page_hinkley.hpp>

#include "command.hpp"

namespace mlguard::cli {
namespace {

namespace online = drift::online;

using any_detector = std::variant<online::adwin, online::ddm, online::eddm, online::hddm_a,
                                  online::hddm_w, online::kswin, online::page_hinkley>;

struct detect_args {
  std::string detector;
  std::vector<std::string> params;
  std::string state_file;
};

[[noreturn]] void bad_param(const std::string& what) { throw argument_error("bad_param", what); }

// One "name=value" parameter, with typed readers that reject trailing junk.
struct param {
  std::string name;
  std::string value;

  double number() const {
    const char* begin = value.c_str();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(begin, &end);
    if (value.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v)) {
      bad_param("--param " + name + ": \"" + value + "\" is not a finite number");
    }
    return v;
  }
  std::uint64_t integer() const {
    const char* begin = value.c_str();
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(begin, &end, 10);
    if (value.empty() || value[0] == '-' || value[0] == '+' || *end != '\0' || errno == ERANGE) {
      bad_param("--param " + name + ": \"" + value + "\" is not a non-negative integer");
    }
    return v;
  }
  std::uint32_t integer32() const {
    const auto v = integer();
    if (v > UINT32_MAX) {
      bad_param("--param " + name + ": " + value + " is too large");
    }
    return static_cast<std::uint32_t>(v);
  }
  bool flag() const {
    if (value == "true" || value == "1") {
      return true;
    }
    if (value == "false" || value == "0") {
      return false;
    }
    bad_param("--param " + name + ": \"" + value + "\" is not true or false");
  }
};

std::vector<param> split_params(const std::vector<std::string>& raw) {
  std::vector<param> out;
  for (const auto& r : raw) {
    const auto eq = r.find('=');
    if (eq == std::string::npos || eq == 0) {
      bad_param("--param \"" + r + "\": expected name=value");
    }
    out.push_back({r.substr(0, eq), r.substr(eq + 1)});
  }
  return out;
}

[[noreturn]] void unknown(const std::string& detector, const param& p, const char* known) {
  bad_param("--param " + p.name + ": unknown parameter for " + detector + " (known: " + known +
            ")");
}

any_detector make_detector(const std::string& name, const std::vector<param>& params) {
  if (name == "adwin") {
    online::adwin_options p;
    for (const auto& q : params) {
      if (q.name == "delta") {
        p.delta = q.number();
      } else if (q.name == "clock") {
        p.clock = q.integer32();
      } else if (q.name == "max_buckets") {
        p.max_buckets = q.integer32();
      } else if (q.name == "min_window_length") {
        p.min_window_length = q.integer32();
      } else if (q.name == "grace_period") {
        p.grace_period = q.integer32();
      } else {
        unknown(name, q, "delta, clock, max_buckets, min_window_length, grace_period");
      }
    }
    return online::adwin(p);
  }
  if (name == "ddm") {
    online::ddm_options p;
    for (const auto& q : params) {
      if (q.name == "warm_start") {
        p.warm_start = q.integer();
      } else if (q.name == "warning_threshold") {
        p.warning_threshold = q.number();
      } else if (q.name == "drift_threshold") {
        p.drift_threshold = q.number();
      } else {
        unknown(name, q, "warm_start, warning_threshold, drift_threshold");
      }
    }
    return online::ddm(p);
  }
  if (name == "eddm") {
    online::eddm_options p;
    for (const auto& q : params) {
      if (q.name == "warm_start") {
        p.warm_start = q.integer();
      } else if (q.name == "alpha") {
        p.alpha = q.number();
      } else if (q.name == "beta") {
        p.beta = q.number();
      } else {
        unknown(name, q, "warm_start, alpha, beta");
      }
    }
    return online::eddm(p);
  }
  if (name == "hddm_a") {
    online::hddm_a_options p;
    for (const auto& q : params) {
      if (q.name == "drift_confidence") {
        p.drift_confidence = q.number();
      } else if (q.name == "warning_confidence") {
        p.warning_confidence = q.number();
      } else if (q.name == "two_sided_test") {
        p.two_sided_test = q.flag();
      } else {
        unknown(name, q, "drift_confidence, warning_confidence, two_sided_test");
      }
    }
    return online::hddm_a(p);
  }
  if (name == "hddm_w") {
    online::hddm_w_options p;
    for (const auto& q : params) {
      if (q.name == "drift_confidence") {
        p.drift_confidence = q.number();
      } else if (q.name == "warning_confidence") {
        p.warning_confidence = q.number();
      } else if (q.name == "lambda" || q.name == "lambda_val") {
        p.lambda = q.number();
      } else if (q.name == "two_sided_test") {
        p.two_sided_test = q.flag();
      } else {
        unknown(name, q, "drift_confidence, warning_confidence, lambda, two_sided_test");
      }
    }
    return online::hddm_w(p);
  }
  if (name == "kswin") {
    online::kswin_options p;
    for (const auto& q : params) {
      if (q.name == "alpha") {
        p.alpha = q.number();
      } else if (q.name == "window_size") {
        p.window_size = static_cast<std::size_t>(q.integer32());
      } else if (q.name == "stat_size") {
        p.stat_size = static_cast<std::size_t>(q.integer32());
      } else if (q.name == "seed") {
        p.seed = q.integer();
      } else {
        unknown(name, q, "alpha, window_size, stat_size, seed");
      }
    }
    return online::kswin(p);
  }
  online::page_hinkley_options p; // name == "page_hinkley" (CLI11 checked the set)
  for (const auto& q : params) {
    if (q.name == "min_instances") {
      p.min_instances = q.integer();
    } else if (q.name == "delta") {
      p.delta = q.number();
    } else if (q.name == "threshold") {
      p.threshold = q.number();
    } else if (q.name == "alpha") {
      p.alpha = q.number();
    } else if (q.name == "mode") {
      p.mode = online::parse_page_hinkley_mode(q.value);
    } else {
      unknown(name, q, "min_instances, delta, threshold, alpha, mode");
    }
  }
  return online::page_hinkley(p);
}

any_detector load_detector(const std::string& name, const json& doc, const std::string& source) {
  if (name == "adwin") {
    return online::adwin::from_json(doc, source);
  }
  if (name == "ddm") {
    return online::ddm::from_json(doc, source);
  }
  if (name == "eddm") {
    return online::eddm::from_json(doc, source);
  }
  if (name == "hddm_a") {
    return online::hddm_a::from_json(doc, source);
  }
  if (name == "hddm_w") {
    return online::hddm_w::from_json(doc, source);
  }
  if (name == "kswin") {
    return online::kswin::from_json(doc, source);
  }
  return online::page_hinkley::from_json(doc, source);
}

void save_state(const any_detector& detector, const std::string& path) {
  const std::string text = std::visit([](const auto& d) { return d.to_json().dump(); }, detector);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text << '\n';
    out.flush();
    if (!out) {
      throw io_error("write_failed", "cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw io_error("write_failed", "cannot replace " + path);
  }
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

void run(const detect_args& args) {
  const auto params = split_params(args.params);
  std::optional<any_detector> detector;
  if (!args.state_file.empty()) {
    std::ifstream in(args.state_file, std::ios::binary);
    if (in) {
      if (!params.empty()) {
        bad_param("--param cannot be combined with an existing --state file (its parameters "
                  "are stored in it)");
      }
      std::ostringstream text;
      text << in.rdbuf();
      detector.emplace(
          load_detector(args.detector, parse_json(text.str(), args.state_file), args.state_file));
    }
  }
  if (!detector) {
    detector.emplace(make_detector(args.detector, params));
  }
  std::string line;
  std::uint64_t index = 0;
  while (std::getline(std::cin, line)) {
    double x = 0.0;
    if (!parse_line(line, x)) {
      throw argument_error("bad_input", "stdin line " + std::to_string(index + 1) +
                                            ": not a number: \"" + line.substr(0, 40) + "\"");
    }
    const auto state = std::visit([x](auto& d) { return d.update(x); }, *detector);
    if (state != online::detector_state::none) {
      std::printf("{\"index\":%llu,\"state\":\"%s\"}\n", static_cast<unsigned long long>(index),
                  online::to_string(state));
      std::fflush(stdout);
    }
    ++index;
  }
  if (!args.state_file.empty()) {
    save_state(*detector, args.state_file);
  }
}

} // namespace

void add_detect_command(CLI::App& app, int& status) {
  auto args = std::make_shared<detect_args>();
  auto* cmd = app.add_subcommand(
      "detect", "Run an online drift detector (River's) over one number per line on stdin");
  cmd->add_option("--detector", args->detector, "adwin|ddm|eddm|hddm_a|hddm_w|kswin|page_hinkley")
      ->required()
      ->check(CLI::IsMember({"adwin", "ddm", "eddm", "hddm_a", "hddm_w", "kswin", "page_hinkley"}));
  cmd->add_option("--param", args->params,
                  "Detector parameter name=value (River's names and defaults), repeatable");
  cmd->add_option("--state", args->state_file,
                  "Restore the detector from this file when it exists; save it there at the end");
  cmd->callback([args, &status] {
    run(*args);
    status = exit_ok;
  });
}

} // namespace mlguard::cli

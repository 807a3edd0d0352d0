#ifndef MLGUARD_TESTS_REPORT_EXPOSITION_CHECK_HPP
#define MLGUARD_TESTS_REPORT_EXPOSITION_CHECK_HPP

// Checks an exposition with the real tools: Debian's `promtool check metrics`
// (Prometheus' own parser and linter) and prometheus_client's parsers, through
// tests/report/check_exposition.py. Each returns nothing when its tool is not
// installed, so a test can say so and skip.

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <mlguard/report/exposition.hpp>

#include "process.hpp"

namespace mlguard::test {

/// The full path of `name` on $PATH, or nothing.
inline std::optional<std::string> find_program(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

/// `promtool check metrics` on `text` (exit 0: parsed and lint-clean), or
/// nothing without promtool (Debian: prometheus).
inline std::optional<process_result> promtool_check(const std::string& text) {
  const auto promtool = find_program("promtool");
  if (!promtool) {
    return std::nullopt;
  }
  return run_process({*promtool, "check", "metrics"}, text);
}

/// One sample as prometheus_client parsed it.
struct parsed_sample {
  std::string family;
  std::string type;
  std::string name;
  std::string labels_json; ///< sorted keys, e.g. {"feature": "fare"}
  std::string value;       ///< Python's repr of the float, e.g. 3.0, inf, nan
};

/// Parses `text` with prometheus_client's parser for `format` (the strict
/// OpenMetrics one, or the text 0.0.4 one); the result's `error` holds the
/// parser's complaint. Nothing when python3-prometheus-client is missing.
struct client_parse {
  std::vector<parsed_sample> samples;
  std::string error;
};
inline std::optional<client_parse> parse_with_client(const std::string& text,
                                                     report::exposition_format format) {
  const std::string script =
      std::string(MLGUARD_TEST_FIXTURES_DIR) + "/../report/check_exposition.py";
  const auto r =
      run_process({"/usr/bin/python3", script,
                   format == report::exposition_format::openmetrics ? "openmetrics" : "text"},
                  text);
  if (r.exit_code == 77) {
    return std::nullopt;
  }
  client_parse parsed;
  if (r.exit_code != 0) {
    parsed.error = r.out + r.err;
    return parsed;
  }
  std::istringstream lines(r.out);
  std::string line;
  while (std::getline(lines, line)) {
    std::vector<std::string> fields;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, '\t')) {
      fields.push_back(cell);
    }
    REQUIRE(fields.size() == 5);
    parsed.samples.push_back({fields[0], fields[1], fields[2], fields[3], fields[4]});
  }
  return parsed;
}

/// One scrape of `registry` as "name{label=value,...,}" -> value, e.g.
/// "mlguard_requests_total{model=tips,status=ok,}" (labels in written order).
inline std::map<std::string, double> scrape_values(const report::metric_registry& registry) {
  std::map<std::string, double> values;
  for (const auto& f : registry.collect()) {
    for (const auto& s : f.samples) {
      std::string key = f.name + s.suffix + "{";
      for (const auto& [label, value] : s.labels) {
        key += label + "=" + value + ",";
      }
      values[key + "}"] = s.value;
    }
  }
  return values;
}

/// Checks `text` (one scrape in `format`) with every tool installed: promtool
/// for the text format, prometheus_client's parser for both. Returns the
/// client's samples (empty when it is missing).
inline std::vector<parsed_sample> check_exposition(const std::string& text,
                                                   report::exposition_format format) {
  if (format == report::exposition_format::prometheus_text) {
    const auto promtool = promtool_check(text);
    if (promtool) {
      CHECK_MESSAGE(promtool->exit_code == 0, "promtool: " << promtool->out << promtool->err
                                                           << "\n--- exposition:\n"
                                                           << text);
    } else {
      MESSAGE("promtool is not installed (Debian: prometheus); lint skipped");
    }
  }
  const auto parsed = parse_with_client(text, format);
  if (!parsed) {
    MESSAGE("prometheus_client is not installed (Debian: python3-prometheus-client)");
    return {};
  }
  CHECK_MESSAGE(parsed->error.empty(), parsed->error << "\n--- exposition:\n" << text);
  return parsed->samples;
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_REPORT_EXPOSITION_CHECK_HPP

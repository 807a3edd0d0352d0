// Helpers shared by the CLI tests: run the real `mlguard` executable and read its output.
#ifndef MLGUARD_TESTS_CLI_CLI_SUPPORT_HPP
#define MLGUARD_TESTS_CLI_CLI_SUPPORT_HPP

#include <sstream>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "process.hpp"

namespace mlguard::test {

/// Runs `mlguard args...` (the binary this build made) with `input` on its stdin.
inline process_result run_cli(std::vector<std::string> args, const std::string& input = "") {
  args.insert(args.begin(), MLGUARD_CLI_PATH);
  return run_process(args, input);
}

/// The number of '\n'-terminated lines in `s`.
inline int count_lines(const std::string& s) {
  int n = 0;
  for (char c : s) {
    n += c == '\n' ? 1 : 0;
  }
  return n;
}

/// Each line of `out` parsed as a JSON document (JSON-lines output).
inline std::vector<json> json_lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(parse_json(line, "stdout"));
  }
  return lines;
}

} // namespace mlguard::test

#endif // MLGUARD_TESTS_CLI_CLI_SUPPORT_HPP

// The CSV reader options every CSV-reading command shares (examples/cli/output.hpp):
// --encoding utf-8|latin-1 and --strict-csv, through the real executable.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace csv_input_test {

// Latin-1: 0xE9 is 'é'. Not UTF-8.
const char* latin1_csv = "city,n\nparis,1\ncaf\xe9,2\nlyon,3\n";

} // namespace csv_input_test

TEST_CASE(
    "mlguard profile: a Latin-1 file is refused with its place, read with --encoding latin-1") {
  const test::temp_dir dir;
  const auto data = dir.write("latin1.csv", csv_input_test::latin1_csv);
  // Before: exit 0 and a profile holding U+FFFD (or nlohmann's type_error.316).
  const auto refused = test::run_cli({"profile", data});
  CHECK(refused.exit_code == 2);
  CHECK(refused.out.empty());
  CHECK_MESSAGE(refused.err.find("[mlguard.io.invalid_utf8] " + data +
                                 ":3:4: byte 0xE9 is not valid UTF-8 in column 'city'") !=
                    std::string::npos,
                refused.err);
  CHECK(refused.err.find("--encoding latin-1") != std::string::npos);

  const auto read = test::run_cli({"profile", data, "--encoding", "latin-1"});
  REQUIRE_MESSAGE(read.exit_code == 0, read.err);
  CHECK(read.out.find("caf\xc3\xa9") != std::string::npos);
  const auto doc = parse_json(read.out, "stdout");
  CHECK(doc["features"].contains("city"));
  // The same with the names spelt another way, and an unknown one.
  CHECK(test::run_cli({"profile", data, "--encoding", "LATIN-1"}).exit_code == 0);
  const auto unknown = test::run_cli({"profile", data, "--encoding", "cp1252"});
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("--encoding") != std::string::npos);
}

TEST_CASE("every CSV-reading command takes --encoding and --strict-csv") {
  const test::temp_dir dir;
  const auto data = dir.write("latin1.csv", csv_input_test::latin1_csv);
  const auto quoted = dir.write("quote.csv", "place,n\n37°36'37.8\"N,1\nx,2\ny,3\n");
  const auto schema = dir.file("schema.json");
  REQUIRE(
      test::run_cli({"schema", "infer", data, "--encoding", "latin-1", "-o", schema}).exit_code ==
      0);
  const std::vector<std::vector<std::string>> commands{
      {"drift", data, data},
      {"monitor", "--reference", data, "--window", "2", data},
      {"profile", data},
      {"schema", "infer", data},
      {"validate", "--schema", schema, data},
  };
  for (const auto& command : commands) {
    INFO(command[0]);
    const auto refused = test::run_cli(command);
    CHECK(refused.exit_code == 2);
    CHECK(refused.err.find("mlguard.io.invalid_utf8") != std::string::npos);
    auto latin1 = command;
    latin1.insert(latin1.end(), {"--encoding", "latin-1"});
    const auto read = test::run_cli(latin1);
    CHECK_MESSAGE(read.exit_code != 2, read.err); // 0, or 1 when it finds something
  }
  // bundle create needs a fitted pipeline; its help shows the options.
  const auto help = test::run_cli({"bundle", "create", "--help"});
  CHECK(help.out.find("--encoding") != std::string::npos);
  CHECK(help.out.find("--strict-csv") != std::string::npos);
  // A quote inside an unquoted field: kept by default, refused with --strict-csv.
  const auto lenient = test::run_cli({"profile", quoted});
  CHECK_MESSAGE(lenient.exit_code == 0, lenient.err);
  CHECK(lenient.out.find("37°36'37.8\\\"N") != std::string::npos); // JSON-escaped quote
  const auto strict = test::run_cli({"profile", quoted, "--strict-csv"});
  CHECK(strict.exit_code == 2);
  CHECK(strict.err.find("[mlguard.io.csv_bad_quote] " + quoted +
                        ":2: a quote inside an "
                        "unquoted field") != std::string::npos);
}

// The CSV reader options every CSV-reading command shares (examples/cli/output.hpp):
// --encoding utf-8|latin-1, --strict-csv, --non-numbers, and its inputs: "-" for
// stdin and gzip files, through the real executable.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace csv_input_test {

// Latin-1: 0xE9 is 'é'. Not UTF-8.
const char* latin1_csv = "city,n\nparis,1\ncaf\xe9,2\nlyon,3\n";

// A mixed CSV of `rows` rows: numbers, categories, quoted text with commas
// and line breaks, empty cells; `shift` moves the numbers (a drifted month).
std::string mixed_csv(int rows, double shift) {
  std::string text = "fare,pay,note,n\r\n";
  for (int i = 0; i < rows; ++i) {
    const double fare = shift + (i % 97) * 0.731 + (i % 13) * 1e-3;
    text += std::to_string(fare) + (i % 3 == 0 ? ",card," : i % 3 == 1 ? ",cash," : ",,");
    text += i % 50 == 0 ? "\"a, \"\"quoted\"\"\nnote\"" : "plain";
    text += "," + std::to_string(i % 7) + "\r\n";
  }
  return text;
}

// Writes `path`.gz (gzip -c -n, the real tool) and returns its path.
std::string gzip_file(const std::string& path) {
  const auto result =
      test::run_process({"/bin/sh", "-c", "gzip -c -n '" + path + "' > '" + path + ".gz'"});
  REQUIRE_MESSAGE(result.exit_code == 0, result.err);
  return path + ".gz";
}

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

TEST_CASE("drift, profile and validate read .gz and stdin exactly as the plain file") {
  const test::temp_dir dir;
  const auto reference = dir.write("ref.csv", csv_input_test::mixed_csv(30000, 0));
  const auto current = dir.write("cur.csv", csv_input_test::mixed_csv(20000, 10));
  const auto reference_gz = csv_input_test::gzip_file(reference);
  const auto current_gz = csv_input_test::gzip_file(current);
  const auto reference_text = test::read_file(reference);
  const auto current_text = test::read_file(current);
  // Two members, as `cat a.gz b.gz` makes them: the header in one, the rows in the other.
  const auto split = reference_text.find('\n') + 1;
  const auto head = dir.write("head.csv", reference_text.substr(0, split));
  const auto rows = dir.write("rows.csv", reference_text.substr(split));
  const auto both = dir.file("both.csv.gz");
  REQUIRE(test::run_process({"/bin/sh", "-c",
                             "cat '" + csv_input_test::gzip_file(head) + "' '" +
                                 csv_input_test::gzip_file(rows) + "' > '" + both + "'"})
              .exit_code == 0);
  const auto schema = dir.file("schema.json");
  REQUIRE(test::run_cli({"schema", "infer", reference, "-o", schema}).exit_code == 0);

  struct variant {
    std::vector<std::string> args;
    std::string input;
  };
  const std::vector<std::pair<std::vector<std::string>, std::vector<variant>>> cases{
      {{"drift", reference, current, "--format", "json"},
       {{{"drift", reference_gz, current_gz, "--format", "json"}, ""},
        {{"drift", "-", current, "--format", "json"}, reference_text},
        {{"drift", reference, "-", "--format", "json"}, current_text},
        {{"drift", both, current_gz, "--format", "json"}, ""}}},
      {{"drift", reference, current}, {{{"drift", reference_gz, "-"}, current_text}}},
      {{"profile", reference},
       {{{"profile", reference_gz}, ""},
        {{"profile", "-"}, reference_text},
        {{"profile", both}, ""}}},
      {{"validate", "--schema", schema, current, "--format", "json"},
       {{{"validate", "--schema", schema, current_gz, "--format", "json"}, ""},
        {{"validate", "--schema", schema, "-", "--format", "json"}, current_text}}},
  };
  for (const auto& one : cases) {
    const auto& plain_args = one.first;
    const auto& variants = one.second;
    const auto plain = test::run_cli(plain_args);
    INFO(plain_args[0]);
    REQUIRE_MESSAGE(plain.exit_code != 2, plain.err);
    CHECK(plain.out.size() > 100);
    for (const auto& v : variants) {
      INFO(v.args[1]);
      const auto other = test::run_cli(v.args, v.input);
      CHECK_MESSAGE(other.exit_code == plain.exit_code, other.err);
      CHECK(other.out == plain.out); // byte for byte
    }
  }
  // The drifted column is found either way.
  CHECK(test::run_cli({"drift", reference_gz, current_gz, "--columns", "fare"}).exit_code == 1);
  CHECK(test::run_cli({"drift", reference, current, "--columns", "fare"}).exit_code == 1);
}

TEST_CASE("a truncated .gz, two stdins and a stray text cell are exit 2 with their place") {
  const test::temp_dir dir;
  const auto data = dir.write("d.csv", csv_input_test::mixed_csv(5000, 0));
  const auto gz = test::read_file(csv_input_test::gzip_file(data));
  const auto cut = dir.write("cut.csv.gz", gz.substr(0, gz.size() / 2));
  const auto truncated = test::run_cli({"profile", cut});
  CHECK(truncated.exit_code == 2);
  CHECK_MESSAGE(truncated.err.find("[mlguard.io.gzip_truncated] " + cut +
                                   ": the gzip data ends early") != std::string::npos,
                truncated.err);
  // A corrupt stream on stdin.
  std::string damaged = gz;
  damaged[gz.size() / 2] = static_cast<char>(damaged[gz.size() / 2] ^ 0x55);
  const auto corrupt = test::run_cli({"profile", "-"}, damaged);
  CHECK(corrupt.exit_code == 2);
  CHECK(corrupt.err.find("[mlguard.io.gzip_corrupt] <stdin>: ") != std::string::npos);

  const auto twice = test::run_cli({"drift", "-", "-"}, "x\n1\n");
  CHECK(twice.exit_code == 2);
  CHECK(twice.err.find("standard input ('-') can be read once") != std::string::npos);

  // A number column with text far down: its place, not a later "categorical".
  std::string text = "fare,id\n";
  for (int i = 0; i < 70000; ++i) {
    text += "2.5," + std::to_string(i) + "\n";
  }
  text += "N/A,70000\n";
  const auto stray = dir.write("stray.csv", text);
  const auto refused = test::run_cli({"drift", stray, stray});
  CHECK(refused.exit_code == 2);
  CHECK_MESSAGE(refused.err.find("[mlguard.io.csv_not_a_number] " + stray +
                                 ":70002:1: 'N/A' in column 'fare' is not a number") !=
                    std::string::npos,
                refused.err);
  const auto lenient = test::run_cli({"drift", stray, stray, "--non-numbers", "missing"});
  CHECK_MESSAGE(lenient.exit_code == 0, lenient.err);
  CHECK(lenient.err.find("mlguard: note: " + stray +
                         ": column 'fare': 1 text cells read as missing, the first 'N/A' at "
                         "line 70002, column 1") != std::string::npos);
}

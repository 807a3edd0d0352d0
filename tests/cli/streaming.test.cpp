// `mlguard profile`, `validate` and `monitor` read their input in chunks
// (--chunk-rows): the result does not depend on where the chunks end.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace streaming_test {

// x normal (some missing), k small integers, c a category whose first
// appearance moves around (each chunk's vocabulary has its own order), with
// a shift of x and a new category after row `shift_after`.
std::string stream_csv(std::size_t n, std::uint64_t seed, std::size_t shift_after) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::poisson_distribution<int> poisson(4.0);
  const char* cats[] = {"north", "south", "east", "west"};
  std::string out = "x,k,c\n";
  char line[96];
  for (std::size_t i = 0; i < n; ++i) {
    const double x = normal(rng) + (i >= shift_after ? 1.5 : 0.0);
    const int k = poisson(rng);
    const char* c = i >= shift_after && i % 7 == 0 ? "centre" : cats[rng() % 4];
    if (i % 41 == 5) {
      std::snprintf(line, sizeof line, ",%d,%s\n", k, c);
    } else {
      std::snprintf(line, sizeof line, "%.17g,%d,%s\n", x, k, c);
    }
    out += line;
  }
  return out;
}

std::vector<std::string> with(std::vector<std::string> args, const std::string& rows) {
  args.push_back("--chunk-rows");
  args.push_back(rows);
  return args;
}

} // namespace streaming_test

using namespace streaming_test;

TEST_CASE("mlguard profile: the same document whatever the chunk size") {
  const test::temp_dir dir;
  const auto data = dir.write("data.csv", stream_csv(20000, 1, 1u << 30));
  const auto whole = test::run_cli({"profile", data});
  REQUIRE_MESSAGE(whole.exit_code == 0, whole.err);
  // Chunks of a multiple of 1024 rows: byte for byte.
  for (const char* rows : {"1024", "4096"}) {
    CAPTURE(rows);
    const auto r = test::run_cli(with({"profile", data}, rows));
    CHECK(r.exit_code == 0);
    CHECK(r.out == whole.out);
  }
  // Any size: the same counts, extremes and sketches; moments to rounding.
  const auto expected = parse_json(whole.out, "whole");
  for (const char* rows : {"1", "999"}) {
    CAPTURE(rows);
    const auto r = test::run_cli(with({"profile", data}, rows));
    REQUIRE(r.exit_code == 0);
    auto got = parse_json(r.out, "chunked");
    CHECK(got["rows"] == expected["rows"]);
    for (const char* name : {"x", "k", "c"}) {
      CAPTURE(name);
      auto g = got["features"][name];
      auto e = expected["features"][name];
      if (e.contains("mean")) {
        CHECK(std::abs(g["mean"].get<double>() - e["mean"].get<double>()) <=
              1e-12 * std::abs(e["mean"].get<double>()));
        CHECK(std::abs(g["m2"].get<double>() - e["m2"].get<double>()) <=
              1e-12 * e["m2"].get<double>());
        g.erase("mean");
        g.erase("m2");
        e.erase("mean");
        e.erase("m2");
      }
      CHECK(g.dump() == e.dump());
    }
  }
}

TEST_CASE("mlguard validate: the same report, JSON and HTML, whatever the chunk size") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", stream_csv(3000, 2, 1u << 30));
  const auto serve = dir.write("serve.csv", stream_csv(5000, 3, 2500));
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("s.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"profile", train, "-o", dir.file("p.json")}).exit_code == 0);
  for (const char* format : {"json", "html", "text"}) {
    CAPTURE(format);
    const std::vector<std::string> args = {"validate",
                                           "--schema",
                                           dir.file("s.json"),
                                           "--reference-profile",
                                           dir.file("p.json"),
                                           "--max-rows",
                                           "7",
                                           "--format",
                                           format,
                                           serve};
    const auto whole = test::run_cli(args);
    CHECK(whole.exit_code == 1); // the shift and the new category are errors
    CHECK(whole.out.find("ENUM_TYPE_UNEXPECTED_STRING_VALUES") != std::string::npos);
    for (const char* rows : {"1", "333", "4999"}) {
      CAPTURE(rows);
      const auto r = test::run_cli(with(args, rows));
      CHECK(r.exit_code == whole.exit_code);
      CHECK(r.out == whole.out);
    }
  }
}

TEST_CASE("mlguard validate: NYC taxi February against January, in chunks") {
  const auto data = test::shared_data_dir();
  if (!data) {
    return;
  }
  const test::temp_dir dir;
  const auto jan = *data + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv";
  const auto feb = *data + "/nyc-taxi/yellow_tripdata_sample_2019-02.csv";
  REQUIRE(test::run_cli({"schema", "infer", jan, "-o", dir.file("s.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"profile", jan, "-o", dir.file("p.json")}).exit_code == 0);
  for (const char* format : {"json", "html"}) {
    const std::vector<std::string> args = {"validate",
                                           "--schema",
                                           dir.file("s.json"),
                                           "--reference-profile",
                                           dir.file("p.json"),
                                           "--format",
                                           format,
                                           feb};
    const auto whole = test::run_cli(args);
    CHECK(whole.exit_code == 1);
    const auto chunked = test::run_cli(with(args, "997"));
    CHECK(chunked.exit_code == 1);
    CHECK(chunked.out == whole.out);
  }
}

TEST_CASE("mlguard monitor: the same windows whatever the chunk size, written as they close") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", stream_csv(4000, 4, 1u << 30));
  const auto stream = dir.write("stream.csv", stream_csv(5300, 5, 3000));
  REQUIRE(test::run_cli({"profile", ref, "-o", dir.file("p.json")}).exit_code == 0);
  for (const auto& reference : {ref, dir.file("p.json")}) {
    for (const char* format : {"text", "json"}) {
      CAPTURE(reference);
      CAPTURE(format);
      const std::vector<std::string> args = {"monitor",  "--reference", reference,
                                             "--window", "500",         "--partial",
                                             "--format", format,        stream};
      const auto whole = test::run_cli(args);
      CHECK(whole.exit_code == 1); // windows after row 3000 drift
      CHECK(test::count_lines(whole.out) == 11);
      for (const char* rows : {"1", "333", "5300"}) {
        CAPTURE(rows);
        const auto r = test::run_cli(with(args, rows));
        CHECK(r.exit_code == 1);
        CHECK(r.out == whole.out);
      }
      // -o: the same lines in the file, nothing on stdout.
      auto to_file = with(args, "700");
      to_file.push_back("-o");
      to_file.push_back(dir.file("windows.out"));
      const auto r = test::run_cli(to_file);
      CHECK(r.exit_code == 1);
      CHECK(r.out.empty());
      CHECK(test::read_file(dir.file("windows.out")) == whole.out);
    }
  }
}

TEST_CASE("mlguard monitor: an error deep in the stream leaves -o FILE as it was") {
  const test::temp_dir dir;
  const auto ref = dir.write("ref.csv", stream_csv(2000, 6, 1u << 30));
  std::string text = stream_csv(3000, 7, 1u << 30);
  // Row 2500 (line 2501 of the file): a text cell in the numeric column x.
  std::size_t at = 0;
  for (int line = 0; line < 2501; ++line) {
    at = text.find('\n', at) + 1;
  }
  text.insert(at, "oops");
  const auto stream = dir.write("stream.csv", text);
  const auto out = dir.write("windows.out", "old content\n");
  const auto r = test::run_cli({"monitor", "--reference", ref, "--window", "500", "--chunk-rows",
                                "1000", "-o", out, stream});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("stream.csv:2502") != std::string::npos); // its line (after the header)
  CHECK(test::read_file(out) == "old content\n");
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path)) {
    (void)entry;
    ++files;
  }
  CHECK(files == 3); // ref, stream, windows.out: no temporary left behind
  // To stdout, the windows before the error were already written.
  const auto printed = test::run_cli(
      {"monitor", "--reference", ref, "--window", "500", "--chunk-rows", "1000", stream});
  CHECK(printed.exit_code == 2);
  CHECK(test::count_lines(printed.out) == 4);
}

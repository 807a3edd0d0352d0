// `mlguard profile`, `mlguard schema infer` and `mlguard validate` end to end:
// the real executable, real files.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/validate/schema.hpp"
#include "mlguard/validate/validation_report.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::profile;

namespace {

const char* train_csv = "x,n,c\n1.5,1,a\n2.5,2,b\n3.5,3,a\n4.5,4,b\n";

} // namespace

TEST_CASE("mlguard schema infer, then validate: clean data exits 0") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  const auto r = test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto s = validate::schema::parse(test::read_file(dir.file("schema.json")), "schema.json");
  REQUIRE(s.size() == 3);
  CHECK(s[1].kind == validate::feature_kind::integer);
  CHECK(s[2].vocabulary == std::vector<std::string>{"a", "b"});
  const auto ok = test::run_cli({"validate", "--schema", dir.file("schema.json"), train});
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(ok.out.find("pass") != std::string::npos);
  CHECK(ok.out.rfind("no anomalies\n", 0) == 0);
  // Printing to stdout works too.
  const auto out = test::run_cli({"schema", "infer", train});
  REQUIRE(out.exit_code == 0);
  CHECK(parse_json(out.out, "stdout")["format"].get<std::string>() == "mlguard.schema");
}

TEST_CASE("mlguard validate: error anomalies exit 1 with the documented JSON") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")}).exit_code == 0);
  const auto bad = dir.write("serve.csv", "x,n,c,new\n9.5,1,a,1\n2.0,2.5,zz,1\ntext,3,,1\n");
  const auto r =
      test::run_cli({"validate", "--schema", dir.file("schema.json"), bad, "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = parse_json(r.out, "stdout");
  CHECK(doc["format"] == "mlguard.validation_report");
  CHECK(doc["verdict"] == "error");
  CHECK(doc["rows"] == 3);
  auto find = [&](const std::string& feature, const std::string& kind) -> json {
    for (const auto& f : doc["features"]) {
      if (f["name"] == feature) {
        for (const auto& a : f["anomalies"]) {
          if (a["kind"] == kind) {
            return a;
          }
        }
      }
    }
    return json();
  };
  const auto big = find("x", "FLOAT_TYPE_BIG_FLOAT");
  REQUIRE(big.is_object());
  CHECK(big["count"] == 1);
  CHECK(big["rows"] == json::array({1})); // 1-based data rows
  CHECK(big["severity"] == "error");
  CHECK(big["rate"].get<double>() == doctest::Approx(1.0 / 3.0));
  CHECK(find("x", "FLOAT_TYPE_STRING_NOT_FLOAT")["rows"] == json::array({3}));
  CHECK(find("n", "INT_TYPE_NOT_INT_STRING")["rows"] == json::array({2}));
  CHECK(find("c", "ENUM_TYPE_UNEXPECTED_STRING_VALUES")["rows"] == json::array({2}));
  CHECK(find("c", "FEATURE_TYPE_LOW_FRACTION_PRESENT")["rows"] == json::array({3}));
  CHECK(find("new", "SCHEMA_NEW_COLUMN")["severity"] == "warning");
}

TEST_CASE("mlguard validate: warnings only exit 0") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")}).exit_code == 0);
  const auto extra = dir.write("serve.csv", "x,n,c,new\n2.5,2,a,1\n");
  const auto r = test::run_cli({"validate", "--schema", dir.file("schema.json"), extra});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("SCHEMA_NEW_COLUMN") != std::string::npos);
  CHECK(r.out.find("warning") != std::string::npos);
}

TEST_CASE("mlguard profile, profile merge and validate --reference-profile") {
  const test::temp_dir dir;
  const auto a = dir.write("a.csv", "x,c\n1,a\n2,a\n3,b\n");
  const auto b = dir.write("b.csv", "x,c\n4,b\n5,b\n6,b\n");
  const auto both = dir.write("ab.csv", "x,c\n1,a\n2,a\n3,b\n4,b\n5,b\n6,b\n");
  REQUIRE(test::run_cli({"profile", a, "-o", dir.file("a.json")}).exit_code == 0);
  REQUIRE(test::run_cli({"profile", b, "-o", dir.file("b.json")}).exit_code == 0);
  const auto m = test::run_cli(
      {"profile", "merge", dir.file("a.json"), dir.file("b.json"), "-o", dir.file("m.json")});
  REQUIRE_MESSAGE(m.exit_code == 0, m.err);
  const auto merged = dataset_profile::parse(test::read_file(dir.file("m.json")), "m.json");
  CHECK(merged.rows() == 6);
  CHECK(merged.at("x").max() == 6.0);
  CHECK(merged.at("c").frequencies().estimate(std::string("b")) == 4);
  const auto stdout_profile = test::run_cli({"profile", both});
  REQUIRE(stdout_profile.exit_code == 0);
  CHECK(dataset_profile::parse(stdout_profile.out, "stdout").at("x").mean() == 3.5);

  // Skew: the schema from a.csv, the serving data b.csv, the reference a's profile.
  REQUIRE(test::run_cli({"schema", "infer", a, "-o", dir.file("schema.json")}).exit_code == 0);
  const auto r = test::run_cli({"validate", "--schema", dir.file("schema.json"), b,
                                "--reference-profile", dir.file("a.json"), "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = parse_json(r.out, "stdout");
  const auto& c = doc["features"][1];
  REQUIRE(c["name"] == "c");
  bool linf = false;
  for (const auto& an : c["anomalies"]) {
    if (an["kind"] == "COMPARATOR_L_INFTY_HIGH") {
      linf = true;
      CHECK(an["value"].get<double>() == doctest::Approx(2.0 / 3.0)); // |2/3 - 0| for 'a'
      CHECK(an["threshold"].get<double>() == 0.1);
    }
  }
  CHECK(linf);
  CHECK(c["skew"]["measurements"].size() == 4);
}

TEST_CASE("mlguard profile/schema/validate: bad input exits 2 with one stderr line") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")}).exit_code == 0);
  const auto schema_text = test::read_file(dir.file("schema.json"));
  struct bad_case {
    std::vector<std::string> args;
    std::string id;
  };
  const auto empty = dir.write("empty.csv", "");
  const auto header_only = dir.write("header.csv", "x,n,c\n");
  const auto unknown =
      dir.write("unknown.json", R"({"format": "mlguard.schema", "format_version": 1, "features": [],
        "extra": true})");
  const auto newer = dir.write(
      "newer.json", R"({"format": "mlguard.schema", "format_version": 99, "features": []})");
  const auto truncated = dir.write("truncated.json", schema_text.substr(0, schema_text.size() / 2));
  const auto garbage = dir.write("garbage.json", std::string("\x7f\x45\x4c\x46\x02\x01", 6));
  const auto bad_profile =
      dir.write("profile.json", R"({"format": "profile", "format_version": 1, "rows": 0,
        "options": {}, "columns": [], "features": {}, "colour": 1})");
  const std::vector<bad_case> cases{
      {{"schema", "infer", empty}, "mlguard.io.csv_empty"},
      {{"schema", "infer", header_only}, "mlguard.validate.empty_data"},
      {{"schema", "infer", dir.file("nope.csv")}, "mlguard.io.open_failed"},
      {{"validate", "--schema", unknown, train}, "mlguard.format.unknown_field"},
      {{"validate", "--schema", newer, train}, "mlguard.format.newer_version"},
      {{"validate", "--schema", truncated, train}, "mlguard.format.corrupt"},
      {{"validate", "--schema", garbage, train}, "mlguard.format.corrupt"},
      {{"validate", "--schema", dir.file("schema.json"), header_only},
       "mlguard.validate.empty_data"},
      {{"validate", "--schema", dir.file("schema.json"), train, "--reference-profile", bad_profile},
       "mlguard.format.unknown_field"},
      {{"profile", "merge", bad_profile, "-o", dir.file("m.json")}, "mlguard.format.unknown_field"},
      {{"profile", "merge", truncated, "-o", dir.file("m.json")}, "mlguard.format.corrupt"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args.back());
    const auto r = test::run_cli(c.args);
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK_MESSAGE(r.err.find("[" + c.id + "]") != std::string::npos, r.err);
  }
  const auto usage = test::run_cli({"validate", train});
  CHECK(usage.exit_code == 2);
  CHECK(test::count_lines(usage.err) == 1);
  const auto no_data = test::run_cli({"profile"});
  CHECK(no_data.exit_code == 2);
}

TEST_CASE("mlguard CLI on NYC taxi: January's schema passes January, fails February") {
  const auto data = test::shared_data_dir();
  if (!data) {
    return;
  }
  const test::temp_dir dir;
  const auto jan = *data + "/nyc-taxi/yellow_tripdata_sample_2019-01.csv";
  const auto feb = *data + "/nyc-taxi/yellow_tripdata_sample_2019-02.csv";
  REQUIRE(test::run_cli({"schema", "infer", jan, "-o", dir.file("schema.json")}).exit_code == 0);
  CHECK(test::run_cli({"validate", "--schema", dir.file("schema.json"), jan}).exit_code == 0);
  const auto r =
      test::run_cli({"validate", "--schema", dir.file("schema.json"), feb, "--format", "json"});
  CHECK(r.exit_code == 1);
  const auto doc = parse_json(r.out, "stdout");
  bool flagged = false;
  for (const auto& f : doc["features"]) {
    if (f["name"] == "congestion_surcharge") {
      for (const auto& a : f["anomalies"]) {
        flagged = flagged || (a["kind"] == "INT_TYPE_BIG_INT" && a["count"] == 8727);
      }
    }
  }
  CHECK(flagged);
}

TEST_CASE("mlguard profile and schema infer: --format text is a summary, json the document") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  const auto json_profile = test::run_cli({"profile", train});
  REQUIRE_MESSAGE(json_profile.exit_code == 0, json_profile.err);
  CHECK(parse_json(json_profile.out, "stdout")["format"].get<std::string>() == "mlguard.profile");

  const auto text = test::run_cli({"profile", train, "--format", "text"});
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  CHECK(text.out.rfind("feature", 0) == 0); // the table's header
  CHECK(text.out.find("\nx ") != std::string::npos);
  CHECK(text.out.find("numeric") != std::string::npos);
  CHECK(text.out.find("categorical") != std::string::npos);
  CHECK(text.out.find("4 rows, 3 features") != std::string::npos);
  CHECK(text.out.find("\"format\"") == std::string::npos); // not JSON

  const auto schema_text = test::run_cli({"schema", "infer", train, "--format", "text"});
  REQUIRE_MESSAGE(schema_text.exit_code == 0, schema_text.err);
  CHECK(schema_text.out.find("integer") != std::string::npos);
  CHECK(schema_text.out.find("2: a,b") != std::string::npos); // c's vocabulary
  CHECK(schema_text.out.find("3 features") != std::string::npos);

  // -o with --format text writes the summary to the file, nothing to stdout.
  const auto to_file =
      test::run_cli({"schema", "infer", train, "--format", "text", "-o", dir.file("s.txt")});
  REQUIRE(to_file.exit_code == 0);
  CHECK(to_file.out.empty());
  CHECK(test::read_file(dir.file("s.txt")) == schema_text.out);

  // profile merge without -o writes the merged document to stdout.
  REQUIRE(test::run_cli({"profile", train, "-o", dir.file("p.json")}).exit_code == 0);
  const auto merged = test::run_cli({"profile", "merge", dir.file("p.json"), dir.file("p.json")});
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(dataset_profile::parse(merged.out, "stdout").rows() == 8);
  const auto merged_text = test::run_cli(
      {"profile", "merge", dir.file("p.json"), dir.file("p.json"), "--format", "text"});
  CHECK(merged_text.out.find("8 rows, 3 features") != std::string::npos);
}

TEST_CASE("mlguard validate: -o writes the report, the exit code still says what was found") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", train_csv);
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", dir.file("schema.json")}).exit_code == 0);
  const auto bad = dir.write("serve.csv", "x,n,c\n99.5,1,a\n");
  const auto r = test::run_cli({"validate", "--schema", dir.file("schema.json"), bad, "--format",
                                "json", "-o", dir.file("report.json")});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  const auto report = validate::validation_report::load(dir.file("report.json"));
  CHECK(report.outcome == validate::verdict::error);
  CHECK(report.find("x", validate::anomaly_kind::float_type_big_float) != nullptr);

  const auto text = test::run_cli(
      {"validate", "--schema", dir.file("schema.json"), bad, "-o", dir.file("report.txt")});
  CHECK(text.exit_code == 1);
  const auto written = test::read_file(dir.file("report.txt"));
  CHECK(written.find("FLOAT_TYPE_BIG_FLOAT") != std::string::npos);
  CHECK(written.find("1 rows, 1 errors, 0 warnings: error") != std::string::npos);

  // A profile written by mlguard 0.1 still serves as a reference.
  const auto old = test::fixture_path("profile/profile_mlguard_0.1.json");
  const auto with_old = test::run_cli({"validate", "--schema", dir.file("schema.json"), train,
                                       "--reference-profile", old, "--format", "json"});
  CHECK_MESSAGE(with_old.exit_code != 2, with_old.err);
}

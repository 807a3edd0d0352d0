// `mlguard schema infer` options and warnings, and `mlguard schema set`, end
// to end: the real executable, real files.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/validate/schema.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace cli_schema_test {

const char* train_csv = "fare,n,c,empty\n1.5,0,a,\n7.5,4,b,\n4.0,2,a,\n";

validate::schema read_schema(const std::string& path) {
  return validate::schema::parse(test::read_file(path), path);
}

} // namespace cli_schema_test

TEST_CASE("mlguard schema infer: --numeric-as-float, --policy, --feature, warnings on stderr") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", cli_schema_test::train_csv);
  const auto out = dir.file("schema.json");
  // --feature takes one setting each time, so DATA.csv may follow it.
  const auto r = test::run_cli({"schema", "infer", "--feature", "fare:margin=0.5", "--feature",
                                "n:severity=warning", train, "--feature", "c:domain=false",
                                "--numeric-as-float", "--policy", "clip", "-o", out});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.empty());
  // Warnings, one line each, in column order: clip cannot apply to a
  // category; the empty column is a presence-only feature.
  CHECK(test::count_lines(r.err) == 2);
  CHECK(r.err.find("mlguard: warning: feature 'c': policy clip cannot apply") == 0);
  CHECK(r.err.find("\nmlguard: warning: feature 'empty': no value in the training data") !=
        std::string::npos);
  const auto s = cli_schema_test::read_schema(out);
  REQUIRE(s.size() == 4);
  CHECK(*s[0].min == 1.5 - 0.5 * 6.0);
  CHECK(s[0].action == validate::row_action::clip);
  CHECK(s[1].kind == validate::feature_kind::numeric); // --numeric-as-float
  CHECK(s[1].level == validate::severity::warning);
  CHECK(s[2].vocabulary.empty());                   // c:domain=false
  CHECK(s[2].action == validate::row_action::flag); // clip cannot apply to a category
  CHECK(s[3].kind == validate::feature_kind::categorical);
  CHECK(s[3].max_missing_fraction == 1.0);

  const auto text = test::run_cli({"schema", "infer", train, "--format", "text"});
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("severity") != std::string::npos);
  // The schema validates its own training data.
  const auto v = test::run_cli({"validate", "--schema", out, train});
  CHECK_MESSAGE(v.exit_code == 0, v.out);
}

TEST_CASE("mlguard schema infer: bad per-feature settings exit 2 with one line") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", cli_schema_test::train_csv);
  struct bad_case {
    std::vector<std::string> args;
    std::string id;
  };
  const std::vector<bad_case> cases{
      {{"--feature", "nope:margin=0.1"}, "mlguard.validate.unknown_feature"},
      {{"--feature", "fare:margin=-1"}, "mlguard.validate.invalid_setting"},
      {{"--feature", "fare:colour=red"}, "mlguard.validate.invalid_setting"},
      {{"--feature", "fare:domain=maybe"}, "mlguard.validate.invalid_setting"},
      {{"--feature", "fare-margin=1"}, "mlguard.validate.invalid_setting"},
  };
  for (const auto& c : cases) {
    auto args = std::vector<std::string>{"schema", "infer", train};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CAPTURE(c.args.back());
    const auto r = test::run_cli(args);
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK_MESSAGE(r.err.find("[" + c.id + "]") != std::string::npos, r.err);
  }
  const auto policy = test::run_cli({"schema", "infer", train, "--policy", "drop"});
  CHECK(policy.exit_code == 2);
}

TEST_CASE("mlguard schema set: edits one feature in place or to -o, and keeps the format") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", cli_schema_test::train_csv);
  const auto path = dir.file("schema.json");
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", path}).exit_code == 0);
  const auto original = test::read_file(path);

  // A no-op edit rewrites the very same bytes: infer's formatting is kept.
  const auto same = test::run_cli({"schema", "set", path, "fare", "severity=default"});
  REQUIRE_MESSAGE(same.exit_code == 0, same.err);
  CHECK(same.out.empty());
  CHECK(test::read_file(path) == original);

  // Serving data with a fraction in `n` and a fare above the training range.
  const auto later = dir.write("later.csv", "fare,n,c,empty\n9.5,2.5,a,x\n");
  CHECK(test::run_cli({"validate", "--schema", path, later}).exit_code == 1);
  const auto r = test::run_cli({"schema", "set", path, "n", "kind=numeric", "severity=warning"});
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto e = test::run_cli({"schema", "set", path, "fare", "max=10", "policy=clip"});
  REQUIRE_MESSAGE(e.exit_code == 0, e.err);
  auto s = cli_schema_test::read_schema(path);
  CHECK(s[1].kind == validate::feature_kind::numeric);
  CHECK(s[1].level == validate::severity::warning);
  CHECK(*s[0].max == 10.0);
  CHECK(s[0].action == validate::row_action::clip);
  CHECK(test::run_cli({"validate", "--schema", path, later}).exit_code == 0);

  // -o writes elsewhere and leaves SCHEMA as it was.
  const auto before = test::read_file(path);
  const auto other = dir.file("other.json");
  const auto o = test::run_cli(
      {"schema", "set", path, "c", "required=false", "max_missing_fraction=0.5", "-o", other});
  REQUIRE_MESSAGE(o.exit_code == 0, o.err);
  CHECK(test::read_file(path) == before);
  s = cli_schema_test::read_schema(other);
  CHECK_FALSE(s[2].required);
  CHECK(s[2].max_missing_fraction == 0.5);
}

TEST_CASE("mlguard schema set: unknown keys, bad values, unknown features exit 2, file untouched") {
  const test::temp_dir dir;
  const auto train = dir.write("train.csv", cli_schema_test::train_csv);
  const auto path = dir.file("schema.json");
  REQUIRE(test::run_cli({"schema", "infer", train, "-o", path}).exit_code == 0);
  const auto original = test::read_file(path);
  struct bad_case {
    std::vector<std::string> args;
    std::string id;
  };
  const std::vector<bad_case> cases{
      {{path, "tip", "max=3"}, "mlguard.validate.unknown_feature"},
      {{path, "fare", "colour=red"}, "mlguard.validate.invalid_setting"},
      {{path, "fare", "max=lots"}, "mlguard.validate.invalid_setting"},
      {{path, "fare", "max=1e999"}, "mlguard.validate.invalid_setting"},
      {{path, "fare", "severity=fatal"}, "mlguard.validate.invalid_setting"},
      {{path, "fare", "max"}, "mlguard.validate.invalid_setting"},
      {{path, "fare", "min=9", "max=2"}, "mlguard.validate.invalid_spec"},
      {{path, "c", "min=0"}, "mlguard.validate.invalid_spec"},
      {{dir.file("nope.json"), "fare", "max=3"}, "mlguard.io.open_failed"},
      {{train, "fare", "max=3"}, "mlguard.format.corrupt"},
  };
  for (const auto& c : cases) {
    auto args = std::vector<std::string>{"schema", "set"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    CAPTURE(c.args.back());
    const auto r = test::run_cli(args);
    CHECK(r.exit_code == 2);
    CHECK(test::count_lines(r.err) == 1);
    CHECK_MESSAGE(r.err.find("[" + c.id + "]") != std::string::npos, r.err);
  }
  CHECK(test::read_file(path) == original);
  const auto unknown = test::run_cli({"schema", "set", path, "tip", "max=3"});
  CHECK(unknown.err.find("features: fare, n, c, empty") != std::string::npos);
  // No setting at all is a usage error too.
  CHECK(test::run_cli({"schema", "set", path, "fare"}).exit_code == 2);
}

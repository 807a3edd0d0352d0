#include "mlguard/core/json.hpp"

#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;

namespace {
constexpr document_format schema_v2{"mlguard.schema", 2, "schema"};

// The message of the format_error `f` throws, or "no error".
template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const format_error& e) {
    return e.what();
  }
  return "no error";
}

std::vector<std::string> files_in(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  REQUIRE(d != nullptr);
  while (const dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") {
      out.push_back(name);
    }
  }
  ::closedir(d);
  return out;
}
} // namespace

TEST_CASE("json_number: finite doubles round-trip bit for bit, NaN is null, infinities strings") {
  std::mt19937_64 gen(11);
  for (int i = 0; i < 20000; ++i) {
    double x = 0;
    const std::uint64_t bits = gen();
    std::memcpy(&x, &bits, sizeof x);
    if (!std::isfinite(x)) {
      continue;
    }
    const json back = json::parse(json_number(x).dump());
    double y = 0;
    REQUIRE(read_json_number(back, y));
    CHECK(std::memcmp(&x, &y, sizeof x) == 0);
  }
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(json_number(std::nan("")).is_null());
  CHECK(json_number(inf) == "inf");
  CHECK(json_number(-inf) == "-inf");
  CHECK(json_number(std::optional<double>()).is_null());
  CHECK(json_numbers({1.5, -inf}) == json::parse(R"([1.5, "-inf"])"));
  double v = 0;
  CHECK(read_json_number(json(nullptr), v));
  CHECK(std::isnan(v));
  CHECK(read_json_number(json("-inf"), v));
  CHECK(v == -inf);
  CHECK(read_json_number(json("nan"), v)); // what pipeline documents of mlguard 0.1 wrote
  CHECK(std::isnan(v));
  v = 7;
  CHECK_FALSE(read_json_number(json("NaN"), v));
  CHECK_FALSE(read_json_number(json(true), v));
  CHECK_FALSE(read_json_number(json::array(), v));
  CHECK(v == 7);
}

TEST_CASE("parse_json: corrupt and truncated text is a format error naming the source") {
  CHECK(parse_json(R"({"a": 1})", "x.json")["a"] == 1);
  MLGUARD_CHECK_THROWS_ID(parse_json(R"({"a": )", "x.json"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(parse_json("", "x.json"), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(parse_json("\x01\xff garbage", "x.json"), "mlguard.format.corrupt");
  try {
    parse_json("[1, 2", "models/churn.json");
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(e.message().find("models/churn.json") == 0);
  }
}

TEST_CASE("dump_json: a string that is not UTF-8 is an mlguard error naming its place") {
  // Replacing the bytes (U+FFFD) would write a document that does not read
  // back as it was; nlohmann's own type_error.316 must not escape either.
  CHECK(dump_json(json{{"a", 1}}, 2) == "{\n  \"a\": 1\n}");
  CHECK(dump_json(json("caf\xc3\xa9")) == "\"caf\xc3\xa9\"");
  constexpr document_format kind{"mlguard.example", 1};
  json doc = new_document(kind);
  doc["cities"] = json::array({"paris", "caf\xe9"});
  try {
    (void)dump_json(doc);
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.invalid_utf8");
    CHECK(std::string(e.message()) ==
          "a \"mlguard.example\" document: /cities/1: \"caf\\xE9\" is not UTF-8, which JSON text "
          "must be (decode Latin-1 text first, as read_csv does with csv_encoding::latin1)");
  }
  // A key, escaped as a JSON pointer token ('/' is "~1"); a bare value.
  json keyed = json::object();
  keyed["ok"] = 1;
  keyed["a/b\xff"] = 2;
  try {
    (void)dump_json(keyed);
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(
        std::string(e.message()).rfind("a JSON value: /a~1b\\xFF: \"a/b\\xFF\" is not UTF-8", 0) ==
        0);
  }
  MLGUARD_CHECK_THROWS_ID(dump_json(json("\xc0\xaf")), "mlguard.format.invalid_utf8");
  // save_json names the file and writes nothing.
  test::temp_dir dir;
  const auto path = dir.file("d.json");
  try {
    save_json(path, doc);
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.invalid_utf8");
    CHECK(std::string(e.message()).rfind(path + ": /cities/1: ", 0) == 0);
  }
  struct stat st {};
  CHECK(::stat(path.c_str(), &st) != 0);
}

TEST_CASE("check_format: kind, legacy kind and format_version are checked") {
  CHECK(check_format(json{{"format", "mlguard.schema"}, {"format_version", 1}}, schema_v2,
                     "s.json") == 1);
  CHECK(check_format(json{{"format", "schema"}, {"format_version", 2}}, schema_v2, "s.json") == 2);
  const std::vector<std::pair<json, std::string>> bad = {
      {json::array(), "mlguard.format.corrupt"},
      {json{{"format_version", 1}}, "mlguard.format.corrupt"},
      {json{{"format", "mlguard.schema"}}, "mlguard.format.corrupt"},
      {json{{"format", "mlguard.schema"}, {"format_version", "1"}}, "mlguard.format.corrupt"},
      {json{{"format", "mlguard.schema"}, {"format_version", 0}}, "mlguard.format.corrupt"},
      {json{{"format", "mlguard.profile"}, {"format_version", 1}}, "mlguard.format.wrong_kind"},
      {json{{"format", "mlguard.schema"}, {"format_version", 3}}, "mlguard.format.newer_version"},
  };
  for (const auto& entry : bad) {
    const json& doc = entry.first; // not a structured binding: clang 14 cannot capture those
    const std::string& id = entry.second;
    CAPTURE(doc.dump());
    MLGUARD_CHECK_THROWS_ID(check_format(doc, schema_v2, "s.json"), id);
  }
  CHECK(new_document(schema_v2) == json{{"format", "mlguard.schema"}, {"format_version", 2}});
}

TEST_CASE("json_reader: typed fields, and errors that name the file and the field path") {
  const json doc = json::parse(R"({
    "format": "mlguard.schema", "format_version": 1, "rows": 12, "name": "fares",
    "limits": {"low": -1.5, "high": "inf", "missing": null},
    "stages": [{"coef": [1, 2, "x"]}, {"coef": [0.5], "flag": true}],
    "names": ["a", "b"], "counts": [1, 2, 3]})");
  const auto r = json_reader::document(doc, schema_v2, "model.json",
                                       {"rows", "name", "limits", "stages", "names", "counts"});
  CHECK(r.version() == 1);
  CHECK(r.count("rows") == 12);
  CHECK(r.integer("rows", 0, 100) == 12);
  CHECK(r.text("name") == "fares");
  CHECK(r.texts("names") == std::vector<std::string>{"a", "b"});
  CHECK(r.counts("counts") == std::vector<std::uint64_t>{1, 2, 3});
  const auto limits = r.object("limits");
  CHECK(limits.finite("low") == -1.5);
  CHECK(std::isinf(limits.number("high")));
  CHECK(std::isnan(limits.number("missing")));
  CHECK_FALSE(limits.optional_number("missing"));
  CHECK_FALSE(limits.optional_number("absent"));
  CHECK(*limits.optional_number("low") == -1.5);
  const auto stages = r.objects("stages");
  REQUIRE(stages.size() == 2);
  CHECK(stages[1].numbers("coef") == std::vector<double>{0.5});
  CHECK(stages[1].flag("flag"));

  CHECK(error_of([&] { (void)stages[0].numbers("coef"); }) ==
        "[mlguard.format.corrupt] model.json: stages[0].coef[2]: expected a number");
  CHECK(error_of([&] { (void)stages[1].flag("missing"); }) ==
        "[mlguard.format.corrupt] model.json: stages[1].missing: missing field");
  CHECK(error_of([&] { (void)limits.finite("high"); }) ==
        "[mlguard.format.corrupt] model.json: limits.high: expected a finite number");
  CHECK(error_of([&] { (void)r.count("rows", 10); }) ==
        "[mlguard.format.corrupt] model.json: rows: expected an integer in [0, 10]");
  CHECK(error_of([&] { (void)r.integer("name", 0, 1); }) ==
        "[mlguard.format.corrupt] model.json: name: expected an integer in [0, 1]");
  CHECK(error_of([&] { (void)r.text("rows"); }) ==
        "[mlguard.format.corrupt] model.json: rows: expected a string");
  CHECK(error_of([&] { (void)r.object("name"); }) ==
        "[mlguard.format.corrupt] model.json: name: expected a JSON object");
  CHECK(error_of([&] { (void)r.array("name"); }) ==
        "[mlguard.format.corrupt] model.json: name: expected an array");
  CHECK(error_of([&] { (void)r.texts("counts"); }) ==
        "[mlguard.format.corrupt] model.json: counts[0]: expected a string");
  CHECK(error_of([&] { stages[1].fail("coef", "too short"); }) ==
        "[mlguard.format.corrupt] model.json: stages[1].coef: too short");

  const json typo = json{{"format", "mlguard.schema"}, {"format_version", 1}, {"rowz", 1}};
  try {
    (void)json_reader::document(typo, schema_v2, "s.json", {"rows"});
    FAIL("expected a throw");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.unknown_field");
    CHECK(std::string(e.what()) == "[mlguard.format.unknown_field] s.json: rowz: unknown field");
  }
  const json not_object = json::array();
  MLGUARD_CHECK_THROWS_ID(json_reader(not_object, "x.json"), "mlguard.format.corrupt");
  // A reader refers to its JSON value, so it cannot be made from a temporary.
  static_assert(!std::is_constructible_v<json_reader, json&&>);
  static_assert(std::is_constructible_v<json_reader, const json&>);
}

TEST_CASE("save_json replaces a file atomically, load_json reads it back or names the error") {
  test::temp_dir dir;
  const std::string path = dir.path + "/doc.json";
  json doc = new_document(schema_v2);
  doc["value"] = json_number(0.1);
  save_json(path, doc);
  CHECK(load_json(path) == doc);
  doc["value"] = json_number(-std::numeric_limits<double>::infinity());
  save_json(path, doc);
  CHECK(load_json(path)["value"] == "-inf");
  CHECK(files_in(dir.path) == std::vector<std::string>{"doc.json"}); // no temporary left behind
  MLGUARD_CHECK_THROWS_ID(load_json(dir.path + "/absent.json"), "mlguard.io.open_failed");
  MLGUARD_CHECK_THROWS_ID(save_json(dir.path + "/no/such/dir/doc.json", doc),
                          "mlguard.io.open_failed");
  {
    std::FILE* f = std::fopen((dir.path + "/torn.json").c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("{\"format\": \"mlguard.sch", f);
    std::fclose(f);
  }
  MLGUARD_CHECK_THROWS_ID(load_json(dir.path + "/torn.json"), "mlguard.format.corrupt");
  // A directory where the file should be: the rename fails and the temporary is removed.
  REQUIRE(::mkdir((dir.path + "/taken").c_str(), 0755) == 0);
  REQUIRE(::mkdir((dir.path + "/taken/doc.json").c_str(), 0755) == 0);
  MLGUARD_CHECK_THROWS_ID(save_json(dir.path + "/taken/doc.json", doc), "mlguard.io.write_failed");
  CHECK(files_in(dir.path + "/taken") == std::vector<std::string>{"doc.json"});
}

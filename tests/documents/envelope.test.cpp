// Every document mlguard writes shares one envelope: {"format": "mlguard.<kind>",
// "format_version": N, ...}, written atomically by save() and read back by load(), with the
// same errors for a foreign, newer, extended or truncated document. One fixture of each
// kind, plus the documents earlier versions wrote, which must still load.
#include <string>

#include "mlguard/drift/online/adwin.hpp"
#include "mlguard/drift/online/kswin.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

using namespace mlguard;

namespace {

const char* reference_csv = "x,n,c\n1.5,1,a\n2.5,2,b\n3.5,3,a\n4.5,4,b\n5.5,5,a\n";
const char* current_csv = "x,n,c\n9.5,1,a\n8.5,2,b\n7.5,7,c\n,4,b\n6.5,5,a\n";

// What a document type writes: the reports go to JSON through nlohmann's to_json hook,
// every other document through its to_json() member.
json document_of(const drift::drift_report& r) { return json(r); }
json document_of(const drift::window_report& w) { return json(w); }
template <typename T>
json document_of(const T& value) {
  return value.to_json();
}

// Checks the envelope of `value`'s document and everything a loader promises about it:
// save/load round-trips the same document, and a foreign kind, a newer version, an
// unknown field, a missing "format", a truncated or missing file and the previous name
// behave as documented.
template <typename T>
void check_document(const T& value) {
  const document_format& format = T::format;
  const json document = document_of(value);
  INFO("document " << format.name);
  CHECK(document.at("format") == format.name);
  CHECK(document.at("format_version") == format.version);

  const test::temp_dir dir;
  const auto path = dir.file("document.json");
  T::from_json(document).save(path);
  CHECK(document_of(T::load(path)) == document);

  json foreign = document;
  foreign["format"] = "mlguard.something_else";
  MLGUARD_CHECK_THROWS_ID(T::from_json(foreign), "mlguard.format.wrong_kind");
  json newer = document;
  newer["format_version"] = format.version + 1;
  MLGUARD_CHECK_THROWS_ID(T::from_json(newer), "mlguard.format.newer_version");
  json extended = document;
  extended["surprise"] = 1;
  MLGUARD_CHECK_THROWS_ID(T::from_json(extended), "mlguard.format.unknown_field");
  json unnamed = document;
  unnamed.erase("format");
  MLGUARD_CHECK_THROWS_ID(T::from_json(unnamed), "mlguard.format.corrupt");

  const auto text = dump_json(document);
  const auto truncated = dir.write("truncated.json", text.substr(0, text.size() / 2));
  MLGUARD_CHECK_THROWS_ID(T::load(truncated), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(T::load(dir.file("missing.json")), "mlguard.io.open_failed");

  if (!format.legacy_name.empty()) {
    json legacy = document;
    legacy["format"] = std::string(format.legacy_name);
    CHECK(document_of(T::from_json(legacy)) == document);
  }
}

table reference_table() { return io::parse_csv(reference_csv, "reference.csv"); }
table current_table() { return io::parse_csv(current_csv, "current.csv"); }

} // namespace

TEST_CASE("every document has the mlguard envelope and the same loader behaviour") {
  SUBCASE("sketches") {
    sketch::kll_sketch<double> kll;
    sketch::distinct_count distinct;
    sketch::frequent_items<std::string> items;
    for (int i = 0; i < 1000; ++i) {
      kll.update(i * 0.5);
      distinct.update(static_cast<double>(i % 37));
      items.update(std::to_string(i % 11));
    }
    check_document(kll);
    check_document(distinct);
    check_document(items);
  }
  SUBCASE("profile and schema") {
    const auto profile = profile::dataset_profile::of(reference_table());
    check_document(profile);
    check_document(validate::infer_schema(profile));
  }
  SUBCASE("validation report") {
    const auto s = validate::infer_schema(reference_table());
    const auto report = validate::validate_batch(s, current_table());
    REQUIRE(report.errors > 0); // the unseen category "c" and x out of its domain
    check_document(report);
  }
  SUBCASE("drift and window reports") {
    const auto report = drift::compare(reference_table(), current_table());
    REQUIRE(report.columns.size() == 3);
    check_document(report);
    drift::window_report window;
    window.index = 3;
    window.first_row = 301;
    window.last_row = 400;
    window.rows = 100;
    window.drift = report;
    check_document(window);
  }
  SUBCASE("online detectors") {
    drift::online::adwin adwin;
    drift::online::kswin kswin;
    for (int i = 0; i < 300; ++i) {
      adwin.update(i < 150 ? 0.0 : 1.0);
      kswin.update(static_cast<double>(i % 17));
    }
    check_document(adwin);
    check_document(kswin);
  }
  SUBCASE("pipeline") {
    const json fixture = load_json(test::fixture_path("reference/pipeline_export.json"));
    check_document(pipeline::dynamic_pipeline::from_json(fixture.at("cases").at(0).at("document")));
  }
}

TEST_CASE("the file registry's files carry the envelope too") {
  const test::temp_dir dir;
  registry::file_registry reg(dir.path);
  reg.create_model("churn");
  reg.register_version("churn", "file:///models/churn/1");
  const auto format_of = [&](const std::string& file) {
    const json j = load_json(dir.file(file));
    return j.at("format").get<std::string>() + "/" +
           std::to_string(j.at("format_version").get<int>());
  };
  CHECK(format_of("registry.json") == "mlguard.registry/1");
  CHECK(format_of("models/churn/model.json") == "mlguard.registry.model/1");
  CHECK(format_of("models/churn/versions/1.json") == "mlguard.registry.model_version/1");
  const auto journal = test::read_file(dir.file("models/churn/journal.jsonl"));
  // Each journal line is "CCCCCCCC {json}": a CRC-32 of the JSON text, then the record.
  const auto first_line = journal.substr(0, journal.find('\n'));
  REQUIRE(first_line.size() > 9);
  const json header = parse_json(first_line.substr(9), "journal.jsonl");
  CHECK(header.at("format") == "mlguard.registry.journal");
  CHECK(header.at("format_version") == 1);
}

TEST_CASE("documents written by mlguard 0.1 still load") {
  SUBCASE("profile") {
    const auto p =
        profile::dataset_profile::load(test::fixture_path("profile/profile_mlguard_0.1.json"));
    CHECK(p.to_json().at("format") == "mlguard.profile");
    CHECK(p.columns().size() == 3);
  }
  SUBCASE("drift report") {
    const auto r = drift::drift_report::load(test::fixture_path("drift/legacy_drift_report.json"));
    CHECK_FALSE(r.columns.empty());
    CHECK(json(r).at("format") == "mlguard.drift_report");
  }
  SUBCASE("online detector state") {
    const auto d = drift::online::adwin::load(test::fixture_path("online/adwin.json"));
    CHECK(d.to_json().at("format") == "mlguard.online_detector");
  }
}

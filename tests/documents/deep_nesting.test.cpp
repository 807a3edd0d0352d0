// JSON nested deep (issue 16, resource bounds): every document loader, given '[[[[...'
// or '{"a":{"a":...' 100000 deep as the whole document, throws an mlguard::error; given
// 5000 levels in place of any one field of a valid document, it throws an mlguard::error
// or loads, on a thread with a 256 KiB stack. Never a stack overflow. Debian's nlohmann
// 3.11 parses and destroys iteratively (1e5 levels fit in 256 KiB), but copies, compares
// and dumps recursively: 1e5 levels overflow even the default 8 MB stack, 5000 levels a
// 256 KiB one. So a loader must never copy, compare or print a value it has not checked,
// which the field cases show.
#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "mlguard/drift/online/detectors.hpp"
#include "mlguard/drift/report.hpp"
#include "mlguard/drift/window_report.hpp"
#include "mlguard/io/csv.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/registry/detail/journal.hpp"
#include "mlguard/registry/file_registry.hpp"
#include "mlguard/rollback/policy.hpp"
#include "mlguard/rollback/signal.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

namespace deep_nesting_test {

using namespace mlguard;

constexpr std::size_t depth = 100000;     // a whole document
constexpr std::size_t field_depth = 5000; // one field, on the small stack

std::string deep_array(std::size_t levels = depth) {
  return std::string(levels, '[') + std::string(levels, ']');
}

std::string deep_object() {
  std::string s;
  s.reserve(depth * 6 + 1);
  for (std::size_t i = 0; i < depth; ++i) {
    s += "{\"a\":";
  }
  s += "0";
  s.append(depth, '}');
  return s;
}

// Loads a document from its text, by whatever route the document takes.
using loader = std::function<void(const std::string&)>;

// "loaded", the id of the mlguard::error thrown, or "other: what()".
std::string outcome(const loader& load, const std::string& text) {
  try {
    load(text);
    return "loaded";
  } catch (const error& e) {
    return e.id();
  } catch (const std::exception& e) {
    return std::string("other: ") + e.what();
  }
}

// outcome() on a thread with a 256 KiB stack.
std::string outcome_on_small_stack(const loader& load, const std::string& text) {
  struct job {
    const loader* load;
    const std::string* text;
    std::string result;
  } j{&load, &text, {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  const int rc = pthread_create(
      &thread, &attr,
      [](void* p) -> void* {
        auto* jb = static_cast<job*>(p);
        jb->result = outcome(*jb->load, *jb->text);
        return nullptr;
      },
      &j);
  pthread_attr_destroy(&attr);
  REQUIRE(rc == 0);
  pthread_join(thread, nullptr);
  return j.result;
}

// Every member of every object in `j`, and the first element of every array.
void collect_fields(const json& j, const json::json_pointer& at,
                    std::vector<json::json_pointer>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      const auto field = at / it.key();
      out.push_back(field);
      collect_fields(*it, field, out);
    }
  } else if (j.is_array() && !j.empty()) {
    const auto field = at / 0;
    out.push_back(field);
    collect_fields(j[0], field, out);
  }
}

// The text of `document` with the value at `field` replaced by `deep`, spliced in as
// text (dumping a deep value would itself overflow the stack).
std::string with_deep_field(json document, const json::json_pointer& field,
                            const std::string& deep) {
  document[field] = "@@deep@@";
  std::string text = dump_json(document);
  const auto at = text.find("\"@@deep@@\"");
  REQUIRE(at != std::string::npos);
  return text.replace(at, 10, deep);
}

// The whole document deep (an error), then each field deep in turn on the small stack (an
// mlguard::error or a load, never another exception or a crash).
void check_loader(const std::string& name, const json& valid, const loader& load) {
  CAPTURE(name);
  REQUIRE(outcome(load, dump_json(valid)) == "loaded");
  static const std::string whole_array = deep_array();
  static const std::string whole_object = deep_object();
  for (const auto* deep : {&whole_array, &whole_object}) {
    const auto whole = outcome(load, *deep);
    CHECK_MESSAGE(whole.rfind("mlguard.", 0) == 0, whole);
  }
  std::vector<json::json_pointer> fields;
  collect_fields(valid, json::json_pointer(), fields);
  static const std::string deep = deep_array(field_depth);
  for (const auto& field : fields) {
    const auto result = outcome_on_small_stack(load, with_deep_field(valid, field, deep));
    CHECK_MESSAGE(result.rfind("other: ", 0) != 0, field.to_string() << ": " << result);
  }
}

table small_table(const char* text) { return io::parse_csv(text, "t.csv"); }

const char* reference_csv = "x,n,c\n1.5,1,a\n2.5,2,b\n3.5,3,a\n4.5,4,b\n5.5,5,a\n";
const char* current_csv = "x,n,c\n9.5,1,a\n8.5,2,b\n7.5,7,c\n,4,b\n6.5,5,a\n";

} // namespace deep_nesting_test

using namespace deep_nesting_test;

TEST_CASE("nlohmann: 1e5 levels parse and free on a 256 KiB stack") {
  const loader parse_only = [](const std::string& text) { (void)parse_json(text, "deep"); };
  CHECK(outcome_on_small_stack(parse_only, deep_array()) == "loaded");
  CHECK(outcome_on_small_stack(parse_only, deep_object()) == "loaded");
  CHECK(outcome_on_small_stack(parse_only, deep_array().substr(1)) == "mlguard.format.corrupt");
}

TEST_CASE("documents nested 1e5 deep: sketches, profile, schema and reports") {
  sketch::kll_sketch<double> kll(8);
  sketch::distinct_count distinct(4);
  sketch::frequent_items<std::string> items(4);
  for (int i = 0; i < 40; ++i) {
    kll.update(i * 0.5);
    distinct.update(static_cast<double>(i % 7));
    items.update(std::to_string(i % 5));
  }
  check_loader("kll_sketch", kll.to_json(), [](const std::string& t) {
    (void)sketch::kll_sketch<double>::from_json(parse_json(t, "t"));
  });
  check_loader("distinct_count", distinct.to_json(), [](const std::string& t) {
    (void)sketch::distinct_count::from_json(parse_json(t, "t"));
  });
  check_loader("frequent_items", items.to_json(), [](const std::string& t) {
    (void)sketch::frequent_items<std::string>::from_json(parse_json(t, "t"));
  });

  const auto reference = small_table(reference_csv);
  const auto current = small_table(current_csv);
  profile::profile_options small;
  small.kll_k = 8;
  small.distinct_precision = 4;
  small.frequent_items_capacity = 4;
  check_loader("profile", profile::dataset_profile::of(reference, small).to_json(),
               [](const std::string& t) { (void)profile::dataset_profile::parse(t, "t"); });
  const auto s = validate::infer_schema(reference);
  check_loader("schema", s.to_json(),
               [](const std::string& t) { (void)validate::schema::parse(t, "t"); });
  check_loader("validation_report", validate::validate_batch(s, current).to_json(),
               [](const std::string& t) {
                 (void)validate::validation_report::from_json(parse_json(t, "t"), "t");
               });
  const auto report = drift::compare(reference, current);
  check_loader("drift_report", json(report), [](const std::string& t) {
    (void)drift::drift_report::from_json(parse_json(t, "t"), "t");
  });
  drift::window_report window;
  window.index = 1;
  window.rows = 5;
  window.drift = report;
  check_loader("window_report", json(window), [](const std::string& t) {
    (void)drift::window_report::from_json(parse_json(t, "t"), "t");
  });
}

TEST_CASE("documents nested 1e5 deep: detectors, pipeline, policy and trace") {
  drift::online::for_each_detector([](auto tag) {
    using D = typename decltype(tag)::type;
    D d;
    for (int i = 0; i < 60; ++i) {
      d.update(i % 3 == 0 ? 1.0 : 0.0);
    }
    check_loader(D::name.data(), d.to_json(), [](const std::string& t) {
      (void)drift::online::load_detector(parse_json(t, "t"), "t");
    });
  });
  const json fixture = load_json(test::fixture_path("reference/pipeline_export.json"));
  check_loader("pipeline", fixture.at("cases").at(0).at("document"), [](const std::string& t) {
    (void)pipeline::dynamic_pipeline::from_json(parse_json(t, "t"));
  });
  using namespace std::chrono_literals;
  namespace rb = rollback;
  const rb::policy_document policy{
      rb::any_of({rb::all_of({rb::cooldown(10min), rb::threshold("error_rate", 0.2, 0.1)}),
                  rb::detector("adwin", "error", {{"delta", "0.01"}})})};
  check_loader("rollback_policy", policy.to_json(), [](const std::string& t) {
    (void)rb::policy_document::from_json(parse_json(t, "t"), "t");
  });
  rb::observation o;
  o.version = 2;
  o.signal = "error";
  o.value = 0.25;
  o.samples = 100;
  check_loader("trace line", rb::to_json(rb::trace_event::of(o)), [](const std::string& t) {
    (void)rb::trace_event_from_json(parse_json(t, "t"), "t");
  });
}

TEST_CASE("documents nested 1e5 deep: the file registry's files and a bundle manifest") {
  const test::temp_dir dir;
  {
    registry::file_registry reg(dir.path);
    reg.create_model("churn");
    reg.register_version("churn", "file:///models/churn/1");
  }
  const auto version_path = dir.file("models/churn/versions/1.json");
  const auto snapshot_path = dir.file("models/churn/model.json");
  const auto journal_path = dir.file("models/churn/journal.jsonl");
  const std::string version_text = test::read_file(version_path);
  const std::string snapshot_text = test::read_file(snapshot_path);
  const std::string journal_text = test::read_file(journal_path);
  const auto restore = [&] {
    dir.write("models/churn/versions/1.json", version_text);
    dir.write("models/churn/model.json", snapshot_text);
    dir.write("models/churn/journal.jsonl", journal_text);
  };
  // Each file read back through a registry opened afresh.
  check_loader("versions/1.json", parse_json(version_text, "v"), [&](const std::string& t) {
    restore();
    dir.write("models/churn/versions/1.json", t);
    (void)registry::file_registry(dir.path).get_version("churn", 1);
  });
  check_loader("model.json", parse_json(snapshot_text, "m"), [&](const std::string& t) {
    restore();
    dir.write("models/churn/model.json", t);
    (void)registry::file_registry(dir.path).get_version("churn", 1);
  });
  // The journal's last record (the registration), checksummed, after the real lines;
  // the audit log reads every record.
  const auto last = journal_text.rfind('\n', journal_text.size() - 2) + 1;
  const json record = parse_json(journal_text.substr(last + 9), "record");
  check_loader("journal record", record, [&](const std::string& t) {
    restore();
    char crc[16];
    std::snprintf(crc, sizeof crc, "%08x ", static_cast<unsigned>(registry::detail::crc32(t)));
    dir.write("models/churn/journal.jsonl", journal_text.substr(0, last) + crc + t + "\n");
    (void)registry::file_registry(dir.path).audit_log("churn");
  });
  restore();
  check_loader("registry.json", load_json(dir.file("registry.json")), [&](const std::string& t) {
    dir.write("registry.json", t);
    (void)registry::file_registry(dir.path).list_models();
  });

  const test::temp_dir bundle;
  json manifest = json::object();
  manifest["format"] = "mlguard.bundle";
  manifest["format_version"] = 1;
  manifest["members"] = json::object();
  const loader load_manifest = [&](const std::string& t) {
    bundle.write("manifest.json", t);
    (void)serving::load_bundle(bundle.path);
  };
  for (const auto& deep : {deep_array(), deep_object()}) {
    const auto whole = outcome(load_manifest, deep);
    CHECK_MESSAGE(whole.rfind("mlguard.", 0) == 0, whole);
  }
  const auto members = outcome(
      load_manifest, with_deep_field(manifest, json::json_pointer("/members"), deep_object()));
  CHECK_MESSAGE(members.rfind("mlguard.", 0) == 0, members);
}

// file_registry: on-disk format, corruption handling, crash recovery, symlinks,
// several processes at once, and SIGKILL at random moments.
#include "mlguard/registry/file_registry.hpp"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/registry/detail/crc32.hpp"
#include "registry_fixtures.hpp"

using namespace mlguard;
using namespace mlguard::registry;

namespace {

file_registry_options no_fsync() {
  file_registry_options o;
  o.fsync = false;
  return o;
}

void write_text(const std::string& path, const std::string& text, bool append = false) {
  std::ofstream out(path, append ? std::ios::binary | std::ios::app : std::ios::binary);
  REQUIRE(out.good());
  out << text;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  if (DIR* d = opendir(path.c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") {
        out.push_back(n);
      }
    }
    closedir(d);
  }
  return out;
}

} // namespace

TEST_CASE("file_registry: CRC-32 is zlib's") {
  CHECK(registry::detail::crc32("123456789") == 0xCBF43926U); // the standard check value
  CHECK(registry::detail::crc32("") == 0U);
}

TEST_CASE("file_registry: documents are versioned JSON a person can read") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  file_registry reg(root, no_fsync());
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");
  reg.set_alias("churn", "champion", 1);

  const auto marker = parse_json(test::read_file(root + "/registry.json"), "registry.json");
  CHECK(marker["format"] == "mlguard.registry");
  CHECK(marker["format_version"] == 1);
  const auto model = parse_json(test::read_file(root + "/models/churn/model.json"), "model.json");
  CHECK(model["format"] == "mlguard.registry.model");
  CHECK(model["format_version"] == 1);
  CHECK(model["aliases"]["champion"] == 1);
  CHECK(model["latest_version"] == 1);
  const auto version =
      parse_json(test::read_file(root + "/models/churn/versions/1.json"), "1.json");
  CHECK(version["format"] == "mlguard.registry.model_version");
  CHECK(version["artifact_uri"] == "s3://1");
  CHECK(version["lineage"]["created_at"].get<std::string>().back() == 'Z');
  // The journal: "crc32 json" lines, a header first.
  std::istringstream journal(test::read_file(root + "/models/churn/journal.jsonl"));
  std::string line;
  int lines = 0;
  while (std::getline(journal, line)) {
    REQUIRE(line.size() > 9);
    char expected[9];
    std::snprintf(expected, sizeof expected, "%08x", registry::detail::crc32(line.substr(9)));
    CHECK(line.substr(0, 8) == expected);
    const auto j = parse_json(line.substr(9), "journal");
    if (lines == 0) {
      CHECK(j["format"] == "mlguard.registry.journal");
    }
    ++lines;
  }
  CHECK(lines == 4);

  // A newer format is refused with a clear error.
  write_text(root + "/registry.json", R"({"format": "mlguard.registry", "format_version": 99})");
  MLGUARD_CHECK_THROWS_ID(file_registry(root, no_fsync()), "mlguard.format.newer_version");
  file_registry_options no_create = no_fsync();
  no_create.create = false;
  MLGUARD_CHECK_THROWS_ID(file_registry(dir.path + "/missing", no_create),
                          "mlguard.registry.not_found");
}

TEST_CASE("file_registry: two registries on one root see each other's writes") {
  test::temp_dir dir;
  file_registry a(dir.path + "/reg", no_fsync());
  file_registry b(dir.path + "/reg", no_fsync());
  a.create_model("churn");
  a.register_version("churn", "s3://1");
  a.register_version("churn", "s3://2");
  a.set_alias("churn", "champion", 1);
  CHECK(b.resolve_version("models:/churn@champion") == 1); // b caches churn now
  a.set_alias("churn", "champion", 2);
  a.set_version_tag("churn", 1, "k", "v");
  CHECK(b.resolve_version("models:/churn@champion") == 2);
  CHECK(b.get_version("churn", 1).tags.at("k") == "v");
  CHECK(b.register_version("churn", "s3://3").version == 3);
  CHECK(a.resolve("models:/churn/latest").artifact_uri == "s3://3");
  a.delete_model("churn");
  CHECK_FALSE(b.has_model("churn"));
  b.create_model("churn");
  b.register_version("churn", "s3://new");
  CHECK(a.resolve("models:/churn/latest").artifact_uri == "s3://new");
  // The deleted model's journal is kept under trash/.
  CHECK(list_dir(dir.path + "/reg/trash").size() == 1);
}

TEST_CASE("file_registry: a torn last journal record is ignored, then cut off by the next write") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.register_version("churn", "s3://1");
  }
  const auto journal = root + "/models/churn/journal.jsonl";
  const auto good = test::read_file(journal);
  // Half a record, as a crash in the middle of write() would leave.
  write_text(journal, "1234abcd {\"action\":\"set_alias\",\"alias\":\"champ", true);
  {
    file_registry reg(root, no_fsync());
    CHECK(reg.get_model("churn").latest_version == 1);
    CHECK(reg.audit_log("churn").size() == 2);
    reg.set_alias("churn", "champion", 1);
  }
  file_registry reg(root, no_fsync());
  CHECK(reg.alias_version("churn", "champion") == 1);
  CHECK(reg.audit_log("churn").size() == 3);
  const auto now = test::read_file(journal);
  CHECK(now.substr(0, good.size()) == good);
  CHECK(now.find("champ\n") == std::string::npos);
  CHECK(now.find("1234abcd") == std::string::npos);

  // A complete last line with a bad checksum is treated the same way.
  write_text(journal, "00000000 {\"sequence\":4}\n", true);
  file_registry again(root, no_fsync());
  CHECK(again.audit_log("churn").size() == 3);
  // But damage in the middle is corruption, reported with the file's name.
  std::string damaged = test::read_file(journal);
  damaged[damaged.find("register_version") + 2] = 'X';
  write_text(journal, damaged);
  file_registry third(root, no_fsync());
  try {
    third.audit_log("churn");
    FAIL("expected an error");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.corrupt");
    CHECK(std::string(e.what()).find(journal) != std::string::npos);
  }
}

TEST_CASE("file_registry: a corrupt document is reported by name, the rest stays readable") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.create_model("fraud");
    for (int i = 0; i < 3; ++i) {
      reg.register_version("churn", "s3://" + std::to_string(i + 1));
      reg.register_version("fraud", "s3://" + std::to_string(i + 1));
    }
    reg.set_alias("churn", "champion", 1);
  }
  const auto version2 = root + "/models/churn/versions/2.json";
  const auto fraud_model = root + "/models/fraud/model.json";
  const auto truncated = test::read_file(version2);
  write_text(version2, truncated.substr(0, truncated.size() / 2));
  write_text(fraud_model, "garbage, not JSON at all");

  file_registry reg(root, no_fsync());
  auto expect_named = [](auto&& call, const std::string& file) {
    try {
      call();
      FAIL("expected an error naming " << file);
    } catch (const format_error& e) {
      CHECK(e.id() == "mlguard.format.corrupt");
      CHECK_MESSAGE(std::string(e.what()).find(file) != std::string::npos, e.what());
    }
  };
  expect_named([&] { reg.get_version("churn", 2); }, version2);
  expect_named([&] { reg.list_versions("churn"); }, version2);
  expect_named([&] { reg.get_model("fraud"); }, fraud_model);
  expect_named([&] { reg.resolve("models:/fraud/1"); }, fraud_model);
  // Everything else still reads, and writes still work.
  CHECK(reg.model_names() == std::vector<std::string>{"churn", "fraud"});
  CHECK(reg.get_version("churn", 1).artifact_uri == "s3://1");
  CHECK(reg.get_version("churn", 3).artifact_uri == "s3://3");
  CHECK(reg.resolve("models:/churn@champion").version == 1);
  CHECK(reg.register_version("churn", "s3://4").version == 4);
  CHECK(reg.set_alias("churn", "champion", 4).outcome == alias_outcome::applied);

  // A document of another kind, or with an unknown field, is also named.
  write_text(version2, R"({"format": "mlguard.registry.model", "format_version": 1})");
  file_registry fresh(root, no_fsync());
  MLGUARD_CHECK_THROWS_ID(fresh.get_version("churn", 2), "mlguard.format.wrong_kind");
}

TEST_CASE("file_registry: journal records past model.json are replayed after a crash") {
  // Simulates a crash between the journal append (the commit) and the document updates
  // by putting back the documents from before the writes.
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto model_json = root + "/models/churn/model.json";
  const auto v1_json = root + "/models/churn/versions/1.json";
  std::string old_model;
  std::string old_v1;
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.register_version("churn", "s3://1");
    old_model = test::read_file(model_json);
    old_v1 = test::read_file(v1_json);
    reg.set_alias("churn", "champion", 1);
    reg.set_version_tag("churn", 1, "approved", "yes");
    reg.register_version("churn", "s3://2");
  }
  write_text(model_json, old_model);
  write_text(v1_json, old_v1);
  REQUIRE(std::remove((root + "/models/churn/versions/2.json").c_str()) == 0);
  {
    // Readers apply the journal tail in memory.
    file_registry reg(root, no_fsync());
    CHECK(reg.alias_version("churn", "champion") == 1);
    CHECK(reg.get_version("churn", 1).tags.at("approved") == "yes");
    CHECK(reg.get_version("churn", 2).artifact_uri == "s3://2");
    CHECK(reg.get_model("churn").latest_version == 2);
    // The next writer repairs the documents first.
    CHECK(reg.register_version("churn", "s3://3").version == 3);
  }
  const auto repaired = parse_json(test::read_file(model_json), "model.json");
  CHECK(repaired["latest_version"] == 3);
  CHECK(repaired["aliases"]["champion"] == 1);
  CHECK(parse_json(test::read_file(v1_json), "1.json")["tags"]["approved"] == "yes");
  CHECK(parse_json(test::read_file(root + "/models/churn/versions/2.json"), "2.json")["version"] ==
        2);
}

TEST_CASE("file_registry: symlinks inside the root are not followed for writes") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto outside = dir.path + "/outside";
  REQUIRE(mkdir(outside.c_str(), 0755) == 0);
  file_registry reg(root, no_fsync());
  reg.create_model("churn");
  reg.register_version("churn", "s3://1");

  // A symlinked model directory: refused, nothing written outside.
  REQUIRE(symlink(outside.c_str(), (root + "/models/evil").c_str()) == 0);
  CHECK_THROWS(reg.create_model("evil"));
  CHECK_THROWS(reg.get_model("evil"));
  CHECK(list_dir(outside).empty());

  // A symlink planted where the next version document goes is replaced, not followed.
  const auto target = outside + "/victim.json";
  write_text(target, "precious");
  REQUIRE(symlink(target.c_str(), (root + "/models/churn/versions/2.json").c_str()) == 0);
  reg.register_version("churn", "s3://2");
  CHECK(test::read_file(target) == "precious");
  struct stat st;
  REQUIRE(lstat((root + "/models/churn/versions/2.json").c_str(), &st) == 0);
  CHECK(S_ISREG(st.st_mode));

  // A symlinked lock file is refused rather than followed.
  REQUIRE(symlink(target.c_str(), (root + "/locks/other.lock").c_str()) == 0);
  MLGUARD_CHECK_THROWS_ID(reg.create_model("other"), "mlguard.io.open_failed");
  CHECK(test::read_file(target) == "precious");
}

#ifdef MLGUARD_REGISTRY_WORKER_PATH

TEST_CASE("file_registry: 4 processes x 250 registrations give exactly versions 1..1000") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  {
    file_registry reg(root, no_fsync());
    reg.create_model("shared");
  }
  const auto start = std::chrono::steady_clock::now();
  // Four children at once; run_process blocks, so each runs on its own thread.
  std::vector<test::process_result> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      results[static_cast<std::size_t>(i)] = test::run_process(
          {MLGUARD_REGISTRY_WORKER_PATH, "register", root, "shared", "250", "nofsync"});
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("4 x 250 registrations took " << seconds << " s");
  std::set<int> acknowledged;
  std::size_t count = 0;
  for (const auto& r : results) {
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    std::istringstream in(r.out);
    int v = 0;
    while (in >> v) {
      acknowledged.insert(v);
      ++count;
    }
  }
  CHECK(count == 1000);
  REQUIRE(acknowledged.size() == 1000);
  CHECK(*acknowledged.begin() == 1);
  CHECK(*acknowledged.rbegin() == 1000);

  file_registry reg(root, no_fsync());
  CHECK(reg.get_model("shared").latest_version == 1000);
  const auto versions = reg.list_versions("shared"); // parses every version document
  REQUIRE(versions.size() == 1000);
  for (int i = 0; i < 1000; ++i) {
    CHECK(versions[static_cast<std::size_t>(i)].version == i + 1);
  }
  const auto log = reg.audit_log("shared");
  REQUIRE(log.size() == 1001);
  for (std::size_t i = 0; i < log.size(); ++i) {
    CHECK(log[i].sequence == i + 1);
  }
  for (const auto& name : list_dir(root + "/models/shared/versions")) {
    CHECK_MESSAGE(name[0] != '.', "leftover temporary file " << name);
  }
  (void)parse_json(test::read_file(root + "/models/shared/model.json"), "model.json");
}

TEST_CASE("file_registry: SIGKILL at random moments loses no acknowledged write (200 kills)") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  std::mt19937 rng(20261127);
  std::uniform_int_distribution<int> delay_us(0, 30000);
  const auto start = std::chrono::steady_clock::now();
  std::map<std::string, int> checked_up_to; // per model: versions already scanned
  int acknowledged_total = 0;
  int recoveries = 0;
  constexpr int kills = 200;
  for (int round = 0; round < kills; ++round) {
    // A new model every 25 rounds keeps each model's journal small.
    const std::string model = "m" + std::to_string(round / 25);
    if (round % 25 == 0) {
      file_registry reg(root, no_fsync());
      reg.create_model(model);
    }
    // Every fourth round with fsync on, to run the real write path too.
    std::vector<std::string> argv = {MLGUARD_REGISTRY_WORKER_PATH, "churn", root, model};
    if (round % 4 != 0) {
      argv.push_back("nofsync");
    }
    test::child_process c(argv);
    REQUIRE_MESSAGE(c.wait_for("ready\n", 20000), "the worker did not start: " << c.text);
    usleep(static_cast<useconds_t>(delay_us(rng)));
    c.kill_and_reap();
    {
      // Count the kills that landed between a journal commit and its document updates.
      const auto snapshot =
          parse_json(test::read_file(root + "/models/" + model + "/model.json"), "model.json");
      struct stat st;
      REQUIRE(stat((root + "/models/" + model + "/journal.jsonl").c_str(), &st) == 0);
      recoveries += snapshot["journal_offset"].get<long long>() < st.st_size ? 1 : 0;
    }

    // Every acknowledged write is there.
    file_registry reg(root, no_fsync());
    const auto m = reg.get_model(model);
    std::istringstream lines(c.text);
    std::string kind;
    int last_alias = 0;
    std::vector<int> registered;
    std::vector<int> tagged;
    std::string ready;
    lines >> ready;
    int v = 0;
    while (lines >> kind >> v) {
      ++acknowledged_total;
      if (kind == "v") {
        registered.push_back(v);
      } else if (kind == "a") {
        last_alias = v;
      } else if (kind == "t") {
        tagged.push_back(v);
      }
    }
    for (int r : registered) {
      CHECK(r <= m.latest_version);
      CHECK(reg.get_version(model, r).artifact_uri.rfind("s3://bucket/run-", 0) == 0);
    }
    for (int t : tagged) {
      CHECK(reg.get_version(model, t).tags.at("seen") == "yes");
    }
    if (last_alias != 0) {
      // The alias is where the last acknowledged move put it, or at a newer version an
      // unacknowledged move reached just before the kill.
      const auto at = reg.alias_version(model, "champion");
      REQUIRE(at.has_value());
      CHECK(*at >= last_alias);
      CHECK(*at <= m.latest_version);
    }
    // No partial document is visible: every document written this round parses, and
    // the journal reads to its end.
    CHECK(reg.audit_log(model).size() == m.sequence);
    (void)parse_json(test::read_file(root + "/models/" + model + "/model.json"), "model.json");
    auto& from = checked_up_to[model];
    for (int n = std::max(1, from); n <= m.latest_version; ++n) {
      const auto path = root + "/models/" + model + "/versions/" + std::to_string(n) + ".json";
      struct stat st;
      if (stat(path.c_str(), &st) == 0) { // may be missing only while its record is pending
        (void)parse_json(test::read_file(path), path);
      }
      (void)reg.get_version(model, n);
    }
    from = m.latest_version;
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE(kills << " kills, " << acknowledged_total << " acknowledged writes checked, "
                << recoveries << " kills left the journal ahead of model.json, " << seconds
                << " s");
  CHECK(acknowledged_total > 0);
}

#endif // MLGUARD_REGISTRY_WORKER_PATH

namespace {

run_record small_run(const std::string& input, int exit_code = 0) {
  run_record run;
  run.input = input;
  run.input_fingerprint = "sha256:" + std::string(64, 'a');
  run.counts["rows"] = 10;
  run.exit_code = exit_code;
  return run;
}

} // namespace

TEST_CASE("file_registry: runs are journal records with a document per run under runs/V/") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.register_version("churn", "s3://1");
    reg.register_version("churn", "s3://2");
    CHECK(reg.record_run("churn", 2, small_run("feb.csv"), {"cron", "hourly"}).sequence == 4);
    reg.record_run("churn", 1, small_run("mar.csv", 1));
  }
  const auto doc = parse_json(test::read_file(root + "/models/churn/runs/2/4.json"), "4.json");
  CHECK(doc["format"] == "mlguard.registry.run");
  CHECK(doc["format_version"] == 1);
  CHECK(doc["model"] == "churn");
  CHECK(doc["version"] == 2);
  CHECK(doc["sequence"] == 4);
  CHECK(doc["input"] == "feb.csv");
  CHECK(doc["actor"] == "cron");
  CHECK(list_dir(root + "/models/churn/runs/1") == std::vector<std::string>{"5.json"});
  const auto journal = test::read_file(root + "/models/churn/journal.jsonl");
  CHECK(journal.find("\"action\":\"record_run\"") != std::string::npos);
  // A run changes no version document.
  CHECK(
      parse_json(test::read_file(root + "/models/churn/versions/2.json"), "2.json").count("runs") ==
      0);

  // Strays in a run directory (a temporary file of an interrupted atomic write) are skipped.
  write_text(root + "/models/churn/runs/2/.4.json.tmp.123.0", "half");
  write_text(root + "/models/churn/runs/2/notes.txt", "mine");
  file_registry reg(root, no_fsync());
  REQUIRE(reg.runs("churn", 2).size() == 1);
  CHECK(reg.runs("churn", 2)[0].input == "feb.csv");

  // A damaged run document is named; another run in its place is corruption too.
  const auto run4 = root + "/models/churn/runs/2/4.json";
  const auto good = test::read_file(run4);
  write_text(run4, good.substr(0, good.size() / 2));
  file_registry damaged(root, no_fsync());
  try {
    damaged.runs("churn", 2);
    FAIL("expected an error");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.corrupt");
    CHECK(std::string(e.what()).find(run4) != std::string::npos);
  }
  CHECK(damaged.runs("churn", 1).size() == 1); // the other version still reads
  write_text(run4, test::read_file(root + "/models/churn/runs/1/5.json"));
  file_registry moved(root, no_fsync());
  MLGUARD_CHECK_THROWS_ID(moved.runs("churn", 2), "mlguard.format.corrupt");
}

TEST_CASE("file_registry: a run committed before a crash is read from the journal and its "
          "document repaired") {
  // A crash between the journal append (the commit) and the run document: put back
  // model.json from before the run and remove the document.
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  const auto model_json = root + "/models/churn/model.json";
  std::string old_model;
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.register_version("churn", "s3://1");
    old_model = test::read_file(model_json);
    reg.record_run("churn", 1, small_run("feb.csv"));
  }
  write_text(model_json, old_model);
  const auto run3 = root + "/models/churn/runs/1/3.json";
  REQUIRE(std::remove(run3.c_str()) == 0);
  {
    file_registry reg(root, no_fsync());
    const auto runs = reg.runs("churn", 1);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].sequence == 3);
    CHECK(runs[0].input == "feb.csv");
    CHECK(reg.runs("churn").size() == 1);
    // The next writer writes the document before its own record.
    reg.record_run("churn", 1, small_run("mar.csv"));
  }
  CHECK(parse_json(test::read_file(run3), "3.json")["input"] == "feb.csv");
  CHECK(parse_json(test::read_file(root + "/models/churn/runs/1/4.json"), "4.json")["input"] ==
        "mar.csv");
  file_registry reg(root, no_fsync());
  CHECK(reg.runs("churn", 1).size() == 2);
}

TEST_CASE("file_registry: a torn run record is ignored, then cut off by the next write") {
  test::temp_dir dir;
  const auto root = dir.path + "/reg";
  {
    file_registry reg(root, no_fsync());
    reg.create_model("churn");
    reg.register_version("churn", "s3://1");
    reg.record_run("churn", 1, small_run("feb.csv"));
  }
  const auto journal = root + "/models/churn/journal.jsonl";
  const auto good = test::read_file(journal);
  // The crash came in the middle of the next run's record: no newline, no document.
  const std::string whole = good.substr(good.rfind('\n', good.size() - 2) + 1);
  write_text(journal, whole.substr(0, whole.size() / 2), true);
  {
    file_registry reg(root, no_fsync());
    CHECK(reg.runs("churn", 1).size() == 1);
    CHECK(reg.audit_log("churn").size() == 3);
    reg.record_run("churn", 1, small_run("mar.csv"));
  }
  file_registry reg(root, no_fsync());
  const auto runs = reg.runs("churn", 1);
  REQUIRE(runs.size() == 2);
  CHECK(runs[1].sequence == 4);
  CHECK(runs[1].input == "mar.csv");
  CHECK(test::read_file(journal).substr(0, good.size()) == good);
  CHECK(reg.audit_log("churn").size() == 4);
  // A record_run record without its document is corruption, not a run without fields.
  std::string damaged = test::read_file(journal);
  const auto doc = damaged.find(",\"document\":", good.size());
  REQUIRE(doc != std::string::npos);
  std::string line = damaged.substr(good.size());
  line = line.substr(9, line.size() - 10); // the JSON, without the checksum and newline
  line = line.substr(0, line.find(",\"document\":")) + "}";
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x ", registry::detail::crc32(line));
  write_text(journal, good + crc + line + "\n");
  file_registry bad(root, no_fsync());
  MLGUARD_CHECK_THROWS_ID(bad.audit_log("churn"), "mlguard.format.corrupt");
}

// `mlguard replay` end to end: the real executable on a policy document and a trace.
#include <string>
#include <vector>

#include "cli_support.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/rollback/policy.hpp"
#include "test_support.hpp"

using namespace mlguard;
namespace rb = mlguard::rollback;

namespace {

test::process_result replay_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "replay");
  return test::run_cli(std::move(args));
}

// 2026-01-01T00:00:00Z plus `s` seconds, as a trace's "t" (ns since the epoch).
std::string replay_t(int s) { return std::to_string((1767225600LL + s) * 1000000000LL); }

std::string replay_observation(int s, int version, double value, int samples) {
  return "{\"t\": " + replay_t(s) + ", \"version\": " + std::to_string(version) +
         ", \"signal\": \"error_rate\", \"value\": " + dump_json(json(value)) +
         ", \"samples\": " + std::to_string(samples) + "}\n";
}

// v2 takes the alias (v1 before it) with an error rate of 0.3 and 0.35 over two
// windows of 100 requests, then 0.05; the controller rolled back to v1 live.
std::string replay_trace() {
  return "{\"t\": " + replay_t(0) + ", \"alias\": 2, \"previous\": 1, \"rollback\": false}\n" +
         replay_observation(10, 2, 0.3, 100) + "\n" + replay_observation(20, 2, 0.35, 100) +
         replay_observation(30, 2, 0.05, 100) + "{\"t\": " + replay_t(40) +
         ", \"alias\": 1, \"previous\": null, \"rollback\": true}\n" +
         replay_observation(50, 1, 0.04, 100);
}

std::string replay_policy(const rb::policy& p) {
  return dump_json(rb::policy_document{p}.to_json(), 2);
}

// The lines of `s` (each '\n'-terminated).
std::vector<std::string> replay_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (auto nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', from)) {
    out.push_back(s.substr(from, nl - from));
    from = nl + 1;
  }
  return out;
}

} // namespace

TEST_CASE("mlguard replay: a threshold that trips rolls back once, text timeline and exit 1") {
  const test::temp_dir dir;
  const auto policy =
      dir.write("policy.json", replay_policy(rb::threshold("error_rate", 0.2, 0.1)));
  const auto trace = dir.write("trace.jsonl", replay_trace());

  const auto r = replay_cli({"--policy", policy, trace});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  CHECK(r.err.empty());
  const auto lines = replay_lines(r.out);
  REQUIRE_MESSAGE(lines.size() == 6, r.out);
  CHECK(lines[0].rfind("time", 0) == 0);
  CHECK(lines[1] == "2026-01-01T00:00:00.000Z  v2       alias → v2             previous v1");
  CHECK(lines[2] == "2026-01-01T00:00:10.000Z  v2       rollback v2 → v1       "
                    "threshold error_rate above 0.2 (reset 0.1) tripped: 0.3 vs 0.2 (100 samples)");
  CHECK(lines[3] == "2026-01-01T00:00:40.000Z  v1       alias → v1 (rollback)  no earlier version");
  CHECK(lines[4].empty());
  CHECK(lines[5] == "replay: 6 trace events, 2 alias moves; 1 rollback, 0 holds");
}

TEST_CASE("mlguard replay: all_of(grace, threshold) holds first, then rolls back, JSON timeline") {
  const test::temp_dir dir;
  const auto p = rb::all_of({rb::grace(200, "error_rate"), rb::threshold("error_rate", 0.2, 0.1)});
  const auto policy = dir.write("policy.json", replay_policy(p));
  const auto trace = dir.write("trace.jsonl", replay_trace());

  const auto text = replay_cli({"--policy", policy, trace});
  CHECK_MESSAGE(text.exit_code == 1, text.err);
  const auto lines = replay_lines(text.out);
  REQUIRE_MESSAGE(lines.size() == 7, text.out);
  CHECK(lines[2].find("  hold  ") != std::string::npos);
  CHECK(lines[2].find("held by grace 200 error_rate: 100 vs 200 (100 samples)") !=
        std::string::npos);
  CHECK(lines[2].rfind("2026-01-01T00:00:10.000Z  v2", 0) == 0);
  CHECK(lines[3].find("rollback v2 → v1") != std::string::npos);
  CHECK(lines[3].find("tripped: 0.35 vs 0.2 (100 samples)") != std::string::npos);
  CHECK(lines[6] == "replay: 6 trace events, 2 alias moves; 1 rollback, 1 hold");

  const auto r = replay_cli({"--policy", policy, "--format", "json", trace});
  CHECK_MESSAGE(r.exit_code == 1, r.err);
  const json j = parse_json(r.out, "stdout");
  CHECK(j["policy"] == rb::to_json(p));
  const auto& timeline = j["timeline"];
  REQUIRE(timeline.size() == 4);
  CHECK(timeline[0] == json{{"event", "alias"},
                            {"time", "2026-01-01T00:00:00.000Z"},
                            {"version", 2},
                            {"previous", 1},
                            {"rollback", false}});
  CHECK(timeline[1]["event"] == "decision");
  CHECK(timeline[1]["verdict"] == "hold");
  CHECK(timeline[1]["time"] == "2026-01-01T00:00:10.000Z");
  CHECK(timeline[1]["policy"] == "grace 200 error_rate");
  CHECK(timeline[1]["target"].is_null());
  REQUIRE(timeline[1]["findings"].size() == 2);
  CHECK(timeline[1]["findings"][0]["state"] == "unknown");
  CHECK(timeline[1]["findings"][1]["state"] == "tripped");
  CHECK(timeline[2]["verdict"] == "rollback");
  CHECK(timeline[2]["version"] == 2);
  CHECK(timeline[2]["target"] == 1);
  CHECK(timeline[2]["time"] == "2026-01-01T00:00:20.000Z");
  CHECK(timeline[2]["policy"] == "threshold error_rate above 0.2 (reset 0.1)");
  CHECK(timeline[3]["event"] == "alias");
  CHECK(timeline[3]["version"] == 1);
  CHECK(timeline[3]["previous"].is_null());
  CHECK(timeline[3]["rollback"] == true);

  // -o writes the same document to a file.
  const auto out = dir.file("timeline.json");
  const auto to_file = replay_cli({"--policy", policy, "--format", "json", "-o", out, trace});
  CHECK(to_file.exit_code == 1);
  CHECK(to_file.out.empty());
  CHECK(parse_json(test::read_file(out), out) == j);
}

TEST_CASE("mlguard replay: exit 0 without a rollback or hold, a hold without an earlier version") {
  const test::temp_dir dir;
  const auto policy =
      dir.write("policy.json", replay_policy(rb::threshold("error_rate", 0.5, 0.4)));
  const auto trace = dir.write("trace.jsonl", replay_trace());
  const auto r = replay_cli({"--policy", policy, trace});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(r.out.find("rollback v") == std::string::npos);
  CHECK(r.out.find("replay: 6 trace events, 2 alias moves; 0 rollbacks, 0 holds\n") !=
        std::string::npos);
  // Without an earlier version a trip is a hold; back below the reset level it is keep.
  const auto lone = dir.write(
      "lone.jsonl", "{\"t\": " + replay_t(0) + ", \"alias\": 1, \"previous\": null}\n" +
                        replay_observation(10, 1, 0.6, 100) + replay_observation(20, 1, 0.1, 100));
  const auto held = replay_cli({"--policy", policy, lone});
  CHECK_MESSAGE(held.exit_code == 1, held.err);
  const auto held_lines = replay_lines(held.out);
  REQUIRE_MESSAGE(held_lines.size() == 6, held.out);
  CHECK(held_lines[2] == "2026-01-01T00:00:10.000Z  v1       hold        threshold error_rate "
                         "above 0.5 (reset 0.4) tripped, but no earlier version to roll back to");
  CHECK(held_lines[3] == "2026-01-01T00:00:20.000Z  v1       keep        threshold error_rate "
                         "above 0.5 (reset 0.4): clear");
  CHECK(held_lines[5] == "replay: 3 trace events, 1 alias move; 0 rollbacks, 1 hold");
  // An empty trace is a replay of nothing.
  const auto empty = replay_cli({"--policy", policy, dir.write("empty.jsonl", "")});
  CHECK_MESSAGE(empty.exit_code == 0, empty.err);
  CHECK(empty.out == "replay: 0 trace events, 0 alias moves; 0 rollbacks, 0 holds\n");
}

TEST_CASE("mlguard replay: missing files, a corrupt policy or trace line exit 2 by id") {
  const test::temp_dir dir;
  const auto policy =
      dir.write("policy.json", replay_policy(rb::threshold("error_rate", 0.2, 0.1)));
  const auto trace = dir.write("trace.jsonl", replay_trace());
  const auto bad_line = dir.write("bad_line.jsonl", replay_observation(1, 2, 0.1, 10) +
                                                        "{\"t\": 2, \"version\": 2, \"signal\"\n");
  const auto bad_field =
      dir.write("bad_field.jsonl", "\n" + replay_observation(1, 2, 0.1, 10) +
                                       "{\"t\": 2, \"alias\": 2, \"colour\": \"red\"}\n");
  const auto no_value =
      dir.write("no_value.jsonl", "{\"t\": 2, \"version\": 2, \"signal\": \"error_rate\"}\n");
  const auto not_json = dir.write("not_json.json", "{\"format\": ");
  const auto wrong_kind =
      dir.write("profile.json", "{\"format\": \"mlguard.dataset_profile\", \"format_version\": 1}");
  const auto unknown_kind = dir.write(
      "unknown_kind.json", "{\"format\": \"mlguard.rollback_policy\", \"format_version\": 1, "
                           "\"policy\": {\"kind\": \"vibes\"}}");
  const auto bad_reset =
      dir.write("bad_reset.json",
                "{\"format\": \"mlguard.rollback_policy\", \"format_version\": 1, "
                "\"policy\": {\"kind\": \"threshold\", \"signal\": \"error_rate\", "
                "\"trip\": 0.2, \"reset\": 0.5, \"worse\": \"above\", \"min_samples\": 0}}");
  struct bad_replay {
    std::vector<std::string> args;
    std::string id;
    std::string needle;
  };
  const std::vector<bad_replay> cases = {
      {{"--policy", dir.file("missing.json"), trace}, "mlguard.io.open_failed", "missing.json"},
      {{"--policy", policy, dir.file("missing.jsonl")}, "mlguard.io.open_failed", "missing.jsonl"},
      {{"--policy", policy, dir.path}, "mlguard.io.read_failed", dir.path},
      {{"--policy", not_json, trace}, "mlguard.format.corrupt", "not_json.json"},
      {{"--policy", wrong_kind, trace}, "mlguard.format.wrong_kind", "profile.json"},
      {{"--policy", unknown_kind, trace}, "mlguard.format.corrupt", "vibes"},
      {{"--policy", bad_reset, trace}, "mlguard.rollback.invalid_option", "reset 0.5"},
      {{"--policy", policy, bad_line}, "mlguard.format.corrupt", "bad_line.jsonl:2"},
      {{"--policy", policy, bad_field}, "mlguard.format.unknown_field", "bad_field.jsonl:3"},
      {{"--policy", policy, no_value}, "mlguard.format.corrupt", "no_value.jsonl:1"},
      {{trace}, "", "--policy is required"},
      {{"--policy", policy}, "", "TRACE is required"},
      {{"--policy", policy, "--format", "yaml", trace}, "", "--format"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.needle);
    const auto r = replay_cli(c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(test::count_lines(r.err) == 1);
    CHECK(r.err.rfind("mlguard: error: ", 0) == 0);
    if (!c.id.empty()) {
      CHECK_MESSAGE(r.err.find("[" + c.id + "]") != std::string::npos, r.err);
    }
    CHECK_MESSAGE(r.err.find(c.needle) != std::string::npos, r.err);
  }
}

TEST_CASE("mlguard replay: --help names the exit statuses") {
  const auto r = replay_cli({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--policy") != std::string::npos);
  CHECK(r.out.find("exit 1 when it decides a rollback or a hold") != std::string::npos);
  CHECK(r.out.find("Exit status: 0") != std::string::npos);
}

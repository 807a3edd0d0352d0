// `mlguard replay`: runs a recorded rollback trace through a policy, offline.
//
//   mlguard replay --policy POLICY.json [--format text|json] [-o FILE] TRACE.jsonl
//
// POLICY.json is a "mlguard.rollback_policy" document (rollback/policy.hpp);
// TRACE.jsonl is what a rollback controller recorded (controller_options::
// trace_path; rollback/signal.hpp). The trace goes through the decision engine
// the live controller runs (rollback/replay.hpp), so a real incident replays
// while thresholds are tuned.
//
// text: one line per alias move and per decision (time, version, event, the
// policy that fired and its numbers), then a summary line; json:
//   {"policy": {...}, "timeline": [{"event": "alias", "time", "version",
//    "previous", "rollback"} | {"event": "decision", ...to_json(decision)}]}
// Exit status (command.hpp): 1 when the policy decided at least one rollback
// or hold, 0 when it decided neither, 2 on a usage or input error (a missing
// file, a corrupt policy, a corrupt trace line: the message names file:line).
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <mlguard/core/iso8601.hpp>
#include <mlguard/core/json.hpp>
#include <mlguard/rollback/policy.hpp>
#include <mlguard/rollback/replay.hpp>

#include "command.hpp"
#include "output.hpp"
#include "text_table.hpp"

namespace mlguard::cli {
namespace {

namespace rb = rollback;

struct replay_args {
  std::string policy;
  std::string trace;
  output_options out;
};

std::string version_text(int v) { return "v" + std::to_string(v); }

// "alias → v3", "rollback v3 → v2", "hold", "keep".
std::string event_text(const rb::timeline_entry& e) {
  if (e.type == rb::trace_event::kind::alias) {
    return "alias → " + version_text(e.moved.version) + (e.moved.rollback ? " (rollback)" : "");
  }
  const auto& d = e.decided;
  if (d.action == rb::decision_verdict::rollback && d.target) {
    return "rollback " + version_text(d.version) + " → " + version_text(*d.target);
  }
  return rb::to_string(d.action);
}

// Why: where a rollback would go for an alias move; for a decision its reason,
// led by the policy when the reason does not name it ("...: clear").
std::string why_text(const rb::timeline_entry& e) {
  if (e.type == rb::trace_event::kind::alias) {
    return e.moved.previous ? "previous " + version_text(*e.moved.previous)
                            : std::string("no earlier version");
  }
  const auto& d = e.decided;
  if (d.policy.empty() || d.reason.find(d.policy) != std::string::npos) {
    return d.reason;
  }
  return d.policy + ": " + d.reason;
}

json entry_json(const rb::timeline_entry& e) {
  if (e.type == rb::trace_event::kind::alias) {
    json j = json::object();
    j["event"] = "alias";
    j["time"] = format_iso8601(e.moved.time);
    j["version"] = e.moved.version;
    j["previous"] = e.moved.previous ? json(*e.moved.previous) : json(nullptr);
    j["rollback"] = e.moved.rollback;
    return j;
  }
  json j = rb::to_json(e.decided);
  j["event"] = "decision";
  return j;
}

std::string plural(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

void add_replay_command(CLI::App& app, int& status) {
  auto args = std::make_shared<replay_args>();
  auto* cmd = app.add_subcommand(
      "replay", "Replay a rollback controller's recorded trace through a policy, offline; "
                "exit 1 when it decides a rollback or a hold");
  cmd->add_option("--policy", args->policy,
                  "Rollback policy: a mlguard.rollback_policy document (JSON)")
      ->required();
  cmd->add_option("TRACE", args->trace,
                  "Trace a controller recorded (controller_options::trace_path), JSON lines")
      ->required();
  add_output_options(cmd, args->out);
  cmd->footer("Exit status: 0 when the policy decides no rollback and no hold, 1 when it "
              "decides at least one, 2 on a usage or input error (a missing file, a corrupt "
              "policy, a corrupt trace line).");

  cmd->callback([args, &status] {
    const auto p = rb::policy_document::load(args->policy).rollback;
    const auto events = rb::read_trace(args->trace);
    const auto timeline = rb::replay(p, events);

    std::size_t moves = 0;
    std::size_t rollbacks = 0;
    std::size_t holds = 0;
    json entries = json::array();
    for (const auto& e : timeline) {
      if (e.type == rb::trace_event::kind::alias) {
        ++moves;
      } else {
        rollbacks += e.decided.action == rb::decision_verdict::rollback ? 1 : 0;
        holds += e.decided.action == rb::decision_verdict::hold ? 1 : 0;
      }
      entries.push_back(entry_json(e));
    }
    json document = json::object();
    document["policy"] = rb::to_json(p);
    document["timeline"] = std::move(entries);

    emit(args->out, document, [&] {
      std::string text;
      if (!timeline.empty()) {
        text_table table({"time", "version", "event", "why"});
        for (const auto& e : timeline) {
          const auto& t = e.type == rb::trace_event::kind::alias ? e.moved.time : e.decided.time;
          const int v =
              e.type == rb::trace_event::kind::alias ? e.moved.version : e.decided.version;
          table.add({format_iso8601(t), version_text(v), event_text(e), why_text(e)});
        }
        text = table.str() + "\n";
      }
      return text + "replay: " + plural(events.size(), "trace event", "trace events") + ", " +
             plural(moves, "alias move", "alias moves") + "; " +
             plural(rollbacks, "rollback", "rollbacks") + ", " + plural(holds, "hold", "holds");
    });
    status = rollbacks + holds > 0 ? exit_findings : exit_ok;
  });
}

} // namespace mlguard::cli

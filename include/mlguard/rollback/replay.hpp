#ifndef MLGUARD_ROLLBACK_REPLAY_HPP
#define MLGUARD_ROLLBACK_REPLAY_HPP

// Replay: a recorded trace (controller_options::trace_path) run through a
// policy offline, with the decision engine the live controller runs, so a real
// incident can be replayed while thresholds are tuned.
//
// The trace holds what the controller saw, including the alias moves that
// happened live; a different policy replayed on it decides at other times,
// but the alias still moves where it moved live. Refusals by registry guards
// are not in the trace: the registry's journal has them.

#include <string>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/rollback/decision_engine.hpp"
#include "mlguard/rollback/signal.hpp"

namespace mlguard::rollback {

/// One line of a replay's timeline: an alias move or a decision.
struct timeline_entry {
  trace_event::kind type = trace_event::kind::alias;
  alias_event moved;
  decision decided;
};

/// Reads a trace file (one JSON object per line; blank lines skipped).
/// Throws io_error (mlguard.io.open_failed, read_failed) and format_error
/// naming the file and line (mlguard.format.corrupt, unknown_field).
template <class = void> // deferred: see core/json.hpp
std::vector<trace_event> read_trace(const std::string& path);

/// Runs `events` through `p`, in order; returns the alias moves and the
/// decisions, in order. Throws what the policy's construction throws.
template <class = void>
std::vector<timeline_entry> replay(const policy& p, const std::vector<trace_event>& events);

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <fstream>

namespace mlguard::rollback {

template <class> // deferred: see core/json.hpp
std::vector<trace_event> read_trace(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw io_error("open_failed", path + ": cannot open the trace");
  }
  std::vector<trace_event> events;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    const std::string where = path + ":" + std::to_string(number);
    events.push_back(trace_event_from_json(parse_json(line, where), where));
  }
  if (in.bad()) { // an I/O error, or a directory: not an empty trace
    throw io_error("read_failed", path + ": cannot read the trace");
  }
  return events;
}

template <class>
std::vector<timeline_entry> replay(const policy& p, const std::vector<trace_event>& events) {
  decision_engine engine(p);
  std::vector<timeline_entry> out;
  for (const auto& e : events) {
    if (e.type == trace_event::kind::alias) {
      engine.feed(e.moved);
      out.push_back({trace_event::kind::alias, e.moved, {}});
    } else if (auto d = engine.feed(e.observed)) {
      out.push_back({trace_event::kind::observation, {}, std::move(*d)});
    }
  }
  return out;
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_REPLAY_HPP

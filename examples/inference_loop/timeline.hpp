#ifndef MLGUARD_EXAMPLES_INFERENCE_LOOP_TIMELINE_HPP
#define MLGUARD_EXAMPLES_INFERENCE_LOOP_TIMELINE_HPP

// The demo's output: one line per event (time, version, event, the numbers
// behind it), kept as JSON too for the report.

#include <mlguard/core/clock.hpp>
#include <mlguard/core/iso8601.hpp>
#include <mlguard/core/json.hpp>

#include <cstdio>
#include <string>

namespace demo {

/// Prints events as they happen and keeps them for the JSON report.
class timeline {
public:
  explicit timeline(const mlguard::clock_source& clock) : clock_(clock) {}

  /// One event about version `version` (0: none in particular).
  void add(int version, const std::string& event, const std::string& detail) {
    const std::string when = mlguard::format_iso8601(clock_.now()).substr(0, 16);
    const std::string who = version > 0 ? "v" + std::to_string(version) : "";
    std::printf("%s  %-3s %-20s %s\n", when.c_str(), who.c_str(), event.c_str(), detail.c_str());
    std::fflush(stdout);
    events_.push_back({{"time", when}, {"version", version}, {"event", event}, {"detail", detail}});
  }

  /// A heading between acts of the story.
  void act(const std::string& title) { std::printf("\n-- %s\n", title.c_str()); }

  const mlguard::json& events() const noexcept { return events_; }

private:
  const mlguard::clock_source& clock_;
  mlguard::json events_ = mlguard::json::array();
};

} // namespace demo

#endif // MLGUARD_EXAMPLES_INFERENCE_LOOP_TIMELINE_HPP

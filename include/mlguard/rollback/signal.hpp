#ifndef MLGUARD_ROLLBACK_SIGNAL_HPP
#define MLGUARD_ROLLBACK_SIGNAL_HPP

// What a rollback controller watches: observations (a named number about one
// model version, with the sample size behind it) and alias events (the
// watched alias moved). A trace is these events in order, one JSON object per
// line; the controller can record one, and replay reads it back.
//
// Signal names are the application's. mlguard's adapters (rollback/signals.hpp)
// use these, each with its meaning of value and samples:
//   "error"            one labelled request: value = its loss (0/1 misclassified,
//                      or |y − ŷ|), samples = 1
//   "accuracy", "error_rate", "auc", "log_loss", "mae", "rmse"
//                      one closed performance window: value = the metric,
//                      samples = labels in the window
//   "drifted_features" one closed input monitor window: value = features that
//                      drifted, samples = rows in the window
//   "rejected"         requests since the last sample: value = how many were
//                      rejected, samples = how many there were
//   "fairness.demographic_parity_difference", "fairness.equalized_odds_difference", ...
//                      one closed fairness window (rollback/fairness_signals.hpp):
//                      value = the disparity, samples = rows in the window
// Rate policies read value / samples; the others read value.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::rollback {

/// One number about one model version.
struct observation {
  timestamp time{};
  /// The registry version the number is about (0: whichever the alias names now).
  int version = 0;
  std::string signal;
  double value = 0.0;
  /// How many events stand behind value (a window's rows, a batch's requests).
  std::uint64_t samples = 1;
};

/// The watched alias moved (or was first seen).
struct alias_event {
  timestamp time{};
  /// Where the alias points now.
  int version = 0;
  /// Where rolling back would take it (nothing: no earlier version).
  std::optional<int> previous;
  /// The move was a rollback (by this controller or another one).
  bool rollback = false;
};

/// One line of a trace: an observation or an alias event.
struct trace_event {
  enum class kind { observation, alias };
  kind type = kind::observation;
  observation observed;
  alias_event moved;

  static trace_event of(observation o) {
    trace_event e;
    e.observed = std::move(o);
    return e;
  }
  static trace_event of(const alias_event& a) {
    trace_event e;
    e.type = kind::alias;
    e.moved = a;
    return e;
  }
  timestamp time() const noexcept { return type == kind::observation ? observed.time : moved.time; }
};

/// A trace line: {"t": ns since the epoch, "version", "signal", "value",
/// "samples"} for an observation, {"t", "alias": version, "previous":
/// version or null, "rollback": bool} for an alias event.
template <class = void> // deferred: see core/json.hpp
json to_json(const trace_event& e);

/// Reads one trace line (as to_json wrote it); `source` names it in errors.
/// Throws format_error (mlguard.format.corrupt naming the field,
/// mlguard.format.unknown_field).
template <class = void>
trace_event trace_event_from_json(const json& j, std::string_view source);

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class> // deferred: see core/json.hpp
json to_json(const trace_event& e) {
  const auto t = e.time().time_since_epoch().count();
  if (e.type == trace_event::kind::alias) {
    json j = {{"t", t}, {"alias", e.moved.version}, {"rollback", e.moved.rollback}};
    j["previous"] = e.moved.previous ? json(*e.moved.previous) : json(nullptr);
    return j;
  }
  return {{"t", t},
          {"version", e.observed.version},
          {"signal", e.observed.signal},
          {"value", json_number(e.observed.value)},
          {"samples", e.observed.samples}};
}

template <class>
trace_event trace_event_from_json(const json& j, std::string_view source) {
  const json_reader r(j, std::string(source));
  const auto t = timestamp(std::chrono::nanoseconds(r.integer(
      "t", std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max())));
  if (r.has("alias")) {
    r.allow_fields({"t", "alias", "previous", "rollback"});
    alias_event a;
    a.time = t;
    a.version = static_cast<int>(r.integer("alias", 1, std::numeric_limits<int>::max()));
    if (r.has_value("previous")) {
      a.previous = static_cast<int>(r.integer("previous", 1, std::numeric_limits<int>::max()));
    }
    a.rollback = r.has("rollback") && r.flag("rollback");
    return trace_event::of(a);
  }
  r.allow_fields({"t", "version", "signal", "value", "samples"});
  observation o;
  o.time = t;
  o.version = static_cast<int>(r.integer("version", 0, std::numeric_limits<int>::max()));
  o.signal = r.text("signal");
  o.value = r.number("value");
  o.samples = r.count("samples");
  return trace_event::of(std::move(o));
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_SIGNAL_HPP

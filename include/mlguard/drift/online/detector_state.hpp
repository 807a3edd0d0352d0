#ifndef MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP
#define MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP

// What every online concept-drift detector in mlguard/drift/online/ shares:
// the verdict of one update and the envelope of the persisted state.
//
// The detectors port River's (online-ml/river) drift detectors: same
// parameters, same defaults, same arithmetic in the same order, hence the
// same detections on the same stream. Each one
//  - takes one observation per update(x) and answers none / warning / drift,
//    without allocating, locking or throwing;
//  - ignores non-finite input (NaN, ±inf): the value is counted in
//    ignored_count(), nothing else changes, and update answers none;
//  - after answering drift, starts afresh at its next accepted observation,
//    as River's detectors do (`if self.drift_detected: self._reset()`);
//  - saves its full state with to_json() and restores it with from_json(),
//    so a restarted service continues exactly where it stopped.
// A detector is a plain value: one per thread, or guard it yourself.

#include <cstdint>

namespace mlguard::drift::online {

/// The verdict of one update: nothing, a warning (DDM, EDDM, HDDM_A and
/// HDDM_W only) or a drift. Matches River's `drift_detected` /
/// `warning_detected` flags after `update(x)`; drift wins when both are set.
enum class detector_state : std::uint8_t {
  none,    ///< no evidence of change
  warning, ///< the warning zone (River's warning_detected)
  drift,   ///< drift detected (River's drift_detected)
};

/// "none", "warning" or "drift".
inline const char* to_string(detector_state s) noexcept {
  switch (s) {
  case detector_state::warning:
    return "warning";
  case detector_state::drift:
    return "drift";
  case detector_state::none:
  default:
    return "none";
  }
}

/// The "format" of every persisted online detector:
/// {"format": "mlguard.online_detector", "format_version": 1,
///  "detector": "<name>", "params": {...}, "state": {...}}.
inline constexpr const char* online_detector_format = "mlguard.online_detector";

/// The newest format_version the detectors write and read.
inline constexpr std::int64_t online_detector_format_version = 1;

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP

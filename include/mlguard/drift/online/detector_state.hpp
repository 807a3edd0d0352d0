#ifndef MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP
#define MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP

// The verdict an online drift detector gives for one observation. Kept in a
// header of its own, without JSON, so that code which only reacts to
// verdicts includes nothing else; the detectors themselves are described in
// detector_base.hpp.

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

} // namespace mlguard::drift::online

#endif // MLGUARD_DRIFT_ONLINE_DETECTOR_STATE_HPP

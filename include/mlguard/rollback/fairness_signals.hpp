#ifndef MLGUARD_ROLLBACK_FAIRNESS_SIGNALS_HPP
#define MLGUARD_ROLLBACK_FAIRNESS_SIGNALS_HPP

// A fairness limit as a rollback signal: a fairness_monitor's closed windows
// become a controller's observations (signal.hpp), one per disparity, named
// "<prefix>.<disparity>" (fairness::metric_name, e.g. "fairness.demographic_parity_difference";
// value = the disparity, samples = rows in the window); fairness_policy
// (rollback/fairness_policy.hpp) turns a fairness::fairness_threshold into a
// threshold policy on one of them.
//
//   fairness::fairness_monitor monitor(options,
//       rollback::feed_fairness(controller, version, clock));
//   rollback_controller controller(reg, any_of({..., rollback::fairness_policy(
//       {fairness::disparity::equalized_odds_difference, 0.2}, 0.1, 500)}), copts);
//
// The monitor's own path stays allocation-free; the adapter allocates (the
// observations, the controller's queue) once per closed window, not per row.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/fairness/fairness_monitor.hpp"
#include "mlguard/fairness/group_metrics.hpp"
#include "mlguard/rollback/signal.hpp"

namespace mlguard::rollback {

/// A closed fairness window as observations of `version` at `t`: one per
/// disparity it defines (samples = rows in the window). A window that
/// compared fewer than `min_groups` groups gives none: no evidence either way.
template <class = void> // deferred: see core/json.hpp
std::vector<observation> observations_of(const fairness::fairness_window& w, int version,
                                         timestamp t, std::string_view prefix = "fairness",
                                         std::uint64_t min_groups = 2);

/// A fairness_monitor callback that feeds each closed window to `controller`
/// (a rollback_controller, or anything with observe(observation)) as
/// observations of `version` (0: whichever version the alias serves),
/// stamped by `clock`, then calls `next`. The controller and the clock must
/// outlive the monitor. A template on the controller, so this header does
/// not pull in controller.hpp (the registry, alerts): its caller has it.
template <class Controller>
fairness::fairness_monitor::callback
feed_fairness(Controller& controller, int version = 0,
              const clock_source& clock = system_clock::instance(),
              fairness::fairness_monitor::callback next = {}, std::string prefix = "fairness") {
  return [&controller, &clock, version, next = std::move(next),
          prefix = std::move(prefix)](const fairness::fairness_window& w) {
    for (auto& o : observations_of(w, version, clock.now(), prefix)) {
      controller.observe(std::move(o));
    }
    if (next) {
      next(w);
    }
  };
}

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::rollback {

template <class> // deferred: see core/json.hpp
std::vector<observation> observations_of(const fairness::fairness_window& w, int version,
                                         timestamp t, std::string_view prefix,
                                         std::uint64_t min_groups) {
  std::vector<observation> out;
  if (w.metrics.groups_present < min_groups) {
    return out;
  }
  for (auto d : {fairness::disparity::demographic_parity_difference,
                 fairness::disparity::demographic_parity_ratio,
                 fairness::disparity::equalized_odds_difference,
                 fairness::disparity::equal_opportunity_difference,
                 fairness::disparity::tpr_difference, fairness::disparity::fpr_difference}) {
    if (const auto v = fairness::value_of(w.metrics, d)) {
      out.push_back(observation{t, version, fairness::metric_name(d, prefix), *v, w.rows});
    }
  }
  return out;
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_FAIRNESS_SIGNALS_HPP

#ifndef MLGUARD_REGISTRY_FAIRNESS_GUARD_HPP
#define MLGUARD_REGISTRY_FAIRNESS_GUARD_HPP

// A fairness limit as a promotion guard. Guards run under the registry's
// write lock, so this one computes nothing on data: it reads the disparities
// recorded on the candidate version at registration (version_metadata::metrics,
// filled with fairness::metric_entries on a holdout), the way min_metric
// reads an AUC.
//
//   auto meta = registry::version_metadata{};
//   meta.metrics = fairness::metric_entries(fairness::evaluate(holdout, "tipped",
//                                            "score", "zone", opts), "fairness.zone");
//   reg.register_version("tips", uri, meta);
//   reg.guards().add("fair-zones", registry::guards::fairness_limit("fairness.zone",
//                    {fairness::disparity::demographic_parity_difference, 0.1}), "champion");

#include <cstdint>
#include <string>
#include <utility>

#include "mlguard/fairness/disparity.hpp"
#include "mlguard/registry/guards.hpp"

namespace mlguard::registry::guards {

/// Refuses unless the candidate carries the metrics "<prefix>.<disparity>"
/// and "<prefix>.groups_present" (fairness::metric_entries wrote them), the
/// disparity is within `limit` (a difference ≤ limit, the ratio ≥ limit;
/// fairness::fairness_threshold), and the evidence compared at least
/// `min_groups` groups over at least `min_rows` rows ("<prefix>.rows"). The
/// refusal names the metric and its numbers. A map lookup or three: quick
/// enough for the registry's write lock.
template <class = void> // deferred: see core/json.hpp
transition_guard fairness_limit(std::string prefix, fairness::fairness_threshold limit,
                                std::uint64_t min_groups = 2, std::uint64_t min_rows = 0);

} // namespace mlguard::registry::guards

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::guards {

template <class> // deferred: see core/json.hpp
transition_guard fairness_limit(std::string prefix, fairness::fairness_threshold limit,
                                std::uint64_t min_groups, std::uint64_t min_rows) {
  return [prefix = std::move(prefix), limit, min_groups, min_rows](const transition& t) {
    const auto& metrics = t.candidate->metrics;
    const std::string name = fairness::metric_name(limit.metric, prefix);
    const auto groups = metrics.find(prefix + ".groups_present");
    const auto rows = metrics.find(prefix + ".rows");
    const auto value = metrics.find(name);
    if (value == metrics.end() || groups == metrics.end() || rows == metrics.end()) {
      return guard_verdict::refuse("version " + std::to_string(t.candidate->version) +
                                   " has no fairness metrics '" + name + "', '" + prefix +
                                   ".groups_present' and '" + prefix +
                                   ".rows' (record fairness::metric_entries at registration)");
    }
    const auto count = [](double v) { // counts as integers in messages
      return v >= 0 && v < 1e19 ? std::to_string(static_cast<std::uint64_t>(v)) : std::to_string(v);
    };
    if (!(groups->second >= static_cast<double>(min_groups))) {
      return guard_verdict::refuse(prefix + " compared " + count(groups->second) +
                                   " groups, fewer than " + std::to_string(min_groups));
    }
    if (!(rows->second >= static_cast<double>(min_rows))) {
      return guard_verdict::refuse(prefix + " was measured on " + count(rows->second) +
                                   " rows, fewer than " + std::to_string(min_rows));
    }
    if (limit.violated(value->second)) {
      return guard_verdict::refuse(name + " " + std::to_string(value->second) +
                                   (limit.higher_is_fairer() ? " < " : " > ") +
                                   std::to_string(limit.limit));
    }
    return guard_verdict::allow();
  };
}

} // namespace mlguard::registry::guards

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_FAIRNESS_GUARD_HPP

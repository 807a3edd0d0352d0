#ifndef MLGUARD_SERVING_OUTCOME_HPP
#define MLGUARD_SERVING_OUTCOME_HPP

// What one guarded request returns: the prediction, what happened to the
// row on its way (ok, flagged, imputed, rejected), its anomalies, the
// model version that answered and, when asked for, the features that moved
// the prediction most. A plain value: no allocation, no pointers into the
// model. request_counts tallies the statuses of a model's requests.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "mlguard/core/json.hpp"
#include "mlguard/explain/contribution.hpp"
#include "mlguard/validate/anomaly.hpp"

namespace mlguard::serving {

/// What happened to a request, by severity: a request reports the most severe.
enum class request_status : std::uint8_t {
  ok = 0,       ///< valid, scored as sent
  flagged = 1,  ///< scored, but a value had an anomaly under the flag (or clip) policy
  imputed = 2,  ///< scored on at least one value the schema or the pipeline made up
  rejected = 3, ///< not scored: a reject policy fired, or the model cannot take the row
};

/// "ok", "flagged", "imputed" or "rejected".
constexpr const char* to_string(request_status s) noexcept {
  switch (s) {
  case request_status::ok:
    return "ok";
  case request_status::flagged:
    return "flagged";
  case request_status::imputed:
    return "imputed";
  case request_status::rejected:
    return "rejected";
  }
  return "rejected";
}

/// One anomalous feature of a request.
struct feature_anomaly {
  std::uint32_t feature = 0; ///< its position in the feature layout
  validate::anomaly_set kinds;
};

/// The outcome of one guarded request.
struct outcome {
  /// The pipeline's first output (NaN when rejected).
  double prediction = std::numeric_limits<double>::quiet_NaN();
  request_status status = request_status::rejected;
  /// The registry version of the model that answered (0: none).
  int version = 0;
  /// The request's id (the caller's, or one the model assigned).
  std::uint64_t request_id = 0;
  /// Features with at least one anomaly.
  std::uint32_t anomalous_features = 0;
  /// Values the schema's impute policy or the pipeline's imputer made up.
  std::uint32_t imputed_values = 0;
  /// True when the row did not have one value per layout feature.
  bool malformed = false;
  /// The first `listed` anomalous features (at most max_listed).
  static constexpr std::size_t max_listed = 8;
  std::uint32_t listed = 0;
  std::array<feature_anomaly, max_listed> anomalies{};
  /// The largest contributions to the prediction's margin, largest magnitude
  /// first (guarded_options::top_contributions of them; none by default or
  /// when the model does not explain). `feature` is a layout index.
  static constexpr std::size_t max_contributions = 8;
  std::uint32_t contributions_listed = 0;
  std::array<explain::feature_contribution, max_contributions> contributions{};
};

/// The outcome as JSON: {"prediction", "status", "version", "request_id",
/// "anomalous_features", "imputed_values", "anomalies": [{"feature": index,
/// "kinds": [TFDV anomaly names]}]} (plus "malformed": true when it was, and
/// "contributions": [{"feature": index, "value": v}] when any were listed).
template <class = void> // deferred: see core/json.hpp
json to_json(const outcome& o);

/// Request counters of one guarded_model (a consistent-enough snapshot of atomics).
struct request_counts {
  std::uint64_t ok = 0, flagged = 0, imputed = 0, rejected = 0;
  /// Values made up by the schema's impute policy or the pipeline's imputer.
  std::uint64_t imputed_values = 0;
  std::uint64_t total() const noexcept { return ok + flagged + imputed + rejected; }
};

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class> // deferred: see core/json.hpp
json to_json(const outcome& o) {
  json j = json::object();
  j["prediction"] = json_number(o.prediction);
  j["status"] = to_string(o.status);
  j["version"] = o.version;
  j["request_id"] = o.request_id;
  j["anomalous_features"] = o.anomalous_features;
  j["imputed_values"] = o.imputed_values;
  json list = json::array();
  for (std::uint32_t i = 0; i < o.listed; ++i) {
    json kinds = json::array();
    for (std::size_t k = 0; k < validate::anomaly_kind_count; ++k) {
      const auto kind = static_cast<validate::anomaly_kind>(k);
      if (o.anomalies[i].kinds.has(kind)) {
        kinds.push_back(validate::to_string(kind));
      }
    }
    list.push_back({{"feature", o.anomalies[i].feature}, {"kinds", std::move(kinds)}});
  }
  j["anomalies"] = std::move(list);
  if (o.malformed) {
    j["malformed"] = true;
  }
  if (o.contributions_listed > 0) {
    json top = json::array();
    for (std::uint32_t i = 0; i < o.contributions_listed; ++i) {
      top.push_back({{"feature", o.contributions[i].feature},
                     {"value", json_number(o.contributions[i].value)}});
    }
    j["contributions"] = std::move(top);
  }
  return j;
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_OUTCOME_HPP

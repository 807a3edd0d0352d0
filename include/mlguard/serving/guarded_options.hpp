#ifndef MLGUARD_SERVING_GUARDED_OPTIONS_HPP
#define MLGUARD_SERVING_GUARDED_OPTIONS_HPP

// How a guarded_model watches its requests: its monitors, delayed-label
// metrics, lanes, model kinds and callbacks. Apart from guarded_model.hpp so
// that a header holding these options (registry_follower.hpp) need not
// include the model itself.

#include <cstddef>
#include <functional>

#include "mlguard/drift/drift_monitor.hpp"
#include "mlguard/drift/performance_tracker.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/model_loaders.hpp"

namespace mlguard::serving {

/// How a guarded_model watches its requests.
struct guarded_options {
  /// The input monitor: method, thresholds (per feature too), bins. Its
  /// window must be a tumbling count window: one window per window.size
  /// requests scored, across all threads.
  drift::monitor_options inputs;
  /// The prediction monitor (over the model's outputs).
  drift::monitor_options predictions;
  bool monitor_inputs = true;
  /// Needs the bundle's predictions profile; ignored without one.
  bool monitor_predictions = true;
  /// Delayed-label metrics (record_label).
  drift::performance_options performance;
  /// Run the bundle's smoke rows when the model is built (check_smoke), so a
  /// model that fails them is never built.
  bool check_smoke = true;
  /// Contributions listed in each scored request's outcome (the largest by
  /// magnitude; at most outcome::max_contributions): 0, the default, lists
  /// none and costs nothing. Needs a model with explain_top (a linear pipeline
  /// whose bundle has a background); others list none. Costs about one more
  /// pass through the preprocessing per request, without allocation.
  std::size_t top_contributions = 0;
  /// Threads that may call predict at once without waiting for each other;
  /// 0 = std::thread::hardware_concurrency().
  std::size_t lanes = 0;
  /// The model kinds the bundle's model may be of ("pipeline" always).
  model_loaders models;
  /// Receives each closed monitor window (on the request thread that closed it).
  std::function<void(const version_window&)> on_window;
  /// Receives each closed performance window (on the thread that recorded the label).
  std::function<void(const version_performance&)> on_performance;
  /// Receives each labelled request's error with the version that predicted
  /// it (on the thread that recorded the label): 0/1 for a classifier,
  /// |y − ŷ| for a regressor. Feeds online detectors on the error stream.
  std::function<void(int version, double error)> on_error;
};

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_GUARDED_OPTIONS_HPP

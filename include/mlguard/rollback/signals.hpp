#ifndef MLGUARD_ROLLBACK_SIGNALS_HPP
#define MLGUARD_ROLLBACK_SIGNALS_HPP

// From a guarded model to a controller's observations (signal.hpp names
// them): closed monitor windows, closed performance windows, each labelled
// request's error and request counters. connect() wires a guarded_model's
// callbacks to a controller in one call.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/rollback/controller.hpp"
#include "mlguard/rollback/signal.hpp"
#include "mlguard/serving/guarded_model_fwd.hpp"
#include "mlguard/serving/outcome.hpp"

namespace mlguard::rollback {

/// A closed monitor window as observations: "drifted_features" for the input
/// monitor, "drifted_predictions" for the prediction monitor (value = how many
/// drifted, samples = rows in the window).
template <class = void>
observation observation_of(const serving::version_window& w, timestamp t);

/// A closed performance window as observations, one per metric it defines
/// ("accuracy", "error_rate", "log_loss", "auc", "mae", "rmse"; samples =
/// labels in the window).
template <class = void>
std::vector<observation> observations_of(const serving::version_performance& p, timestamp t);

/// Samples a guarded model's request counters: each sample() is the
/// "rejected" observation since the previous one (value = rejected requests,
/// samples = all requests). Reads atomics only; call it from the controller's
/// side (a timer, the poll loop), never per request.
template <class = void> // deferred: see core/json.hpp
class basic_request_sampler {
public:
  explicit basic_request_sampler(const serving::guarded_model& model);

  /// The requests since the last sample, as a "rejected" observation.
  observation sample(timestamp t);

private:
  const serving::guarded_model* model_;
  serving::request_counts last_;
};

/// The type to name (a class template only so that its bodies compile where used).
using request_sampler = basic_request_sampler<>;

/// Makes `options`' callbacks also feed `controller` (keeping the callbacks
/// already set): monitor windows, performance windows and each labelled
/// request's error ("error") become observations of the version that served
/// them, stamped by `clock`. The controller and the clock must outlive the
/// models built with these options.
template <class = void>
void connect(serving::guarded_options& options, rollback_controller& controller,
             const clock_source& clock = system_clock::instance());

} // namespace mlguard::rollback

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/serving/guarded_model.hpp"

namespace mlguard::rollback {

template <class V>
MLGUARD_INLINE basic_request_sampler<V>::basic_request_sampler(const serving::guarded_model& model)
    : model_(&model), last_(model.counts()) {}

template <class>
observation observation_of(const serving::version_window& w, timestamp t) {
  const bool inputs = w.stream == "inputs";
  return observation{t, w.version, inputs ? "drifted_features" : "drifted_predictions",
                     static_cast<double>(w.report.drift.drifted), w.report.rows};
}

template <class>
std::vector<observation> observations_of(const serving::version_performance& p, timestamp t) {
  std::vector<observation> out;
  const auto put = [&](const char* name, const std::optional<double>& v) {
    if (v) {
      out.push_back(observation{t, p.version, name, *v, p.report.rows});
    }
  };
  put("accuracy", p.report.accuracy);
  put("error_rate", p.report.error_rate);
  put("log_loss", p.report.log_loss);
  put("auc", p.report.auc);
  put("mae", p.report.mae);
  put("rmse", p.report.rmse);
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_request_sampler<V>::sample(timestamp t) -> observation {
  const auto now = model_->counts();
  observation o{t, model_->version(), "rejected",
                static_cast<double>(now.rejected - last_.rejected), now.total() - last_.total()};
  last_ = now;
  return o;
}

template <class>
void connect(serving::guarded_options& options, rollback_controller& controller,
             const clock_source& clock) {
  auto on_window = std::move(options.on_window);
  options.on_window = [&controller, &clock, on_window](const serving::version_window& w) {
    controller.observe(observation_of(w, clock.now()));
    if (on_window) {
      on_window(w);
    }
  };
  auto on_error = std::move(options.on_error);
  options.on_error = [&controller, &clock, on_error](int version, double error) {
    controller.observe(observation{clock.now(), version, "error", error, 1});
    if (on_error) {
      on_error(version, error);
    }
  };
  auto on_performance = std::move(options.on_performance);
  options.on_performance = [&controller, &clock,
                            on_performance](const serving::version_performance& p) {
    for (auto& o : observations_of(p, clock.now())) {
      controller.observe(std::move(o));
    }
    if (on_performance) {
      on_performance(p);
    }
  };
}

} // namespace mlguard::rollback

#endif // MLGUARD_COMPILED
#endif // MLGUARD_ROLLBACK_SIGNALS_HPP

#ifndef MLGUARD_PIPELINE_BUILTIN_STAGES_HPP
#define MLGUARD_PIPELINE_BUILTIN_STAGES_HPP

// The registry of mlguard's built-in transform and model stages, which
// dynamic_pipeline uses by default. The validation and monitoring taps pull in
// validate/ and drift/, so a model loader should not pay for them:
// tap_stages.hpp registers those.

#include "mlguard/pipeline/stage_registry.hpp"

namespace mlguard::pipeline {

/// A registry that knows imputer, standard_scaler, min_max_scaler,
/// robust_scaler, clipper, one_hot_encoder, column_selector,
/// linear_regression, logistic_regression and callback_tap. For documents
/// with a validation_tap or monitoring_tap, use all_stages() (tap_stages.hpp).
/// Add an application's own stages to it.
template <class = void> // deferred: see core/json.hpp
stage_registry builtin_stages();

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/min_max_scaler.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/robust_scaler.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap.hpp"

namespace mlguard::pipeline {

template <class> // deferred: see core/json.hpp
stage_registry builtin_stages() {
  stage_registry r;
  r.add<imputer>();
  r.add<standard_scaler>();
  r.add<min_max_scaler>();
  r.add<robust_scaler>();
  r.add<clipper>();
  r.add<one_hot_encoder>();
  r.add<column_selector>();
  r.add<linear_regression>();
  r.add<logistic_regression>();
  r.add<callback_tap>();
  for (const char* tap : {"validation_tap", "monitoring_tap"}) {
    r.hint(tap, "load with all_stages() from mlguard/pipeline/tap_stages.hpp");
  }
  return r;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_BUILTIN_STAGES_HPP

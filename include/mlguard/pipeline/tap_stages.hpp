#ifndef MLGUARD_PIPELINE_TAP_STAGES_HPP
#define MLGUARD_PIPELINE_TAP_STAGES_HPP

// Registers the validation and monitoring taps, which builtin_stages() leaves
// out because they bring validate/ and drift/ into every file that loads a
// pipeline.

#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/pipeline/monitoring_tap.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/pipeline/validation_tap.hpp"

namespace mlguard::pipeline {

/// Adds validation_tap and monitoring_tap to `registry` and returns it.
template <class = void> // deferred: see core/json.hpp
stage_registry& add_tap_stages(stage_registry& registry);

/// Every stage in mlguard/pipeline/: builtin_stages() plus validation_tap
/// and monitoring_tap.
template <class = void>
stage_registry all_stages();

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class> // deferred: see core/json.hpp
stage_registry& add_tap_stages(stage_registry& registry) {
  registry.add<validation_tap>();
  registry.add<monitoring_tap>();
  return registry;
}

template <class>
stage_registry all_stages() {
  stage_registry r = builtin_stages();
  add_tap_stages(r);
  return r;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_TAP_STAGES_HPP

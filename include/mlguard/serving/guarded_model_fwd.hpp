#ifndef MLGUARD_SERVING_GUARDED_MODEL_FWD_HPP
#define MLGUARD_SERVING_GUARDED_MODEL_FWD_HPP

// Declares guarded_model, guarded_options and the window records it reports
// (version_window, version_performance) without defining them, for the
// headers that name them only by reference or pointer (router.hpp,
// registry_follower.hpp, serving_metrics.hpp, rollback/signals.hpp). In the
// compiled mode such a header then does not parse guarded_model.hpp and all
// it includes; a program that builds a guarded_model includes
// guarded_model.hpp itself.

namespace mlguard::serving {

template <class>
class basic_guarded_model;

/// The type to name (a class template only so that its bodies compile where
/// used); defined in guarded_model.hpp.
using guarded_model = basic_guarded_model<void>;

struct guarded_options;
struct version_window;
struct version_performance;

} // namespace mlguard::serving

#endif // MLGUARD_SERVING_GUARDED_MODEL_FWD_HPP

#ifndef MLGUARD_EXPLAIN_CONTRIBUTION_HPP
#define MLGUARD_EXPLAIN_CONTRIBUTION_HPP

// One feature's share of a prediction: the value type of top-k explanations,
// small and trivially copyable so that a request's outcome can hold a few.

#include <cstdint>

namespace mlguard::explain {

/// One input feature's contribution to a prediction's margin: `feature`
/// indexes the model's input features (a guarded model's layout).
struct feature_contribution {
  std::uint32_t feature = 0;
  double value = 0.0;
};

} // namespace mlguard::explain

#endif // MLGUARD_EXPLAIN_CONTRIBUTION_HPP

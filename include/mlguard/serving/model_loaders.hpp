#ifndef MLGUARD_SERVING_MODEL_LOADERS_HPP
#define MLGUARD_SERVING_MODEL_LOADERS_HPP

// Which model kinds a process can serve: a bundle names its model's kind
// (model.json), and model_loaders turns the bundle into that model.

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/serving/model.hpp"
#include "mlguard/serving/pipeline_model.hpp"

namespace mlguard::serving {

/// Model kinds by name. "pipeline" (pipeline_model) is always known; add
/// others, such as mlguard::xgboost::xgboost_model, with add<M>().
///
/// Not synchronised: fill it before sharing it between threads.
template <class = void> // deferred: see core/json.hpp
class basic_model_loaders {
public:
  /// Builds the model of a bundle, given the pipeline stages it may use.
  using loader = std::function<any_model(const model_bundle&, const pipeline::stage_registry&)>;

  /// Knows "pipeline" only.
  basic_model_loaders() = default;

  /// Registers M (checked against the model contract) under M::kind,
  /// replacing an earlier loader of that kind.
  template <typename M>
  basic_model_loaders& add() {
    static_assert(check_model<M>());
    return add(std::string(M::kind), loader(&load_as<M>));
  }
  /// Registers a custom loader for `kind`, replacing an earlier one. Throws
  /// argument_error (mlguard.argument.invalid_option) for "pipeline" or "".
  basic_model_loaders& add(std::string kind, loader load);

  /// True when bundles whose model is of `kind` can be loaded.
  bool contains(std::string_view kind) const noexcept;

  /// Builds the model `bundle.model` names. Throws serving_error
  /// (mlguard.serving.unknown_model) for a kind not registered, naming the
  /// kinds that are, and whatever the model's from_bundle throws.
  /// (A template so that this header needs no complete model_bundle.)
  template <class Bundle = model_bundle>
  any_model load(const Bundle& bundle, const pipeline::stage_registry& stages) const {
    if (bundle.model.kind == pipeline_model::kind) {
      return any_model(pipeline_model::from_bundle(bundle, stages));
    }
    for (const auto& e : entries_) {
      if (e.first == bundle.model.kind) {
        return e.second(bundle, stages);
      }
    }
    std::string known(pipeline_model::kind);
    for (const auto& e : entries_) {
      known.append(", ").append(e.first);
    }
    throw serving_error("unknown_model", "the bundle's model is of kind '" + bundle.model.kind +
                                             "', which this process cannot load (known: " + known +
                                             "); add it to model_loaders");
  }

private:
  template <typename M>
  static any_model load_as(const model_bundle& bundle, const pipeline::stage_registry& stages) {
    return any_model(M::from_bundle(bundle, stages));
  }

  std::vector<std::pair<std::string, loader>> entries_;
};

/// The type to name (a class template only so that its bodies compile where used).
using model_loaders = basic_model_loaders<>;

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class V>
MLGUARD_INLINE auto basic_model_loaders<V>::add(std::string kind, loader load)
    -> basic_model_loaders& {
  if (kind.empty() || kind == pipeline_model::kind) {
    throw argument_error("invalid_option", "model kind '" + kind + "' cannot be registered");
  }
  for (auto& e : entries_) {
    if (e.first == kind) {
      e.second = std::move(load);
      return *this;
    }
  }
  entries_.emplace_back(std::move(kind), std::move(load));
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_model_loaders<V>::contains(std::string_view kind) const noexcept -> bool {
  if (kind == pipeline_model::kind) {
    return true;
  }
  for (const auto& e : entries_) {
    if (e.first == kind) {
      return true;
    }
  }
  return false;
}

} // namespace mlguard::serving

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MODEL_LOADERS_HPP

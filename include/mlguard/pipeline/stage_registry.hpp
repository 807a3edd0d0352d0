#ifndef MLGUARD_PIPELINE_STAGE_REGISTRY_HPP
#define MLGUARD_PIPELINE_STAGE_REGISTRY_HPP

// Maps stage kinds to loaders, so dynamic_pipeline can load a document whose
// composition it learns only at run time. builtin_stages() (builtin_stages.hpp)
// returns one that knows the transform and model stages; all_stages()
// (tap_stages.hpp) adds the validation and monitoring taps.

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/pipeline/any_stage.hpp"

namespace mlguard::pipeline {

/// Stage kinds and their loaders. add<S>() teaches it a stage type (an
/// application's own stages and taps too); add(kind, loader) a custom loader,
/// e.g. one that gives a loaded tap its callback.
///
/// Not synchronised: fill it before sharing it between threads.
template <class = void> // deferred: see core/json.hpp
class basic_stage_registry {
public:
  /// Builds a fitted stage from its params, given the names of its input columns.
  using loader = std::function<std::unique_ptr<any_stage>(const json_reader& params,
                                                          const std::vector<std::string>& names)>;

  /// An empty registry.
  basic_stage_registry() = default;

  /// Registers S (checked against the stage contract) under S::kind,
  /// replacing an earlier loader of that kind.
  template <typename S>
  basic_stage_registry& add() {
    // A function pointer, not a lambda: std::function is instantiated once for all
    // stage types rather than once per type, in every file that includes this.
    return add(std::string(S::kind), loader(&load_as<S>));
  }
  /// Registers a custom loader for `kind`, replacing an earlier one.
  basic_stage_registry& add(std::string kind, loader load);

  /// True when `kind` is registered.
  bool contains(std::string_view kind) const noexcept;

  /// Loads one stage. Throws pipeline_error (mlguard.pipeline.unknown_stage)
  /// for an unregistered kind, and whatever the stage's from_json throws.
  std::unique_ptr<any_stage> load(std::string_view kind, const json_reader& params,
                                  const std::vector<std::string>& names_in) const;

  /// Says how to load `kind` when this registry does not: load()'s
  /// unknown_stage error then gives `advice` (e.g. which registry knows it).
  basic_stage_registry& hint(std::string kind, std::string advice);

private:
  template <typename S>
  static std::unique_ptr<any_stage> load_as(const json_reader& params,
                                            const std::vector<std::string>& names) {
    return make_any_stage(S::from_json(params, names));
  }

  std::vector<std::pair<std::string, loader>> entries_;
  std::vector<std::pair<std::string, std::string>> hints_;
};

/// The type to name (a class template only so that its bodies compile where used).
using stage_registry = basic_stage_registry<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_stage_registry<V>::add(std::string kind, loader load)
    -> basic_stage_registry& {
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
MLGUARD_INLINE auto basic_stage_registry<V>::contains(std::string_view kind) const noexcept
    -> bool {
  return std::any_of(entries_.begin(), entries_.end(),
                     [kind](const auto& e) { return e.first == kind; });
}

template <class V>
MLGUARD_INLINE auto basic_stage_registry<V>::load(std::string_view kind, const json_reader& params,
                                                  const std::vector<std::string>& names_in) const
    -> std::unique_ptr<any_stage> {
  for (const auto& e : entries_) {
    if (e.first == kind) {
      return e.second(params, names_in);
    }
  }
  std::string advice = "register it with stage_registry::add";
  for (const auto& h : hints_) {
    if (h.first == kind) {
      advice = h.second;
    }
  }
  throw pipeline_error("unknown_stage", params.where() + ": unknown stage kind \"" +
                                            std::string(kind) + "\" (" + advice + ")");
}

template <class V>
MLGUARD_INLINE auto basic_stage_registry<V>::hint(std::string kind, std::string advice)
    -> basic_stage_registry& {
  hints_.emplace_back(std::move(kind), std::move(advice));
  return *this;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_STAGE_REGISTRY_HPP

#ifndef MLGUARD_REGISTRY_GUARDS_HPP
#define MLGUARD_REGISTRY_GUARDS_HPP

// Transition guards: predicates the application registers on a registry, checked
// before an alias moves (set_alias, rollback_alias). A guard that says no stops the
// move, and its reason comes back in alias_result (never as an exception).

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/registry/model_version.hpp"

namespace mlguard::registry {

/// What a guard sees: an alias about to move from `current` to `candidate`.
struct transition {
  std::string model;
  std::string alias;
  const model_version* candidate = nullptr; ///< the target version (never null)
  const model_version* current = nullptr;   ///< the version aliased now, or null if none
  bool rollback = false;                    ///< the move is a rollback_alias
  change_context context;                   ///< who asks, and why
};

/// A guard's answer.
struct guard_verdict {
  bool allowed = true;
  std::string reason; ///< when refused: one line saying why

  static guard_verdict allow() { return {true, {}}; }
  static guard_verdict refuse(std::string why) { return {false, std::move(why)}; }
};

/// A transition guard. It runs while the registry holds the model's write lock, so it
/// must be quick and must not call back into the same registry (that deadlocks).
/// If it throws, the alias does not move and the exception reaches the caller.
using transition_guard = std::function<guard_verdict(const transition&)>;

/// The named guards of one registry. Thread-safe: guards may be added and removed
/// while other threads move aliases; a move sees the set as it was when it started.
template <class = void> // deferred: see core/json.hpp
class basic_guard_set {
public:
  /// Adds (or replaces) the guard called `name`. With `alias` empty it applies to every
  /// alias; otherwise only to moves of that alias (e.g. only "champion").
  void add(std::string name, transition_guard guard, std::string alias = {});

  /// Removes the guard called `name`; false when there was none.
  bool remove(const std::string& name);

  /// How many guards are registered.
  std::size_t size() const;

  /// Runs the guards that apply to `t.alias`, in the order they were added, and returns
  /// the first refusal as (guard name, reason), or nothing when all allow.
  std::optional<std::pair<std::string, std::string>> check(const transition& t) const;

private:
  struct named_guard {
    std::string name;
    std::string alias;
    transition_guard guard;
  };
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const named_guard>> guards_;
};

/// The type to name (a class template only so that its bodies compile where used).
using guard_set = basic_guard_set<>;

/// Ready-made guards for the common promotion rules.
namespace guards {

/// Refuses unless the candidate has metric `metric` >= `threshold` (e.g. auc >= 0.85).
template <class = void> // deferred: see core/json.hpp
transition_guard min_metric(std::string metric, double threshold);

/// Refuses unless the candidate has metric `metric` <= `threshold` (e.g. rmse <= 3.0).
template <class = void>
transition_guard max_metric(std::string metric, double threshold);

/// Refuses candidates whose status is not ready.
template <class = void>
transition_guard require_ready();

/// Refuses unless `compute_digest(candidate)` equals the candidate's recorded
/// artifact_digest: the application hashes the artifact it is about to serve.
template <class = void>
transition_guard verified_digest(std::function<std::string(const model_version&)> compute_digest);

/// Refuses unless the candidate carries tag `key` with value `value`
/// (e.g. "input_schema" = the schema fingerprint the service was built for).
template <class = void>
transition_guard require_tag(std::string key, std::string value);

} // namespace guards

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry {

template <class V>
MLGUARD_INLINE auto basic_guard_set<V>::add(std::string name, transition_guard guard,
                                            std::string alias) -> void {
  auto entry = std::make_shared<const named_guard>(
      named_guard{std::move(name), std::move(alias), std::move(guard)});
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& g : guards_) {
    if (g->name == entry->name) {
      g = std::move(entry);
      return;
    }
  }
  guards_.push_back(std::move(entry));
}

template <class V>
MLGUARD_INLINE auto basic_guard_set<V>::remove(const std::string& name) -> bool {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = guards_.begin(); it != guards_.end(); ++it) {
    if ((*it)->name == name) {
      guards_.erase(it);
      return true;
    }
  }
  return false;
}

template <class V>
MLGUARD_INLINE auto basic_guard_set<V>::size() const -> std::size_t {
  std::lock_guard<std::mutex> lock(mutex_);
  return guards_.size();
}

template <class V>
MLGUARD_INLINE auto basic_guard_set<V>::check(const transition& t) const
    -> std::optional<std::pair<std::string, std::string>> {
  std::vector<std::shared_ptr<const named_guard>> snapshot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    snapshot = guards_;
  }
  for (const auto& g : snapshot) {
    if (!g->alias.empty() && g->alias != t.alias) {
      continue;
    }
    auto verdict = g->guard(t);
    if (!verdict.allowed) {
      return std::make_pair(g->name, verdict.reason.empty() ? std::string("refused")
                                                            : std::move(verdict.reason));
    }
  }
  return std::nullopt;
}

} // namespace mlguard::registry

namespace mlguard::registry::guards {

template <class> // deferred: see core/json.hpp
transition_guard min_metric(std::string metric, double threshold) {
  return [metric = std::move(metric), threshold](const transition& t) {
    const auto it = t.candidate->metrics.find(metric);
    if (it == t.candidate->metrics.end()) {
      return guard_verdict::refuse("version " + std::to_string(t.candidate->version) +
                                   " has no metric '" + metric + "'");
    }
    if (!(it->second >= threshold)) {
      return guard_verdict::refuse(metric + " " + std::to_string(it->second) + " < " +
                                   std::to_string(threshold));
    }
    return guard_verdict::allow();
  };
}

template <class>
transition_guard max_metric(std::string metric, double threshold) {
  return [metric = std::move(metric), threshold](const transition& t) {
    const auto it = t.candidate->metrics.find(metric);
    if (it == t.candidate->metrics.end()) {
      return guard_verdict::refuse("version " + std::to_string(t.candidate->version) +
                                   " has no metric '" + metric + "'");
    }
    if (!(it->second <= threshold)) {
      return guard_verdict::refuse(metric + " " + std::to_string(it->second) + " > " +
                                   std::to_string(threshold));
    }
    return guard_verdict::allow();
  };
}

template <class>
transition_guard require_ready() {
  return [](const transition& t) {
    if (t.candidate->status != version_status::ready) {
      return guard_verdict::refuse("version " + std::to_string(t.candidate->version) + " is " +
                                   to_string(t.candidate->status) + ", not ready");
    }
    return guard_verdict::allow();
  };
}

template <class>
transition_guard verified_digest(std::function<std::string(const model_version&)> compute_digest) {
  return [compute = std::move(compute_digest)](const transition& t) {
    if (t.candidate->artifact_digest.empty()) {
      return guard_verdict::refuse("version " + std::to_string(t.candidate->version) +
                                   " has no artifact digest");
    }
    const auto actual = compute(*t.candidate);
    if (actual != t.candidate->artifact_digest) {
      return guard_verdict::refuse("artifact digest " + actual + " does not match recorded " +
                                   t.candidate->artifact_digest);
    }
    return guard_verdict::allow();
  };
}

template <class>
transition_guard require_tag(std::string key, std::string value) {
  return [key = std::move(key), value = std::move(value)](const transition& t) {
    const auto it = t.candidate->tags.find(key);
    if (it == t.candidate->tags.end() || it->second != value) {
      return guard_verdict::refuse(
          "tag " + key + " is " +
          (it == t.candidate->tags.end() ? std::string("missing") : "'" + it->second + "'") +
          ", expected '" + value + "'");
    }
    return guard_verdict::allow();
  };
}

} // namespace mlguard::registry::guards

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_GUARDS_HPP

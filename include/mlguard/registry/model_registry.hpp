#ifndef MLGUARD_REGISTRY_MODEL_REGISTRY_HPP
#define MLGUARD_REGISTRY_MODEL_REGISTRY_HPP

// The model registry interface: MLflow Model Registry's concepts inside a C++ process.
//
// Backends (chosen at run time through this interface):
//   - in_memory_registry (in_memory_registry.hpp): tests and embedded use;
//   - file_registry (file_registry.hpp): a directory of readable JSON documents,
//     crash-safe and safe for several processes on one machine;
//   - postgres_registry (postgres_registry.hpp, the optional component mlguard::postgres):
//     a PostgreSQL database that a fleet of machines shares (docs/fleet.md).
//
// Concepts
//   registered model  a name ("churn") with a description, tags, versions and aliases.
//   version           1, 2, 3, ... per model, monotonic and never reused; immutable
//                     artifact URI, digest, metrics, params and lineage; mutable
//                     description, tags and status.
//   alias             a movable name ("champion", "challenger") pointing at one version.
//                     Moves are compare-and-swap (set_alias with alias_expectation),
//                     checked by the application's transition guards (guards.hpp),
//                     and journaled, so "what was champion at 02:00?" and "what was
//                     champion before?" have answers (alias_at, previous_version).
//   audit journal     an append-only, per-model record of every change with time,
//                     actor and reason; its sequence numbers drive watch (changes_since,
//                     and watch, which waits for them).
//   run record        what one job (a batch scoring) did with one version: its input's
//                     fingerprint, the bundle digest, counts, timings, thresholds,
//                     outputs and exit code (run_record.hpp), journaled as lineage of
//                     that version (record_run, runs).
//
// MLflow stages → aliases. MLflow 2.x deprecated its fixed stages (None / Staging /
// Production / Archived) in favour of aliases; mlguard has only aliases. The usual
// mapping: stage "Production" → alias "champion" (or "production"), "Staging" →
// "challenger" (or "staging"); "Archived" and "None" are simply versions no alias points
// to. MLflow's transition_model_version_stage(archive_existing_versions=True) is one
// set_alias here (an alias points at one version, so the old one is "archived" by the
// move); MLflow's non-atomic read-then-transition race (mlflow#3016) becomes
// set_alias(..., alias_expectation::version(old)).
//
// Errors: unknown models, versions or aliases throw registry_error
// (mlguard.registry.not_found); creating an existing model throws
// mlguard.registry.already_exists; bad names, keys and client tokens
// mlguard.registry.invalid_name; text that is not UTF-8 mlguard.registry.invalid_argument;
// bad URIs mlguard.registry.invalid_uri; a bad version status
// mlguard.registry.invalid_option; a client token reused for another registration
// mlguard.registry.client_token_reused; a write to a registry this process may only read
// mlguard.registry.read_only; corrupt documents format_error naming the file; I/O
// failures io_error. Every argument is checked before anything is written.
//
// Retries: a write that throws recorded nothing, so it is safe to retry; one that was
// recorded returns success even if the storage failed after its commit point (the file
// registry repairs what it could not write; the PostgreSQL registry asks the server
// whether a commit whose answer was lost is recorded, and throws
// mlguard.registry.in_doubt only when the server stays unreachable). A registration whose answer
// was lost (a timeout, a crash) is retried safely with a client token (version_metadata). A lost
// compare-and-swap and a guard's refusal are results (alias_result), not errors.
//
// Thread-safety: every backend in mlguard may be shared between threads; each
// documents how (in_memory_registry: a reader-writer lock; file_registry: a mutex plus
// file locks across processes).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/registry/guards.hpp"
#include "mlguard/registry/model_version.hpp"
#include "mlguard/registry/run_record.hpp"

namespace mlguard::registry {

/// The abstract model registry. See the comment at the top of this header.
template <class = void> // deferred: see core/json.hpp
class basic_model_registry {
public:
  virtual ~basic_model_registry() = default;

  // ---- registered models

  /// Creates a model with no versions. Throws mlguard.registry.already_exists if it exists,
  /// mlguard.registry.invalid_name for a bad name.
  virtual registered_model create_model(const std::string& name,
                                        const std::string& description = {},
                                        const string_map& tags = {},
                                        const change_context& context = {}) = 0;
  /// The model's current state. Throws mlguard.registry.not_found.
  virtual registered_model get_model(const std::string& name) const = 0;
  /// Whether the model exists.
  virtual bool has_model(const std::string& name) const = 0;
  /// The names of all models, sorted. Never parses a model's documents, so one corrupt
  /// model does not hide the others.
  virtual std::vector<std::string> model_names() const = 0;
  /// Deletes the model, its versions and aliases; its name may be reused (versions then
  /// restart at 1). The file registry keeps the deleted model's documents and journal
  /// under ROOT/trash/ for the record. Throws mlguard.registry.not_found.
  virtual void delete_model(const std::string& name, const change_context& context = {}) = 0;
  /// Sets the model's description. Throws mlguard.registry.not_found.
  virtual void set_model_description(const std::string& name, const std::string& description,
                                     const change_context& context = {}) = 0;
  /// Sets a model tag. Throws mlguard.registry.not_found, mlguard.registry.invalid_name (key).
  virtual void set_model_tag(const std::string& name, const std::string& key,
                             const std::string& value, const change_context& context = {}) = 0;
  /// Removes a model tag. Throws mlguard.registry.not_found (model or tag).
  virtual void delete_model_tag(const std::string& name, const std::string& key,
                                const change_context& context = {}) = 0;

  // ---- versions

  /// Registers a new version and returns it: number = previous highest + 1, never
  /// reused even after a crash (a registration whose caller crashed may still be
  /// recorded). created_at comes from the registry's clock, created_by from
  /// context.actor. With metadata.client_token, a registration that meets the same token
  /// already recorded for this model writes nothing and returns that version as it is
  /// now (exactly-once registration for a client that retries).
  /// Throws mlguard.registry.not_found (model, or metadata.parent_version),
  /// mlguard.registry.invalid_name (a tag, metric or param key, the client token),
  /// mlguard.registry.invalid_argument (text that is not UTF-8),
  /// mlguard.registry.client_token_reused (the token registered a different request:
  /// another URI, digest, metadata or lineage).
  virtual model_version register_version(const std::string& name, const std::string& artifact_uri,
                                         const version_metadata& metadata = {},
                                         const change_context& context = {}) = 0;
  /// One version. Throws mlguard.registry.not_found.
  virtual model_version get_version(const std::string& name, int version) const = 0;
  /// All versions, oldest first. Throws mlguard.registry.not_found.
  virtual std::vector<model_version> list_versions(const std::string& name) const = 0;
  /// The versions matching every condition of `query`, oldest first.
  /// Throws mlguard.registry.not_found.
  virtual std::vector<model_version> search_versions(const std::string& name,
                                                     const version_query& query) const = 0;
  /// Sets a version's description. Throws mlguard.registry.not_found.
  virtual void set_version_description(const std::string& name, int version,
                                       const std::string& description,
                                       const change_context& context = {}) = 0;
  /// Sets a version tag. Throws mlguard.registry.not_found, mlguard.registry.invalid_name.
  virtual void set_version_tag(const std::string& name, int version, const std::string& key,
                               const std::string& value, const change_context& context = {}) = 0;
  /// Removes a version tag. Throws mlguard.registry.not_found (version or tag).
  virtual void delete_version_tag(const std::string& name, int version, const std::string& key,
                                  const change_context& context = {}) = 0;
  /// Moves a version to pending, ready or failed. Throws mlguard.registry.not_found.
  virtual void set_version_status(const std::string& name, int version, version_status status,
                                  const change_context& context = {}) = 0;

  // ---- aliases

  /// Points `alias` at `version`, atomically, if and only if the alias is currently where
  /// `expected` says (compare-and-swap; alias_expectation::any() skips the compare), and
  /// every applicable transition guard allows it.
  /// Returns applied, unchanged (already there: nothing written, guards not run), conflict
  /// (current position in result.previous) or refused (guard name and reason).
  /// Throws mlguard.registry.not_found (model or version), mlguard.registry.invalid_name.
  virtual alias_result set_alias(const std::string& name, const std::string& alias, int version,
                                 alias_expectation expected = alias_expectation::any(),
                                 const change_context& context = {}) = 0;
  /// Deletes `alias` if it is where `expected` says (guards are not consulted).
  /// Returns applied or conflict. Throws mlguard.registry.not_found (model or alias).
  virtual alias_result delete_alias(const std::string& name, const std::string& alias,
                                    alias_expectation expected = alias_expectation::any(),
                                    const change_context& context = {}) = 0;
  /// Moves `alias` back to previous_version(name, alias), atomically (the alias must
  /// not move between the look-up and the move), through the transition guards
  /// (transition::rollback is true), if and only if the alias is where `expected` says:
  /// several controllers that decide to roll back the same version record one rollback,
  /// and the others get a conflict instead of rolling back further.
  /// Returns applied, conflict (current position in result.previous) or refused.
  /// Throws mlguard.registry.not_found when the model or alias does not exist or the
  /// alias has no previous version.
  virtual alias_result rollback_alias(const std::string& name, const std::string& alias,
                                      alias_expectation expected,
                                      const change_context& context = {}) = 0;
  /// rollback_alias with no compare: whatever the alias points to moves back.
  alias_result rollback_alias(const std::string& name, const std::string& alias,
                              const change_context& context = {});
  /// Where `alias` points now, or nothing. Throws mlguard.registry.not_found (model).
  virtual std::optional<int> alias_version(const std::string& name,
                                           const std::string& alias) const = 0;
  /// The version number a model URI (model_uri.hpp) names now.
  /// Throws mlguard.registry.invalid_uri, mlguard.registry.not_found.
  virtual int resolve_version(std::string_view uri) const = 0;
  /// The version a model URI names now. Served from an in-process cache (see each
  /// backend for costs). Throws mlguard.registry.invalid_uri, mlguard.registry.not_found.
  virtual model_version resolve(std::string_view uri) const = 0;

  // ---- run records

  /// Records `run` as a run of version `version` (lineage of that version: "which model
  /// produced this file, from which data?"), and returns it as recorded: sequence (its
  /// journal record's, the run's id within the model), model, version, recorded_at (the
  /// registry's clock) and actor (context.actor) set by the registry, the rest as given.
  /// The journal gets an audit record (audit_action::record_run) with the context's
  /// actor and reason. Throws mlguard.registry.not_found (model or version),
  /// mlguard.registry.invalid_name (run.kind, or a key of its maps, that breaks the key
  /// rules of validate_key), mlguard.registry.invalid_argument (text that is not UTF-8).
  virtual run_record record_run(const std::string& name, int version, const run_record& run,
                                const change_context& context = {}) = 0;
  /// The runs recorded for version `version`, or (nothing) for every version of the
  /// model, oldest first. Throws mlguard.registry.not_found (model, or version).
  virtual std::vector<run_record> runs(const std::string& name,
                                       std::optional<int> version = std::nullopt) const = 0;

  // ---- audit journal and watch

  /// The model's whole audit journal, oldest first. Throws mlguard.registry.not_found.
  virtual std::vector<audit_record> audit_log(const std::string& name) const = 0;
  /// The records with a sequence number greater than `sequence`, oldest first: poll this
  /// with the last sequence seen to follow a model (alias moves, registrations), the way
  /// TF Serving polls its model base path. Cheap when nothing changed.
  /// Throws mlguard.registry.not_found.
  virtual std::vector<audit_record> changes_since(const std::string& name,
                                                  std::uint64_t sequence) const = 0;

  /// Waits until the model's journal has records with a sequence number greater than
  /// `sequence`, or `timeout` passes, and returns them (changes_since; empty on timeout).
  /// This default polls changes_since every 20 ms; postgres_registry is woken by the
  /// server (LISTEN/NOTIFY) instead. Throws what changes_since throws.
  virtual std::vector<audit_record> watch(const std::string& name, std::uint64_t sequence,
                                          std::chrono::milliseconds timeout) const;

  /// Every move of `alias`, oldest first. Throws mlguard.registry.not_found (model).
  std::vector<alias_change> alias_history(const std::string& name, const std::string& alias) const;

  /// Where `alias` pointed at time `t` (the last move at or before t, by the timestamps the
  /// writers' clocks recorded), or nothing when it did not exist then. Throws
  /// mlguard.registry.not_found (model).
  std::optional<int> alias_at(const std::string& name, const std::string& alias, timestamp t) const;

  /// The version `alias` would roll back to, or nothing. The alias's history is a stack:
  /// set_alias pushes, rollback_alias pops, delete_alias pushes "absent". So after
  /// champion 1 → 2 → 3, the previous version is 2; after a rollback to 2 it is 1 (not 3:
  /// rolling back twice goes further back, it does not flip-flop).
  /// Throws mlguard.registry.not_found (model).
  std::optional<int> previous_version(const std::string& name, const std::string& alias) const;

  /// Every model, in name order (get_model for each of model_names(); a model deleted in
  /// between, by another process or by a delete whose clean-up is pending, is left out).
  std::vector<registered_model> list_models() const;

  // ---- transition guards

  /// The application's transition guards (guards.hpp), checked by set_alias and
  /// rollback_alias before an alias moves. Guards live in this process only.
  guard_set& guards() noexcept { return guards_; }
  const guard_set& guards() const noexcept { return guards_; }

protected:
  /// An alias record of the journal as an alias_change.
  static alias_change to_change(const audit_record& r);

  /// The stack rule of previous_version, over a history of one alias.
  static std::optional<int> previous_in(const std::vector<alias_change>& history);

  guard_set guards_;
};

/// The type to name (a class template only so that its bodies compile where used).
using model_registry = basic_model_registry<>;

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include <thread>

#include "mlguard/registry/model_uri.hpp"
#include "mlguard/registry/names.hpp"

namespace mlguard::registry {

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::rollback_alias(const std::string& name,
                                                            const std::string& alias,
                                                            const change_context& context)
    -> alias_result {
  return rollback_alias(name, alias, alias_expectation::any(), context);
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::watch(const std::string& name, std::uint64_t sequence,
                                                   std::chrono::milliseconds timeout) const
    -> std::vector<audit_record> {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto out = changes_since(name, sequence);
    const auto now = std::chrono::steady_clock::now();
    if (!out.empty() || now >= deadline) {
      return out;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        deadline - now, std::chrono::milliseconds(20)));
  }
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::alias_history(const std::string& name,
                                                           const std::string& alias) const
    -> std::vector<alias_change> {
  std::vector<alias_change> out;
  for (const auto& r : audit_log(name)) {
    if (r.alias == alias) {
      out.push_back(to_change(r));
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::alias_at(const std::string& name,
                                                      const std::string& alias, timestamp t) const
    -> std::optional<int> {
  std::optional<int> at;
  for (const auto& c : alias_history(name, alias)) {
    if (c.time > t) {
      break;
    }
    at = c.to;
  }
  return at;
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::previous_version(const std::string& name,
                                                              const std::string& alias) const
    -> std::optional<int> {
  return previous_in(alias_history(name, alias));
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::list_models() const -> std::vector<registered_model> {
  std::vector<registered_model> out;
  for (const auto& n : model_names()) {
    try {
      out.push_back(get_model(n));
    } catch (const registry_error& e) {
      if (e.id() != "mlguard.registry.not_found") {
        throw;
      }
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::to_change(const audit_record& r) -> alias_change {
  alias_change c;
  c.sequence = r.sequence;
  c.time = r.time;
  c.alias = r.alias;
  c.from = r.previous_version;
  c.to = r.action == audit_action::delete_alias ? std::nullopt : r.version;
  c.actor = r.actor;
  c.reason = r.reason;
  c.rollback = r.action == audit_action::rollback_alias;
  return c;
}

template <class V>
MLGUARD_INLINE auto basic_model_registry<V>::previous_in(const std::vector<alias_change>& history)
    -> std::optional<int> {
  std::vector<std::optional<int>> stack;
  for (const auto& c : history) {
    if (c.rollback) {
      if (!stack.empty()) {
        stack.pop_back();
      }
      // The rollback's target is now on top (it was the previous entry); keep the
      // stack honest if the journal started mid-history.
      if (stack.empty() || stack.back() != c.to) {
        stack.push_back(c.to);
      }
    } else {
      stack.push_back(c.to);
    }
  }
  if (stack.size() < 2) {
    return std::nullopt;
  }
  return stack[stack.size() - 2];
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_MODEL_REGISTRY_HPP

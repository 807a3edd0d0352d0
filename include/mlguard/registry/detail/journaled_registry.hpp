#ifndef MLGUARD_REGISTRY_DETAIL_JOURNALED_REGISTRY_HPP
#define MLGUARD_REGISTRY_DETAIL_JOURNALED_REGISTRY_HPP

// The engine both backends share. A model is its journal: every change is one
// journal_entry, and a model's state is what applying its entries in order gives.
// The base class below implements the whole model_registry interface in terms of
// four primitives a backend provides (read a model's state under a read lock, load one
// version, commit one entry under a write lock, visit the journal), so both backends
// behave identically by construction and the behavioural suite checks the rest. It also
// checks every argument (names, keys, UTF-8 text, client tokens) before a backend is
// asked to write anything.

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/detail/journal.hpp"
#include "mlguard/registry/model_registry.hpp"
#include "mlguard/registry/model_uri.hpp"

namespace mlguard::registry::detail {

/// A registration made with a client token: the version it made and what it asked for
/// (registration_request), so a retry is recognised and a reuse for another request
/// refused.
struct client_token_record {
  int version = 0;
  json request;
};

/// A model's state: the model itself, the versions loaded so far, the client tokens of
/// the registrations applied so far (the in-memory backend: all of them; the file
/// backend keeps the others on disk), and (file backend) the journal records after the
/// on-disk snapshot, which version documents read from disk must still have applied (and
/// the runs recorded there, whose documents may not be written yet).
struct model_state {
  registered_model model;
  std::map<int, model_version> versions;
  std::map<std::string, client_token_record> client_tokens;
  std::vector<journal_entry> pending;
  bool deleted = false;
};

/// What a registration asked for: the fields of the version that register_version's
/// arguments fix (not its number, time or actor), as registered. A retry with the same
/// client token must ask for the same.
template <class = void>
json registration_request(const model_version& v);

/// The fields in which two registration requests differ, e.g. "artifact_uri, tags".
template <class = void>
std::string request_difference(const json& a, const json& b);

/// Applies a version-level record to one version (idempotent).
template <class = void>
void apply_to_version(model_version& v, const journal_entry& e);

/// Whether a record changes a version document, and which.
template <class = void>
std::optional<int> version_touched(const journal_entry& e);

/// Applies one record to a model's state (idempotent for replays).
template <class = void>
void apply(model_state& s, const journal_entry& e);

[[noreturn]] inline void throw_model_not_found(const std::string& name) {
  throw registry_error("not_found", "model '" + name + "' does not exist");
}

[[noreturn]] inline void throw_version_not_found(const std::string& name, int version) {
  throw registry_error("not_found",
                       "model '" + name + "' has no version " + std::to_string(version));
}

/// The run a record_run entry recorded, with the fields the registry sets taken from its
/// audit record (the entry's document holds the caller's fields).
template <class = void>
run_record run_from(const journal_entry& e);

/// Implements model_registry on top of a backend's four primitives.
template <class = void> // deferred: see core/json.hpp
class basic_journaled_registry : public model_registry {
public:
  explicit basic_journaled_registry(const clock_source& clock) : clock_(&clock) {}

  registered_model create_model(const std::string& name, const std::string& description = {},
                                const string_map& tags = {},
                                const change_context& context = {}) override;

  registered_model get_model(const std::string& name) const override;

  bool has_model(const std::string& name) const override;

  void delete_model(const std::string& name, const change_context& context = {}) override;

  void set_model_description(const std::string& name, const std::string& description,
                             const change_context& context = {}) override;

  void set_model_tag(const std::string& name, const std::string& key, const std::string& value,
                     const change_context& context = {}) override;

  void delete_model_tag(const std::string& name, const std::string& key,
                        const change_context& context = {}) override;

  model_version register_version(const std::string& name, const std::string& artifact_uri,
                                 const version_metadata& metadata = {},
                                 const change_context& context = {}) override;

  model_version get_version(const std::string& name, int version) const override;

  std::vector<model_version> list_versions(const std::string& name) const override;

  std::vector<model_version> search_versions(const std::string& name,
                                             const version_query& query) const override;

  void set_version_description(const std::string& name, int version, const std::string& description,
                               const change_context& context = {}) override;

  void set_version_tag(const std::string& name, int version, const std::string& key,
                       const std::string& value, const change_context& context = {}) override;

  void delete_version_tag(const std::string& name, int version, const std::string& key,
                          const change_context& context = {}) override;

  void set_version_status(const std::string& name, int version, version_status status,
                          const change_context& context = {}) override;

  alias_result set_alias(const std::string& name, const std::string& alias, int version,
                         alias_expectation expected = alias_expectation::any(),
                         const change_context& context = {}) override;

  alias_result delete_alias(const std::string& name, const std::string& alias,
                            alias_expectation expected = alias_expectation::any(),
                            const change_context& context = {}) override;

  using model_registry::rollback_alias;
  alias_result rollback_alias(const std::string& name, const std::string& alias,
                              alias_expectation expected,
                              const change_context& context = {}) override;

  std::optional<int> alias_version(const std::string& name,
                                   const std::string& alias) const override;

  int resolve_version(std::string_view uri) const override;

  model_version resolve(std::string_view uri) const override;

  run_record record_run(const std::string& name, int version, const run_record& run,
                        const change_context& context = {}) override;

  std::vector<run_record> runs(const std::string& name,
                               std::optional<int> version = std::nullopt) const override;

  std::vector<audit_record> audit_log(const std::string& name) const override;

  std::vector<audit_record> changes_since(const std::string& name,
                                          std::uint64_t sequence) const override;

  /// The model's whole journal with what each record created (the documents of
  /// create_model, register_version and record_run), oldest first: what copying a model
  /// to another backend needs (postgres_registry::import_model). Throws
  /// mlguard.registry.not_found.
  std::vector<journal_entry> journal_entries(const std::string& name) const;

protected:
  using decide_fn = std::function<std::optional<journal_entry>(model_state*)>;

  /// Calls fn with the model's current state under the backend's read lock.
  /// Throws mlguard.registry.not_found when the model does not exist.
  virtual void read_model(const std::string& name,
                          const std::function<void(model_state&)>& fn) const = 0;
  /// Version `version` of the model whose state is `s` (the caller holds a lock),
  /// loading it if needed. Throws mlguard.registry.not_found.
  virtual const model_version& load_version(const std::string& name, model_state& s,
                                            int version) const = 0;
  /// A copy of version `version`, like load_version, but a backend that loads versions
  /// lazily need not keep it: a listing of every version then costs its result, not a
  /// cache of every version for the life of the registry object.
  virtual model_version copy_version(const std::string& name, model_state& s, int version) const;
  /// Under the model's write lock: calls decide with the current state (null when the
  /// model does not exist); when it returns an entry, stamps its sequence number, makes
  /// it durable and applies it. Returns the entry's sequence number, or 0 when nothing
  /// was written. Exceptions from decide propagate and nothing is written.
  virtual std::uint64_t write_model(const std::string& name, const decide_fn& decide) = 0;
  /// Calls visit with each record of the model's journal in order, up to the state `s`
  /// (records appended since s was read are not visited), until visit returns false.
  /// The caller holds a read or write lock.
  virtual void visit_journal(const std::string& name, const model_state& s,
                             const std::function<bool(journal_entry&&)>& visit) const = 0;
  /// The registration made with client token `token`, if any. The caller holds the
  /// write lock. This default looks in s.client_tokens, which holds every registration
  /// of the in-memory backend; the file backend also looks on disk.
  virtual std::optional<client_token_record>
  find_client_token(const std::string& name, const model_state& s, const std::string& token) const;

  /// Appends to `out` the runs of version `version` (nothing: every version) of the model
  /// whose state is `s`, oldest first, as of that state. The caller holds a read lock.
  /// This default reads them from the journal; the file backend reads its per-version
  /// run documents instead.
  virtual void collect_runs(const std::string& name, model_state& s, std::optional<int> version,
                            std::vector<run_record>& out) const;

  const clock_source& clock() const noexcept { return *clock_; }

  journal_entry make_entry(const std::string& name, audit_action action,
                           const change_context& context) const;

  /// Checks the free text of a change's context (validate_text).
  static void validate_context(const change_context& context);

  /// Checks the keys (validate_key) and values (validate_text) of tags or params.
  static void validate_map(const std::string& what, const string_map& map);

  static void require(const model_state* s, const std::string& name);

  static std::optional<int> find_alias(const model_state& s, const std::string& alias);

  /// A version as callers see it: with the aliases that point at it.
  static model_version view(const model_state& s, const model_version& v);

private:
  int resolve_in(const model_uri& uri, const model_state& s) const;

  static std::string conflict_reason(const std::string& name, const std::string& alias,
                                     std::optional<int> current, const alias_expectation& expected);

  bool check_guards(const std::string& name, const std::string& alias, model_state& s,
                    const model_version& candidate, std::optional<int> current, bool rollback,
                    const change_context& context, alias_result& result) const;

  void version_change(const std::string& name, int version, audit_action action,
                      const std::string& key, std::optional<std::string> value,
                      const change_context& context);

  const clock_source* clock_;
};

/// The type to name (a class template only so that its bodies compile where used).
using journaled_registry = basic_journaled_registry<>;

} // namespace mlguard::registry::detail

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::registry::detail {

template <class>
json registration_request(const model_version& v) {
  json j = v;
  for (const char* field : {"model", "version", "aliases"}) {
    j.erase(field);
  }
  j["lineage"].erase("created_at");
  j["lineage"].erase("created_by");
  return j;
}

template <class>
std::string request_difference(const json& a, const json& b) {
  std::string out;
  auto note = [&](const std::string& field) { out.append(out.empty() ? "" : ", ").append(field); };
  for (auto it = a.begin(); it != a.end(); ++it) {
    const auto other = b.find(it.key());
    if (other == b.end()) {
      note(it.key());
    } else if (it.key() == "lineage" && it->is_object() && other->is_object()) {
      for (auto l = it->begin(); l != it->end(); ++l) {
        const auto o = other->find(l.key());
        if (o == other->end() || *o != *l) {
          note(l.key());
        }
      }
    } else if (*other != *it) {
      note(it.key());
    }
  }
  for (auto it = b.begin(); it != b.end(); ++it) {
    if (a.find(it.key()) == a.end()) {
      note(it.key());
    }
  }
  return out;
}

template <class>
void apply_to_version(model_version& v, const journal_entry& e) {
  const auto& r = e.record;
  switch (r.action) {
  case audit_action::set_version_description:
    v.description = r.value.value_or("");
    break;
  case audit_action::set_version_tag:
    v.tags[r.key] = r.value.value_or("");
    break;
  case audit_action::delete_version_tag:
    v.tags.erase(r.key);
    break;
  case audit_action::set_version_status:
    v.status = version_status_from_string(r.value.value_or("ready"));
    break;
  default:
    break;
  }
}

template <class>
std::optional<int> version_touched(const journal_entry& e) {
  switch (e.record.action) {
  case audit_action::register_version:
  case audit_action::set_version_description:
  case audit_action::set_version_tag:
  case audit_action::delete_version_tag:
  case audit_action::set_version_status:
    return e.record.version;
  default:
    return std::nullopt;
  }
}

template <class>
void apply(model_state& s, const journal_entry& e) {
  const auto& r = e.record;
  auto& m = s.model;
  switch (r.action) {
  case audit_action::create_model:
    m = e.model_document.value_or(registered_model{});
    m.name = r.model;
    m.created_at = r.time;
    s.versions.clear();
    s.client_tokens.clear();
    s.deleted = false;
    break;
  case audit_action::delete_model:
    s.deleted = true;
    break;
  case audit_action::set_model_description:
    m.description = r.value.value_or("");
    break;
  case audit_action::set_model_tag:
    m.tags[r.key] = r.value.value_or("");
    break;
  case audit_action::delete_model_tag:
    m.tags.erase(r.key);
    break;
  case audit_action::register_version:
    s.versions[e.version_document->version] = *e.version_document;
    m.latest_version = std::max(m.latest_version, e.version_document->version);
    if (!r.client_token.empty()) {
      s.client_tokens[r.client_token] = {e.version_document->version,
                                         registration_request(*e.version_document)};
    }
    break;
  case audit_action::set_alias:
  case audit_action::rollback_alias:
    m.aliases[r.alias] = r.version.value_or(0);
    break;
  case audit_action::delete_alias:
    m.aliases.erase(r.alias);
    break;
  default: {
    const auto it = s.versions.find(r.version.value_or(0));
    if (it != s.versions.end()) {
      apply_to_version(it->second, e);
    }
  } break;
  }
  m.sequence = std::max(m.sequence, r.sequence);
  m.updated_at = std::max(m.updated_at, r.time);
}

template <class>
run_record run_from(const journal_entry& e) {
  run_record r = e.run_document.value_or(run_record{});
  r.sequence = e.record.sequence;
  r.model = e.record.model;
  r.version = e.record.version.value_or(0);
  r.recorded_at = e.record.time;
  r.actor = e.record.actor;
  return r;
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::create_model(const std::string& name, const std::string& description,
                                          const string_map& tags, const change_context& context)
    -> registered_model {
  validate_model_name(name);
  validate_text("description", description);
  validate_map("tag", tags);
  validate_context(context);
  registered_model created;
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    if (s != nullptr) {
      throw registry_error("already_exists", "model '" + name + "' already exists");
    }
    auto e = make_entry(name, audit_action::create_model, context);
    registered_model m;
    m.name = name;
    m.description = description;
    m.tags = tags;
    m.created_at = m.updated_at = e.record.time;
    e.model_document = m;
    created = m;
    return e;
  });
  created.sequence = 1;
  return created;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::get_model(const std::string& name) const
    -> registered_model {
  validate_model_name(name);
  registered_model out;
  read_model(name, [&](model_state& s) { out = s.model; });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::has_model(const std::string& name) const -> bool {
  validate_model_name(name);
  try {
    read_model(name, [](model_state&) {});
    return true;
  } catch (const registry_error& e) {
    if (e.id() == "mlguard.registry.not_found") {
      return false;
    }
    throw;
  }
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::delete_model(const std::string& name,
                                                              const change_context& context)
    -> void {
  validate_model_name(name);
  validate_context(context);
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    return make_entry(name, audit_action::delete_model, context);
  });
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::set_model_description(const std::string& name,
                                                   const std::string& description,
                                                   const change_context& context) -> void {
  validate_model_name(name);
  validate_text("description", description);
  validate_context(context);
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    auto e = make_entry(name, audit_action::set_model_description, context);
    e.record.value = description;
    return e;
  });
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::set_model_tag(const std::string& name, const std::string& key,
                                           const std::string& value, const change_context& context)
    -> void {
  validate_model_name(name);
  validate_key(key);
  validate_text("tag '" + key + "'", value);
  validate_context(context);
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    auto e = make_entry(name, audit_action::set_model_tag, context);
    e.record.key = key;
    e.record.value = value;
    return e;
  });
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::delete_model_tag(const std::string& name,
                                                                  const std::string& key,
                                                                  const change_context& context)
    -> void {
  validate_model_name(name);
  validate_context(context);
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    if (s->model.tags.count(key) == 0) {
      throw registry_error("not_found", "model '" + name + "' has no tag '" + key + "'");
    }
    auto e = make_entry(name, audit_action::delete_model_tag, context);
    e.record.key = key;
    return e;
  });
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::register_version(const std::string& name,
                                                                  const std::string& artifact_uri,
                                                                  const version_metadata& metadata,
                                                                  const change_context& context)
    -> model_version {
  validate_model_name(name);
  validate_text("artifact URI", artifact_uri);
  validate_text("artifact digest", metadata.artifact_digest);
  validate_text("description", metadata.description);
  validate_map("tag", metadata.tags);
  for (const auto& kv : metadata.metrics) {
    validate_key(kv.first);
  }
  validate_map("param", metadata.params);
  validate_text("data fingerprint", metadata.data_fingerprint);
  validate_text("pipeline fingerprint", metadata.pipeline_fingerprint);
  validate_text("code version", metadata.code_version);
  if (!metadata.client_token.empty()) {
    validate_client_token(metadata.client_token);
  }
  validate_context(context);
  model_version registered;
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    const int n = s->model.latest_version + 1;
    auto e = make_entry(name, audit_action::register_version, context);
    model_version v;
    v.model = name;
    v.version = n;
    v.artifact_uri = artifact_uri;
    v.artifact_digest = metadata.artifact_digest;
    v.status = metadata.status;
    v.description = metadata.description;
    v.tags = metadata.tags;
    v.metrics = metadata.metrics;
    v.params = metadata.params;
    v.lineage.data_fingerprint = metadata.data_fingerprint;
    v.lineage.pipeline_fingerprint = metadata.pipeline_fingerprint;
    v.lineage.code_version = metadata.code_version;
    v.lineage.parent_version = metadata.parent_version;
    v.lineage.created_at = e.record.time;
    v.lineage.created_by = context.actor;
    if (!metadata.client_token.empty()) {
      // A retry of a registration that was made: return that version, write nothing.
      if (const auto made = find_client_token(name, *s, metadata.client_token)) {
        const auto differ = request_difference(made->request, registration_request(v));
        if (!differ.empty()) {
          throw registry_error("client_token_reused",
                               "client token '" + metadata.client_token + "' of model '" + name +
                                   "' registered version " + std::to_string(made->version) +
                                   " with another request (it differs in " + differ +
                                   "); use a new token for a new registration");
        }
        registered = view(*s, load_version(name, *s, made->version));
        return std::nullopt;
      }
    }
    if (metadata.parent_version &&
        (*metadata.parent_version < 1 || *metadata.parent_version >= n)) {
      throw registry_error("not_found", "parent version " +
                                            std::to_string(*metadata.parent_version) +
                                            " of model '" + name + "' does not exist");
    }
    e.record.version = n;
    e.record.client_token = metadata.client_token;
    e.version_document = v;
    registered = std::move(v);
    return e;
  });
  return registered;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::get_version(const std::string& name,
                                                             int version) const -> model_version {
  validate_model_name(name);
  model_version out;
  read_model(name, [&](model_state& s) { out = view(s, load_version(name, s, version)); });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::list_versions(const std::string& name) const
    -> std::vector<model_version> {
  return search_versions(name, version_query{});
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::search_versions(const std::string& name,
                                                                 const version_query& query) const
    -> std::vector<model_version> {
  validate_model_name(name);
  std::vector<model_version> out;
  read_model(name, [&](model_state& s) {
    auto consider = [&](int n) {
      const auto v = copy_version(name, s, n);
      if (query.status && v.status != *query.status) {
        return;
      }
      for (const auto& kv : query.tags) {
        const auto it = v.tags.find(kv.first);
        if (it == v.tags.end() || it->second != kv.second) {
          return;
        }
      }
      for (const auto& f : query.metrics) {
        if (!f.matches(v.metrics)) {
          return;
        }
      }
      out.push_back(view(s, v));
    };
    if (query.alias) {
      const auto it = s.model.aliases.find(*query.alias);
      if (it != s.model.aliases.end()) {
        consider(it->second);
      }
      return;
    }
    for (int n = 1; n <= s.model.latest_version; ++n) {
      consider(n);
    }
  });
  return out;
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::set_version_description(const std::string& name, int version,
                                                     const std::string& description,
                                                     const change_context& context) -> void {
  validate_text("description", description);
  version_change(name, version, audit_action::set_version_description, {}, description, context);
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::set_version_tag(const std::string& name, int version,
                                             const std::string& key, const std::string& value,
                                             const change_context& context) -> void {
  validate_key(key);
  validate_text("tag '" + key + "'", value);
  version_change(name, version, audit_action::set_version_tag, key, value, context);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::delete_version_tag(const std::string& name,
                                                                    int version,
                                                                    const std::string& key,
                                                                    const change_context& context)
    -> void {
  version_change(name, version, audit_action::delete_version_tag, key, std::nullopt, context);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::set_version_status(const std::string& name,
                                                                    int version,
                                                                    version_status status,
                                                                    const change_context& context)
    -> void {
  version_change(name, version, audit_action::set_version_status, {}, to_string(status), context);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::set_alias(const std::string& name,
                                                           const std::string& alias, int version,
                                                           alias_expectation expected,
                                                           const change_context& context)
    -> alias_result {
  validate_model_name(name);
  validate_alias_name(alias);
  validate_context(context);
  alias_result result;
  result.sequence = write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    const auto& candidate = load_version(name, *s, version);
    const auto current = find_alias(*s, alias);
    result.previous = current;
    result.current = current;
    if (!expected.matches(current)) {
      result.outcome = alias_outcome::conflict;
      result.reason = conflict_reason(name, alias, current, expected);
      return std::nullopt;
    }
    if (current == version) {
      result.outcome = alias_outcome::unchanged;
      return std::nullopt;
    }
    if (!check_guards(name, alias, *s, candidate, current, false, context, result)) {
      return std::nullopt;
    }
    auto e = make_entry(name, audit_action::set_alias, context);
    e.record.alias = alias;
    e.record.version = version;
    e.record.previous_version = current;
    result.outcome = alias_outcome::applied;
    result.current = version;
    return e;
  });
  return result;
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::delete_alias(const std::string& name, const std::string& alias,
                                          alias_expectation expected, const change_context& context)
    -> alias_result {
  validate_model_name(name);
  validate_alias_name(alias);
  validate_context(context);
  alias_result result;
  result.sequence = write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    const auto current = find_alias(*s, alias);
    result.previous = current;
    result.current = current;
    if (!expected.matches(current)) {
      result.outcome = alias_outcome::conflict;
      result.reason = conflict_reason(name, alias, current, expected);
      return std::nullopt;
    }
    if (!current) {
      throw registry_error("not_found", "model '" + name + "' has no alias '" + alias + "'");
    }
    auto e = make_entry(name, audit_action::delete_alias, context);
    e.record.alias = alias;
    e.record.previous_version = current;
    result.outcome = alias_outcome::applied;
    result.current = std::nullopt;
    return e;
  });
  return result;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::rollback_alias(const std::string& name,
                                                                const std::string& alias,
                                                                alias_expectation expected,
                                                                const change_context& context)
    -> alias_result {
  validate_model_name(name);
  validate_alias_name(alias);
  validate_context(context);
  alias_result result;
  result.sequence = write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    const auto current = find_alias(*s, alias);
    result.previous = current;
    result.current = current;
    if (!expected.matches(current)) {
      result.outcome = alias_outcome::conflict;
      result.reason = conflict_reason(name, alias, current, expected);
      return std::nullopt;
    }
    if (!current) {
      throw registry_error("not_found", "model '" + name + "' has no alias '" + alias + "'");
    }
    std::vector<alias_change> history;
    visit_journal(name, *s, [&](journal_entry&& e) {
      if (e.record.alias == alias) {
        history.push_back(to_change(e.record));
      }
      return true;
    });
    const auto target = previous_in(history);
    if (!target) {
      throw registry_error("not_found", "alias '" + alias + "' of model '" + name +
                                            "' has no previous version to roll back to");
    }
    const auto& candidate = load_version(name, *s, *target);
    if (!check_guards(name, alias, *s, candidate, current, true, context, result)) {
      return std::nullopt;
    }
    auto e = make_entry(name, audit_action::rollback_alias, context);
    e.record.alias = alias;
    e.record.version = *target;
    e.record.previous_version = current;
    result.outcome = alias_outcome::applied;
    result.current = *target;
    return e;
  });
  return result;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::alias_version(const std::string& name,
                                                               const std::string& alias) const
    -> std::optional<int> {
  validate_model_name(name);
  std::optional<int> out;
  read_model(name, [&](model_state& s) { out = find_alias(s, alias); });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::resolve_version(std::string_view uri) const
    -> int {
  const auto parsed = parse_model_uri(uri);
  int out = 0;
  read_model(parsed.name, [&](model_state& s) { out = resolve_in(parsed, s); });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::resolve(std::string_view uri) const
    -> model_version {
  const auto parsed = parse_model_uri(uri);
  model_version out;
  read_model(parsed.name, [&](model_state& s) {
    out = view(s, load_version(parsed.name, s, resolve_in(parsed, s)));
  });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::record_run(const std::string& name, int version,
                                                            const run_record& run,
                                                            const change_context& context)
    -> run_record {
  validate_model_name(name);
  validate_run(run);
  validate_context(context);
  run_record recorded;
  const auto sequence = write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    if (version < 1 || version > s->model.latest_version) {
      throw_version_not_found(name, version); // versions are never removed one by one
    }
    auto e = make_entry(name, audit_action::record_run, context);
    e.record.version = version;
    e.run_document = run;
    recorded = run_from(e);
    return e;
  });
  recorded.sequence = sequence;
  return recorded;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::runs(const std::string& name,
                                                      std::optional<int> version) const
    -> std::vector<run_record> {
  validate_model_name(name);
  std::vector<run_record> out;
  read_model(name, [&](model_state& s) {
    if (version && (*version < 1 || *version > s.model.latest_version)) {
      throw_version_not_found(name, *version);
    }
    collect_runs(name, s, version, out);
  });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::audit_log(const std::string& name) const
    -> std::vector<audit_record> {
  return changes_since(name, 0);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::changes_since(const std::string& name,
                                                               std::uint64_t sequence) const
    -> std::vector<audit_record> {
  validate_model_name(name);
  std::vector<audit_record> out;
  read_model(name, [&](model_state& s) {
    if (s.model.sequence <= sequence) {
      return; // the cheap path of a poll that finds nothing new
    }
    visit_journal(name, s, [&](journal_entry&& e) {
      if (e.record.sequence > sequence) {
        out.push_back(std::move(e.record));
      }
      return true;
    });
  });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::journal_entries(const std::string& name) const
    -> std::vector<journal_entry> {
  validate_model_name(name);
  std::vector<journal_entry> out;
  read_model(name, [&](model_state& s) {
    visit_journal(name, s, [&](journal_entry&& e) {
      out.push_back(std::move(e));
      return true;
    });
  });
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::copy_version(const std::string& name,
                                                              model_state& s, int version) const
    -> model_version {
  return load_version(name, s, version);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::find_client_token(const std::string& name,
                                                                   const model_state& s,
                                                                   const std::string& token) const
    -> std::optional<client_token_record> {
  (void)name;
  const auto it = s.client_tokens.find(token);
  if (it == s.client_tokens.end()) {
    return std::nullopt;
  }
  return it->second;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::collect_runs(const std::string& name,
                                                              model_state& s,
                                                              std::optional<int> version,
                                                              std::vector<run_record>& out) const
    -> void {
  visit_journal(name, s, [&](journal_entry&& e) {
    if (e.record.action == audit_action::record_run && (!version || e.record.version == version)) {
      out.push_back(run_from(e));
    }
    return true;
  });
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::make_entry(const std::string& name,
                                                            audit_action action,
                                                            const change_context& context) const
    -> journal_entry {
  journal_entry e;
  e.record.model = name;
  e.record.action = action;
  e.record.time = clock_->now();
  e.record.actor = context.actor;
  e.record.reason = context.reason;
  return e;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::validate_context(const change_context& context)
    -> void {
  validate_text("actor", context.actor);
  validate_text("reason", context.reason);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::validate_map(const std::string& what,
                                                              const string_map& map) -> void {
  for (const auto& kv : map) {
    validate_key(kv.first);
    validate_text(what + " '" + kv.first + "'", kv.second);
  }
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::require(const model_state* s,
                                                         const std::string& name) -> void {
  if (s == nullptr || s->deleted) {
    throw_model_not_found(name);
  }
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::find_alias(const model_state& s,
                                                            const std::string& alias)
    -> std::optional<int> {
  const auto it = s.model.aliases.find(alias);
  return it == s.model.aliases.end() ? std::nullopt : std::optional<int>(it->second);
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::view(const model_state& s, const model_version& v)
    -> model_version {
  model_version out = v;
  out.aliases.clear();
  for (const auto& kv : s.model.aliases) {
    if (kv.second == v.version) {
      out.aliases.push_back(kv.first);
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::resolve_in(const model_uri& uri,
                                                            const model_state& s) const -> int {
  if (uri.alias) {
    const auto it = s.model.aliases.find(*uri.alias);
    if (it == s.model.aliases.end()) {
      throw registry_error("not_found",
                           "model '" + uri.name + "' has no alias '" + *uri.alias + "'");
    }
    return it->second;
  }
  if (uri.latest) {
    if (s.model.latest_version == 0) {
      throw registry_error("not_found", "model '" + uri.name + "' has no versions");
    }
    return s.model.latest_version;
  }
  if (*uri.version > s.model.latest_version) {
    throw_version_not_found(uri.name, *uri.version);
  }
  return *uri.version;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::conflict_reason(const std::string& name,
                                                                 const std::string& alias,
                                                                 std::optional<int> current,
                                                                 const alias_expectation& expected)
    -> std::string {
  return "alias '" + alias + "' of model '" + name + "' is " +
         (current ? "at version " + std::to_string(*current) : std::string("absent")) +
         ", expected " + expected.str();
}

template <class V>
MLGUARD_INLINE auto
basic_journaled_registry<V>::check_guards(const std::string& name, const std::string& alias,
                                          model_state& s, const model_version& candidate,
                                          std::optional<int> current, bool rollback,
                                          const change_context& context, alias_result& result) const
    -> bool {
  if (guards_.size() == 0) {
    return true;
  }
  transition t;
  t.model = name;
  t.alias = alias;
  const model_version candidate_view = view(s, candidate);
  t.candidate = &candidate_view;
  model_version current_view;
  if (current) {
    current_view = view(s, load_version(name, s, *current));
    t.current = &current_view;
  }
  t.rollback = rollback;
  t.context = context;
  if (auto refusal = guards_.check(t)) {
    result.outcome = alias_outcome::refused;
    result.guard = refusal->first;
    result.reason = refusal->second;
    return false;
  }
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_journaled_registry<V>::version_change(const std::string& name,
                                                                int version, audit_action action,
                                                                const std::string& key,
                                                                std::optional<std::string> value,
                                                                const change_context& context)
    -> void {
  validate_model_name(name);
  validate_context(context);
  write_model(name, [&](model_state* s) -> std::optional<journal_entry> {
    require(s, name);
    const auto& v = load_version(name, *s, version);
    if (action == audit_action::delete_version_tag && v.tags.count(key) == 0) {
      throw registry_error("not_found", "version " + std::to_string(version) + " of model '" +
                                            name + "' has no tag '" + key + "'");
    }
    auto e = make_entry(name, action, context);
    e.record.version = version;
    e.record.key = key;
    e.record.value = value;
    return e;
  });
}

} // namespace mlguard::registry::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_DETAIL_JOURNALED_REGISTRY_HPP

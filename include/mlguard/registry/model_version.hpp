#ifndef MLGUARD_REGISTRY_MODEL_VERSION_HPP
#define MLGUARD_REGISTRY_MODEL_VERSION_HPP

// The registry's value types: plain structs with nlohmann ADL to_json/from_json.
// The interface that produces them is in model_registry.hpp.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::registry {

/// Tags and parameters: string keys to string values, kept sorted.
using string_map = std::map<std::string, std::string>;
/// Metrics: string keys to numbers (AUC, RMSE, ...), kept sorted.
using metric_map = std::map<std::string, double>;

/// Where a version is in its life: MLflow's PENDING_REGISTRATION / READY /
/// FAILED_REGISTRATION. Only the application moves it (set_version_status).
enum class version_status {
  pending, ///< registered, artifact still being uploaded or verified
  ready,   ///< usable (the default)
  failed,  ///< the artifact never arrived or failed verification
};

/// "pending", "ready" or "failed".
inline const char* to_string(version_status s) noexcept {
  switch (s) {
  case version_status::pending:
    return "pending";
  case version_status::failed:
    return "failed";
  default:
    return "ready";
  }
}

/// The inverse of to_string. Throws registry_error (mlguard.registry.invalid_option).
template <class = void>
version_status version_status_from_string(std::string_view s);

/// Where a version came from. Recorded once, at registration.
struct lineage {
  std::string data_fingerprint;      ///< hash of the training data (e.g. a profile digest)
  std::string pipeline_fingerprint;  ///< hash of the fitted pipeline (pipeline/ fingerprints)
  std::string code_version;          ///< e.g. a git commit
  std::optional<int> parent_version; ///< the version this one was derived or fine-tuned from
  timestamp created_at{};            ///< from the registry's clock_source
  std::string created_by;            ///< the actor of the registration
};

/// One registered version of a model.
struct model_version {
  std::string model;           ///< the registered model's name
  int version = 0;             ///< 1, 2, 3, ...: monotonic per model, never reused
  std::string artifact_uri;    ///< where the artifact lives (opaque to the registry)
  std::string artifact_digest; ///< e.g. "sha256:..." (opaque; guards may verify it)
  version_status status = version_status::ready;
  std::string description;
  string_map tags;
  metric_map metrics; ///< fixed at registration
  string_map params;  ///< fixed at registration
  registry::lineage lineage;
  std::vector<std::string> aliases; ///< aliases pointing here when read (sorted); not stored
};

/// What register_version records besides the artifact URI.
struct version_metadata {
  std::string artifact_digest;
  version_status status = version_status::ready;
  std::string description;
  string_map tags;
  metric_map metrics;
  string_map params;
  std::string data_fingerprint;
  std::string pipeline_fingerprint;
  std::string code_version;
  std::optional<int> parent_version; ///< must name an existing version of the same model
  /// Optional, for retries: a registration that carries the token of a version already
  /// registered (same model) returns that version instead of making another, so a
  /// client may retry a call whose outcome it did not learn (a timeout, a crash, a full
  /// disk) without making a duplicate. Name rules (validate_client_token); a UUID will
  /// do. Empty: no token, every call registers a new version.
  std::string client_token;
};

/// A registered model: a name grouping versions, with aliases pointing at them.
struct registered_model {
  std::string name;
  std::string description;
  string_map tags;
  timestamp created_at{};
  timestamp updated_at{};             ///< time of the last change (any journal record)
  int latest_version = 0;             ///< the highest version registered; 0 when none yet
  std::map<std::string, int> aliases; ///< alias -> version
  std::uint64_t sequence = 0;         ///< sequence number of the model's last journal record
};

/// Who makes a change and why; both land in the audit journal.
struct change_context {
  std::string actor;  ///< a user, service or job name
  std::string reason; ///< free text, e.g. "AUC 0.91 > 0.89 on holdout"
};

/// What a journal record records.
enum class audit_action {
  create_model,
  delete_model,
  set_model_description,
  set_model_tag,
  delete_model_tag,
  register_version,
  set_version_description,
  set_version_tag,
  delete_version_tag,
  set_version_status,
  set_alias,
  delete_alias,
  rollback_alias, ///< an alias moved back to its previous version (rollback_alias)
  record_run,     ///< a job's run of a version was recorded (record_run)
};

/// The snake_case name of an action, as written in the journal.
inline const char* to_string(audit_action a) noexcept {
  switch (a) {
  case audit_action::create_model:
    return "create_model";
  case audit_action::delete_model:
    return "delete_model";
  case audit_action::set_model_description:
    return "set_model_description";
  case audit_action::set_model_tag:
    return "set_model_tag";
  case audit_action::delete_model_tag:
    return "delete_model_tag";
  case audit_action::register_version:
    return "register_version";
  case audit_action::set_version_description:
    return "set_version_description";
  case audit_action::set_version_tag:
    return "set_version_tag";
  case audit_action::delete_version_tag:
    return "delete_version_tag";
  case audit_action::set_version_status:
    return "set_version_status";
  case audit_action::set_alias:
    return "set_alias";
  case audit_action::delete_alias:
    return "delete_alias";
  case audit_action::rollback_alias:
    return "rollback_alias";
  case audit_action::record_run:
    return "record_run";
  }
  return "unknown";
}

/// The inverse of to_string. Throws format_error (mlguard.format.corrupt).
template <class = void>
audit_action audit_action_from_string(std::string_view s);

/// One record of a model's append-only audit journal.
struct audit_record {
  std::uint64_t sequence = 0; ///< 1, 2, 3, ... per model; the watch position
  timestamp time{};           ///< from the registry's clock_source
  std::string model;
  audit_action action = audit_action::create_model;
  std::string actor;
  std::string reason;
  std::optional<int> version;          ///< the version registered, changed, aliased or run
  std::string alias;                   ///< alias records: which alias
  std::optional<int> previous_version; ///< alias records: where the alias pointed before
  std::string key;                     ///< tag records: the tag key
  std::optional<std::string> value;    ///< tag value, description or status
  std::string client_token;            ///< register_version: the client token, if one was given
};

/// One move of one alias, from the journal (alias_history).
struct alias_change {
  std::uint64_t sequence = 0;
  timestamp time{};
  std::string alias;
  std::optional<int> from; ///< nothing: the alias did not exist before
  std::optional<int> to;   ///< nothing: the alias was deleted
  std::string actor;
  std::string reason;
  bool rollback = false; ///< made by rollback_alias
};

/// The compare part of set_alias's compare-and-swap: what the caller believes the
/// alias points to now.
///
/// - alias_expectation::any(): no check (a plain, last-writer-wins set);
/// - alias_expectation::absent(): the alias must not exist yet;
/// - alias_expectation::version(v): the alias must point at v right now.
template <class = void> // deferred: see core/json.hpp
class basic_alias_expectation {
public:
  /// No check: the alias moves whatever it points to.
  static basic_alias_expectation any() noexcept { return basic_alias_expectation(kind::any, 0); }
  /// The alias must not exist.
  static basic_alias_expectation absent() noexcept;
  /// The alias must point at `v`.
  static basic_alias_expectation version(int v) noexcept;

  /// Whether an alias currently at `current` (nothing: absent) satisfies this expectation.
  bool matches(std::optional<int> current) const noexcept;

  /// "any", "absent" or "version 7", for messages.
  std::string str() const;

private:
  enum class kind { any, absent, version };
  basic_alias_expectation(kind k, int v) noexcept : kind_(k), version_(v) {}
  kind kind_;
  int version_;
};

/// The type to name (a class template only so that its bodies compile where used).
using alias_expectation = basic_alias_expectation<>;

/// How an alias change ended. Refusals are results, not exceptions: they are the
/// normal outcome of a race or a guard doing its job.
enum class alias_outcome {
  applied,   ///< the alias now points at the requested version (or was deleted)
  unchanged, ///< it already pointed there; nothing was written
  conflict,  ///< the compare-and-swap failed: the alias was not where `expected` said
  refused,   ///< a transition guard refused; `guard` and `reason` say which and why
};

/// "applied", "unchanged", "conflict" or "refused".
inline const char* to_string(alias_outcome o) noexcept {
  switch (o) {
  case alias_outcome::unchanged:
    return "unchanged";
  case alias_outcome::conflict:
    return "conflict";
  case alias_outcome::refused:
    return "refused";
  default:
    return "applied";
  }
}

/// The result of set_alias, delete_alias and rollback_alias.
struct alias_result {
  alias_outcome outcome = alias_outcome::applied;
  std::optional<int> previous; ///< where the alias pointed when the call looked
  std::optional<int> current;  ///< where it points after the call
  std::string guard;           ///< refused: the name of the refusing guard
  std::string reason;          ///< conflict or refused: why, in one line
  std::uint64_t sequence = 0;  ///< applied: the journal record's sequence number

  /// True when the alias is where the caller asked (applied or unchanged).
  explicit operator bool() const noexcept {
    return outcome == alias_outcome::applied || outcome == alias_outcome::unchanged;
  }
};

/// One metric condition of a version search.
struct metric_filter {
  enum class op { less, less_equal, equal, greater_equal, greater };
  std::string name;
  op comparison = op::greater_equal;
  double value = 0.0;

  /// Whether `metrics` holds the metric and it satisfies the condition.
  bool matches(const metric_map& metrics) const {
    const auto it = metrics.find(name);
    if (it == metrics.end()) {
      return false;
    }
    const double x = it->second;
    switch (comparison) {
    case op::less:
      return x < value;
    case op::less_equal:
      return x <= value;
    case op::equal:
      return x == value;
    case op::greater:
      return x > value;
    default:
      return x >= value;
    }
  }
};

/// A version search: every condition given must hold (AND).
struct version_query {
  string_map tags;                      ///< each tag present with exactly this value
  std::vector<metric_filter> metrics;   ///< each metric present and satisfying its filter
  std::optional<std::string> alias;     ///< the version this alias points to
  std::optional<version_status> status; ///< only versions in this status
};

// ---- JSON. Times are ISO-8601 UTC strings, exact to the nanosecond. The
// read_* functions read through json_reader (errors name the field); the
// nlohmann ADL hooks (`json j = v;`, `j.get<model_version>()`) call them.

namespace detail {
template <class = void> // deferred: see core/json.hpp
std::string time_to_json(timestamp t);
template <class = void>
timestamp read_time(const json_reader& r, std::string_view field);
template <class = void>
json optional_int_to_json(const std::optional<int>& v);
template <class = void>
std::optional<int> read_optional_int(const json_reader& r, std::string_view field);
template <class = void>
int read_int(const json_reader& r, std::string_view field);
template <class = void>
std::string read_optional_text(const json_reader& r, std::string_view field);
template <class = void>
string_map read_string_map(const json_reader& r, std::string_view field);
} // namespace detail

/// The lineage in `r` (what to_json wrote). Throws format_error (mlguard.format.corrupt).
template <class = void>
lineage read_lineage(const json_reader& r);

/// The model version in `r` (what to_json wrote). Throws format_error
/// (mlguard.format.corrupt).
template <class = void>
model_version read_model_version(const json_reader& r);

/// The registered model in `r` (what to_json wrote). Throws format_error
/// (mlguard.format.corrupt).
template <class = void>
registered_model read_registered_model(const json_reader& r);

/// The audit record in `r` (what to_json wrote). Throws format_error
/// (mlguard.format.corrupt).
template <class = void>
audit_record read_audit_record(const json_reader& r);

template <class = void>
void to_json(json& j, const lineage& l);
template <class = void>
void from_json(const json& j, lineage& l);

template <class = void>
void to_json(json& j, const model_version& v);
template <class = void>
void from_json(const json& j, model_version& v);

template <class = void>
void to_json(json& j, const registered_model& m);
template <class = void>
void from_json(const json& j, registered_model& m);

template <class = void>
void to_json(json& j, const audit_record& r);
template <class = void>
void from_json(const json& j, audit_record& r);

template <class = void>
void to_json(json& j, const alias_change& c);

template <class = void>
void to_json(json& j, const alias_result& r);

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/core/iso8601.hpp"

namespace mlguard::registry {

template <class>
version_status version_status_from_string(std::string_view s) {
  if (s == "pending") {
    return version_status::pending;
  }
  if (s == "ready") {
    return version_status::ready;
  }
  if (s == "failed") {
    return version_status::failed;
  }
  throw registry_error("invalid_option",
                       "unknown version status '" + std::string(s) + "' (pending|ready|failed)");
}

template <class>
audit_action audit_action_from_string(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(audit_action::record_run); ++i) {
    const auto a = static_cast<audit_action>(i);
    if (s == to_string(a)) {
      return a;
    }
  }
  throw format_error("corrupt", "unknown audit action '" + std::string(s) + "'");
}

template <class V>
MLGUARD_INLINE auto basic_alias_expectation<V>::absent() noexcept -> basic_alias_expectation {
  return basic_alias_expectation(kind::absent, 0);
}

template <class V>
MLGUARD_INLINE auto basic_alias_expectation<V>::version(int v) noexcept -> basic_alias_expectation {
  return basic_alias_expectation(kind::version, v);
}

template <class V>
MLGUARD_INLINE auto basic_alias_expectation<V>::matches(std::optional<int> current) const noexcept
    -> bool {
  switch (kind_) {
  case kind::absent:
    return !current;
  case kind::version:
    return current && *current == version_;
  default:
    return true;
  }
}

template <class V>
MLGUARD_INLINE auto basic_alias_expectation<V>::str() const -> std::string {
  switch (kind_) {
  case kind::absent:
    return "absent";
  case kind::version:
    return "version " + std::to_string(version_);
  default:
    return "any";
  }
}

} // namespace mlguard::registry

namespace mlguard::registry::detail {

template <class> // deferred: see core/json.hpp
std::string time_to_json(timestamp t) {
  return format_iso8601(t, iso8601_precision::exact);
}

template <class>
timestamp read_time(const json_reader& r, std::string_view field) {
  const std::string& text = r.text(field);
  try {
    return parse_iso8601(text);
  } catch (const error& e) {
    r.fail(field, std::string(e.message()));
  }
}

template <class>
json optional_int_to_json(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}

template <class>
std::optional<int> read_optional_int(const json_reader& r, std::string_view field) {
  if (!r.has_value(field)) {
    return std::nullopt;
  }
  return static_cast<int>(
      r.integer(field, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

template <class>
int read_int(const json_reader& r, std::string_view field) {
  return static_cast<int>(
      r.integer(field, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

template <class>
std::string read_optional_text(const json_reader& r, std::string_view field) {
  return r.has_value(field) ? r.text(field) : std::string();
}

template <class>
string_map read_string_map(const json_reader& r, std::string_view field) {
  string_map out;
  if (r.has_value(field)) {
    const json_reader m = r.object(field);
    for (auto it = m.value().begin(); it != m.value().end(); ++it) {
      out[it.key()] = m.text(it.key());
    }
  }
  return out;
}

} // namespace mlguard::registry::detail

namespace mlguard::registry {

template <class>
lineage read_lineage(const json_reader& r) {
  lineage l;
  l.data_fingerprint = detail::read_optional_text(r, "data_fingerprint");
  l.pipeline_fingerprint = detail::read_optional_text(r, "pipeline_fingerprint");
  l.code_version = detail::read_optional_text(r, "code_version");
  l.parent_version = detail::read_optional_int(r, "parent_version");
  l.created_at = detail::read_time(r, "created_at");
  l.created_by = detail::read_optional_text(r, "created_by");
  return l;
}

template <class>
model_version read_model_version(const json_reader& r) {
  model_version v;
  v.model = r.text("model");
  v.version = detail::read_int(r, "version");
  v.artifact_uri = detail::read_optional_text(r, "artifact_uri");
  v.artifact_digest = detail::read_optional_text(r, "artifact_digest");
  try {
    v.status = version_status_from_string(r.text("status"));
  } catch (const error& e) {
    r.fail("status", std::string(e.message()));
  }
  v.description = detail::read_optional_text(r, "description");
  v.tags = detail::read_string_map(r, "tags");
  if (r.has_value("metrics")) {
    const json_reader m = r.object("metrics");
    for (auto it = m.value().begin(); it != m.value().end(); ++it) {
      v.metrics[it.key()] = m.number(it.key());
    }
  }
  v.params = detail::read_string_map(r, "params");
  v.lineage = read_lineage(r.object("lineage"));
  if (r.has("aliases")) {
    v.aliases = r.texts("aliases");
  }
  return v;
}

template <class>
registered_model read_registered_model(const json_reader& r) {
  registered_model m;
  m.name = r.text("name");
  m.description = detail::read_optional_text(r, "description");
  m.tags = detail::read_string_map(r, "tags");
  m.created_at = detail::read_time(r, "created_at");
  m.updated_at = detail::read_time(r, "updated_at");
  m.latest_version = detail::read_int(r, "latest_version");
  if (r.has_value("aliases")) {
    const json_reader a = r.object("aliases");
    for (auto it = a.value().begin(); it != a.value().end(); ++it) {
      m.aliases[it.key()] = detail::read_int(a, it.key());
    }
  }
  m.sequence = r.count("sequence");
  return m;
}

template <class>
audit_record read_audit_record(const json_reader& r) {
  audit_record a;
  a.sequence = r.count("sequence");
  a.time = detail::read_time(r, "time");
  a.model = r.text("model");
  try {
    a.action = audit_action_from_string(r.text("action"));
  } catch (const error& e) {
    r.fail("action", std::string(e.message()));
  }
  a.actor = detail::read_optional_text(r, "actor");
  a.reason = detail::read_optional_text(r, "reason");
  a.version = detail::read_optional_int(r, "version");
  a.alias = detail::read_optional_text(r, "alias");
  a.previous_version = detail::read_optional_int(r, "previous_version");
  a.key = detail::read_optional_text(r, "key");
  if (r.has_value("value")) {
    a.value = r.text("value");
  }
  a.client_token = detail::read_optional_text(r, "client_token");
  return a;
}

template <class>
void to_json(json& j, const lineage& l) {
  j = json::object();
  j["data_fingerprint"] = l.data_fingerprint;
  j["pipeline_fingerprint"] = l.pipeline_fingerprint;
  j["code_version"] = l.code_version;
  j["parent_version"] = detail::optional_int_to_json(l.parent_version);
  j["created_at"] = detail::time_to_json(l.created_at);
  j["created_by"] = l.created_by;
}

template <class>
void from_json(const json& j, lineage& l) {
  l = read_lineage(json_reader(j, "lineage"));
}

template <class>
void to_json(json& j, const model_version& v) {
  j = json::object();
  j["model"] = v.model;
  j["version"] = v.version;
  j["artifact_uri"] = v.artifact_uri;
  j["artifact_digest"] = v.artifact_digest;
  j["status"] = to_string(v.status);
  j["description"] = v.description;
  j["tags"] = v.tags;
  json metrics = json::object();
  for (const auto& [name, value] : v.metrics) {
    metrics[name] = json_number(value);
  }
  j["metrics"] = std::move(metrics);
  j["params"] = v.params;
  j["lineage"] = v.lineage;
  j["aliases"] = v.aliases;
}

template <class>
void from_json(const json& j, model_version& v) {
  v = read_model_version(json_reader(j, "model_version"));
}

template <class>
void to_json(json& j, const registered_model& m) {
  j = json::object();
  j["name"] = m.name;
  j["description"] = m.description;
  j["tags"] = m.tags;
  j["created_at"] = detail::time_to_json(m.created_at);
  j["updated_at"] = detail::time_to_json(m.updated_at);
  j["latest_version"] = m.latest_version;
  j["aliases"] = m.aliases;
  j["sequence"] = m.sequence;
}

template <class>
void from_json(const json& j, registered_model& m) {
  m = read_registered_model(json_reader(j, "registered_model"));
}

template <class>
void to_json(json& j, const audit_record& r) {
  j = json::object();
  j["sequence"] = r.sequence;
  j["time"] = detail::time_to_json(r.time);
  j["model"] = r.model;
  j["action"] = to_string(r.action);
  if (!r.actor.empty()) {
    j["actor"] = r.actor;
  }
  if (!r.reason.empty()) {
    j["reason"] = r.reason;
  }
  if (r.version) {
    j["version"] = *r.version;
  }
  if (!r.alias.empty()) {
    j["alias"] = r.alias;
    j["previous_version"] = detail::optional_int_to_json(r.previous_version);
  }
  if (!r.key.empty()) {
    j["key"] = r.key;
  }
  if (r.value) {
    j["value"] = *r.value;
  }
  if (!r.client_token.empty()) {
    j["client_token"] = r.client_token;
  }
}

template <class>
void from_json(const json& j, audit_record& r) {
  r = read_audit_record(json_reader(j, "audit_record"));
}

template <class>
void to_json(json& j, const alias_change& c) {
  j = json::object();
  j["sequence"] = c.sequence;
  j["time"] = detail::time_to_json(c.time);
  j["alias"] = c.alias;
  j["from"] = detail::optional_int_to_json(c.from);
  j["to"] = detail::optional_int_to_json(c.to);
  j["actor"] = c.actor;
  j["reason"] = c.reason;
  j["rollback"] = c.rollback;
}

template <class>
void to_json(json& j, const alias_result& r) {
  j = json::object();
  j["outcome"] = to_string(r.outcome);
  j["previous"] = detail::optional_int_to_json(r.previous);
  j["current"] = detail::optional_int_to_json(r.current);
  if (!r.guard.empty()) {
    j["guard"] = r.guard;
  }
  if (!r.reason.empty()) {
    j["reason"] = r.reason;
  }
  if (r.sequence != 0) {
    j["sequence"] = r.sequence;
  }
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_MODEL_VERSION_HPP

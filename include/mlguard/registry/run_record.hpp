#ifndef MLGUARD_REGISTRY_RUN_RECORD_HPP
#define MLGUARD_REGISTRY_RUN_RECORD_HPP

// A run record: what one job (a batch scoring, an evaluation) did with one registered
// version — which input, which bundle, what came out and how it ended — kept by the
// registry as lineage of that version (model_registry::record_run, runs). It answers
// "which model produced this file, from which data?" with one look-up.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "mlguard/core/clock.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/registry/model_version.hpp"

namespace mlguard::registry {

/// Counts by name: rows read, rows per status, windows, ...
using count_map = std::map<std::string, std::uint64_t>;

/// One run of a job against one registered version.
///
/// The caller fills the fields below "what ran"; record_run sets the first group from
/// its arguments, its clock and the journal.
struct run_record {
  // ---- set by the registry when the run is recorded
  std::uint64_t sequence = 0; ///< the run's journal record: its id within the model
  std::string model;          ///< the registered model's name
  int version = 0;            ///< the version that ran
  timestamp recorded_at{};    ///< from the registry's clock_source
  std::string actor;          ///< change_context.actor of record_run

  // ---- what ran
  std::string kind = "score";    ///< what the job did ("score", "evaluate"; key rules)
  std::string model_uri;         ///< the URI the job asked for, e.g. "models:/taxi@champion"
  std::string artifact_digest;   ///< the bundle digest that ran ("sha256:...")
  std::string input;             ///< the input as the job named it (a path, "-")
  std::string input_fingerprint; ///< "sha256:" + hex SHA-256 of the input's bytes
  std::uint64_t input_bytes = 0; ///< the input's size in bytes
  count_map counts;              ///< e.g. rows, ok, flagged, imputed, rejected
  metric_map timings;            ///< seconds per phase, e.g. read, score, drift, total
  metric_map thresholds;         ///< the limits the job judged by, e.g. drift_share
  metric_map metrics;            ///< what it measured, e.g. rejected_share, auc
  string_map outputs;            ///< what it wrote, role → path (predictions, report, ...)
  int exit_code = 0;             ///< how the job ended (the CLI's exit status)
  timestamp started_at{};        ///< when the job started (the job's clock)
  timestamp finished_at{};       ///< when it finished
  string_map tags;               ///< free, e.g. host, scheduler run id
};

/// The journal and file format of a run's document (ROOT/models/NAME/runs/V/SEQ.json).
inline constexpr document_format run_format{"mlguard.registry.run", 1};

namespace detail {

/// Checks what a caller gives record_run: kind (key rules), keys of every map
/// (validate_key), every text (validate_text: UTF-8). Throws registry_error
/// (mlguard.registry.invalid_name, mlguard.registry.invalid_argument).
template <class = void>
void validate_run(const run_record& run);

template <class = void> // deferred: see core/json.hpp
json metrics_to_json(const metric_map& m);

template <class = void>
metric_map read_metric_map(const json_reader& r, std::string_view field);

/// The fields of a run the caller chose (what the journal record's document holds).
template <class = void>
json run_body_to_json(const run_record& r);

/// Reads what run_body_to_json wrote into `r`. Throws format_error (mlguard.format.corrupt).
template <class = void>
void read_run_body(const json_reader& j, run_record& r);

} // namespace detail

/// The run in `r` (what to_json wrote). Throws format_error (mlguard.format.corrupt).
template <class = void>
run_record read_run_record(const json_reader& r);

template <class = void>
void to_json(json& j, const run_record& r);
template <class = void>
void from_json(const json& j, run_record& r);

} // namespace mlguard::registry

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/registry/names.hpp"

namespace mlguard::registry::detail {

template <class>
void validate_run(const run_record& run) {
  validate_key(run.kind);
  validate_text("run model URI", run.model_uri);
  validate_text("run artifact digest", run.artifact_digest);
  validate_text("run input", run.input);
  validate_text("run input fingerprint", run.input_fingerprint);
  for (const auto& kv : run.counts) {
    validate_key(kv.first);
  }
  for (const auto* map : {&run.timings, &run.thresholds, &run.metrics}) {
    for (const auto& kv : *map) {
      validate_key(kv.first);
    }
  }
  for (const auto* map : {&run.outputs, &run.tags}) {
    for (const auto& kv : *map) {
      validate_key(kv.first);
      validate_text("run '" + kv.first + "'", kv.second);
    }
  }
}

template <class> // deferred: see core/json.hpp
json metrics_to_json(const metric_map& m) {
  json out = json::object();
  for (const auto& [name, value] : m) {
    out[name] = json_number(value);
  }
  return out;
}

template <class>
metric_map read_metric_map(const json_reader& r, std::string_view field) {
  metric_map out;
  if (r.has_value(field)) {
    const json_reader m = r.object(field);
    for (auto it = m.value().begin(); it != m.value().end(); ++it) {
      out[it.key()] = m.number(it.key());
    }
  }
  return out;
}

template <class>
json run_body_to_json(const run_record& r) {
  json j = json::object();
  j["kind"] = r.kind;
  j["model_uri"] = r.model_uri;
  j["artifact_digest"] = r.artifact_digest;
  j["input"] = r.input;
  j["input_fingerprint"] = r.input_fingerprint;
  j["input_bytes"] = r.input_bytes;
  j["counts"] = r.counts;
  j["timings"] = metrics_to_json(r.timings);
  j["thresholds"] = metrics_to_json(r.thresholds);
  j["metrics"] = metrics_to_json(r.metrics);
  j["outputs"] = r.outputs;
  j["exit_code"] = r.exit_code;
  j["started_at"] = time_to_json(r.started_at);
  j["finished_at"] = time_to_json(r.finished_at);
  j["tags"] = r.tags;
  return j;
}

template <class>
void read_run_body(const json_reader& j, run_record& r) {
  r.kind = j.text("kind");
  r.model_uri = read_optional_text(j, "model_uri");
  r.artifact_digest = read_optional_text(j, "artifact_digest");
  r.input = read_optional_text(j, "input");
  r.input_fingerprint = read_optional_text(j, "input_fingerprint");
  r.input_bytes = j.has_value("input_bytes") ? j.count("input_bytes") : 0;
  r.counts.clear();
  if (j.has_value("counts")) {
    const json_reader c = j.object("counts");
    for (auto it = c.value().begin(); it != c.value().end(); ++it) {
      r.counts[it.key()] = c.count(it.key());
    }
  }
  r.timings = read_metric_map(j, "timings");
  r.thresholds = read_metric_map(j, "thresholds");
  r.metrics = read_metric_map(j, "metrics");
  r.outputs = read_string_map(j, "outputs");
  r.exit_code = read_int(j, "exit_code");
  r.started_at = read_time(j, "started_at");
  r.finished_at = read_time(j, "finished_at");
  r.tags = read_string_map(j, "tags");
}

} // namespace mlguard::registry::detail

namespace mlguard::registry {

template <class>
run_record read_run_record(const json_reader& r) {
  run_record out;
  out.sequence = r.count("sequence");
  out.model = r.text("model");
  out.version = detail::read_int(r, "version");
  out.recorded_at = detail::read_time(r, "recorded_at");
  out.actor = detail::read_optional_text(r, "actor");
  detail::read_run_body(r, out);
  return out;
}

template <class>
void to_json(json& j, const run_record& r) {
  j = json::object();
  j["sequence"] = r.sequence;
  j["model"] = r.model;
  j["version"] = r.version;
  j["recorded_at"] = detail::time_to_json(r.recorded_at);
  j["actor"] = r.actor;
  j.update(detail::run_body_to_json(r));
}

template <class>
void from_json(const json& j, run_record& r) {
  r = read_run_record(json_reader(j, "run_record"));
}

} // namespace mlguard::registry

#endif // MLGUARD_COMPILED
#endif // MLGUARD_REGISTRY_RUN_RECORD_HPP

#ifndef MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP
#define MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP

// The pipeline document shared by static_pipeline<...> and dynamic_pipeline:
//
//   {"format": "mlguard.pipeline", "format_version": 1,
//    "input_features": ["fare", ...], "output_features": ["probability"],
//    "stages": [{"kind": "imputer", "params": {...}}, ...]}

#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"

namespace mlguard::pipeline {

/// The pipeline document's format: "mlguard.pipeline", version 1.
inline constexpr document_format pipeline_format{"mlguard.pipeline", 1};

namespace detail {

/// Rows per chunk of the batch path: intermediate results stay in cache.
inline constexpr Eigen::Index batch_chunk = 512;

struct stage_entry {
  std::string kind;
  json_reader params; // "stages[i].params", naming its fields in errors
};

struct pipeline_document {
  std::vector<std::string> input_features;
  std::vector<std::string> output_features;
  std::vector<stage_entry> stages;
};

/// Adds {"kind", "params"} of one stage to `stages`.
template <class = void> // deferred: see core/json.hpp
void add_stage(json& stages, std::string_view kind, json params);

template <class = void>
json write_pipeline_document(const std::vector<std::string>& input,
                             const std::vector<std::string>& output, json stages);

/// Checks the envelope and the stage list; the entries refer into `doc`.
/// Throws format_error (corrupt, wrong_kind, newer_version, unknown_field).
template <class = void>
pipeline_document read_pipeline_document(const json& doc, std::string source);

/// Throws pipeline_error (mlguard.pipeline.width_mismatch) when the stages'
/// output names differ from what the document recorded.
template <class = void>
void check_outputs(const std::vector<std::string>& recorded,
                   const std::vector<std::string>& computed, std::string_view source);

} // namespace detail
} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/pipeline/detail/params.hpp"

namespace mlguard::pipeline::detail {

template <class> // deferred: see core/json.hpp
void add_stage(json& stages, std::string_view kind, json params) {
  json entry = json::object();
  entry["kind"] = kind;
  entry["params"] = std::move(params);
  stages.push_back(std::move(entry));
}

template <class>
json write_pipeline_document(const std::vector<std::string>& input,
                             const std::vector<std::string>& output, json stages) {
  json doc = new_document(pipeline_format);
  doc["input_features"] = input;
  doc["output_features"] = output;
  doc["stages"] = std::move(stages);
  return doc;
}

template <class>
pipeline_document read_pipeline_document(const json& doc, std::string source) {
  const auto r = json_reader::document(doc, pipeline_format, std::move(source),
                                       {"input_features", "output_features", "stages"});
  pipeline_document out;
  out.input_features = r.texts("input_features");
  out.output_features = r.texts("output_features");
  if (out.input_features.empty()) {
    r.fail("input_features", "a pipeline needs at least one input feature");
  }
  for (const auto& stage : r.objects("stages")) {
    stage.allow_fields({"kind", "params"});
    out.stages.push_back({stage.text("kind"), stage.object("params")});
  }
  if (out.stages.empty()) {
    r.fail("stages", "a pipeline needs at least one stage");
  }
  return out;
}

template <class>
void check_outputs(const std::vector<std::string>& recorded,
                   const std::vector<std::string>& computed, std::string_view source) {
  if (recorded != computed) {
    throw pipeline_error("width_mismatch",
                         std::string(source) + ": the stages produce " +
                             std::to_string(computed.size()) +
                             " output features, not the recorded \"output_features\"");
  }
}

} // namespace mlguard::pipeline::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP

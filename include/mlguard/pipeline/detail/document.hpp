#ifndef MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP
#define MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP

// The pipeline document shared by static_pipeline<...> and dynamic_pipeline:
//
//   {"format": "mlguard.pipeline", "format_version": 1,
//    "input_features": ["fare", ...], "output_features": ["probability"],
//    "stages": [{"kind": "imputer", "params": {...}}, ...]}

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/pipeline/detail/params.hpp"

namespace mlguard::pipeline {

/// The "format" of a pipeline document.
inline constexpr std::string_view pipeline_format = "mlguard.pipeline";
/// The newest pipeline format_version this mlguard reads and the one it writes.
inline constexpr std::int64_t pipeline_format_version = 1;

namespace detail {

/// Rows per chunk of the batch path: intermediate results stay in cache.
inline constexpr Eigen::Index batch_chunk = 512;

struct stage_entry {
  std::string kind;
  json params;
};

struct pipeline_document {
  std::vector<std::string> input_features;
  std::vector<std::string> output_features;
  std::vector<stage_entry> stages;
};

inline json write_pipeline_document(const std::vector<std::string>& input,
                                    const std::vector<std::string>& output, json stages) {
  return {{"format", pipeline_format},
          {"format_version", pipeline_format_version},
          {"input_features", input},
          {"output_features", output},
          {"stages", std::move(stages)}};
}

/// Checks the envelope. Throws format_error (corrupt, wrong_kind,
/// newer_version, unknown_field).
inline pipeline_document read_pipeline_document(const json& doc, std::string_view source) {
  check_format(doc, pipeline_format, pipeline_format_version, source);
  check_known_fields(
      doc, {"format", "format_version", "input_features", "output_features", "stages"}, source);
  pipeline_document out;
  out.input_features = detail::strings_from_json(doc, "input_features", source);
  out.output_features = detail::strings_from_json(doc, "output_features", source);
  if (out.input_features.empty()) {
    throw format_error("corrupt", std::string(source) + ": missing \"input_features\"");
  }
  const auto st = doc.find("stages");
  if (st == doc.end() || !st->is_array() || st->empty()) {
    throw format_error("corrupt", std::string(source) + ": \"stages\" must be a non-empty array");
  }
  for (const auto& s : *st) {
    if (!s.is_object() || !s.contains("kind") || !s["kind"].is_string() || !s.contains("params") ||
        !s["params"].is_object()) {
      throw format_error("corrupt", std::string(source) +
                                        ": each stage needs a string \"kind\" and object "
                                        "\"params\"");
    }
    check_known_fields(s, {"kind", "params"}, source);
    out.stages.push_back({s["kind"].get<std::string>(), s["params"]});
  }
  return out;
}

/// Throws pipeline_error (mlguard.pipeline.width_mismatch) when the stages'
/// output names differ from what the document recorded.
inline void check_outputs(const std::vector<std::string>& recorded,
                          const std::vector<std::string>& computed, std::string_view source) {
  if (recorded != computed) {
    throw pipeline_error("width_mismatch",
                         std::string(source) + ": the stages produce " +
                             std::to_string(computed.size()) +
                             " output features, not the recorded \"output_features\"");
  }
}

inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw io_error("open_failed", "cannot open " + path);
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    throw io_error("write_failed", "cannot write " + path);
  }
}

} // namespace detail
} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_DETAIL_DOCUMENT_HPP

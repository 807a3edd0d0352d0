#ifndef MLGUARD_SERVING_MAKE_BUNDLE_HPP
#define MLGUARD_SERVING_MAKE_BUNDLE_HPP

// From a fitted pipeline (and, for a model of another kind, its bytes) and
// its training table to a complete model bundle: the schema, profiles,
// layout and smoke rows derived the way serving will read requests, so a
// freshly made bundle always opens and passes its own smoke test.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/digest.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/core/version.hpp"
#include "mlguard/explain/linear_contributions.hpp"
#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/profile/dataset_profile.hpp"
#include "mlguard/serving/detail/field_text.hpp"
#include "mlguard/serving/feature_layout.hpp"
#include "mlguard/serving/model.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/model_loaders.hpp"
#include "mlguard/serving/pipeline_model.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/validate_row.hpp"

namespace mlguard::serving {

/// How make_bundle derives the bundle's members.
struct bundle_options {
  /// Schema inference over the pipeline's input columns.
  validate::infer_options schema;
  /// Profiles of the inputs and the predictions.
  profile::profile_options profile;
  /// Smoke rows: the first this many training rows (fewer if the table is shorter).
  std::size_t smoke_rows = 5;
  /// Largest relative difference a smoke row may show.
  double smoke_tolerance = 1e-9;
  /// Free metadata (an object).
  json metadata = json::object();
  /// The application's code version recorded in the lineage (e.g. a git commit).
  std::string code_version;
  /// How the pipeline was fitted, recorded in the lineage (an object: the
  /// label, hyper-parameters, seeds, the training window).
  json fit_options = json::object();
  /// Measure the background of linear explanations (for a pipeline ending in
  /// linear_regression / logistic_regression; others get none).
  bool explain_background = true;
};

/// A fingerprint of a table's content: "sha256:<hex>" of, per column in
/// order, its name, kind and values (numbers as IEEE-754 bits, little-endian;
/// categories by name). Equal tables give equal fingerprints on every
/// platform; any changed cell, name or order changes it. Never throws.
template <class = void> // deferred: see core/json.hpp
std::string table_fingerprint(const table& t);

/// `inferred` with each categorical column's vocabulary replaced by the
/// training table's, in the table's code order. A pipeline fitted on the
/// table's codes (to_matrix) then reads the same codes that validate_fields
/// gives a request; infer_schema's own vocabulary is sorted, may be open
/// (too many categories) or may have turned true/false into a boolean.
template <class = void>
validate::schema aligned_schema(const validate::schema& inferred, const table& training);

namespace detail {

// Fills b's schema, layout, reference profile and metadata from the
// pipeline's input columns of `training`; returns those columns.
template <class = void>
table describe_inputs(model_bundle& b, const table& training, const bundle_options& options);

// The background of linear explanations, measured on the training rows as
// serving reads them (to_matrix codes); none for a pipeline that does not
// end in a linear model or cannot be traced.
template <class = void>
void describe_background(model_bundle& b, const table& x);

// Fills b's predictions profile and smoke rows by scoring `x` (the input
// columns) with `model` as serving would, each row validated first.
template <class = void>
void describe_outputs(model_bundle& b, const table& x, any_model& model,
                      const bundle_options& options);

} // namespace detail

/// A bundle for `fitted` (any pipeline with to_json(): static_pipeline,
/// dynamic_pipeline) trained on `training` (its input columns; others,
/// such as the label, are ignored):
/// - schema: infer_schema over the input columns (in the pipeline's order),
///   each categorical vocabulary in the table's code order (aligned_schema),
///   so fit the pipeline on the table's codes (to_matrix(training, names));
/// - layout: the schema's features (= the pipeline's inputs);
/// - reference: the profile of the input columns;
/// - predictions: the profile of the pipeline's outputs on the training rows,
///   each validated first as serving validates a request;
/// - smoke rows: the first rows as text fields, with the outputs serving
///   computes for them.
/// Throws argument_error (mlguard.argument.unknown_column) when `training`
/// lacks an input column, and as infer_schema, dataset_profile::of,
/// dynamic_pipeline::from_json and check_bundle.
template <typename Pipeline>
model_bundle make_bundle(const Pipeline& fitted, const table& training,
                         const bundle_options& options) {
  model_bundle b;
  b.pipeline = fitted.to_json();
  const table x = detail::describe_inputs(b, training, options);
  if (options.explain_background) {
    detail::describe_background(b, x);
  }
  any_model model(pipeline_model::from_bundle(b, pipeline::builtin_stages()));
  detail::describe_outputs(b, x, model, options);
  check_bundle(b);
  return b;
}

/// A bundle whose model is not the pipeline: `model` names its kind (known
/// to `loaders`) and the member among `artifacts` that holds its bytes (a
/// booster), and `preprocessing` (any pipeline with to_json()) turns a
/// request into the model's features. Made as make_bundle(fitted, ...)
/// makes one, except that the predictions profile and the smoke rows come
/// from that model, loaded as serving will load it. Throws as
/// make_bundle(fitted, ...), model_loaders::load and encode_bundle's
/// artifact name checks (when written).
template <typename Pipeline>
model_bundle make_bundle(const Pipeline& preprocessing, model_spec model, bundle_members artifacts,
                         const table& training, const model_loaders& loaders,
                         const bundle_options& options) {
  model_bundle b;
  b.pipeline = preprocessing.to_json();
  b.model = std::move(model);
  b.artifacts = std::move(artifacts);
  const table x = detail::describe_inputs(b, training, options);
  check_bundle(b); // the model member is there before the model is loaded
  any_model loaded = loaders.load(b, pipeline::builtin_stages());
  b.layout.check_names(loaded.feature_names_in(), "the model's inputs");
  detail::describe_outputs(b, x, loaded, options);
  check_bundle(b);
  return b;
}

/// make_bundle(preprocessing, model, ...) with default bundle_options (an
/// overload for the reason given below).
template <typename Pipeline>
model_bundle make_bundle(const Pipeline& preprocessing, model_spec model, bundle_members artifacts,
                         const table& training, const model_loaders& loaders) {
  const bundle_options options;
  return make_bundle(preprocessing, std::move(model), std::move(artifacts), training, loaders,
                     options);
}

/// make_bundle with default bundle_options. An overload rather than a default
/// argument: GCC 12 at -O2 warns (-Wmaybe-uninitialized, a false positive) on
/// destroying a defaulted options temporary in the caller.
template <typename Pipeline>
model_bundle make_bundle(const Pipeline& fitted, const table& training) {
  const bundle_options options;
  return make_bundle(fitted, training, options);
}

} // namespace mlguard::serving

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::serving {

template <class> // deferred: see core/json.hpp
std::string table_fingerprint(const table& t) {
  sha256 h;
  auto put_u64 = [&h](std::uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; ++i) {
      b[i] = static_cast<unsigned char>(v >> (8 * i));
    }
    h.update(b, 8);
  };
  auto put_text = [&](const std::string& s) {
    put_u64(s.size());
    h.update(s.data(), s.size());
  };
  put_u64(t.cols());
  put_u64(t.rows());
  for (const auto& c : t) {
    put_text(c.name());
    if (c.is_categorical()) {
      h.update("c", 1);
      put_u64(c.vocab().size());
      for (const auto& name : c.vocab().names()) {
        put_text(name);
      }
      for (const auto code : c.codes()) {
        put_u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(code)));
      }
    } else {
      h.update("n", 1);
      for (const double v : c.values()) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        put_u64(bits);
      }
    }
  }
  return "sha256:" + h.hex();
}

template <class>
validate::schema aligned_schema(const validate::schema& inferred, const table& training) {
  auto specs = inferred.features();
  for (auto& spec : specs) {
    const column& c = training.at(spec.name);
    if (c.is_categorical()) {
      spec.kind = validate::feature_kind::categorical;
      spec.vocabulary = c.vocab().names();
      spec.min.reset();
      spec.max.reset();
    }
  }
  return validate::schema(std::move(specs), inferred.histogram_buckets());
}

} // namespace mlguard::serving

namespace mlguard::serving::detail {

template <class>
table describe_inputs(model_bundle& b, const table& training, const bundle_options& options) {
  const auto inputs = json_reader(b.pipeline, "pipeline").texts("input_features");
  table x = select_columns(training, inputs);
  b.schema = aligned_schema(validate::infer_schema(x, options.schema), x);
  b.layout = feature_layout::of(b.schema);
  b.reference = profile::dataset_profile::of(x, options.profile);
  b.smoke_tolerance = options.smoke_tolerance;
  b.metadata = options.metadata;
  b.lineage.data_fingerprint = table_fingerprint(x);
  b.lineage.data_rows = x.rows();
  b.lineage.mlguard_version = version().string;
  b.lineage.code_version = options.code_version;
  b.lineage.fit_options = options.fit_options;
  if (!b.lineage.fit_options.is_object()) {
    throw argument_error("invalid_option", "bundle_options.fit_options must be a JSON object");
  }
  return x;
}

template <class>
void describe_background(model_bundle& b, const table& x) {
  const auto& stages = b.pipeline.at("stages");
  const auto last = stages.empty() ? std::string() : stages.back().value("kind", std::string());
  if (!explain::detail::is_linear(last)) {
    return;
  }
  std::vector<const vocabulary*> vocabs;
  for (std::size_t i = 0; i < b.schema.size(); ++i) {
    vocabs.push_back(b.schema[i].kind == validate::feature_kind::categorical ? &b.schema.vocab(i)
                                                                             : nullptr);
  }
  const auto rows = to_matrix<Eigen::MatrixXd>(x, b.layout.names(), vocabs);
  try {
    b.background = explain::measure_background(b.pipeline, rows);
  } catch (const explain_error&) {
    // unsupported_stage, or no training row scores: the bundle explains nothing
  }
}

template <class>
void describe_outputs(model_bundle& b, const table& x, any_model& model,
                      const bundle_options& options) {
  std::vector<const vocabulary*> vocabs;
  for (std::size_t i = 0; i < b.schema.size(); ++i) {
    vocabs.push_back(b.schema[i].kind == validate::feature_kind::categorical ? &b.schema.vocab(i)
                                                                             : nullptr);
  }
  using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  row_major rows = to_matrix<row_major>(x, b.layout.names(), vocabs);
  const auto& names_out = model.feature_names_out();
  std::vector<std::vector<double>> outputs(names_out.size());
  std::vector<validate::anomaly_set> anomalies(b.schema.size());
  std::vector<double> out(names_out.size());
  for (Eigen::Index r = 0; r < rows.rows(); ++r) {
    const span<double> row(rows.row(r).data(), static_cast<std::size_t>(rows.cols()));
    const auto v = validate::validate_row(b.schema, row, anomalies);
    if (v.rejected || pipeline::stops(model.predict_row(row.data(), out.data()))) {
      continue;
    }
    for (std::size_t k = 0; k < out.size(); ++k) {
      outputs[k].push_back(out[k]);
    }
  }
  table predicted;
  for (std::size_t k = 0; k < names_out.size(); ++k) {
    predicted.add(column::numeric(names_out[k], std::move(outputs[k])));
  }
  if (predicted.rows() > 0) {
    b.predictions = profile::dataset_profile::of(predicted, options.profile);
  }

  const std::size_t n = std::min(options.smoke_rows, x.rows());
  std::vector<std::string_view> views(x.cols());
  std::vector<double> parsed(x.cols());
  for (std::size_t r = 0; r < n; ++r) {
    smoke_row s;
    for (const auto& c : x) {
      s.fields.push_back(field_text(c, r));
    }
    views.assign(s.fields.begin(), s.fields.end());
    const auto v = validate::validate_fields(b.schema, views, parsed, anomalies);
    if (v.rejected || pipeline::stops(model.predict_row(parsed.data(), out.data()))) {
      continue; // a smoke row must be one serving answers
    }
    s.expected = out;
    b.smoke.push_back(std::move(s));
  }
}

} // namespace mlguard::serving::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SERVING_MAKE_BUNDLE_HPP

#ifndef MLGUARD_XGBOOST_XGBOOST_MODEL_HPP
#define MLGUARD_XGBOOST_XGBOOST_MODEL_HPP

// An XGBoost booster behind mlguard's model contract (serving/model.hpp),
// through XGBoost's C API: a bundle's pipeline preprocesses the request,
// the booster scores it with in-place prediction, and TreeSHAP explains it.
// An optional component: link mlguard::xgboost (libxgboost; Debian:
// libxgboost-dev), see docs/serving.md "bring your own model".

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <xgboost/c_api.h>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/dynamic_pipeline.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"
#include "mlguard/serving/model.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/xgboost/detail/booster_check.hpp"

namespace mlguard::xgboost {

/// How an xgboost_model predicts.
struct xgboost_options {
  /// The booster's nthread: OpenMP threads per prediction call. 1 suits
  /// serving, where a guarded_model's lanes already run requests in
  /// parallel; raise it for large predict_batch calls.
  int threads = 1;
  /// Output the raw margin (log-odds for binary:logistic) instead of the
  /// transformed value (the probability).
  bool output_margin = false;
};

namespace detail {

// XGBoost's message for the last failed call on this thread: its first
// line only, without the stack trace XGBoost appends (a registry reason or
// a log line must stay one line).
template <class = void>
std::string last_error() {
  const char* m = XGBGetLastError();
  if (m == nullptr || *m == '\0') {
    return "unknown XGBoost error";
  }
  const std::string_view text(m);
  return std::string(text.substr(0, text.find('\n')));
}

// The C API's __array_interface__ of a row-major float64 matrix (version 3:
// "data" is [address, read-only]; no strides = C-contiguous).
template <class = void>
std::string dense_interface(const double* data, std::size_t rows, std::size_t cols) {
  return "{\"data\":[" + std::to_string(reinterpret_cast<std::uintptr_t>(data)) +
         ",true],\"shape\":[" + std::to_string(rows) + "," + std::to_string(cols) +
         "],\"typestr\":\"<f8\",\"version\":3}";
}

// Prediction configs (XGBoosterPredictFromDMatrix's documented fields, plus
// in-place prediction's "missing", which XGBoost's JSON reader takes as NaN,
// and "cache_id", which it requires: 0 = no cache, as xgboost.Booster.inplace_predict).
inline constexpr const char* value_config =
    "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
    "\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";
inline constexpr const char* margin_config =
    "{\"type\":1,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
    "\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";
inline constexpr const char* contribs_config =
    "{\"type\":2,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,"
    "\"strict_shape\":false}";

struct booster_deleter {
  void operator()(void* handle) const noexcept { XGBoosterFree(handle); }
};
struct dmatrix_deleter {
  void operator()(void* handle) const noexcept { XGDMatrixFree(handle); }
};

} // namespace detail

/// A booster behind a bundle's pipeline, as a serving model (kind "xgboost").
///
/// The pipeline (at least one stage; a column_selector when the booster
/// reads the request's features as they are) turns a layout row into the
/// booster's features; the booster must read exactly the pipeline's outputs:
/// their number, and their names when the booster stores feature names.
/// Missing values (NaN) reach the booster as missing, which XGBoost routes
/// down each tree's default branch.
///
/// predict_row runs the pipeline's transform_row into a buffer of this
/// copy's and XGBoost's in-place prediction (XGBoosterPredictFromDense) on
/// it, with this copy's proxy DMatrix. mlguard allocates nothing per
/// request; XGBoost itself does (it parses the array interface and config
/// and builds a small adapter per call: 64 operator new calls per row with
/// XGBoost 1.7.4, measured in benchmarks/xgboost.bench.cpp, docs/serving.md
/// "Performance").
///
/// Threads: copies share the booster, whose prediction calls are
/// thread-safe (XGBoost >= 1.4 keeps each thread's result apart); each copy
/// must be used by one thread at a time, as guarded_model's lanes do.
template <class = void> // deferred: see core/json.hpp
class basic_xgboost_model {
public:
  static constexpr std::string_view kind = "xgboost";

  /// Loads `booster_bytes` (XGBoost's UBJSON or JSON model; `source` names
  /// it in errors) behind `preprocessing`. Throws serving_error
  /// (mlguard.serving.bundle_corrupt: XGBoost cannot load the bytes, naming
  /// `source` and XGBoost's message; mlguard.serving.layout_mismatch: the
  /// booster's feature count or names differ from the pipeline's outputs).
  basic_xgboost_model(pipeline::dynamic_pipeline preprocessing, std::string_view booster_bytes,
                      std::string_view source = "booster", xgboost_options options = {})
      : pre_(std::move(preprocessing)), options_(options) {
    const std::string problem = detail::booster_problem(booster_bytes);
    if (!problem.empty()) { // XGBoost would crash on it rather than fail
      throw serving_error("bundle_corrupt", "bundle member " + std::string(source) +
                                                ": XGBoost cannot load it as a model: " + problem);
    }
    void* handle = nullptr;
    if (XGBoosterCreate(nullptr, 0, &handle) != 0) {
      throw serving_error("bundle_corrupt",
                          std::string(source) +
                              ": XGBoost cannot create a booster: " + detail::last_error());
    }
    booster_.reset(handle, detail::booster_deleter{});
    if (XGBoosterLoadModelFromBuffer(handle, booster_bytes.data(),
                                     static_cast<bst_ulong>(booster_bytes.size())) != 0) {
      throw serving_error("bundle_corrupt",
                          "bundle member " + std::string(source) +
                              ": XGBoost cannot load it as a model: " + detail::last_error());
    }
    const std::string threads = std::to_string(options_.threads);
    if (XGBoosterSetParam(handle, "nthread", threads.c_str()) != 0) {
      throw argument_error("invalid_option",
                           "xgboost_options::threads " + threads + ": " + detail::last_error());
    }
    check_features(source);
    buffers();
    outputs_ = probe_outputs(source);
    names_out_.clear();
    for (std::size_t k = 0; k < outputs_; ++k) {
      names_out_.push_back(outputs_ == 1 ? std::string("score") : "score_" + std::to_string(k));
    }
  }

  /// Loads the bundle's pipeline (with `stages`) and its model member.
  /// Throws as the constructor, dynamic_pipeline::from_json.
  static basic_xgboost_model from_bundle(const serving::model_bundle& bundle,
                                         const pipeline::stage_registry& stages,
                                         xgboost_options options = {}) {
    auto pre =
        pipeline::dynamic_pipeline::from_json(bundle.pipeline, stages, serving::member::pipeline);
    const auto it = bundle.artifacts.find(bundle.model.member);
    if (it == bundle.artifacts.end()) {
      throw serving_error("bundle_incomplete",
                          "the model member " + bundle.model.member + " is not in the bundle");
    }
    return basic_xgboost_model(std::move(pre), it->second, it->first, options);
  }

  basic_xgboost_model(const basic_xgboost_model& other)
      : pre_(other.pre_), options_(other.options_), booster_(other.booster_),
        outputs_(other.outputs_), names_out_(other.names_out_) {
    buffers();
  }
  basic_xgboost_model& operator=(const basic_xgboost_model& other) {
    if (this != &other) {
      basic_xgboost_model copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  // Moving keeps the buffer (a vector's storage moves with it), so the
  // array interface that points into it stays right.
  basic_xgboost_model(basic_xgboost_model&&) noexcept = default;
  basic_xgboost_model& operator=(basic_xgboost_model&&) noexcept = default;
  ~basic_xgboost_model() = default;

  /// The pipeline's inputs.
  std::vector<std::string> feature_names_in() const { return pre_.feature_names_in(); }
  /// "score" (one output, e.g. binary:logistic's probability), or "score_0"
  /// ... per class of a multi-class softprob model.
  std::vector<std::string> feature_names_out() const { return names_out_; }

  /// One row: the pipeline, then in-place prediction. A row the pipeline
  /// stops keeps its status; a failed XGBoost call gives invalid_input.
  /// `out` is NaN for both. Never throws; allocates only inside XGBoost.
  pipeline::row_status predict_row(const double* in, double* out) noexcept {
    const auto st = pre_.transform_row(in, features_.data());
    if (pipeline::stops(st)) {
      std::fill(out, out + outputs_, std::numeric_limits<double>::quiet_NaN());
      return st;
    }
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster_.get(), row_interface_.c_str(), config(), proxy_.get(),
                                  &shape, &dims, &result) != 0) {
      std::fill(out, out + outputs_, std::numeric_limits<double>::quiet_NaN());
      return pipeline::row_status::invalid_input;
    }
    for (std::size_t k = 0; k < outputs_; ++k) {
      out[k] = static_cast<double>(result[k]);
    }
    return st;
  }

  /// Many rows: the pipeline's batch transform, then one in-place
  /// prediction over every row it did not stop. Allocates. Throws
  /// serving_error (mlguard.serving.model_failed) with XGBoost's message.
  void predict_batch(span<const double> rows, span<double> out, span<pipeline::row_status> status) {
    if (status.empty()) {
      return;
    }
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto n = static_cast<Eigen::Index>(status.size());
    const Eigen::Map<const row_major> x(rows.data(), n,
                                        static_cast<Eigen::Index>(pre_.input_width()));
    std::vector<pipeline::row_status> st;
    const row_major features = pre_.transform(x, st);
    const std::string data = detail::dense_interface(features.data(), status.size(),
                                                     static_cast<std::size_t>(features.cols()));
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster_.get(), data.c_str(), config(), nullptr, &shape, &dims,
                                  &result) != 0) {
      throw serving_error("model_failed", "XGBoost prediction failed: " + detail::last_error());
    }
    for (std::size_t r = 0; r < status.size(); ++r) {
      status[r] = st[r];
      for (std::size_t k = 0; k < outputs_; ++k) {
        out[r * outputs_ + k] = pipeline::stops(st[r])
                                    ? std::numeric_limits<double>::quiet_NaN()
                                    : static_cast<double>(result[r * outputs_ + k]);
      }
    }
  }

  /// The booster's features (the pipeline's outputs): what explain_row
  /// attributes a prediction to.
  std::vector<std::string> explanation_names() const { return pre_.feature_names_out(); }

  /// Exact TreeSHAP contributions of the row's features to the margin
  /// (XGBoost's pred_contribs), then the base value: they sum to the margin.
  /// Allocates (XGBoost builds a DMatrix). Throws serving_error
  /// (mlguard.serving.row_rejected: the pipeline stops the row;
  /// mlguard.serving.not_explainable: a model with several outputs;
  /// mlguard.serving.model_failed: XGBoost's message).
  void explain_row(const double* in, double* contributions) {
    if (outputs_ != 1) {
      throw serving_error("not_explainable", "explanations of a model with " +
                                                 std::to_string(outputs_) +
                                                 " outputs are not supported");
    }
    if (pipeline::stops(pre_.transform_row(in, features_.data()))) {
      throw serving_error("row_rejected", "explain: the pipeline stops the row");
    }
    void* dmatrix = nullptr;
    if (XGDMatrixCreateFromDense(row_interface_.c_str(), "{\"missing\":NaN,\"nthread\":1}",
                                 &dmatrix) != 0) {
      throw serving_error("model_failed",
                          "XGBoost cannot build a DMatrix: " + detail::last_error());
    }
    const std::unique_ptr<void, detail::dmatrix_deleter> owned(dmatrix);
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDMatrix(booster_.get(), dmatrix, detail::contribs_config, &shape, &dims,
                                    &result) != 0) {
      throw serving_error("model_failed", "XGBoost pred_contribs failed: " + detail::last_error());
    }
    for (std::size_t k = 0; k <= features_.size(); ++k) {
      contributions[k] = static_cast<double>(result[k]);
    }
  }

  /// The preprocessing pipeline.
  const pipeline::dynamic_pipeline& preprocessing() const noexcept { return pre_; }
  /// The booster's handle (BoosterHandle), shared by every copy: for calls
  /// this adapter does not make. Do not free it or change its parameters
  /// while copies predict.
  void* booster() const noexcept { return booster_.get(); }

private:
  const char* config() const noexcept {
    return options_.output_margin ? detail::margin_config : detail::value_config;
  }

  // The pipeline's output buffer, the array interface pointing at it, and
  // this copy's proxy DMatrix, which in-place prediction reuses (a fresh one
  // per call costs XGBoost three times the time: docs/serving.md).
  void buffers() {
    features_.assign(pre_.output_width(), 0.0);
    row_interface_ = detail::dense_interface(features_.data(), 1, features_.size());
    void* proxy = nullptr;
    if (XGProxyDMatrixCreate(&proxy) != 0) {
      throw serving_error("model_failed",
                          "XGBoost cannot create a proxy DMatrix: " + detail::last_error());
    }
    proxy_.reset(proxy);
  }

  void check_features(std::string_view source) const {
    bst_ulong count = 0;
    if (XGBoosterGetNumFeature(booster_.get(), &count) != 0) {
      throw serving_error("bundle_corrupt",
                          "bundle member " + std::string(source) + ": " + detail::last_error());
    }
    const auto names = pre_.feature_names_out();
    if (count != names.size()) {
      throw serving_error("layout_mismatch", "bundle member " + std::string(source) +
                                                 ": the booster reads " + std::to_string(count) +
                                                 " features; the pipeline gives " +
                                                 std::to_string(names.size()));
    }
    bst_ulong len = 0;
    const char** stored = nullptr;
    if (XGBoosterGetStrFeatureInfo(booster_.get(), "feature_name", &len, &stored) != 0 ||
        len == 0) {
      return; // a booster trained without names: the count is all there is to check
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] != stored[i]) {
        throw serving_error("layout_mismatch", "bundle member " + std::string(source) +
                                                   ": the booster's feature " + std::to_string(i) +
                                                   " is '" + stored[i] + "'; the pipeline gives '" +
                                                   names[i] + "'");
      }
    }
  }

  // The number of outputs per row, from predicting one all-missing row.
  std::size_t probe_outputs(std::string_view source) {
    std::fill(features_.begin(), features_.end(), std::numeric_limits<double>::quiet_NaN());
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster_.get(), row_interface_.c_str(), config(), nullptr, &shape,
                                  &dims, &result) != 0) {
      throw serving_error("bundle_corrupt",
                          "bundle member " + std::string(source) +
                              ": XGBoost cannot predict with it: " + detail::last_error());
    }
    std::size_t outputs = 1;
    for (bst_ulong d = 1; d < dims; ++d) {
      outputs *= static_cast<std::size_t>(shape[d]);
    }
    return outputs;
  }

  pipeline::dynamic_pipeline pre_;
  xgboost_options options_;
  std::shared_ptr<void> booster_;
  std::size_t outputs_ = 1;
  std::vector<std::string> names_out_;
  std::vector<double> features_;
  std::string row_interface_;
  std::unique_ptr<void, detail::dmatrix_deleter> proxy_;
};

/// The type to name (a class template only so that its bodies compile where used).
using xgboost_model = basic_xgboost_model<>;

} // namespace mlguard::xgboost

#endif // MLGUARD_XGBOOST_XGBOOST_MODEL_HPP

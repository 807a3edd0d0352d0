#ifndef MLGUARD_PIPELINE_DYNAMIC_PIPELINE_HPP
#define MLGUARD_PIPELINE_DYNAMIC_PIPELINE_HPP

// dynamic_pipeline: a fitted pipeline loaded from a document whose
// composition is known only at run time (from the registry, the CLI). This is
// the header an application includes to load and serve a saved pipeline.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/any_stage.hpp"
#include "mlguard/pipeline/builtin_stages.hpp"
#include "mlguard/pipeline/detail/document.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_registry.hpp"

namespace mlguard::pipeline {

/// A fitted pipeline loaded from a document whose composition is known only
/// at run time (the registry and the CLI load models this way). It reads the
/// same "mlguard.pipeline" document as static_pipeline<...> and gives bit-identical
/// outputs; each stage is called through one virtual call per row.
///
/// Threads: like static_pipeline<...>, one object per thread (copies are deep).
template <class = void> // deferred: see core/json.hpp
class basic_dynamic_pipeline {
public:
  /// The document's identity: "mlguard.pipeline", version 1 (as static_pipeline's).
  static constexpr document_format format = pipeline_format;

  /// Loads a fitted pipeline from its document, resolving kinds in `registry`.
  /// Throws format_error (mlguard.format.corrupt, wrong_kind, newer_version,
  /// unknown_field), pipeline_error (mlguard.pipeline.unknown_stage,
  /// width_mismatch, unknown_feature).
  static basic_dynamic_pipeline from_json(const json& doc,
                                          const stage_registry& registry = builtin_stages(),
                                          std::string_view source = "pipeline");
  /// Reads a document file. Throws io_error (mlguard.io.open_failed,
  /// read_failed), format_error (mlguard.format.corrupt for malformed JSON)
  /// and as from_json.
  static basic_dynamic_pipeline load(const std::string& path,
                                     const stage_registry& registry = builtin_stages());

  basic_dynamic_pipeline(const basic_dynamic_pipeline& other);
  basic_dynamic_pipeline& operator=(const basic_dynamic_pipeline& other);
  basic_dynamic_pipeline(basic_dynamic_pipeline&&) noexcept = default;
  basic_dynamic_pipeline& operator=(basic_dynamic_pipeline&&) noexcept = default;
  ~basic_dynamic_pipeline() = default;

  /// Runs the chain on a batch; see static_pipeline<...>::transform. Throws
  /// pipeline_error (width_mismatch, nan_input, ...).
  Eigen::MatrixXd transform(const Eigen::Ref<const Eigen::MatrixXd>& X,
                            std::vector<row_status>& status);
  Eigen::MatrixXd transform(const Eigen::Ref<const Eigen::MatrixXd>& X);
  /// The first output column of transform(X).
  Eigen::VectorXd predict(const Eigen::Ref<const Eigen::MatrixXd>& X);

  /// One row, as static_pipeline<...>::transform_row: no allocation, no throw.
  row_status transform_row(const double* in, double* out) noexcept;
  /// The same with sizes checked: a wrong width returns invalid_input.
  row_status transform_row(span<const double> in, span<double> out) noexcept;

  std::size_t input_width() const noexcept { return input_names_.size(); }
  std::size_t output_width() const noexcept { return output_names_.size(); }
  const std::vector<std::string>& feature_names_in() const noexcept { return input_names_; }
  const std::vector<std::string>& feature_names_out() const noexcept { return output_names_; }
  /// The number of stages.
  std::size_t size() const noexcept { return stages_.size(); }
  /// The i-th stage's kind.
  std::string_view kind(std::size_t i) const { return stages_.at(i)->kind(); }
  /// The i-th stage as an S, or nullptr when it is of another kind.
  template <typename S>
  S* stage_as(std::size_t i) {
    return stages_.at(i)->kind() == S::kind ? static_cast<S*>(stages_[i]->get()) : nullptr;
  }

  /// The pipeline document (equal to what it was loaded from, modulo formatting).
  json to_json() const;
  /// Writes the document to `path` atomically. Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }

private:
  basic_dynamic_pipeline() = default;

  void prepare();

  std::vector<std::unique_ptr<any_stage>> stages_;
  std::vector<std::string> input_names_;
  std::vector<std::string> output_names_;
  std::vector<double> scratch_a_;
  std::vector<double> scratch_b_;
};

/// The type to name (a class template only so that its bodies compile where used).
using dynamic_pipeline = basic_dynamic_pipeline<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::from_json(const json& doc,
                                                         const stage_registry& registry,
                                                         std::string_view source)
    -> basic_dynamic_pipeline {
  const auto d = detail::read_pipeline_document(doc, std::string(source));
  basic_dynamic_pipeline p;
  p.input_names_ = d.input_features;
  std::vector<std::string> names = d.input_features;
  for (const auto& e : d.stages) {
    p.stages_.push_back(registry.load(e.kind, e.params, names));
    names = p.stages_.back()->feature_names_out();
  }
  detail::check_outputs(d.output_features, names, source);
  p.output_names_ = std::move(names);
  p.prepare();
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::load(const std::string& path,
                                                    const stage_registry& registry)
    -> basic_dynamic_pipeline {
  return from_json(load_json(path), registry, path);
}

template <class V>
MLGUARD_INLINE
basic_dynamic_pipeline<V>::basic_dynamic_pipeline(const basic_dynamic_pipeline& other)
    : input_names_(other.input_names_), output_names_(other.output_names_) {
  for (const auto& s : other.stages_) {
    stages_.push_back(s->clone());
  }
  prepare();
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::operator=(const basic_dynamic_pipeline& other)
    -> basic_dynamic_pipeline& {
  if (this != &other) {
    *this = basic_dynamic_pipeline(other);
  }
  return *this;
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::transform(const Eigen::Ref<const Eigen::MatrixXd>& X,
                                                         std::vector<row_status>& status)
    -> Eigen::MatrixXd {
  detail::check_width(static_cast<std::size_t>(X.cols()), input_width(), "pipeline");
  status.assign(static_cast<std::size_t>(X.rows()), row_status::ok);
  Eigen::MatrixXd out(X.rows(), static_cast<Eigen::Index>(output_width()));
  std::vector<Eigen::MatrixXd> buffers(stages_.size());
  for (std::size_t k = 0; k + 1 < stages_.size(); ++k) {
    buffers[k].resize(detail::batch_chunk, static_cast<Eigen::Index>(stages_[k]->output_width()));
  }
  for (Eigen::Index r = 0; r < X.rows(); r += detail::batch_chunk) {
    const Eigen::Index n = std::min(detail::batch_chunk, X.rows() - r);
    const span<row_status> st(status.data() + r, static_cast<std::size_t>(n));
    for (std::size_t k = 0; k < stages_.size(); ++k) {
      auto run = [&](const Eigen::Ref<const Eigen::MatrixXd>& in) {
        if (k + 1 == stages_.size()) {
          stages_[k]->transform(in, out.middleRows(r, n), st);
        } else {
          stages_[k]->transform(in, buffers[k].topRows(n), st);
        }
      };
      if (k == 0) {
        run(X.middleRows(r, n));
      } else {
        run(buffers[k - 1].topRows(n));
      }
    }
  }
  for (std::size_t i = 0; i < status.size(); ++i) {
    if (stops(status[i])) {
      out.row(static_cast<Eigen::Index>(i)).setConstant(detail::nan);
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::transform(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> Eigen::MatrixXd {
  std::vector<row_status> status;
  return transform(X, status);
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::predict(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> Eigen::VectorXd {
  return transform(X).col(0);
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::transform_row(const double* in, double* out) noexcept
    -> row_status {
  const double* src = in;
  double* a = scratch_a_.data();
  double* b = scratch_b_.data();
  row_status acc = row_status::ok;
  for (std::size_t k = 0; k < stages_.size(); ++k) {
    double* dst = k + 1 == stages_.size() ? out : a;
    acc = worst(acc, stages_[k]->transform_row(src, dst));
    if (stops(acc)) {
      std::fill(out, out + output_names_.size(), detail::nan);
      return acc;
    }
    src = dst;
    std::swap(a, b);
  }
  return acc;
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::transform_row(span<const double> in,
                                                             span<double> out) noexcept
    -> row_status {
  if (in.size() != input_width() || out.size() != output_width()) {
    std::fill(out.begin(), out.end(), detail::nan);
    return row_status::invalid_input;
  }
  return transform_row(in.data(), out.data());
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::to_json() const -> json {
  json list = json::array();
  for (const auto& s : stages_) {
    detail::add_stage(list, s->kind(), s->to_json());
  }
  return detail::write_pipeline_document(input_names_, output_names_, std::move(list));
}

template <class V>
MLGUARD_INLINE auto basic_dynamic_pipeline<V>::prepare() -> void {
  std::size_t widest = 0;
  for (const auto& s : stages_) {
    widest = std::max(widest, s->output_width());
  }
  scratch_a_.assign(widest, 0.0);
  scratch_b_.assign(widest, 0.0);
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_DYNAMIC_PIPELINE_HPP

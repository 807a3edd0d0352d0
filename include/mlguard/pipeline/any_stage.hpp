#ifndef MLGUARD_PIPELINE_ANY_STAGE_HPP
#define MLGUARD_PIPELINE_ANY_STAGE_HPP

// A fitted stage behind a virtual interface: what dynamic_pipeline holds when
// a pipeline's composition is known only at run time (a document from the
// registry, the CLI), and what a stage_registry loader returns.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/row_status.hpp"
#include "mlguard/pipeline/stage_traits.hpp"

namespace mlguard::pipeline {

/// A fitted stage of any kind (see the stage contract in stage_traits.hpp);
/// make_any_stage wraps one.
class any_stage {
public:
  virtual ~any_stage() = default;
  /// The stage's kind, as in the pipeline document.
  virtual std::string_view kind() const noexcept = 0;
  virtual std::size_t input_width() const noexcept = 0;
  virtual std::size_t output_width() const noexcept = 0;
  virtual std::vector<std::string> feature_names_out() const = 0;
  /// The stage's batch transform (see the stage contract).
  virtual void transform(const Eigen::Ref<const Eigen::MatrixXd>& in,
                         Eigen::Ref<Eigen::MatrixXd> out, span<row_status> status) = 0;
  /// The stage's per-row transform: never throws or allocates.
  virtual row_status transform_row(const double* in, double* out) noexcept = 0;
  /// The stage's params (configuration and fitted state).
  virtual json to_json() const = 0;
  /// A deep copy.
  virtual std::unique_ptr<any_stage> clone() const = 0;
  /// The wrapped stage object (`void*` to an S of kind kind()).
  virtual void* get() noexcept = 0;
};

namespace detail {
template <typename S>
class any_stage_impl final : public any_stage {
public:
  explicit any_stage_impl(S s) : s_(std::move(s)) {}
  std::string_view kind() const noexcept override { return S::kind; }
  std::size_t input_width() const noexcept override { return s_.input_width(); }
  std::size_t output_width() const noexcept override { return s_.output_width(); }
  std::vector<std::string> feature_names_out() const override { return s_.feature_names_out(); }
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> status) override {
    s_.transform(in, out, status);
  }
  row_status transform_row(const double* in, double* out) noexcept override {
    return s_.transform_row(in, out);
  }
  json to_json() const override { return s_.to_json(); }
  std::unique_ptr<any_stage> clone() const override {
    return std::make_unique<any_stage_impl>(*this);
  }
  void* get() noexcept override { return &s_; }

private:
  S s_;
};
} // namespace detail

/// Wraps a fitted stage S (checked against the stage contract) as an any_stage.
template <typename S>
std::unique_ptr<any_stage> make_any_stage(S stage) {
  static_assert(check_stage<S>());
  return std::make_unique<detail::any_stage_impl<S>>(std::move(stage));
}

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_ANY_STAGE_HPP

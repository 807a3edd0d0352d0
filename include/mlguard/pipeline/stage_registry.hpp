#ifndef MLGUARD_PIPELINE_STAGE_REGISTRY_HPP
#define MLGUARD_PIPELINE_STAGE_REGISTRY_HPP

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/clipper.hpp"
#include "mlguard/pipeline/column_selector.hpp"
#include "mlguard/pipeline/imputer.hpp"
#include "mlguard/pipeline/linear_regression.hpp"
#include "mlguard/pipeline/logistic_regression.hpp"
#include "mlguard/pipeline/min_max_scaler.hpp"
#include "mlguard/pipeline/monitoring_tap.hpp"
#include "mlguard/pipeline/one_hot_encoder.hpp"
#include "mlguard/pipeline/robust_scaler.hpp"
#include "mlguard/pipeline/stage_traits.hpp"
#include "mlguard/pipeline/standard_scaler.hpp"
#include "mlguard/pipeline/tap.hpp"
#include "mlguard/pipeline/validation_tap.hpp"

namespace mlguard::pipeline {

/// A fitted stage behind a virtual interface, for pipelines whose
/// composition is known only at run time (dynamic_pipeline).
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

/// Maps stage kinds to loaders, so a pipeline document can be loaded without
/// knowing its composition at compile time. builtin() knows every stage in
/// mlguard/pipeline/; add<S>() teaches it an application's own stages (taps).
///
/// Not synchronised: fill it before sharing it between threads.
class stage_registry {
public:
  using loader =
      std::function<std::unique_ptr<any_stage>(const json&, const std::vector<std::string>&)>;

  /// An empty registry.
  stage_registry() = default;

  /// A registry of mlguard's built-in stages.
  static stage_registry builtin() {
    stage_registry r;
    r.add<imputer>();
    r.add<standard_scaler>();
    r.add<min_max_scaler>();
    r.add<robust_scaler>();
    r.add<clipper>();
    r.add<one_hot_encoder>();
    r.add<column_selector>();
    r.add<linear_regression>();
    r.add<logistic_regression>();
    r.add<callback_tap>();
    r.add<validation_tap>();
    r.add<monitoring_tap>();
    return r;
  }

  /// Registers S (checked against the stage contract) under S::kind,
  /// replacing an earlier loader of that kind.
  template <typename S>
  stage_registry& add() {
    static_assert(check_stage<S>());
    return add(std::string(S::kind), [](const json& params, const std::vector<std::string>& names) {
      return std::unique_ptr<any_stage>(
          std::make_unique<detail::any_stage_impl<S>>(S::from_json(params, names)));
    });
  }
  /// Registers a custom loader for `kind` (e.g. a tap whose callback is built here).
  stage_registry& add(std::string kind, loader load) {
    for (auto& e : entries_) {
      if (e.first == kind) {
        e.second = std::move(load);
        return *this;
      }
    }
    entries_.emplace_back(std::move(kind), std::move(load));
    return *this;
  }

  /// True when `kind` is registered.
  bool contains(std::string_view kind) const noexcept {
    return std::any_of(entries_.begin(), entries_.end(),
                       [kind](const auto& e) { return e.first == kind; });
  }

  /// Loads one stage. Throws pipeline_error (mlguard.pipeline.unknown_stage)
  /// for an unregistered kind, and whatever the stage's from_json throws.
  std::unique_ptr<any_stage> load(std::string_view kind, const json& params,
                                  const std::vector<std::string>& names_in) const {
    for (const auto& e : entries_) {
      if (e.first == kind) {
        return e.second(params, names_in);
      }
    }
    throw pipeline_error("unknown_stage", "unknown stage kind \"" + std::string(kind) +
                                              "\" (register it with stage_registry::add)");
  }

private:
  std::vector<std::pair<std::string, loader>> entries_;
};

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_STAGE_REGISTRY_HPP

#ifndef MLGUARD_PIPELINE_STAGE_TRAITS_HPP
#define MLGUARD_PIPELINE_STAGE_TRAITS_HPP

// The stage contract of mlguard pipelines, checked at compile time.
//
// A stage is a class S with (Eigen matrices are column-major, rows are observations):
//
//   static constexpr std::string_view kind = "my_stage";   // its name, persisted as "kind"
//   void bind(const std::vector<std::string>& names_in);   // learns its input layout
//   void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);  // OPTIONAL: absent when stateless,
//   void fit(const Eigen::Ref<const Eigen::MatrixXd>& X,   //   or this supervised form (either
//            const Eigen::Ref<const Eigen::VectorXd>& y);  //   may be a template on the types)
//   std::size_t input_width() const;                       // after bind / from_json
//   std::size_t output_width() const;
//   const std::vector<std::string>& feature_names_in() const;
//   std::vector<std::string> feature_names_out() const;
//   void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, // the batch path; may throw
//                  Eigen::Ref<Eigen::MatrixXd> out,             // rows x output_width, sized
//                  mlguard::span<mlguard::row_status> status);  // one per row, may be raised
//   mlguard::row_status transform_row(const double* in, double* out) noexcept; // one row:
//                                                           // no allocation, no throw
//   mlguard::json to_json() const;                         // configuration + fitted state
//   static S from_json(const mlguard::json_reader& params,   // restores it; `params`
//                      const std::vector<std::string>& names_in); // names its fields in errors
//
// transform / transform_row may be const; taps that keep running state (a drift
// monitor) need them non-const, so the pipeline calls them on a non-const stage.
// A row whose status stops() (rejected, invalid_input) arrives at later stages as
// NaN; a stage's batch transform must leave such rows alone rather than throw.

#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/detail/detect.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline {

namespace detail {
template <typename S, template <typename> class Op>
using detect = ::mlguard::detail::is_detected<S, Op>;

using batch_in = const Eigen::Ref<const Eigen::MatrixXd>&;
using batch_out = Eigen::Ref<Eigen::MatrixXd>;
using labels = const Eigen::Ref<const Eigen::VectorXd>&;
using name_list = std::vector<std::string>;

template <typename S>
using kind_t = decltype(std::string_view(S::kind));
template <typename S>
using bind_t = decltype(std::declval<S&>().bind(std::declval<const name_list&>()));
template <typename S>
using fit_x_t = decltype(std::declval<S&>().fit(std::declval<batch_in>()));
template <typename S>
using fit_xy_t = decltype(std::declval<S&>().fit(std::declval<batch_in>(), std::declval<labels>()));
template <typename S>
using transform_t = decltype(std::declval<S&>().transform(
    std::declval<batch_in>(), std::declval<batch_out>(), std::declval<span<row_status>>()));
template <typename S>
using transform_row_t = decltype(std::declval<S&>().transform_row(std::declval<const double*>(),
                                                                  std::declval<double*>()));
template <typename S>
using widths_t = decltype(std::size_t{std::declval<const S&>().input_width()} +
                          std::size_t{std::declval<const S&>().output_width()});
template <typename S>
using names_t = decltype(static_cast<name_list>(std::declval<const S&>().feature_names_in()),
                         static_cast<name_list>(std::declval<const S&>().feature_names_out()));
template <typename S>
using to_json_t = decltype(json(std::declval<const S&>().to_json()));
template <typename S>
using from_json_t =
    decltype(S::from_json(std::declval<const json_reader&>(), std::declval<const name_list&>()));

template <typename S, bool = detect<S, transform_row_t>::value>
struct row_noexcept : std::false_type {};
template <typename S, bool = detect<S, transform_row_t>::value>
struct row_returns_status : std::true_type {}; // absent: reported by its own assert
template <typename S>
struct row_returns_status<S, true> : std::is_same<transform_row_t<S>, row_status> {};
template <typename S>
struct row_noexcept<S, true> : std::bool_constant<noexcept(std::declval<S&>().transform_row(
                                   std::declval<const double*>(), std::declval<double*>()))> {};
} // namespace detail

/// True when S has a stage's name: `static constexpr std::string_view kind`.
template <typename S>
inline constexpr bool has_kind_v = detail::detect<S, detail::kind_t>::value;
/// True when S has fit(X) (an unsupervised, stateful stage).
template <typename S>
inline constexpr bool has_fit_v = detail::detect<S, detail::fit_x_t>::value;
/// True when S has fit(X, y) (a supervised stage, typically a model).
template <typename S>
inline constexpr bool has_supervised_fit_v = detail::detect<S, detail::fit_xy_t>::value;
/// True when S has the batch transform(in, out, status).
template <typename S>
inline constexpr bool has_transform_v = detail::detect<S, detail::transform_t>::value;
/// True when S has `row_status transform_row(const double*, double*) noexcept`.
template <typename S>
inline constexpr bool has_transform_row_v =
    detail::detect<S, detail::transform_row_t>::value&& detail::row_noexcept<S>::value;

/// Checks every clause of the stage contract (see the top of this header) and
/// fails compilation with a readable message naming the missing member.
/// Returns true so it can sit inside a static_assert or a constexpr variable.
template <typename S>
constexpr bool check_stage() {
  static_assert(has_kind_v<S>, "mlguard pipeline stage: missing `static constexpr "
                               "std::string_view kind` (the stage's name in pipeline JSON)");
  static_assert(detail::detect<S, detail::bind_t>::value,
                "mlguard pipeline stage: missing `void bind(const std::vector<std::string>& "
                "names_in)`");
  static_assert(has_transform_v<S>,
                "mlguard pipeline stage: missing batch `void transform(const "
                "Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out, "
                "mlguard::span<mlguard::row_status> status)`");
  static_assert(detail::detect<S, detail::transform_row_t>::value,
                "mlguard pipeline stage: missing per-row `mlguard::row_status "
                "transform_row(const double* in, double* out) noexcept`");
  static_assert(detail::row_noexcept<S>::value,
                "mlguard pipeline stage: transform_row must be noexcept (the per-row path "
                "reports bad data with a row_status, it never throws)");
  static_assert(detail::row_returns_status<S>::value,
                "mlguard pipeline stage: transform_row must return mlguard::row_status");
  static_assert(detail::detect<S, detail::widths_t>::value,
                "mlguard pipeline stage: missing `std::size_t input_width() const` or "
                "`std::size_t output_width() const`");
  static_assert(detail::detect<S, detail::names_t>::value,
                "mlguard pipeline stage: missing `feature_names_in() const` or "
                "`feature_names_out() const` (std::vector<std::string>)");
  static_assert(detail::detect<S, detail::to_json_t>::value,
                "mlguard pipeline stage: missing `mlguard::json to_json() const`");
  static_assert(detail::detect<S, detail::from_json_t>::value,
                "mlguard pipeline stage: missing `static S from_json(const "
                "mlguard::json_reader& params, const std::vector<std::string>& names_in)`");
  static_assert(std::is_copy_constructible_v<S>,
                "mlguard pipeline stage: must be copyable (a pipeline is copied per thread)");
  return true;
}

/// True when S satisfies the whole stage contract (no diagnostics; see check_stage).
template <typename S>
inline constexpr bool is_stage_v = has_kind_v<S>&& detail::detect<S, detail::bind_t>::value&&
    has_transform_v<S>&& has_transform_row_v<S>&& detail::row_returns_status<S>::value&&
        detail::detect<S, detail::widths_t>::value&& detail::detect<S, detail::names_t>::value&&
            detail::detect<S, detail::to_json_t>::value&&
                detail::detect<S, detail::from_json_t>::value;

} // namespace mlguard::pipeline

#endif // MLGUARD_PIPELINE_STAGE_TRAITS_HPP

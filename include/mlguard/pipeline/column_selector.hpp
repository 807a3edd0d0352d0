#ifndef MLGUARD_PIPELINE_COLUMN_SELECTOR_HPP
#define MLGUARD_PIPELINE_COLUMN_SELECTOR_HPP

// The column_selector stage: selects and reorders input columns by name.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline {

/// Selects and reorders columns by name: the output is exactly `columns`, in
/// that order (a column may appear twice). Stateless: it has no fit.
template <class = void> // deferred: see core/json.hpp
class basic_column_selector {
public:
  static constexpr std::string_view kind = "column_selector";

  /// Outputs `columns` in this order.
  explicit basic_column_selector(std::vector<std::string> columns = {});

  /// Resolves the names. Throws pipeline_error (mlguard.pipeline.unknown_feature),
  /// and pipeline_error (mlguard.pipeline.invalid_option) when no column is selected.
  void bind(const std::vector<std::string>& names_in);

  std::size_t input_width() const noexcept { return subset_.names_in.size(); }
  std::size_t output_width() const noexcept { return subset_.index.size(); }
  const std::vector<std::string>& feature_names_in() const noexcept { return subset_.names_in; }
  std::vector<std::string> feature_names_out() const { return subset_.columns; }

  /// Batch transform. Throws pipeline_error (mlguard.pipeline.width_mismatch).
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> /*status*/) const;

  /// One row: no allocation, never throws.
  row_status transform_row(const double* in, double* out) const noexcept;

  /// {"columns"}.
  json to_json() const;
  /// Throws format_error (corrupt, unknown_field), pipeline_error (unknown_feature).
  static basic_column_selector from_json(const json_reader& params,
                                         const std::vector<std::string>& names_in);

private:
  detail::column_subset subset_;
};

/// The type to name (a class template only so that its bodies compile where used).
using column_selector = basic_column_selector<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE basic_column_selector<V>::basic_column_selector(std::vector<std::string> columns) {
  subset_.columns = std::move(columns);
}

template <class V>
MLGUARD_INLINE auto basic_column_selector<V>::bind(const std::vector<std::string>& names_in)
    -> void {
  if (subset_.columns.empty()) {
    throw pipeline_error("invalid_option", "column_selector: select at least one column");
  }
  subset_.bind(names_in, kind);
}

template <class V>
MLGUARD_INLINE auto basic_column_selector<V>::transform(const Eigen::Ref<const Eigen::MatrixXd>& in,
                                                        Eigen::Ref<Eigen::MatrixXd> out,
                                                        span<row_status> /*status*/) const -> void {
  detail::check_width(static_cast<std::size_t>(in.cols()), input_width(), kind);
  for (std::size_t k = 0; k < subset_.index.size(); ++k) {
    out.col(static_cast<Eigen::Index>(k)) = in.col(static_cast<Eigen::Index>(subset_.index[k]));
  }
}

template <class V>
MLGUARD_INLINE auto basic_column_selector<V>::transform_row(const double* in,
                                                            double* out) const noexcept
    -> row_status {
  const std::size_t n = subset_.index.size();
  const std::size_t* idx = subset_.index.data();
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = in[idx[k]];
  }
  return row_status::ok;
}

template <class V>
MLGUARD_INLINE auto basic_column_selector<V>::to_json() const -> json {
  json j = json::object();
  j["columns"] = subset_.columns;
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_column_selector<V>::from_json(const json_reader& params,
                                                        const std::vector<std::string>& names_in)
    -> basic_column_selector {
  params.allow_fields({"columns"});
  basic_column_selector s(params.texts("columns"));
  s.bind(names_in);
  return s;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_COLUMN_SELECTOR_HPP

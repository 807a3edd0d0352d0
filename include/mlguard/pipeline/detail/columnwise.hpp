#ifndef MLGUARD_PIPELINE_DETAIL_COLUMNWISE_HPP
#define MLGUARD_PIPELINE_DETAIL_COLUMNWISE_HPP

// The shared body of the column-wise stages (imputer, scalers, clipper):
// each maps chosen columns element by element, keeps the width and the
// feature names, and passes the other columns through.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/detail/params.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline::detail {

/// CRTP base: Derived provides `double apply(std::size_t k, double x) const noexcept`
/// for the k-th acted-on column, and `fitted_` set by its fit / from_json.
template <typename Derived>
class columnwise {
public:
  /// Learns the input layout; throws pipeline_error (mlguard.pipeline.unknown_feature)
  /// when a configured column is not among `names_in`.
  void bind(const std::vector<std::string>& names_in) { subset_.bind(names_in, Derived::kind); }

  /// The number of input (and output) columns.
  std::size_t input_width() const noexcept { return subset_.names_in.size(); }
  /// The same as input_width(): column-wise stages keep the width.
  std::size_t output_width() const noexcept { return subset_.names_in.size(); }
  /// The input feature names, as bound.
  const std::vector<std::string>& feature_names_in() const noexcept { return subset_.names_in; }
  /// The output feature names: the input names.
  std::vector<std::string> feature_names_out() const { return subset_.names_in; }
  /// The configured columns (empty: all).
  const std::vector<std::string>& columns() const noexcept { return subset_.columns; }

  /// Batch transform. Throws pipeline_error: mlguard.pipeline.not_fitted,
  /// mlguard.pipeline.width_mismatch.
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> /*status*/) const {
    check_fitted(fitted_, Derived::kind);
    check_width(static_cast<std::size_t>(in.cols()), input_width(), Derived::kind);
    out = in;
    const auto& self = static_cast<const Derived&>(*this);
    for (std::size_t k = 0; k < subset_.index.size(); ++k) {
      const auto j = static_cast<Eigen::Index>(subset_.index[k]);
      double* col = out.col(j).data();
      const Eigen::Index n = out.rows();
      for (Eigen::Index i = 0; i < n; ++i) {
        col[i] = self.apply(k, col[i]);
      }
    }
  }

  /// One row: no allocation, never throws.
  row_status transform_row(const double* in, double* out) const noexcept {
    const auto& self = static_cast<const Derived&>(*this);
    const std::size_t width = subset_.names_in.size();
    for (std::size_t j = 0; j < width; ++j) { // a loop, not std::copy: no memmove call
      out[j] = in[j];
    }
    const std::size_t* idx = subset_.index.data();
    const std::size_t n = subset_.index.size();
    for (std::size_t k = 0; k < n; ++k) {
      out[idx[k]] = self.apply(k, in[idx[k]]);
    }
    return row_status::ok;
  }

protected:
  columnwise() = default;
  explicit columnwise(std::vector<std::string> columns) { subset_.columns = std::move(columns); }

  /// The acted-on columns of X, for fit. Throws as transform.
  void prepare_fit(const Eigen::Ref<const Eigen::MatrixXd>& X) const {
    check_width(static_cast<std::size_t>(X.cols()), input_width(), Derived::kind);
  }
  /// The name of the k-th acted-on column.
  const std::string& column_name(std::size_t k) const { return subset_.names_in[subset_.index[k]]; }
  std::size_t column_index(std::size_t k) const noexcept { return subset_.index[k]; }
  std::size_t acted_on() const noexcept { return subset_.index.size(); }

  /// The part of to_json every column-wise stage shares.
  json base_json() const {
    json j = json::object();
    j["columns"] = subset_.columns;
    return j;
  }
  /// Restores configuration from `params` and binds to `names_in`.
  void base_from_json(const json_reader& params, const std::vector<std::string>& names_in) {
    subset_.columns = params.texts("columns");
    bind(names_in);
  }

  column_subset subset_;
  bool fitted_ = false;
};

} // namespace mlguard::pipeline::detail

#endif // MLGUARD_PIPELINE_DETAIL_COLUMNWISE_HPP

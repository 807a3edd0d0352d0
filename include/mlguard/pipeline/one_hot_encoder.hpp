#ifndef MLGUARD_PIPELINE_ONE_HOT_ENCODER_HPP
#define MLGUARD_PIPELINE_ONE_HOT_ENCODER_HPP

// The one_hot_encoder stage: integer category codes to indicator columns, with
// an optional "unseen" indicator, as sklearn's OneHotEncoder.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/pipeline/row_status.hpp"

namespace mlguard::pipeline {

/// One-hot encodes categorical columns held as numeric codes (a table's
/// categorical codes, or any finite numbers). Each named column is replaced,
/// in place, by one indicator per category seen in training, sorted by value,
/// plus (by default) an "unseen" indicator for a code training never saw.
/// A missing code (NaN) encodes as all zeros. Other columns pass through.
///
/// With unseen_bucket = false an unseen code encodes as all zeros, which is
/// sklearn.preprocessing.OneHotEncoder(handle_unknown="ignore"); output names
/// are "<column>=<code>" and "<column>=unseen".
template <class = void> // deferred: see core/json.hpp
class basic_one_hot_encoder {
public:
  static constexpr std::string_view kind = "one_hot_encoder";

  /// Encodes `columns` (by name; at least one).
  explicit basic_one_hot_encoder(std::vector<std::string> columns = {}, bool unseen_bucket = true)
      : columns_(std::move(columns)), unseen_bucket_(unseen_bucket) {}

  /// Learns the layout. Throws pipeline_error (mlguard.pipeline.unknown_feature).
  void bind(const std::vector<std::string>& names_in);

  /// Learns each encoded column's categories (distinct finite values, sorted).
  /// Throws pipeline_error (mlguard.pipeline.width_mismatch).
  void fit(const Eigen::Ref<const Eigen::MatrixXd>& X);

  std::size_t input_width() const noexcept { return names_in_.size(); }
  std::size_t output_width() const noexcept { return output_width_; }
  const std::vector<std::string>& feature_names_in() const noexcept { return names_in_; }
  /// Pass-through names, and "<column>=<code>" / "<column>=unseen" indicators.
  std::vector<std::string> feature_names_out() const;
  /// The learned categories of the k-th encoded column.
  const std::vector<double>& categories(std::size_t k) const { return categories_.at(k); }

  /// Batch transform. Throws pipeline_error (not_fitted, width_mismatch).
  void transform(const Eigen::Ref<const Eigen::MatrixXd>& in, Eigen::Ref<Eigen::MatrixXd> out,
                 span<row_status> /*status*/) const;

  /// One row: no allocation, never throws.
  row_status transform_row(const double* in, double* out) const noexcept;

  /// {"columns", "unseen_bucket", "categories": [[codes of column 1], ...]}.
  json to_json() const;
  /// Restores a fitted encoder (e.g. exported from sklearn's categories_).
  /// Throws format_error (corrupt, unknown_field), pipeline_error
  /// (width_mismatch, unknown_feature).
  static basic_one_hot_encoder from_json(const json_reader& params,
                                         const std::vector<std::string>& names_in);

private:
  // The position of `x` among the indicators: its category, the unseen bucket, or -1 (none).
  std::ptrdiff_t slot_of(const std::vector<double>& cats, double x) const noexcept;

  static std::string format_code(double v);

  void plan();

  std::vector<std::string> columns_;
  bool unseen_bucket_;
  std::vector<std::string> names_in_;
  std::vector<int> category_of_input_;          // per input column: encoded index or -1
  std::vector<std::vector<double>> categories_; // per encoded column, sorted
  std::vector<std::size_t> offset_;             // per input column: first output column
  std::vector<std::size_t> block_;              // per input column: output columns it fills
  std::size_t output_width_ = 0;
  bool fitted_ = false;
};

/// The type to name (a class template only so that its bodies compile where used).
using one_hot_encoder = basic_one_hot_encoder<>;

} // namespace mlguard::pipeline

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/pipeline/detail/params.hpp"

namespace mlguard::pipeline {

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::bind(const std::vector<std::string>& names_in)
    -> void {
  detail::column_subset subset;
  subset.columns = columns_;
  subset.bind(names_in, kind);
  names_in_ = names_in;
  category_of_input_.assign(names_in.size(), -1);
  for (std::size_t k = 0; k < subset.index.size(); ++k) {
    category_of_input_[subset.index[k]] = static_cast<int>(k);
  }
  categories_.assign(columns_.size(), {});
  fitted_ = false;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::fit(const Eigen::Ref<const Eigen::MatrixXd>& X)
    -> void {
  detail::check_width(static_cast<std::size_t>(X.cols()), input_width(), kind);
  for (std::size_t j = 0; j < names_in_.size(); ++j) {
    if (category_of_input_[j] < 0) {
      continue;
    }
    auto v = detail::sorted_present(X, j);
    v.erase(std::unique(v.begin(), v.end()), v.end());
    v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isinf(x); }), v.end());
    categories_[static_cast<std::size_t>(category_of_input_[j])] = std::move(v);
  }
  plan();
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::feature_names_out() const
    -> std::vector<std::string> {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < names_in_.size(); ++j) {
    const int c = category_of_input_[j];
    if (c < 0) {
      out.push_back(names_in_[j]);
      continue;
    }
    for (double v : categories_[static_cast<std::size_t>(c)]) {
      out.push_back(names_in_[j] + "=" + format_code(v));
    }
    if (unseen_bucket_) {
      out.push_back(names_in_[j] + "=unseen");
    }
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::transform(const Eigen::Ref<const Eigen::MatrixXd>& in,
                                                        Eigen::Ref<Eigen::MatrixXd> out,
                                                        span<row_status> /*status*/) const -> void {
  detail::check_fitted(fitted_, kind);
  detail::check_width(static_cast<std::size_t>(in.cols()), input_width(), kind);
  out.setZero();
  for (std::size_t j = 0; j < names_in_.size(); ++j) {
    const auto o = static_cast<Eigen::Index>(offset_[j]);
    const auto col = in.col(static_cast<Eigen::Index>(j));
    if (category_of_input_[j] < 0) {
      out.col(o) = col;
      continue;
    }
    const auto& cats = categories_[static_cast<std::size_t>(category_of_input_[j])];
    for (Eigen::Index i = 0; i < in.rows(); ++i) {
      const std::ptrdiff_t slot = slot_of(cats, col[i]);
      if (slot >= 0) {
        out(i, o + slot) = 1.0;
      }
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::transform_row(const double* in,
                                                            double* out) const noexcept
    -> row_status {
  const std::size_t n = names_in_.size();
  for (std::size_t j = 0; j < n; ++j) {
    const int c = category_of_input_[j];
    double* o = out + offset_[j];
    if (c < 0) {
      *o = in[j];
      continue;
    }
    const auto& cats = categories_[static_cast<std::size_t>(c)];
    for (std::size_t b = 0; b < block_[j]; ++b) { // a loop, not std::fill: no memset call
      o[b] = 0.0;
    }
    const std::ptrdiff_t slot = slot_of(cats, in[j]);
    if (slot >= 0) {
      o[slot] = 1.0;
    }
  }
  return row_status::ok;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::to_json() const -> json {
  json cats = json::array();
  for (const auto& c : categories_) {
    cats.push_back(json_numbers(c));
  }
  json j = json::object();
  j["columns"] = columns_;
  j["unseen_bucket"] = unseen_bucket_;
  j["categories"] = std::move(cats);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::from_json(const json_reader& params,
                                                        const std::vector<std::string>& names_in)
    -> basic_one_hot_encoder {
  params.allow_fields({"columns", "unseen_bucket", "categories"});
  basic_one_hot_encoder e(params.texts("columns"), params.flag("unseen_bucket"));
  e.bind(names_in);
  const json& cats = params.array("categories");
  if (cats.size() != e.columns_.size()) {
    throw pipeline_error("width_mismatch",
                         params.where("categories") + ": need one array per encoded column");
  }
  for (std::size_t k = 0; k < e.columns_.size(); ++k) {
    auto& v = e.categories_[k];
    const std::string field = "categories[" + std::to_string(k) + "]";
    if (!cats[k].is_array()) {
      params.fail(field, "expected an array of codes");
    }
    v.resize(cats[k].size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!read_json_number(cats[k][i], v[i])) {
        params.fail(field, "expected numbers");
      }
    }
    if (!std::is_sorted(v.begin(), v.end()) || std::adjacent_find(v.begin(), v.end()) != v.end()) {
      params.fail(field, "codes must be sorted and distinct");
    }
  }
  e.plan();
  return e;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::slot_of(const std::vector<double>& cats,
                                                      double x) const noexcept -> std::ptrdiff_t {
  if (std::isnan(x)) {
    return -1;
  }
  const auto it = std::lower_bound(cats.begin(), cats.end(), x);
  if (it != cats.end() && *it == x) {
    return it - cats.begin();
  }
  return unseen_bucket_ ? static_cast<std::ptrdiff_t>(cats.size()) : -1;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::format_code(double v) -> std::string {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

template <class V>
MLGUARD_INLINE auto basic_one_hot_encoder<V>::plan() -> void {
  offset_.assign(names_in_.size(), 0);
  block_.assign(names_in_.size(), 1);
  std::size_t o = 0;
  for (std::size_t j = 0; j < names_in_.size(); ++j) {
    offset_[j] = o;
    const int c = category_of_input_[j];
    if (c >= 0) {
      block_[j] = categories_[static_cast<std::size_t>(c)].size() + (unseen_bucket_ ? 1 : 0);
    }
    o += block_[j];
  }
  output_width_ = o;
  fitted_ = true;
}

} // namespace mlguard::pipeline

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PIPELINE_ONE_HOT_ENCODER_HPP

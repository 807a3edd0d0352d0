#ifndef MLGUARD_SERVING_DETAIL_LAYOUT_ROWS_HPP
#define MLGUARD_SERVING_DETAIL_LAYOUT_ROWS_HPP

// A table's rows as a bundle's model reads them: the layout's columns in layout order,
// categorical features as codes in the schema's vocabulary. For the commands and checks
// that score a whole table (score, check-model, assess). Not for direct use.

#include <vector>

#include <Eigen/Core>

#include "mlguard/core/table.hpp"
#include "mlguard/core/table_ops.hpp"
#include "mlguard/validate/feature_spec.hpp"

namespace mlguard::serving::detail {

using layout_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// `t`'s rows in `b`'s layout (a serving::model_bundle). Throws as to_matrix:
// argument_error (mlguard.argument.unknown_column) naming a layout feature `t` lacks,
// (wrong_kind) for a column of the other kind.
template <class Bundle>
layout_matrix layout_rows(const Bundle& b, const table& t) {
  std::vector<const vocabulary*> vocabs;
  for (std::size_t i = 0; i < b.layout.size(); ++i) {
    vocabs.push_back(b.layout[i].kind == validate::feature_kind::categorical ? &b.schema.vocab(i)
                                                                             : nullptr);
  }
  return to_matrix<layout_matrix>(t, b.layout.names(), vocabs);
}

} // namespace mlguard::serving::detail

#endif // MLGUARD_SERVING_DETAIL_LAYOUT_ROWS_HPP

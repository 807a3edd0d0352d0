#ifndef MLGUARD_CORE_TABLE_OPS_HPP
#define MLGUARD_CORE_TABLE_OPS_HPP

// Bridges from a table to what models and checks take: a matrix of chosen
// columns (categorical columns as their codes, optionally remapped into a
// schema's vocabulary), and tables of chosen columns or rows.
//
// Matrix cells: a numeric column's values as they are (NaN = missing); a
// categorical column's codes as doubles, missing_code (-1) kept as -1.0 and
// never turned into NaN, so a matrix row goes straight to
// validate::validate_row (which reads missing_code or NaN as missing) and
// unseen_code (-2) stays distinct from missing.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/error.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"

namespace mlguard {

namespace detail {

template <typename Matrix>
Matrix sized_matrix(const table& t, std::size_t cols) {
  return Matrix(static_cast<Eigen::Index>(t.rows()), static_cast<Eigen::Index>(cols));
}

// Writes column `c` into column j of `out`, each code through `map` (index
// code, or all codes as they are when `map` is empty).
template <typename Matrix>
void fill_matrix_column(const column& c, const std::vector<std::int32_t>& map, Eigen::Index j,
                        Matrix& out) {
  if (c.is_numeric()) {
    const auto& v = c.values();
    for (std::size_t i = 0; i < v.size(); ++i) {
      out(static_cast<Eigen::Index>(i), j) = v[i];
    }
    return;
  }
  const auto& codes = c.codes();
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::int32_t code = codes[i];
    const std::int32_t mapped =
        map.empty() || code < 0 ? code : map[static_cast<std::size_t>(code)];
    out(static_cast<Eigen::Index>(i), j) = static_cast<double>(mapped);
  }
}

template <class = void>
void check_row(std::size_t row, std::size_t rows);

} // namespace detail

/// The columns `names` of `t`, in that order, as a rows × names.size() matrix:
/// numeric values as they are, categorical codes as doubles (missing_code
/// stays -1.0; see the top of this header). A name may repeat. `Matrix` is
/// column-major Eigen::MatrixXd by default; pass a row-major matrix type for
/// per-row use (each row then contiguous, e.g. for validate_row).
/// Throws argument_error (mlguard.argument.unknown_column) naming a column `t` lacks.
template <typename Matrix = Eigen::MatrixXd>
Matrix to_matrix(const table& t, const std::vector<std::string>& names) {
  std::vector<const column*> cols;
  cols.reserve(names.size());
  for (const auto& name : names) {
    cols.push_back(&t.at(name));
  }
  auto out = detail::sized_matrix<Matrix>(t, names.size());
  const std::vector<std::int32_t> identity;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    detail::fill_matrix_column(*cols[j], identity, static_cast<Eigen::Index>(j), out);
  }
  return out;
}

/// As to_matrix(t, names), with each categorical column's codes remapped into
/// `target_vocabs[j]` (e.g. `&schema.vocab(i)`) by category name: a category the
/// target lacks becomes unseen_code, missing stays missing_code. A null entry
/// keeps column j as it is (numeric columns take null).
/// Throws argument_error: mlguard.argument.unknown_column naming a column `t`
/// lacks; mlguard.argument.size_mismatch when target_vocabs.size() != names.size();
/// mlguard.argument.wrong_kind when a numeric column is given a vocabulary.
template <typename Matrix = Eigen::MatrixXd>
Matrix to_matrix(const table& t, const std::vector<std::string>& names,
                 const std::vector<const vocabulary*>& target_vocabs) {
  if (target_vocabs.size() != names.size()) {
    throw argument_error("size_mismatch", std::to_string(names.size()) + " columns but " +
                                              std::to_string(target_vocabs.size()) +
                                              " target vocabularies");
  }
  std::vector<const column*> cols;
  cols.reserve(names.size());
  for (std::size_t j = 0; j < names.size(); ++j) {
    const auto& c = t.at(names[j]);
    if (target_vocabs[j] != nullptr && !c.is_categorical()) {
      throw argument_error("wrong_kind", "column '" + c.name() +
                                             "' is numeric but was given a target vocabulary");
    }
    cols.push_back(&c);
  }
  auto out = detail::sized_matrix<Matrix>(t, names.size());
  std::vector<std::int32_t> map;
  for (std::size_t j = 0; j < cols.size(); ++j) {
    map.clear();
    if (const vocabulary* target = target_vocabs[j]) {
      for (const auto& category : cols[j]->vocab().names()) {
        map.push_back(target->code_of(category));
      }
      if (map.empty()) { // no categories, so only missing codes; keep `map` non-empty anyway
        map.push_back(unseen_code); // (an empty map means "codes as they are")
      }
    }
    detail::fill_matrix_column(*cols[j], map, static_cast<Eigen::Index>(j), out);
  }
  return out;
}

/// A table of the columns `names` of `t`, in that order (copies; vocabularies kept).
/// Throws argument_error: mlguard.argument.unknown_column naming a column `t`
/// lacks; mlguard.argument.duplicate_column when a name repeats.
template <class = void>
table select_columns(const table& t, const std::vector<std::string>& names);

/// A table of the rows `rows` of `t`, in that order (a row may repeat), with
/// every column and vocabulary of `t`. Throws argument_error
/// (mlguard.argument.out_of_range) naming a row index >= t.rows().
template <class = void>
table take_rows(const table& t, span<const std::size_t> rows);

/// The rows [begin, end) of `t`, every column and vocabulary kept. Throws
/// argument_error (mlguard.argument.out_of_range) unless begin <= end <= t.rows().
template <class = void>
table slice_rows(const table& t, std::size_t begin, std::size_t end);

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::detail {

template <class>
void check_row(std::size_t row, std::size_t rows) {
  if (row >= rows) {
    throw argument_error("out_of_range", "row " + std::to_string(row) + " is past the table's " +
                                             std::to_string(rows) + " rows");
  }
}

} // namespace mlguard::detail

namespace mlguard {

template <class>
table select_columns(const table& t, const std::vector<std::string>& names) {
  table out;
  for (const auto& name : names) {
    out.add(t.at(name));
  }
  return out;
}

template <class>
table take_rows(const table& t, span<const std::size_t> rows) {
  for (const auto r : rows) {
    detail::check_row(r, t.rows());
  }
  table out;
  for (const auto& c : t) {
    if (c.is_numeric()) {
      const auto& v = c.values();
      std::vector<double> taken(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        taken[i] = v[rows[i]];
      }
      out.add(column::numeric(c.name(), std::move(taken)));
    } else {
      const auto& codes = c.codes();
      std::vector<std::int32_t> taken(rows.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        taken[i] = codes[rows[i]];
      }
      out.add(column::categorical(c.name(), std::move(taken), c.vocab()));
    }
  }
  return out;
}

template <class>
table slice_rows(const table& t, std::size_t begin, std::size_t end) {
  if (begin > end || end > t.rows()) {
    throw argument_error("out_of_range", "rows [" + std::to_string(begin) + ", " +
                                             std::to_string(end) + ") are not within the table's " +
                                             std::to_string(t.rows()) + " rows");
  }
  std::vector<std::size_t> rows(end - begin);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i] = begin + i;
  }
  return take_rows(t, rows);
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_TABLE_OPS_HPP

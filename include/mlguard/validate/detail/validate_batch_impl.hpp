#ifndef MLGUARD_VALIDATE_DETAIL_VALIDATE_BATCH_IMPL_HPP
#define MLGUARD_VALIDATE_DETAIL_VALIDATE_BATCH_IMPL_HPP

// The body of validate_batch (included by validate_batch.hpp): per feature,
// an adapter turns the table's column (numeric or categorical, whatever the
// schema expects) into cells.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/validate/detail/cell.hpp"

namespace mlguard::validate {

namespace detail {

template <class = void> // deferred: see core/json.hpp
class basic_column_cells {
public:
  basic_column_cells(const feature_check& c, const vocabulary& vocab, const column& col);

  cell_state get(std::size_t row, double& v) const noexcept;

private:
  enum class mode { number, code, number_as_text };
  const feature_check* check_;
  const vocabulary* vocab_;
  mode mode_ = mode::number;
  const double* values_ = nullptr;
  const std::int32_t* codes_ = nullptr;
  std::vector<std::pair<cell_state, double>> by_code_;
};

/// The type to name (a class template only so that its bodies compile where used).
using column_cells = basic_column_cells<>;

// Validates the rows of `data` into `builder`, as data rows first_row,
// first_row + 1, ... (a chunk of a larger batch). Schema features without a
// column are left alone (the caller tells the builder). With a callable
// `on_sample` (not nullptr), calls on_sample(i, column, row in data, row in
// the batch) for each cell of a row the builder keeps as a sample of feature
// i, before adding the row.
template <typename OnSample>
void validate_rows(const schema& s, const table& data, std::uint64_t first_row,
                   report_builder& builder, OnSample&& on_sample) {
  std::vector<std::optional<column_cells>> cells(s.size());
  std::vector<const column*> columns(s.size(), nullptr);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (const column* col = data.find(s[i].name)) {
      cells[i].emplace(s.check(i), s.vocab(i), *col);
      columns[i] = col;
    }
  }
  std::vector<anomaly_set> sets(s.size());
  for (std::size_t row = 0; row < data.rows(); ++row) {
    row_result r;
    for (std::size_t i = 0; i < s.size(); ++i) {
      sets[i].clear();
      if (!cells[i]) {
        continue;
      }
      double v = 0.0;
      const auto state = cells[i]->get(row, v);
      sets[i] = check_cell(s.check(i), state, v);
      tally(s, i, sets[i], r);
      if constexpr (!std::is_same_v<std::decay_t<OnSample>, std::nullptr_t>) {
        if ((sets[i].missing() || !sets[i].empty()) && builder.keeps_sample(i, sets[i])) {
          on_sample(i, *columns[i], row, first_row + row);
        }
      }
    }
    builder.add(first_row + row, sets, r);
  }
}

} // namespace detail

template <class>
validation_report validate_batch(const schema& s, const table& data,
                                 const validate_options& options) {
  report_builder builder(s, options);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (data.find(s[i].name) == nullptr) {
      builder.missing_column(i);
    }
  }
  for (const auto& col : data) {
    if (!s.index_of(col.name())) {
      builder.new_column(col.name());
    }
  }
  detail::validate_rows(s, data, 0, builder, nullptr);
  return builder.finish(options.skew);
}

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate::detail {

template <class V>
MLGUARD_INLINE basic_column_cells<V>::basic_column_cells(const feature_check& c,
                                                         const vocabulary& vocab, const column& col)
    : check_(&c), vocab_(&vocab) {
  if (col.is_numeric()) {
    values_ = col.values().data();
    mode_ = c.kind == feature_kind::categorical ? mode::number_as_text : mode::number;
    return;
  }
  mode_ = mode::code;
  codes_ = col.codes().data();
  // Each distinct string is parsed once, not once per row.
  for (const auto& name : col.vocab().names()) {
    double v = 0.0;
    const auto state = parse_field(c, vocab, name, v);
    by_code_.emplace_back(state, v);
  }
}

template <class V>
MLGUARD_INLINE auto basic_column_cells<V>::get(std::size_t row, double& v) const noexcept
    -> cell_state {
  switch (mode_) {
  case mode::number:
    v = values_[row];
    return state_of(*check_, v);
  case mode::code: {
    const auto code = codes_[row];
    if (code < 0) {
      v = missing_code;
      return cell_state::missing;
    }
    const auto& e = by_code_[static_cast<std::size_t>(code)];
    v = e.second;
    return e.first;
  }
  case mode::number_as_text: {
    const double x = values_[row];
    if (std::isnan(x)) {
      v = missing_code;
      return cell_state::missing;
    }
    char buffer[64];
    const auto r = std::to_chars(buffer, buffer + sizeof buffer, x);
    return parse_field(*check_, *vocab_,
                       std::string_view(buffer, static_cast<std::size_t>(r.ptr - buffer)), v);
  }
  }
  return cell_state::missing;
}

} // namespace mlguard::validate::detail

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_DETAIL_VALIDATE_BATCH_IMPL_HPP

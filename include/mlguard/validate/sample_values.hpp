#ifndef MLGUARD_VALIDATE_SAMPLE_VALUES_HPP
#define MLGUARD_VALIDATE_SAMPLE_VALUES_HPP

// The data values of a validation report's sample failing rows. A report
// keeps only row numbers; a page that shows the failing values
// (report::validation_html) reads them from the validated table, or, when the
// batch was validated chunk by chunk and the table is gone, from these values,
// which batch_validator (batch_validator.hpp) keeps as it goes.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"

namespace mlguard::validate {

/// One cell of a sample row, as the data held it.
struct sample_cell {
  /// The 0-based data row in the whole batch (the report's numbering).
  std::uint64_t row = 0;
  /// The cell was missing (NaN, missing_code).
  bool missing = false;
  /// The data's column was numeric (then `number`), else categorical (then `category`).
  bool numeric = true;
  double number = 0.0;
  std::string category;
};

/// The cells of the sample rows of each feature, by feature name.
template <class = void> // deferred: see core/json.hpp
class basic_sample_values {
public:
  /// The cell of feature `feature` in data row `row`, or nullptr when it was
  /// not kept (not a sample row of that feature, or no such feature).
  /// O(features + log cells).
  const sample_cell* find(std::string_view feature, std::uint64_t row) const noexcept;

  /// Cells kept, over all features.
  std::size_t size() const noexcept;

  /// Keeps `cell` for feature `feature` (rows must come in increasing order
  /// per feature; a row already kept is ignored).
  void add(std::string_view feature, sample_cell cell);

private:
  std::vector<std::string> names_;
  std::vector<std::vector<sample_cell>> cells_; // per name, by increasing row
};

/// The type to name (a class template only so that its bodies compile where used).
using sample_values = basic_sample_values<>;

} // namespace mlguard::validate

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::validate {

template <class V>
MLGUARD_INLINE auto basic_sample_values<V>::find(std::string_view feature,
                                                 std::uint64_t row) const noexcept
    -> const sample_cell* {
  for (std::size_t f = 0; f < names_.size(); ++f) {
    if (names_[f] != feature) {
      continue;
    }
    const auto& cells = cells_[f];
    const auto it =
        std::lower_bound(cells.begin(), cells.end(), row,
                         [](const sample_cell& c, std::uint64_t r) { return c.row < r; });
    return it != cells.end() && it->row == row ? &*it : nullptr;
  }
  return nullptr;
}

template <class V>
MLGUARD_INLINE auto basic_sample_values<V>::size() const noexcept -> std::size_t {
  std::size_t n = 0;
  for (const auto& cells : cells_) {
    n += cells.size();
  }
  return n;
}

template <class V>
MLGUARD_INLINE auto basic_sample_values<V>::add(std::string_view feature, sample_cell cell)
    -> void {
  std::size_t f = 0;
  while (f < names_.size() && names_[f] != feature) {
    ++f;
  }
  if (f == names_.size()) {
    names_.emplace_back(feature);
    cells_.emplace_back();
  }
  auto& cells = cells_[f];
  if (cells.empty() || cells.back().row < cell.row) {
    cells.push_back(std::move(cell));
  }
}

} // namespace mlguard::validate

#endif // MLGUARD_COMPILED
#endif // MLGUARD_VALIDATE_SAMPLE_VALUES_HPP

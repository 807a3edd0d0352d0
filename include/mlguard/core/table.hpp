#ifndef MLGUARD_CORE_TABLE_HPP
#define MLGUARD_CORE_TABLE_HPP

// The columnar table shared by drift reports, profiles, validation and the
// CLI: named columns, numeric (doubles, NaN = missing) or categorical (integer
// codes with a vocabulary).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"

namespace mlguard {

/// What a column holds: numbers (NaN = missing) or categories (integer codes).
enum class column_kind { numeric, categorical };

/// Returns "numeric" or "categorical".
inline const char* to_string(column_kind kind) noexcept {
  return kind == column_kind::numeric ? "numeric" : "categorical";
}

/// The code of a missing categorical value.
inline constexpr std::int32_t missing_code = -1;
/// The code of a string that a vocabulary has not seen.
inline constexpr std::int32_t unseen_code = -2;

/// A two-way map between category strings and dense codes 0..size()-1.
///
/// Codes are given in order of first insertion. Lookups by string do not
/// allocate (binary search over a sorted index), so they are usable per row.
template <class = void> // deferred: see core/json.hpp
class basic_vocabulary {
public:
  basic_vocabulary() = default;

  /// Builds a vocabulary whose code i is names[i].
  /// Throws argument_error (mlguard.argument.duplicate_category) on a repeated name.
  /// Sorts once (n log n): a CSV chunk builds vocabularies of 1e5 names.
  explicit basic_vocabulary(std::vector<std::string> names);

  /// The code of `name`, or unseen_code. Never allocates or throws.
  std::int32_t code_of(std::string_view name) const noexcept;

  /// Returns the code of `name`, adding it with the next code if it is new.
  std::int32_t add(std::string_view name);

  /// The string of `code`. Throws argument_error (mlguard.argument.unknown_code)
  /// when the code is not in 0..size()-1.
  const std::string& name_of(std::int32_t code) const;

  /// The number of categories.
  std::size_t size() const noexcept { return names_.size(); }
  /// The categories, indexed by code.
  const std::vector<std::string>& names() const noexcept { return names_; }

  friend bool operator==(const basic_vocabulary& a, const basic_vocabulary& b) {
    return a.names_ == b.names_;
  }
  friend bool operator!=(const basic_vocabulary& a, const basic_vocabulary& b) { return !(a == b); }

private:
  std::vector<std::string> names_;
  std::vector<std::int32_t> sorted_; // codes ordered by their string
};

/// The type to name (a class template only so that its bodies compile where used).
using vocabulary = basic_vocabulary<>;

/// One named column of a table: numeric values (NaN = missing) or
/// categorical codes (missing_code = missing) with their vocabulary.
template <class = void> // deferred: see core/json.hpp
class basic_column {
public:
  /// A numeric column. NaN marks a missing value; ±Inf are kept as values.
  static basic_column numeric(std::string name, std::vector<double> values);

  /// A categorical column. Every code must be missing_code or in 0..vocab.size()-1;
  /// otherwise throws argument_error (mlguard.argument.unknown_code).
  static basic_column categorical(std::string name, std::vector<std::int32_t> codes,
                                  vocabulary vocab);

  const std::string& name() const noexcept { return name_; }
  column_kind kind() const noexcept { return kind_; }
  bool is_numeric() const noexcept { return kind_ == column_kind::numeric; }
  bool is_categorical() const noexcept { return kind_ == column_kind::categorical; }

  /// The number of rows.
  std::size_t size() const noexcept { return is_numeric() ? values_.size() : codes_.size(); }

  /// The numeric values. Throws argument_error (mlguard.argument.wrong_kind)
  /// on a categorical column.
  const std::vector<double>& values() const;

  /// The numeric values as an Eigen vector view (no copy). Throws as values().
  Eigen::Map<const Eigen::VectorXd> vector() const;

  /// The category codes. Throws argument_error (mlguard.argument.wrong_kind)
  /// on a numeric column.
  const std::vector<std::int32_t>& codes() const;

  /// The vocabulary of a categorical column. Throws as codes().
  const vocabulary& vocab() const;

  /// The number of missing entries (NaN, or missing_code).
  std::size_t missing_count() const noexcept;

private:
  basic_column(std::string name, column_kind kind) : name_(std::move(name)), kind_(kind) {}

  std::string name_;
  column_kind kind_;
  std::vector<double> values_;
  std::vector<std::int32_t> codes_;
  vocabulary vocab_;
};

/// The type to name (a class template only so that its bodies compile where used).
using column = basic_column<>;

/// A columnar table of named columns, all of one length: what a CSV file or
/// a request batch is. Shared by drift reports, profiles, validation and the CLI.
template <class = void> // deferred: see core/json.hpp
class basic_table {
public:
  /// Appends a column. Throws argument_error: mlguard.argument.duplicate_column
  /// when the name is taken, mlguard.argument.size_mismatch when its length
  /// differs from the table's.
  void add(column c);

  /// The number of rows (0 for a table without columns).
  std::size_t rows() const noexcept { return columns_.empty() ? 0 : columns_.front().size(); }
  /// The number of columns.
  std::size_t cols() const noexcept { return columns_.size(); }

  /// The column at position i. Throws argument_error (mlguard.argument.out_of_range).
  const column& operator[](std::size_t i) const;

  /// The column called `name`, or nullptr.
  const column* find(std::string_view name) const noexcept;

  /// The column called `name`. Throws argument_error (mlguard.argument.unknown_column).
  const column& at(std::string_view name) const;

  /// The column names in order.
  std::vector<std::string> names() const;

  auto begin() const noexcept { return columns_.begin(); }
  auto end() const noexcept { return columns_.end(); }

private:
  std::vector<column> columns_;
};

/// The type to name (a class template only so that its bodies compile where used).
using table = basic_table<>;

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard {

template <class V>
MLGUARD_INLINE basic_vocabulary<V>::basic_vocabulary(std::vector<std::string> names)
    : names_(std::move(names)) {
  sorted_.resize(names_.size());
  for (std::size_t i = 0; i < sorted_.size(); ++i) {
    sorted_[i] = static_cast<std::int32_t>(i);
  }
  std::sort(sorted_.begin(), sorted_.end(), [this](std::int32_t a, std::int32_t b) {
    const auto& x = names_[static_cast<std::size_t>(a)];
    const auto& y = names_[static_cast<std::size_t>(b)];
    return x != y ? x < y : a < b;
  });
  // The repeat that comes first in `names`, as a one-by-one build finds it.
  std::size_t repeated = names_.size();
  for (std::size_t k = 1; k < sorted_.size(); ++k) {
    const auto a = static_cast<std::size_t>(sorted_[k - 1]);
    const auto b = static_cast<std::size_t>(sorted_[k]);
    if (names_[a] == names_[b] && b < repeated) {
      repeated = b;
    }
  }
  if (repeated < names_.size()) {
    throw argument_error("duplicate_category", "category '" + names_[repeated] + "' appears twice");
  }
}

template <class V>
MLGUARD_INLINE auto basic_vocabulary<V>::code_of(std::string_view name) const noexcept
    -> std::int32_t {
  auto it = std::lower_bound(
      sorted_.begin(), sorted_.end(), name, [this](std::int32_t code, std::string_view key) {
        return std::string_view(names_[static_cast<std::size_t>(code)]) < key;
      });
  if (it != sorted_.end() && names_[static_cast<std::size_t>(*it)] == name) {
    return *it;
  }
  return unseen_code;
}

template <class V>
MLGUARD_INLINE auto basic_vocabulary<V>::add(std::string_view name) -> std::int32_t {
  auto it = std::lower_bound(
      sorted_.begin(), sorted_.end(), name, [this](std::int32_t code, std::string_view key) {
        return std::string_view(names_[static_cast<std::size_t>(code)]) < key;
      });
  if (it != sorted_.end() && names_[static_cast<std::size_t>(*it)] == name) {
    return *it;
  }
  const auto code = static_cast<std::int32_t>(names_.size());
  names_.emplace_back(name);
  sorted_.insert(it, code);
  return code;
}

template <class V>
MLGUARD_INLINE auto basic_vocabulary<V>::name_of(std::int32_t code) const -> const std::string& {
  if (code < 0 || static_cast<std::size_t>(code) >= names_.size()) {
    throw argument_error("unknown_code",
                         "category code " + std::to_string(code) + " is not in the vocabulary");
  }
  return names_[static_cast<std::size_t>(code)];
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::numeric(std::string name, std::vector<double> values)
    -> basic_column {
  basic_column c(std::move(name), column_kind::numeric);
  c.values_ = std::move(values);
  return c;
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::categorical(std::string name, std::vector<std::int32_t> codes,
                                                 vocabulary vocab) -> basic_column {
  for (auto code : codes) {
    if (code != missing_code && (code < 0 || static_cast<std::size_t>(code) >= vocab.size())) {
      throw argument_error("unknown_code", "column '" + name + "' has code " +
                                               std::to_string(code) + " outside its vocabulary");
    }
  }
  basic_column c(std::move(name), column_kind::categorical);
  c.codes_ = std::move(codes);
  c.vocab_ = std::move(vocab);
  return c;
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::values() const -> const std::vector<double>& {
  if (!is_numeric()) {
    throw argument_error("wrong_kind", "column '" + name_ + "' is categorical, not numeric");
  }
  return values_;
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::vector() const -> Eigen::Map<const Eigen::VectorXd> {
  const auto& v = values();
  return {v.data(), static_cast<Eigen::Index>(v.size())};
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::codes() const -> const std::vector<std::int32_t>& {
  if (!is_categorical()) {
    throw argument_error("wrong_kind", "column '" + name_ + "' is numeric, not categorical");
  }
  return codes_;
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::vocab() const -> const vocabulary& {
  codes();
  return vocab_;
}

template <class V>
MLGUARD_INLINE auto basic_column<V>::missing_count() const noexcept -> std::size_t {
  if (is_numeric()) {
    return static_cast<std::size_t>(
        std::count_if(values_.begin(), values_.end(), [](double v) { return std::isnan(v); }));
  }
  return static_cast<std::size_t>(std::count(codes_.begin(), codes_.end(), missing_code));
}

template <class V>
MLGUARD_INLINE auto basic_table<V>::add(column c) -> void {
  if (find(c.name()) != nullptr) {
    throw argument_error("duplicate_column", "column '" + c.name() + "' appears twice");
  }
  if (!columns_.empty() && c.size() != rows()) {
    throw argument_error("size_mismatch", "column '" + c.name() + "' has " +
                                              std::to_string(c.size()) + " rows, the table has " +
                                              std::to_string(rows()));
  }
  columns_.push_back(std::move(c));
}

template <class V>
MLGUARD_INLINE auto basic_table<V>::operator[](std::size_t i) const -> const column& {
  if (i >= columns_.size()) {
    throw argument_error("out_of_range", "column index " + std::to_string(i) +
                                             " is past the table's " +
                                             std::to_string(columns_.size()) + " columns");
  }
  return columns_[i];
}

template <class V>
MLGUARD_INLINE auto basic_table<V>::find(std::string_view name) const noexcept -> const column* {
  for (const auto& c : columns_) {
    if (c.name() == name) {
      return &c;
    }
  }
  return nullptr;
}

template <class V>
MLGUARD_INLINE auto basic_table<V>::at(std::string_view name) const -> const column& {
  if (const auto* c = find(name)) {
    return *c;
  }
  throw argument_error("unknown_column", "no column named '" + std::string(name) + "'");
}

template <class V>
MLGUARD_INLINE auto basic_table<V>::names() const -> std::vector<std::string> {
  std::vector<std::string> out;
  out.reserve(columns_.size());
  for (const auto& c : columns_) {
    out.push_back(c.name());
  }
  return out;
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_TABLE_HPP

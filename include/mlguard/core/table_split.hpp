#ifndef MLGUARD_CORE_TABLE_SPLIT_HPP
#define MLGUARD_CORE_TABLE_SPLIT_HPP

// A seeded train/holdout split of a table's rows, the same on every platform
// and standard library for the same seed.
//
// Sizes follow scikit-learn's train_test_split(test_size=fraction): the
// holdout has ceil(fraction * n) rows (computed in double, as Python does, so
// 0.07 * 100 gives 8), the train set the rest. The permutation is mlguard's own,
// not numpy's, so the rows chosen differ from sklearn's for the same seed.
//
// The permutation: std::mt19937_64 seeded with `seed` (its output sequence is
// fixed by the C++ standard), its raw 64-bit outputs drawn into integers in
// [0, bound) by rejection (a draw x is kept when x < 2^64 - (2^64 mod bound),
// then reduced mod bound; no bias), and a Fisher-Yates shuffle written out
// here (for i = n-1 down to 1, swap p[i] with p[draw(i + 1)]).
// std::shuffle and std::uniform_int_distribution are not used: their results
// differ between standard libraries.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/error.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/core/table_ops.hpp"

namespace mlguard {

namespace detail {
template <class = void>
std::string fraction_text(double x);
} // namespace detail

/// The row indices of a train/holdout split, each in shuffled order.
struct row_split {
  std::vector<std::size_t> train;
  std::vector<std::size_t> holdout;
};

/// The rows of a table split into a train and a holdout table.
struct table_split {
  table train;
  table holdout;
};

/// A uniform integer in [0, bound) from `rng`'s raw 64-bit outputs by rejection
/// (see the top of this header); the same on every platform. bound must be > 0.
template <class = void>
std::uint64_t bounded_draw(std::mt19937_64& rng, std::uint64_t bound) noexcept;

/// A permutation of 0..n-1 by the Fisher-Yates shuffle with bounded_draw over
/// std::mt19937_64(seed); the same on every platform.
template <class = void>
std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t seed);

/// Splits row indices 0..n-1: a seeded permutation (seeded_permutation), whose
/// first ceil(holdout_fraction * n) entries are the holdout and the rest the
/// train set, as sklearn's ShuffleSplit takes them. Sizes match
/// sklearn.model_selection.train_test_split(test_size=holdout_fraction) (scikit-learn
/// 1.2; tests/fixtures/reference/split_sizes.json); the rows chosen do not.
/// Throws argument_error (mlguard.argument.invalid_option) when holdout_fraction is
/// not in (0, 1) or the train set would be empty (sklearn raises there too).
template <class = void>
row_split train_holdout_rows(std::size_t n, double holdout_fraction, std::uint64_t seed);

/// Splits the rows of `t` into train and holdout tables as train_holdout_rows
/// does (rows in shuffled order, every column and vocabulary kept). Each row of
/// `t` lands in exactly one of them. Reproducible: the same table, fraction and
/// seed give the same split on every platform. Throws as train_holdout_rows.
template <class = void>
table_split train_holdout_split(const table& t, double holdout_fraction, std::uint64_t seed);

} // namespace mlguard

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::detail {

template <class>
std::string fraction_text(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

} // namespace mlguard::detail

namespace mlguard {

template <class>
std::uint64_t bounded_draw(std::mt19937_64& rng, std::uint64_t bound) noexcept {
  const std::uint64_t excess = (0 - bound) % bound; // 2^64 mod bound
  for (;;) {
    const std::uint64_t x = rng();
    if (x <= ~std::uint64_t{0} - excess) {
      return x % bound;
    }
  }
}

template <class>
std::vector<std::size_t> seeded_permutation(std::size_t n, std::uint64_t seed) {
  std::vector<std::size_t> p(n);
  std::iota(p.begin(), p.end(), std::size_t{0});
  std::mt19937_64 rng(seed);
  for (std::size_t i = n; i > 1; --i) {
    const auto j = static_cast<std::size_t>(bounded_draw(rng, i));
    std::swap(p[i - 1], p[j]);
  }
  return p;
}

template <class>
row_split train_holdout_rows(std::size_t n, double holdout_fraction, std::uint64_t seed) {
  if (!(holdout_fraction > 0.0 && holdout_fraction < 1.0)) {
    throw argument_error("invalid_option", "holdout fraction " +
                                               detail::fraction_text(holdout_fraction) +
                                               " is not in (0, 1)");
  }
  const auto holdout =
      static_cast<std::size_t>(std::ceil(holdout_fraction * static_cast<double>(n)));
  if (holdout >= n) {
    throw argument_error("invalid_option",
                         "a holdout fraction of " + detail::fraction_text(holdout_fraction) +
                             " of " + std::to_string(n) + " rows leaves the train set empty");
  }
  auto p = seeded_permutation(n, seed);
  row_split out;
  out.holdout.assign(p.begin(), p.begin() + static_cast<std::ptrdiff_t>(holdout));
  out.train.assign(p.begin() + static_cast<std::ptrdiff_t>(holdout), p.end());
  return out;
}

template <class>
table_split train_holdout_split(const table& t, double holdout_fraction, std::uint64_t seed) {
  const auto rows = train_holdout_rows(t.rows(), holdout_fraction, seed);
  return {take_rows(t, rows.train), take_rows(t, rows.holdout)};
}

} // namespace mlguard

#endif // MLGUARD_COMPILED
#endif // MLGUARD_CORE_TABLE_SPLIT_HPP

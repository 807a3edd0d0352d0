#ifndef MLGUARD_SKETCH_DISTINCT_COUNT_HPP
#define MLGUARD_SKETCH_DISTINCT_COUNT_HPP

// A HyperLogLog distinct-count sketch (Flajolet, Fusy, Gandouet & Meunier
// 2007) with Ertl's improved estimator ("New cardinality estimation algorithms
// for HyperLogLog sketches", 2017), which is unbiased from 0 to 2^64 without
// the empirical bias tables of HLL++.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/sketch/detail/hash.hpp"

namespace mlguard::sketch {

namespace detail {

template <class = void>
unsigned leading_zeros64(std::uint64_t x) noexcept;

// One character per register value 0..63 in the JSON form.
inline constexpr char register_alphabet[] =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";

template <class = void>
int register_from_char(char c) noexcept;

} // namespace detail

/// Estimates the number of distinct values of a column in 2^precision bytes.
///
/// - Accuracy: relative standard error ≈ 1.04 / sqrt(2^precision), i.e. 1.6%
///   at the default precision 12 (4 KiB); about 95% of estimates fall within
///   twice that. Small cardinalities are estimated almost exactly.
/// - Hashing: doubles by bit pattern (-0.0 as 0.0), strings by their bytes,
///   with detail::hash_double / detail::hash_bytes (SplitMix64's mixer over
///   FNV-1a), which are fully specified, so sketches from any build merge.
///   NaN is ignored. Numbers and strings share one hash space: feed one
///   sketch one kind of value.
/// - Merging is exact: merge(sketch(A), sketch(B)) == sketch(A ∪ B), in any
///   order, for sketches of the same precision.
/// - Threads: not synchronised; one sketch per thread, then merge.
template <class = void> // deferred: see core/json.hpp
class basic_distinct_count {
public:
  /// The default precision (4096 registers, 1.6% relative standard error).
  static constexpr unsigned default_precision = 12;
  /// The smallest and largest precision accepted.
  static constexpr unsigned min_precision = 4;
  static constexpr unsigned max_precision = 18;
  /// The document this sketch is saved as: "mlguard.distinct_count", version
  /// 1 (mlguard 0.1 wrote "distinct_count", still read).
  static constexpr document_format format{"mlguard.distinct_count", 1, "distinct_count"};

  /// An empty sketch with 2^precision registers, 4 ≤ precision ≤ 18.
  /// Throws profile_error (mlguard.profile.invalid_option).
  explicit basic_distinct_count(unsigned precision = default_precision);

  /// Adds a number (NaN is ignored). Never allocates.
  void update(double value) noexcept;

  /// Adds a string by its bytes. Never allocates.
  void update(std::string_view value) noexcept { update_hash(detail::hash_bytes(value)); }

  /// Adds a value by its 64-bit hash (which must be well mixed).
  void update_hash(std::uint64_t hash) noexcept;

  /// Folds `other` in (register-wise maximum; exact).
  /// Throws profile_error (mlguard.profile.incompatible_sketches) when the
  /// precisions differ.
  void merge(const basic_distinct_count& other);

  /// The estimated number of distinct values (0 for an empty sketch).
  double estimate() const;

  /// The relative standard error 1.04 / sqrt(2^precision).
  double relative_standard_error() const noexcept;

  /// log2 of the number of registers.
  unsigned precision() const noexcept { return precision_; }
  /// True when nothing has been added.
  bool is_empty() const noexcept;

  /// The sketch as a "mlguard.distinct_count" document: {"format",
  /// "format_version", "precision", "registers"}, the registers one
  /// character each from [0-9a-zA-Z-_] (values 0 to 63).
  json to_json() const;

  /// Reads what to_json wrote; `source` names the input in errors, `path`
  /// where the sketch sits inside it ("" at the root). Throws format_error:
  /// mlguard.format.corrupt (a precision outside [4, 18], a register string
  /// of the wrong length or with values out of range; the message names the
  /// field path), mlguard.format.unknown_field, mlguard.format.wrong_kind,
  /// mlguard.format.newer_version.
  static basic_distinct_count from_json(const json& document,
                                        const std::string& source = "distinct_count",
                                        const std::string& path = {});

  /// Writes the sketch document to `path` atomically (save_json).
  /// Throws io_error (mlguard.io.write_failed).
  void save(const std::string& path) const { save_json(path, to_json()); }
  /// Reads a sketch document from `path` (load_json, then from_json).
  /// Throws io_error (mlguard.io.open_failed, read_failed) and from_json's errors.
  static basic_distinct_count load(const std::string& path);

  /// Structural equality: same precision and registers.
  friend bool operator==(const basic_distinct_count& a, const basic_distinct_count& b) {
    return a.precision_ == b.precision_ && a.registers_ == b.registers_;
  }
  friend bool operator!=(const basic_distinct_count& a, const basic_distinct_count& b) {
    return !(a == b);
  }

private:
  static double sigma(double x);

  static double tau(double x);

  unsigned precision_;
  std::vector<std::uint8_t> registers_;
};

/// The type to name (a class template only so that its bodies compile where used).
using distinct_count = basic_distinct_count<>;

/// nlohmann ADL hook: `json j = sketch;`
template <class = void>
void to_json(json& j, const distinct_count& sketch);
/// nlohmann ADL hook. Throws as distinct_count::from_json.
template <class = void>
void from_json(const json& j, distinct_count& sketch);

} // namespace mlguard::sketch

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

#include "mlguard/sketch/detail/json.hpp"

namespace mlguard::sketch::detail {

template <class>
unsigned leading_zeros64(std::uint64_t x) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  return x == 0 ? 64U : static_cast<unsigned>(__builtin_clzll(x));
#else
  unsigned n = 0;
  for (std::uint64_t bit = std::uint64_t{1} << 63; bit != 0 && (x & bit) == 0; bit >>= 1) {
    ++n;
  }
  return n;
#endif
}

template <class>
int register_from_char(char c) noexcept {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'Z') {
    return c - 'A' + 36;
  }
  return c == '-' ? 62 : (c == '_' ? 63 : -1);
}

} // namespace mlguard::sketch::detail

namespace mlguard::sketch {

template <class V>
MLGUARD_INLINE basic_distinct_count<V>::basic_distinct_count(unsigned precision)
    : precision_(precision) {
  if (precision < min_precision || precision > max_precision) {
    throw profile_error("invalid_option", "distinct_count precision must be in [4, 18], got " +
                                              std::to_string(precision));
  }
  registers_.assign(std::size_t{1} << precision, 0);
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::update(double value) noexcept -> void {
  if (!std::isnan(value)) {
    update_hash(detail::hash_double(value));
  }
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::update_hash(std::uint64_t hash) noexcept -> void {
  const unsigned q = 64 - precision_;
  const std::size_t index = static_cast<std::size_t>(hash >> q);
  const std::uint64_t rest = hash << precision_;
  const auto rank =
      static_cast<std::uint8_t>(rest == 0 ? q + 1 : detail::leading_zeros64(rest) + 1);
  auto& reg = registers_[index];
  if (rank > reg) {
    reg = rank;
  }
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::merge(const basic_distinct_count& other) -> void {
  if (other.precision_ != precision_) {
    throw profile_error("incompatible_sketches",
                        "cannot merge distinct_count sketches of precision " +
                            std::to_string(precision_) + " and " +
                            std::to_string(other.precision_));
  }
  for (std::size_t i = 0; i < registers_.size(); ++i) {
    if (other.registers_[i] > registers_[i]) {
      registers_[i] = other.registers_[i];
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::estimate() const -> double {
  const unsigned q = 64 - precision_;
  const double m = static_cast<double>(registers_.size());
  std::vector<std::uint32_t> histogram(q + 2, 0);
  for (const auto r : registers_) {
    ++histogram[r];
  }
  if (histogram[0] == registers_.size()) {
    return 0.0;
  }
  double z = m * tau(1.0 - histogram[q + 1] / m);
  for (unsigned k = q; k >= 1; --k) {
    z = 0.5 * (z + histogram[k]);
  }
  z += m * sigma(histogram[0] / m);
  const double alpha_infinity = 0.5 / std::log(2.0);
  return alpha_infinity * m * m / z;
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::relative_standard_error() const noexcept -> double {
  return 1.04 / std::sqrt(static_cast<double>(registers_.size()));
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::is_empty() const noexcept -> bool {
  for (const auto r : registers_) {
    if (r != 0) {
      return false;
    }
  }
  return true;
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::to_json() const -> json {
  std::string text(registers_.size(), '0');
  for (std::size_t i = 0; i < registers_.size(); ++i) {
    text[i] = detail::register_alphabet[registers_[i]];
  }
  json j = new_document(format);
  j["precision"] = static_cast<std::uint64_t>(precision_);
  j["registers"] = std::move(text);
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::from_json(const json& document,
                                                       const std::string& source,
                                                       const std::string& path)
    -> basic_distinct_count {
  const auto r = detail::open_document(document, format, source, path, {"precision", "registers"});
  const auto precision = r.count("precision", max_precision);
  if (precision < min_precision) {
    r.fail("precision", "expected an integer in [4, 18]");
  }
  basic_distinct_count out(static_cast<unsigned>(precision));
  const auto& text = r.text("registers");
  if (text.size() != out.registers_.size()) {
    r.fail("registers", "expected 2^precision = " + std::to_string(out.registers_.size()) +
                            " characters, got " + std::to_string(text.size()));
  }
  const int largest = static_cast<int>(64 - out.precision_ + 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int v = detail::register_from_char(text[i]);
    if (v < 0 || v > largest) {
      r.fail("registers", "character " + std::to_string(i) + " is not a register value");
    }
    out.registers_[i] = static_cast<std::uint8_t>(v);
  }
  return out;
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::load(const std::string& path) -> basic_distinct_count {
  return from_json(load_json(path), path);
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::sigma(double x) -> double {
  if (x == 1.0) {
    return std::numeric_limits<double>::infinity();
  }
  double y = 1.0;
  double z = x;
  double previous = 0.0;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z != previous);
  return z;
}

template <class V>
MLGUARD_INLINE auto basic_distinct_count<V>::tau(double x) -> double {
  if (x == 0.0 || x == 1.0) {
    return 0.0;
  }
  double y = 1.0;
  double z = 1.0 - x;
  double previous = 0.0;
  do {
    x = std::sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1.0 - x) * (1.0 - x) * y;
  } while (z != previous);
  return z / 3.0;
}

template <class>
void to_json(json& j, const distinct_count& sketch) {
  j = sketch.to_json();
}

template <class>
void from_json(const json& j, distinct_count& sketch) {
  sketch = distinct_count::from_json(j);
}

} // namespace mlguard::sketch

#endif // MLGUARD_COMPILED
#endif // MLGUARD_SKETCH_DISTINCT_COUNT_HPP

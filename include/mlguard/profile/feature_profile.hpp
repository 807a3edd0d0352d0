#ifndef MLGUARD_PROFILE_FEATURE_PROFILE_HPP
#define MLGUARD_PROFILE_FEATURE_PROFILE_HPP

// The mergeable profile of one feature: counts, exact extremes, moments,
// quantiles, category frequencies and a distinct-count estimate.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mlguard/core/compiled.hpp"
#include "mlguard/core/error.hpp"
#include "mlguard/core/json.hpp"
#include "mlguard/core/span.hpp"
#include "mlguard/core/table.hpp"
#include "mlguard/profile/moments.hpp"
#include "mlguard/sketch/detail/count_overflow.hpp"
#include "mlguard/sketch/detail/hash.hpp"
#include "mlguard/sketch/distinct_count.hpp"
#include "mlguard/sketch/frequent_items.hpp"
#include "mlguard/sketch/kll_sketch.hpp"

namespace mlguard::profile {

/// How profiles size their sketches. Stored in a dataset profile's JSON.
struct profile_options {
  /// KLL accuracy parameter (1.33% rank error at 99% confidence for 200).
  std::uint16_t kll_k = 200;
  /// Seed of the KLL compaction coin flips: the same input and seed give the
  /// same profile, byte for byte.
  std::uint64_t seed = sketch::kll_sketch<double>::default_seed;
  /// Categories counted exactly up to this many distinct values, then
  /// frequent items with error ≤ 2N / capacity.
  std::size_t frequent_items_capacity = sketch::frequent_items<>::default_capacity;
  /// HyperLogLog precision (relative standard error 1.04 / sqrt(2^p)).
  unsigned distinct_precision = sketch::distinct_count::default_precision;

  friend bool operator==(const profile_options& a, const profile_options& b) {
    return a.kll_k == b.kll_k && a.seed == b.seed &&
           a.frequent_items_capacity == b.frequent_items_capacity &&
           a.distinct_precision == b.distinct_precision;
  }
};

/// The profile of one feature, from batches (a table column, an Eigen
/// vector, a span of doubles) or a stream (one value at a time).
///
/// Numeric features: count() counts every value; NaN is missing; ±infinity is
/// counted in non_finite_count() and otherwise left out: min, max, mean,
/// variance, quantiles and the distinct count describe the finite values.
/// Categorical features: missing values (missing_code) are counted; the
/// categories go to an exact-then-approximate frequency table (by string,
/// so profiles built with different vocabularies merge) and the distinct
/// count.
///
/// Merging: merge(profile(A), profile(B)) equals profile(A ∪ B) exactly for
/// the counts, min and max and the distinct-count registers, to ~1e-15
/// relative for mean and variance, within the KLL bound for quantiles, and
/// within sketch::frequent_items' bounds for frequencies (exact while both are
/// exact and the union fits the capacity). Merge is commutative and
/// associative to the same tolerances.
///
/// A profile that has seen no present value yet (only missing ones) takes
/// the kind of the first present value or the profile merged into it; one
/// with present values of the other kind throws profile_error
/// (mlguard.profile.kind_mismatch).
///
/// Threads: not synchronised; one profile per thread, then merge.
template <class = void> // deferred: see core/json.hpp
class basic_feature_profile {
public:
  /// An empty profile of the given kind.
  explicit basic_feature_profile(column_kind kind = column_kind::numeric,
                                 const profile_options& options = {})
      : kind_(kind), quantiles_(options.kll_k, options.seed),
        frequencies_(options.frequent_items_capacity), distinct_(options.distinct_precision) {}

  /// The profile of a table column.
  static basic_feature_profile of(const column& c, const profile_options& options = {});

  // ---- updates ------------------------------------------------------------

  /// Adds one numeric value (NaN = missing). Throws profile_error
  /// (mlguard.profile.kind_mismatch) on a categorical profile with values.
  void update(double value);

  /// Adds numeric values (a batch). Throws as update(double).
  void update(span<const double> values);

  /// Adds an Eigen vector, Map or matrix column, also a strided one (a
  /// column of a row-major matrix), without copying it: any `values` with
  /// data(), size() and innerStride() (Eigen's direct-access vectors). A
  /// template rather than an Eigen::Ref parameter, so that this header does
  /// not need Eigen. Throws as update(double).
  template <typename Vector, typename = decltype(std::declval<const Vector&>().innerStride()),
            typename = std::enable_if_t<std::is_convertible_v<
                decltype(std::declval<const Vector&>().data()), const double*>>>
  void update(const Vector& values) {
    adopt_kind(column_kind::numeric);
    update_numeric(values.data(), static_cast<std::size_t>(values.size()),
                   static_cast<std::size_t>(values.innerStride()));
  }

  /// Adds one category. Throws profile_error (mlguard.profile.kind_mismatch)
  /// on a numeric profile with values.
  void update_category(std::string_view category);

  /// Adds `n` missing values (of either kind).
  void update_missing(std::uint64_t n = 1) noexcept;

  /// Adds a table column of either kind. Throws profile_error
  /// (mlguard.profile.kind_mismatch) when its kind differs from the profile's
  /// and the profile has present values.
  void update(const column& c);

  /// Folds `other` in (see the class comment). Throws profile_error:
  /// mlguard.profile.kind_mismatch for numeric vs categorical with values on
  /// both sides, mlguard.profile.incompatible_sketches for distinct-count
  /// sketches of different precision, mlguard.profile.count_overflow when
  /// the two count more than 2^64 - 1 values (only documents get there).
  void merge(const basic_feature_profile& other);

  // ---- results ------------------------------------------------------------

  /// numeric or categorical.
  column_kind kind() const noexcept { return kind_; }
  /// All values seen, missing included.
  std::uint64_t count() const noexcept { return count_; }
  /// Missing values (NaN, missing_code, update_missing).
  std::uint64_t missing_count() const noexcept { return missing_; }
  /// Values that are not missing.
  std::uint64_t present_count() const noexcept { return count_ - missing_; }
  /// ±infinity values (numeric).
  std::uint64_t non_finite_count() const noexcept { return non_finite_; }
  /// Finite values (numeric): what min, max, mean, variance and quantiles describe.
  std::uint64_t finite_count() const noexcept { return moments_.count(); }
  /// Finite values with a fractional part (0 for an integer-valued feature).
  std::uint64_t non_integer_count() const noexcept { return non_integer_; }
  /// missing_count() / count(), or nothing when count() is 0.
  std::optional<double> missing_fraction() const noexcept;

  /// The smallest finite value (exact), or nothing without finite values.
  std::optional<double> min() const noexcept;
  /// The largest finite value (exact), or nothing without finite values.
  std::optional<double> max() const noexcept;
  /// The mean of the finite values (always finite), or nothing without them.
  std::optional<double> mean() const noexcept;
  /// The population variance (ddof = 0, numpy.var's default), or nothing
  /// without finite values; +inf only when the true variance exceeds
  /// DBL_MAX (values near ±1e308), never NaN.
  std::optional<double> variance() const noexcept;
  /// The sample variance (ddof = 1, pandas' default), or nothing with fewer
  /// than two finite values; +inf as variance().
  std::optional<double> sample_variance() const noexcept;
  /// Count, mean and sum of squared deviations of the finite values.
  const moments& finite_moments() const noexcept { return moments_; }

  /// The approximate quantile at normalised rank `rank` (see
  /// sketch::kll_sketch::get_quantile), or nothing without finite values.
  /// Throws argument_error (mlguard.argument.invalid_rank) outside [0, 1].
  std::optional<double> quantile(double rank) const;
  /// The KLL sketch of the finite values.
  const sketch::kll_sketch<double>& quantiles() const noexcept { return quantiles_; }
  /// Category frequencies (categorical).
  const sketch::frequent_items<std::string>& frequencies() const noexcept { return frequencies_; }
  /// The distinct-count sketch.
  const sketch::distinct_count& distinct() const noexcept { return distinct_; }

  /// The number of distinct present values: exact for a categorical profile
  /// whose frequencies are exact, otherwise the HyperLogLog estimate.
  double distinct_estimate() const;

  // ---- persistence --------------------------------------------------------

  /// The profile as JSON: "kind", "count", "missing", then for numeric
  /// profiles "non_finite", "non_integer", "min", "max", "mean", "m2" (the
  /// sum of squared deviations; the last four only with finite values),
  /// "m2_exp2" only when m2 exceeds DBL_MAX (then m2 = "m2" × 2^"m2_exp2",
  /// see moments::parts) and "quantiles" (a sketch::kll_sketch document);
  /// for categorical ones "frequencies" (a sketch::frequent_items document);
  /// and "distinct" (a sketch::distinct_count document). Doubles go through
  /// json_number (shortest round-trip text), so a read-back profile is
  /// identical, and every value written is a finite number.
  json to_json() const;

  /// Reads what to_json wrote from the object `r` reads (errors name its
  /// source and path, e.g. `p.json: features.fare.quantiles.levels[2]: ...`);
  /// `options` size the sketches the document does not hold (the frequency
  /// table of a numeric feature, the quantile sketch of a categorical one).
  /// An m2 of "inf" (written before "m2_exp2" existed) reads as +inf.
  /// Throws format_error: mlguard.format.corrupt (missing or ill-typed
  /// fields, counts that do not add up, min > max, a bad sketch),
  /// mlguard.format.unknown_field, and the sketches' own format errors.
  static basic_feature_profile from_json(const json_reader& r, const profile_options& options = {});

  /// Reads what to_json wrote from `j`; `source` names the input in errors.
  /// Throws as from_json(json_reader).
  static basic_feature_profile from_json(const json& j,
                                         const std::string& source = "feature_profile",
                                         const profile_options& options = {});

  /// Structural equality (every count, statistic and sketch identical).
  friend bool operator==(const basic_feature_profile& a, const basic_feature_profile& b) {
    return a.kind_ == b.kind_ && a.count_ == b.count_ && a.missing_ == b.missing_ &&
           a.non_finite_ == b.non_finite_ && a.non_integer_ == b.non_integer_ &&
           a.moments_ == b.moments_ &&
           (a.moments_.count() == 0 || (a.min_ == b.min_ && a.max_ == b.max_)) &&
           a.quantiles_ == b.quantiles_ && a.frequencies_ == b.frequencies_ &&
           a.distinct_ == b.distinct_;
  }
  friend bool operator!=(const basic_feature_profile& a, const basic_feature_profile& b) {
    return !(a == b);
  }

private:
  bool has_values() const noexcept { return moments_.count() > 0; }

  void adopt_kind(column_kind kind);

  // Whether a finite value has a fractional part. Every double of magnitude
  // 2^52 or more is an integer; below, truncation through int64 is exact and
  // cheaper than std::floor (a library call without SSE4.1).
  static bool has_fraction(double x) noexcept;

  // The batch path: per block, finite values are gathered, then min, max and
  // two-pass moments are computed over the block (vectorisable, and more
  // accurate than Welford) and combined with Chan's formula.
  void update_numeric(const double* data, std::size_t size, std::size_t stride);

  column_kind kind_;
  std::uint64_t count_ = 0;
  std::uint64_t missing_ = 0;
  std::uint64_t non_finite_ = 0;
  std::uint64_t non_integer_ = 0;
  double min_ = 0.0;
  double max_ = 0.0;
  moments moments_;
  sketch::kll_sketch<double> quantiles_;
  sketch::frequent_items<std::string> frequencies_;
  sketch::distinct_count distinct_;
};

/// The type to name (a class template only so that its bodies compile where used).
using feature_profile = basic_feature_profile<>;

} // namespace mlguard::profile

#ifndef MLGUARD_COMPILED // the bodies: in the mlguard::compiled library when it is defined

namespace mlguard::profile {

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::of(const column& c, const profile_options& options)
    -> basic_feature_profile {
  basic_feature_profile p(c.kind(), options);
  p.update(c);
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update(double value) -> void {
  adopt_kind(column_kind::numeric);
  ++count_;
  if (std::isnan(value)) {
    ++missing_;
    return;
  }
  if (std::isinf(value)) {
    ++non_finite_;
    return;
  }
  if (moments_.count() == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  moments_.add(value);
  non_integer_ += has_fraction(value) ? 1 : 0;
  quantiles_.update(value);
  distinct_.update(value);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update(span<const double> values) -> void {
  adopt_kind(column_kind::numeric);
  update_numeric(values.data(), values.size(), 1);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update_category(std::string_view category) -> void {
  adopt_kind(column_kind::categorical);
  ++count_;
  frequencies_.update(std::string_view(category)); // one instantiation with the batch path
  distinct_.update(category);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update_missing(std::uint64_t n) noexcept -> void {
  count_ += n;
  missing_ += n;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update(const column& c) -> void {
  if (c.kind() != kind_ && present_count() > 0 && c.missing_count() == c.size()) {
    update_missing(c.size()); // an all-missing column says nothing about the kind
    return;
  }
  if (c.is_numeric()) {
    update(span<const double>(c.values()));
    return;
  }
  adopt_kind(column_kind::categorical);
  const auto& names = c.vocab().names();
  std::vector<std::uint64_t> counts(names.size(), 0);
  std::uint64_t missing = 0;
  for (const auto code : c.codes()) {
    if (code < 0) {
      ++missing;
    } else {
      ++counts[static_cast<std::size_t>(code)];
    }
  }
  count_ += c.size();
  missing_ += missing;
  for (std::size_t code = 0; code < counts.size(); ++code) {
    if (counts[code] > 0) {
      frequencies_.update(std::string_view(names[code]), counts[code]);
      distinct_.update(std::string_view(names[code]));
    }
  }
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::merge(const basic_feature_profile& other) -> void {
  if (&other == this) {
    const basic_feature_profile copy(other);
    merge(copy);
    return;
  }
  // Checked first, so nothing changes: every other count (and the sketches')
  // is at most count_.
  if (other.count_ > std::numeric_limits<std::uint64_t>::max() - count_) {
    sketch::detail::throw_count_overflow("feature_profile", "2^64 - 1 values");
  }
  if (other.present_count() > 0) {
    adopt_kind(other.kind_);
  }
  distinct_.merge(other.distinct_);
  count_ += other.count_;
  missing_ += other.missing_;
  non_finite_ += other.non_finite_;
  non_integer_ += other.non_integer_;
  if (other.moments_.count() > 0) {
    if (moments_.count() == 0) {
      min_ = other.min_;
      max_ = other.max_;
    } else {
      min_ = std::min(min_, other.min_);
      max_ = std::max(max_, other.max_);
    }
  }
  moments_.merge(other.moments_);
  quantiles_.merge(other.quantiles_);
  frequencies_.merge(other.frequencies_);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::missing_fraction() const noexcept
    -> std::optional<double> {
  if (count_ == 0) {
    return std::nullopt;
  }
  return static_cast<double>(missing_) / static_cast<double>(count_);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::min() const noexcept -> std::optional<double> {
  return has_values() ? std::optional(min_) : std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::max() const noexcept -> std::optional<double> {
  return has_values() ? std::optional(max_) : std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::mean() const noexcept -> std::optional<double> {
  return has_values() ? std::optional(moments_.mean()) : std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::variance() const noexcept -> std::optional<double> {
  return has_values() ? std::optional(moments_.variance(0)) : std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::sample_variance() const noexcept
    -> std::optional<double> {
  return moments_.count() > 1 ? std::optional(moments_.variance(1)) : std::nullopt;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::quantile(double rank) const -> std::optional<double> {
  if (!has_values()) {
    return std::nullopt;
  }
  return quantiles_.get_quantile(rank);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::distinct_estimate() const -> double {
  if (kind_ == column_kind::categorical && frequencies_.is_exact()) {
    return static_cast<double>(frequencies_.size());
  }
  return distinct_.estimate();
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::to_json() const -> json {
  json j = json::object();
  j["kind"] = to_string(kind_);
  j["count"] = count_;
  j["missing"] = missing_;
  if (kind_ == column_kind::numeric) {
    j["non_finite"] = non_finite_;
    j["non_integer"] = non_integer_;
    if (has_values()) {
      j["min"] = json_number(min_);
      j["max"] = json_number(max_);
      j["mean"] = json_number(moments_.mean());
      const m2_parts m2 = moments_.parts();
      j["m2"] = json_number(m2.significand); // "inf" only for an older document's m2
      if (m2.exponent != 0) {
        j["m2_exp2"] = m2.exponent;
      }
    }
    j["quantiles"] = quantiles_.to_json();
  } else {
    j["frequencies"] = frequencies_.to_json();
  }
  j["distinct"] = distinct_.to_json();
  return j;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::from_json(const json_reader& r,
                                                        const profile_options& options)
    -> basic_feature_profile {
  const std::string& kind = r.text("kind");
  const bool numeric = kind == "numeric";
  if (!numeric && kind != "categorical") {
    r.fail("kind", "expected \"numeric\" or \"categorical\"");
  }
  if (numeric) {
    r.allow_fields({"kind", "count", "missing", "non_finite", "non_integer", "min", "max", "mean",
                    "m2", "m2_exp2", "quantiles", "distinct"});
  } else {
    r.allow_fields({"kind", "count", "missing", "frequencies", "distinct"});
  }
  const auto sub = [&r](const char* field) {
    return r.path().empty() ? std::string(field) : r.path() + "." + field;
  };
  basic_feature_profile p(numeric ? column_kind::numeric : column_kind::categorical, options);
  p.count_ = r.count("count");
  p.missing_ = r.count("missing");
  if (p.missing_ > p.count_) {
    r.fail("missing", "more missing values than values");
  }
  p.distinct_ = sketch::distinct_count::from_json(r.at("distinct"), r.source(), sub("distinct"));
  if (!numeric) {
    p.frequencies_ = sketch::frequent_items<std::string>::from_json(r.at("frequencies"), r.source(),
                                                                    sub("frequencies"));
    if (p.frequencies_.total_weight() != p.count_ - p.missing_) {
      r.fail("frequencies", "the total weight differs from the present count");
    }
    return p;
  }
  p.non_finite_ = r.count("non_finite");
  p.non_integer_ = r.count("non_integer");
  p.quantiles_ =
      sketch::kll_sketch<double>::from_json(r.at("quantiles"), r.source(), sub("quantiles"));
  const std::uint64_t finite = p.quantiles_.n();
  if (p.non_finite_ > p.count_ - p.missing_ || finite != p.count_ - p.missing_ - p.non_finite_ ||
      p.non_integer_ > finite) {
    r.fail("the counts do not add up (count = missing + non_finite + the quantile sketch's n, "
           "non_integer <= n)");
  }
  if (finite == 0) {
    for (const char* field : {"min", "max", "mean", "m2", "m2_exp2"}) {
      if (r.has(field)) {
        r.fail(field, "a profile without finite values has no min, max, mean or m2");
      }
    }
    return p;
  }
  p.min_ = r.finite("min");
  p.max_ = r.finite("max");
  const double mean = r.finite("mean");
  const double m2 = r.number("m2");
  if (!(m2 >= 0.0)) {
    r.fail("m2", "expected a non-negative number");
  }
  int m2_exp2 = 0;
  if (r.has("m2_exp2")) {
    // m2 × 2^m2_exp2 with m2 in [2^1023, 2^1024); the m2 of 2^64 values
    // of magnitude ≤ DBL_MAX is below 2^2115.
    m2_exp2 = static_cast<int>(r.integer("m2_exp2", 1, 1100));
    if (!std::isfinite(m2)) {
      r.fail("m2", "an m2 with m2_exp2 must be a finite number");
    }
  }
  p.moments_ = moments::from_parts(finite, mean, m2, m2_exp2,
                                   std::max(std::fabs(p.min_), std::fabs(p.max_)));
  if (p.min_ > p.max_) {
    r.fail("min", "greater than max");
  }
  if (p.min_ != p.quantiles_.min() || p.max_ != p.quantiles_.max()) {
    r.fail("min and max differ from the quantile sketch's");
  }
  return p;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::from_json(const json& j, const std::string& source,
                                                        const profile_options& options)
    -> basic_feature_profile {
  return from_json(json_reader(j, source), options);
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::adopt_kind(column_kind kind) -> void {
  if (kind == kind_) {
    return;
  }
  if (present_count() > 0) {
    throw profile_error("kind_mismatch", std::string("cannot add ") + to_string(kind) +
                                             " values to a " + to_string(kind_) +
                                             " feature profile");
  }
  kind_ = kind; // only missing values so far: nothing else to convert
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::has_fraction(double x) noexcept -> bool {
  constexpr double two52 = 4503599627370496.0;
  return std::fabs(x) < two52 && static_cast<double>(static_cast<std::int64_t>(x)) != x;
}

template <class V>
MLGUARD_INLINE auto basic_feature_profile<V>::update_numeric(const double* data, std::size_t size,
                                                             std::size_t stride) -> void {
  constexpr std::size_t block = 1024;
  double finite[block];
  for (std::size_t start = 0; start < size; start += block) {
    const std::size_t len = std::min(block, size - start);
    const double* in = data + start * stride;
    std::size_t nf = 0;
    std::uint64_t nan = 0;
    for (std::size_t i = 0; i < len; ++i) {
      const double x = in[i * stride];
      finite[nf] = x;
      nf += std::isfinite(x) ? 1 : 0;
      nan += std::isnan(x) ? 1 : 0;
    }
    count_ += len;
    missing_ += nan;
    non_finite_ += len - nf - nan;
    if (nf == 0) {
      continue;
    }
    double lo = finite[0];
    double hi = finite[0];
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    std::size_t i = 0;
    for (; i + 4 <= nf; i += 4) {
      for (std::size_t l = 0; l < 4; ++l) {
        const double x = finite[i + l];
        s[l] += x;
        lo = x < lo ? x : lo;
        hi = x > hi ? x : hi;
      }
    }
    for (; i < nf; ++i) {
      s[0] += finite[i];
      lo = finite[i] < lo ? finite[i] : lo;
      hi = finite[i] > hi ? finite[i] : hi;
    }
    // Values beyond ±2^476 are summed scaled by 2^-e (exact), so neither
    // the sum nor a squared deviation can overflow; e = 0 otherwise.
    const int e = moments::exponent_for(std::max(-lo, hi));
    const double scale = std::ldexp(1.0, -e);
    if (e != 0) {
      s[0] = s[1] = s[2] = s[3] = 0.0;
      for (i = 0; i + 4 <= nf; i += 4) {
        for (std::size_t l = 0; l < 4; ++l) {
          s[l] += finite[i + l] * scale;
        }
      }
      for (; i < nf; ++i) {
        s[0] += finite[i] * scale;
      }
    }
    const double mean = ((s[0] + s[1]) + (s[2] + s[3])) / static_cast<double>(nf);
    double q[4] = {0.0, 0.0, 0.0, 0.0};
    double c[4] = {0.0, 0.0, 0.0, 0.0}; // compensation: sum of deviations
    std::uint64_t fractional = 0;
    for (i = 0; i + 4 <= nf; i += 4) {
      for (std::size_t l = 0; l < 4; ++l) {
        const double d = finite[i + l] * scale - mean;
        q[l] += d * d;
        c[l] += d;
      }
    }
    for (; i < nf; ++i) {
      const double d = finite[i] * scale - mean;
      q[0] += d * d;
      c[0] += d;
    }
    for (i = 0; i < nf; ++i) {
      fractional += has_fraction(finite[i]) ? 1 : 0;
    }
    // Corrected two-pass (Chan, Golub & LeVeque 1983): subtract the
    // rounding error of the mean.
    const double dev = (c[0] + c[1]) + (c[2] + c[3]);
    const double squares = (q[0] + q[1]) + (q[2] + q[3]);
    const double m2 = std::max(squares - dev * dev / static_cast<double>(nf), 0.0);
    if (moments_.count() == 0) {
      min_ = lo;
      max_ = hi;
    } else {
      min_ = std::min(min_, lo);
      max_ = std::max(max_, hi);
    }
    moments_.merge(moments::from_scaled(nf, mean, m2, e));
    non_integer_ += fractional;
    quantiles_.update(span<const double>(finite, nf));
    for (i = 0; i < nf; ++i) {
      distinct_.update_hash(sketch::detail::hash_double(finite[i]));
    }
  }
}

} // namespace mlguard::profile

#endif // MLGUARD_COMPILED
#endif // MLGUARD_PROFILE_FEATURE_PROFILE_HPP

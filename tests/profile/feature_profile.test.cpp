#include "mlguard/profile/feature_profile.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::profile;

namespace {

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

bool close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

// Exact moments of the finite values, in long double.
void exact_moments(const std::vector<double>& v, double& mean, double& var) {
  long double sum = 0;
  std::size_t n = 0;
  for (const double x : v) {
    if (std::isfinite(x)) {
      sum += x;
      ++n;
    }
  }
  const long double m = sum / static_cast<long double>(n);
  long double ss = 0;
  for (const double x : v) {
    if (std::isfinite(x)) {
      ss += (x - m) * (x - m);
    }
  }
  mean = static_cast<double>(m);
  var = static_cast<double>(ss / static_cast<long double>(n));
}

std::vector<double> messy_sample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> lognormal(3.0, 1.0);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> v(n);
  for (auto& x : v) {
    const double r = u(gen);
    x = r < 0.02 ? nan_value : (r < 0.025 ? (r < 0.0225 ? inf_value : -inf_value) : lognormal(gen));
    if (r > 0.9) {
      x = std::round(x); // some integers
    }
  }
  return v;
}

// Max distance between requested ranks and the exact rank interval of the
// profile's quantiles, over 99 ranks.
double quantile_rank_error(const feature_profile& p, std::vector<double> finite) {
  std::sort(finite.begin(), finite.end());
  const double n = static_cast<double>(finite.size());
  double worst = 0;
  for (int i = 1; i < 100; ++i) {
    const double r = i / 100.0;
    const double q = *p.quantile(r);
    const double lo =
        static_cast<double>(std::lower_bound(finite.begin(), finite.end(), q) - finite.begin()) / n;
    const double hi =
        static_cast<double>(std::upper_bound(finite.begin(), finite.end(), q) - finite.begin()) / n;
    worst = std::max(worst, r < lo ? lo - r : (r > hi ? r - hi : 0.0));
  }
  return worst;
}

} // namespace

TEST_CASE("feature_profile: numeric counts, extremes, moments and quantiles") {
  const auto values = messy_sample(100000, 1);
  const auto p = feature_profile::of(column::numeric("x", values));
  std::uint64_t missing = 0;
  std::uint64_t non_finite = 0;
  std::uint64_t non_integer = 0;
  std::vector<double> finite;
  for (const double x : values) {
    missing += std::isnan(x);
    non_finite += std::isinf(x);
    if (std::isfinite(x)) {
      finite.push_back(x);
      non_integer += std::floor(x) != x;
    }
  }
  CHECK(p.kind() == column_kind::numeric);
  CHECK(p.count() == values.size());
  CHECK(p.missing_count() == missing);
  CHECK(p.non_finite_count() == non_finite);
  CHECK(p.finite_count() == finite.size());
  CHECK(p.non_integer_count() == non_integer);
  CHECK(*p.missing_fraction() == doctest::Approx(static_cast<double>(missing) / 1e5));
  CHECK(*p.min() == *std::min_element(finite.begin(), finite.end()));
  CHECK(*p.max() == *std::max_element(finite.begin(), finite.end()));
  double mean = 0;
  double var = 0;
  exact_moments(values, mean, var);
  CHECK(close(*p.mean(), mean, 1e-13));
  CHECK(close(*p.variance(), var, 1e-13));
  const auto nf = static_cast<double>(finite.size());
  CHECK(close(*p.sample_variance(), var * nf / (nf - 1.0), 1e-13));
  CHECK(quantile_rank_error(p, finite) <= p.quantiles().normalized_rank_error());
  auto unique = finite;
  std::sort(unique.begin(), unique.end());
  const auto distinct =
      static_cast<double>(std::unique(unique.begin(), unique.end()) - unique.begin());
  CHECK(std::abs(p.distinct_estimate() / distinct - 1) <
        4 * p.distinct().relative_standard_error());
}

TEST_CASE("feature_profile: an empty or all-missing profile says it has no statistics") {
  feature_profile p;
  CHECK_FALSE(p.min().has_value());
  CHECK_FALSE(p.mean().has_value());
  CHECK_FALSE(p.variance().has_value());
  CHECK_FALSE(p.quantile(0.5).has_value());
  CHECK_FALSE(p.missing_fraction().has_value());
  p.update(nan_value);
  p.update(inf_value);
  CHECK(p.count() == 2);
  CHECK(p.missing_count() == 1);
  CHECK(p.non_finite_count() == 1);
  CHECK_FALSE(p.max().has_value());
  p.update(3.0);
  CHECK_FALSE(p.sample_variance().has_value());
  CHECK(*p.variance() == 0.0);
}

TEST_CASE("feature_profile: stream, span, Eigen column and strided column agree") {
  const auto values = messy_sample(20000, 2);
  feature_profile stream;
  for (const double x : values) {
    stream.update(x);
  }
  feature_profile batch;
  batch.update(span<const double>(values));

  Eigen::MatrixXd col_major(static_cast<Eigen::Index>(values.size()), 3);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(
      static_cast<Eigen::Index>(values.size()), 3);
  for (std::size_t i = 0; i < values.size(); ++i) {
    col_major(static_cast<Eigen::Index>(i), 1) = values[i];
    row_major(static_cast<Eigen::Index>(i), 1) = values[i];
  }
  feature_profile from_col;
  from_col.update(col_major.col(1));
  feature_profile from_row;
  from_row.update(row_major.col(1));

  CHECK(batch == from_col);
  CHECK(batch == from_row);
  // The stream uses Welford, the batch blocked two-pass sums: equal up to rounding.
  CHECK(stream.count() == batch.count());
  CHECK(stream.missing_count() == batch.missing_count());
  CHECK(stream.non_finite_count() == batch.non_finite_count());
  CHECK(stream.non_integer_count() == batch.non_integer_count());
  CHECK(*stream.min() == *batch.min());
  CHECK(*stream.max() == *batch.max());
  CHECK(close(*stream.mean(), *batch.mean(), 1e-12));
  CHECK(close(*stream.variance(), *batch.variance(), 1e-12));
  CHECK(stream.quantiles() == batch.quantiles());
  CHECK(stream.distinct() == batch.distinct());
}

TEST_CASE("feature_profile: categorical frequencies, exact under the cap") {
  vocabulary vocab({"a", "b", "c"});
  const auto c = column::categorical("cat", {0, 1, 1, missing_code, 2, 2, 2}, vocab);
  const auto p = feature_profile::of(c);
  CHECK(p.kind() == column_kind::categorical);
  CHECK(p.count() == 7);
  CHECK(p.missing_count() == 1);
  CHECK(p.frequencies().is_exact());
  CHECK(p.frequencies().estimate("c") == 3);
  CHECK(p.frequencies().estimate("b") == 2);
  CHECK(p.distinct_estimate() == 3.0);
  CHECK_FALSE(p.mean().has_value());

  feature_profile stream(column_kind::categorical);
  for (const char* s : {"a", "b", "b", "c", "c", "c"}) {
    stream.update_category(s);
  }
  stream.update_missing();
  CHECK(stream.frequencies() == p.frequencies());
  CHECK(stream.count() == p.count());
  CHECK(stream.distinct() == p.distinct());
}

TEST_CASE("feature_profile: kind conflicts") {
  feature_profile numeric;
  numeric.update(1.0);
  MLGUARD_CHECK_THROWS_ID(numeric.update_category("x"), "mlguard.profile.kind_mismatch");
  feature_profile categorical(column_kind::categorical);
  categorical.update_category("x");
  MLGUARD_CHECK_THROWS_ID(categorical.update(1.0), "mlguard.profile.kind_mismatch");
  MLGUARD_CHECK_THROWS_ID(numeric.merge(categorical), "mlguard.profile.kind_mismatch");

  // Only missing values so far: the first present value decides.
  feature_profile undecided;
  undecided.update(nan_value);
  undecided.update_category("x");
  CHECK(undecided.kind() == column_kind::categorical);
  CHECK(undecided.count() == 2);
  // An all-missing numeric column adds missing values to a categorical profile.
  categorical.update(column::numeric("x", {nan_value, nan_value}));
  CHECK(categorical.missing_count() == 2);
  feature_profile all_missing;
  all_missing.update_missing(5);
  categorical.merge(all_missing);
  CHECK(categorical.count() == 8);
  CHECK(categorical.kind() == column_kind::categorical);
}

TEST_CASE("feature_profile: random splits into 2..16 parts merged in random order") {
  const auto values = messy_sample(200000, 3);
  const auto whole = feature_profile::of(column::numeric("x", values));
  std::vector<double> finite;
  for (const double x : values) {
    if (std::isfinite(x)) {
      finite.push_back(x);
    }
  }
  std::mt19937_64 gen(4);
  for (int trial = 0; trial < 8; ++trial) {
    const std::size_t parts = 2 + static_cast<std::size_t>(gen() % 15);
    std::vector<std::size_t> cuts{0, values.size()};
    for (std::size_t i = 1; i < parts; ++i) {
      cuts.push_back(static_cast<std::size_t>(gen() % values.size()));
    }
    std::sort(cuts.begin(), cuts.end());
    std::vector<feature_profile> profiles;
    for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
      profiles.emplace_back();
      profiles.back().update(span<const double>(values.data() + cuts[i], cuts[i + 1] - cuts[i]));
    }
    std::shuffle(profiles.begin(), profiles.end(), gen);
    // Random association: repeatedly merge two random profiles.
    while (profiles.size() > 1) {
      const std::size_t a = static_cast<std::size_t>(gen() % profiles.size());
      std::size_t b = static_cast<std::size_t>(gen() % (profiles.size() - 1));
      b += b >= a ? 1 : 0;
      profiles[a].merge(profiles[b]);
      profiles.erase(profiles.begin() + static_cast<std::ptrdiff_t>(b));
    }
    const auto& merged = profiles.front();
    CAPTURE(parts);
    CHECK(merged.count() == whole.count());
    CHECK(merged.missing_count() == whole.missing_count());
    CHECK(merged.non_finite_count() == whole.non_finite_count());
    CHECK(merged.finite_count() == whole.finite_count());
    CHECK(merged.non_integer_count() == whole.non_integer_count());
    CHECK(*merged.min() == *whole.min());
    CHECK(*merged.max() == *whole.max());
    CHECK(close(*merged.mean(), *whole.mean(), 1e-12));
    CHECK(close(*merged.variance(), *whole.variance(), 1e-12));
    CHECK(merged.distinct() == whole.distinct());
    CHECK(quantile_rank_error(merged, finite) <= merged.quantiles().normalized_rank_error());
  }
}

TEST_CASE("feature_profile: merge is commutative and associative") {
  const auto a = feature_profile::of(column::numeric("x", messy_sample(5000, 5)));
  const auto b = feature_profile::of(column::numeric("x", messy_sample(7000, 6)));
  const auto c = feature_profile::of(column::numeric("x", messy_sample(3000, 7)));
  auto ab = a;
  ab.merge(b);
  auto ba = b;
  ba.merge(a);
  auto ab_c = ab;
  ab_c.merge(c);
  auto bc = b;
  bc.merge(c);
  auto a_bc = a;
  a_bc.merge(bc);
  for (const auto* pair : {&ba, &a_bc}) {
    const auto& x = *pair;
    const auto& y = pair == &ba ? ab : ab_c;
    CHECK(x.count() == y.count());
    CHECK(x.missing_count() == y.missing_count());
    CHECK(*x.min() == *y.min());
    CHECK(*x.max() == *y.max());
    CHECK(close(*x.mean(), *y.mean(), 1e-12));
    CHECK(close(*x.variance(), *y.variance(), 1e-12));
    CHECK(x.distinct() == y.distinct());
    CHECK(x.quantiles().n() == y.quantiles().n());
  }
  // Below the sketches' capacities nothing is approximate: merges are exact.
  const auto small_a = feature_profile::of(column::numeric("x", {1, 2, 3}));
  const auto small_b = feature_profile::of(column::numeric("x", {4, 5}));
  auto s_ab = small_a;
  s_ab.merge(small_b);
  CHECK(*s_ab.quantile(0.5) == 3.0);
  CHECK(*s_ab.mean() == 3.0);
  CHECK(*s_ab.variance() == doctest::Approx(2.0));
}

TEST_CASE("feature_profile: JSON round trip and bad documents") {
  const auto p = feature_profile::of(column::numeric("x", messy_sample(30000, 8)));
  const auto text = p.to_json().dump();
  const auto back = feature_profile::from_json(parse_json(text, "f.json"), "f.json");
  CHECK(back == p);
  CHECK(back.to_json().dump() == text);

  const auto cat = feature_profile::of(
      column::categorical("c", {0, 1, 0, missing_code}, vocabulary({"x", "y"})));
  CHECK(feature_profile::from_json(cat.to_json()) == cat);

  auto j = p.to_json();
  j["count"] = j["count"].get<std::uint64_t>() + 1;
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  j = p.to_json();
  j["mean"] = "high";
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  j = p.to_json();
  j["min"] = 1e300;
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  j = p.to_json();
  j["kind"] = "boolean";
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  j = p.to_json();
  j["frequencies"] = cat.to_json()["frequencies"];
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.unknown_field");
  j = p.to_json();
  j["quantiles"]["format_version"] = 9;
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.newer_version");
  j = p.to_json();
  j.erase("distinct");
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(json(42)), "mlguard.format.corrupt");
}

TEST_CASE("feature_profile: values near ±DBL_MAX keep a finite mean and round-trip through JSON") {
  // The sum of such values overflows, and so does any squared deviation:
  // the mean stays the finite mean of the values; m2 (≈ 1.4e617) is kept
  // exactly and written as "m2" × 2^"m2_exp2"; the variance (≈ 2e616) is
  // +inf; what is written reads back identical.
  const double big = 1.7e308;
  const std::vector<double> values{big, -big, 1e308, -1e308, big, 0.5};
  feature_profile streamed;
  for (const double v : values) {
    streamed.update(v);
  }
  const auto batched = feature_profile::of(column::numeric("x", values));
  for (const feature_profile* p : {&std::as_const(streamed), &batched}) {
    REQUIRE(p->mean().has_value());
    CHECK(std::isfinite(*p->mean()));
    CHECK(*p->mean() == doctest::Approx(big / 6.0 + 0.5 / 6.0).epsilon(1e-12));
    CHECK(std::isinf(*p->variance()));
    const auto j = p->to_json();
    CHECK(j["mean"].is_number());
    CHECK(j["m2"].is_number());
    REQUIRE(j.contains("m2_exp2"));
    CHECK(j["m2_exp2"].get<int>() > 0);
    const auto back = feature_profile::from_json(parse_json(j.dump(), "f.json"), "f.json");
    CHECK(back == *p);
    // Profiles written before m2_exp2 held "m2": "inf": still read, as +inf.
    auto older = j;
    older["m2"] = "inf";
    older.erase("m2_exp2");
    const auto old = feature_profile::from_json(older);
    CHECK(std::isinf(*old.variance()));
    CHECK(*old.mean() == *p->mean());
    CHECK(old.to_json() == older);
  }
  // Merging two such profiles: the means' difference overflows too.
  auto merged = feature_profile::of(column::numeric("x", {big, big}));
  merged.merge(feature_profile::of(column::numeric("x", {-big, -big, -big})));
  CHECK(*merged.mean() == doctest::Approx(-big / 5.0).epsilon(1e-12));
  CHECK(feature_profile::from_json(merged.to_json()) == merged);
}

namespace profile_extremes {

// m2 as the JSON holds it: "m2" × 2^"m2_exp2", scaled by 2^-shift so that
// profiles of one data set compare in one unit.
double written_m2(const json& j, int shift) {
  const int exponent = j.contains("m2_exp2") ? j["m2_exp2"].get<int>() : 0;
  return std::ldexp(j["m2"].get<double>(), exponent - shift);
}

// n values of random sign and magnitude 10^u, u uniform in [-308, 308].
std::vector<double> magnitude_mix(std::mt19937_64& gen, std::size_t n) {
  std::uniform_real_distribution<double> exponent(-308.0, 308.0);
  std::vector<double> v(n);
  for (auto& x : v) {
    x = std::min(std::pow(10.0, exponent(gen)), std::numeric_limits<double>::max());
    x = (gen() & 1U) != 0 ? -x : x;
  }
  return v;
}

} // namespace profile_extremes

TEST_CASE("feature_profile: random mixes of magnitudes 1e-308..1e308 keep finite, exact, "
          "round-tripping moments (issue 16)") {
  // Property test, fixed seed: for random mixes of both signs, the mean is
  // finite; the JSON holds numbers only; the variance is the written m2 / n
  // (+inf only when that exceeds DBL_MAX); save → load is identical; the
  // streamed, batched and merged profiles agree.
  std::mt19937_64 gen(16);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t n = 2 + gen() % 300;
    const auto values = profile_extremes::magnitude_mix(gen, n);
    CAPTURE(trial);
    const auto whole = feature_profile::of(column::numeric("x", values));
    feature_profile streamed;
    for (const double v : values) {
      streamed.update(v);
    }
    const std::size_t cut = gen() % n;
    auto merged = feature_profile::of(column::numeric(
        "x",
        std::vector<double>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(cut))));
    merged.merge(feature_profile::of(
        column::numeric("x", std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(cut),
                                                 values.end()))));

    double max_abs = 0.0;
    for (const double v : values) {
      max_abs = std::max(max_abs, std::fabs(v));
    }
    const int shift = 2 * std::ilogb(max_abs); // m2 ≤ n · max_abs²
    const json reference = whole.to_json();
    for (const feature_profile* p : {&whole, &std::as_const(streamed), &std::as_const(merged)}) {
      REQUIRE(p->mean().has_value());
      CHECK(std::isfinite(*p->mean()));
      CHECK(std::abs(*p->mean() - *whole.mean()) <= 1e-13 * max_abs);
      const json j = p->to_json();
      REQUIRE(j["mean"].is_number());
      REQUIRE(j["m2"].is_number());
      const double m2 = profile_extremes::written_m2(j, shift);
      CHECK(std::abs(m2 - profile_extremes::written_m2(reference, shift)) <=
            1e-12 * static_cast<double>(n));
      const double expected_variance =
          std::ldexp(j["m2"].get<double>() / static_cast<double>(n),
                     j.contains("m2_exp2") ? j["m2_exp2"].get<int>() : 0);
      CHECK(*p->variance() == expected_variance);
      const auto back = feature_profile::from_json(parse_json(j.dump(), "x.json"), "x.json");
      CHECK(back == *p);
      CHECK(back.to_json() == j);
    }
  }
}

TEST_CASE("feature_profile: load errors name the source and the field path") {
  const auto p = feature_profile::of(column::numeric("x", {1.0, 2.0, 3.0}));
  auto j = p.to_json();
  j["quantiles"]["levels"][0][1] = "two";
  try {
    (void)feature_profile::from_json(j, "f.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(e.id() == "mlguard.format.corrupt");
    CHECK(std::string(e.message()).rfind("f.json: quantiles.levels[0][1]: ", 0) == 0);
  }
  j = p.to_json();
  j["m2"] = -1.0;
  try {
    (void)feature_profile::from_json(j, "f.json");
    FAIL("expected a format error");
  } catch (const format_error& e) {
    CHECK(std::string(e.message()).rfind("f.json: m2: ", 0) == 0);
  }
  // NaN (null) is neither a mean nor an m2.
  j = p.to_json();
  j["mean"] = nullptr;
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
  j = p.to_json();
  j["m2"] = nullptr;
  MLGUARD_CHECK_THROWS_ID(feature_profile::from_json(j), "mlguard.format.corrupt");
}

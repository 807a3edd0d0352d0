#include "mlguard/validate/skew.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/core/json.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;
using namespace mlguard::profile;

namespace {

feature_profile numeric_profile(const json& values, std::uint64_t infinities) {
  feature_profile p(column_kind::numeric);
  for (const auto& v : values) {
    p.update(v.get<double>());
  }
  for (std::uint64_t i = 0; i < infinities; ++i) {
    p.update(i % 2 == 0 ? std::numeric_limits<double>::infinity()
                        : -std::numeric_limits<double>::infinity());
  }
  return p;
}

std::map<std::string, double> counts(const json& values) {
  std::map<std::string, double> out;
  for (const auto& v : values) {
    out[v.get<std::string>()] += 1.0;
  }
  return out;
}

} // namespace

// Reference: tests/reference/gen_validate_skew.py — scipy 1.10.1
// jensenshannon(p, q, base=2)**2 on histograms aligned as TFDV's metrics.cc does.
TEST_CASE("Jensen-Shannon between numeric profiles matches TFDV's histogram method (scipy)") {
  const auto doc = parse_json(test::read_file(test::fixture_path("reference/validate_skew.json")),
                              "validate_skew.json");
  for (const auto& c : doc["numeric"]) {
    CAPTURE(c["name"].get<std::string>());
    CAPTURE(c["buckets"].get<int>());
    const auto a = numeric_profile(c["a"], c["a_inf"].get<std::uint64_t>());
    const auto b = numeric_profile(c["b"], c["b_inf"].get<std::uint64_t>());
    const auto js = jensen_shannon_divergence(a, b, c["buckets"].get<std::size_t>());
    REQUIRE(js.has_value());
    CHECK(*js == doctest::Approx(c["jensen_shannon"].get<double>()).epsilon(1e-12));
    const auto back = jensen_shannon_divergence(b, a, c["buckets"].get<std::size_t>());
    CHECK(*back == doctest::Approx(*js).epsilon(1e-12)); // symmetric
  }
}

TEST_CASE("categorical comparators match numpy/scipy") {
  const auto doc = parse_json(test::read_file(test::fixture_path("reference/validate_skew.json")),
                              "validate_skew.json");
  for (const auto& c : doc["categorical"]) {
    CAPTURE(c["name"].get<std::string>());
    const auto a = counts(c["a"]);
    const auto b = counts(c["b"]);
    CHECK(l_infinity_distance(a, b)->first ==
          doctest::Approx(c["l_infinity"].get<double>()).epsilon(1e-12));
    CHECK(normalized_abs_difference(a, b)->first ==
          doctest::Approx(c["normalized_abs_difference"].get<double>()).epsilon(1e-12));
    CHECK(*jensen_shannon_divergence(a, b) ==
          doctest::Approx(c["jensen_shannon"].get<double>()).epsilon(1e-12));
  }
}

TEST_CASE("compare_profiles: thresholds from the schema, unseen share, skipped features") {
  const auto doc = parse_json(test::read_file(test::fixture_path("reference/validate_skew.json")),
                              "validate_skew.json");
  const auto& c = doc["categorical"][1]; // "unseen categories"
  REQUIRE(c["name"] == "unseen categories");
  table train;
  table serve;
  auto add_cat = [](table& t, const json& values) {
    vocabulary v;
    std::vector<std::int32_t> codes;
    for (const auto& x : values) {
      codes.push_back(v.add(x.get<std::string>()));
    }
    t.add(column::categorical("c", codes, v));
  };
  add_cat(train, c["a"]);
  add_cat(serve, c["b"]);
  feature_spec f;
  f.name = "c";
  f.kind = feature_kind::categorical;
  f.skew.l_infinity = 0.5;
  f.skew.unseen_share = 0.1;
  feature_spec g;
  g.name = "missing_everywhere";
  const schema s({f, g});
  const auto r = compare_profiles(s, dataset_profile::of(train), dataset_profile::of(serve));
  REQUIRE(r.size() == 2);
  REQUIRE(r[0].measurements.size() == 4);
  const auto& linf = r[0].measurements[0];
  CHECK(linf.comparator == "l_infinity");
  CHECK(linf.value == doctest::Approx(c["l_infinity"].get<double>()));
  CHECK_FALSE(linf.anomalous); // 0.21 ≤ 0.5
  const auto& unseen = r[0].measurements[3];
  CHECK(unseen.comparator == "unseen_share");
  CHECK(unseen.value == doctest::Approx(c["unseen_share"].get<double>()));
  CHECK(unseen.anomalous);
  CHECK(unseen.kind == anomaly_kind::comparator_unseen_categories_high);
  CHECK(r[1].skipped.has_value());

  table numeric_serve;
  numeric_serve.add(column::numeric("c", {1.0, 2.0}));
  const auto mixed =
      compare_profiles(s, dataset_profile::of(train), dataset_profile::of(numeric_serve));
  REQUIRE(mixed[0].skipped.has_value());
  CHECK(*mixed[0].skipped == "categorical in training, numeric in serving");
}

TEST_CASE("Jensen-Shannon at ±1e308: identical samples give 0, shifted ones a finite value") {
  // Regression (issue 16): max - min overflowed for values spanning more
  // than DBL_MAX, the histogram edges became NaN, and the feature was
  // skipped as having "no finite values on one side".
  const double top = std::numeric_limits<double>::max();
  const json wide = json::array({1e308, -1e308, 3.0, 4.0, 5.0, 2.5e307});
  const json extreme = json::array({top, -top, 0.0, 1.0, 2.0});
  for (const auto* values : {&wide, &extreme}) {
    const auto p = numeric_profile(*values, 0);
    const auto same = jensen_shannon_divergence(p, p, 10);
    REQUIRE(same.has_value());
    CHECK(*same == 0.0);
    for (const std::size_t buckets : {std::size_t{1}, std::size_t{3}, std::size_t{10}}) {
      CAPTURE(buckets);
      const auto shifted = numeric_profile(json::array({-1e308, 0.0, 1.0, 2e307}), 0);
      const auto d = jensen_shannon_divergence(p, shifted, buckets);
      REQUIRE(d.has_value());
      CHECK(std::isfinite(*d));
      CHECK(*d >= 0.0);
      CHECK(*d <= 1.0);
    }
  }
  // Through compare_profiles, as validate --reference-profile uses it.
  table t;
  t.add(column::numeric("x", {1e308, -1e308, 3.0, 4.0}));
  feature_spec x;
  x.name = "x";
  x.skew.jensen_shannon = 0.1;
  const schema s({x});
  const auto skew = compare_profiles(s, dataset_profile::of(t), t);
  REQUIRE(skew.size() == 1);
  CHECK_FALSE(skew[0].skipped.has_value());
  REQUIRE(skew[0].measurements.size() == 1);
  CHECK(skew[0].measurements[0].value == 0.0);
  CHECK_FALSE(skew[0].measurements[0].anomalous);
}

// References of the streaming monitor: from a sample (exactly the batch
// binning) or from a profile (the KLL sketch standing in for the sample).
#include <algorithm>
#include <limits>
#include <random>
#include <vector>

#include "mlguard/drift/feature_reference.hpp"
#include "mlguard/profile/feature_profile.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;
using namespace mlguard::profile;

TEST_CASE("feature_reference: from a sample, the bins of reference_bins over its finite values") {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(0.0, 1.0);
  std::vector<double> x, finite;
  for (int i = 0; i < 1001; ++i) {
    x.push_back(d(rng));
    finite.push_back(x.back());
  }
  x.push_back(std::numeric_limits<double>::quiet_NaN());
  x.push_back(-std::numeric_limits<double>::infinity());
  const auto r = feature_reference::from_sample("x", x, 8);
  const reference_bins rb(finite, 8);
  CHECK(r.name() == "x");
  CHECK(r.interior_edges() == rb.interior_edges());
  CHECK(r.edges() == rb.edges());
  CHECK(r.proportions() == rb.reference_proportions());
  CHECK(r.size() == 1001);
  CHECK(r.missing() == 1);
  CHECK(r.non_finite() == 1);
  CHECK_FALSE(r.from_profile());
  CHECK_FALSE(r.few_values());
  std::sort(finite.begin(), finite.end());
  CHECK(std::equal(finite.begin(), finite.end(), r.sorted_sample().begin()));
  for (double v : {-1.0, 0.5, 1.0, 3.0, 100.0}) {
    CHECK(r.bin_of(v) == rb.bin_of(v));
  }
  const auto lean = feature_reference::from_sample("x", x, 8, false);
  CHECK(lean.sorted_sample().empty());
  CHECK(lean.memory_bytes() < r.memory_bytes());

  const std::vector<double> flags = {0, 1, 1, 0, 1};
  CHECK(feature_reference::from_sample("f", flags).few_values());
  const std::vector<double> none = {std::numeric_limits<double>::quiet_NaN()};
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_sample("n", none), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_sample("n", flags, 0),
                          "mlguard.drift.invalid_option");
}

TEST_CASE("feature_reference: from a profile, within the sketch's error") {
  std::mt19937_64 rng(4);
  std::normal_distribution<double> d(5.0, 2.0);
  std::vector<double> x;
  for (int i = 0; i < 50000; ++i) {
    x.push_back(d(rng));
  }
  feature_profile p(column_kind::numeric);
  p.update(span<const double>(x));
  const auto r = feature_reference::from_profile("x", p, 10, 500);
  const auto exact = feature_reference::from_sample("x", x, 10);
  CHECK(r.from_profile());
  CHECK(r.size() == 50000);
  CHECK(r.sorted_sample().size() == 500);
  CHECK(std::is_sorted(r.sorted_sample().begin(), r.sorted_sample().end()));
  REQUIRE(r.bins() == exact.bins());
  for (std::size_t b = 0; b < r.bins(); ++b) {
    CHECK(std::abs(r.proportions()[b] - exact.proportions()[b]) < 0.0165); // KLL PMF bound
  }

  SUBCASE("a small profile (no compaction) gives the exact sorted sample for KS") {
    feature_profile small(column_kind::numeric);
    small.update(span<const double>(x.data(), 100));
    const auto s = feature_reference::from_profile("x", small, 10, 1000);
    std::vector<double> sorted(x.begin(), x.begin() + 100);
    std::sort(sorted.begin(), sorted.end());
    CHECK(std::equal(sorted.begin(), sorted.end(), s.sorted_sample().begin(),
                     s.sorted_sample().end()));
  }

  feature_profile cat(column_kind::categorical);
  cat.update_category("a");
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_profile("c", cat), "mlguard.drift.wrong_kind");
  feature_profile empty(column_kind::numeric);
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_profile("e", empty),
                          "mlguard.drift.empty_sample");
}

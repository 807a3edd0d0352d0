// References of the streaming monitor: from a sample (exactly the batch
// binning) or from a profile (the KLL sketch standing in for the sample);
// categorical ones from counts, codes or a categorical profile.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
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

  // A vocabulary aligns categorical profiles only.
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_profile("x", p, vocabulary({"a"})),
                          "mlguard.drift.wrong_kind");
  feature_profile empty(column_kind::numeric);
  MLGUARD_CHECK_THROWS_ID(feature_reference::from_profile("e", empty),
                          "mlguard.drift.empty_sample");
}

TEST_CASE("feature_reference: categorical, from counts, codes and a profile") {
  const vocabulary vocab({"red", "green", "blue"});
  SUBCASE("from counts, with and without an other count") {
    const auto r = feature_reference::from_categories("colour", vocab.names(), {5, 3, 2}, 4);
    CHECK(r.kind() == column_kind::categorical);
    CHECK(r.is_categorical());
    CHECK(r.vocabulary() == vocab);
    CHECK(r.bins() == 4);
    CHECK(r.counts() == std::vector<double>{5, 3, 2, 0});
    CHECK(r.proportions() == std::vector<double>{0.5, 0.3, 0.2, 0.0});
    CHECK(r.size() == 10);
    CHECK(r.missing() == 4);
    CHECK(r.present_bins() == 3);
    CHECK(r.interior_edges().empty());
    CHECK(r.sorted_sample().empty());
    CHECK_FALSE(r.from_profile());
    const auto o = feature_reference::from_categories("colour", vocab.names(), {5, 3, 1, 1});
    CHECK(o.counts() == std::vector<double>{5, 3, 1, 1});
    CHECK(o.proportions()[3] == 0.1);
    CHECK(o.present_bins() == 4);
  }
  SUBCASE("bins of codes: direct, anything outside the vocabulary is other") {
    const auto r = feature_reference::from_categories("colour", vocab.names(), {1, 1, 1});
    CHECK(r.bin_of(0.0) == 0);
    CHECK(r.bin_of(2.0) == 2);
    for (double x : {3.0, -2.0, 7.0, 1.5, -0.5, std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), 1e300}) {
      CAPTURE(x);
      CHECK(r.bin_of(x) == 3);
    }
    CHECK(feature_reference::category_bin(std::numeric_limits<double>::quiet_NaN(), 3) == 3);
  }
  SUBCASE("from codes: missing_code is missing, unseen and out-of-range codes are other") {
    const std::vector<std::int32_t> codes = {0, 0, 1, missing_code, unseen_code, 2, 9, 0};
    const auto r = feature_reference::from_codes("colour", vocab, codes);
    CHECK(r.counts() == std::vector<double>{3, 1, 1, 2});
    CHECK(r.missing() == 1);
    CHECK(r.size() == 7);
  }
  SUBCASE("from a categorical profile, aligned to a vocabulary or in string order") {
    feature_profile p(column_kind::categorical);
    for (const char* c : {"red", "red", "blue", "teal", "red"}) {
      p.update_category(c);
    }
    p.update_missing(2);
    const auto aligned = feature_reference::from_profile("colour", p, vocab);
    CHECK(aligned.from_profile());
    CHECK(aligned.vocabulary() == vocab);
    CHECK(aligned.counts() == std::vector<double>{3, 0, 1, 1}); // teal is other
    CHECK(aligned.missing() == 2);
    const auto own = feature_reference::from_profile("colour", p);
    CHECK(own.vocabulary().names() == std::vector<std::string>{"blue", "red", "teal"});
    CHECK(own.counts() == std::vector<double>{1, 3, 1, 0});
    feature_profile nothing(column_kind::categorical);
    nothing.update_missing(3);
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_profile("c", nothing, vocab),
                            "mlguard.drift.empty_sample");
  }
  SUBCASE("errors") {
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_categories("c", vocab.names(), {1, 2}),
                            "mlguard.argument.size_mismatch");
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_categories("c", vocab.names(), {1, 2, 3, 4, 5}),
                            "mlguard.argument.size_mismatch");
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_categories("c", vocab.names(), {1, -2, 3}),
                            "mlguard.drift.bad_proportions");
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_categories("c", vocab.names(), {0, 0, 0}),
                            "mlguard.drift.empty_sample");
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_categories("c", {"a", "a"}, {1, 1}),
                            "mlguard.argument.duplicate_category");
    const std::vector<std::int32_t> all_missing = {missing_code, missing_code};
    MLGUARD_CHECK_THROWS_ID(feature_reference::from_codes("c", vocab, all_missing),
                            "mlguard.drift.empty_sample");
  }
}

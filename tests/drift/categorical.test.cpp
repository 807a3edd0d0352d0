#include "mlguard/drift/categorical.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "drift/reference_cases.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {
std::vector<std::string> letters(const std::string& s) {
  std::vector<std::string> out;
  for (char ch : s) {
    out.emplace_back(1, ch);
  }
  return out;
}

// Rebuilds a sample from the fixture's counts: category i repeated count_i times.
std::vector<std::string> expand(const json& categories, const json& counts) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < categories.size(); ++i) {
    const auto n = static_cast<std::size_t>(counts[i].get<double>());
    out.insert(out.end(), n, categories[i].get<std::string>());
  }
  return out;
}

// The same sample as codes into a vocabulary built in order of appearance.
struct coded {
  std::vector<std::int32_t> codes;
  vocabulary vocab;
};
coded encode(const std::vector<std::string>& values) {
  coded c;
  for (const auto& v : values) {
    c.codes.push_back(c.vocab.add(v));
  }
  return c;
}
} // namespace

TEST_CASE("categorical PSI and Jensen-Shannon reproduce Evidently's published numbers") {
  const auto counts = count_categories(letters("aaaabbbccd"), letters("aabbbbccce"));
  MLGUARD_CHECK_CLOSE(psi(counts).statistic, 1.5881136589086144);
  MLGUARD_CHECK_CLOSE(jensen_shannon(counts).statistic, 0.30809442817750254);
  CHECK(counts.size() == 5);
  CHECK(counts.unseen_categories == 1); // "e"
  CHECK(counts.unseen_current == 1);
  CHECK(counts.categories.back() == "e");
}

TEST_CASE("categorical statistics match scipy/numpy/Evidently (gen_drift.py)") {
  const auto& doc = test::drift_fixture("reference/drift_categorical.json");
  REQUIRE(doc["cases"].size() > 40);
  std::size_t checked = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = expand(c["categories"], c["reference_counts"]);
    const auto cur = expand(c["categories"], c["current_counts"]);
    const auto from_strings = count_categories(ref, cur);
    const auto rc = encode(ref);
    const auto cc = encode(cur);
    const auto from_codes = count_categories(rc.codes, rc.vocab, cc.codes, cc.vocab);
    for (const auto* counts : {&from_strings, &from_codes}) {
      CHECK(counts->categories == c["categories"].get<std::vector<std::string>>());
      CHECK(counts->reference == test::numbers(c["reference_counts"]));
      CHECK(counts->current == test::numbers(c["current_counts"]));
      CHECK(counts->unseen_categories == c["unseen_categories"].get<std::size_t>());
      CHECK(counts->unseen_current == c["unseen_current"].get<std::size_t>());
    }
    const auto& counts = from_codes;
    MLGUARD_CHECK_CLOSE(psi(counts).statistic, test::number(c["psi"]));
    MLGUARD_CHECK_CLOSE(jensen_shannon(counts).statistic, test::number(c["js_distance_e"]));
    MLGUARD_CHECK_CLOSE(jensen_shannon(counts, js_output::distance, log_base::two).statistic,
                        test::number(c["js_distance_2"]));
    MLGUARD_CHECK_CLOSE(jensen_shannon(counts, js_output::divergence).statistic,
                        test::number(c["js_divergence_e"]));
    MLGUARD_CHECK_CLOSE(jensen_shannon(counts, js_output::divergence, log_base::two).statistic,
                        test::number(c["js_divergence_2"]));
    MLGUARD_CHECK_CLOSE(kl_divergence(counts).statistic, test::number(c["kl"]));
    MLGUARD_CHECK_CLOSE(hellinger(counts).statistic, test::number(c["hellinger"]));
    MLGUARD_CHECK_CLOSE(total_variation(counts).statistic, test::number(c["tvd"]));
    MLGUARD_CHECK_CLOSE(l_infinity(counts).statistic, test::number(c["linf"]));

    const auto chi = chi_square(counts);
    const auto& echi = c["chisquare"];
    MLGUARD_CHECK_CLOSE(chi.statistic, test::number(echi["statistic"]));
    CHECK(*chi.dof == echi["dof"].get<std::size_t>());
    if (echi["p_value"].is_null()) { // scipy: chi2.sf(0, 0) is NaN; mlguard says 1
      CHECK(*chi.dof == 0);
      CHECK(*chi.p_value == 1.0);
    } else {
      MLGUARD_CHECK_CLOSE(*chi.p_value, test::number(echi["p_value"]));
    }

    const auto ct = chi2_contingency(counts);
    const auto& ect = c["chi2_contingency"];
    MLGUARD_CHECK_CLOSE(ct.statistic, test::number(ect["statistic"]));
    MLGUARD_CHECK_CLOSE(*ct.p_value, test::number(ect["p_value"]));
    CHECK(*ct.dof == ect["dof"].get<std::size_t>());

    const auto z = z_test(counts);
    MLGUARD_CHECK_CLOSE(z.statistic, test::number(c["ztest"]["statistic"]));
    MLGUARD_CHECK_CLOSE(*z.p_value, test::number(c["ztest"]["p_value"]));
    checked += 15;
  }
  CHECK(checked > 600);
}

TEST_CASE("count_categories matches categories by string across vocabularies") {
  const vocabulary ref_vocab({"red", "green", "blue", "never"});
  const vocabulary cur_vocab({"blue", "purple", "red"});
  const std::vector<std::int32_t> ref{0, 0, 1, 2, 2, 2};
  const std::vector<std::int32_t> cur{0, 1, 1, 2};
  const auto c = count_categories(ref, ref_vocab, cur, cur_vocab);
  CHECK(c.categories == std::vector<std::string>{"red", "green", "blue", "purple"});
  CHECK(c.reference == std::vector<double>{2, 1, 3, 0});
  CHECK(c.current == std::vector<double>{1, 0, 1, 2});
  CHECK(c.unseen_categories == 1);
  CHECK(c.unseen_current == 2);
  const json j = psi(c);
  CHECK(j["bins"]["kind"] == "categories");
  CHECK(j["bins"]["categories"].size() == 4);
}

TEST_CASE("count_values: numbers as categories, sorted numerically for the z-test") {
  const std::vector<double> ref{10, 2, 2, 10, 10};
  const std::vector<double> cur{2, 2, 2, 10, 7};
  const auto c = count_values(ref, cur);
  CHECK(c.values == std::vector<double>{2, 7, 10});
  CHECK(c.categories == std::vector<std::string>{"2", "7", "10"});
  CHECK(c.reference == std::vector<double>{2, 0, 3});
  CHECK(c.unseen_categories == 1);
  // z-test keys on 2 (numeric order), not "10" (string order).
  const double p1 = 3.0 / 5.0;
  const double p2 = 2.0 / 5.0;
  const double pooled = (p1 * 5 + p2 * 5) / 10;
  const double z = (p1 - p2) / std::sqrt(pooled * (1 - pooled) * (1.0 / 5 + 1.0 / 5));
  MLGUARD_CHECK_CLOSE(z_test(c).statistic, z);
}

TEST_CASE("categorical: the input contract") {
  const std::vector<std::string> empty;
  const std::vector<std::string> ok{"a", "b"};
  MLGUARD_CHECK_THROWS_ID(count_categories(empty, ok), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(count_categories(ok, empty), "mlguard.drift.empty_sample");
  const vocabulary vocab({"a", "b"});
  const std::vector<std::int32_t> good{0, 1};
  const std::vector<std::int32_t> missing{0, missing_code};
  const std::vector<std::int32_t> unknown{0, 5};
  MLGUARD_CHECK_THROWS_ID(count_categories(missing, vocab, good, vocab), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(count_categories(good, vocab, unknown, vocab),
                          "mlguard.argument.unknown_code");
  const std::vector<double> nums{1, 2};
  const std::vector<double> nan_nums{1, std::nan("")};
  MLGUARD_CHECK_THROWS_ID(count_values(nums, nan_nums), "mlguard.drift.nan_input");
  category_counts none;
  MLGUARD_CHECK_THROWS_ID(chi_square(none), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(psi(none), "mlguard.drift.empty_sample");
  category_counts bad = count_categories(ok, ok);
  bad.current.pop_back();
  MLGUARD_CHECK_THROWS_ID(z_test(bad), "mlguard.argument.size_mismatch");
}

TEST_CASE("statistic_result JSON: p-value, dof, and inf written as a string") {
  const auto c = count_categories(letters("aab"), letters("abc"));
  const json j = chi_square(c);
  CHECK(j["statistic"] == "inf");
  CHECK(j["p_value"] == 0.0);
  CHECK(j["dof"] == 2);
  CHECK_FALSE(j.contains("bins"));
}

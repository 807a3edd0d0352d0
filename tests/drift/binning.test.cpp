#include "mlguard/drift/binning.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "drift/reference_cases.hpp"
#include "mlguard/stats/detail/numpy.hpp"

using namespace mlguard;
using namespace mlguard::drift;

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
} // namespace

TEST_CASE("quantile edges are numpy.quantile's, bit for bit (gen_drift.py, numpy 1.24)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  REQUIRE(doc["cases"].size() > 80);
  std::size_t compared = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto bins = c["bins"].get<std::size_t>();
    const auto& q = c["quantile"];
    const auto expected_interior = test::numbers(q["interior"]);
    const reference_bins rb(ref, bins);
    REQUIRE(rb.interior_edges().size() == expected_interior.size());
    for (std::size_t i = 0; i < expected_interior.size(); ++i) {
      CHECK(rb.interior_edges()[i] == expected_interior[i]); // exact: same arithmetic as numpy
    }
    const auto edges = rb.edges();
    CHECK(edges.front() == -inf);
    CHECK(edges.back() == inf);
    const auto t = rb.table(cur);
    const auto er = test::numbers(q["reference"]);
    const auto ec = test::numbers(q["current"]);
    REQUIRE(t.reference.size() == er.size());
    REQUIRE(t.current.size() == ec.size());
    for (std::size_t i = 0; i < er.size(); ++i) {
      CHECK(t.reference[i] == er[i]);
      CHECK(t.current[i] == ec[i]);
    }
    ++compared;
  }
  CHECK(compared == doc["cases"].size());
}

TEST_CASE("evidently binning is Evidently's get_binned_data (numpy Sturges edges or values)") {
  const auto& doc = test::drift_fixture("reference/drift_numeric.json");
  std::size_t intervals = 0;
  std::size_t values = 0;
  std::size_t errors = 0;
  for (const auto& c : doc["cases"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto& e = c["evidently"];
    if (e.contains("error")) {
      MLGUARD_CHECK_THROWS_ID(evidently_bins(ref, cur), e["error"].get<std::string>());
      ++errors;
      continue;
    }
    const auto t = evidently_bins(ref, cur);
    if (e["kind"] == "intervals") {
      ++intervals;
      REQUIRE(t.kind == bin_kind::intervals);
      const auto expected = test::numbers(e["edges"]);
      REQUIRE(t.edges.size() == expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(t.edges[i] == expected[i]); // exact: numpy.linspace arithmetic
      }
    } else {
      ++values;
      REQUIRE(t.kind == bin_kind::values);
      CHECK(t.values == test::numbers(e["values"]));
    }
    const auto er = test::numbers(e["reference"]);
    const auto ec = test::numbers(e["current"]);
    REQUIRE(t.reference.size() == er.size());
    for (std::size_t i = 0; i < er.size(); ++i) {
      CHECK(t.reference[i] == er[i]);
      CHECK(t.current[i] == ec[i]);
    }
  }
  CHECK(intervals > 40);
  CHECK(values > 10);
  CHECK(errors >= 2);
}

TEST_CASE("Evidently's example uses 12 Sturges bins") {
  const auto doc = parse_json(test::read_file(test::fixture_path("evidently_normal_samples.json")),
                              "evidently_normal_samples.json");
  const auto ref = doc["reference"].get<std::vector<double>>();
  const auto cur = doc["current"].get<std::vector<double>>();
  REQUIRE(ref.size() == 1000);
  REQUIRE(cur.size() == 1000);
  const auto t = evidently_bins(ref, cur);
  CHECK(t.kind == bin_kind::intervals);
  CHECK(t.size() == 12);
  CHECK(sturges_edges(ref, cur).size() == 13);
}

TEST_CASE("numpy pairwise summation is reproduced (drift_sum.json)") {
  const auto& doc = test::drift_fixture("reference/drift_sum.json");
  REQUIRE(doc["cases"].size() > 10);
  for (const auto& c : doc["cases"]) {
    const auto x = test::numbers(c["values"]);
    INFO("n = " << x.size());
    CHECK(stats::detail::numpy_sum(x.data(), x.size()) == test::number(c["sum"]));
  }
}

TEST_CASE("reference_bins: intervals closed on the left, ±inf in the outer bins") {
  const std::vector<double> ref{1, 2, 3, 4, 5};
  const reference_bins rb(ref, 4); // quantiles 2, 3, 4
  REQUIRE(rb.interior_edges() == std::vector<double>{2, 3, 4});
  CHECK(rb.bin_of(-inf) == 0);
  CHECK(rb.bin_of(1.999) == 0);
  CHECK(rb.bin_of(2.0) == 1);
  CHECK(rb.bin_of(3.0) == 2);
  CHECK(rb.bin_of(4.0) == 3);
  CHECK(rb.bin_of(inf) == 3);
  CHECK(rb.reference_counts() == std::vector<std::uint64_t>{1, 1, 1, 2});
  const std::vector<double> cur{-inf, inf, 2.5, 2.0, 100};
  CHECK(rb.counts(cur) == std::vector<std::uint64_t>{1, 2, 0, 2});
}

TEST_CASE("reference_bins: the fast counting path agrees with std::upper_bound") {
  std::vector<double> ref;
  std::vector<double> cur;
  std::uint64_t state = 12345;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) * 0x1.0p-53 * 20.0 - 10.0;
  };
  for (int i = 0; i < 1000; ++i) {
    ref.push_back(std::round(next()));
  }
  for (int i = 0; i < 5003; ++i) { // not a multiple of the block size
    cur.push_back(i % 97 == 0 ? std::round(next()) : next());
  }
  cur.push_back(inf);
  cur.push_back(-inf);
  for (std::size_t bins : {std::size_t{1}, std::size_t{2}, std::size_t{10}, std::size_t{20},
                           std::size_t{40}, std::size_t{100}}) {
    INFO("bins = " << bins);
    const reference_bins rb(ref, bins);
    std::vector<std::uint64_t> expected(rb.size(), 0);
    for (double v : cur) {
      ++expected[rb.bin_of(v)];
    }
    CHECK(rb.counts(cur) == expected);
  }
}

TEST_CASE("binning: the input contract") {
  const std::vector<double> empty;
  const std::vector<double> ok{1, 2, 3};
  const std::vector<double> with_nan{1, std::nan(""), 3};
  const std::vector<double> with_inf{1, inf, 3};
  MLGUARD_CHECK_THROWS_ID(reference_bins(empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(reference_bins(with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(reference_bins(ok, 0), "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(reference_bins(ok).counts(with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(reference_bins(ok).current_proportions(empty),
                          "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(evidently_bins(empty, ok), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(evidently_bins(ok, empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(evidently_bins(ok, with_nan), "mlguard.drift.nan_input");
  MLGUARD_CHECK_THROWS_ID(sturges_edges(ok, with_inf), "mlguard.drift.non_finite");
  MLGUARD_CHECK_THROWS_ID(bin_samples(ok, empty), "mlguard.drift.empty_sample");
  MLGUARD_CHECK_THROWS_ID(binning_from_string("deciles"), "mlguard.drift.invalid_option");
  MLGUARD_CHECK_THROWS_ID(histogram(ok, ok.data() ? std::vector<double>{1} : ok),
                          "mlguard.drift.invalid_option");
  std::vector<std::uint64_t> wrong(3);
  MLGUARD_CHECK_THROWS_ID(reference_bins(ok, 2).count(ok, wrong), "mlguard.argument.size_mismatch");
  // ±inf: quantile bins take them; Evidently's few-values path takes them too.
  CHECK(reference_bins(with_inf).table(with_inf).reference.size() >= 1);
  CHECK(evidently_bins(with_inf, ok).kind == bin_kind::values);
  CHECK(binning_from_string(to_string(binning_strategy::evidently)) == binning_strategy::evidently);
}

TEST_CASE("histogram follows numpy.histogram: last bin closed, outside values dropped") {
  const std::vector<double> edges{0, 1, 2, 3};
  const std::vector<double> x{-1, 0, 0.5, 1, 2.999, 3, 3.5};
  CHECK(histogram(x, edges) == std::vector<std::uint64_t>{2, 1, 2});
}

TEST_CASE("fill_zero_proportions follows Evidently's rule, per array, no renormalisation") {
  std::vector<double> a{0.5, 0.0, 0.5};
  CHECK(fill_zero_proportions(a));
  CHECK(a == std::vector<double>{0.5, 0.0001, 0.5});
  std::vector<double> b{0.00005, 0.0, 0.99995};
  CHECK(fill_zero_proportions(b));
  CHECK(b[1] == 0.00005 / 1e6);
  std::vector<double> c{0.3, 0.7};
  CHECK_FALSE(fill_zero_proportions(c));
  std::vector<double> d{0.0, 0.0};
  CHECK_FALSE(fill_zero_proportions(d));
}

TEST_CASE("bin_table JSON writes infinite edges as strings") {
  const std::vector<double> ref{1, 2, 3, 4};
  const json j = reference_bins(ref, 2).table(ref);
  CHECK(j["kind"] == "intervals");
  CHECK(j["edges"].front() == "-inf");
  CHECK(j["edges"].back() == "inf");
  CHECK(j["edges"][1] == 2.5);
  CHECK(j["reference"].size() == 2);
  CHECK(j["zero_filled"] == false);
}

TEST_CASE("reference_bins: one object counts from several threads at once") {
  std::vector<double> ref;
  std::vector<double> cur;
  for (int i = 0; i < 10000; ++i) {
    ref.push_back(std::sin(i * 0.37) * 3.0);
    cur.push_back(std::cos(i * 0.11) * 3.5);
  }
  const reference_bins rb(ref, 10);
  const auto expected = rb.counts(cur);
  std::vector<std::vector<std::uint64_t>> got(4);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int repeat = 0; repeat < 20; ++repeat) {
        got[t] = rb.counts(cur);
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  for (const auto& g : got) {
    CHECK(g == expected);
  }
}

TEST_CASE("binning near ±1e308: finite edges where numpy's overflow (issue 16, gen_extremes.py)") {
  // numpy.quantile interpolates a + (b − a)·t, and b − a overflows between
  // neighbours of both signs: numpy returns ±inf edges. Sturges' range
  // overflows too: numpy fails ("cannot convert float NaN to integer"), and
  // mlguard cast that NaN to a bin count. mlguard now does numpy's
  // arithmetic on the halved values and doubles the edges: bit for bit what
  // numpy gives on the samples / 2, × 2, and every binned statistic is
  // gen_drift.py's formula over those edges.
  const auto& doc = test::drift_fixture("reference/extremes.json");
  REQUIRE(doc["binnings"].size() >= 4);
  std::size_t sturges_cases = 0;
  for (const auto& c : doc["binnings"]) {
    INFO(c["name"].get<std::string>());
    const auto ref = test::numbers(c["reference"]);
    const auto cur = test::numbers(c["current"]);
    const auto bins = c["bins"].get<std::size_t>();
    const auto expected = test::numbers(c["quantile"]["interior"]);
    const auto edges = quantile_edges(ref, bins);
    REQUIRE(edges.size() == expected.size());
    for (std::size_t i = 0; i < edges.size(); ++i) {
      CHECK(edges[i] == expected[i]);
      CHECK(std::isfinite(edges[i]));
    }
    const auto t = reference_bins(ref, bins).table(cur);
    const auto er = test::numbers(c["quantile"]["reference"]);
    const auto ec = test::numbers(c["quantile"]["current"]);
    REQUIRE(t.reference.size() == er.size());
    for (std::size_t i = 0; i < er.size(); ++i) {
      CHECK(t.reference[i] == er[i]);
      CHECK(t.current[i] == ec[i]);
    }
    if (!c.contains("evidently")) {
      continue;
    }
    const auto sturges = sturges_edges(ref, cur);
    const auto want = test::numbers(c["evidently"]["edges"]);
    REQUIRE(sturges.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      CHECK(sturges[i] == want[i]);
    }
    const auto e = evidently_bins(ref, cur);
    const auto wr = test::numbers(c["evidently"]["reference"]);
    const auto wc = test::numbers(c["evidently"]["current"]);
    REQUIRE(e.reference.size() == wr.size());
    for (std::size_t i = 0; i < wr.size(); ++i) {
      CHECK(e.reference[i] == wr[i]);
      CHECK(e.current[i] == wc[i]);
    }
    ++sturges_cases;
  }
  CHECK(sturges_cases >= 2);
}

#include "mlguard/stats/ks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/json.hpp"
#include "stats/sample_recipes.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;
using mlguard::test::close_to_scipy;
using mlguard::test::fixture_number;

namespace {

alternative parse_alternative(const std::string& s) {
  if (s == "less") {
    return alternative::less;
  }
  if (s == "greater") {
    return alternative::greater;
  }
  return alternative::two_sided;
}

ks_method parse_method(const std::string& s) {
  if (s == "exact") {
    return ks_method::exact;
  }
  if (s == "asymp") {
    return ks_method::asymptotic;
  }
  return ks_method::automatic;
}

const mlguard::json& ks_fixture() {
  static const mlguard::json doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/ks_2samp.json")),
      "ks_2samp.json");
  return doc;
}

std::vector<double> linspace(double start, double stop, std::size_t num, double shift) {
  mlguard::json spec = {
      {"recipe", "linspace"}, {"start", start}, {"stop", stop}, {"num", num}, {"shift", shift}};
  return mlguard::test::materialise(spec);
}

} // namespace

TEST_CASE("ks_2samp matches scipy 1.10 ks_2samp (tests/reference/gen_stats.py)") {
  const auto& doc = ks_fixture();
  INFO("scipy " << doc["scipy"].get<std::string>() << ", numpy "
                << doc["numpy"].get<std::string>());
  REQUIRE(doc["cases"].size() > 200);
  std::vector<double> scratch;
  std::size_t exact = 0;
  std::size_t fallbacks = 0;
  double worst = 0.0;
  for (const auto& c : doc["cases"]) {
    const auto a = mlguard::test::materialise(c["a"]);
    const auto b = mlguard::test::materialise(c["b"]);
    const auto alt = parse_alternative(c["alternative"].get<std::string>());
    const auto method = parse_method(c["method"].get<std::string>());
    const auto r = ks_2samp(a, b, alt, method, scratch);
    const double d = fixture_number(c["statistic"]);
    const double p = fixture_number(c["p_value"]);
    const auto used = c["method_used"].get<std::string>();
    INFO(c["name"].get<std::string>()
         << " n1=" << a.size() << " n2=" << b.size() << " " << c["alternative"].get<std::string>()
         << " " << c["method"].get<std::string>() << ": D=" << r.statistic << " (scipy " << d
         << "), p=" << r.p_value << " (scipy " << p << "), method "
         << std::string(to_string(r.method)));
    // D is a difference of two ECDF values (or h/lcm for the exact method),
    // computed with the same floating-point operations as scipy: exact equality.
    CHECK(r.statistic == d);
    CHECK(close_to_scipy(r.p_value, p));
    if (p > 0.0 && !std::isnan(p)) {
      worst = std::max(worst, std::fabs(r.p_value - p) / p);
    }
    CHECK(r.statistic_location == fixture_number(c["statistic_location"]));
    CHECK(r.statistic_sign == c["statistic_sign"].get<int>());
    CHECK(std::string(to_string(r.method)) == used);
    CHECK(r.n1 == a.size());
    CHECK(r.n2 == b.size());
    exact += used == "exact" ? 1 : 0;
    fallbacks += (used == "asymp" && c["method"].get<std::string>() != "asymp") ? 1 : 0;

    // The sorted entry point gives the same answer.
    auto sa = a;
    auto sb = b;
    std::sort(sa.begin(), sa.end());
    std::sort(sb.begin(), sb.end());
    const auto rs = ks_2samp_sorted(sa, sb, alt, method);
    CHECK(rs.statistic == r.statistic);
    CHECK(close_to_scipy(rs.p_value, r.p_value));
    CHECK(rs.statistic_location == r.statistic_location);
  }
  MESSAGE(doc["cases"].size() << " ks_2samp cases, " << exact << " exact, " << fallbacks
                              << " exact-to-asymptotic fall-backs; largest relative p-value "
                              << "difference " << worst);
  CHECK(exact > 50);
  CHECK(fallbacks > 5);
}

TEST_CASE("ks exact attempt: scipy's success flags and probabilities") {
  const auto& rows = ks_fixture()["exact_attempts"];
  REQUIRE(rows.size() > 100);
  std::vector<double> buffer;
  std::size_t failures = 0;
  for (const auto& row : rows) {
    const auto n1 = row[0].get<std::int64_t>();
    const auto n2 = row[1].get<std::int64_t>();
    const auto h = row[2].get<std::int64_t>();
    const auto alt = parse_alternative(row[3].get<std::string>());
    const bool ok = row[4].get<bool>();
    const double p = fixture_number(row[5]);
    const std::int64_t g = std::gcd(n1, n2);
    double d = static_cast<double>(h) / static_cast<double>((n1 / g) * n2);
    double prob = 0.0;
    const bool got = detail::ks_attempt_exact(n1, n2, g, d, alt, prob, buffer);
    INFO("n1=" << n1 << " n2=" << n2 << " h=" << h << " " << row[3].get<std::string>()
               << ": success " << got << " (scipy " << ok << "), p=" << prob << " (scipy " << p
               << ")");
    CHECK(got == ok);
    if (ok && got) {
      CHECK(close_to_scipy(prob, p));
    }
    failures += ok ? 0 : 1;
  }
  CHECK(failures > 3);
}

TEST_CASE("kstwo and smirnov match scipy.stats.kstwo / scipy.special.smirnov") {
  const auto& rows = ks_fixture()["kstwo"];
  REQUIRE(rows.size() > 200);
  for (const auto& row : rows) {
    const double n = row[0].get<double>();
    const double x = row[1].get<double>();
    INFO("n=" << n << " x=" << x);
    CHECK(close_to_scipy(kstwo_sf(x, n), fixture_number(row[2])));
    CHECK(close_to_scipy(kstwo_cdf(x, n), fixture_number(row[3])));
    CHECK(close_to_scipy(smirnov_sf(static_cast<std::int64_t>(n), x), fixture_number(row[4])));
  }
  CHECK(std::isnan(kstwo_sf(0.3, 0.0)));
  CHECK(std::isnan(kstwo_sf(0.3, 2.5)));
  CHECK(kstwo_sf(0.01, 10.0) == 1.0);
  CHECK(kstwo_sf(1.0, 10.0) == 0.0);
}

TEST_CASE("ks_2samp: scipy's own test vectors") {
  SUBCASE("[1.01, 2.01] vs [1, 2, 3, 4]") {
    const std::vector<double> a{1.01, 2.01};
    const std::vector<double> b{1.0, 2.0, 3.0, 4.0};
    const auto two = ks_2samp(a, b);
    CHECK(two.statistic == 0.5);
    CHECK(two.p_value == doctest::Approx(14.0 / 15.0).epsilon(1e-14));
    CHECK(two.method == ks_method::exact);
    const auto greater = ks_2samp(a, b, alternative::greater);
    CHECK(greater.statistic == 0.5);
    CHECK(greater.p_value == doctest::Approx(8.0 / 15.0).epsilon(1e-14));
    const auto less = ks_2samp(a, b, alternative::less);
    CHECK(less.statistic == 0.25);
    CHECK(less.p_value == doctest::Approx(12.0 / 15.0).epsilon(1e-14));
  }
  SUBCASE("linspace(1, 100, 100) vs linspace(1, 100, 110) + 20.1") {
    const auto a = linspace(1, 100, 100, 0.0);
    const auto b = linspace(1, 100, 110, 20.1);
    const auto r = ks_2samp(a, b);
    CHECK(r.statistic == 232.0 / 1100.0);
    CHECK(r.p_value == doctest::Approx(0.015739183865607353).epsilon(1e-12));
    CHECK(r.statistic_sign == 1);
  }
  SUBCASE("ties: [2]*3+[3]*4+[5]*5+[6]*4 vs itself + 1") {
    std::vector<double> a;
    for (auto [v, k] : {std::pair{2.0, 3}, {3.0, 4}, {5.0, 5}, {6.0, 4}}) {
      a.insert(a.end(), static_cast<std::size_t>(k), v);
    }
    std::vector<double> b = a;
    for (double& v : b) {
      v += 1.0;
    }
    const auto r = ks_2samp(a, b);
    CHECK(r.statistic == 5.0 / 16.0);
    CHECK(r.p_value == doctest::Approx(0.4262934613454952).epsilon(1e-12));
  }
}

TEST_CASE("ks_2samp: behaviour") {
  SUBCASE("identical samples give D = 0, p = 1") {
    const std::vector<double> a{3.0, 1.0, 2.0, 2.0};
    const auto r = ks_2samp(a, a);
    CHECK(r.statistic == 0.0);
    CHECK(r.p_value == 1.0);
  }
  SUBCASE("a clear shift is detected, in the right direction") {
    std::vector<double> a;
    std::vector<double> b;
    for (int i = 0; i < 200; ++i) {
      a.push_back(i * 0.01);
      b.push_back(i * 0.01 + 0.8);
    }
    const auto r = ks_2samp(a, b);
    CHECK(r.p_value < 1e-10);
    CHECK(r.statistic_sign == 1); // F_a above F_b
    CHECK(ks_2samp(a, b, alternative::greater).p_value < 1e-10);
    CHECK(ks_2samp(a, b, alternative::less).p_value > 0.5);
  }
  SUBCASE("automatic switches to the asymptotic p-value above 10000") {
    std::vector<double> a(10001);
    std::vector<double> b(50);
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<double>(i % 97);
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      b[i] = static_cast<double>(i);
    }
    CHECK(ks_2samp(a, b).method == ks_method::asymptotic);
    a.resize(10000);
    CHECK(ks_2samp(a, b).method == ks_method::exact);
  }
  SUBCASE("-0.0 and +0.0 are one value") {
    const std::vector<double> a{-0.0, 1.0};
    const std::vector<double> b{0.0, 1.0};
    CHECK(ks_2samp(a, b).statistic == 0.0);
  }
  SUBCASE("the scratch overload does not reallocate once large enough") {
    std::vector<double> a(3000);
    std::vector<double> b(2500);
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = std::sin(static_cast<double>(i));
    }
    for (std::size_t i = 0; i < b.size(); ++i) {
      b[i] = std::cos(static_cast<double>(i) * 1.3);
    }
    std::vector<double> scratch;
    const auto first = ks_2samp(a, b, alternative::two_sided, ks_method::automatic, scratch);
    const double* data = scratch.data();
    const auto second = ks_2samp(a, b, alternative::two_sided, ks_method::automatic, scratch);
    CHECK(scratch.data() == data);
    CHECK(first.p_value == second.p_value);
    CHECK(first.statistic == ks_2samp(a, b).statistic);
  }
  SUBCASE("JSON") {
    const std::vector<double> a{1.01, 2.01};
    const std::vector<double> b{1.0, 2.0, 3.0, 4.0};
    const mlguard::json j = ks_2samp(a, b);
    CHECK(j["statistic"].get<double>() == 0.5);
    CHECK(j["method"] == "exact");
    CHECK(j["n1"] == 2);
    CHECK(j["n2"] == 4);
    CHECK(j["statistic_sign"] == 1);
  }
}

TEST_CASE("ks_2samp: input contract") {
  const std::vector<double> empty;
  const std::vector<double> some{1.0, 2.0};
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  MLGUARD_CHECK_THROWS_ID(ks_2samp(empty, some), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(ks_2samp(some, empty), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(ks_2samp(with_nan, some), "mlguard.stats.nan_input");
  MLGUARD_CHECK_THROWS_ID(ks_2samp(some, with_nan), "mlguard.stats.nan_input");
  MLGUARD_CHECK_THROWS_ID(ks_2samp_sorted(empty, some), "mlguard.stats.empty_sample");
  MLGUARD_CHECK_THROWS_ID(ks_2samp_sorted(some, with_nan), "mlguard.stats.nan_input");
  const std::vector<double> unsorted{2.0, 1.0};
  MLGUARD_CHECK_THROWS_ID(ks_2samp_sorted(unsorted, some), "mlguard.stats.unsorted_input");
  std::vector<double> scratch;
  MLGUARD_CHECK_THROWS_ID(
      ks_2samp_p_value(0, 3, 0.5, alternative::two_sided, ks_method::automatic, scratch),
      "mlguard.stats.empty_sample");
}

TEST_CASE("ks_2samp: the bucketed scan of large samples equals the sorted merge") {
  // detail::ks_scan_bucketed (used from n1 + n2 = 20000 on) must give exactly
  // the statistic, location and sign of the plain merge of sorted copies.
  mlguard::test::splitmix64 g(42);
  auto draw = [&](std::size_t n, int kind, double shift) {
    std::vector<double> x(n);
    for (auto& v : x) {
      const double u = g.uniform();
      switch (kind) {
      case 0: // smooth
        v = u + g.uniform() + g.uniform() - 1.5 + shift;
        break;
      case 1: // heavy tails both ways
        v = (g.uniform() < 0.5 ? -1.0 : 1.0) * (1.0 / (u + 0x1.0p-60) - 1.0) + shift;
        break;
      case 2: // few distinct values (ties across samples)
        v = std::floor(u * 7.0) + (shift > 0.0 ? 1.0 : 0.0);
        break;
      case 3: // infinities, signed zeros and tiny magnitudes mixed in
        v = u < 0.05  ? std::numeric_limits<double>::infinity()
            : u < 0.1 ? -std::numeric_limits<double>::infinity()
            : u < 0.2 ? (g.uniform() < 0.5 ? -0.0 : 0.0)
            : u < 0.3 ? 1e-300 * g.uniform()
                      : g.uniform() - 0.5 + shift;
        break;
      default: // positive only, narrow range
        v = 1.0 + u * 1e-9 + shift * 1e-9;
      }
    }
    return x;
  };
  for (int kind = 0; kind < 5; ++kind) {
    for (const auto& sizes : {std::pair<std::size_t, std::size_t>{15000, 12000},
                              {30000, 30000},
                              {50000, 900},
                              {2, 40000},
                              {600000, 500000}}) { // the last one sizes buckets from a sample
      const std::size_t n1 = sizes.first;
      const std::size_t n2 = sizes.second;
      for (double shift : {0.0, 0.01, 0.3}) {
        const auto a = draw(n1, kind, 0.0);
        const auto b = draw(n2, kind, shift);
        std::vector<double> scratch;
        const auto e = detail::ks_scan_bucketed(a, b, scratch);
        auto sa = a;
        auto sb = b;
        std::sort(sa.begin(), sa.end());
        std::sort(sb.begin(), sb.end());
        const auto ref = detail::ks_scan(sa.data(), sa.size(), sb.data(), sb.size());
        INFO("kind " << kind << " n1=" << n1 << " n2=" << n2 << " shift " << shift);
        CHECK(e.max_diff == ref.max_diff);
        CHECK(e.min_diff == ref.min_diff);
        CHECK(e.max_loc == ref.max_loc);
        CHECK(e.min_loc == ref.min_loc);
      }
    }
  }
}

TEST_CASE("ks_2samp: large samples whose bucket sizing sample misses values") {
  // From 2^20 values on the buckets are sized from a sample; values it never
  // sees (one NaN, a lone far outlier, a periodic pattern) must still count.
  std::vector<double> a(600000);
  std::vector<double> b(480000);
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = i % 97 == 0 ? 1e6 + static_cast<double>(i) : static_cast<double>(i % 1000);
  }
  for (std::size_t i = 0; i < b.size(); ++i) {
    b[i] = static_cast<double>((i * 7) % 1003) + 0.5;
  }
  b[123457] = -1e300;
  b[470001] = 1e300;
  std::vector<double> scratch;
  const auto e = detail::ks_scan_bucketed(a, b, scratch);
  auto sa = a;
  auto sb = b;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  const auto ref = detail::ks_scan(sa.data(), sa.size(), sb.data(), sb.size());
  CHECK(e.max_diff == ref.max_diff);
  CHECK(e.min_diff == ref.min_diff);
  CHECK(e.max_loc == ref.max_loc);
  CHECK(e.min_loc == ref.min_loc);
  for (const std::size_t at : {std::size_t{0}, std::size_t{99991}, a.size() - 1}) {
    auto with_nan = a;
    with_nan[at] = std::nan("");
    MLGUARD_CHECK_THROWS_ID(ks_2samp(with_nan, b), "mlguard.stats.nan_input");
    MLGUARD_CHECK_THROWS_ID(ks_2samp(b, with_nan), "mlguard.stats.nan_input");
  }
}

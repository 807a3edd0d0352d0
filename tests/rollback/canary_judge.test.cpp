#include "mlguard/rollback/canary_judge.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "mlguard/core/json.hpp"
#include "mlguard/rollback/detail/pairwise_differences.hpp"
#include "mlguard/rollback/hodges_lehmann.hpp"
#include "stats/sample_recipes.hpp"
#include "test_support.hpp"

using namespace mlguard::rollback;

namespace {

metric_direction direction_of(const std::string& s) {
  if (s == "increase") {
    return metric_direction::increase;
  }
  if (s == "decrease") {
    return metric_direction::decrease;
  }
  return metric_direction::either;
}

/// Agreement of `got` with a reference value on a scale: |got − ref| ≤ 1e-12 ·
/// max(|ref|, scale). The scale is the largest |difference| of the case, since
/// an interval end that is exactly 0 in mlguard is brentq's last iterate in the
/// reference, within its xtol (1e-17 × that scale) of 0, not 0 itself.
double scaled_error(double got, double ref, double scale) {
  return std::fabs(got - ref) / std::max(std::fabs(ref), scale);
}

std::vector<double> sequence(double first, double step, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = first + step * static_cast<double>(i);
  }
  return out;
}

canary_metric_options any_size() {
  canary_metric_options o;
  o.min_sample_size = 1;
  return o;
}

} // namespace

TEST_CASE("hodges_lehmann and judge_metric match scipy/numpy and Kayenta's procedure "
          "(tests/reference/gen_canary_judge.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/canary_judge.json")),
      "canary_judge.json");
  INFO("scipy " << doc["scipy"].get<std::string>() << ", numpy "
                << doc["numpy"].get<std::string>());
  REQUIRE(doc["cases"].size() >= 15);
  double worst_interval = 0.0;
  double worst_relative = 0.0; // over interval ends not within brentq's xtol of 0
  double worst_estimate = 0.0;
  double worst_p = 0.0;
  std::size_t classes[4] = {0, 0, 0, 0};
  for (const auto& c : doc["cases"]) {
    const auto control = mlguard::test::materialise(c["control"]);
    const auto experiment = mlguard::test::materialise(c["experiment"]);
    const double confidence = c["confidence"].get<double>();
    const std::string expected_class = c["classification"].get<std::string>();
    INFO(c["name"].get<std::string>() << " n=" << control.size() << "x" << experiment.size());

    const auto hl = hodges_lehmann(control, experiment, confidence);
    const double scale =
        std::max(std::fabs(*std::min_element(experiment.begin(), experiment.end()) -
                           *std::max_element(control.begin(), control.end())),
                 std::fabs(*std::max_element(experiment.begin(), experiment.end()) -
                           *std::min_element(control.begin(), control.end())));
    const double estimate = c["estimate"].get<double>();
    const double lower = c["ci_lower"].get<double>();
    const double upper = c["ci_upper"].get<double>();
    INFO("HL " << hl.estimate << " (numpy " << estimate << "), CI [" << hl.lower << ", " << hl.upper
               << "] (reference [" << lower << ", " << upper << "])");
    // The median is computed from the same doubles in the same way: equal.
    CHECK(hl.estimate == estimate);
    worst_estimate = std::max(worst_estimate, scaled_error(hl.estimate, estimate, scale));
    const double e_lo = scaled_error(hl.lower, lower, scale);
    const double e_hi = scaled_error(hl.upper, upper, scale);
    CHECK(e_lo <= 1e-12);
    CHECK(e_hi <= 1e-12);
    worst_interval = std::max({worst_interval, e_lo, e_hi});
    for (const auto& [got, ref] : {std::pair{hl.lower, lower}, std::pair{hl.upper, upper}}) {
      if (std::fabs(ref) > 1e-12 * scale) {
        worst_relative = std::max(worst_relative, std::fabs(got - ref) / std::fabs(ref));
      }
    }
    CHECK(hl.n_control == control.size());
    CHECK(hl.n_experiment == experiment.size());

    auto options = any_size();
    options.direction = direction_of(c["direction"].get<std::string>());
    options.confidence = confidence;
    options.tolerance = c["tolerance"].get<double>();
    const auto m = judge_metric(c["name"].get<std::string>(), control, experiment, options);
    CHECK(std::string(to_string(m.classification)) == expected_class);
    CHECK(m.u_statistic == c["u_statistic"].get<double>());
    const double p = c["p_value"].get<double>();
    CHECK(mlguard::test::close_to_scipy(m.p_value, p));
    if (p > 0.0) {
      worst_p = std::max(worst_p, std::fabs(m.p_value - p) / p);
    }
    CHECK(m.estimate == hl.estimate);
    CHECK(m.ci_lower == hl.lower);
    CHECK(m.ci_upper == hl.upper);
    // Mean ratio: numpy's pairwise sums against a plain sum, only compared with 1.
    CHECK(m.mean_ratio == doctest::Approx(c["mean_ratio"].get<double>()).epsilon(1e-12));
    ++classes[static_cast<int>(m.classification)];
  }
  MESSAGE(doc["cases"].size() << " cases; largest interval difference " << worst_interval
                              << " (scaled), " << worst_relative << " (relative), estimate "
                              << worst_estimate << ", p-value relative " << worst_p);
  // The cases cover every class a metric with data can get.
  CHECK(classes[static_cast<int>(metric_class::pass)] > 0);
  CHECK(classes[static_cast<int>(metric_class::high)] > 0);
  CHECK(classes[static_cast<int>(metric_class::low)] > 0);
}

TEST_CASE("pairwise differences: selection by counting equals nth_element on every rank") {
  mlguard::test::splitmix64 g(99);
  for (int round = 0; round < 6; ++round) {
    const std::size_t n = 1 + g.next() % 40;
    const std::size_t m = 1 + g.next() % 40;
    std::vector<double> e(n);
    std::vector<double> c(m);
    for (auto& v : e) {
      v = std::floor(g.uniform() * 7.0) * 0.5 - 1.0; // ties between and within arms
    }
    for (auto& v : c) {
      v = round % 2 == 0 ? g.uniform() * 3.0 : std::floor(g.uniform() * 5.0) * 0.5;
    }
    std::sort(e.begin(), e.end());
    std::sort(c.begin(), c.end());
    detail::pairwise_differences counted(e, c, 0);
    detail::pairwise_differences held(e, c);
    REQUIRE_FALSE(counted.materialised());
    REQUIRE(held.materialised());
    std::vector<double> all;
    for (double x : e) {
      for (double y : c) {
        all.push_back(x - y);
      }
    }
    std::sort(all.begin(), all.end());
    for (std::uint64_t k = 1; k <= all.size(); ++k) {
      INFO("round " << round << " k=" << k);
      CHECK(counted.kth(k) == all[k - 1]);
      CHECK(held.kth(k) == all[k - 1]);
    }
  }
}

TEST_CASE("hodges_lehmann: both selection paths give the same interval on a large sample") {
  mlguard::test::splitmix64 g(7);
  std::vector<double> c(1200);
  std::vector<double> e(1100);
  for (auto& v : c) {
    v = std::floor(g.uniform() * 50.0) * 0.1;
  }
  for (auto& v : e) {
    v = g.uniform() * 5.0 + 0.3;
  }
  std::sort(c.begin(), c.end());
  std::sort(e.begin(), e.end());
  const auto held = detail::hodges_lehmann_sorted(c, e, 0.98, std::uint64_t{1} << 22);
  const auto counted = detail::hodges_lehmann_sorted(c, e, 0.98, 0);
  CHECK(held.estimate == counted.estimate);
  CHECK(held.lower == counted.lower);
  CHECK(held.upper == counted.upper);
  CHECK(held.lower < held.estimate);
  CHECK(held.estimate < held.upper);
  // The public function takes the counting path here (1.32M pairs > 2^20).
  const auto r = hodges_lehmann(c, e);
  CHECK(r.lower == held.lower);
  CHECK(r.upper == held.upper);
}

TEST_CASE("hodges_lehmann: degenerate samples") {
  SUBCASE("one value per arm") {
    const std::vector<double> c{2.0};
    const std::vector<double> e{5.0};
    const auto r = hodges_lehmann(c, e);
    CHECK(r.estimate == 3.0);
    CHECK(r.lower == 3.0);
    CHECK(r.upper == 3.0);
  }
  SUBCASE("each arm constant, apart (R stops here, Kayenta adds noise)") {
    const std::vector<double> c(12, 0.0);
    const std::vector<double> e(10, 1.0);
    const auto r = hodges_lehmann(c, e);
    CHECK(r.estimate == 1.0);
    CHECK(r.lower == 1.0);
    CHECK(r.upper == 1.0);
    const auto m = judge_metric("errors", c, e);
    CHECK(m.classification == metric_class::high);
    auto decrease = canary_metric_options{};
    decrease.direction = metric_direction::decrease;
    CHECK(judge_metric("errors", c, e, decrease).classification == metric_class::pass);
  }
  SUBCASE("every value equal") {
    const std::vector<double> c(11, 4.0);
    const std::vector<double> e(13, 4.0);
    const auto r = hodges_lehmann(c, e);
    CHECK(r.estimate == 0.0);
    CHECK(r.lower == 0.0);
    CHECK(r.upper == 0.0);
    const auto m = judge_metric("same", c, e);
    CHECK(m.classification == metric_class::pass);
    CHECK(m.reason.find("same") != std::string::npos);
  }
}

TEST_CASE("hodges_lehmann: bad input by error id") {
  const std::vector<double> ok{1.0, 2.0, 3.0};
  const std::vector<double> empty;
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  const std::vector<double> with_inf{1.0, std::numeric_limits<double>::infinity()};
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(empty, ok), "mlguard.rollback.empty_sample");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(ok, empty), "mlguard.rollback.empty_sample");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(with_nan, ok), "mlguard.rollback.non_finite");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(ok, with_inf), "mlguard.rollback.non_finite");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(ok, ok, 1.0), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(ok, ok, 0.0), "mlguard.rollback.invalid_option");
  MLGUARD_CHECK_THROWS_ID(hodges_lehmann(ok, ok, std::numeric_limits<double>::quiet_NaN()),
                          "mlguard.rollback.invalid_option");
}

TEST_CASE("judge_metric: NaN dropped and counted, too few values are nodata") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> c = sequence(1.0, 1.0, 12);
  std::vector<double> e = sequence(1.0, 1.0, 12);
  c.push_back(nan);
  e.insert(e.begin(), {nan, nan});
  const auto m = judge_metric("latency", c, e);
  CHECK(m.classification == metric_class::pass);
  CHECK(m.n_control == 12);
  CHECK(m.n_experiment == 12);
  CHECK(m.nan_control == 1);
  CHECK(m.nan_experiment == 2);

  const std::vector<double> few = sequence(1.0, 1.0, 9);
  const auto n = judge_metric("latency", c, few);
  CHECK(n.classification == metric_class::nodata);
  CHECK(std::isnan(n.estimate));
  CHECK(std::isnan(n.p_value));
  const std::vector<double> none;
  CHECK(judge_metric("latency", none, none).classification == metric_class::nodata);

  const auto verdict = canary_judge(c, few);
  CHECK(verdict.verdict == canary_verdict::nodata);
}

TEST_CASE("judge_metric and canary_judge: bad options by error id") {
  const std::vector<double> ok = sequence(0.0, 1.0, 12);
  const std::vector<double> with_inf{1.0, -std::numeric_limits<double>::infinity()};
  canary_metric_options o;
  MLGUARD_CHECK_THROWS_ID(judge_metric("m", ok, with_inf, o), "mlguard.rollback.non_finite");
  o.tolerance = -0.1;
  MLGUARD_CHECK_THROWS_ID(judge_metric("m", ok, ok, o), "mlguard.rollback.invalid_option");
  o = {};
  o.confidence = 1.5;
  MLGUARD_CHECK_THROWS_ID(judge_metric("m", ok, ok, o), "mlguard.rollback.invalid_option");
  o = {};
  o.min_sample_size = 0;
  MLGUARD_CHECK_THROWS_ID(judge_metric("m", ok, ok, o), "mlguard.rollback.invalid_option");
  o = {};
  o.allowed_increase = std::numeric_limits<double>::infinity();
  MLGUARD_CHECK_THROWS_ID(judge_metric("m", ok, ok, o), "mlguard.rollback.invalid_option");

  MLGUARD_CHECK_THROWS_ID(canary_judge(std::vector<canary_metric>{}),
                          "mlguard.rollback.no_metrics");
  canary_judge_options j;
  j.marginal_threshold = 96.0; // above pass
  MLGUARD_CHECK_THROWS_ID(canary_judge(ok, ok, {}, j), "mlguard.rollback.invalid_option");
  j = {};
  j.pass_threshold = 101.0;
  MLGUARD_CHECK_THROWS_ID(canary_judge(ok, ok, {}, j), "mlguard.rollback.invalid_option");
  j = {};
  j.nodata_threshold = 0.0;
  MLGUARD_CHECK_THROWS_ID(canary_judge(ok, ok, {}, j), "mlguard.rollback.invalid_option");
}

TEST_CASE("canary_judge: the score and the verdict as Kayenta's scorer gives them") {
  const std::vector<double> base = sequence(10.0, 1.0, 20);  // 10..29
  const std::vector<double> worse = sequence(60.0, 1.0, 20); // far higher
  const std::vector<double> few = sequence(10.0, 1.0, 3);
  auto metric = [](std::string name, const std::vector<double>& c, const std::vector<double>& e,
                   bool critical = false) {
    canary_metric m;
    m.name = std::move(name);
    m.control = c;
    m.experiment = e;
    m.options.critical = critical;
    return m;
  };

  SUBCASE("19 of 20 pass: score 95, pass") {
    std::vector<canary_metric> ms;
    for (int i = 0; i < 19; ++i) {
      ms.push_back(metric("ok" + std::to_string(i), base, base));
    }
    ms.push_back(metric("bad", base, worse));
    const auto r = canary_judge(ms);
    CHECK(r.metrics[19].classification == metric_class::high);
    CHECK(r.score == 95.0);
    CHECK(r.verdict == canary_verdict::pass);
  }
  SUBCASE("2 of 3 pass: 66.67, fail; 4 of 5: 80, marginal") {
    std::vector<canary_metric> ms{metric("a", base, base), metric("b", base, base),
                                  metric("c", base, worse)};
    auto r = canary_judge(ms);
    CHECK(r.score == 66.67);
    CHECK(r.verdict == canary_verdict::fail);
    ms.push_back(metric("d", base, base));
    ms.push_back(metric("e", base, base));
    r = canary_judge(ms);
    CHECK(r.score == 80.0);
    CHECK(r.verdict == canary_verdict::marginal);
  }
  SUBCASE("a critical metric that fails fails the canary") {
    std::vector<canary_metric> ms{metric("a", base, base), metric("b", base, base),
                                  metric("c", base, base), metric("crit", base, worse, true)};
    const auto r = canary_judge(ms);
    CHECK(r.verdict == canary_verdict::fail);
    CHECK(r.score == 0.0);
    CHECK(r.reason.find("crit") != std::string::npos);
    CHECK(r.metrics[3].critical);
  }
  SUBCASE("a critical metric without data, or half the metrics without: nodata") {
    std::vector<canary_metric> ms{metric("a", base, base), metric("crit", few, few, true)};
    CHECK(canary_judge(ms).verdict == canary_verdict::nodata);
    ms[1].options.critical = false;
    CHECK(canary_judge(ms).verdict == canary_verdict::nodata); // 1 of 2 = 50 %
    ms.push_back(metric("b", base, base));
    const auto r = canary_judge(ms); // 1 of 3 without data
    CHECK(r.verdict == canary_verdict::pass);
    CHECK(r.score == 100.0);
  }
  SUBCASE("direction: an increase is not bad when only a decrease is") {
    auto m = metric("throughput", base, worse);
    m.options.direction = metric_direction::decrease;
    CHECK(canary_judge({m}).verdict == canary_verdict::pass);
    m.options.direction = metric_direction::increase;
    CHECK(canary_judge({m}).verdict == canary_verdict::fail);
    auto down = metric("throughput", worse, base);
    down.options.direction = metric_direction::decrease;
    CHECK(canary_judge({down}).metrics[0].classification == metric_class::low);
  }
  SUBCASE("the effect-size threshold holds back High when the means say otherwise") {
    auto m = metric("latency", base, worse);
    m.options.allowed_increase = 10.0; // the mean ratio is about 3.5
    CHECK(canary_judge({m}).verdict == canary_verdict::pass);
  }
}

TEST_CASE("canary_judge: JSON form") {
  const std::vector<double> c = sequence(10.0, 1.0, 20);
  const std::vector<double> e = sequence(60.0, 1.0, 20);
  const auto r = canary_judge(c, e);
  const mlguard::json j = r;
  CHECK(j["verdict"] == "fail");
  CHECK(j["score"] == 0.0);
  REQUIRE(j["metrics"].size() == 1);
  const auto& m = j["metrics"][0];
  CHECK(m["name"] == "metric");
  CHECK(m["classification"] == "high");
  CHECK(m["n_control"] == 20);
  CHECK(m["estimate"] == 50.0);
  CHECK(m["ci_lower"].get<double>() <= 50.0);
  CHECK(m["ci_upper"].get<double>() >= 50.0);
  CHECK(m["p_value"].is_number());
  const auto nodata = canary_judge(c, std::vector<double>{});
  const mlguard::json n = nodata;
  CHECK(n["verdict"] == "nodata");
  CHECK(n["metrics"][0]["estimate"].is_null());
}

TEST_CASE("judge_metric: the tolerance is the fraction of |estimate| the interval must clear") {
  // Kayenta: High when lower > tolerance·|estimate|, Low when upper < −tolerance·|estimate|.
  mlguard::test::splitmix64 g(2024);
  std::vector<double> c(40);
  std::vector<double> e(35);
  for (auto& v : c) {
    v = 100.0 + 10.0 * g.uniform();
  }
  for (auto& v : e) {
    v = 104.0 + 10.0 * g.uniform();
  }
  const auto hl = hodges_lehmann(c, e);
  REQUIRE(hl.lower > 0.0);
  const double cut = hl.lower / std::fabs(hl.estimate); // between 0 and 1
  REQUIRE(cut < 1.0);
  canary_metric_options o;
  o.tolerance = std::nextafter(cut, 0.0);
  CHECK(judge_metric("up", c, e, o).classification == metric_class::high);
  o.tolerance = cut; // lower == bound is not above it
  CHECK(judge_metric("up", c, e, o).classification == metric_class::pass);

  const auto down = hodges_lehmann(e, c); // the same shift, negated
  CHECK(down.estimate == -hl.estimate);
  CHECK(down.upper == -hl.lower);
  o.tolerance = std::nextafter(cut, 0.0);
  CHECK(judge_metric("down", e, c, o).classification == metric_class::low);
  o.tolerance = cut;
  CHECK(judge_metric("down", e, c, o).classification == metric_class::pass);
}

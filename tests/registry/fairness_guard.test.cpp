// The fairness promotion guard: reads the disparities recorded on the
// candidate at registration, refuses an unfair or under-evidenced candidate
// with the numbers, lets a fair one through.

#include <string>
#include <vector>

#include "mlguard/fairness/group_metrics.hpp"
#include "mlguard/registry/fairness_guard.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "registry_fixtures.hpp"
#include "test_support.hpp"

namespace fairness_guard_test {

using namespace mlguard;

// Holdout predictions of a model whose selection rate is `rate_b` in group b
// and 0.5 in group a (40 rows per group).
registry::version_metadata recorded(double rate_b) {
  std::vector<double> y, p;
  std::vector<std::int32_t> g;
  for (int i = 0; i < 80; ++i) {
    const bool b = i >= 40;
    const int k = b ? i - 40 : i;
    g.push_back(b ? 1 : 0);
    y.push_back(k % 2 == 0 ? 1.0 : 0.0);
    p.push_back(k < (b ? rate_b : 0.5) * 40 ? 1.0 : 0.0);
  }
  registry::version_metadata meta;
  meta.metrics = fairness::metric_entries(fairness::evaluate(y, p, g, {"a", "b"}), "fairness.zone");
  return meta;
}

} // namespace fairness_guard_test

TEST_CASE("guards::fairness_limit: refuses an unfair candidate with its numbers") {
  using namespace mlguard;
  using fairness_guard_test::recorded;
  manual_clock clock(test::test_epoch());
  registry::in_memory_registry reg(clock);
  reg.create_model("tips");
  reg.register_version("tips", "mem://1", recorded(0.5));  // parity
  reg.register_version("tips", "mem://2", recorded(0.25)); // difference 0.25, ratio 0.5
  reg.register_version("tips", "mem://3");                 // nothing recorded
  reg.guards().add("fair",
                   registry::guards::fairness_limit(
                       "fairness.zone", {fairness::disparity::demographic_parity_difference, 0.1}),
                   "champion");

  CHECK(reg.set_alias("tips", "champion", 1).outcome == registry::alias_outcome::applied);
  auto r = reg.set_alias("tips", "champion", 2);
  CHECK(r.outcome == registry::alias_outcome::refused);
  CHECK(r.guard == "fair");
  CHECK(r.reason == "fairness.zone.demographic_parity_difference 0.250000 > 0.100000");
  CHECK(reg.alias_version("tips", "champion") == 1);
  r = reg.set_alias("tips", "champion", 3);
  CHECK(r.outcome == registry::alias_outcome::refused);
  CHECK(r.reason.find("has no fairness metrics") != std::string::npos);
  // Other aliases are not guarded.
  CHECK(static_cast<bool>(reg.set_alias("tips", "challenger", 2)));

  SUBCASE("the ratio: the four-fifths rule") {
    reg.guards().add("fair",
                     registry::guards::fairness_limit(
                         "fairness.zone", {fairness::disparity::demographic_parity_ratio, 0.8}));
    r = reg.set_alias("tips", "champion", 2);
    CHECK(r.outcome == registry::alias_outcome::refused);
    CHECK(r.reason == "fairness.zone.demographic_parity_ratio 0.500000 < 0.800000");
  }
  SUBCASE("too little evidence") {
    reg.guards().add(
        "fair",
        registry::guards::fairness_limit(
            "fairness.zone", {fairness::disparity::demographic_parity_difference, 0.5}, 2, 1000));
    r = reg.set_alias("tips", "champion", 2);
    CHECK(r.outcome == registry::alias_outcome::refused);
    CHECK(r.reason == "fairness.zone was measured on 80 rows, fewer than 1000");
    reg.guards().add(
        "fair", registry::guards::fairness_limit(
                    "fairness.zone", {fairness::disparity::demographic_parity_difference, 0.5}, 3));
    r = reg.set_alias("tips", "champion", 2);
    CHECK(r.reason == "fairness.zone compared 2 groups, fewer than 3");
  }
  SUBCASE("a looser limit lets it through") {
    reg.guards().add(
        "fair", registry::guards::fairness_limit(
                    "fairness.zone", {fairness::disparity::demographic_parity_difference, 0.3}));
    CHECK(reg.set_alias("tips", "champion", 2).outcome == registry::alias_outcome::applied);
  }
}

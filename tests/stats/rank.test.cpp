#include "mlguard/stats/rank.hpp"

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "mlguard/core/json.hpp"
#include "stats/sample_recipes.hpp"
#include "test_support.hpp"

using namespace mlguard::stats;

TEST_CASE("rank_average matches scipy.stats.rankdata(method='average') (gen_stats.py)") {
  const auto doc = mlguard::parse_json(
      mlguard::test::read_file(mlguard::test::fixture_path("reference/mannwhitneyu.json")),
      "mannwhitneyu.json");
  REQUIRE(doc["rankdata"].size() >= 5);
  for (const auto& c : doc["rankdata"]) {
    const auto x = mlguard::test::materialise(c["x"]);
    const auto expected = c["ranks"].get<std::vector<double>>();
    const auto got = rank_average(x);
    CHECK(got == expected);
  }
}

TEST_CASE("rank_average: ties share the mean rank") {
  const std::vector<double> x{10.0, 20.0, 10.0, 30.0, 20.0, 10.0};
  CHECK(rank_average(x) == std::vector<double>{2.0, 4.5, 2.0, 6.0, 4.5, 2.0});
  CHECK(rank_average(std::vector<double>{}).empty());
}

TEST_CASE("rank_average: input contract") {
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  MLGUARD_CHECK_THROWS_ID(rank_average(with_nan), "mlguard.stats.nan_input");
  const std::vector<double> x{1.0, 2.0};
  std::vector<double> out(3);
  MLGUARD_CHECK_THROWS_ID(rank_average(x, out), "mlguard.argument.size_mismatch");
}

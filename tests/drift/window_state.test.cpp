// Window states merge by adding counts and concatenating samples.
#include "mlguard/drift/window_state.hpp"

#include <cstdint>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("window_state: merge adds counts exactly and checks shapes") {
  window_state a;
  a.rows = 3;
  a.features.resize(1);
  a.features[0].counts = {1, 2, 0};
  a.features[0].missing = 1;
  a.features[0].values = {0.5, 1.5};
  window_state b = a;
  b.features[0].non_finite = 2;
  a.merge(b);
  CHECK(a.rows == 6);
  CHECK(a.features[0].counts == std::vector<std::uint64_t>{2, 4, 0});
  CHECK(a.features[0].finite() == 6);
  CHECK(a.features[0].missing == 2);
  CHECK(a.features[0].non_finite == 2);
  CHECK(a.features[0].values == std::vector<double>{0.5, 1.5, 0.5, 1.5});
  window_state c = a;
  c.features[0].counts.push_back(0);
  MLGUARD_CHECK_THROWS_ID(a.merge(c), "mlguard.argument.size_mismatch");
  c.features.clear();
  MLGUARD_CHECK_THROWS_ID(a.merge(c), "mlguard.argument.size_mismatch");
  CHECK(a.rows == 6); // a failed merge leaves the state alone
}

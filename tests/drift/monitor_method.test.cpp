// Which methods a streaming monitor runs, and what automatic picks per feature
// (numeric and categorical).
#include "mlguard/drift/monitor_method.hpp"

#include <string>
#include <vector>

#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::drift;

TEST_CASE("monitor_supports: the methods over fixed bins or a sorted sample") {
  for (method m : {method::automatic, method::ks_2samp, method::psi, method::jensen_shannon,
                   method::kl_divergence, method::hellinger, method::total_variation,
                   method::l_infinity, method::chi_square}) {
    CAPTURE(to_string(m));
    CHECK(monitor_supports(m));
  }
  // These need the whole window against the whole reference, or categories.
  for (method m : {method::wasserstein, method::wasserstein_norm, method::energy,
                   method::cramer_von_mises_2samp, method::mann_whitney_u, method::chi2_contingency,
                   method::z_test}) {
    CAPTURE(to_string(m));
    CHECK_FALSE(monitor_supports(m));
  }
}

TEST_CASE("monitor_method: automatic is Jensen-Shannon for few values, KS otherwise") {
  std::vector<double> many;
  std::vector<double> few;
  for (int i = 0; i < 200; ++i) {
    many.push_back(0.01 * i);
    few.push_back(static_cast<double>(i % 5)); // 5 distinct values
  }
  const auto continuous = feature_reference::from_sample("x", many);
  const auto discrete = feature_reference::from_sample("k", few);
  const auto no_sample = feature_reference::from_sample("x", many, default_bins, false);
  CHECK(monitor_method(method::automatic, continuous) == method::ks_2samp);
  CHECK(monitor_method(method::automatic, discrete) == method::jensen_shannon);
  CHECK(monitor_method(method::automatic, no_sample) == method::psi); // KS needs the sample
  CHECK(monitor_method(method::chi_square, continuous) == method::chi_square); // asked: kept
}

TEST_CASE("monitor_supports: categorical features take the methods over categories") {
  for (method m : {method::automatic, method::psi, method::jensen_shannon, method::kl_divergence,
                   method::hellinger, method::total_variation, method::l_infinity,
                   method::chi_square, method::chi2_contingency, method::z_test}) {
    CAPTURE(to_string(m));
    CHECK(monitor_supports(m, column_kind::categorical));
  }
  for (method m : {method::ks_2samp, method::wasserstein, method::cramer_von_mises_2samp}) {
    CAPTURE(to_string(m));
    CHECK_FALSE(monitor_supports(m, column_kind::categorical));
  }
  CHECK(monitor_supports(method::ks_2samp, column_kind::numeric));
  CHECK_FALSE(monitor_supports(method::z_test, column_kind::numeric));
}

TEST_CASE("monitor_method: automatic on a categorical feature is compare()'s pick") {
  const std::vector<std::string> three = {"a", "b", "c"};
  const auto small = feature_reference::from_categories("c", three, {400, 300, 300});
  const auto binary = feature_reference::from_categories("c", three, {400, 600, 0});
  const auto large = feature_reference::from_categories("c", three, {4000, 3000, 3000});
  CHECK(monitor_method(method::automatic, small) == method::chi_square);
  CHECK(monitor_method(method::automatic, binary) == method::z_test);
  CHECK(monitor_method(method::automatic, large) == method::jensen_shannon);
  for (const auto* r : {&small, &binary, &large}) {
    CHECK(monitor_method(method::automatic, *r) ==
          default_method(column_kind::categorical, static_cast<std::size_t>(r->size()),
                         r->present_bins()));
  }
}

#include "mlguard/validate/anomaly.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace mlguard::validate;

TEST_CASE("anomaly kinds carry TFDV's names and read back") {
  CHECK(std::string(to_string(anomaly_kind::float_type_big_float)) == "FLOAT_TYPE_BIG_FLOAT");
  CHECK(std::string(to_string(anomaly_kind::comparator_jensen_shannon_divergence_high)) ==
        "COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH");
  for (std::size_t k = 0; k < anomaly_kind_count; ++k) {
    const auto kind = static_cast<anomaly_kind>(k);
    CHECK(anomaly_kind_from_string(to_string(kind)) == kind);
  }
  MLGUARD_CHECK_THROWS_ID(anomaly_kind_from_string("FLOAT_TYPE_HUGE"),
                          "mlguard.validate.unknown_anomaly_kind");
  MLGUARD_CHECK_THROWS_ID(severity_from_string("fatal"), "mlguard.validate.unknown_severity");
  CHECK(default_severity(anomaly_kind::schema_new_column) == severity::warning);
  CHECK(default_severity(anomaly_kind::schema_missing_column) == severity::error);
}

TEST_CASE("anomaly_set: bits, the missing observation and emptiness") {
  anomaly_set a;
  CHECK(a.empty());
  a.set_missing();
  CHECK(a.missing());
  CHECK(a.empty()); // missing alone is an observation, not an anomaly
  a.set(anomaly_kind::float_type_has_inf);
  CHECK_FALSE(a.empty());
  CHECK(a.has(anomaly_kind::float_type_has_inf));
  CHECK_FALSE(a.has(anomaly_kind::float_type_has_nan));
  CHECK(a.bits() == (1U << static_cast<unsigned>(anomaly_kind::float_type_has_inf)));
  a.clear();
  CHECK(a == anomaly_set{});
}

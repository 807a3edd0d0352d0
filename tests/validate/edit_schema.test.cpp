#include "mlguard/validate/edit_schema.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mlguard/io/csv.hpp"
#include "mlguard/validate/infer_schema.hpp"
#include "mlguard/validate/validate_batch.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::validate;

namespace edit_schema_test {

schema sample() {
  auto s = infer_schema(io::parse_csv("fare,n,c\n1.5,1,a\n7.5,3,b\n4.0,2,a\n"));
  s.set_severity(anomaly_kind::schema_new_column, severity::error);
  return s;
}

} // namespace edit_schema_test

TEST_CASE("edit_feature: domain, kind, policy, impute, severity, presence, NaN/inf") {
  const auto s = edit_schema_test::sample();
  auto e = edit_feature(s, "fare", {"min=0", "max=500", "policy=clip", "severity=warning"});
  CHECK(*e[0].min == 0.0);
  CHECK(*e[0].max == 500.0);
  CHECK(e[0].action == row_action::clip);
  CHECK(e[0].level == severity::warning);
  CHECK(e.check(0).hi == 500.0); // compiled, not only stored
  CHECK(e.severity_of(anomaly_kind::schema_new_column) == severity::error); // kept
  CHECK(e[1].name == "n");
  CHECK(e[1].kind == s[1].kind); // other features untouched
  CHECK(s[0].max == 7.5);        // the original is untouched

  e = edit_feature(e, "fare",
                   {"max=none", "severity=default", "required=false", "max_missing_fraction=0.2",
                    "allow_nan=true", "allow_inf=true"});
  CHECK(*e[0].min == 0.0);
  CHECK_FALSE(e[0].max.has_value());
  CHECK_FALSE(e[0].level.has_value());
  CHECK_FALSE(e[0].required);
  CHECK(e[0].max_missing_fraction == 0.2);
  CHECK(e[0].allow_nan);
  CHECK(e[0].allow_inf);
  e = edit_feature(e, "fare", {"required=true", "domain=none", "policy=impute", "impute=3"});
  CHECK(e[0].required);
  CHECK(e[0].max_missing_fraction == 0.0);
  CHECK_FALSE(e[0].min.has_value());
  CHECK(*e[0].impute_value == 3.0);
  CHECK(e[0].impute == impute_source::constant);

  // An integer feature that later holds fractions: kind=numeric.
  const auto later = io::parse_csv("fare,n,c\n2.0,2.5,a\n");
  CHECK(validate_batch(s, later).find("n", anomaly_kind::int_type_not_int_string) != nullptr);
  const auto numeric = edit_feature(s, "n", {"kind=numeric"});
  CHECK(validate_batch(numeric, later).outcome == verdict::pass);

  const auto c = edit_feature(s, "c", {"policy=impute", "impute=b"});
  CHECK(*c[2].impute_category == "b");
  // The edited schema writes and reads back as any schema.
  CHECK(schema::parse(e.dump(), "edited").dump() == e.dump());
}

TEST_CASE("edit_feature: unknown features, unknown keys, bad values, contradictions") {
  const auto s = edit_schema_test::sample();
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "tip", {"min=0"}), "mlguard.validate.unknown_feature");
  for (const char* bad :
       {"colour=red", "min", "=3", "min=abc", "min=inf", "min=", "max=1e999", "kind=decimal",
        "policy=drop", "severity=info", "required=yes", "max_missing_fraction=1.5",
        "max_missing_fraction=-0.1", "allow_nan=1", "domain=0..5", "impute=x"}) {
    CAPTURE(bad);
    MLGUARD_CHECK_THROWS_ID(edit_feature(s, "fare", {bad}), "mlguard.validate.invalid_setting");
  }
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "c", {"impute="}), "mlguard.validate.invalid_setting");
  // Settings that parse but leave the feature inconsistent: the schema's own check.
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "fare", {"min=10", "max=5"}),
                          "mlguard.validate.invalid_spec");
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "fare", {"domain=none", "policy=clip"}),
                          "mlguard.validate.invalid_spec");
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "c", {"min=0"}), "mlguard.validate.invalid_spec");
  MLGUARD_CHECK_THROWS_ID(edit_feature(s, "c", {"policy=impute", "impute=zz"}),
                          "mlguard.validate.invalid_spec");
  // Settings apply in order: a later one wins.
  CHECK(*edit_feature(s, "fare", {"max=1", "max=2"})[0].max == 2.0);
}

#include "mlguard/registry/model_uri.hpp"

#include "test_support.hpp"

using namespace mlguard::registry;

TEST_CASE("model_uri: the three MLflow forms") {
  const auto a = parse_model_uri("models:/churn@champion");
  CHECK(a.name == "churn");
  CHECK(a.alias == "champion");
  CHECK_FALSE(a.version.has_value());
  CHECK(a.str() == "models:/churn@champion");
  const auto v = parse_model_uri("models:/churn/7");
  CHECK(v.version == 7);
  CHECK_FALSE(v.alias.has_value());
  CHECK(v.str() == "models:/churn/7");
  const auto l = parse_model_uri("models:/churn/latest");
  CHECK(l.latest);
  CHECK(l.str() == "models:/churn/latest");
}

TEST_CASE("model_uri: malformed URIs and names") {
  for (const char* bad :
       {"churn@champion", "models:/churn", "models:/churn/", "models:/churn/0", "models:/churn/-1",
        "models:/churn/1.5", "models:/churn/9999999999", "models:churn/1", "runs:/x/model"}) {
    CAPTURE(bad);
    MLGUARD_CHECK_THROWS_ID(parse_model_uri(bad), "mlguard.registry.invalid_uri");
  }
  MLGUARD_CHECK_THROWS_ID(parse_model_uri("models:/../x/1"), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(parse_model_uri("models:/churn@"), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(parse_model_uri("models:/churn@a/b"), "mlguard.registry.invalid_name");
  MLGUARD_CHECK_THROWS_ID(parse_model_uri("models:/@champion"), "mlguard.registry.invalid_name");
}

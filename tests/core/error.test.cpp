#include "mlguard/core/error.hpp"

#include <type_traits>

#include "test_support.hpp"

using namespace mlguard;

TEST_CASE("error: what() opens with the bracketed id, id() and message() split it") {
  const error e("mlguard.registry.not_found", "model 'churn' has no version 7");
  CHECK(std::string(e.what()) == "[mlguard.registry.not_found] model 'churn' has no version 7");
  CHECK(e.id() == "mlguard.registry.not_found");
  CHECK(e.message() == "model 'churn' has no version 7");
}

TEST_CASE("error: area subclasses prefix their ids and are caught as mlguard::error") {
  SUBCASE("registry") {
    try {
      throw registry_error("not_found", "model 'churn' has no version 7");
    } catch (const error& e) {
      CHECK(e.id() == "mlguard.registry.not_found");
      CHECK(std::string(e.what()) == "[mlguard.registry.not_found] model 'churn' has no version 7");
    }
  }
  SUBCASE("each area has its own prefix") {
    CHECK(argument_error("x", "m").id() == "mlguard.argument.x");
    CHECK(format_error("x", "m").id() == "mlguard.format.x");
    CHECK(io_error("x", "m").id() == "mlguard.io.x");
    CHECK(stats_error("x", "m").id() == "mlguard.stats.x");
    CHECK(drift_error("x", "m").id() == "mlguard.drift.x");
    CHECK(profile_error("x", "m").id() == "mlguard.profile.x");
    CHECK(validation_error("x", "m").id() == "mlguard.validate.x");
    CHECK(pipeline_error("x", "m").id() == "mlguard.pipeline.x");
    CHECK(registry_error("x", "m").id() == "mlguard.registry.x");
  }
  SUBCASE("std::runtime_error handlers still catch them") {
    CHECK_THROWS_AS(throw io_error("open_failed", "x"), std::runtime_error);
  }
}

TEST_CASE("error: an empty message keeps the id readable") {
  const stats_error e("empty_sample", "");
  CHECK(std::string(e.what()) == "[mlguard.stats.empty_sample] ");
  CHECK(e.message().empty());
}

TEST_CASE("error: copies keep id and message") {
  const pipeline_error original("unknown_stage", "stage kind 'foo'");
  const pipeline_error copy = original; // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(copy.id() == original.id());
  CHECK(copy.message() == "stage kind 'foo'");
  static_assert(std::is_base_of_v<error, pipeline_error>);
}

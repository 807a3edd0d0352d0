// A guarded model's windows and counters feed a controller, which rolls the
// version back when its inputs drift; the controller's own thread is
// exercised with several observing threads (run under TSan).

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "../registry/registry_fixtures.hpp"
#include "../serving/serving_support.hpp"
#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/rollback/signals.hpp"
#include "test_support.hpp"

using namespace std::chrono_literals;
namespace rb = mlguard::rollback;

namespace {

void two_champions(mlguard::registry::model_registry& r) {
  r.create_model("tips");
  for (int v = 1; v <= 2; ++v) {
    r.register_version("tips", "mem://tips/" + std::to_string(v));
    r.set_alias("tips", "champion", v);
  }
}

// Serves `rows` trips of tip_trips(seed, mean_fare) to `m`.
void serve_trips(mlguard::serving::guarded_model& m, std::uint64_t seed, double mean_fare,
                 std::size_t rows) {
  const auto t = mlguard::test::tip_trips(seed, mean_fare, rows);
  for (std::size_t i = 0; i < rows; ++i) {
    const double row[] = {t.at("fare").values()[i], t.at("distance").values()[i]};
    m.predict(mlguard::span<const double>(row, 2));
  }
}

} // namespace

TEST_CASE("signals: drifting inputs of a guarded model make the controller roll it back") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  mlguard::registry::in_memory_registry registry(clock);
  two_champions(registry);
  rb::controller_options co;
  co.model = "tips";
  co.clock = &clock;
  // At least 1 drifted feature in 2 of the last 3 input windows.
  rb::rollback_controller controller(registry, rb::drift(1, 2, 3), co);
  controller.poll();

  mlguard::serving::guarded_options go;
  go.inputs.window.size = 200;
  go.monitor_predictions = false;
  go.lanes = 1;
  rb::connect(go, controller, clock);
  mlguard::serving::guarded_model model(mlguard::test::tip_bundle(), 2, go);

  serve_trips(model, 7, 12.0, 400); // two windows like the training data
  CHECK(controller.poll().empty());
  serve_trips(model, 8, 20.0, 200); // fares shifted by 2 standard deviations
  CHECK(controller.poll().empty()); // one drifted window of the last three
  serve_trips(model, 9, 20.0, 200);
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::rollback);
  CHECK(decided[0].policy == "drift ≥ 1 features in 2 of 3 windows");
  CHECK(registry.alias_version("tips", "champion") == 1);
}

TEST_CASE("signals: each labelled request's error reaches the controller") {
  mlguard::manual_clock clock(mlguard::test::test_epoch());
  mlguard::registry::in_memory_registry registry(clock);
  two_champions(registry);
  rb::controller_options co;
  co.model = "tips";
  co.clock = &clock;
  // More than half of at least 20 labelled requests wrong, within the hour.
  rb::rollback_controller controller(registry, rb::rate("error", 0.5, 1h, 20), co);
  controller.poll();
  mlguard::serving::guarded_options go;
  go.monitor_inputs = false;
  go.monitor_predictions = false;
  std::vector<double> seen;
  go.on_error = [&seen](int version, double e) {
    CHECK(version == 2);
    seen.push_back(e);
  };
  rb::connect(go, controller, clock);
  mlguard::serving::guarded_model model(mlguard::test::tip_bundle(), 2, go);
  const auto t = mlguard::test::tip_trips(11, 12.0, 30);
  for (std::uint64_t i = 0; i < 30; ++i) {
    const double row[] = {t.at("fare").values()[i], t.at("distance").values()[i]};
    const auto o = model.predict(mlguard::span<const double>(row, 2), i + 1);
    model.record_label(i + 1, o.prediction > 0.5 ? 0.0 : 1.0); // every label contradicts
  }
  CHECK(seen == std::vector<double>(30, 1.0)); // the application's callback still runs
  const auto decided = controller.poll();
  REQUIRE(decided.size() == 1);
  CHECK(decided[0].action == rb::decision_verdict::rollback);
  CHECK(decided[0].reason.find("rate error above 0.5") != std::string::npos);
}

TEST_CASE("signals: request_sampler turns counters into a rejected rate") {
  mlguard::serving::guarded_options go;
  go.monitor_inputs = false;
  go.monitor_predictions = false;
  mlguard::serving::guarded_model model(mlguard::test::tip_bundle(), 4, go);
  rb::request_sampler sampler(model);
  serve_trips(model, 3, 12.0, 10);
  const double malformed[] = {1.0};
  model.predict(mlguard::span<const double>(malformed, 1));
  const auto o = sampler.sample(mlguard::test::test_epoch());
  CHECK(o.signal == "rejected");
  CHECK(o.version == 4);
  CHECK(o.value == 1.0);
  CHECK(o.samples == 11);
  const auto quiet = sampler.sample(mlguard::test::test_epoch());
  CHECK(quiet.samples == 0);
}

TEST_CASE("signals: the controller's thread polls while four threads observe") {
  mlguard::registry::in_memory_registry registry;
  two_champions(registry);
  rb::controller_options co;
  co.model = "tips";
  co.interval = 1ms;
  std::atomic<int> decisions{0};
  co.on_decision = [&](const rb::decision&) { decisions.fetch_add(1); };
  rb::rollback_controller controller(registry, rb::rate("rejected", 0.5, 1h, 1000), co);
  controller.start();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&controller] {
      for (int i = 0; i < 500; ++i) {
        controller.observe({{}, 2, "rejected", 1.0, 1});
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  // 2000 requests, all rejected: the controller's thread rolls v2 back.
  for (int i = 0; i < 2000 && registry.alias_version("tips", "champion") != 1; ++i) {
    std::this_thread::sleep_for(1ms);
  }
  controller.stop();
  controller.stop(); // idempotent
  CHECK(registry.alias_version("tips", "champion") == 1);
  CHECK(decisions.load() == 1);
  CHECK(controller.dropped() == 0);
}

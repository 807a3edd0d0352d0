#include "mlguard/serving/registry_follower.hpp"

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/registry/in_memory_registry.hpp"
#include "mlguard/serving/publish.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

namespace {

follower_options quiet_follower(std::vector<follower_event>* events) {
  follower_options o;
  o.interval = std::chrono::milliseconds(5);
  o.model.lanes = 1;
  o.on_event = [events](const follower_event& e) { events->push_back(e); };
  return o;
}

} // namespace

TEST_CASE("registry_follower: follows the alias, keeps serving through a corrupt bundle") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  registry::in_memory_registry models;
  publish(models, store, "tips", test::tip_bundle(1, 12.0));
  publish(models, store, "tips", test::tip_bundle(2, 14.0));
  const auto v3 = publish(models, store, "tips", test::tip_bundle(3, 16.0));
  models.set_alias("tips", "champion", 1);

  model_slot<guarded_model> slot;
  std::vector<follower_event> events;
  registry_follower follower(models, store, "models:/tips@champion", slot, quiet_follower(&events));
  CHECK(follower.poll());
  CHECK(slot.acquire()->version() == 1);
  CHECK_FALSE(follower.poll()); // nothing moved
  REQUIRE(events.size() == 1);
  CHECK(events[0].what == follower_event::kind::swapped);

  models.set_alias("tips", "champion", 2);
  CHECK(follower.poll());
  CHECK(slot.acquire()->version() == 2);
  CHECK(events.back().previous == 1);

  // Version 3's bundle rots in the store: the follower keeps version 2 and marks 3 failed.
  std::ofstream(store.directory(v3.artifact_digest) + "/" + member::pipeline, std::ios::trunc)
      << "{}";
  models.set_alias("tips", "champion", 3);
  CHECK_FALSE(follower.poll());
  CHECK(slot.acquire()->version() == 2);
  CHECK(follower.serving_version() == 2);
  CHECK(events.back().what == follower_event::kind::failed);
  CHECK(events.back().reason.find("mlguard.serving.digest_mismatch") != std::string::npos);
  CHECK(models.get_version("tips", 3).status == registry::version_status::failed);
  const auto journal = models.audit_log("tips");
  CHECK(journal.back().actor == "mlguard-follower");
  CHECK(journal.back().reason.find("digest_mismatch") != std::string::npos);
  const auto failures = events.size();
  CHECK_FALSE(follower.poll()); // not retried while the alias stays there
  CHECK(events.size() == failures);

  // A good version again, found by the follower's own thread within its interval.
  models.set_alias("tips", "champion", 1);
  follower.start();
  for (int i = 0; i < 400 && follower.serving_version() != 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  follower.stop();
  CHECK(follower.serving_version() == 1);
  CHECK(slot.acquire()->version() == 1);
}

TEST_CASE("registry_follower: requests never fail while the follower swaps") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  registry::in_memory_registry models;
  publish(models, store, "tips", test::tip_bundle(1, 12.0));
  publish(models, store, "tips", test::tip_bundle(2, 14.0));
  models.set_alias("tips", "champion", 1);
  model_slot<guarded_model> slot;
  std::vector<follower_event> events;
  registry_follower follower(models, store, "models:/tips@champion", slot, quiet_follower(&events));
  REQUIRE(follower.poll());

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::atomic<int> served{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      const double row[2] = {15.0, 2.0};
      while (!stop.load()) {
        auto model = slot.acquire();
        if (!model || model->predict(row).status != request_status::ok) {
          failures.fetch_add(1);
        }
        served.fetch_add(1);
      }
    });
  }
  for (int swap = 0; swap < 6; ++swap) {
    models.set_alias("tips", "champion", swap % 2 == 0 ? 2 : 1);
    CHECK(follower.poll());
  }
  stop = true;
  for (auto& t : readers) {
    t.join();
  }
  CHECK(failures == 0);
  CHECK(served > 0);
}

TEST_CASE("registry_follower: with watch, the thread swaps as soon as the alias moves") {
  const test::temp_dir dir;
  file_artifact_store store(dir.file("artifacts"));
  registry::in_memory_registry models;
  publish(models, store, "tips", test::tip_bundle(1, 12.0));
  publish(models, store, "tips", test::tip_bundle(2, 14.0));
  models.set_alias("tips", "champion", 1);
  model_slot<guarded_model> slot;
  std::vector<follower_event> events;
  auto o = quiet_follower(&events);
  o.interval = std::chrono::minutes(10); // only the journal can wake it
  o.watch = true;
  registry_follower follower(models, store, "models:/tips@champion", slot, o);
  follower.start();
  auto serving_within = [&](int version, std::chrono::milliseconds limit) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (follower.serving_version() != version && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return follower.serving_version() == version;
  };
  CHECK(serving_within(1, std::chrono::seconds(10)));
  const auto moved = std::chrono::steady_clock::now();
  models.set_alias("tips", "champion", 2);
  CHECK(serving_within(2, std::chrono::seconds(5)));
  MESSAGE(
      "swapped "
      << std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - moved).count()
      << " ms after the move");
  const auto stopping = std::chrono::steady_clock::now();
  follower.stop(); // within about one watch slice, not the 10-minute interval
  CHECK(std::chrono::steady_clock::now() - stopping < std::chrono::seconds(2));
  o.watch_slice = std::chrono::milliseconds(0);
  MLGUARD_CHECK_THROWS_ID(registry_follower(models, store, "models:/tips@champion", slot, o),
                          "mlguard.argument.invalid_option");
}

#include "mlguard/serving/publish.hpp"

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "mlguard/registry/file_registry.hpp"
#include "process.hpp"
#include "serving/serving_support.hpp"
#include "test_support.hpp"

using namespace mlguard;
using namespace mlguard::serving;

TEST_CASE("publish: SIGKILL at random moments never leaves a version that fails verification "
          "(25 kills)") {
  const test::temp_dir dir;
  const auto root = dir.file("registry");
  const auto store_root = dir.file("artifacts");
  save_bundle(dir.file("bundle"), test::tip_bundle());
  std::mt19937 rng(20261130);
  std::uniform_int_distribution<int> delay_us(0, 60000);
  int acknowledged = 0;
  for (int kill = 0; kill < 25; ++kill) {
    test::child_process c(
        {MLGUARD_REGISTRY_WORKER_PATH, "publish", root, "tips", store_root, dir.file("bundle")});
    REQUIRE(c.wait_for("ready\n", 10000));
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
    c.kill_and_reap();
    for (std::size_t at = c.text.find("\np "); at != std::string::npos;
         at = c.text.find("\np ", at + 1)) {
      ++acknowledged;
    }
  }
  registry::file_registry models(root);
  file_artifact_store store(store_root);
  const auto versions = models.list_versions("tips");
  CHECK(static_cast<int>(versions.size()) >= acknowledged); // every acknowledged publish is there
  for (const auto& v : versions) {
    CHECK_NOTHROW(open_bundle(models, store, "models:/tips/" + std::to_string(v.version)));
  }
  MESSAGE(versions.size() << " versions registered, " << acknowledged
                          << " acknowledged before a kill");
}

// A child process for the file registry's multi-process tests.
//
//   mlguard_registry_worker register ROOT MODEL COUNT [nofsync]
//       registers COUNT versions of MODEL, printing each acknowledged version number
//   mlguard_registry_worker churn ROOT MODEL [nofsync]
//       prints "ready", then forever: registers a version ("v N"), moves alias
//       "champion" to it with a compare-and-swap ("a N"), tags it ("t N"); each line is
//       printed and flushed only after the call returned, so every printed line is an
//       acknowledged write. The parent kills it with SIGKILL at a random moment.
//   mlguard_registry_worker publish ROOT MODEL STORE BUNDLE_DIR
//       prints "ready", then forever: publishes the bundle in BUNDLE_DIR with a new
//       metadata counter (so each is a new bundle, fully written) and prints "p N".
//   mlguard_registry_worker inspect ROOT MODEL history|list|register
//       opens the registry, resolves MODEL's latest version, then reads its whole audit
//       journal (history), lists every version (list) or registers one more version
//       (register); prints "open SECONDS MAXRSS_KB LATEST" and "STEP SECONDS MAXRSS_KB
//       COUNT" (COUNT: records, versions, or the new version's number), so a test sees
//       what one step costs a fresh process.
//   mlguard_registry_worker controller ROOT MODEL GO_FILE
//       runs a rollback controller on MODEL@champion, prints "ready", waits until
//       GO_FILE exists (so several workers decide at once), observes an error rate
//       that trips its policy, polls, and prints "rollbacks N" (how many rollbacks
//       this controller applied) and "done".
//
// Exit status 0 on success, 1 on an error (printed to stderr).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <chrono>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>

#include "mlguard/registry/file_registry.hpp"
#include "mlguard/rollback/controller.hpp"
#include "mlguard/serving/model_bundle.hpp"
#include "mlguard/serving/publish.hpp"

using namespace mlguard::registry;

namespace {

long max_rss_kb() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
  try {
    if (argc < 4) {
      std::fprintf(stderr,
                   "usage: %s register ROOT MODEL COUNT [nofsync] | churn ROOT MODEL [nofsync]\n",
                   argv[0]);
      return 2;
    }
    const std::string mode = argv[1];
    const std::string model = argv[3];
    if (mode == "inspect" && argc >= 5) {
      const std::string step = argv[4];
      auto start = std::chrono::steady_clock::now();
      file_registry_options options;
      options.create = false;
      options.fsync = false;
      file_registry reg(argv[2], options);
      const int latest = reg.resolve_version("models:/" + model + "/latest");
      std::printf("open %.6f %ld %d\n", seconds_since(start), max_rss_kb(), latest);
      start = std::chrono::steady_clock::now();
      long count = 0;
      if (step == "history") {
        count = static_cast<long>(reg.audit_log(model).size());
      } else if (step == "list") {
        count = static_cast<long>(reg.list_versions(model).size());
      } else if (step == "register") {
        count = reg.register_version(model, "s3://bucket/inspect").version;
      }
      std::printf("%s %.6f %ld %ld\n", step.c_str(), seconds_since(start), max_rss_kb(), count);
      std::fflush(stdout);
      return 0;
    }
    const bool sync = std::string(argv[argc - 1]) != "nofsync";
    file_registry_options options;
    options.fsync = sync;
    file_registry reg(argv[2], options);
    const change_context who{"worker-" + std::to_string(::getpid()), "test"};
    if (mode == "register" && argc >= 5) {
      const int count = std::atoi(argv[4]);
      for (int i = 0; i < count; ++i) {
        const auto v = reg.register_version(
            model, "s3://bucket/" + std::to_string(::getpid()) + "/" + std::to_string(i), {}, who);
        std::printf("%d\n", v.version);
      }
      std::fflush(stdout);
      return 0;
    }
    if (mode == "publish" && argc >= 6) {
      mlguard::serving::file_artifact_store store(argv[4]);
      auto bundle = mlguard::serving::load_bundle(argv[5]).bundle;
      std::printf("ready\n");
      std::fflush(stdout);
      for (long i = 0;; ++i) {
        bundle.metadata["publication"] = i;
        const auto v = mlguard::serving::publish(reg, store, model, bundle, {}, who);
        std::printf("p %d\n", v.version);
        std::fflush(stdout);
      }
    }
    if (mode == "controller" && argc >= 5) {
      mlguard::rollback::controller_options co;
      co.model = model;
      co.actor = who.actor;
      mlguard::rollback::rollback_controller controller(
          reg, mlguard::rollback::threshold("error_rate", 0.2, 0.1), co);
      controller.poll();
      // Queued before the start, so every worker looks at the alias and decides
      // at once: the compare-and-swap, not timing, must keep it to one rollback.
      controller.observe({{}, 0, "error_rate", 0.9, 100});
      std::printf("ready\n");
      std::fflush(stdout);
      struct stat go {};
      while (::stat(argv[4], &go) != 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
      int rollbacks = 0;
      for (const auto& d : controller.poll()) {
        rollbacks += d.action == mlguard::rollback::decision_verdict::rollback ? 1 : 0;
      }
      std::printf("rollbacks %d\ndone\n", rollbacks);
      std::fflush(stdout);
      return 0;
    }
    if (mode == "churn") {
      std::printf("ready\n");
      std::fflush(stdout);
      for (long i = 0;; ++i) {
        version_metadata meta;
        meta.metrics["auc"] = 0.5 + static_cast<double>(i % 100) / 1000.0;
        meta.tags["run"] = std::to_string(i);
        const auto v =
            reg.register_version(model, "s3://bucket/run-" + std::to_string(i), meta, who);
        std::printf("v %d\n", v.version);
        std::fflush(stdout);
        const auto current = reg.alias_version(model, "champion");
        const auto moved = reg.set_alias(
            model, "champion", v.version,
            current ? alias_expectation::version(*current) : alias_expectation::absent(), who);
        if (moved.outcome == alias_outcome::applied) {
          std::printf("a %d\n", v.version);
          std::fflush(stdout);
        }
        reg.set_version_tag(model, v.version, "seen", "yes", who);
        std::printf("t %d\n", v.version);
        std::fflush(stdout);
      }
    }
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "worker: %s\n", e.what());
    return 1;
  }
}

// Serving (issue 12). Targets:
// - model_slot acquire + release ≤ 20 ns uncontended, ≤ 60 ns with 4 readers
//   and a writer swapping every 100 µs;
// - one guarded request (20 features, 5 stages, input and prediction
//   monitors) ≤ 1 µs with 0 allocations;
// - request p99.9 latency while a follower loads and swaps within 2× of the
//   p99.9 with no swaps.
// Rollback (issue 13):
// - request p99.9 latency while a rollback controller, fed by the model's
//   monitor windows, rolls back through a file registry with fsync within 2×
//   of the p99.9 with the controller idle.
// Run with --benchmark_repetitions=5 and read the medians (CPU time).
#include <mlguard/pipeline/clipper.hpp>
#include <mlguard/pipeline/imputer.hpp>
#include <mlguard/pipeline/logistic_regression.hpp>
#include <mlguard/pipeline/pipeline.hpp>
#include <mlguard/pipeline/robust_scaler.hpp>
#include <mlguard/pipeline/standard_scaler.hpp>
#include <mlguard/registry/file_registry.hpp>
#include <mlguard/registry/in_memory_registry.hpp>
#include <mlguard/rollback/signals.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/make_bundle.hpp>
#include <mlguard/serving/model_slot.hpp>
#include <mlguard/serving/publish.hpp>
#include <mlguard/serving/registry_follower.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "alloc_counter.hpp"
#include "serving_data.hpp"

namespace {

using namespace mlguard;

using serving_bench::features;
using serving_bench::five_stage;
using serving_bench::make_table;

serving::model_bundle make_model_bundle(std::uint64_t seed) {
  Eigen::VectorXd y;
  const table t = make_table(20000, seed, 0.0, &y);
  const auto names = t.names();
  const Eigen::MatrixXd X = to_matrix(t, names);
  five_stage p;
  p.fit(X, names, y);
  return serving::make_bundle(p, t);
}

// Request rows, row-major, as a service would hand them over.
std::vector<double> make_requests(std::size_t rows) {
  const table t = make_table(rows, 99, 0.5, nullptr);
  std::vector<double> out;
  out.reserve(rows * features);
  for (std::size_t i = 0; i < rows; ++i) {
    for (const auto& c : t) {
      out.push_back(c.values()[i]);
    }
  }
  return out;
}

struct payload {
  std::uint64_t id;
  std::uint64_t words[7];
};

void bm_slot_acquire(benchmark::State& state) {
  static serving::model_slot<payload> slot;
  static std::atomic<bool> writing{false};
  static std::thread writer;
  if (state.thread_index() == 0) {
    slot.store(payload{1, {}});
    if (state.range(0) != 0) {
      writing = true;
      writer = std::thread([] {
        std::uint64_t id = 1;
        while (writing.load()) {
          slot.store(payload{++id, {}});
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      });
    }
  }
  const auto before = bench::allocations.load();
  std::uint64_t sum = 0;
  for (auto _ : state) {
    auto h = slot.acquire();
    sum += h->id;
    benchmark::DoNotOptimize(sum);
  }
  if (state.thread_index() == 0) {
    if (state.range(0) != 0) {
      writing = false;
      writer.join();
    } else {
      bench::report_allocations(state, before);
    }
  }
}
BENCHMARK(bm_slot_acquire)->ArgName("writer")->Arg(0)->Threads(1);
BENCHMARK(bm_slot_acquire)->ArgName("writer")->Arg(1)->Threads(4)->UseRealTime();

// One guarded request. window = 0: the default 1000-request windows (the
// request closing one pays for its evaluation); window = 1: no window closes
// during the run, so allocs/iter is the per-request figure.
void bm_guarded_request(benchmark::State& state) {
  static const serving::model_bundle bundle = make_model_bundle(1);
  static const std::vector<double> requests = make_requests(4096);
  serving::guarded_options o;
  o.lanes = 1;
  if (state.range(0) == 1) {
    o.inputs.window.size = std::size_t{1} << 40;
    o.predictions.window.size = std::size_t{1} << 40;
  }
  serving::guarded_model model(bundle, 1, o);
  std::size_t i = 0;
  std::uint64_t id = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto out =
        model.predict(span<const double>(requests.data() + i * features, features), ++id);
    benchmark::DoNotOptimize(out.prediction);
    i = (i + 1) % (requests.size() / features);
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_guarded_request)->ArgName("no_window_close")->Arg(0)->Arg(1);

// Serves requests for 1.5 s per iteration through `serve(row)` (one
// request's whole path, timed with steady_clock) and reports p50, p99,
// p99.9 and the request count.
template <typename Serve>
void measure_request_latency(benchmark::State& state, Serve&& serve) {
  const std::vector<double> requests = make_requests(4096);
  std::vector<double> latencies;
  latencies.reserve(400000);
  std::size_t i = 0;
  for (auto _ : state) {
    latencies.clear();
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (std::chrono::steady_clock::now() < end) {
      for (int k = 0; k < 256; ++k) {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(
            serve(span<const double>(requests.data() + i * features, features)).prediction);
        const auto t1 = std::chrono::steady_clock::now();
        latencies.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count());
        i = (i + 1) % (requests.size() / features);
      }
    }
  }
  std::sort(latencies.begin(), latencies.end());
  auto at = [&](double q) {
    return latencies[static_cast<std::size_t>(q * static_cast<double>(latencies.size() - 1))];
  };
  state.counters["p50_ns"] = at(0.5);
  state.counters["p99_ns"] = at(0.99);
  state.counters["p999_ns"] = at(0.999);
  state.counters["requests"] = static_cast<double>(latencies.size());
}

// Request latency percentiles through the slot, with or without a follower
// moving the alias between two versions every 20 ms (each move: open,
// verify, build with smoke rows, swap). One reader thread; time per request
// from steady_clock.
void bm_request_latency(benchmark::State& state) {
  const bool swapping = state.range(0) != 0;
  const auto root = std::filesystem::temp_directory_path() / "mlguard-bench-serving";
  std::filesystem::remove_all(root);
  serving::file_artifact_store store(root.string());
  registry::in_memory_registry models;
  serving::publish(models, store, "m", make_model_bundle(1));
  serving::publish(models, store, "m", make_model_bundle(2));
  models.set_alias("m", "champion", 1);
  serving::model_slot<serving::guarded_model> slot;
  serving::follower_options fo;
  fo.interval = std::chrono::milliseconds(5);
  fo.model.lanes = 1;
  std::atomic<int> swaps{0};
  fo.on_event = [&](const serving::follower_event& e) {
    swaps.fetch_add(e.what == serving::follower_event::kind::swapped ? 1 : 0);
  };
  serving::registry_follower follower(models, store, "models:/m@champion", slot, fo);
  follower.poll();
  follower.start();
  std::atomic<bool> moving{swapping};
  std::thread mover([&] {
    int v = 1;
    while (moving.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      v = 3 - v;
      models.set_alias("m", "champion", v);
    }
  });
  measure_request_latency(state,
                          [&](span<const double> row) { return slot.acquire()->predict(row); });
  moving = false;
  mover.join();
  follower.stop();
  state.counters["swaps"] = swaps.load();
  std::filesystem::remove_all(root);
}
BENCHMARK(bm_request_latency)
    ->ArgName("swapping")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Request latency percentiles of a guarded model whose monitor windows (one
// per 200 requests) feed a rollback controller on its own thread, with or
// without the controller writing: with writes, a feeder trips the policy
// every 2 ms, so the controller rolls the alias back through a file registry
// (journal append + fsync + documents) about every poll. The request path
// only queues window observations; it never waits on the registry.
void bm_request_latency_controller(benchmark::State& state) {
  const bool writing = state.range(0) != 0;
  const auto root = std::filesystem::temp_directory_path() / "mlguard-bench-rollback";
  std::filesystem::remove_all(root);
  registry::file_registry models(root.string()); // fsync on
  models.create_model("m");
  constexpr int versions = 400;
  for (int v = 1; v <= versions; ++v) {
    models.register_version("m", "s3://m/" + std::to_string(v));
    models.set_alias("m", "champion", v);
  }
  rollback::controller_options co;
  co.model = "m";
  co.interval = std::chrono::milliseconds(1);
  rollback::rollback_controller controller(models, rollback::threshold("error_rate", 0.2, 0.1), co);
  controller.poll();
  serving::guarded_options go;
  go.lanes = 1;
  go.inputs.window.size = 200;
  go.predictions.window.size = 200;
  rollback::connect(go, controller);
  serving::guarded_model model(make_model_bundle(1), versions, go);
  controller.start();
  std::atomic<bool> feeding{writing};
  std::thread feeder([&] {
    while (feeding.load()) {
      controller.observe({{}, 0, "error_rate", 0.9, 100});
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  measure_request_latency(state, [&](span<const double> row) { return model.predict(row); });
  feeding = false;
  feeder.join();
  controller.stop();
  std::size_t rollbacks = 0;
  for (const auto& r : models.audit_log("m")) {
    rollbacks += r.action == registry::audit_action::rollback_alias ? 1 : 0;
  }
  state.counters["rollbacks"] = static_cast<double>(rollbacks);
  std::filesystem::remove_all(root);
}
BENCHMARK(bm_request_latency_controller)
    ->ArgName("writing")
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

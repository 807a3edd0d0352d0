// XGBoost behind the guarded model (issue 19). Targets:
// - one row through a 100-tree, depth-6 booster: the guarding overhead of
//   guarded_model::predict through a model_slot (validation, monitors, slot)
//   over the raw XGBoosterPredictFromDense call, with the same config string,
//   ≤ 1 µs; mlguard's part allocates nothing (XGBoost allocates inside its C
//   API call: bm_xgb_row_raw counts how often);
// - 1e5 rows through xgboost_model::predict_batch against python3-xgboost's
//   inplace_predict and predict on the same model and rows, as a ratio
//   (benchmarks/run_xgboost_vs_python.sh runs both and prints it).
// The booster and the rows come from MLGUARD_XGBOOST_BENCH_DATA (written by
// benchmarks/peers/xgboost_peer.py --write-data), so both sides time the very
// same input; without it, rows are generated and the booster trained here.
// Run with --benchmark_repetitions=5 and read the medians (CPU time; the
// batch benchmarks measure the process's CPU time, so XGBoost's OpenMP
// threads count, as in Python's time.process_time).
#include <mlguard/pipeline/dynamic_pipeline.hpp>
#include <mlguard/serving/guarded_model.hpp>
#include <mlguard/serving/make_bundle.hpp>
#include <mlguard/serving/model_slot.hpp>
#include <mlguard/xgboost/train.hpp>
#include <mlguard/xgboost/xgboost_model.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "alloc_counter.hpp"

namespace {

using namespace mlguard;
using mlguard::xgboost::xgboost_model;

constexpr std::size_t features = 10;
constexpr std::size_t batch_rows = 100000;
constexpr std::size_t request_rows = 4096; // the single-row benchmarks cycle through these

struct bench_data {
  std::string booster;       // the saved model (UBJSON)
  std::vector<double> train; // training rows, row-major: the bundle's profiles
  std::vector<double> rows;  // rows to score, row-major
};

std::vector<std::string> feature_names() {
  std::vector<std::string> names;
  for (std::size_t j = 0; j < features; ++j) {
    names.push_back("x" + std::to_string(j));
  }
  return names;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<double> read_f64(const std::string& path) {
  const std::string bytes = read_bytes(path);
  std::vector<double> v(bytes.size() / sizeof(double));
  std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(v.size() * sizeof(double)),
            reinterpret_cast<char*>(v.data()));
  return v;
}

// Without the peer's files: taxi-like rows (5% missing) and a logistic label.
std::vector<double> generate(std::size_t n, std::uint64_t seed, Eigen::VectorXd* y) {
  std::mt19937_64 gen(seed);
  std::lognormal_distribution<double> fare(2.4, 0.6), distance(0.8, 0.8);
  std::uniform_int_distribution<int> passengers(1, 6), hour(0, 23);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> x(n * features);
  if (y != nullptr) {
    y->resize(static_cast<Eigen::Index>(n));
  }
  for (std::size_t i = 0; i < n; ++i) {
    double* r = &x[i * features];
    r[0] = fare(gen);
    r[1] = distance(gen);
    r[2] = passengers(gen);
    r[3] = hour(gen);
    r[4] = u(gen);
    for (std::size_t j = 5; j < features; ++j) {
      r[j] = normal(gen);
    }
    const double z = 0.08 * (r[0] - 12) - 0.3 * std::sin(r[3] / 24 * 2 * 3.141592653589793) +
                     0.8 * (r[4] > 0.6 ? 1 : 0) + 0.5 * r[5] * r[6] - 0.3 * r[7] * r[7] +
                     0.2 * r[2];
    if (y != nullptr) {
      (*y)[static_cast<Eigen::Index>(i)] = u(gen) < 1 / (1 + std::exp(-z)) ? 1.0 : 0.0;
    }
    for (std::size_t j = 0; j < features; ++j) {
      if (u(gen) < 0.05) {
        r[j] = std::nan("");
      }
    }
  }
  return x;
}

const bench_data& data() {
  static const bench_data d = [] {
    bench_data out;
    if (const char* dir = std::getenv("MLGUARD_XGBOOST_BENCH_DATA")) {
      out.booster = read_bytes(std::string(dir) + "/model.ubj");
      out.train = read_f64(std::string(dir) + "/train.f64");
      out.rows = read_f64(std::string(dir) + "/rows.f64");
      return out;
    }
    Eigen::VectorXd y;
    out.train = generate(batch_rows, 19, &y);
    out.rows = generate(batch_rows, 20, nullptr);
    using row_major = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::MatrixXd x = Eigen::Map<const row_major>(
        out.train.data(), static_cast<Eigen::Index>(batch_rows), features);
    mlguard::xgboost::train_options o;
    o.params = {{"objective", "binary:logistic"}, {"max_depth", "6"}, {"eta", "0.3"},
                {"tree_method", "hist"},          {"nthread", "2"},   {"seed", "0"}};
    o.rounds = 100;
    out.booster = mlguard::xgboost::train_booster(x, y, feature_names(), o);
    return out;
  }();
  return d;
}

// A pipeline handing the request's features to the booster as they are.
pipeline::dynamic_pipeline selector() {
  const auto names = feature_names();
  json doc = {
      {"format", "mlguard.pipeline"},
      {"format_version", 1},
      {"input_features", names},
      {"output_features", names},
      {"stages", json::array({{{"kind", "column_selector"}, {"params", {{"columns", names}}}}})}};
  return pipeline::dynamic_pipeline::from_json(doc);
}

// The first 20000 training rows: what a bundle's schema and profiles are made from.
table training_table() {
  const auto& d = data();
  const std::size_t n = 20000;
  table t;
  for (std::size_t j = 0; j < features; ++j) {
    std::vector<double> c(n);
    for (std::size_t i = 0; i < n; ++i) {
      c[i] = d.train[i * features + j];
    }
    t.add(column::numeric("x" + std::to_string(j), std::move(c)));
  }
  return t;
}

// The booster behind the selector.
serving::model_bundle xgboost_bundle() {
  const auto& d = data();
  const table t = training_table();
  serving::model_loaders loaders;
  loaders.add<xgboost_model>();
  const serving::bundle_options options; // named: see make_bundle's GCC 12 note
  return serving::make_bundle(selector(), serving::model_spec{"xgboost", "booster.ubj"},
                              serving::bundle_members{{"booster.ubj", d.booster}}, t, loaders,
                              options);
}

struct booster_deleter {
  void operator()(void* h) const noexcept { XGBoosterFree(h); }
};
using booster_ptr = std::unique_ptr<void, booster_deleter>;

// A booster of its own, loaded from the same bytes, with `threads` OpenMP threads.
booster_ptr load_booster(int threads) {
  void* h = nullptr;
  const auto& bytes = data().booster;
  if (XGBoosterCreate(nullptr, 0, &h) != 0 ||
      XGBoosterLoadModelFromBuffer(h, bytes.data(), static_cast<bst_ulong>(bytes.size())) != 0 ||
      XGBoosterSetParam(h, "nthread", std::to_string(threads).c_str()) != 0) {
    throw std::runtime_error(XGBGetLastError());
  }
  return booster_ptr(h);
}

// Request i of the cycle the single-row benchmarks go through.
const double* request(const double* rows, std::size_t i) {
  return rows + (i % request_rows) * features;
}

// xgboost_model's value config, with iteration_end = 1: the first tree only.
constexpr const char* first_tree_config =
    "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":1,"
    "\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";

// A proxy DMatrix, as each xgboost_model copy keeps one for its calls.
std::unique_ptr<void, mlguard::xgboost::detail::dmatrix_deleter> make_proxy() {
  void* proxy = nullptr;
  XGProxyDMatrixCreate(&proxy);
  return std::unique_ptr<void, mlguard::xgboost::detail::dmatrix_deleter>(proxy);
}

// The raw C API call the adapter makes: the same config string
// (xgboost_model's value config), the array interface of a one-row buffer
// the row is copied into, as the adapter's pipeline writes its output, and
// a reused proxy DMatrix (proxy = 1; 0: none, so XGBoost makes one per call).
// trees = 1: only the first tree is walked, so what remains is the call's
// fixed cost (parsing the config and the array interface, setting up).
void bm_xgb_row_raw(benchmark::State& state) {
  const auto booster = load_booster(1);
  const double* rows = data().rows.data();
  std::vector<double> row(features);
  const std::string interface = mlguard::xgboost::detail::dense_interface(row.data(), 1, features);
  const char* config =
      state.range(0) == 1 ? first_tree_config : mlguard::xgboost::detail::value_config;
  const auto proxy = make_proxy();
  void* const m = state.range(1) == 1 ? proxy.get() : nullptr;
  std::size_t i = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    std::copy(request(rows, i), request(rows, i) + features, row.begin());
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster.get(), interface.c_str(), config, m, &shape, &dims,
                                  &result) != 0) {
      state.SkipWithError(XGBGetLastError());
      break;
    }
    benchmark::DoNotOptimize(result[0]);
    ++i;
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_xgb_row_raw)
    ->ArgNames({"trees", "proxy"})
    ->Args({100, 1})
    ->Args({100, 0})
    ->Args({1, 1});

// The adapter alone: the selector pipeline, then the same call.
void bm_xgb_row_adapter(benchmark::State& state) {
  xgboost_model model(selector(), data().booster, "booster.ubj");
  const double* rows = data().rows.data();
  std::size_t i = 0;
  double out = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto st = model.predict_row(request(rows, i), &out);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(out);
    ++i;
  }
  bench::report_allocations(state, before);
}
BENCHMARK(bm_xgb_row_adapter);

// Guarded-model options for the row benchmarks: one lane, serving M; the
// monitor windows never close unless `close_windows` (then 1000 requests each).
template <typename M>
serving::guarded_options row_options(bool close_windows) {
  serving::guarded_options o;
  o.lanes = 1;
  o.models.add<M>();
  if (!close_windows) {
    o.inputs.window.size = std::size_t{1} << 40;
    o.predictions.window.size = std::size_t{1} << 40;
  }
  return o;
}

// Times one guarded request per iteration through `slot`, counting allocations.
void time_guarded_requests(benchmark::State& state,
                           serving::model_slot<serving::guarded_model>& slot) {
  const double* rows = data().rows.data();
  std::size_t i = 0;
  std::uint64_t id = 0;
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const auto out = slot.acquire()->predict(span<const double>(request(rows, i), features), ++id);
    benchmark::DoNotOptimize(out.prediction);
    ++i;
  }
  bench::report_allocations(state, before);
}

// The whole guarded request as a service makes it: acquire the model from a
// slot, validate the row against the schema, score it, observe inputs and
// prediction in the monitors, remember it for its label. no_window_close = 1:
// no monitor window closes during the run, so allocs/iter is the request's
// own; 0: the default 1000-request windows, evaluated by the request that
// closes one.
void bm_xgb_row_guarded(benchmark::State& state) {
  static const serving::model_bundle bundle = xgboost_bundle();
  serving::model_slot<serving::guarded_model> slot;
  slot.emplace(bundle, 1, row_options<xgboost_model>(state.range(0) == 0));
  time_guarded_requests(state, slot);
  const auto held = slot.acquire();
  if (!held) {
    return;
  }
  const auto c = held->counts();
  // Rows with a missing value are flagged, and scored all the same.
  state.counters["flagged"] =
      static_cast<double>(c.flagged + c.imputed) / static_cast<double>(c.total());
  state.counters["rejected"] = static_cast<double>(c.rejected);
}
BENCHMARK(bm_xgb_row_guarded)->ArgName("no_window_close")->Arg(1)->Arg(0);

// The raw call and the guarded request on the same row, one after the other
// (in alternating order) in each iteration, each timed by steady_clock: the
// median of the per-row differences is the guarding overhead, measured under
// the same machine load as the call it guards (run-to-run noise on a 7 µs
// XGBoost call is larger than the overhead itself). Counters in ns; the
// iteration time is one raw call plus one guarded request.
void bm_xgb_row_paired(benchmark::State& state) {
  static const serving::model_bundle bundle = xgboost_bundle();
  serving::model_slot<serving::guarded_model> slot;
  slot.emplace(bundle, 1, row_options<xgboost_model>(false));
  const auto booster = load_booster(1);
  const double* rows = data().rows.data();
  std::vector<double> row(features);
  const std::string interface = mlguard::xgboost::detail::dense_interface(row.data(), 1, features);
  const auto proxy = make_proxy();
  const auto raw = [&](std::size_t i) {
    std::copy(request(rows, i), request(rows, i) + features, row.begin());
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    XGBoosterPredictFromDense(booster.get(), interface.c_str(),
                              mlguard::xgboost::detail::value_config, proxy.get(), &shape, &dims,
                              &result);
    benchmark::DoNotOptimize(result);
  };
  std::uint64_t id = 0;
  const auto guarded = [&](std::size_t i) {
    const auto out = slot.acquire()->predict(span<const double>(request(rows, i), features), ++id);
    benchmark::DoNotOptimize(out.prediction);
  };
  using clock = std::chrono::steady_clock;
  const auto ns = [](clock::duration d) {
    return std::chrono::duration<double, std::nano>(d).count();
  };
  std::vector<double> raw_ns, guarded_ns, diff_ns;
  const auto n = static_cast<std::size_t>(state.max_iterations);
  raw_ns.reserve(n);
  guarded_ns.reserve(n);
  diff_ns.reserve(n);
  std::size_t i = 0;
  for (auto _ : state) {
    double r = 0, g = 0;
    if (i % 2 == 0) {
      const auto t0 = clock::now();
      raw(i);
      const auto t1 = clock::now();
      guarded(i);
      const auto t2 = clock::now();
      r = ns(t1 - t0);
      g = ns(t2 - t1);
    } else {
      const auto t0 = clock::now();
      guarded(i);
      const auto t1 = clock::now();
      raw(i);
      const auto t2 = clock::now();
      g = ns(t1 - t0);
      r = ns(t2 - t1);
    }
    raw_ns.push_back(r);
    guarded_ns.push_back(g);
    diff_ns.push_back(g - r);
    ++i;
  }
  const auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  state.counters["raw_ns"] = median(raw_ns);
  state.counters["guarded_ns"] = median(guarded_ns);
  state.counters["overhead_ns"] = median(diff_ns);
}
BENCHMARK(bm_xgb_row_paired)->Iterations(50000);

// Everything a guarded XGBoost request does but the XGBoost call: the same
// selector pipeline, and feature x4 (uniform on [0, 1]; 0.5 when missing)
// standing in for the booster's probability. Served by a guarded_model, it
// times mlguard's guarding work alone, without the ±1 % noise of a 7 µs
// XGBoost call around it.
class stand_in_model {
public:
  static constexpr std::string_view kind = "stand_in";
  static stand_in_model from_bundle(const serving::model_bundle& bundle,
                                    const pipeline::stage_registry& stages) {
    return stand_in_model(
        pipeline::dynamic_pipeline::from_json(bundle.pipeline, stages, serving::member::pipeline));
  }
  explicit stand_in_model(pipeline::dynamic_pipeline pre)
      : pre_(std::move(pre)), features_(pre_.output_width()) {}
  std::vector<std::string> feature_names_in() const { return pre_.feature_names_in(); }
  std::vector<std::string> feature_names_out() const { return {"score"}; }
  pipeline::row_status predict_row(const double* in, double* out) noexcept {
    const auto st = pre_.transform_row(in, features_.data());
    out[0] = std::isnan(features_[4]) ? 0.5 : features_[4];
    return st;
  }

private:
  pipeline::dynamic_pipeline pre_;
  std::vector<double> features_;
};

void bm_guard_only_row(benchmark::State& state) {
  static const serving::model_bundle bundle = [] {
    serving::model_loaders loaders;
    loaders.add<stand_in_model>();
    const serving::bundle_options options;
    return serving::make_bundle(selector(), serving::model_spec{"stand_in", "stand_in.bin"},
                                serving::bundle_members{{"stand_in.bin", "-"}}, training_table(),
                                loaders, options);
  }();
  serving::model_slot<serving::guarded_model> slot;
  slot.emplace(bundle, 1, row_options<stand_in_model>(false));
  time_guarded_requests(state, slot);
}
BENCHMARK(bm_guard_only_row);

double sum_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) {
    s += x;
  }
  return s;
}

// 1e5 rows through the adapter's batch path: the pipeline's batch
// transform, one in-place prediction, the copy out.
void bm_xgb_batch_adapter(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  xgboost_model model(selector(), data().booster, "booster.ubj", {threads, false});
  std::vector<double> out(batch_rows);
  std::vector<pipeline::row_status> status(batch_rows);
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    model.predict_batch(data().rows, out, status);
    benchmark::DoNotOptimize(out.data());
  }
  bench::report_allocations(state, before);
  state.counters["sum"] = sum_of(out); // the peer compares it with Python's
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch_rows));
}
BENCHMARK(bm_xgb_batch_adapter)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

// The same rows straight into XGBoosterPredictFromDense: the floor.
void bm_xgb_batch_raw(benchmark::State& state) {
  const auto booster = load_booster(static_cast<int>(state.range(0)));
  const std::string interface =
      mlguard::xgboost::detail::dense_interface(data().rows.data(), batch_rows, features);
  std::vector<double> out(batch_rows);
  const auto before = bench::allocations.load();
  for (auto _ : state) {
    const bst_ulong* shape = nullptr;
    bst_ulong dims = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster.get(), interface.c_str(),
                                  mlguard::xgboost::detail::value_config, nullptr, &shape, &dims,
                                  &result) != 0) {
      state.SkipWithError(XGBGetLastError());
      break;
    }
    std::copy(result, result + batch_rows, out.begin());
    benchmark::DoNotOptimize(out.data());
  }
  bench::report_allocations(state, before);
  state.counters["sum"] = sum_of(out);
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(batch_rows));
}
BENCHMARK(bm_xgb_batch_raw)
    ->ArgName("threads")
    ->Arg(1)
    ->Arg(2)
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

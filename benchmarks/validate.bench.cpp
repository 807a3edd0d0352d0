// Validation: validate_row on a 20-feature row (target ≤ 300 ns and 0 heap
// allocations), validate_fields on the same row as text, and a batch report.
// Run with --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// and read the medians.
#include <mlguard/validate/infer_schema.hpp>
#include <mlguard/validate/validate_batch.hpp>
#include <mlguard/validate/validate_row.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "alloc_counter.hpp"

namespace {

// 20 features: 10 numeric, 4 integer, 2 boolean, 4 categorical (20 categories each).
mlguard::table make_table(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> normal(100.0, 15.0);
  std::uniform_int_distribution<int> small(0, 9);
  mlguard::table t;
  for (int c = 0; c < 20; ++c) {
    const std::string name = "f" + std::to_string(c);
    if (c >= 16) {
      mlguard::vocabulary vocab;
      for (int i = 0; i < 20; ++i) {
        vocab.add("category_" + std::to_string(i));
      }
      std::vector<std::int32_t> codes(rows);
      for (auto& code : codes) {
        code = static_cast<std::int32_t>(gen() % 20);
      }
      t.add(mlguard::column::categorical(name, std::move(codes), std::move(vocab)));
      continue;
    }
    std::vector<double> v(rows);
    for (auto& x : v) {
      x = c < 10 ? normal(gen) : (c < 14 ? small(gen) : static_cast<double>(gen() % 2));
    }
    t.add(mlguard::column::numeric(name, std::move(v)));
  }
  return t;
}

// Rows of the table as doubles (categorical codes), 1% with an out-of-domain value.
std::vector<std::vector<double>> make_rows(const mlguard::table& t, std::size_t n) {
  std::vector<std::vector<double>> rows(n, std::vector<double>(t.cols()));
  for (std::size_t r = 0; r < n; ++r) {
    for (std::size_t c = 0; c < t.cols(); ++c) {
      rows[r][c] = t[c].is_numeric() ? t[c].values()[r] : t[c].codes()[r];
    }
    if (r % 100 == 0) {
      rows[r][0] = 1e9;
    }
  }
  return rows;
}

void BM_validate_row(benchmark::State& state) {
  const auto t = make_table(10000, 1);
  const auto s = mlguard::validate::infer_schema(t);
  const auto rows = make_rows(make_table(1024, 2), 1024);
  std::vector<double> row(s.size());
  std::vector<mlguard::validate::anomaly_set> out(s.size());
  std::size_t i = 0;
  std::size_t anomalies = 0;
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    const auto& src = rows[i++ & 1023];
    std::copy(src.begin(), src.end(), row.begin());
    const auto r = mlguard::validate::validate_row(s, row, out);
    anomalies += r.anomalous_features;
    benchmark::DoNotOptimize(out.data());
  }
  mlguard::bench::report_allocations(state, before);
  benchmark::DoNotOptimize(anomalies);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_validate_row);

void BM_validate_fields(benchmark::State& state) {
  const auto t = make_table(10000, 1);
  const auto s = mlguard::validate::infer_schema(t);
  const auto source = make_table(256, 2);
  std::vector<std::vector<std::string>> text(256, std::vector<std::string>(s.size()));
  for (std::size_t r = 0; r < 256; ++r) {
    for (std::size_t c = 0; c < s.size(); ++c) {
      text[r][c] = source[c].is_numeric() ? std::to_string(source[c].values()[r])
                                          : source[c].vocab().name_of(source[c].codes()[r]);
    }
  }
  std::vector<std::vector<std::string_view>> fields(256);
  for (std::size_t r = 0; r < 256; ++r) {
    fields[r].assign(text[r].begin(), text[r].end());
  }
  std::vector<double> row(s.size());
  std::vector<mlguard::validate::anomaly_set> out(s.size());
  std::size_t i = 0;
  const auto before = mlguard::bench::allocations.load();
  for (auto _ : state) {
    const auto r = mlguard::validate::validate_fields(s, fields[i++ & 255], row, out);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  mlguard::bench::report_allocations(state, before);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_validate_fields);

void BM_validate_batch(benchmark::State& state) {
  const auto t = make_table(10000, 1);
  const auto s = mlguard::validate::infer_schema(t);
  const auto batch = make_table(static_cast<std::size_t>(state.range(0)), 2);
  for (auto _ : state) {
    auto r = mlguard::validate::validate_batch(s, batch);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_validate_batch)->Arg(100000)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();

#ifndef MLGUARD_BENCHMARKS_ALLOC_COUNTER_HPP
#define MLGUARD_BENCHMARKS_ALLOC_COUNTER_HPP

// Counts heap allocations by replacing the global operator new, so a
// benchmark can prove a hot path allocates nothing. Include in exactly one
// translation unit per benchmark executable.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include <benchmark/benchmark.h>

namespace mlguard::bench {
inline std::atomic<std::size_t> allocations{0};

/// Reports allocations per iteration as the counter "allocs/iter".
/// Call with the count taken before the benchmark loop.
inline void report_allocations(benchmark::State& state, std::size_t before) {
  const auto after = allocations.load(std::memory_order_relaxed);
  state.counters["allocs/iter"] = benchmark::Counter(static_cast<double>(after - before) /
                                                     static_cast<double>(state.iterations()));
}
} // namespace mlguard::bench

// Not inlined: GCC otherwise pairs the inlined malloc/free with the
// new/delete expressions and warns (-Wmismatched-new-delete).
#if defined(__GNUC__)
#define MLGUARD_BENCH_NOINLINE __attribute__((noinline))
#else
#define MLGUARD_BENCH_NOINLINE
#endif

MLGUARD_BENCH_NOINLINE void* operator new(std::size_t size) {
  mlguard::bench::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) {
    return p;
  }
  throw std::bad_alloc();
}
MLGUARD_BENCH_NOINLINE void* operator new[](std::size_t size) { return ::operator new(size); }
MLGUARD_BENCH_NOINLINE void operator delete(void* p) noexcept { std::free(p); }
MLGUARD_BENCH_NOINLINE void operator delete[](void* p) noexcept { std::free(p); }
MLGUARD_BENCH_NOINLINE void operator delete(void* p, std::size_t) noexcept { std::free(p); }
MLGUARD_BENCH_NOINLINE void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

#endif // MLGUARD_BENCHMARKS_ALLOC_COUNTER_HPP

#!/usr/bin/env python3
"""Times scipy on the inputs of benchmarks/stats.bench.cpp.

The samples come from the same generator as the C++ benchmark (splitmix64
from a seed, u = (z >> 11) * 2**-53, x = loc + (u1 + u2 + u3 + u4 - 2)),
vectorised with numpy's wrapping uint64 arithmetic, so scipy sees the very
same doubles. Prints one JSON object: {"scipy": version, "results": {name:
{"median_ms" (wall clock), "median_cpu_ms" (process time), "repetitions",
"statistic", "p_value"}}}; names match the C++ benchmark names.

    /usr/bin/python3 benchmarks/peers/stats_peer.py [--repetitions 5]
"""
import argparse
import json
import statistics
import time

import numpy as np
import scipy
import scipy.stats as st

GAMMA = np.uint64(0x9E3779B97F4A7C15)


def splitmix_uniforms(seed, count):
    """The first `count` uniforms of splitmix64(seed), as the C++ generator."""
    with np.errstate(over="ignore"):
        state = np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * GAMMA
        z = state
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def irwin_hall(seed, n, loc):
    u = splitmix_uniforms(seed, 4 * n).reshape(n, 4)
    s = u[:, 0] + u[:, 1] + u[:, 2] + u[:, 3] - 2.0
    return loc + s


def time_it(fn, repetitions):
    """Median wall-clock and CPU (process) time in ms over `repetitions` runs."""
    fn()  # warm-up (imports, caches)
    wall, cpu = [], []
    result = None
    for _ in range(repetitions):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        cpu.append((time.process_time() - c0) * 1000.0)
        wall.append((time.perf_counter() - w0) * 1000.0)
    return statistics.median(wall), statistics.median(cpu), result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()
    cases = {}
    a, b = irwin_hall(1, 1000000, 0.0), irwin_hall(2, 1000000, 0.002)
    cases["BM_ks_2samp_1e6_vs_1e6"] = lambda: st.ks_2samp(a, b)
    sa, sb = np.sort(a), np.sort(b)
    cases["BM_ks_2samp_sorted_1e6_vs_1e6"] = lambda: st.ks_2samp(sa, sb)
    e1, e2 = irwin_hall(3, 10000, 0.0), irwin_hall(4, 10037, 0.02)
    cases["BM_ks_2samp_exact_10000_vs_10037"] = lambda: st.ks_2samp(e1, e2, method="exact")
    c1, c2 = irwin_hall(5, 5000, 0.0), irwin_hall(6, 6000, 0.01)
    cases["BM_cramer_von_mises_2samp_5000_vs_6000"] = lambda: st.cramervonmises_2samp(c1, c2)
    m1, m2 = irwin_hall(7, 5000, 0.0), irwin_hall(8, 6000, 0.01)
    cases["BM_mann_whitney_u_5000_vs_6000"] = lambda: st.mannwhitneyu(m1, m2)
    results = {}
    for name, fn in cases.items():
        wall_ms, cpu_ms, r = time_it(fn, args.repetitions)
        results[name] = {"median_ms": wall_ms, "median_cpu_ms": cpu_ms,
                         "repetitions": args.repetitions,
                         "statistic": float(r.statistic), "p_value": float(r.pvalue)}
    print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__,
                      "results": results}, indent=1))


if __name__ == "__main__":
    main()

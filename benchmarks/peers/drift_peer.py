#!/usr/bin/env python3
"""numpy/scipy peers of benchmarks/drift.bench.cpp, timed on the same input.

    drift_peer.py --write-data DIR      write DIR/reference.f64 and DIR/current.f64
                                        (1e6 float64 each: N(0,1) and N(0.2,1.1))
    drift_peer.py --data DIR [--repetitions N] [--cpp-json FILE]
                                        time the peers on those files, print the
                                        median of N repetitions; with FILE (the
                                        C++ run's --benchmark_format=json output,
                                        with repetitions) also print the ratios

The PSI peer is the numpy.histogram implementation a Python service would use
with edges precomputed from the reference: np.histogram(current, edges),
proportions, Evidently's zero fill, Σ (r − c)·ln(r/c).
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import scipy
import scipy.stats as st
from scipy.spatial import distance


def write_data(directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(42)
    rng.normal(0.0, 1.0, 1_000_000).tofile(os.path.join(directory, "reference.f64"))
    rng.normal(0.2, 1.1, 1_000_000).tofile(os.path.join(directory, "current.f64"))


def fill(p):
    p = p.copy()
    smallest = p[p != 0].min()
    p[p == 0] = smallest / 1e6 if smallest <= 1e-4 else 1e-4
    return p


def quantile_edges(ref, bins=10):
    interior = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1))[1:-1])
    return np.concatenate(([-np.inf], interior, [np.inf]))


def timed(fn, repetitions, min_time=0.2):
    """Median (wall, CPU) seconds per call over `repetitions` batches of ≥ min_time each.
    CPU time (time.process_time) is robust when other work shares the machine;
    numpy.histogram and these peers run on one thread."""
    fn()
    wall, cpu = [], []
    for _ in range(repetitions):
        calls, start, start_cpu = 0, time.perf_counter(), time.process_time()
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - start
            if elapsed >= min_time:
                break
        wall.append(elapsed / calls)
        cpu.append((time.process_time() - start_cpu) / calls)
    return statistics.median(wall), statistics.median(cpu)


def run(directory, repetitions):
    ref = np.fromfile(os.path.join(directory, "reference.f64"))
    cur = np.fromfile(os.path.join(directory, "current.f64"))
    edges = quantile_edges(ref)
    r = np.histogram(ref, edges)[0] / len(ref)
    rf = fill(r)

    def psi():
        c = np.histogram(cur, edges)[0] / len(cur)
        cf = fill(c)
        return float(np.sum((rf - cf) * np.log(rf / cf)))

    def js():
        c = np.histogram(cur, edges)[0] / len(cur)
        return float(distance.jensenshannon(r, c))

    small_ref, small_cur = ref[:100_000], cur[:100_000]
    peers = {
        # name: (C++ benchmark it compares with, callable, items per call)
        "psi_precomputed": ("BM_psi_precomputed/1000000", psi, len(cur)),
        "histogram_count": ("BM_reference_bins_count/10/1000000",
                            lambda: np.histogram(cur, edges)[0], len(cur)),
        "quantile_edges": ("BM_quantile_edges/1000000", lambda: quantile_edges(ref), len(ref)),
        "jensen_shannon_precomputed": ("BM_jensen_shannon_precomputed/1000000", js, len(cur)),
        "wasserstein_1e5": ("BM_wasserstein/100000",
                            lambda: st.wasserstein_distance(small_ref, small_cur), 200_000),
    }
    results = {}
    for name, (cpp, fn, items) in peers.items():
        wall, cpu = timed(fn, repetitions)
        results[name] = {"cpp": cpp, "seconds": wall, "cpu_seconds": cpu, "items": items}
    return results, psi()


def cpp_medians(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for b in doc["benchmarks"]:
        if b.get("aggregate_name") == "median":
            unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
            out[b["run_name"]] = {"seconds": b["real_time"] * unit,
                                  "cpu_seconds": b["cpu_time"] * unit,
                                  "items_per_second": b.get("items_per_second"),
                                  "allocs": b.get("allocs/iter"), "psi": b.get("psi")}
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write-data")
    parser.add_argument("--data")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--cpp-json")
    args = parser.parse_args()
    if args.write_data:
        write_data(args.write_data)
        return
    results, psi_value = run(args.data, args.repetitions)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; medians of {args.repetitions} "
          f"repetitions; PSI (numpy) = {psi_value!r}")
    cpp = cpp_medians(args.cpp_json) if args.cpp_json else {}
    print("times per call; ratio = numpy/scipy time ÷ mlguard time, on CPU time "
          "(robust on a shared machine) and on wall time")
    print(f"{'benchmark':<28}{'numpy cpu':>11}{'mlguard cpu':>13}{'ratio':>8}"
          f"{'numpy wall':>12}{'mlguard wall':>14}{'ratio':>8}  mlguard items/s (cpu)")
    for name, r in results.items():
        line = f"{name:<28}{r['cpu_seconds'] * 1e3:>8.3f} ms"
        c = cpp.get(r["cpp"])
        if c:
            line += (f"{c['cpu_seconds'] * 1e3:>10.3f} ms{r['cpu_seconds'] / c['cpu_seconds']:>7.1f}x"
                     f"{r['seconds'] * 1e3:>9.3f} ms{c['seconds'] * 1e3:>11.3f} ms"
                     f"{r['seconds'] / c['seconds']:>7.1f}x  {c['items_per_second'] / 1e6:,.0f} M/s")
        else:
            line += f"{'':>20}{r['seconds'] * 1e3:>9.3f} ms"
        print(line)
    psi_cpp = cpp.get("BM_psi_precomputed/1000000", {}).get("psi")
    if psi_cpp is not None:
        print(f"PSI mlguard = {psi_cpp!r}, numpy = {psi_value!r}, "
              f"|diff| = {abs(psi_cpp - psi_value):.3g}")


if __name__ == "__main__":
    main()

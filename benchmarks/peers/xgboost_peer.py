#!/usr/bin/env python3
"""python3-xgboost peers of benchmarks/xgboost.bench.cpp, timed on the same model and rows.

    xgboost_peer.py --write-data DIR    train the booster (100 trees, depth 6, binary:logistic)
                                        and write DIR/model.ubj, DIR/train.f64 and
                                        DIR/rows.f64 (1e5 x 10 float64 each, row-major, 5% NaN)
    xgboost_peer.py --data DIR [--repetitions N] [--threads 1,2] [--cpp-json FILE]
                                        time Booster.inplace_predict, DMatrix + Booster.predict
                                        and Booster.predict on those rows with each nthread, print
                                        the medians of N repetitions; with FILE (the C++ run's
                                        --benchmark_format=json output, with repetitions) also
                                        print mlguard's figures and the ratios

Both sides load the same libxgboost (Debian's python3-xgboost links libxgboost0), so the
ratios measure what surrounds the C API call: Python's wrapper on one side, the adapter's
pipeline and copies on the other.

Booster.predict caches the predictions of a DMatrix it has seen (XGBoost's prediction
cache), so timing it on one DMatrix over and over would time a copy: "predict" below gets
a new DMatrix per call, built outside the timed part.
"""
import argparse
import json
import os
import statistics
import time

import numpy as np
import xgboost as xgb

FEATURES = 10
ROWS = 100_000


def make_rows(rng, n):
    """Taxi-like columns: skewed amounts, counts, an hour, noise; 5% of cells missing."""
    x = np.empty((n, FEATURES))
    x[:, 0] = rng.lognormal(2.4, 0.6, n)             # a fare
    x[:, 1] = rng.lognormal(0.8, 0.8, n)             # a distance
    x[:, 2] = rng.integers(1, 7, n)                  # passengers
    x[:, 3] = rng.integers(0, 24, n)                 # an hour
    x[:, 4] = rng.uniform(0.0, 1.0, n)
    x[:, 5:] = rng.normal(0.0, 1.0, (n, FEATURES - 5))
    z = (0.08 * (x[:, 0] - 12) - 0.3 * np.sin(x[:, 3] / 24 * 2 * np.pi) + 0.8 * (x[:, 4] > 0.6)
         + 0.5 * x[:, 5] * x[:, 6] - 0.3 * x[:, 7] ** 2 + 0.2 * x[:, 2])
    y = (rng.uniform(0.0, 1.0, n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    x[rng.uniform(0.0, 1.0, x.shape) < 0.05] = np.nan
    return x, y


def names():
    return [f"x{j}" for j in range(FEATURES)]


def write_data(directory):
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(19)
    train, y = make_rows(rng, ROWS)
    rows, _ = make_rows(rng, ROWS)
    d = xgb.DMatrix(train, label=y, missing=np.nan, feature_names=names(), nthread=2)
    params = {"objective": "binary:logistic", "max_depth": 6, "eta": 0.3,
              "tree_method": "hist", "nthread": 2, "seed": 0}
    booster = xgb.train(params, d, num_boost_round=100)
    booster.save_model(os.path.join(directory, "model.ubj"))
    train.tofile(os.path.join(directory, "train.f64"))
    rows.tofile(os.path.join(directory, "rows.f64"))


def timed(fn, repetitions, setup=None, min_time=0.3):
    """Median (wall, CPU) seconds per call over `repetitions` batches of >= min_time of
    timed calls each. `setup()` (untimed) makes each call's argument. CPU time is the
    process's (time.process_time): it includes XGBoost's OpenMP threads, as the C++
    side's MeasureProcessCPUTime does."""
    fn(setup() if setup else None)
    wall, cpu = [], []
    for _ in range(repetitions):
        calls, spent, spent_cpu = 0, 0.0, 0.0
        while spent < min_time:
            arg = setup() if setup else None
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(arg)
            spent += time.perf_counter() - start
            spent_cpu += time.process_time() - start_cpu
            calls += 1
        wall.append(spent / calls)
        cpu.append(spent_cpu / calls)
    return statistics.median(wall), statistics.median(cpu)


def run(directory, repetitions, threads):
    booster = xgb.Booster(model_file=os.path.join(directory, "model.ubj"))
    rows = np.fromfile(os.path.join(directory, "rows.f64")).reshape(-1, FEATURES)
    leaves = sum(t.count("leaf=") for t in booster.get_dump())
    results = {}
    for n in threads:
        booster.set_param({"nthread": n})

        def dmatrix(n=n):
            return xgb.DMatrix(rows, missing=np.nan, feature_names=names(), nthread=n)

        results[n] = {
            "inplace_predict": timed(lambda _: booster.inplace_predict(rows), repetitions),
            "DMatrix + predict": timed(lambda _: booster.predict(dmatrix()), repetitions),
            "predict (DMatrix built beforehand)":
                timed(lambda d: booster.predict(d), repetitions, setup=dmatrix),
        }
    booster.set_param({"nthread": 1})
    one = rows[:1].copy()
    results["row"] = timed(lambda _: booster.inplace_predict(one), repetitions, min_time=0.2)
    checksum = float(np.sum(booster.inplace_predict(rows).astype(np.float64)))
    return results, leaves, booster.num_boosted_rounds(), checksum


def cpp_medians(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for b in doc["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        # "bm_xgb_batch_adapter/threads:1/process_time" -> "bm_xgb_batch_adapter/threads:1"
        name = b["run_name"].replace("/process_time", "").replace("/real_time", "")
        out[name] = {"wall": b["real_time"] * unit, "cpu": b["cpu_time"] * unit,
                     "allocs": b.get("allocs/iter"), "sum": b.get("sum"),
                     "overhead_ns": b.get("overhead_ns")}
    return out


def fmt(seconds):
    if seconds >= 1e-3:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds * 1e6:8.2f} us"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write-data")
    parser.add_argument("--data")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--cpp-json")
    args = parser.parse_args()
    if args.write_data:
        write_data(args.write_data)
        return
    threads = [int(t) for t in args.threads.split(",")]
    results, leaves, trees, checksum = run(args.data, args.repetitions, threads)
    cpp = cpp_medians(args.cpp_json) if args.cpp_json else {}
    print(f"xgboost {xgb.__version__}, numpy {np.__version__}; {trees} trees, {leaves} leaves; "
          f"medians of {args.repetitions} repetitions; the same nthread on both sides")

    if cpp:
        # The guarding overhead is far below the run-to-run noise of a 7 us XGBoost call, so it
        # is not read off the difference of two medians: bm_xgb_row_paired times the raw call
        # and the guarded request on each row back to back, and bm_guard_only_row serves a
        # stand-in model (everything but the XGBoost call).
        print("\none row, nthread 1 (CPU time of the calling thread):")
        raw = cpp.get("bm_xgb_row_raw/trees:100/proxy:1")
        for name, label in [("bm_xgb_row_raw/trees:100/proxy:1",
                             "raw XGBoosterPredictFromDense, proxy reused"),
                            ("bm_xgb_row_raw/trees:100/proxy:0", "the same, no proxy"),
                            ("bm_xgb_row_raw/trees:1/proxy:1", "the same, first tree only"),
                            ("bm_xgb_row_adapter", "xgboost_model::predict_row"),
                            ("bm_xgb_row_guarded/no_window_close:1",
                             "guarded_model::predict via model_slot"),
                            ("bm_xgb_row_guarded/no_window_close:0",
                             "the same, 1000-request windows"),
                            ("bm_guard_only_row", "guarding alone (a stand-in model)")]:
            c = cpp.get(name)
            if c is None:
                continue
            line = f"  {label:<40}{fmt(c['cpu'])} cpu{fmt(c['wall'])} wall"
            if c["allocs"] is not None:
                line += f"  {c['allocs']:6.2f} allocs/row"
            print(line)
        paired = cpp.get("bm_xgb_row_paired/iterations:50000")
        if paired and paired["overhead_ns"] is not None:
            print(f"  {'guarding overhead: guarded - raw':<40}{paired['overhead_ns']:8.0f} ns    "
                  "  (median of the per-row differences, each row through both)")
        wall, cpu = results["row"]
        line = f"  {'python Booster.inplace_predict':<40}{fmt(cpu)} cpu{fmt(wall)} wall"
        if raw:
            line += f"  {cpu / raw['cpu']:.2f}x the raw call"
        print(line)

    for n in threads:
        print(f"\n{ROWS} rows, nthread {n} (process CPU time; ratio = python / mlguard's "
              "predict_batch)")
        adapter = cpp.get(f"bm_xgb_batch_adapter/threads:{n}")
        raw = cpp.get(f"bm_xgb_batch_raw/threads:{n}")
        for label, (wall, cpu) in results[n].items():
            line = f"  python {label:<38}{fmt(cpu)} cpu{fmt(wall)} wall"
            if adapter:
                line += (f"  ratio {cpu / adapter['cpu']:5.2f}x cpu, "
                         f"{wall / adapter['wall']:5.2f}x wall")
            print(line)
        if adapter:
            print(f"  mlguard {'xgboost_model::predict_batch':<37}{fmt(adapter['cpu'])} cpu"
                  f"{fmt(adapter['wall'])} wall")
        if raw:
            print(f"  mlguard {'raw XGBoosterPredictFromDense':<37}{fmt(raw['cpu'])} cpu"
                  f"{fmt(raw['wall'])} wall")
    sums = [c["sum"] for k, c in cpp.items() if k.startswith("bm_xgb_batch") and c["sum"]]
    if sums:
        print(f"\nsum of the 1e5 predictions: python {checksum!r}, mlguard {sums[0]!r}, "
              f"|diff| = {abs(checksum - sums[0]):.3g}")


if __name__ == "__main__":
    main()

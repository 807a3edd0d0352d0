#!/usr/bin/env bash
# Times mlguard's two-sample tests (benchmarks/stats.bench.cpp) against scipy
# (benchmarks/peers/stats_peer.py) on the same inputs, one after the other,
# and prints the medians and the speed-up ratios (scipy time / mlguard time),
# for CPU time (robust on a shared machine) and wall-clock time.
#
#   benchmarks/run_stats_vs_scipy.sh            # 5 repetitions each
#   REPS=9 BUILD_DIR=build/bench benchmarks/run_stats_vs_scipy.sh
#
# Needs CMake, Ninja, Google Benchmark and python3 with scipy (Debian's
# python3-scipy: PYTHON=/usr/bin/python3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build/stats-bench}
REPS=${REPS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-2}

cmake --preset test -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DMLGUARD_BUILD_TESTS=OFF \
  -DMLGUARD_BUILD_EXAMPLES=OFF -DMLGUARD_BUILD_BENCHMARKS=ON >/dev/null
cmake --build "$BUILD_DIR" --target bench_stats -j "$JOBS" >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$BUILD_DIR/benchmarks/bench_stats" --benchmark_repetitions="$REPS" \
  --benchmark_report_aggregates_only=true --benchmark_format=json >"$out/mlguard.json"
"$PYTHON" benchmarks/peers/stats_peer.py --repetitions "$REPS" >"$out/scipy.json"

"$PYTHON" - "$out/mlguard.json" "$out/scipy.json" "$REPS" <<'PY'
import json
import sys

ours = json.load(open(sys.argv[1]))
peer = json.load(open(sys.argv[2]))
reps = sys.argv[3]
scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
medians = {}
for b in ours["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    name = b["run_name"].split("/")[0]
    f = scale[b["time_unit"]]
    medians[name] = (b["cpu_time"] * f, b["real_time"] * f, b.get("p_value"), b.get("statistic"))
print(f"scipy {peer['scipy']}, numpy {peer['numpy']}; medians of {reps} repetitions")
print(f"{'benchmark':44s} {'mlguard cpu':>11s} {'scipy cpu':>10s} {'ratio':>7s}"
      f" {'mlguard wall':>12s} {'scipy wall':>10s} {'ratio':>7s}  same p")
for name, (cpu, wall, p, stat) in medians.items():
    s = peer["results"].get(name)
    if s is None:
        print(f"{name:44s} {cpu:9.3f}ms {'-':>10s} {'-':>7s} {wall:10.3f}ms")
        continue
    same = p is None or abs(p - s["p_value"]) <= max(1e-12, 1e-9 * abs(s["p_value"]))
    print(f"{name:44s} {cpu:9.3f}ms {s['median_cpu_ms']:8.3f}ms {s['median_cpu_ms'] / cpu:6.1f}x"
          f" {wall:10.3f}ms {s['median_ms']:8.3f}ms {s['median_ms'] / wall:6.1f}x  {same}")
PY

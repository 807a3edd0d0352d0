#!/usr/bin/env bash
# Times mlguard's drift statistics (benchmarks/drift.bench.cpp) against their
# numpy/scipy peers (benchmarks/peers/drift_peer.py) on the same input files,
# and prints the medians of the repetitions and the speed-up ratios.
#
#   benchmarks/run_drift_vs_numpy.sh [build-dir] [repetitions]
#
# build-dir defaults to build/test (needs bench_drift built, Release or
# RelWithDebInfo); repetitions defaults to 5.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/test}
reps=${2:-5}
bench="$build/benchmarks/bench_drift"
[[ -x "$bench" ]] || { echo "no $bench; build the bench_drift target first" >&2; exit 1; }
python=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" benchmarks/peers/drift_peer.py --write-data "$work"
MLGUARD_DRIFT_BENCH_DATA="$work" "$bench" --benchmark_repetitions="$reps" \
  --benchmark_report_aggregates_only=true --benchmark_out="$work/cpp.json" \
  --benchmark_out_format=json
echo
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set for other tools; numpy gets
# its own defaults, in this command only.
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" benchmarks/peers/drift_peer.py \
  --data "$work" --repetitions "$reps" --cpp-json "$work/cpp.json"

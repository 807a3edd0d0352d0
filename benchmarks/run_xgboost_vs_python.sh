#!/usr/bin/env bash
# Times XGBoost behind mlguard (benchmarks/xgboost.bench.cpp: the raw C API
# call, the adapter, the guarded request, 1e5-row batches) and python3-xgboost
# (benchmarks/peers/xgboost_peer.py: inplace_predict, DMatrix + predict) on the
# same booster and the same rows, in one run, and prints the medians and the
# ratios. Both sides get the same nthread (1, then 2).
#
#   benchmarks/run_xgboost_vs_python.sh [build-dir] [repetitions]
#
# build-dir defaults to build/test (needs bench_xgboost built, Release; it is
# built when mlguard::xgboost is, i.e. when CMake found XGBoost);
# repetitions defaults to 5. Needs Debian's python3-xgboost (PYTHON defaults
# to /usr/bin/python3). The booster (100 trees, depth 6) is trained once,
# with a fixed seed, by xgboost_peer.py --write-data.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/test}
reps=${2:-5}
bench="$build/benchmarks/bench_xgboost"
[[ -x "$bench" ]] || { echo "no $bench; build the bench_xgboost target first" >&2; exit 1; }
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" benchmarks/peers/xgboost_peer.py --write-data "$work"
# Interleaved repetitions: load that comes and goes on a shared machine falls
# on every benchmark alike.
MLGUARD_XGBOOST_BENCH_DATA="$work" "$bench" --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_out="$work/cpp.json" --benchmark_out_format=json
echo
"$python" benchmarks/peers/xgboost_peer.py --data "$work" --repetitions "$reps" --threads 1,2 \
  --cpp-json "$work/cpp.json"

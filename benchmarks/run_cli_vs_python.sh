#!/usr/bin/env bash
# Times the whole `mlguard drift --method ks` process on two one-column CSV
# files of 1e6 doubles (%.17g, about 20 MB each, seeded) against pandas
# read_csv (numpy.loadtxt when pandas is missing; the output says so) and
# scipy.stats.ks_2samp on the same files, in one run: medians of REPS
# interleaved runs, the ratios, whether the p-values agree, and mlguard's peak
# RSS (/usr/bin/time -v) against the files' sizes. The work is in
# benchmarks/peers/cli_peer.py.
#
#   benchmarks/run_cli_vs_python.sh            # 5 repetitions
#   REPS=9 BUILD_DIR=build/cli-bench benchmarks/run_cli_vs_python.sh
#
# Needs CMake, Ninja, CLI11, /usr/bin/time (Debian's `time`) and python3 with
# numpy, scipy and pandas (Debian's python3-numpy, python3-scipy,
# python3-pandas: PYTHON=/usr/bin/python3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build/cli-bench}
REPS=${REPS:-5}
PYTHON=${PYTHON:-/usr/bin/python3}
JOBS=${JOBS:-2}

cmake --preset test -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DMLGUARD_BUILD_TESTS=OFF \
  -DMLGUARD_BUILD_EXAMPLES=ON -DMLGUARD_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build "$BUILD_DIR" --target mlguard -j "$JOBS" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$PYTHON" benchmarks/peers/cli_peer.py "$BUILD_DIR/examples/cli/mlguard" "$work" \
  --repetitions "$REPS"

#!/usr/bin/env bash
# What including mlguard costs a user's build: the -fsyntax-only time of a
# translation unit that includes one header, for the umbrella and for every
# public header, as the median of RUNS runs and as a ratio to the base TU
# (<Eigen/Dense> + <nlohmann/json.hpp>, what any mlguard user pays anyway).
# The time is the compiler's CPU time (user + system), which a busy machine
# inflates far less than wall-clock time; on a quiet machine the two agree.
#
#   benchmarks/compile_time.sh                      # every public header, 3 runs each
#   RUNS=1 benchmarks/compile_time.sh drift/psi.hpp # some headers only
#   CXX=clang++ benchmarks/compile_time.sh
#   CHECK=1 benchmarks/compile_time.sh              # exit 1 when a target is missed
#   CXXFLAGS=-DMLGUARD_COMPILED benchmarks/compile_time.sh   # compiled mode (docs/core.md)
#
# Targets (issue 11): the umbrella <= 2.5x, every other public header <= 1.5x.
# Needs the compiler and the Debian packages of the Quick start (Eigen,
# nlohmann-json, xxhash). Headers are measured one after the other: the
# machine is small, and parallel runs would measure each other.
set -euo pipefail
cd "$(dirname "$0")/.."
CXX=${CXX:-g++}
RUNS=${RUNS:-3}
CHECK=${CHECK:-0}
read -r -a flags <<<"${CXXFLAGS:-}"
UMBRELLA_TARGET=2.5
HEADER_TARGET=1.5
EIGEN_INCLUDE=${EIGEN_INCLUDE:-$(pkg-config --cflags-only-I eigen3 2>/dev/null | sed 's/^-I//;s/ *$//')}
EIGEN_INCLUDE=${EIGEN_INCLUDE:-/usr/include/eigen3}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints the median CPU time in seconds of RUNS compilations of one TU.
median_time() {
  local tu=$1 times=() cpu TIMEFORMAT='%U %S'
  for ((i = 0; i < RUNS; ++i)); do
    cpu=$({ time "$CXX" -std=c++17 "${flags[@]}" -fsyntax-only -Iinclude -I"$EIGEN_INCLUDE" "$tu"; } 2>&1)
    times+=("$(echo "$cpu" | tail -1 | awk '{print $1 + $2}')")
  done
  printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END{m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'
}

if (($#)); then
  headers=("$@")
else
  mapfile -t headers < <(cd include/mlguard && find . -name '*.hpp' ! -path '*/detail/*' \
    ! -name '*_impl.hpp' ! -name mlguard.hpp | sed 's|^\./||' | sort)
  headers=(mlguard.hpp "${headers[@]}")
fi

printf '#include <Eigen/Dense>\n#include <nlohmann/json.hpp>\n' >"$work/base.cpp"
base=$(median_time "$work/base.cpp")
echo "$("$CXX" --version | head -1) ${flags[*]}; -fsyntax-only CPU seconds, median of $RUNS runs"
printf '%-44s %8s %7s %7s\n' "translation unit" "seconds" "ratio" "target"
printf '%-44s %8s %7s %7s\n' "<Eigen/Dense> + <nlohmann/json.hpp> (base)" "$base" "1.00x" ""
missed=0
for header in "${headers[@]}"; do
  printf '#include <mlguard/%s>\n' "$header" >"$work/tu.cpp"
  seconds=$(median_time "$work/tu.cpp")
  target=$HEADER_TARGET
  [[ $header == mlguard.hpp ]] && target=$UMBRELLA_TARGET
  ratio=$(echo "$seconds / $base" | bc -l)
  mark=""
  if (($(echo "$ratio > $target" | bc -l))); then
    mark=" MISSED"
    missed=$((missed + 1))
  fi
  printf '%-44s %8s %6.2fx %6.1fx%s\n' "mlguard/$header" "$seconds" "$ratio" "$target" "$mark"
done
echo "$missed header(s) over target"
if ((CHECK && missed)); then
  exit 1
fi

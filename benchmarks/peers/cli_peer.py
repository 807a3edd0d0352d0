#!/usr/bin/env python3
"""The whole `mlguard drift --method ks` process against pandas and scipy.

Writes two one-column CSV files of 1e6 doubles each (numpy's default_rng,
seeds 1 and 2, N(0, 1) and N(0.01, 1), printed with '%.17g': about 20 MB
each), then, REPS times and interleaved so that a busy machine hurts all
three alike:

- runs `mlguard drift --method ks REF CUR --format json` (the whole process,
  wall clock from spawn to exit);
- reads both files with pandas.read_csv (numpy.loadtxt when pandas is not
  importable: it says so);
- runs scipy.stats.ks_2samp on the arrays already in memory.

Prints the medians (wall clock; CPU time too, since mlguard parses the two
files on two threads and a busy machine may not give it the second core), the
ratios (peer / mlguard), whether the p-values agree and the load average,
then mlguard's peak RSS (/usr/bin/time -v) against the files' sizes.

    /usr/bin/python3 benchmarks/peers/cli_peer.py MLGUARD_BINARY WORK_DIR [--repetitions 5]
"""
import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import time

import numpy as np
import scipy
import scipy.stats as st

try:
    import pandas as pd
except ImportError:  # numpy.loadtxt stands in, and the output says so
    pd = None


def write_column(path, values):
    with open(path, "w") as f:
        f.write("x\n")
        f.write("\n".join("%.17g" % v for v in values))
        f.write("\n")


def read_column(path):
    if pd is not None:
        return pd.read_csv(path)["x"].to_numpy()
    return np.loadtxt(path, skiprows=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mlguard")
    parser.add_argument("work")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    ref = os.path.join(args.work, "ref.csv")
    cur = os.path.join(args.work, "cur.csv")
    write_column(ref, np.random.default_rng(1).normal(0.0, 1.0, args.rows))
    write_column(cur, np.random.default_rng(2).normal(0.01, 1.0, args.rows))
    size_mb = (os.path.getsize(ref) + os.path.getsize(cur)) / 1e6
    command = [args.mlguard, "drift", "--method", "ks", ref, cur, "--format", "json"]

    ours, ours_cpu, reads, reads_cpu, tests = [], [], [], [], []
    doc = None
    result = None
    for _ in range(args.repetitions):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True)
        ours.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        ours_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if run.returncode not in (0, 1):
            raise SystemExit("mlguard failed: " + run.stderr)
        doc = json.loads(run.stdout)

        start = time.perf_counter()
        cpu = time.process_time()
        a = read_column(ref)
        b = read_column(cur)
        reads.append(time.perf_counter() - start)
        reads_cpu.append(time.process_time() - cpu)

        start = time.perf_counter()
        result = st.ks_2samp(a, b)
        tests.append(time.perf_counter() - start)

    ours_s = statistics.median(ours)
    read_s = statistics.median(reads)
    test_s = statistics.median(tests)
    p_ours = doc["columns"][0]["p_value"]
    reader = "pandas %s read_csv" % pd.__version__ if pd is not None else \
        "numpy %s loadtxt (pandas is not importable)" % np.__version__
    print("two files of %d doubles (%%.17g), %.1f MB together; medians of %d runs, interleaved"
          % (args.rows, size_mb, args.repetitions))
    print("%-58s %8.1f ms" % ("mlguard drift --method ks, the whole process", ours_s * 1e3))
    print("%-58s %8.1f ms   %5.1fx mlguard's time (target >= 5x)"
          % (reader + " of both files", read_s * 1e3, read_s / ours_s))
    print("%-58s %8.1f ms   %5.1fx mlguard's time (target >= 3x)"
          % ("scipy %s ks_2samp on the arrays" % scipy.__version__, test_s * 1e3,
             test_s / ours_s))
    print("%-58s %8.1f ms   %5.1fx" % ("the two together", (read_s + test_s) * 1e3,
                                       (read_s + test_s) / ours_s))
    print("CPU time (user + system): mlguard %.1f ms (its two parsing threads add up), %s %.1f ms"
          % (statistics.median(ours_cpu) * 1e3, reader.split(" of")[0],
             statistics.median(reads_cpu) * 1e3))
    print("load average while running: %.2f" % os.getloadavg()[0])
    print("p-value: mlguard %.10g, scipy %.10g (relative difference %.1e)"
          % (p_ours, result.pvalue, abs(p_ours - result.pvalue) / result.pvalue))

    timed = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr).group(1))
    print("mlguard peak RSS %.1f MB = %.2fx the two files' %.1f MB (target <= 2x)"
          % (peak_kb / 1e3, peak_kb / 1e3 / size_mb, size_mb))


if __name__ == "__main__":
    main()

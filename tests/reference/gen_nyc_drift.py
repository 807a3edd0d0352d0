#!/usr/bin/env python3
"""The Python twin of `mlguard drift`, run on two months of the NYC taxi samples.

It reads the CSVs with Python's csv module and applies the report's rules with
numpy/scipy (Debian's python3-scipy), so the CLI's numbers can be checked
against an independent computation:
  - a column is numeric when every non-empty field parses as a float;
    empty fields (and "nan") are missing; +-inf are dropped and counted;
  - the default method follows Evidently's get_default_stattest;
  - ks = scipy.stats.ks_2samp; wasserstein_norm = wasserstein_distance /
    max(std(ref), 0.001); jensenshannon = scipy's jensenshannon (natural log)
    over Evidently's get_binned_data proportions (no zero filling) or quantile
    bins; psi over filled proportions; chisquare with Evidently's f_exp;
    ztest as Evidently's proportions_diff_z_test.

    python3 tests/reference/gen_nyc_drift.py [DATA_DIR]
writes tests/fixtures/reference/nyc_drift.json (skips when the data is absent).
"""
import csv
from collections import Counter
import json
import math
import os
import sys

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
REF = "nyc-taxi/yellow_tripdata_sample_2019-01.csv"
CUR = "nyc-taxi/yellow_tripdata_sample_2019-02.csv"


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = {}
    for i, name in enumerate(header):
        fields = [r[i] for r in body]
        try:
            values = [float(x) if x != "" else math.nan for x in fields]
            cols[name] = ("numeric", values)
        except ValueError:
            cols[name] = ("categorical", [x if x != "" else None for x in fields])
    return header, cols


def fill_zeroes(p):
    p = p.copy()
    m = min(p[p != 0])
    np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return p


def category_proportions(ref, cur):
    keys = sorted(set(ref) | set(cur), key=lambda k: (str(type(k)), k))
    rc, cc = Counter(ref), Counter(cur)
    r = np.array([rc[k] for k in keys], dtype=float) / len(ref)
    c = np.array([cc[k] for k in keys], dtype=float) / len(cur)
    return r, c


def binned(ref, cur, kind, binning, bins):
    if kind == "categorical":
        return category_proportions(ref, cur)
    ref_a, cur_a = np.array(ref), np.array(cur)
    if binning == "evidently":
        if len(set(ref)) > 20:
            edges = np.histogram_bin_edges(np.concatenate([ref_a, cur_a]), bins="sturges")
            return (np.histogram(ref_a, edges)[0] / len(ref_a),
                    np.histogram(cur_a, edges)[0] / len(cur_a))
        return category_proportions(ref, cur)
    edges = np.unique(np.quantile(ref_a, np.linspace(0, 1, bins + 1))[1:-1])
    k = len(edges) + 1
    r = np.bincount(np.searchsorted(edges, ref_a, side="right"), minlength=k) / len(ref_a)
    c = np.bincount(np.searchsorted(edges, cur_a, side="right"), minlength=k) / len(cur_a)
    return r, c


def default_method(kind, n_ref, n_distinct):
    many = kind == "numeric" and n_distinct > 5
    if n_ref <= 1000:
        return "ks" if many else ("chisquare" if n_distinct > 2 else "ztest")
    return "wasserstein_norm" if many else "jensenshannon"


def run(method, kind, ref, cur, binning, bins):
    if method == "ks":
        r = stats.ks_2samp(ref, cur)
        return float(r.statistic), float(r.pvalue)
    if method == "wasserstein_norm":
        return float(stats.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001)), None
    if method == "jensenshannon":
        r, c = binned(ref, cur, kind, binning, bins)
        return float(distance.jensenshannon(r, c)), None
    if method == "psi":
        r, c = binned(ref, cur, kind, binning, bins)
        r, c = fill_zeroes(r), fill_zeroes(c)
        return float(np.sum((r - c) * np.log(r / c))), None
    if method == "chisquare":
        keys = sorted(set(ref) | set(cur), key=lambda k: (str(type(k)), k))
        k_norm = len(cur) / len(ref)
        rc, cc = Counter(ref), Counter(cur)
        f_exp = [rc[k] * k_norm for k in keys]
        f_obs = [cc[k] for k in keys]
        with np.errstate(divide="ignore", invalid="ignore"):
            s, p = stats.chisquare(f_obs, f_exp)
        return float(s), float(p)
    if method == "ztest":
        keys = sorted(set(ref) | set(cur))
        if len(set(ref)) == 1 and len(set(cur)) == 1 and ref[0] == cur[0]:
            return 0.0, 1.0
        first = keys[0]
        p1 = sum(1 for x in ref if x != first) / len(ref)
        p2 = sum(1 for x in cur if x != first) / len(cur)
        pooled = (p1 * len(ref) + p2 * len(cur)) / (len(ref) + len(cur))
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1 / len(ref) + 1 / len(cur)))
        return float(z), float(2 * (1 - stats.norm.cdf(abs(z))))
    raise ValueError(method)


def report(ref_cols, cur_cols, names, forced, binning, bins):
    out = []
    for name in names:
        kind, ref_all = ref_cols[name]
        cur_kind, cur_all = cur_cols[name]
        assert kind == cur_kind, name
        if kind == "numeric":
            ref = [x for x in ref_all if math.isfinite(x)]
            cur = [x for x in cur_all if math.isfinite(x)]
            missing_ref = sum(1 for x in ref_all if math.isnan(x))
            missing_cur = sum(1 for x in cur_all if math.isnan(x))
        else:
            ref = [x for x in ref_all if x is not None]
            cur = [x for x in cur_all if x is not None]
            missing_ref = ref_all.count(None)
            missing_cur = cur_all.count(None)
        entry = {"name": name, "kind": kind, "n_reference": len(ref), "n_current": len(cur),
                 "missing_reference": missing_ref, "missing_current": missing_cur}
        if not ref or not cur:
            entry["skipped"] = True
            out.append(entry)
            continue
        method = forced or default_method(kind, len(ref), len(set(ref) | set(cur)))
        if kind == "categorical" and method in ("ks", "wasserstein_norm"):
            entry["skipped"] = True
            out.append(entry)
            continue
        statistic, p_value = run(method, kind, ref, cur, binning, bins)
        entry.update({"method": method, "statistic": statistic, "p_value": p_value})
        out.append(entry)
    return out


def main():
    ref_path, cur_path = os.path.join(DATA, REF), os.path.join(DATA, CUR)
    if not os.path.exists(ref_path):
        print(f"skipped: {ref_path} not found")
        return
    header, ref_cols = read(ref_path)
    _, cur_cols = read(cur_path)
    runs = []
    for args, forced, binning, bins in [
        ([], None, "quantile", 10),
        (["--method", "psi"], "psi", "quantile", 10),
        (["--method", "psi", "--binning", "evidently"], "psi", "evidently", 10),
        (["--method", "jensenshannon", "--binning", "evidently"], "jensenshannon", "evidently", 10),
        (["--method", "ks", "--columns", "fare_amount,trip_distance,tip_amount"], "ks",
         "quantile", 10),
    ]:
        names = header
        if "--columns" in args:
            names = args[args.index("--columns") + 1].split(",")
        runs.append({"args": args,
                     "columns": report(ref_cols, cur_cols, names, forced, binning, bins)})
    out = {"generator": "tests/reference/gen_nyc_drift.py", "scipy": scipy.__version__,
           "numpy": np.__version__, "reference": REF, "current": CUR, "runs": runs}
    path = os.path.join(HERE, "..", "fixtures", "reference", "nyc_drift.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {len(runs)} runs to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()

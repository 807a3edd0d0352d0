#!/usr/bin/env python3
"""Reference values for include/mlguard/stats/mcnemar.hpp and
include/mlguard/stats/paired_bootstrap.hpp (model tests before promotion).

Run from the repository root with Debian's python3-scipy / numpy / sklearn
(scipy 1.10.1, numpy 1.24.2, sklearn 1.2.1):
    /usr/bin/python3 tests/reference/gen_model_tests.py
writes tests/fixtures/reference/model_tests.json with
  - "binomtest": scipy.stats.binomtest(k, n, 0.5, alternative).pvalue;
  - "metrics": sklearn.metrics.accuracy_score(y, score > 0.5), the rule of
    LogisticRegression.predict and of the rest of mlguard,
    roc_auc_score(y, score) (scores rounded so that many tie),
    mean_squared_error(squared=False) and mean_absolute_error;
  - "bootstrap": the paired bootstrap of a metric between two models'
    predictions. The resample indices are drawn here with the generator the
    C++ side documents (splitmix64, index = z mod n, resample r takes draws
    r*n .. r*n+n-1), each resample's metric is computed with sklearn, resamples
    where AUC is undefined (one class) are skipped, and the interval is
    numpy.percentile(differences, [2.5, 97.5]) (method "linear").
"""
import json
import os

import numpy
import scipy
import scipy.stats
import sklearn
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, roc_auc_score

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference",
                   "model_tests.json")
MASK = (1 << 64) - 1


def splitmix_indices(seed, n, resamples):
    state = seed & MASK
    out = numpy.empty(n * resamples, dtype=numpy.int64)
    for i in range(n * resamples):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out[i] = z % n
    return out.reshape(resamples, n)


def metric(name, y, s):
    if name == "accuracy":
        return float(accuracy_score(y, (s > 0.5).astype(float)))
    if name == "roc_auc":
        if len(numpy.unique(y)) < 2:
            return None
        return float(roc_auc_score(y, s))
    if name == "rmse":
        return float(mean_squared_error(y, s, squared=False))
    return float(mean_absolute_error(y, s))


def floats(a):
    return [float(v) for v in a]


def main():
    rng = numpy.random.default_rng(20261130)
    binom = []
    for n in [1, 2, 3, 5, 10, 11, 25, 40, 100, 257, 1000, 5000, 100000, 1000000]:
        for k in sorted({0, 1, n // 3, n // 2 - n // 500, n // 2, (n + 1) // 2, n - 1, n}):
            if k < 0 or k > n:
                continue
            for alt in ["two-sided", "less", "greater"]:
                binom.append({"k": k, "n": n, "alternative": alt,
                              "p_value": float(scipy.stats.binomtest(k, n, 0.5, alt).pvalue)})

    metrics = []
    for case, n in enumerate([7, 50, 400]):
        y = (rng.random(n) < 0.4).astype(float)
        s = numpy.round(numpy.clip(0.35 * y + rng.random(n) * 0.7, 0, 1), 1)  # many ties
        r = rng.normal(0.0, 1.0, n)
        metrics.append({"name": "case%d" % case, "y": floats(y), "score": floats(s),
                        "regression_y": floats(r),
                        "regression_pred": floats(r + rng.normal(0.2, 0.5, n)),
                        "accuracy": metric("accuracy", y, s), "roc_auc": metric("roc_auc", y, s),
                        })
        m = metrics[-1]
        ry = numpy.array(m["regression_y"])
        rp = numpy.array(m["regression_pred"])
        m["rmse"] = metric("rmse", ry, rp)
        m["mae"] = metric("mae", ry, rp)

    boots = []
    for name, n, resamples, seed in [("roc_auc", 60, 200, 7), ("roc_auc", 25, 300, 12345),
                                     ("accuracy", 80, 250, 99), ("rmse", 50, 200, 2026),
                                     ("mae", 40, 150, 1)]:
        if name in ("rmse", "mae"):
            y = rng.normal(0.0, 1.0, n)
            a = y + rng.normal(0.0, 0.6, n)
            b = y + rng.normal(0.1, 0.5, n)
        else:
            y = (rng.random(n) < 0.3).astype(float)
            a = numpy.round(numpy.clip(0.3 * y + rng.random(n) * 0.7, 0, 1), 2)
            b = numpy.round(numpy.clip(0.2 * y + rng.random(n) * 0.8, 0, 1), 2)
        idx = splitmix_indices(seed, n, resamples)
        diffs = []
        for row in idx:
            va = metric(name, y[row], a[row])
            vb = metric(name, y[row], b[row])
            if va is None or vb is None:
                continue
            diffs.append(vb - va)
        lo, hi = numpy.percentile(numpy.array(diffs), [2.5, 97.5])
        boots.append({"metric": name, "seed": seed, "resamples": resamples,
                      "y": floats(y), "a": floats(a), "b": floats(b),
                      "first_indices": [int(v) for v in idx[0][:10]],
                      "value_a": metric(name, y, a), "value_b": metric(name, y, b),
                      "used": len(diffs), "ci_low": float(lo), "ci_high": float(hi)})

    doc = {"scipy": scipy.__version__, "numpy": numpy.__version__,
           "sklearn": sklearn.__version__, "binomtest": binom, "metrics": metrics,
           "bootstrap": boots}
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

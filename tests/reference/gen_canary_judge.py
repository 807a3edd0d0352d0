#!/usr/bin/env python3
"""Reference values for include/mlguard/rollback/canary_judge.hpp.

Run from the repository root with Debian's python3-scipy / python3-numpy
(scipy 1.10.1, numpy 1.24.2):
    /usr/bin/python3 tests/reference/gen_canary_judge.py
writes tests/fixtures/reference/canary_judge.json.

For each case (control and experiment samples, stored raw or as the recipes
of tests/reference/gen_stats.py, rebuilt bit for bit by
tests/stats/sample_recipes.hpp) it records:
  - scipy.stats.mannwhitneyu(experiment, control, alternative="two-sided",
    use_continuity=True, method="auto"): U of the experiment and p;
  - the Hodges-Lehmann estimate, numpy.median(numpy.subtract.outer(experiment,
    control)), computed directly;
  - the confidence interval as Kayenta's kayenta-mannwhitney MannWhitney
    computes it, which ports R's wilcox.test(x = experiment, y = control,
    conf.int = TRUE, exact = FALSE, correct = TRUE): the Wilcoxon function
    wdiff(mu, zq) = (dz - sign(dz)/2) / sigma - zq, with average ranks of
    c(x - mu, y), dz = sum of x's ranks - n(n+1)/2 - nm/2 and sigma tie-corrected
    from the ranks' ties, returns min(x) - max(y) when wdiff <= 0 there,
    max(x) - min(y) when wdiff >= 0 there, else its root. R is not packaged
    here, so the procedure is ported below, line by line, with
    scipy.optimize.brentq as the root finder in place of R's uniroot /
    Kayenta's BrentSolver (both tolerance 1e-4): brentq runs to ~1e-16
    relative so the root is the step's position, not a point 1e-4 away;
  - the root of wdiff at quantile 0 (what Kayenta reports as its estimate),
    for information;
  - the metric's class by Kayenta's MannWhitneyClassifier rule (tolerance
    0.25, effect-size thresholds 1, the case's direction), with the median
    estimate as mlguard uses it, and, as a check, with Kayenta's own estimate.
"""
import json
import math
import os
import sys

import numpy
import scipy
import scipy.optimize
import scipy.stats as st

sys.path.insert(0, os.path.dirname(__file__))
from gen_stats import materialise, splitmix, stored  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference")
CONFIDENCE = 0.98
TOLERANCE = 0.25


def wdiff(mu, zq, x, y):
    """Kayenta's MannWhitney.wilcoxonDiff (R's wdiff): x experiment, y control."""
    n, m = len(x), len(y)
    dr = st.rankdata(numpy.concatenate([x - mu, y]))  # average ranks, as NaturalRanking
    _, ties = numpy.unique(dr, return_counts=True)
    dz = dr[:n].sum() - n * (n + 1) / 2 - n * m / 2
    correction = numpy.sign(dz) * 0.5
    sigma = math.sqrt((n * m / 12) * ((n + m + 1) - float((ties.astype(float) ** 3 - ties).sum())
                                      / ((n + m) * (n + m - 1))))
    if sigma == 0:
        raise ValueError("cannot compute confidence interval when all observations are tied")
    return (dz - correction) / sigma - zq


def root(zq, x, y):
    """Kayenta's findRoot / R's root(): clamp to the range of differences, else solve."""
    mu_min = x.min() - y.max()
    mu_max = x.max() - y.min()
    f_lower = wdiff(mu_min, zq, x, y)
    f_upper = wdiff(mu_max, zq, x, y)
    if f_lower <= 0:
        return mu_min
    if f_upper >= 0:
        return mu_max
    xtol = 1e-17 * max(abs(mu_min), abs(mu_max))
    return scipy.optimize.brentq(wdiff, mu_min, mu_max, args=(zq, x, y), xtol=xtol,
                                 rtol=4 * numpy.finfo(float).eps, maxiter=1000)


def classify(x, y, lower, upper, estimate, direction):
    """Kayenta's MannWhitneyClassifier.classify (no NaN, enough data)."""
    if numpy.array_equal(numpy.sort(x), numpy.sort(y)):
        return "pass"
    if len(numpy.unique(numpy.concatenate([x, y]))) == 1:
        return "pass"
    bound = TOLERANCE * abs(estimate)
    ratio = 1.0 if numpy.mean(y) == 0.0 else numpy.mean(x) / numpy.mean(y)
    if direction in ("increase", "either") and lower > bound and ratio >= 1.0:
        return "high"
    if direction in ("decrease", "either") and upper < -bound and ratio <= 1.0:
        return "low"
    return "pass"


def cases():
    """(name, control spec, experiment spec, direction)."""
    out = []
    seed = 7000

    def sm(n, dist, loc, scale, k=0):
        nonlocal seed
        seed += 1
        return splitmix(seed, n, dist, loc, scale, k)

    # Latency-like (bell shaped around 100 ms), shifts up, down and none.
    out.append(("tiny_5x5_up", sm(5, "irwin_hall", 100.0, 10.0), sm(5, "irwin_hall", 130.0, 10.0),
                "increase"))
    out.append(("small_8x12_none", sm(8, "irwin_hall", 100.0, 10.0),
                sm(12, "irwin_hall", 100.0, 10.0), "either"))
    control = sm(20, "irwin_hall", 100.0, 10.0)
    experiment = sm(20, "irwin_hall", 88.0, 10.0)
    out.append(("20x20_down_either", control, experiment, "either"))
    out.append(("20x20_down_increase_bad", control, experiment, "increase"))
    out.append(("7x9_up_decrease_bad", sm(7, "irwin_hall", 50.0, 5.0),
                sm(9, "irwin_hall", 60.0, 5.0), "decrease"))
    out.append(("50x40_uniform_up", sm(50, "uniform", 0.0, 1.0), sm(40, "uniform", 0.3, 1.0),
                "either"))
    out.append(("100x100_none", sm(100, "irwin_hall", 100.0, 10.0),
                sm(100, "irwin_hall", 100.0, 10.0), "either"))
    # Discrete values: ties everywhere, interval ends on integers.
    out.append(("100x120_ties_up", sm(100, "discrete", 0.0, 1.0, 6),
                sm(120, "discrete", 1.0, 1.0, 6), "either"))
    out.append(("200x200_ties_none", sm(200, "discrete", 0.0, 1.0, 4),
                sm(200, "discrete", 0.0, 1.0, 4), "either"))
    # Heavy tails (two-sided Pareto).
    out.append(("300x250_heavy_up", sm(300, "pareto", 10.0, 1.0), sm(250, "pareto", 13.0, 1.0),
                "either"))
    out.append(("500x500_heavy_none", sm(500, "pareto", 10.0, 1.0),
                sm(500, "pareto", 10.0, 1.0), "either"))
    # Large: a small real shift inside the tolerance, then beyond the
    # materialisation limit of 2^20 pairs (selection by counting).
    out.append(("1000x1000_small_up", sm(1000, "irwin_hall", 100.0, 10.0),
                sm(1000, "irwin_hall", 100.5, 10.0), "either"))
    out.append(("2000x1500_up", sm(2000, "irwin_hall", 100.0, 10.0),
                sm(1500, "irwin_hall", 103.0, 10.0), "increase"))
    out.append(("2000x2000_ties_up", sm(2000, "discrete", 0.0, 1.0, 10),
                sm(2000, "discrete", 0.0, 1.0, 12), "either"))
    # One constant arm.
    out.append(("constant_control", [5.0] * 30, sm(25, "irwin_hall", 6.0, 1.0), "either"))
    out.append(("constant_experiment_low", sm(15, "uniform", 0.5, 1.0), [0.0] * 15, "decrease"))
    # Identical samples.
    same = sm(30, "irwin_hall", 10.0, 2.0)
    out.append(("identical", same, dict(same), "either"))
    # Small samples of few distinct values, where the Wilcoxon function has
    # large steps and ties between the arms at every step: the interval ends
    # are where a root finder is most likely to land on a step itself.
    for i in range(30):
        n = 5 + (i * 7) % 40
        m = 5 + (i * 11) % 45
        k = 3 + i % 6
        shift = float(i % 5) * 0.5
        out.append((f"ties_{i}_{m}x{n}", sm(m, "discrete", 0.0, 1.0, k),
                    sm(n, "discrete", shift, 1.0, k), ("either", "increase", "decrease")[i % 3]))
    return out


def main():
    results = []
    for name, control_spec, experiment_spec, direction in cases():
        y = materialise(control_spec)
        x = materialise(experiment_spec)
        mw = st.mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method="auto")
        estimate = float(numpy.median(numpy.subtract.outer(x, y)))
        alpha = 1.0 - CONFIDENCE
        z = st.norm.ppf(alpha / 2)  # Kayenta: inverseCumulativeProbability(alpha/2), negative
        lower = float(root(-z, x, y))
        upper = float(root(z, x, y))
        kayenta_estimate = float(root(0.0, x, y))
        cls = classify(x, y, lower, upper, estimate, direction)
        cls_kayenta = classify(x, y, lower, upper, kayenta_estimate, direction)
        if cls != cls_kayenta:
            print(f"note: {name}: class {cls} with the median, {cls_kayenta} with Kayenta's root")
        ratio = 1.0 if numpy.mean(y) == 0.0 else float(numpy.mean(x) / numpy.mean(y))
        results.append({
            "name": name, "control": stored(control_spec), "experiment": stored(experiment_spec),
            "direction": direction, "confidence": CONFIDENCE, "tolerance": TOLERANCE,
            "u_statistic": float(mw.statistic), "p_value": float(mw.pvalue),
            "estimate": estimate, "ci_lower": lower, "ci_upper": upper,
            "kayenta_estimate": kayenta_estimate, "mean_ratio": ratio,
            "classification": cls,
        })
        print(f"{name}: n={len(y)}x{len(x)} U={mw.statistic} p={mw.pvalue:.3g} "
              f"HL={estimate:.6g} CI=[{lower:.10g}, {upper:.10g}] {cls}")
    doc = {"generator": "tests/reference/gen_canary_judge.py", "scipy": scipy.__version__,
           "numpy": numpy.__version__, "cases": results}
    path = os.path.join(OUT, "canary_judge.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {len(results)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()

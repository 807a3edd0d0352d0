#!/usr/bin/env python3
"""Golden values for include/mlguard/validate/skew.hpp (TFDV's comparators).

TFDV is not installable here, so its histogram handling (metrics.cc:
equal-width "standard" histograms, AlignHistograms / RebucketHistogram,
point masses and infinite mass as extra buckets) is re-done below with numpy,
and the divergence itself comes from the real scipy:
scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2, capped at 1.
Samples stay below 200 values so mlguard's KLL sketch (k = 200) is exact
and its histograms equal numpy.histogram's.
    /usr/bin/python3 tests/reference/gen_validate_skew.py
writes tests/fixtures/reference/validate_skew.json.
"""
import json
import os

import numpy
import scipy
from scipy.spatial.distance import jensenshannon

rng = numpy.random.default_rng(20261127)


def standard_histogram(x, buckets):
    """[(low, high, count)]: numpy.histogram over [min, max]; a point bucket when min == max."""
    lo, hi = float(numpy.min(x)), float(numpy.max(x))
    if lo == hi:
        return [(lo, hi, float(len(x)))]
    counts, edges = numpy.histogram(x, bins=buckets, range=(lo, hi))
    return [(float(edges[i]), float(edges[i + 1]), float(counts[i])) for i in range(buckets)]


def rebucket(boundaries, hist):
    out, index, last = [], 0, len(boundaries) - 1
    for low, high, count in hist:
        while low > boundaries[index] and index < last:
            out.append((boundaries[index], boundaries[index + 1], 0.0))
            index += 1
        covered = []
        while index < last and high > boundaries[index]:
            covered.append(boundaries[index])
            index += 1
        covered.append(boundaries[index])
        for i in range(len(covered) - 1):
            out.append((covered[i], covered[i + 1],
                        (covered[i + 1] - covered[i]) / (high - low) * count))
    for i in range(index, last):
        out.append((boundaries[i], boundaries[i + 1], 0.0))
    return out


def aligned(ha, inf_a, hb, inf_b):
    points = {}
    ra, rb = [], []
    for side, h, r in ((0, ha, ra), (1, hb, rb)):
        for low, high, count in h:
            if low == high:
                points.setdefault(low, [0.0, 0.0])[side] += count
            else:
                r.append((low, high, count))
    ea = {b for low, high, _ in ra for b in (low, high)}
    eb = {b for low, high, _ in rb for b in (low, high)}
    if ea != eb:
        boundaries = sorted(ea | eb)
        ra, rb = rebucket(boundaries, ra), rebucket(boundaries, rb)
    p = [c for _, _, c in ra] + [points[k][0] for k in sorted(points)]
    q = [c for _, _, c in rb] + [points[k][1] for k in sorted(points)]
    if inf_a:
        p.append(float(inf_a)); q.append(0.0)
    if inf_b:
        p.append(0.0); q.append(float(inf_b))
    return numpy.array(p), numpy.array(q)


def js2(p, q):
    return min(1.0, float(jensenshannon(p, q, base=2)) ** 2)


numeric = []
samples = [
    ("normal vs shifted normal", rng.normal(0, 1, 150), rng.normal(0.5, 1.2, 120), 0, 0),
    ("same sample", rng.normal(3, 2, 100), None, 0, 0),
    ("lognormal vs normal", rng.lognormal(0, 1, 180), rng.normal(2, 1, 90), 0, 0),
    ("constant vs spread", numpy.full(50, 0.0), rng.uniform(-2.5, 2.5, 140), 0, 0),
    ("disjoint ranges", rng.uniform(0, 1, 60), rng.uniform(5, 6, 70), 0, 0),
    ("integers with ties", rng.integers(0, 6, 150).astype(float),
     rng.integers(1, 8, 130).astype(float), 0, 0),
    ("infinite values", rng.normal(0, 1, 100), rng.normal(0, 1, 100), 3, 7),
    ("two constants", numpy.full(20, 1.0), numpy.full(30, 2.0), 0, 0),
]
for name, a, b, inf_a, inf_b in samples:
    if b is None:
        b = a.copy()
    for buckets in (10, 4):
        p, q = aligned(standard_histogram(a, buckets), inf_a, standard_histogram(b, buckets), inf_b)
        numeric.append({"name": name, "buckets": buckets, "a": [float(x) for x in a],
                        "b": [float(x) for x in b], "a_inf": inf_a, "b_inf": inf_b,
                        "jensen_shannon": js2(p, q)})

categorical = []
cat_samples = [
    ("shifted frequencies", rng.choice(list("abcde"), 300, p=[.4, .3, .15, .1, .05]),
     rng.choice(list("abcde"), 250, p=[.2, .2, .2, .2, .2])),
    ("unseen categories", rng.choice(list("abc"), 100), rng.choice(list("abcxy"), 120)),
    ("identical", numpy.array(list("aabbbc")), numpy.array(list("aabbbc"))),
    ("disjoint", numpy.array(list("aaab")), numpy.array(list("xyyz"))),
]
for name, a, b in cat_samples:
    keys = sorted(set(a) | set(b))
    ca = numpy.array([float(numpy.sum(a == k)) for k in keys])
    cb = numpy.array([float(numpy.sum(b == k)) for k in keys])
    linf = float(numpy.max(numpy.abs(ca / ca.sum() - cb / cb.sum())))
    nad = float(numpy.max(numpy.abs((ca - cb) / (ca.sum() + cb.sum()))))
    unseen = float(sum(cb[i] for i, k in enumerate(keys) if ca[i] == 0) / cb.sum())
    categorical.append({"name": name, "a": [str(x) for x in a], "b": [str(x) for x in b],
                        "l_infinity": linf, "normalized_abs_difference": nad,
                        "jensen_shannon": js2(ca, cb), "unseen_share": unseen})

out = {"generator": "tests/reference/gen_validate_skew.py", "scipy": scipy.__version__,
       "numpy": numpy.__version__, "numeric": numeric, "categorical": categorical}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "validate_skew.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(numeric)} numeric and {len(categorical)} categorical cases to "
      f"{os.path.normpath(path)}")

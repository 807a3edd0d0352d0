#!/usr/bin/env python3
"""Golden values for the two-sample tests in include/mlguard/stats/, from the real scipy.

Run from the repository root with Debian's python3-scipy (scipy 1.10.1):
    /usr/bin/python3 tests/reference/gen_stats.py
writes tests/fixtures/reference/ks_2samp.json, cramervonmises_2samp.json and
mannwhitneyu.json (a few minutes: scipy's exact one-sided KS counting is slow).

Samples are stored either as raw values (modest sizes; infinities as the
strings "inf"/"-inf") or as a recipe that tests/stats/sample_recipes.hpp
rebuilds bit for bit in C++:
  {"recipe": "linspace", "start", "stop", "num", "shift"}
      numpy.linspace(start, stop, num) + shift
  {"recipe": "mod", "n", "mul", "add", "mod", "scale", "shift"}
      ((i*mul + add) % mod) * scale + shift, i = 0..n-1  (many ties)
  {"recipe": "splitmix", "seed", "n", "dist", "loc", "scale", "k"}
      splitmix64 stream from `seed`; u = (z >> 11) * 2**-53 in [0, 1);
      dist "uniform":    loc + scale*u
      dist "irwin_hall": loc + scale*(u1 + u2 + u3 + u4 - 2)   (bell shaped)
      dist "pareto":     loc + scale*s*(1/v - 1), v = ((z >> 11) + 1) * 2**-53,
                         s = +1 if bit 0 of z is set else -1 (two heavy tails)
      dist "discrete":   loc + scale*floor(u*k)                 (ties)
Only IEEE +, -, *, / and floor are used, so Python and C++ agree exactly.
"""
import json
import math
import os
import warnings

import numpy
import scipy
import scipy.stats as st
from scipy.stats._stats_py import _attempt_exact_2kssamp

MASK = (1 << 64) - 1
OUT = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference")


class SplitMix:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53


def materialise(spec):
    """The float64 array a sample spec stands for."""
    if isinstance(spec, list):
        return numpy.array([float(v) for v in spec], dtype=float)  # float("inf") parses too
    kind = spec["recipe"]
    if kind == "linspace":
        return numpy.linspace(spec["start"], spec["stop"], spec["num"]) + spec["shift"]
    if kind == "mod":
        return numpy.array([float((i * spec["mul"] + spec["add"]) % spec["mod"]) * spec["scale"]
                            + spec["shift"] for i in range(spec["n"])])
    if kind == "splitmix":
        g = SplitMix(spec["seed"])
        loc, scale, dist = spec["loc"], spec["scale"], spec["dist"]
        out = []
        for _ in range(spec["n"]):
            if dist == "uniform":
                x = g.uniform()
            elif dist == "irwin_hall":
                u1 = g.uniform()
                u2 = g.uniform()
                u3 = g.uniform()
                u4 = g.uniform()
                x = u1 + u2 + u3 + u4 - 2.0
            elif dist == "pareto":
                z = g.next()
                v = ((z >> 11) + 1) * 2.0**-53
                s = 1.0 if (z & 1) else -1.0
                x = s * (1.0 / v - 1.0)
            elif dist == "discrete":
                x = float(math.floor(g.uniform() * spec["k"]))
            else:
                raise ValueError(dist)
            out.append(loc + scale * x)
        return numpy.array(out)
    raise ValueError(kind)


def raw(values):
    """A raw sample for the JSON file (infinities as strings)."""
    out = []
    for v in values:
        v = float(v)
        if math.isinf(v):
            out.append("inf" if v > 0 else "-inf")
        else:
            out.append(v)
    return out


def num(x):
    """A float for JSON; NaN and infinities as strings."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def stored(spec):
    """A sample spec as written to the fixture."""
    return raw(spec) if isinstance(spec, list) else spec


def splitmix(seed, n, dist="irwin_hall", loc=0.0, scale=1.0, k=0):
    return {"recipe": "splitmix", "seed": seed, "n": n, "dist": dist, "loc": loc,
            "scale": scale, "k": k}


def write(name, cases, extra=None):
    doc = {"generator": "tests/reference/gen_stats.py", "scipy": scipy.__version__,
           "numpy": numpy.__version__, "cases": cases}
    if extra:
        doc.update(extra)
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)} "
          f"({os.path.getsize(path) // 1024} KiB)")


# ---------------------------------------------------------------------------
# Sample pairs shared by the three tests: (name, a-spec, b-spec).

def sample_pairs():
    rng = numpy.random.default_rng(20240611)
    pairs = []
    # scipy's own test vectors.
    pairs.append(("scipy_small", [1.01, 2.01], [1.0, 2.0, 3.0, 4.0]))
    pairs.append(("scipy_linspace",
                  {"recipe": "linspace", "start": 1, "stop": 100, "num": 100, "shift": 0.0},
                  {"recipe": "linspace", "start": 1, "stop": 100, "num": 110, "shift": 20.1}))
    ties = [2.0] * 3 + [3.0] * 4 + [5.0] * 5 + [6.0] * 4
    pairs.append(("scipy_ties", ties, [v + 1 for v in ties]))
    # Tiny samples, including size 1.
    pairs.append(("one_one", [0.5], [1.5]))
    pairs.append(("one_one_equal", [2.0], [2.0]))
    pairs.append(("one_three", [0.0], [-1.0, 0.5, 2.0]))
    pairs.append(("two_two", [1.0, 2.0], [1.5, 2.5]))
    # Constant samples.
    pairs.append(("constant_same", [3.0] * 7, [3.0] * 9))
    pairs.append(("constant_apart", [3.0] * 7, [4.0] * 9))
    pairs.append(("constant_vs_spread", [0.0] * 12, [float(v) for v in range(-5, 6)]))
    # Infinities are ordinary ordered values.
    pairs.append(("with_inf", [-math.inf, 0.0, 1.0, 2.0, math.inf, 3.0],
                  [0.5, 1.5, math.inf, math.inf, -1.0]))
    pairs.append(("with_pos_inf", [0.0, 1.0, 2.0, math.inf, 3.0, 0.25, 4.0],
                  [0.5, 1.5, math.inf, math.inf, -1.0, 7.0, 2.5, 3.5, 5.5, 6.0]))
    # Heavy tails: numpy's standard_cauchy, stored raw.
    for n1, n2 in [(8, 11), (40, 40), (150, 230), (600, 450)]:
        pairs.append((f"cauchy_{n1}_{n2}", raw(rng.standard_cauchy(n1)),
                      raw(rng.standard_cauchy(n2) * 1.3 + 0.2)))
    # Normal samples, stored raw (modest sizes).
    for n1, n2, shift in [(3, 4, 0.5), (5, 5, 0.0), (6, 7, 1.0), (7, 7, 0.3), (9, 12, -0.4),
                          (10, 10, 0.8), (13, 20, 0.2), (20, 20, 0.5), (25, 19, 0.0),
                          (30, 45, 0.3), (64, 64, 0.25), (100, 80, 0.1)]:
        pairs.append((f"normal_{n1}_{n2}", raw(rng.standard_normal(n1)),
                      raw(rng.standard_normal(n2) + shift)))
    # Integer data with many ties, stored raw.
    for n1, n2, k in [(5, 6, 3), (8, 8, 4), (15, 25, 5), (50, 70, 10), (200, 150, 7)]:
        pairs.append((f"integers_{n1}_{n2}", raw(rng.integers(0, k, n1).astype(float)),
                      raw(rng.integers(0, k, n2).astype(float))))
    # Recipes for larger sizes.
    seed = 1000
    for n1, n2, dist, shift in [(300, 400, "irwin_hall", 0.05), (500, 520, "uniform", 0.02),
                                (510, 530, "irwin_hall", 0.0), (700, 900, "pareto", 0.1),
                                (1000, 1000, "irwin_hall", 0.03), (1000, 1100, "irwin_hall", 0.0),
                                (2000, 2500, "pareto", 0.0), (2500, 2500, "discrete", 0.0),
                                (5000, 5000, "irwin_hall", 0.02), (5000, 7000, "uniform", 0.01),
                                (9999, 10000, "irwin_hall", 0.01),
                                (10000, 10037, "irwin_hall", 0.02),
                                (10001, 10001, "irwin_hall", 0.01),
                                (12000, 9000, "pareto", 0.05), (15000, 20000, "irwin_hall", 0.0),
                                (20000, 20000, "irwin_hall", 0.02),
                                (20000, 3, "uniform", 0.0), (1, 20000, "uniform", 0.0)]:
        k = 40 if dist == "discrete" else 0
        pairs.append((f"{dist}_{n1}_{n2}", splitmix(seed, n1, dist, 0.0, 1.0, k),
                      splitmix(seed + 1, n2, dist, shift, 1.0, k)))
        seed += 2
    pairs.append(("mod_ties_3000_4000",
                  {"recipe": "mod", "n": 3000, "mul": 7, "add": 1, "mod": 50, "scale": 0.5,
                   "shift": 0.0},
                  {"recipe": "mod", "n": 4000, "mul": 11, "add": 3, "mod": 53, "scale": 0.5,
                   "shift": 0.25}))
    return pairs


# ---------------------------------------------------------------------------
# Kolmogorov–Smirnov

def ks_cases(pairs):
    cases = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, sa, sb in pairs:
            a, b = materialise(sa), materialise(sb)
            n1, n2 = len(a), len(b)
            for alt in ["two-sided", "less", "greater"]:
                for method in ["auto", "exact", "asymp"]:
                    # scipy's exact one-sided count is O(n^2) Python calls of
                    # special.binom; it overflows (and falls back) above ~1000.
                    exact_tried = method == "exact" or (method == "auto"
                                                        and max(n1, n2) <= 10000)
                    if alt != "two-sided" and exact_tried and n1 != n2 and min(n1, n2) > 1200:
                        continue
                    caught.clear()
                    r = st.ks_2samp(a, b, alternative=alt, method=method)
                    fell_back = any("Switching to" in str(w.message) for w in caught)
                    if method == "asymp":
                        used = "asymp"
                    elif method == "exact":
                        used = "asymp" if fell_back else "exact"
                    else:
                        used = "exact" if max(n1, n2) <= 10000 else "asymp"
                        if used == "exact" and fell_back:
                            used = "asymp"
                    cases.append({"name": name, "a": stored(sa), "b": stored(sb), "alternative": alt,
                                  "method": method, "statistic": num(r.statistic),
                                  "p_value": num(r.pvalue),
                                  "statistic_location": num(r.statistic_location),
                                  "statistic_sign": int(r.statistic_sign), "method_used": used})
    return cases


def ks_exact_attempts():
    """Direct calls of scipy's _attempt_exact_2kssamp: success flag and p."""
    rows = []
    from math import gcd
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for n in list(range(1, 60)) + [97, 128, 255, 400, 1000, 3001]:
            for h in sorted(set([1, 2, 3, max(1, n // 10), max(1, n // 3), n // 2 or 1, n])):
                ok, d, p = _attempt_exact_2kssamp(n, n, n, h / n, "two-sided")
                rows.append([n, n, h, "two-sided", bool(ok), num(p)])
                ok, d, p = _attempt_exact_2kssamp(n, n, n, h / n, "greater")
                rows.append([n, n, h, "greater", bool(ok), num(p)])
        for n1, n2 in [(3, 4), (7, 10), (10, 33), (33, 100), (50, 51), (100, 301), (97, 1000),
                       (400, 600), (1000, 1001), (4999, 5000), (10000, 10037)]:
            g = gcd(n1, n2)
            lcm = n1 * n2 // g
            for frac in [1e-9, 0.01, 0.05, 0.1, 0.2, 0.35, 0.6, 0.95, 1.0]:
                h = max(1, int(round(frac * lcm)))
                ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "two-sided")
                rows.append([n1, n2, h, "two-sided", bool(ok), num(p)])
                if n1 + n2 <= 1200:
                    ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "less")
                    rows.append([n1, n2, h, "less", bool(ok), num(p)])
    return rows


def kstwo_cases():
    """scipy.stats.kstwo.sf / cdf and scipy.special.smirnov on a grid."""
    import scipy.special as sp
    rows = []
    rng = numpy.random.default_rng(7)
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 139, 140, 141, 200, 500, 1000, 5000, 20000, 20001,
              50000, 100000, 100001, 500000, 1000000, 1000001, 3000000]:
        xs = list(rng.uniform(0, 1, 3)) + list(rng.uniform(0, 3 / math.sqrt(n), 8)) + \
            [0.5 / n, 1 / n, 1.5 / n, 0.9 / math.sqrt(n), 0.5, 0.75]
        for x in xs:
            x = float(x)
            if x > 1:
                continue
            rows.append([n, x, num(st.kstwo.sf(x, n)), num(st.kstwo.cdf(x, n)),
                         num(sp.smirnov(n, x))])
    return rows


# ---------------------------------------------------------------------------
# Mann–Whitney U

def extra_rank_pairs():
    """Small-versus-larger pairs where scipy's automatic rule picks "exact"."""
    rng = numpy.random.default_rng(99)
    pairs = []
    for n1, n2 in [(3, 40), (8, 60), (5, 300), (1, 7), (2, 9), (4, 4), (6, 8), (8, 8),
                   (7, 9), (9, 9), (30, 2)]:
        pairs.append((f"small_{n1}_{n2}", raw(rng.standard_normal(n1) + 0.3),
                      raw(rng.standard_normal(n2))))
    return pairs


def both_infinities(a, b):
    """scipy 1.10's rankdata turns everything NaN when -inf and +inf both occur."""
    z = numpy.concatenate([a, b])
    return bool(numpy.isneginf(z).any() and numpy.isposinf(z).any())


def mwu_cases(pairs):
    cases = []
    for name, sa, sb in pairs:
        a, b = materialise(sa), materialise(sb)
        if both_infinities(a, b):
            continue
        n1, n2 = len(a), len(b)
        _, counts = numpy.unique(numpy.concatenate([a, b]), return_counts=True)
        ties = bool(numpy.any(counts != 1))
        auto_exact = (n1 <= 8 or n2 <= 8) and not ties
        for alt in ["two-sided", "less", "greater"]:
            for method in ["auto", "exact", "asymptotic"]:
                exact = method == "exact" or (method == "auto" and auto_exact)
                if exact and (max(n1, n2) > 500 or n1 * n2 > 4000):
                    continue  # scipy's exact recursion is too slow / large here
                for cont in ([True, False] if not exact else [True]):
                    r = st.mannwhitneyu(a, b, use_continuity=cont, alternative=alt,
                                        method=method)
                    used = "exact" if exact else "asymptotic"
                    cases.append({"name": name, "a": stored(sa), "b": stored(sb),
                                  "alternative": alt, "method": method,
                                  "use_continuity": cont, "statistic": num(r.statistic),
                                  "p_value": num(r.pvalue), "method_used": used})
    return cases


def rank_cases():
    rng = numpy.random.default_rng(5)
    # Note: scipy 1.10's rankdata returns all-NaN ranks when the data hold both
    # -inf and +inf (its NaN check sums the data); mlguard ranks them normally,
    # so only one-signed infinities are compared here.
    arrays = [[3.0, 1.0, 2.0], [1.0, 1.0, 1.0], [5.0], [2.0, math.inf, math.inf, 2.0, 0.0],
              [-math.inf, 3.0, -1.0, -math.inf],
              list(rng.integers(0, 5, 40).astype(float)), list(rng.standard_normal(25)),
              [0.0, -0.0, 1.0, -1.0, 0.0]]
    return [{"x": raw(x), "ranks": [float(v) for v in st.rankdata(x, method="average")]}
            for x in arrays]


# ---------------------------------------------------------------------------
# Cramér–von Mises

def cvm_cases(pairs):
    cases = []
    for name, sa, sb in pairs:
        a, b = materialise(sa), materialise(sb)
        n1, n2 = len(a), len(b)
        if n1 < 2 or n2 < 2 or both_infinities(a, b):
            continue
        for method in ["auto", "exact", "asymptotic"]:
            exact = method == "exact" or (method == "auto" and max(n1, n2) <= 20)
            if exact and max(n1, n2) > 30:
                continue  # scipy's exact frequency tables grow too large
            r = st.cramervonmises_2samp(a, b, method=method)
            cases.append({"name": name, "a": stored(sa), "b": stored(sb), "method": method,
                          "statistic": num(r.statistic), "p_value": num(r.pvalue),
                          "method_used": "exact" if exact else "asymptotic"})
    return cases


def main():
    pairs = sample_pairs()
    if os.environ.get("MLGUARD_SKIP_KS") != "1":
        ks = ks_cases(pairs)
        write("ks_2samp.json", ks, {"exact_attempts": ks_exact_attempts(),
                                    "kstwo": kstwo_cases()})
    rank_pairs = pairs + extra_rank_pairs()
    write("mannwhitneyu.json", mwu_cases(rank_pairs), {"rankdata": rank_cases()})
    write("cramervonmises_2samp.json", cvm_cases(rank_pairs))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Golden values for finite data at the edge of double range (issue 16):
profile moments (include/mlguard/profile/moments.hpp) and the CDF distances
and binnings of drift (include/mlguard/stats/wasserstein.hpp,
include/mlguard/drift/{wasserstein,binning}.hpp).

Run from the repository root with Debian's python3-numpy/scipy (numpy 1.24,
scipy 1.10):
    /usr/bin/python3 tests/reference/gen_extremes.py
writes tests/fixtures/reference/extremes.json.

Two kinds of reference:
- "numpy": what numpy/scipy return. For moderate data that is the
  reference mlguard must match. Near ±1e308 numpy and scipy overflow
  (inf, nan, or an error), and the value is recorded only to document that.
- "exact": the true value, computed with Python's exact rationals
  (fractions.Fraction; square roots with 60-digit decimals) and rounded
  once to a double, or "inf" when the true value exceeds DBL_MAX. This is
  the reference near ±1e308. A sum of squared deviations beyond DBL_MAX is
  given as [significand, exponent] with the significand in [2^1023, 2^1024),
  the form mlguard's profiles save (moments::parts).

Non-finite numbers are written as "inf" / "-inf", NaN as null.
"""
import json
import math
import os
import sys
import warnings
from decimal import Decimal, getcontext
from fractions import Fraction

import numpy as np
import scipy
import scipy.stats as st

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_drift import clean  # noqa: E402  JSON-safe copy: inf as strings, NaN as null

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "reference", "extremes.json"))
DBL_MAX = sys.float_info.max
getcontext().prec = 60


def to_double(q):
    """A non-negative or negative rational rounded once to a double; ±inf past DBL_MAX."""
    try:
        return float(q)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


def sqrt_double(q):
    """sqrt of a non-negative rational, rounded to a double (60 digits first)."""
    if q == 0:
        return 0.0
    d = (Decimal(q.numerator) / Decimal(q.denominator)).sqrt()
    return float(d)


def parts(q):
    """A non-negative rational as mlguard's m2 parts: [q, 0] when q ≤ DBL_MAX,
    else [s, k] with q ≈ s·2^k, s in [2^1023, 2^1024)."""
    if q <= Fraction(DBL_MAX):
        return [float(q), 0]
    k = q.numerator.bit_length() - q.denominator.bit_length() - 1024
    while q / Fraction(2) ** k >= Fraction(2) ** 1024:
        k += 1
    while q / Fraction(2) ** k < Fraction(2) ** 1023:
        k -= 1
    return [float(q / Fraction(2) ** k), k]


def numpy_quiet(f):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return f()
        except (ValueError, OverflowError) as e:
            return {"error": str(e)}


# ------------------------------------------------------------ profile moments


def exact_moments(values):
    xs = [Fraction(v) for v in values]
    n = len(xs)
    mean = sum(xs) / n
    m2 = sum((x - mean) ** 2 for x in xs)
    out = {"mean": float(mean), "m2": parts(m2), "variance": to_double(m2 / n)}
    out["sample_variance"] = to_double(m2 / (n - 1)) if n > 1 else None
    return out


def moments_case(name, values, zeros=0):
    """`zeros` zeros follow the listed values (kept out of the file)."""
    all_values = list(map(float, values)) + [0.0] * zeros
    a = np.array(all_values)
    return {"name": name, "values": all_values[: len(values)], "zeros": zeros,
            "exact": exact_moments(all_values),
            "numpy": {"mean": numpy_quiet(lambda: float(np.mean(a))),
                      "variance": numpy_quiet(lambda: float(np.var(a))),
                      "sample_variance": numpy_quiet(lambda: float(np.var(a, ddof=1)))
                      if len(a) > 1 else None}}


def magnitude_mix(g, n):
    """n values of random sign and magnitude 10^u, u uniform in [-308, 308]."""
    mags = 10.0 ** g.uniform(-308, 308, n)
    signs = g.choice([-1.0, 1.0], n)
    return [float(s * min(m, DBL_MAX)) for s, m in zip(signs, mags)]


def profile_cases():
    g = np.random.default_rng(20261201)
    moderate = [
        moments_case("normal 5 2", g.normal(5, 2, 1000)),
        moments_case("lognormal 3 1", g.lognormal(3, 1, 2000)),
        moments_case("integers 0..100", g.integers(0, 101, 500).astype(float)),
        moments_case("huge scale 1e12", g.normal(1e12, 1e9, 300)),
        moments_case("tiny scale 1e-6", g.normal(0, 1e-6, 300)),
        # beyond 2^476 (≈ 2e143), where mlguard's moments scale, yet within
        # numpy's reach (deviations below 1.3e154, whose squares are finite):
        # the scaled path against numpy. (Far narrower data, 1e160 ± 1e152,
        # would mostly measure Welford's known cancellation.)
        moments_case("normal 1e150 1e148", g.normal(1e150, 1e148, 200)),
        moments_case("normal 3e153 1e152", g.normal(3e153, 1e152, 500)),
        moments_case("normal -2e153 5e152", g.normal(-2e153, 5e152, 100)),
    ]
    extreme = [
        moments_case("issue 16", [1e308, -1e308, 1.5e308]),
        moments_case("both extremes", [1e308, -1e308, 1.5e308, -1.7e308, DBL_MAX, -DBL_MAX,
                                       0.5, 1e-308]),
        moments_case("DBL_MAX five times", [DBL_MAX] * 5),
        moments_case("two DBL_MAX one -DBL_MAX", [DBL_MAX, DBL_MAX, -DBL_MAX]),
        # m2 ≈ 1e310 overflows, the variance ≈ 1e307 does not
        moments_case("1e155 among zeros", [1e155], zeros=1000),
        moments_case("3e154 and -3e154 among zeros", [3e154, -3e154, 3e154], zeros=40),
        # numpy's sum of squares overflows (variance inf), the true one is ≈ 1e306
        moments_case("normal 3e153 1e153", g.normal(3e153, 1e153, 500)),
        moments_case("magnitude mix 60", magnitude_mix(g, 60)),
        moments_case("magnitude mix 500", magnitude_mix(g, 500)),
    ]
    return moderate, extreme


# ------------------------------------------------------------ drift


def exact_cdf_integral(u, v, p):
    """∫ |U − V|^p dx of the empirical CDFs, exactly."""
    xs = sorted(set(u) | set(v))
    total = Fraction(0)
    for k in range(len(xs) - 1):
        cu = Fraction(sum(1 for a in u if a <= xs[k]), len(u))
        cv = Fraction(sum(1 for a in v if a <= xs[k]), len(v))
        total += abs(cu - cv) ** p * (Fraction(xs[k + 1]) - Fraction(xs[k]))
    return total


def exact_std(x):
    q = [Fraction(a) for a in x]
    mean = sum(q) / len(q)
    return sum((a - mean) ** 2 for a in q) / len(q)  # the variance; sqrt below


def decimal_of(q):
    return Decimal(q.numerator) / Decimal(q.denominator)


def distance_case(name, u, v):
    """scipy's answer, scipy's arithmetic on the samples in units of 4 (and
    of 2^k for the normalised distance) scaled back, which is what mlguard
    computes, and the exact value."""
    u = [float(a) for a in u]
    v = [float(a) for a in v]
    ua, va = np.array(u), np.array(v)
    w = exact_cdf_integral(u, v, 1)
    e2 = exact_cdf_integral(u, v, 2)
    var = exact_std(u)
    sd = decimal_of(var).sqrt() if var else Decimal(0)
    norm = decimal_of(w) / max(sd, Decimal("0.001"))
    largest = max(abs(a) for a in u + v)
    k = math.frexp(largest)[1] - 2  # ilogb(largest) - 1, as drift::wasserstein_norm
    us, vs = ua * 2.0 ** -k, va * 2.0 ** -k
    return {
        "name": name, "u": u, "v": v,
        "scipy": {"wasserstein": numpy_quiet(lambda: float(st.wasserstein_distance(ua, va))),
                  "energy": numpy_quiet(lambda: float(st.energy_distance(ua, va))),
                  "wasserstein_norm": numpy_quiet(lambda: float(
                      st.wasserstein_distance(ua, va) / max(np.std(ua), 0.001)))},
        "scipy_scaled": {
            "wasserstein": numpy_quiet(lambda: 4.0 * float(st.wasserstein_distance(ua / 4, va / 4))),
            "energy": numpy_quiet(lambda: 2.0 * float(st.energy_distance(ua / 4, va / 4))),
            "wasserstein_norm": numpy_quiet(lambda: float(
                st.wasserstein_distance(us, vs) / max(np.std(us), 0.001 * 2.0 ** -k)))},
        "exact": {"wasserstein": to_double(w),
                  "energy": float((2 * decimal_of(e2)).sqrt()),
                  "wasserstein_norm": float(norm)},
    }


def binning_case(name, ref, cur, bins=10):
    """Quantile edges and Sturges edges near ±1e308: numpy's own answer (±inf
    edges, or an error), numpy on the samples halved with the edges doubled
    (what mlguard computes), and the binned statistics of gen_drift.py over
    the latter edges."""
    sys.path.insert(0, HERE)
    import gen_drift  # noqa: E402  (the same formulas as the other references)

    ref = np.array(ref, dtype=float)
    cur = np.array(cur, dtype=float)
    qs = np.linspace(0, 1, bins + 1)
    numpy_edges = numpy_quiet(lambda: np.quantile(ref, qs)[1:-1])
    interior = np.unique(2.0 * np.quantile(ref / 2.0, qs)[1:-1])
    edges = np.concatenate(([-np.inf], interior, [np.inf]))
    r = np.histogram(ref, edges)[0] / len(ref)
    c = np.histogram(cur, edges)[0] / len(cur)
    case = {"name": name, "bins": bins, "reference": ref, "current": cur,
            "numpy_quantile_edges": numpy_edges,
            "quantile": {"interior": interior, "reference": r, "current": c,
                         **gen_drift.binned_stats(r, c)}}
    both = np.concatenate([ref, cur])
    case["numpy_sturges"] = numpy_quiet(lambda: np.histogram_bin_edges(both, bins="sturges"))
    if len(set(ref.tolist())) > 20:
        sturges = 2.0 * np.histogram_bin_edges(both / 2.0, bins="sturges")
        r = np.histogram(ref, sturges)[0] / len(ref)
        c = np.histogram(cur, sturges)[0] / len(cur)
        case["evidently"] = {"edges": sturges, "reference": r, "current": c,
                             **gen_drift.binned_stats(r, c)}
    return case


def drift_cases():
    g = np.random.default_rng(20261202)
    big = DBL_MAX
    distances = [
        distance_case("identical, issue 16", [1e308, -1e308, 1.5e308], [1e308, -1e308, 1.5e308]),
        distance_case("identical at ±DBL_MAX", [big, -big, 0.0], [0.0, -big, big]),
        distance_case("finite answer scipy makes inf", [1e308, -1e308], [-1e308, 1e308, 1e308]),
        distance_case("true distance past DBL_MAX", [1e308, 1.5e308], [-1e308, -1.5e308]),
        distance_case("one side only", [1.7e308, 1.7e308, 1.0], [1.7e308, 1.0, 1.0]),
        distance_case("moderate", g.normal(0, 1, 30), g.normal(0.5, 1, 25)),
        distance_case("std overflows, scipy's ratio 0", g.normal(0, 1e154, 40) * 30,
                      g.normal(1e154, 1e154, 30) * 30),
    ]
    for i in range(6):
        distances.append(distance_case(f"magnitude mix {i}", magnitude_mix(g, int(g.integers(2, 40))),
                                       magnitude_mix(g, int(g.integers(2, 40)))))
    # Samples with many distinct values, so that Evidently's Sturges edges apply.
    mix_ref = sorted(magnitude_mix(g, 60) + [1e308, -1e308])
    mix_cur = magnitude_mix(g, 50) + [1.5e308, -1.7e308]
    binnings = [
        binning_case("issue 16 spread", [1e308, -1e308, 1.5e308, -1.7e308, 1e307, -1e307,
                                         5e307, -5e307, big, -big, 0.0], [1e308, -1e308, 1e308]),
        # neighbours across zero: numpy's interpolation overflows to ±inf edges
        binning_case("two clusters at ±1.5e308",
                     [-1.5e308, -1.4e308, -1.3e308, 1.3e308, 1.4e308, 1.6e308],
                     [-1.5e308, 1.5e308, 1.5e308, 1.55e308], bins=4),
        binning_case("magnitude mix", mix_ref, mix_cur),
        binning_case("uniform ±1e308", g.uniform(-1, 1, 200) * 1e308,
                     g.uniform(-0.5, 1.5, 150) * 1e308),
    ]
    return distances, binnings


def main():
    moderate, extreme = profile_cases()
    distances, binnings = drift_cases()
    doc = {"generator": "tests/reference/gen_extremes.py", "numpy": np.__version__,
           "scipy": scipy.__version__,
           "moments_moderate": moderate, "moments_extreme": extreme,
           "distances": distances, "binnings": binnings}
    with open(OUT, "w") as f:
        json.dump(clean(doc), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()

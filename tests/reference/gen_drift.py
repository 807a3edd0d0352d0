#!/usr/bin/env python3
"""Golden values for the binned and distance-based drift statistics
(include/mlguard/drift/{binning,psi,distances,categorical,wasserstein}.hpp and
include/mlguard/stats/wasserstein.hpp), from the real numpy/scipy/pandas.

Evidently is not installed here; its formulas (evidently
src/evidently/calculations/stattests: utils.get_binned_data, psi,
jensenshannon, kl_div, hellinger_distance, wasserstein_distance_norm,
chisquare_stattest, z_stattest) are re-expressed below with numpy/pandas.

Run from the repository root with Debian's python3-numpy/scipy/pandas:
    /usr/bin/python3 tests/reference/gen_drift.py
writes
    tests/fixtures/evidently_normal_samples.json   (Evidently's example samples)
    tests/fixtures/reference/drift_numeric.json     (numeric pairs, all statistics)
    tests/fixtures/reference/drift_categorical.json (categorical pairs)
    tests/fixtures/reference/drift_sum.json         (numpy pairwise sums)
    tests/fixtures/reference/drift_monitor.json     (categorical monitor windows)
Non-finite numbers are written as the strings "inf" / "-inf" (JSON has none).
"""
import json
import math
import os

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
from scipy.spatial import distance

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.normpath(os.path.join(HERE, "..", "fixtures"))


def clean(x):
    """JSON-safe copy: numpy scalars to Python, inf to strings, nan to None."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [clean(v) for v in x]
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return None
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return x


def write(name, doc):
    path = os.path.join(FIXTURES, name)
    with open(path, "w") as f:
        json.dump(clean(doc), f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}")


# ---------------------------------------------------------------- binnings


def quantile_binning(ref, cur, bins):
    """Interior edges numpy.quantile(finite ref, linspace(0,1,bins+1))[1:-1],
    unique; outer edges -inf/+inf; counts by numpy.histogram."""
    finite = ref[np.isfinite(ref)]
    if finite.size == 0 or bins == 1:
        interior = np.array([], dtype=float)
    else:
        interior = np.unique(np.quantile(finite, np.linspace(0, 1, bins + 1))[1:-1])
    edges = np.concatenate(([-np.inf], interior, [np.inf]))
    r = np.histogram(ref, edges)[0] / len(ref)
    c = np.histogram(cur, edges)[0] / len(cur)
    return {"kind": "intervals", "edges": edges, "interior": interior}, r, c


def evidently_binning(ref, cur):
    """Evidently's get_binned_data(feature_type=num) without zero filling."""
    r_s, c_s = pd.Series(ref), pd.Series(cur)
    if r_s.nunique() > 20:
        edges = np.histogram_bin_edges(pd.concat([r_s, c_s], axis=0).values, bins="sturges")
        r = np.histogram(r_s, edges)[0] / len(r_s)
        c = np.histogram(c_s, edges)[0] / len(c_s)
        return {"kind": "intervals", "edges": edges}, r, c
    keys = sorted(set(r_s.dropna().unique()) | set(c_s.dropna().unique()))
    rc, cc = r_s.value_counts(), c_s.value_counts()
    r = np.array([rc.get(k, 0) / len(r_s) for k in keys])
    c = np.array([cc.get(k, 0) / len(c_s) for k in keys])
    return {"kind": "values", "values": np.array(keys, dtype=float)}, r, c


def fill_zeros(p):
    """Evidently's per-array zero replacement (no renormalisation)."""
    p = np.array(p, dtype=float)
    smallest = min(p[p != 0])
    np.place(p, p == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return p


# ---------------------------------------------------------------- statistics


def psi(r, c):
    rf, cf = fill_zeros(r), fill_zeros(c)
    value = 0
    for i in range(len(rf)):
        value += (rf[i] - cf[i]) * np.log(rf[i] / cf[i])
    return float(value), rf, cf


def hellinger(r, c):
    # Evidently's categorical formula: sqrt(1 - clip(sum sqrt(p q), 0, 1)).
    s = 0.0
    for p, q in zip(r, c):
        s += math.sqrt(p * q)
    return math.sqrt(1 - float(np.clip(s, 0, 1)))


def binned_stats(r, c):
    out = {}
    out["psi"], rf, cf = psi(r, c)
    out["filled_reference"], out["filled_current"] = rf, cf
    out["js_distance_e"] = float(distance.jensenshannon(r, c))
    out["js_distance_2"] = float(distance.jensenshannon(r, c, 2))
    out["js_divergence_e"] = float(distance.jensenshannon(r, c)) ** 2
    out["js_divergence_2"] = min(1.0, float(distance.jensenshannon(r, c, 2)) ** 2)
    out["kl"] = float(st.entropy(rf, cf))
    out["hellinger"] = hellinger(r, c)
    out["tvd"] = float(0.5 * np.sum(np.abs(r - c)))
    out["linf"] = float(np.max(np.abs(r - c)))
    return out


def numeric_case(name, ref, cur, bins=10):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    case = {"name": name, "bins": bins, "reference": ref, "current": cur}
    binning, r, c = quantile_binning(ref, cur, bins)
    case["quantile"] = {**binning, "reference": r, "current": c, **binned_stats(r, c)}
    finite = bool(np.all(np.isfinite(ref)) and np.all(np.isfinite(cur)))
    try:
        binning, r, c = evidently_binning(ref, cur)
        case["evidently"] = {**binning, "reference": r, "current": c, **binned_stats(r, c)}
    except ValueError as e:  # numpy rejects ±inf when choosing Sturges edges
        assert "not finite" in str(e), e
        case["evidently"] = {"error": "mlguard.drift.non_finite"}
    if finite:
        case["wasserstein"] = float(st.wasserstein_distance(ref, cur))
        case["wasserstein_norm"] = float(st.wasserstein_distance(ref, cur) / max(np.std(ref), 0.001))
        case["energy"] = float(st.energy_distance(ref, cur))
        case["std_reference"] = float(np.std(ref))
    else:
        case["wasserstein"] = {"error": "mlguard.stats.non_finite"}
    return case


def weighted_case(name, u, v, uw, vw):
    return {"name": name, "u": u, "v": v, "u_weights": uw, "v_weights": vw,
            "wasserstein": float(st.wasserstein_distance(u, v, uw, vw)),
            "energy": float(st.energy_distance(u, v, uw, vw))}


# ---------------------------------------------------------------- categorical


def categorical_case(name, ref, cur):
    """ref, cur: lists of strings. Categories in order of first appearance,
    reference first, then the ones only the current sample has."""
    keys = list(dict.fromkeys(list(ref) + list(cur)))
    rs, cs = pd.Series(ref, dtype=object), pd.Series(cur, dtype=object)
    rc, cc = rs.value_counts(), cs.value_counts()
    ref_counts = np.array([rc.get(k, 0) for k in keys], dtype=float)
    cur_counts = np.array([cc.get(k, 0) for k in keys], dtype=float)
    r = ref_counts / len(ref)
    c = cur_counts / len(cur)
    # The samples are not stored: the tests rebuild them from the counts
    # (category i repeated count_i times), which keeps first-appearance order.
    case = {"name": name, "categories": keys,
            "reference_counts": ref_counts, "current_counts": cur_counts,
            "reference_proportions": r, "current_proportions": c,
            "unseen_categories": int(np.sum((ref_counts == 0) & (cur_counts > 0))),
            "unseen_current": int(np.sum(cur_counts[ref_counts == 0]))}
    case.update(binned_stats(r, c))
    # Evidently's chisquare: f_exp = reference counts * n_cur / n_ref.
    k_norm = len(cur) / len(ref)
    f_exp = [rc.get(k, 0) * k_norm for k in keys]
    f_obs = [cc.get(k, 0) for k in keys]
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = st.chisquare(f_obs, f_exp)
    case["chisquare"] = {"statistic": float(chi[0]), "p_value": float(chi[1]), "dof": len(keys) - 1}
    # scipy's contingency test with Yates' correction (alibi-detect's use).
    res = st.chi2_contingency(np.array([ref_counts, cur_counts]))
    case["chi2_contingency"] = {"statistic": float(res[0]), "p_value": float(res[1]),
                                "dof": int(res[2])}
    # Evidently's z-test: 0 for the first key in sorted order, 1 otherwise.
    if rs.nunique() == 1 and cs.nunique() == 1 and rs.unique()[0] == cs.unique()[0]:
        case["ztest"] = {"statistic": 0.0, "p_value": 1.0}
    else:
        first = sorted(keys)[0]
        a = np.array([0 if x == first else 1 for x in ref], dtype=float)
        b = np.array([0 if x == first else 1 for x in cur], dtype=float)
        n1, n2 = len(a), len(b)
        p1, p2 = float(sum(a)) / n1, float(sum(b)) / n2
        pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
        case["ztest"] = {"statistic": float(z), "p_value": float(2 * (1 - st.norm.cdf(np.abs(z))))}
    return case


def monitor_case(name, vocabulary, ref_codes, win_codes):
    """A categorical feature in drift_monitor: codes into `vocabulary`; -1 is
    missing, any other code outside [0, V) falls in the "<other>" bin. The
    window is compared over the categories present in either (the
    reference's first, in bin order), as drift::compare does."""
    v = len(vocabulary)

    def bins(codes):
        counts = np.zeros(v + 1)
        for c in codes:
            if c != -1:
                counts[c if 0 <= c < v else v] += 1
        return counts

    r, w = bins(ref_codes), bins(win_codes)
    names = list(vocabulary) + ["<other>"]
    order = [b for b in range(v + 1) if r[b] > 0] + [b for b in range(v + 1)
                                                     if r[b] == 0 and w[b] > 0]
    f_obs = w[order]
    f_exp = r[order] * w.sum() / r.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = st.chisquare(f_obs, f_exp)
    js = distance.jensenshannon(r[order] / r.sum(), w[order] / w.sum())
    return {"name": name, "vocabulary": list(vocabulary), "reference_codes": list(ref_codes),
            "window_codes": list(win_codes), "categories": [names[b] for b in order],
            "reference_counts": r[order], "window_counts": f_obs,
            "chisquare": {"statistic": float(chi[0]), "p_value": float(chi[1]),
                          "dof": len(order) - 1},
            "jensenshannon": float(js)}


def monitor_cases():
    g = np.random.default_rng(20260301)
    colours = ["red", "green", "blue", "black", "white"]
    # Codes as validate_fields gives them: -1 missing, -2 unseen, 7 past the vocabulary.
    ref = [int(c) for c in g.choice([0, 1, 2, 3, 4, -2, -1], 600,
                                    p=[0.3, 0.25, 0.2, 0.1, 0.1, 0.03, 0.02])]
    win = [int(c) for c in g.choice([0, 1, 2, 3, 4, -2, 7, -1], 250,
                                    p=[0.2, 0.3, 0.2, 0.1, 0.1, 0.04, 0.02, 0.04])]
    cases = [monitor_case("colours with other", colours, ref, win)]
    # "white" never occurs in the reference: chi-square is +inf, p 0.
    ref = [int(c) for c in g.choice([0, 1, 2, 3], 400, p=[0.4, 0.3, 0.2, 0.1])]
    win = [int(c) for c in g.choice([0, 1, 2, 3, 4], 150, p=[0.35, 0.3, 0.2, 0.1, 0.05])]
    cases.append(monitor_case("a category only the window has", colours, ref, win))
    # Close to the reference: a small statistic, a large p-value.
    ref = [int(c) for c in g.choice([0, 1, 2], 900, p=[0.5, 0.3, 0.2])]
    win = [int(c) for c in g.choice([0, 1, 2, -1], 300, p=[0.48, 0.3, 0.2, 0.02])]
    cases.append(monitor_case("three categories, no drift", ["a", "b", "c"], ref, win))
    return cases


def main():
    rng = np.random.default_rng(0)
    # Evidently's published example: ref = N(0,1), then cur = N(0.5,1), n=1000 each.
    ev_ref = rng.normal(0, 1, 1000)
    ev_cur = rng.normal(0.5, 1, 1000)
    write("evidently_normal_samples.json", {
        "generator": "tests/reference/gen_drift.py",
        "numpy": np.__version__,
        "draw": "numpy.random.default_rng(0); reference = normal(0, 1, 1000); "
                "current = normal(0.5, 1, 1000)",
        "reference": ev_ref, "current": ev_cur})

    g = np.random.default_rng(20261127)
    cases = [numeric_case("evidently example", ev_ref, ev_cur)]

    def add(name, ref, cur, bins=10):
        cases.append(numeric_case(name, ref, cur, bins))

    # sizes 1 to 20000
    for n, m in [(1, 1), (1, 5), (5, 1), (2, 3), (3, 2), (5, 5), (7, 11), (10, 10), (21, 30),
                 (50, 40), (100, 100), (128, 129), (300, 250), (1000, 1000), (2000, 700)]:
        add(f"normal shift {n}x{m}", g.normal(0, 1, n), g.normal(0.3, 1.2, m))
    for n, m in [(20000, 20000), (20000, 500), (500, 20000)]:
        add(f"normal rounded {n}x{m}", np.round(g.normal(0, 1, n), 3),
            np.round(g.normal(0.1, 1, m), 3))
    # tiny proportions: Evidently's min/1e6 zero fill (smallest non-zero ≤ 1e-4)
    add("shifted rounded 20000x12000", np.round(g.normal(0, 1, 20000), 3),
        np.round(g.normal(2.5, 1, 12000), 3))
    # same distribution
    for n in [30, 200, 3000]:
        add(f"same distribution {n}", g.normal(5, 2, n), g.normal(5, 2, n))
    # heavy tails
    for n in [40, 400, 4000]:
        add(f"cauchy {n}", g.standard_cauchy(n), g.standard_cauchy(n) + 1)
        add(f"student t2 {n}", g.standard_t(2, n), g.standard_t(2, n) * 1.5)
        add(f"lognormal {n}", g.lognormal(0, 2, n), g.lognormal(0.5, 2, n))
    # ties and few distinct values (Evidently's categorical path when ≤ 20)
    for k in [1, 2, 3, 5, 20, 21, 30, 60]:
        add(f"integers 0..{k - 1}", g.integers(0, k, 300).astype(float),
            g.integers(0, k + 2, 250).astype(float))
    add("rounded ties", np.round(g.normal(0, 1, 500), 1), np.round(g.normal(0.2, 1, 400), 1))
    add("half ties", np.concatenate([np.zeros(200), g.normal(0, 1, 200)]), g.normal(0, 1, 300))
    # constant samples
    add("constant equal", np.full(50, 3.5), np.full(40, 3.5))
    add("constant different", np.full(50, 3.5), np.full(40, -1.0))
    add("constant reference", np.full(100, 2.0), g.normal(2, 1, 100))
    add("constant current", g.normal(2, 1, 100), np.full(100, 2.0))
    add("disjoint supports", g.uniform(0, 1, 200), g.uniform(5, 6, 200))
    add("tiny scale", g.normal(0, 1e-6, 300), g.normal(1e-7, 1e-6, 300))
    add("huge scale", g.normal(1e12, 1e9, 300), g.normal(1e12, 2e9, 300))
    add("negative zero", np.array([-0.0, 0.0, 1.0, -1.0, 0.0]), np.array([0.0, -0.0, 2.0]))
    # bin counts
    for b in [1, 2, 3, 5, 7, 20, 50]:
        add(f"bins {b}", g.normal(0, 1, 500), g.normal(0.2, 1, 600), bins=b)
    add("bins 20 small sample", g.normal(0, 1, 12), g.normal(0, 1, 12), bins=20)
    # infinities: quantile bins put them in the outer bins; numpy's Sturges raises
    x = g.normal(0, 1, 100)
    add("inf in current", x, np.concatenate([g.normal(0, 1, 97), [np.inf, -np.inf, np.inf]]))
    add("inf in reference", np.concatenate([x, [np.inf, -np.inf]]), g.normal(0, 1, 80))
    add("inf few values", np.array([1.0, 2.0, np.inf, 2.0]), np.array([1.0, np.inf, np.inf]))
    add("only inf reference", np.array([np.inf, np.inf, -np.inf]), np.array([1.0, 2.0]))
    # many more random pairs
    for i in range(40):
        n = int(g.integers(1, 400))
        m = int(g.integers(1, 400))
        kind = i % 4
        if kind == 0:
            ref, cur = g.normal(0, 1, n), g.normal(g.uniform(-1, 1), g.uniform(0.5, 2), m)
        elif kind == 1:
            ref, cur = g.exponential(1, n), g.exponential(g.uniform(0.5, 2), m)
        elif kind == 2:
            ref, cur = g.integers(0, 40, n).astype(float), g.integers(0, 45, m).astype(float)
        else:
            ref, cur = np.round(g.gamma(2, 2, n), 2), np.round(g.gamma(2.5, 2, m), 2)
        add(f"random {i} ({n}x{m})", ref, cur, bins=int(g.choice([5, 10, 10, 10, 20])))

    weighted = [
        weighted_case("weighted small", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0], [1.0, 1.0, 1.0],
                      [1.0, 1.0, 1.0]),
        weighted_case("weighted scipy doc", [3.4, 3.9, 7.5, 7.8], [4.5, 1.4],
                      [1.4, 0.9, 3.1, 7.2], [3.2, 3.5]),
        weighted_case("weighted zeros", [1.0, 2.0, 3.0, 4.0], [2.0, 2.0, 5.0],
                      [0.0, 1.0, 2.0, 0.5], [1.0, 0.0, 3.0]),
    ]
    for i in range(10):
        n, m = int(g.integers(1, 200)), int(g.integers(1, 200))
        weighted.append(weighted_case(f"weighted random {i}", g.normal(0, 1, n),
                                      g.normal(0.5, 1, m), g.uniform(0, 3, n),
                                      g.uniform(0.1, 2, m)))

    meta = {"generator": "tests/reference/gen_drift.py", "numpy": np.__version__,
            "scipy": scipy.__version__, "pandas": pd.__version__}
    write(os.path.join("reference", "drift_numeric.json"),
          {**meta, "cases": cases, "weighted": weighted})

    # categorical
    cat_cases = [categorical_case("evidently example", list("aaaabbbccd"), list("aabbbbccce"))]
    cat_cases.append(categorical_case("same single category", ["x"] * 5, ["x"] * 3))
    cat_cases.append(categorical_case("different single categories", ["x"] * 5, ["y"] * 3))
    cat_cases.append(categorical_case("binary", list("ababbbabaa"), list("bbbbbbbaab")))
    cat_cases.append(categorical_case("binary 2x2", ["yes"] * 30 + ["no"] * 70,
                                      ["yes"] * 45 + ["no"] * 55))
    cat_cases.append(categorical_case("binary one-sided", ["p"] * 10 + ["q"], ["p"] * 9))
    cat_cases.append(categorical_case("all unseen", list("aab"), list("cdd")))
    cat_cases.append(categorical_case("identical", list("abcabcabcd"), list("abcabcabcd")))
    cat_cases.append(categorical_case("single values", ["a"], ["b"]))
    cat_cases.append(categorical_case("utf-8", ["é", "e", "z", "é"], ["z", "e", "ё"]))
    alphabet = [f"c{i:02d}" for i in range(40)]
    for i in range(40):
        k = int(g.integers(2, 40))
        n, m = int(g.integers(1, 3000)), int(g.integers(1, 3000))
        p = g.dirichlet(np.ones(k))
        q = 0.7 * p + 0.3 * g.dirichlet(np.ones(k))
        ref = list(g.choice(alphabet[:k], n, p=p))
        cur_alphabet = alphabet[:k] if i % 3 else alphabet[:k] + ["new_a", "new_b"]
        qq = q if i % 3 else np.concatenate([0.9 * q, [0.05, 0.05]])
        cur = list(g.choice(cur_alphabet, m, p=qq))
        cat_cases.append(categorical_case(f"random {i} ({k} categories, {n}x{m})", ref, cur))
    write(os.path.join("reference", "drift_categorical.json"), {**meta, "cases": cat_cases})

    sums = []
    for n in [0, 1, 7, 8, 9, 15, 16, 17, 127, 128, 129, 130, 255, 256, 257, 1000, 4099, 8192, 8193, 10000]:
        x = g.normal(0, 1, n) * 10.0 ** g.integers(-3, 4, n)
        sums.append({"values": x, "sum": float(np.sum(x)), "std": float(np.std(x)) if n else None})
    write(os.path.join("reference", "drift_sum.json"), {**meta, "cases": sums})

    write(os.path.join("reference", "drift_monitor.json"), {**meta, "cases": monitor_cases()})


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for include/mlguard/explain/ (Debian's python3-sklearn 1.2.1, numpy 1.24).

    /usr/bin/python3 tests/reference/gen_explain_sklearn.py

writes tests/fixtures/reference/explain.json with two sklearn pipelines, each
trained here and exported to mlguard's pipeline document:
  - "logistic": ColumnTransformer(impute+scale | clip+scale | one-hot | min-max),
    dropping one input, then LogisticRegression;
  - "linear": SimpleImputer(median) + RobustScaler + LinearRegression.
For each: the training rows, test rows and
  - contributions: SHAP's linear formula coef * (z - E[z]) on the transformed
    features z, E[z] the mean of the transformed TRAINING rows, computed with
    numpy and summed per original feature (one-hot columns to their
    categorical input), the base value and the margin (decision_function /
    predict). SHAP itself is not packaged in Debian, so the formula is
    computed directly; the script checks that contributions + base = margin.
  - permutation_importance: sklearn.inspection.permutation_importance
    (n_repeats=3, random_state=42) with the row permutations it drew,
    reproduced here from its random_state (one seed drawn from
    RandomState(42), the same RandomState(seed) per column, the index array
    shuffled in place each repeat and applied to the already permuted
    column); the script recomputes the importances with those indices and
    checks they equal sklearn's bit for bit. The recorded index of repeat r
    maps each row to the ORIGINAL row whose value it holds.
  - partial_dependence: sklearn.inspection.partial_dependence(method="brute",
    kind="average") for one and two features, with sklearn's grid.
"""
import json
import os
import warnings

import numpy
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import (FunctionTransformer, MinMaxScaler, OneHotEncoder, RobustScaler,
                                   StandardScaler)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")
CLIP_LOW, CLIP_HIGH = -1.0, 1.5


def floats(a):
    """A JSON-able nested list; NaN as the string "nan" (mlguard's convention)."""
    a = numpy.asarray(a, dtype=float)
    if a.ndim == 0:
        return "nan" if numpy.isnan(a) else float(a)
    return [floats(x) for x in a]


def fl(v):
    return [float(x) for x in v]


def document(inputs, output, stages):
    return {"format": "mlguard.pipeline", "format_version": 1, "input_features": inputs,
            "output_features": [output], "stages": stages}


def logistic_case(rng):
    names = ["a", "b", "c", "cat", "d", "e"]
    n = 240
    X = numpy.column_stack([
        rng.normal(1.0, 2.0, n), rng.lognormal(0.3, 0.6, n), rng.normal(0.0, 1.2, n),
        rng.integers(0, 4, n).astype(float), rng.normal(0, 1, n), rng.uniform(5, 9, n)])
    X[rng.uniform(size=n) < 0.1, 0] = numpy.nan
    X[rng.uniform(size=n) < 0.1, 1] = numpy.nan
    z = (0.4 * numpy.nan_to_num(X[:, 0]) - 0.8 * numpy.clip(X[:, 2], CLIP_LOW, CLIP_HIGH)
         + 0.9 * (X[:, 3] == 2) - 0.3 * (X[:, 5] - 7))
    y = (rng.uniform(size=n) < 1 / (1 + numpy.exp(-z))).astype(float)
    train, test = slice(0, 200), slice(200, n)
    prep = ColumnTransformer([
        ("num", Pipeline([("impute", SimpleImputer(strategy="mean")),
                          ("scale", StandardScaler())]), [0, 1]),
        ("clip", Pipeline([("clip", FunctionTransformer(
            lambda v: numpy.clip(v, CLIP_LOW, CLIP_HIGH))), ("scale", StandardScaler())]), [2]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), [3]),
        ("mm", MinMaxScaler(), [5])])  # "d" (4) is dropped
    pipe = Pipeline([("prep", prep), ("model", LogisticRegression(C=0.7, max_iter=5000,
                                                                   tol=1e-10))])
    pipe.fit(X[train], y[train])
    X_test = X[test].copy()
    X_test[0, 3] = 9.0  # an unseen category: all-zero indicators
    X_test[1, 2] = 4.0  # clipped at the upper bound
    X_test[2, 2] = -3.0  # clipped at the lower bound
    X_test[3, 0] = numpy.nan
    imp = prep.named_transformers_["num"].named_steps["impute"]
    s_num = prep.named_transformers_["num"].named_steps["scale"]
    s_clip = prep.named_transformers_["clip"].named_steps["scale"]
    enc, mm = prep.named_transformers_["cat"], prep.named_transformers_["mm"]
    model = pipe.named_steps["model"]
    stages = [
        {"kind": "column_selector", "params": {"columns": ["a", "b", "c", "cat", "e"]}},
        {"kind": "imputer", "params": {"columns": ["a", "b"], "strategy": "mean",
                                       "fill_value": 0.0, "overrides": [],
                                       "statistics": fl(imp.statistics_)}},
        {"kind": "clipper", "params": {"columns": ["c"], "mode": "domain", "quantiles": [0.0, 1.0],
                                       "lower": [CLIP_LOW], "upper": [CLIP_HIGH]}},
        {"kind": "standard_scaler", "params": {
            "columns": ["a", "b", "c"], "mean": fl(s_num.mean_) + fl(s_clip.mean_),
            "scale": fl(s_num.scale_) + fl(s_clip.scale_)}},
        {"kind": "one_hot_encoder", "params": {"columns": ["cat"], "unseen_bucket": False,
                                               "categories": [fl(enc.categories_[0])]}},
        {"kind": "min_max_scaler", "params": {"columns": ["e"], "range": [0.0, 1.0],
                                              "scale": fl(mm.scale_), "min": fl(mm.min_)}},
        {"kind": "logistic_regression", "params": {
            "C": 0.7, "coef": fl(model.coef_[0]), "intercept": float(model.intercept_[0]),
            "output": "probability"}},
    ]
    # model input t comes from input origin[t]: a, b, c, cat x4, e
    origin = [0, 1, 2] + [3] * len(enc.categories_[0]) + [5]
    doc = document(names, "probability", stages)
    return names, X[train], y[train], X_test, y[test], pipe, doc, origin, model.coef_[0], \
        float(model.intercept_[0]), "predict_proba"


def linear_case(rng):
    names = ["x1", "x2", "x3"]
    n = 180
    X = numpy.column_stack([rng.normal(3, 1, n), rng.exponential(2.0, n), rng.normal(-1, 4, n)])
    X[rng.uniform(size=n) < 0.1, 1] = numpy.nan
    y = 1.5 + 0.7 * X[:, 0] - 0.4 * numpy.nan_to_num(X[:, 1], nan=1.0) + 0.2 * X[:, 2] \
        + rng.normal(0, 0.5, n)
    train, test = slice(0, 150), slice(150, n)
    pipe = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", RobustScaler()),
                     ("model", LinearRegression())]).fit(X[train], y[train])
    imp, rs, model = (pipe.named_steps[k] for k in ("impute", "scale", "model"))
    stages = [
        {"kind": "imputer", "params": {"columns": [], "strategy": "median", "fill_value": 0.0,
                                       "overrides": [], "statistics": fl(imp.statistics_)}},
        {"kind": "robust_scaler", "params": {"columns": [], "quantile_range": [25.0, 75.0],
                                             "center": fl(rs.center_), "scale": fl(rs.scale_)}},
        {"kind": "linear_regression", "params": {"coef": fl(model.coef_),
                                                 "intercept": float(model.intercept_),
                                                 "output": "prediction"}},
    ]
    X_test = X[test].copy()
    X_test[0, 1] = numpy.nan
    doc = document(names, "prediction", stages)
    return names, X[train], y[train], X_test, y[test], pipe, doc, [0, 1, 2], model.coef_, \
        float(model.intercept_), "predict"


def sklearn_permutations(n_rows, n_features, n_repeats, random_state):
    """The row indices sklearn 1.2's permutation_importance applies, as maps to original rows."""
    seed = numpy.random.RandomState(random_state).randint(numpy.iinfo(numpy.int32).max + 1)
    out = []
    for _ in range(n_features):
        rs = numpy.random.RandomState(seed)
        idx = numpy.arange(n_rows)
        current = numpy.arange(n_rows)
        repeats = []
        for _ in range(n_repeats):
            rs.shuffle(idx)
            current = current[idx]  # X_perm[:, c] = X_perm[idx, c]
            repeats.append(current.copy())
        out.append(repeats)
    return out


def build(case):
    names, X, y, X_test, y_test, pipe, doc, origin, coef, intercept, method = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the unseen category, by design
        transform = pipe[:-1].transform
        Z_train, Z_test = transform(X), transform(X_test)
        margin = (pipe.decision_function(X_test) if method == "predict_proba"
                  else pipe.predict(X_test))
    mean = Z_train.mean(axis=0)
    phi = coef * (Z_test - mean)
    contributions = numpy.zeros((X_test.shape[0], len(names)))
    for t, j in enumerate(origin):
        contributions[:, j] += phi[:, t]
    base = intercept + float(coef @ mean)
    assert numpy.max(numpy.abs(contributions.sum(axis=1) + base - margin)) < 1e-12

    # permutation importance on the test rows
    predict = (lambda A: pipe.predict_proba(A)[:, 1]) if method == "predict_proba" else pipe.predict
    if method == "predict_proba":
        scoring = "accuracy"
        score = lambda yt, p: accuracy_score(yt, (p > 0.5).astype(float))
    else:
        scoring = "r2"
        score = r2_score
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pi = permutation_importance(pipe, X_test, y_test, scoring=scoring, n_repeats=3,
                                    random_state=42)
        perms = sklearn_permutations(X_test.shape[0], X_test.shape[1], 3, 42)
        baseline = score(y_test, predict(X_test))
        mine = numpy.zeros((X_test.shape[1], 3))
        for c in range(X_test.shape[1]):
            for r in range(3):
                Xp = X_test.copy()
                Xp[:, c] = X_test[perms[c][r], c]
                mine[c, r] = baseline - score(y_test, predict(Xp))
    assert numpy.array_equal(mine, pi.importances), (mine, pi.importances)

    # partial dependence on the training rows
    pds = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # features without NaN: sklearn 1.2 would put NaN itself on the grid
        for features in ([2], [5], [2, 5]) if len(names) > 3 else ([0], [0, 2]):
            r = partial_dependence(pipe, X, features, method="brute", kind="average",
                                   grid_resolution=7)
            pds.append({"features": features, "grid": [floats(v) for v in r["values"]],
                        "average": floats(r["average"][0].ravel())})
        if len(names) > 3:  # a categorical feature: its grid is its distinct values
            r = partial_dependence(pipe, X, [3], method="brute", kind="average",
                                   grid_resolution=7)
            pds.append({"features": [3], "grid": [floats(v) for v in r["values"]],
                        "average": floats(r["average"][0].ravel())})
    return {
        "document": doc, "X_train": floats(X), "y_train": floats(y), "X_test": floats(X_test),
        "y_test": floats(y_test), "background_mean": floats(mean), "origin": origin,
        "contributions": floats(contributions), "base_value": base, "margin": floats(margin),
        "permutation": {"scoring": scoring, "n_repeats": 3, "random_state": 42,
                        "baseline": float(baseline),
                        "indices": [[p.tolist() for p in f] for f in perms],
                        "importances": floats(pi.importances),
                        "importances_mean": floats(pi.importances_mean),
                        "importances_std": floats(pi.importances_std)},
        "partial_dependence": pds,
    }


def main():
    rng = numpy.random.default_rng(20261130)
    out = {"generator": "tests/reference/gen_explain_sklearn.py",
           "sklearn": sklearn.__version__, "numpy": numpy.__version__,
           "logistic": build(logistic_case(rng)), "linear": build(linear_case(rng))}
    path = os.path.join(OUT, "explain.json")
    with open(path, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for include/mlguard/pipeline/ (Debian's python3-sklearn).

    /usr/bin/python3 tests/reference/gen_pipeline_sklearn.py

writes
  tests/fixtures/reference/pipeline_stages.json  - each stage fitted by sklearn/numpy
      on the same matrix (with NaN): fitted parameters and transformed output;
      LinearRegression and LogisticRegression(lbfgs, run to convergence) fits.
  tests/fixtures/reference/pipeline_export.json  - sklearn pipelines trained in
      Python and exported to mlguard's pipeline document by export_pipeline()
      below (the snippet the README shows), with test rows and sklearn's
      predictions on them.
"""
import json
import os
import warnings

import numpy
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, RobustScaler, StandardScaler

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")


def floats(a):
    """A JSON-able nested list; NaN as the string "nan" (mlguard's convention)."""
    a = numpy.asarray(a, dtype=float)
    if a.ndim == 0:
        return "nan" if numpy.isnan(a) else float(a)
    return [floats(x) for x in a]


# ---- export: sklearn -> mlguard pipeline document (the README snippet) ----
def export_pipeline(pipe, input_features):
    """Exports Pipeline([("prep", ColumnTransformer([("num", Pipeline([("impute",
    SimpleImputer), ("scale", StandardScaler)]), num_cols), ("cat", OneHotEncoder(
    handle_unknown="ignore"), cat_cols)])), ("model", LogisticRegression |
    LinearRegression)]) to an "mlguard.pipeline" document (format_version 1)."""
    prep, model = pipe.named_steps["prep"], pipe.named_steps["model"]
    num_cols, cat_cols = prep.transformers_[0][2], prep.transformers_[1][2]
    num, enc = prep.named_transformers_["num"], prep.named_transformers_["cat"]
    imp, scale = num.named_steps["impute"], num.named_steps["scale"]
    stages = [
        {"kind": "column_selector", "params": {"columns": num_cols + cat_cols}},
        {"kind": "imputer", "params": {
            "columns": num_cols, "strategy": imp.strategy,
            "fill_value": 0.0 if imp.fill_value is None else float(imp.fill_value),
            "overrides": [], "statistics": [float(v) for v in imp.statistics_]}},
        {"kind": "standard_scaler", "params": {
            "columns": num_cols, "mean": [float(v) for v in scale.mean_],
            "scale": [float(v) for v in scale.scale_]}},
        {"kind": "one_hot_encoder", "params": {
            "columns": cat_cols, "unseen_bucket": False,  # handle_unknown="ignore"
            "categories": [[float(v) for v in c] for c in enc.categories_]}},
    ]
    if isinstance(model, LogisticRegression):
        stages.append({"kind": "logistic_regression", "params": {
            "C": float(model.C), "coef": [float(v) for v in model.coef_[0]],
            "intercept": float(model.intercept_[0]), "output": "probability"}})
        output = "probability"
    else:
        stages.append({"kind": "linear_regression", "params": {
            "coef": [float(v) for v in model.coef_], "intercept": float(model.intercept_),
            "output": "prediction"}})
        output = "prediction"
    return {"format": "mlguard.pipeline", "format_version": 1,
            "input_features": list(input_features), "output_features": [output],
            "stages": stages}
# ---- end of export snippet ----


def stage_references():
    rng = numpy.random.default_rng(20261127)
    n = 300
    X = numpy.column_stack([
        rng.normal(10.0, 3.0, n),
        rng.lognormal(0.0, 1.0, n),
        numpy.round(rng.normal(0.0, 2.0, n)),   # integers with ties
        numpy.full(n, 4.2),                      # constant: zero variance
        rng.uniform(-1.0, 1.0, n),
    ])
    X[rng.uniform(size=(n, 5)) < 0.1] = numpy.nan
    X[:, 3][numpy.isnan(X[:, 3])] = 4.2  # keep it constant
    out = {"X": floats(X)}

    s = StandardScaler().fit(X)
    out["standard_scaler"] = {"mean": floats(s.mean_), "scale": floats(s.scale_),
                              "output": floats(s.transform(X))}
    s = MinMaxScaler().fit(X)
    out["min_max_scaler"] = {"scale": floats(s.scale_), "min": floats(s.min_),
                             "output": floats(s.transform(X))}
    s = RobustScaler().fit(X)
    out["robust_scaler"] = {"center": floats(s.center_), "scale": floats(s.scale_),
                            "output": floats(s.transform(X))}
    for strategy in ["mean", "median", "most_frequent", "constant"]:
        s = SimpleImputer(strategy=strategy, fill_value=-1.5).fit(X)
        out["imputer_" + strategy] = {"statistics": floats(s.statistics_),
                                      "output": floats(s.transform(X))}
    out["quantiles_01_99"] = {
        "lower": floats(numpy.nanquantile(X, 0.01, axis=0, method="linear")),
        "upper": floats(numpy.nanquantile(X, 0.99, axis=0, method="linear"))}

    # Models on complete data.
    Xc = numpy.column_stack([rng.normal(0, 1, n), rng.normal(2, 3, n), rng.uniform(0, 5, n)])
    y_reg = 1.5 * Xc[:, 0] - 0.25 * Xc[:, 1] + 0.1 * Xc[:, 2] + 3.0 + rng.normal(0, 0.5, n)
    z = 0.8 * Xc[:, 0] - 0.3 * Xc[:, 1] + 0.5 * Xc[:, 2] - 1.0
    y_cls = (rng.uniform(size=n) < 1 / (1 + numpy.exp(-z))).astype(float)
    out["models_X"] = floats(Xc)
    out["y_reg"] = floats(y_reg)
    out["y_cls"] = floats(y_cls)
    lr = LinearRegression().fit(Xc, y_reg)
    out["linear_regression"] = {"coef": floats(lr.coef_), "intercept": float(lr.intercept_),
                                "prediction": floats(lr.predict(Xc))}
    # sklearn's objective: C * sum(log-loss) + 0.5 * ||w||^2 (intercept unpenalised).
    # lbfgs stops on scipy's ftol = 64 * eps long before the gradient vanishes, so
    # newton-cg (tol=1e-10) gives the converged optimum; both are recorded, with
    # the largest gradient entry of the objective at sklearn's solution.
    def max_gradient(w, b, C):
        p = 1 / (1 + numpy.exp(-(Xc @ w + b)))
        return float(numpy.abs(numpy.r_[C * (Xc.T @ (p - y_cls)) + w, C * numpy.sum(p - y_cls)]).max())

    out["logistic_regression"] = []
    for C in [0.05, 1.0, 100.0]:
        for solver, tol in [("lbfgs", 1e-12), ("newton-cg", 1e-10)]:
            m = LogisticRegression(penalty="l2", C=C, solver=solver, tol=tol,
                                   max_iter=100000).fit(Xc, y_cls)
            out["logistic_regression"].append({
                "C": C, "solver": solver, "tol": tol, "n_iter": int(m.n_iter_[0]),
                "max_gradient": max_gradient(m.coef_[0], m.intercept_[0], C),
                "coef": floats(m.coef_[0]), "intercept": float(m.intercept_[0]),
                "probability": floats(m.predict_proba(Xc)[:, 1])})
    return out


def export_references():
    rng = numpy.random.default_rng(7)
    n = 400
    names = ["fare", "distance", "payment", "passengers", "hour"]
    X = numpy.column_stack([
        rng.lognormal(2.3, 0.5, n), rng.lognormal(0.5, 0.8, n),
        rng.integers(1, 4, n).astype(float), rng.integers(1, 6, n).astype(float),
        rng.integers(0, 24, n).astype(float)])
    X[rng.uniform(size=n) < 0.08, 0] = numpy.nan
    X[rng.uniform(size=n) < 0.05, 1] = numpy.nan
    z = 0.1 * numpy.nan_to_num(X[:, 0]) - 1.2 * (X[:, 2] == 2) + 0.05 * X[:, 4] - 0.5
    y_cls = (rng.uniform(size=n) < 1 / (1 + numpy.exp(-z))).astype(float)
    y_reg = 2.0 + 0.3 * numpy.nan_to_num(X[:, 0]) + 0.5 * X[:, 3] + rng.normal(0, 0.3, n)
    train, test = slice(0, 300), slice(300, n)
    X_test = X[test].copy()
    X_test[0, 2] = 9.0   # a payment code training never saw: all-zero indicators
    X_test[1, 0] = numpy.nan
    cases = []
    # LinearRegression gets one one-hot block and no intercept: a full one-hot
    # block plus an intercept is collinear, and lstsq then returns huge
    # cancelling weights (~1e14) whose sums no two summation orders agree on.
    for model, y, num_cols, cat_cols in [
            (LogisticRegression(C=0.5, max_iter=1000), y_cls, ["fare", "distance", "hour"],
             ["payment", "passengers"]),
            (LinearRegression(fit_intercept=False), y_reg,
             ["fare", "distance", "hour", "passengers"], ["payment"])]:
        prep = ColumnTransformer([
            ("num", Pipeline([("impute", SimpleImputer(strategy="median")),
                              ("scale", StandardScaler())]), [names.index(c) for c in num_cols]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), [names.index(c) for c in cat_cols])])
        pipe = Pipeline([("prep", prep), ("model", model)]).fit(X[train], y[train])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the unseen code, by design
            pred = (pipe.predict_proba(X_test)[:, 1] if isinstance(model, LogisticRegression)
                    else pipe.predict(X_test))
        # The exporter wants column names, the ColumnTransformer got positions.
        prep.transformers_[0] = ("num", prep.transformers_[0][1], num_cols)
        prep.transformers_[1] = ("cat", prep.transformers_[1][1], cat_cols)
        cases.append({"model": type(model).__name__,
                      "document": export_pipeline(pipe, names),
                      "X_test": floats(X_test), "predictions": floats(pred)})
    return cases


def main():
    versions = {"generator": "tests/reference/gen_pipeline_sklearn.py",
                "sklearn": sklearn.__version__, "numpy": numpy.__version__}
    with open(os.path.join(OUT, "pipeline_stages.json"), "w") as f:
        json.dump({**versions, **stage_references()}, f)
        f.write("\n")
    with open(os.path.join(OUT, "pipeline_export.json"), "w") as f:
        json.dump({**versions, "cases": export_references()}, f, indent=1)
        f.write("\n")
    print("wrote pipeline_stages.json and pipeline_export.json to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()

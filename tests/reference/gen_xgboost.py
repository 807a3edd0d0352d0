#!/usr/bin/env python3
"""Reference model and outputs for the XGBoost component (issue 19), from Debian's
python3-xgboost (1.7.4) trained on the NYC taxi samples.

    /usr/bin/python3 tests/reference/gen_xgboost.py [DATA_DIR]

DATA_DIR defaults to ../shared/data beside the checkout. The script stops with
exit status 1 when the taxi samples are absent: a reference cannot be skipped.

It trains a binary classifier "was a tip given" (tip_amount > 0) on January,
with xgboost.train (binary:logistic, max_depth 4, eta 0.3, 50 rounds,
tree_method "exact": no histogram binning, so the splits are the data's own
midpoints and the fit is deterministic; nthread 1, seed 0), and writes
  tests/fixtures/reference/xgboost_taxi.ubj   the booster, UBJSON
  tests/fixtures/reference/xgboost_taxi.json  the first 500 rows of February
      (features in FEATURES order, a missing value as null), and what the
      booster gives for them: "predictions" (probabilities), "margins"
      (output_margin=True) and "contribs" (pred_contribs=True: exact TreeSHAP,
      n_features + 1 values per row, the bias last).
      February has no missing value in these columns, so "missing" holds the
      same outputs for the first 50 January rows whose congestion_surcharge is
      empty (a NaN fed to the booster, which takes each split's default branch).
Every input field is parsed as float64 (an empty field is NaN); XGBoost itself
computes in float32, so the outputs are float32 values written exactly.
"""
import csv
import hashlib
import json
import math
import os
import sys

import numpy as np
import xgboost as xgb

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
OUT = os.path.normpath(os.path.join(HERE, "..", "fixtures", "reference"))
TRAIN = "nyc-taxi/yellow_tripdata_sample_2019-01.csv"
TEST = "nyc-taxi/yellow_tripdata_sample_2019-02.csv"
FEATURES = ["passenger_count", "trip_distance", "rate_code_id", "payment_type", "fare_amount",
            "extra", "mta_tax", "tolls_amount", "improvement_surcharge", "congestion_surcharge"]
LABEL = "tip_amount"
N_TEST = 500
N_MISSING = 50
PARAMS = {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3, "tree_method": "exact",
          "nthread": 1, "seed": 0}
ROUNDS = 50
MAX_MODEL_BYTES = 200 * 1024


def read(relative):
    """(features as float64 with NaN for an empty field, label 0/1, per-feature NaN counts)."""
    path = os.path.join(DATA, relative)
    if not os.path.exists(path):
        sys.exit(f"gen_xgboost.py: {os.path.normpath(path)} not found; the taxi samples are "
                 f"needed (pass their directory as the first argument)")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    absent = [name for name in FEATURES + [LABEL] if name not in header]
    if absent:
        sys.exit(f"gen_xgboost.py: {relative} lacks the columns {absent}")
    columns = [header.index(name) for name in FEATURES]
    x = np.array([[float(r[i]) if r[i] != "" else math.nan for i in columns] for r in body],
                 dtype=np.float64)
    tips = [r[header.index(LABEL)] for r in body]
    if "" in tips:
        sys.exit(f"gen_xgboost.py: {relative} has rows without {LABEL}")
    y = np.array([1.0 if float(t) > 0 else 0.0 for t in tips])
    nan_counts = {name: int(np.isnan(x[:, j]).sum()) for j, name in enumerate(FEATURES)}
    return x, y, nan_counts


def nullable(rows):
    """Nested lists of floats with NaN as None (JSON null); floats print as repr()."""
    return [[None if math.isnan(v) else float(v) for v in row] for row in rows]


def outputs(booster, x):
    """The booster's probabilities, margins and TreeSHAP contributions for rows x."""
    d = xgb.DMatrix(x, missing=np.nan, feature_names=FEATURES)
    predictions = booster.predict(d)
    margins = booster.predict(d, output_margin=True)
    contribs = booster.predict(d, pred_contribs=True)
    assert predictions.shape == (len(x),) and margins.shape == (len(x),)
    assert contribs.shape == (len(x), len(FEATURES) + 1), contribs.shape
    # TreeSHAP is exact: a row's contributions (bias included) add up to its margin.
    worst = float(np.max(np.abs(contribs.astype(np.float64).sum(axis=1) - margins)))
    assert worst <= 1e-5, f"sum(contribs) differs from the margin by {worst}"
    # The probability is the logistic of the margin (both float32 inside XGBoost).
    assert np.allclose(predictions, 1.0 / (1.0 + np.exp(-margins.astype(np.float64))),
                       rtol=0, atol=1e-6)
    return {"rows": nullable(x),
            "predictions": [float(v) for v in predictions],
            "margins": [float(v) for v in margins],
            "contribs": [[float(v) for v in row] for row in contribs]}, worst


def main():
    x_train, y_train, nan_train = read(TRAIN)
    x_test, _, nan_test = read(TEST)
    x_test = x_test[:N_TEST]
    print(f"train: {len(y_train)} rows, {int(y_train.sum())} tipped; NaN per feature: {nan_train}")
    print(f"test:  first {len(x_test)} rows of February; NaN per feature over the whole file: "
          f"{nan_test}")

    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, feature_names=FEATURES)
    booster = xgb.train(PARAMS, dtrain, num_boost_round=ROUNDS)
    model_path = os.path.join(OUT, "xgboost_taxi.ubj")
    booster.save_model(model_path)
    with open(model_path, "rb") as f:
        model_bytes = f.read()
    if len(model_bytes) > MAX_MODEL_BYTES:
        sys.exit(f"gen_xgboost.py: the model is {len(model_bytes)} bytes, over the "
                 f"{MAX_MODEL_BYTES} budget; lower ROUNDS or max_depth")

    # Predict with the model as saved, the way the C API will load it.
    loaded = xgb.Booster(model_file=model_path)
    test, worst = outputs(loaded, x_test)
    with_nan = x_train[np.isnan(x_train).any(axis=1)][:N_MISSING]
    missing, worst_missing = outputs(loaded, with_nan)
    worst = max(worst, worst_missing)

    doc = {
        "generator": "tests/reference/gen_xgboost.py",
        "xgboost": xgb.__version__,
        "numpy": np.__version__,
        "train": TRAIN,
        "test": TEST,
        "params": PARAMS,
        "rounds": ROUNDS,
        "model": "xgboost_taxi.ubj",
        "model_bytes": len(model_bytes),
        "model_sha256": hashlib.sha256(model_bytes).hexdigest(),
        "feature_names": FEATURES,
        **test,
        "missing": {"source": f"the first {N_MISSING} rows of {TRAIN} with an empty field",
                    **missing},
    }
    path = os.path.join(OUT, "xgboost_taxi.json")
    with open(path, "w") as f:
        json.dump(doc, f, separators=(",", ":"), allow_nan=False)
        f.write("\n")
    print(f"wrote {os.path.relpath(model_path)} ({len(model_bytes)} bytes, {ROUNDS} rounds), "
          f"{os.path.relpath(path)} ({N_TEST} + {len(with_nan)} rows); "
          f"max |sum(contribs) - margin| = {worst:.3g}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference values for mlguard::fairness (tests/fairness/), from scikit-learn.

Fairlearn is not packaged here (no Debian package, no network install), so its
definitions are applied to scikit-learn's per-group confusion matrices, as
Fairlearn 0.15 itself computes them (fairlearn/metrics/_base_metrics.py,
_fairness_metrics.py, _disaggregated_result.py):
  - selection_rate      = mean(y_pred == 1)
  - true_positive_rate  = confusion_matrix(y, yhat, labels=[0, 1], normalize="true")[1, 1]
  - false_positive_rate = confusion_matrix(y, yhat, labels=[0, 1], normalize="true")[0, 1]
    (sklearn turns 0/0 into 0: a group without positives has TPR 0.0, and that
    0.0 takes part in the differences; the fixture records it as Fairlearn would)
  - accuracy            = sklearn accuracy_score per group
  - MetricFrame.difference(method="between_groups") = max - min over the groups present
  - MetricFrame.ratio(method="between_groups")      = min / max (0/0 -> NaN -> null)
  - equalized_odds_difference (agg="worst_case")    = max(TPR difference, FPR difference)
  - equal_opportunity_difference                    = TPR difference
Groups are only those with rows (Fairlearn groups by the values present).

Cases:
  - "cases": small hand-made arrays covering the edge cases (a group without
    positives, one without negatives, every selection rate 0, one group, scores
    through a threshold);
  - "taxi": the January 2019 NYC taxi sample (../shared/data/nyc-taxi). Label:
    tip_amount > 0. Group: pickup_location_id in coarse id ranges (the TLC zone
    table is not in the data folder, so these are NOT boroughs: zone ids are
    numbered alphabetically by zone name and each range mixes boroughs; the map
    has 263 zones, so ids 264-265 are unknown locations):
      0 "ids 1-66", 1 "ids 67-132", 2 "ids 133-198", 3 "ids 199-263", 4 "ids 264-265"
    Score: a StandardScaler + LogisticRegression(random_state=0) fitted on the
    February sample on (trip_distance, fare_amount, passenger_count, card =
    payment_type is 1: cash tips are not recorded, so card is what predicts a tip), its
    predict_proba on January rounded to 6 decimals and stored; the predicted
    class is score > 0.5 (checked equal to the model's predict() on every row).
    Also the metrics of tumbling windows of 2500 rows.

    /usr/bin/python3 tests/reference/gen_fairness.py [DATA_DIR]
writes tests/fixtures/reference/fairness.json.
scikit-learn 1.2.1, numpy 1.24.2 (Debian bookworm's python3-sklearn, python3-numpy).
"""
import csv
import json
import math
import os
import sys

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "shared", "data")
OUT = os.path.join(HERE, "..", "fixtures", "reference", "fairness.json")
ZONES = ["ids 1-66", "ids 67-132", "ids 133-198", "ids 199-263", "ids 264-265"]


def zone_group(location_id):
    for code, top in enumerate((66, 132, 198, 263, 265)):
        if location_id <= top:
            return code
    raise ValueError(location_id)


def num(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def metrics(y, yhat, groups, names):
    y, yhat, groups = np.asarray(y), np.asarray(yhat), np.asarray(groups)
    out = {"groups": [], "rows": int(len(y))}
    sel, tpr, fpr = [], [], []
    for code, name in enumerate(names):
        mask = groups == code
        g = {"group": name, "rows": int(mask.sum())}
        if mask.sum() == 0:
            g.update(tn=0, fp=0, fn=0, tp=0, selection_rate=None, accuracy=None, tpr=None,
                     fpr=None)
            out["groups"].append(g)
            continue
        tn, fp, fn, tp = confusion_matrix(y[mask], yhat[mask], labels=[0, 1]).ravel()
        norm = confusion_matrix(y[mask], yhat[mask], labels=[0, 1], normalize="true")
        g.update(tn=int(tn), fp=int(fp), fn=int(fn), tp=int(tp))
        g["selection_rate"] = float(np.mean(yhat[mask] == 1))
        g["accuracy"] = float(accuracy_score(y[mask], yhat[mask]))
        # Fairlearn's values (0.0 when undefined), and whether they are defined.
        g["fairlearn_tpr"] = float(norm[1, 1])
        g["fairlearn_fpr"] = float(norm[0, 1])
        g["tpr"] = float(norm[1, 1]) if tp + fn > 0 else None
        g["fpr"] = float(norm[0, 1]) if fp + tn > 0 else None
        sel.append(g["selection_rate"])
        tpr.append(g["fairlearn_tpr"])
        fpr.append(g["fairlearn_fpr"])
        out["groups"].append(g)
    out["groups_present"] = len(sel)
    out["demographic_parity_difference"] = max(sel) - min(sel)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["demographic_parity_ratio"] = num(np.float64(min(sel)) / np.float64(max(sel)))
    out["tpr_difference"] = max(tpr) - min(tpr)
    out["fpr_difference"] = max(fpr) - min(fpr)
    out["equalized_odds_difference"] = max(out["tpr_difference"], out["fpr_difference"])
    out["equal_opportunity_difference"] = out["tpr_difference"]
    return out


def case(name, y, pred, groups, names, threshold=None):
    yhat = [int(p > threshold) for p in pred] if threshold is not None else list(pred)
    c = {"name": name, "y_true": list(y), "y_pred": list(pred), "groups": list(groups),
         "names": names, "expected": metrics(y, yhat, groups, names)}
    if threshold is not None:
        c["threshold"] = threshold
    return c


def cases():
    return [
        case("three groups", [1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1],
             [1, 0, 0, 1, 1, 0, 1, 1, 0, 0, 1, 0], [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2],
             ["a", "b", "c"]),
        case("a group without positives", [0, 0, 0, 1, 1, 0, 1, 0],
             [1, 0, 0, 1, 0, 0, 1, 1], [0, 0, 0, 1, 1, 1, 1, 1], ["no positives", "mixed"]),
        case("a group without negatives", [1, 1, 1, 0, 1, 0], [1, 0, 1, 0, 1, 1],
             [0, 0, 0, 1, 1, 1], ["all positive", "mixed"]),
        case("every selection rate 0", [1, 0, 1, 0], [0, 0, 0, 0], [0, 0, 1, 1], ["a", "b"]),
        case("one group", [1, 0, 1, 0, 1], [1, 1, 0, 0, 1], [0, 0, 0, 0, 0], ["only"]),
        case("a named group without rows", [1, 0, 1, 0], [1, 0, 0, 0], [0, 0, 2, 2],
             ["a", "absent", "c"]),
        case("scores", [1, 0, 1, 0, 1, 0, 0, 1], [0.9, 0.2, 0.5, 0.51, 0.7, 0.1, 0.6, 0.3],
             [0, 0, 0, 0, 1, 1, 1, 1], ["x", "y"], threshold=0.5),
    ]


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


FEATURES = ["trip_distance", "fare_amount", "passenger_count"]


def taxi():
    jan = read(os.path.join(DATA, "nyc-taxi", "yellow_tripdata_sample_2019-01.csv"))
    feb = read(os.path.join(DATA, "nyc-taxi", "yellow_tripdata_sample_2019-02.csv"))

    def xy(rows):
        x = np.array([[float(r[c]) for c in FEATURES] + [float(r["payment_type"] == "1")]
                      for r in rows])
        y = np.array([int(float(r["tip_amount"]) > 0) for r in rows])
        return x, y

    x_train, y_train = xy(feb)
    x, y = xy(jan)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=0))
    model.fit(x_train, y_train)
    score = np.round(model.predict_proba(x)[:, 1], 6)
    yhat = (score > 0.5).astype(int)
    assert (yhat == model.predict(x)).all(), "rounding moved a score across 0.5"
    groups = [zone_group(int(r["pickup_location_id"])) for r in jan]
    windows = []
    for start in range(0, len(jan), 2500):
        s = slice(start, start + 2500)
        windows.append(metrics(y[s], yhat[s], np.asarray(groups)[s], ZONES))
    return {
        "file": "nyc-taxi/yellow_tripdata_sample_2019-01.csv",
        "names": ZONES,
        "threshold": 0.5,
        "y_true": [int(v) for v in y],
        "groups": groups,
        "score": [float(v) for v in score],
        "expected": metrics(y, yhat, groups, ZONES),
        "window": 2500,
        "windows": windows,
    }


def main():
    fixture = {"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases()}
    if os.path.isdir(os.path.join(DATA, "nyc-taxi")):
        fixture["taxi"] = taxi()
    else:
        print(f"no taxi data at {DATA}: the fixture has no taxi case", file=sys.stderr)
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()

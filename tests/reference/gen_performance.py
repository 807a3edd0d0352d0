#!/usr/bin/env python3
"""Golden values for include/mlguard/drift/performance_tracker.hpp.

Runs the real scikit-learn (Debian's python3-sklearn 1.2.1):
    /usr/bin/python3 tests/reference/gen_performance.py
writes tests/fixtures/reference/performance.json.
"""
import json
import os

import numpy
import sklearn
from sklearn.metrics import (accuracy_score, log_loss, mean_absolute_error,
                             mean_squared_error, roc_auc_score)

rng = numpy.random.default_rng(20261127)
cases = []


def classification(name, p, y):
    p = numpy.asarray(p, dtype=numpy.float64)
    y = numpy.asarray(y, dtype=numpy.int64)
    case = {"name": name, "task": "binary_classification",
            "predictions": [float(v) for v in p], "labels": [int(v) for v in y],
            "accuracy": float(accuracy_score(y, (p > 0.5).astype(numpy.int64))),
            "log_loss": float(log_loss(y, p, labels=[0, 1]))}
    if len(set(y.tolist())) == 2:
        case["auc"] = float(roc_auc_score(y, p))
    cases.append(case)


def regression(name, p, y):
    p = numpy.asarray(p, dtype=numpy.float64)
    y = numpy.asarray(y, dtype=numpy.float64)
    cases.append({"name": name, "task": "regression",
                  "predictions": [float(v) for v in p], "labels": [float(v) for v in y],
                  "mae": float(mean_absolute_error(y, p)),
                  "rmse": float(mean_squared_error(y, p) ** 0.5)})


classification("tiny", [0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
# Probabilities of exactly 0 and 1 (clipped by log_loss's eps), ties in the scores.
classification("clipping_and_ties", [0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 0.25, 0.25, 0.75],
               [0, 1, 0, 1, 1, 0, 0, 1, 1])
classification("one_class", [0.2, 0.9, 0.6, 0.4], [1, 1, 1, 1])
for n in [50, 1000]:
    y = rng.integers(0, 2, n)
    logits = 1.5 * (2 * y - 1) + rng.normal(0, 1.5, n)
    p = 1 / (1 + numpy.exp(-logits))
    classification(f"random_{n}", numpy.round(p, 3), y)  # rounding makes ties
regression("tiny_regression", [2.5, 0.0, 2.0, 8.0], [3.0, -0.5, 2.0, 7.0])
for n in [50, 1000]:
    y = rng.normal(10, 3, n)
    regression(f"random_regression_{n}", y + rng.normal(0, 1, n), y)

out = {"generator": "tests/reference/gen_performance.py", "sklearn": sklearn.__version__,
       "numpy": numpy.__version__, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "performance.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")

#!/usr/bin/env python3
"""Train/holdout sizes for include/mlguard/core/table_split.hpp, from the real
sklearn.model_selection.train_test_split (Debian's python3-sklearn).

    /usr/bin/python3 tests/reference/gen_split_sizes.py

writes tests/fixtures/reference/split_sizes.json: for each n and test_size, the
sizes sklearn returns, or "error": true where sklearn raises (empty train set).
Only the sizes are compared; the permutation is mlguard's own.
"""
import json
import os

import numpy
import sklearn
from sklearn.model_selection import train_test_split

# The grid, and pairs where fraction * n in double lands just above or below an
# integer (0.07 * 100 == 7.000000000000001, so ceil gives 8).
pairs = [(n, f) for n in (1, 2, 3, 4, 5, 7, 10, 11, 30, 99, 100, 101, 1000, 12345)
         for f in (0.01, 0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.5, 0.7, 0.9, 0.99)]
pairs += [(100, 0.07), (200, 0.07), (1100, 0.07), (100, 0.29), (100, 0.57)]

cases = []
for n, f in pairs:
    case = {"n": n, "holdout_fraction": f}
    try:
        train, test = train_test_split(numpy.arange(n), test_size=f, random_state=0)
        case["train"] = len(train)
        case["holdout"] = len(test)
    except ValueError:
        case["error"] = True
    cases.append(case)

out = {"generator": "tests/reference/gen_split_sizes.py", "sklearn": sklearn.__version__,
       "numpy": numpy.__version__, "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference",
                    "split_sizes.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")

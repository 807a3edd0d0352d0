#!/usr/bin/env python3
"""Golden values for include/mlguard/drift/correction.hpp.

Runs the real statsmodels (Debian's python3-statsmodels) multipletests:
    python3 tests/reference/gen_correction.py
writes tests/fixtures/reference/correction.json.
"""
import json
import os

import numpy
import statsmodels
from statsmodels.stats.multitest import multipletests

rng = numpy.random.default_rng(20261127)
cases = []
inputs = [
    [0.01, 0.04, 0.03, 0.2],
    [0.5],
    [0.0, 1.0, 0.5, 0.5, 0.001],
    [0.03, 0.03, 0.03],  # ties
]
for size in [2, 5, 20, 100]:
    inputs.append([float(x) for x in rng.uniform(0, 1, size)])
    inputs.append([float(x) for x in rng.beta(0.3, 3.0, size)])  # many small p-values
for p in inputs:
    for method, name in [("bonferroni", "bonferroni"), ("fdr_bh", "benjamini_hochberg")]:
        _, adjusted, _, _ = multipletests(p, method=method)
        cases.append({"method": name, "p_values": p, "adjusted": [float(a) for a in adjusted]})

out = {"generator": "tests/reference/gen_correction.py", "statsmodels": statsmodels.__version__,
       "numpy": numpy.__version__, "cases": cases}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "reference", "correction.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")

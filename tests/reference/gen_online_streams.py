#!/usr/bin/env python3
"""River's drift-detector test streams and Python's random.sample sequences,
for the online detectors (include/mlguard/drift/online/*.hpp).

River (online-ml/river, river/drift/test_drift_detectors.py) builds three
streams, calling numpy.random.seed(12345) before each:
    s1 = concat(randint(2, size=1000), randint(8, size=1000))
    s2 = 1000 x binomial(1, 0.2) then 1000 x binomial(1, 0.8), one call each
    s3 = concat(normal(0, .1, 500) > 0, normal(.25, .1, 500) > 0,
                normal(0, .1, 500) > 0, normal(.25, .1, 500) > 0)
River is not installable here, so the detections expected on these streams
are River's published values (its test file, quoted in issue 5); this script
only produces the streams, with Debian's numpy.

KSWIN draws its reference sample with
    random.Random(seed).sample(range(window_size - stat_size), stat_size)
once per test, from a generator re-created after every drift. The first
draws for the seeds and sizes the C++ tests use are written here, so the
C++ port of CPython's Mersenne Twister and sample() can be checked against
the real interpreter.

Run from the repository root:
    /usr/bin/python3 tests/reference/gen_online_streams.py
writes tests/fixtures/reference/online_streams.json (streams, short draws)
and tests/fixtures/reference/online_kswin_draws.json (the 850 first draws of
random.Random(42).sample(range(100), 100): every draw KSWIN(window_size=200,
stat_size=100, seed=42) makes on s1, since the generator restarts after the
drift).
"""
import json
import os
import random
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REF = os.path.normpath(os.path.join(HERE, "..", "fixtures", "reference"))
OUT = os.path.join(REF, "online_streams.json")
DRAWS = os.path.join(REF, "online_kswin_draws.json")


def stream_1():
    np.random.seed(12345)
    return np.concatenate((np.random.randint(2, size=1000), np.random.randint(8, size=1000)))


def stream_2():
    np.random.seed(12345)
    return np.concatenate(
        [
            [np.random.binomial(1, 0.2) for _ in range(1000)],
            [np.random.binomial(1, 0.8) for _ in range(1000)],
        ]
    ).astype(int)


def stream_3():
    np.random.seed(12345)
    return np.concatenate(
        (
            np.random.normal(0.0, 0.1, 500) > 0,
            np.random.normal(0.25, 0.1, 500) > 0,
            np.random.normal(0.0, 0.1, 500) > 0,
            np.random.normal(0.25, 0.1, 500) > 0,
        )
    ).astype(int)


def samples(seed, population, k, draws):
    rng = random.Random(seed)
    return [rng.sample(range(population), k) for _ in range(draws)]


def main():
    doc = {
        "generator": "tests/reference/gen_online_streams.py",
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "streams": {
            "s1": [int(v) for v in stream_1()],
            "s2": [int(v) for v in stream_2()],
            "s3": [int(v) for v in stream_3()],
        },
        # population = window_size - stat_size; "pool" and "set" name the two
        # algorithms CPython's sample() switches between.
        "python_random_sample": [
            {"seed": 42, "population": 100, "k": 100, "draws": samples(42, 100, 100, 5)},
            {"seed": 42, "population": 70, "k": 30, "draws": samples(42, 70, 30, 5)},
            {"seed": 0, "population": 70, "k": 30, "draws": samples(0, 70, 30, 3)},
            {"seed": 123456789012345, "population": 10, "k": 3, "draws": samples(123456789012345, 10, 3, 4)},
            {"seed": -7, "population": 5000, "k": 40, "draws": samples(-7, 5000, 40, 3)},
            {"seed": 2**64 - 1, "population": 3, "k": 1, "draws": samples(2**64 - 1, 3, 1, 6)},
        ],
    }
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}")
    draws = {
        "generator": "tests/reference/gen_online_streams.py",
        "python": sys.version.split()[0],
        "seed": 42,
        "population": 100,
        "k": 100,
        "draws": samples(42, 100, 100, 850),
    }
    with open(DRAWS, "w") as f:
        json.dump(draws, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(DRAWS)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Reference SHA-256 digests for include/mlguard/core/digest.hpp, from Python's hashlib.

Run from the repository root:
    python3 tests/reference/gen_digest.py
writes tests/fixtures/reference/digest.json. Inputs are stored as hex ("input_hex"),
or as a repeated byte ("repeat_hex" times "count") for the long ones; "splits" cases
give the lengths of the update() calls that feed the same input piece by piece.
"""
import hashlib
import json
import os
import random
import sys

cases = []


def add(name, data, splits=None):
    case = {"name": name, "sha256": hashlib.sha256(data).hexdigest()}
    if len(data) > 4096 and data == data[:1] * len(data):
        case["repeat_hex"] = data[:1].hex()
        case["count"] = len(data)
    else:
        case["input_hex"] = data.hex()
    if splits is not None:
        assert sum(splits) == len(data)
        case["splits"] = splits
    cases.append(case)


add("empty", b"")
add("abc", b"abc")
# FIPS 180-4 examples (NIST's SHA-256 example values): the 448-bit and 896-bit messages.
add("fips_448_bit", b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
add("fips_896_bit", b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
    b"hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
add("million_a", b"a" * 1000000)
# Lengths around the padding boundaries: 55 bytes is the last that pads into one
# block, 56..63 need a second one, 64 is a whole block.
for n in (1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000):
    add(f"x_{n}", bytes((i * 7 + 3) % 256 for i in range(n)))
add("all_byte_values", bytes(range(256)))
add("utf8_text", "Grüße, 世界 — model bundle\n".encode("utf-8"))

rng = random.Random(20240611)
for n in (17, 64, 200, 4095, 4096, 10000):
    add(f"random_{n}", bytes(rng.randrange(256) for _ in range(n)))

# The same inputs fed in pieces (lengths as given, zero-length pieces included).
data = bytes(rng.randrange(256) for _ in range(300))
add("split_byte_by_byte", data[:130], [1] * 130)
add("split_around_blocks", data, [0, 63, 1, 64, 0, 55, 9, 108])
add("split_uneven", data, [7, 120, 3, 64, 106])
add("split_tail", data[:119], [118, 1])

out = {"generator": "tests/reference/gen_digest.py",
       "python": sys.version.split()[0], "tool": "hashlib.sha256", "cases": cases}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference",
                    "digest.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")

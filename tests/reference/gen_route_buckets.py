#!/usr/bin/env python3
"""Reference values for tests/serving/router.test.cpp (route_bucket).

Computes SplitMix64 (Vigna's splitmix64.c: state += 0x9E3779B97F4A7C15, then the
two xor-shift-multiply rounds) and FNV-1a 64 (offset basis 0xcbf29ce484222325,
prime 0x100000001b3) in plain Python integers, and the router's bucket
splitmix64(key ^ seed) % 10000 (text keys: fnv1a64(utf-8 bytes) ^ seed).
Prints the values the test asserts; run it and compare when the hash changes.
"""
M = (1 << 64) - 1


def splitmix64(x):
    x = (x + 0x9E3779B97F4A7C15) & M
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M
    return x ^ (x >> 31)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & M
    return h


def bucket(key, seed=0):
    if isinstance(key, str):
        key = fnv1a64(key.encode("utf-8"))
    return splitmix64(key ^ seed) % 10000


print("splitmix64(0) = %#x" % splitmix64(0))
print("splitmix64(1) = %#x" % splitmix64(1))
print('fnv1a64("") = %#x' % fnv1a64(b""))
print('fnv1a64("a") = %#x' % fnv1a64(b"a"))
for key, seed in [(0, 0), (42, 0), (12345678901234, 0), (42, 7), ("user-42", 0), ("", 0),
                  ("café", 0), (1, 0)]:
    print("route_bucket(%r, %d) = %d" % (key, seed, bucket(key, seed)))

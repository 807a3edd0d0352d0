#!/usr/bin/env python3
"""The error catalogue (docs/errors.md) lists exactly the ids mlguard throws.

Scans include/ and examples/ for the places an id is made:
  - `<area>_error("reason", ...)`: the error classes of core/error.hpp;
  - `throw_io("reason", ...)` and `throw_registry_io("reason", ...)`: the io helpers
    of core/detail/file.hpp and registry/detail/posix_file.hpp;
and compares them with the ids in the first column of docs/errors.md's
tables, in both directions. A reason passed on through a variable is not
seen, so every id must appear literally at one of those places.

Usage: check_catalogue.py SOURCE_DIR   (exit 1 and a list on a mismatch)
"""
import pathlib
import re
import sys

AREAS = {
    "argument_error": "argument",
    "format_error": "format",
    "io_error": "io",
    "stats_error": "stats",
    "drift_error": "drift",
    "profile_error": "profile",
    "validation_error": "validate",
    "pipeline_error": "pipeline",
    "explain_error": "explain",
    "registry_error": "registry",
    "serving_error": "serving",
    "rollback_error": "rollback",
    "report_error": "report",
    "fairness_error": "fairness",
    "throw_io": "io",
    "throw_registry_io": "io",
}
THROW = re.compile(r"\b(" + "|".join(AREAS) + r")\s*\(\s*\"([a-z0-9_]+)\"")
CATALOGUE = re.compile(r"^\|\s*`(mlguard\.[a-z0-9_]+\.[a-z0-9_]+)`\s*\|", re.M)


def thrown(root):
    ids = {}
    for top in ("include", "examples"):
        for path in sorted((root / top).rglob("*")):
            if path.suffix not in (".hpp", ".cpp"):
                continue
            text = path.read_text(encoding="utf-8")
            for m in THROW.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                ids.setdefault(f"mlguard.{AREAS[m.group(1)]}.{m.group(2)}", []).append(
                    f"{path.relative_to(root)}:{line}")
    return ids


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    catalogue_text = (root / "docs" / "errors.md").read_text(encoding="utf-8")
    listed = CATALOGUE.findall(catalogue_text)
    duplicates = sorted({i for i in listed if listed.count(i) > 1})
    code = thrown(root)
    missing = sorted(set(code) - set(listed))
    stale = sorted(set(listed) - set(code))
    for i in missing:
        print(f"thrown but not in docs/errors.md: {i} ({', '.join(code[i][:3])})")
    for i in stale:
        print(f"in docs/errors.md but never thrown: {i}")
    for i in duplicates:
        print(f"listed twice in docs/errors.md: {i}")
    # A row must say what the id means and how to fix it, not hold a placeholder.
    placeholders = [line for line in catalogue_text.splitlines()
                    if line.startswith("| `mlguard.") and "TODO" in line]
    for line in placeholders:
        print(f"placeholder row in docs/errors.md: {line}")
    if missing or stale or duplicates or placeholders:
        return 1
    print(f"{len(code)} error ids, all catalogued")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""The house-style rules a script can check (STYLE.md, issue 11), over include/mlguard.

  check_style.py SOURCE_DIR

- Every public header opens, after its include guard, with a comment saying what it
  is for.
- Namespaces follow folders: include/mlguard/<a>/<b>/x.hpp declares mlguard::<a>::<b>
  (core/ is mlguard itself), and a module's internals live in its own detail.
- No two public types share a name (class, struct, enum and alias at namespace scope,
  outside detail namespaces).
- Settings types are *_options: no public type is called *_params or *_config.
- A JSON object is assigned as `x = json{{...}}`, never `x = {{...}}`: inside a
  template, clang 14 never destroys the old value of a braced-list assignment to a
  nlohmann::json (a leak ASan reports; tests/rollback/policy.test.cpp found it).
- No test case name holds ';': doctest_discover_tests splits a test's name on it into
  CTest tests that match no test case, which doctest then passes without running it.
"""
import pathlib
import re
import sys

NAMESPACE = re.compile(r"^namespace ([\w:]+) \{", re.M)
BRACED_ASSIGNMENT = re.compile(r"^\s*[\w.\[\]\"]+ = \{\{\"", re.M)
TEST_CASE = re.compile(r'TEST_CASE\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)')
TYPE = re.compile(r"^(?:class|struct|enum class|enum) (\w+)(?: final)?\s*(?:[:{]|$)|^using (\w+) =",
                  re.M)


def expected_namespace(rel):
    parts = [p for p in rel.parent.parts[1:] if p != "detail"]  # drop "mlguard", "detail"
    if not parts or parts[0] == "core":
        return "mlguard"
    return "mlguard::" + "::".join(parts)


def strip_detail(text):
    """The text outside `namespace ... detail {` blocks."""
    out = []
    skipping = 0
    for line in text.split("\n"):
        if skipping:
            skipping += line.count("{") - line.count("}")
            continue
        if re.match(r"^\s*namespace (?:[\w:]+::)?detail \{", line):
            skipping = 1
            continue
        out.append(line)
    return "\n".join(out)


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    include = root / "include"
    problems = []
    owners = {}
    for path in sorted((include / "mlguard").rglob("*.hpp")):
        rel = path.relative_to(include)
        text = path.read_text(encoding="utf-8")
        public = "detail" not in rel.parts and not rel.name.endswith("_impl.hpp")
        if public:
            body = re.sub(r"\A#ifndef \w+\n#define \w+\n\s*", "", text)
            if not body.startswith("//"):
                problems.append(f"{rel}: opens without a comment saying what it is for")
        for m in BRACED_ASSIGNMENT.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{rel}:{line}: assigns a braced list; write `= json{{...}}`")
        want = expected_namespace(rel)
        for ns in NAMESPACE.findall(text):
            if not ns.startswith("mlguard"):
                continue  # nested, relative to the enclosing one (detail, guards, ...)
            if ns != want and not ns.startswith(want + "::"):
                problems.append(f"{rel}: declares namespace {ns}, expected {want}")
        if not public:
            continue
        for m in TYPE.finditer(strip_detail(text)):
            name = m.group(1) or m.group(2)
            owners.setdefault(name, set()).add(str(rel))
            if re.search(r"_(params|config)$", name):
                problems.append(f"{rel}: settings type {name} (settings types are *_options)")
    for path in sorted((root / "tests").rglob("*.cpp")):
        text = path.read_text(encoding="utf-8")
        for m in TEST_CASE.finditer(text):
            if ";" in m.group(1):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(root)}:{line}: a test case name with ';' "
                                "(CTest would split it and never run the test)")
    for name, files in sorted(owners.items()):
        if len(files) > 1:
            problems.append(f"type {name} is declared in {', '.join(sorted(files))}")
    for p in problems:
        print(p)
    if not problems:
        print("house style: headers open with their purpose, namespaces follow folders, "
              "public type names are unique, no braced-list assignments, test names CTest can run")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the documentation a newcomer reads, and extracts its programs.

  check_docs.py SOURCE_DIR                 links and sizes (a ctest)
  check_docs.py SOURCE_DIR --extract DIR   writes every C++ program of README.md and
                                           docs/*.md to DIR (for CMake to build)

Checks: README.md has at most 300 lines; every relative link in README.md and
docs/*.md names a file or directory that exists, and a "#fragment" names a heading
of the target; every ```cpp block of README.md is a whole program (has main), so
the build compiles each one. Blocks in docs/ that are whole programs are built too.
"""
import pathlib
import re
import sys

LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```(\S*)[^\n]*\n(.*?)^```", re.M | re.S)
README_MAX_LINES = 300


def anchors(text):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to '-'."""
    out = set()
    for m in re.finditer(r"^#+\s+(.*)$", text, re.M):
        title = re.sub(r"[`*_]", "", m.group(1)).strip().lower()
        title = re.sub(r"[^\w\- ]", "", title)
        out.add(title.replace(" ", "-"))
    return out


def documents(root):
    return [root / "README.md"] + sorted((root / "docs").glob("*.md"))


def check(root):
    problems = []
    readme_lines = (root / "README.md").read_text(encoding="utf-8").count("\n")
    if readme_lines > README_MAX_LINES:
        problems.append(f"README.md has {readme_lines} lines (at most {README_MAX_LINES})")
    for doc in documents(root):
        text = doc.read_text(encoding="utf-8")
        prose = FENCE.sub("", text)  # links inside code blocks are code
        for m in LINK.finditer(prose):
            target = m.group(1)
            if re.match(r"^[a-z]+:", target):
                continue  # http:, https:, mailto:
            path, _, fragment = target.partition("#")
            file = (doc.parent / path).resolve() if path else doc
            name = doc.relative_to(root)
            if not file.exists():
                problems.append(f"{name}: link to a missing file: {target}")
            elif fragment and file.suffix == ".md" and fragment not in anchors(
                    file.read_text(encoding="utf-8")):
                problems.append(f"{name}: link to a missing heading: {target}")
    for m in FENCE.finditer((root / "README.md").read_text(encoding="utf-8")):
        if m.group(1) == "cpp" and "int main(" not in m.group(2):
            problems.append("README.md: a ```cpp block that is not a whole program "
                            "(the build compiles README's programs): "
                            + m.group(2).strip().splitlines()[0])
    return problems


def extract(root, out_dir):
    out_dir.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for doc in documents(root):
        blocks = [m.group(2) for m in FENCE.finditer(doc.read_text(encoding="utf-8"))
                  if m.group(1) == "cpp" and "int main(" in m.group(2)]
        for i, code in enumerate(blocks, 1):
            name = f"{doc.stem.lower().replace('-', '_')}_{i}.cpp"
            wanted.add(name)
            path = out_dir / name
            if not path.exists() or path.read_text(encoding="utf-8") != code:
                path.write_text(code, encoding="utf-8")
    for stale in out_dir.glob("*.cpp"):
        if stale.name not in wanted:
            stale.unlink()
    print(";".join(sorted(wanted)))


def main():
    root = pathlib.Path(sys.argv[1]).resolve()
    if len(sys.argv) > 3 and sys.argv[2] == "--extract":
        extract(root, pathlib.Path(sys.argv[3]))
        return 0
    problems = check(root)
    for p in problems:
        print(p)
    if not problems:
        print(f"{len(documents(root))} documents: links resolve, README within "
              f"{README_MAX_LINES} lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

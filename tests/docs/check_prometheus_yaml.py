#!/usr/bin/env python3
"""Checks the Prometheus configuration shown in docs/*.md with Debian's promtool:
every ```yaml block with `scrape_configs:` must pass `promtool check config`, and
every block with `groups:` must pass `promtool check rules`.

    check_prometheus_yaml.py SOURCE_DIR

Exits 77 (skipped) when promtool is not installed, 1 when a block is refused."""
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

root = pathlib.Path(sys.argv[1])
promtool = shutil.which("promtool")
if promtool is None:
    print("promtool is not installed (Debian: prometheus): skipped")
    sys.exit(77)

checked = 0
failed = 0
with tempfile.TemporaryDirectory() as tmp:
    for doc in sorted((root / "docs").glob("*.md")):
        for i, block in enumerate(re.findall(r"^```yaml\n(.*?)^```", doc.read_text(), re.M | re.S)):
            kind = "config" if "scrape_configs:" in block else "rules" if "groups:" in block else None
            if kind is None:
                continue
            path = pathlib.Path(tmp) / f"{doc.stem}-{i}.yml"
            path.write_text(block)
            r = subprocess.run([promtool, "check", kind, str(path)], capture_output=True, text=True)
            checked += 1
            if r.returncode != 0:
                failed += 1
                print(f"{doc.name}: yaml block {i + 1} (promtool check {kind}):\n{r.stdout}{r.stderr}")
print(f"{checked} Prometheus yaml blocks checked, {failed} refused")
sys.exit(1 if failed or checked == 0 else 0)

#!/usr/bin/python3
"""mlguard's HTML reports in a real browser (issue 14): Debian's headless chromium.

  check_html_chromium.py MLGUARD_CLI ARTIFACT_DIR

Writes a reference, a current and a stream CSV (20 numeric and categorical columns,
one named <script>alert(1)</script>, one "onmouseover=x, some of them drifting) to a
temporary directory, makes the drift, validation and monitor reports with the CLI,
and the risk assessment of a bundle (`mlguard assess`, with the hostile name as a feature
that should not matter), then for each report:
  - takes a screenshot into ARTIFACT_DIR/<report>.png;
  - dumps the DOM chromium built and checks the number of <svg class="chart">, that
    no script, img or on* attribute got into it, and that the hostile names are text;
  - checks that chromium logged no console message (a control page that calls
    console.error must be caught, or the check itself is broken);
and checks that the 20-column drift report renders in under 1 s (a copy of the page
with a load-event script that forces layout and writes performance.now() into the
title; the shipped report has no script).

Exit status: 0 passed, 1 failed, 77 skipped (no chromium). Standard library only.
"""
import html.parser
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HOSTILE = "<script>alert(1)</script>"
ATTRIBUTE = '"onmouseover=x'
CATEGORY = "<img src=x onerror=alert(2)>"  # in both tables
NEW_CATEGORY = "<img src=y onerror=alert(3)>"  # only in the moved rows: a validation anomaly
NUMERIC = 12
CATEGORICAL = 6  # plus the two hostile categorical columns: 20 in all
RENDER_BUDGET_MS = 1000.0
FAILURES = []


def fail(message):
    FAILURES.append(message)
    print("FAIL: " + message)


def csv_field(value):
    if any(c in value for c in ',"\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def write_csv(path, rows, seed, drifting):
    """20 columns; `drifting(row)` says whether the row is drawn from the moved distribution."""
    rnd = random.Random(seed)
    names = [f"num_{i}" for i in range(NUMERIC)] + [f"cat_{i}" for i in range(CATEGORICAL)]
    names += [ATTRIBUTE, HOSTILE]
    lines = [",".join(csv_field(n) for n in names)]
    for r in range(rows):
        moved = drifting(r)
        row = []
        for i in range(NUMERIC):
            v = rnd.gauss(10 * i, 1 + i) + ((5 + i) if moved and i < 4 else 0)
            row.append("" if i == 5 and rnd.random() < 0.1 else f"{v:.4f}")
        for i in range(CATEGORICAL):
            k = 3 + 2 * i
            c = int(rnd.expovariate(0.5)) % k
            if moved and i == 0:
                c = k - 1 - c
            row.append("" if rnd.random() < 0.02 else f"c{i}_{c}")
        row.append(rnd.choice(["<b>bold</b>", "x&y", "plain"]))
        row.append(rnd.choice([CATEGORY, NEW_CATEGORY] if moved else [CATEGORY, "k1", "k2"]))
        lines.append(",".join(csv_field(v) for v in row))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run_cli(cli, args, expect):
    r = subprocess.run([cli] + args, capture_output=True, text=True, timeout=120)
    if r.returncode not in expect:
        fail(f"mlguard {' '.join(args)}: exit {r.returncode}, stderr {r.stderr.strip()}")
    return r


def chromium(args, timeout=60):
    base = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def console_lines(stderr):
    # Chromium's log lines for page console messages read "...:INFO:CONSOLE(n)] ...";
    # its dbus and GPU chatter is ignored.
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


class DomScan(html.parser.HTMLParser):
    """Elements, attributes and text of a dumped DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.handlers = []
        self.charts = 0
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if tag == "svg" and name == "class" and "chart" in (value or "").split():
                self.charts += 1

    def handle_data(self, data):
        self.text.append(data)


def check_dom(name, dom, charts):
    scan = DomScan()
    scan.feed(dom)
    text = "".join(scan.text)
    if scan.charts != charts:
        fail(f"{name}: {scan.charts} charts in the DOM, expected {charts}")
    for tag in ("script", "img", "iframe", "object"):
        if tag in scan.tags:
            fail(f"{name}: a <{tag}> element got into the DOM")
    if scan.handlers:
        fail(f"{name}: event handler attributes in the DOM: {scan.handlers[:3]}")
    if HOSTILE not in text:
        fail(f"{name}: the column named {HOSTILE} is not shown as text")
    if "body" not in scan.tags or "h1" not in scan.tags:
        fail(f"{name}: the DOM has no body or heading; chromium did not load the page")
    return text


def check_report(name, path, charts, artifacts, expect_text=()):
    url = "file://" + path
    shot = os.path.join(artifacts, name + ".png")
    r = chromium(["--window-size=1000,2000", "--screenshot=" + shot, url])
    if not os.path.exists(shot) or os.path.getsize(shot) == 0:
        fail(f"{name}: no screenshot ({r.stderr.strip()[-300:]})")
    r = chromium(["--dump-dom", url])
    text = check_dom(name, r.stdout, charts)
    for needle in expect_text:
        if needle not in text:
            fail(f"{name}: the text {needle!r} is missing")
    console = console_lines(r.stderr)
    if console:
        fail(f"{name}: console messages: {console[:3]}")
    source = open(path, encoding="utf-8").read()
    if re.search(r"https?://|<script", source):
        fail(f"{name}: the page refers to the network or holds a script")
    print(f"{name}: {charts} charts, hostile names as text, no console message; "
          f"screenshot {shot}")


def check_control(tmp):
    """The console check must see a deliberate console.error, or it proves nothing."""
    control = os.path.join(tmp, "control.html")
    with open(control, "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><title>control</title><h1>control</h1>"
                "<script>console.error('mlguard control error')</script>\n")
    r = chromium(["--dump-dom", "file://" + control])
    if not any("mlguard control error" in line for line in console_lines(r.stderr)):
        fail("control page: chromium logged no CONSOLE line for console.error; "
             "the console check cannot fail")
    else:
        print("control page: console.error caught, so the console check works")


def render_ms(page, tmp, run):
    timed = os.path.join(tmp, f"timed-{run}.html")
    source = open(page, encoding="utf-8").read()
    source = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", source)
    probe = ("<script>addEventListener('load',function(){document.body.offsetHeight;"
             "document.title='rendered '+performance.now().toFixed(1)})</script>")
    with open(timed, "w", encoding="utf-8") as f:
        f.write(source.replace("</body>", probe + "</body>", 1))
    r = chromium(["--window-size=1000,2000", "--dump-dom", "file://" + timed])
    m = re.search(r"<title>rendered ([0-9.]+)</title>", r.stdout)
    return float(m.group(1)) if m else None


def check_render_time(page, tmp):
    times = [render_ms(page, tmp, run) for run in range(3)]
    if None in times:
        fail(f"render time: the load-event probe did not report ({times})")
        return
    best, median = min(times), sorted(times)[1]
    print(f"drift report (20 columns): rendered at load + layout in {median:.1f} ms "
          f"(median of 3; best {best:.1f} ms)")
    if median >= RENDER_BUDGET_MS:
        fail(f"drift report renders in {median:.1f} ms, budget {RENDER_BUDGET_MS:.0f} ms")


def make_bundle(cli, tmp, ref):
    """A bundle of a fixed logistic model of num_0 and num_1, made by `mlguard bundle create`."""
    pipeline = os.path.join(tmp, "pipeline.json")
    with open(pipeline, "w", encoding="utf-8") as f:
        f.write('{"format": "mlguard.pipeline", "format_version": 1, '
                '"input_features": ["num_0", "num_1"], "output_features": ["probability"], '
                '"stages": [{"kind": "standard_scaler", "params": {"columns": [], '
                '"mean": [0.0, 0.0], "scale": [1.0, 1.0]}}, {"kind": "logistic_regression", '
                '"params": {"C": 1.0, "coef": [0.5, -0.25], "intercept": 0.1, '
                '"output": "probability"}}]}\n')
    bundle = os.path.join(tmp, "bundle")
    run_cli(cli, ["bundle", "create", "--pipeline", pipeline, "--data", ref, "--out", bundle],
            (0,))
    return bundle


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    cli, artifacts = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if shutil.which("chromium") is None:
        print("skipped: chromium is not installed (Debian: apt-get install chromium)")
        return 77
    os.makedirs(artifacts, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlguard-html-") as tmp:
        ref, cur, stream = (os.path.join(tmp, n) for n in ("ref.csv", "cur.csv", "stream.csv"))
        write_csv(ref, 1000, 1, lambda r: False)
        write_csv(cur, 1000, 2, lambda r: True)
        write_csv(stream, 2000, 3, lambda r: r >= 1000)
        out = {n: os.path.join(tmp, n + ".html")
               for n in ("drift", "validation", "monitor", "assess")}
        schema = os.path.join(tmp, "schema.json")
        run_cli(cli, ["drift", "--reference", ref, "--current", cur, "--drift-share", "0.3",
                      "--format", "html", "-o", out["drift"]], (1,))
        run_cli(cli, ["schema", "infer", ref, "-o", schema], (0,))
        run_cli(cli, ["validate", "--schema", schema, cur, "--format", "html", "-o",
                      out["validation"]], (1,))
        run_cli(cli, ["monitor", "--reference", ref, "--window", "250", "--drift-share", "0.3",
                      stream, "--format", "html", "-o", out["monitor"]], (1,))
        bundle = make_bundle(cli, tmp, ref)
        run_cli(cli, ["assess", "--bundle", bundle, "--holdout", cur, "--unexpected", HOSTILE,
                      "--format", "html", "-o", out["assess"]], (1,))
        if FAILURES:
            return 1
        check_control(tmp)
        check_report("drift", out["drift"], 20, artifacts, (ATTRIBUTE, CATEGORY, NEW_CATEGORY))
        check_report("validation", out["validation"], 1, artifacts, (NEW_CATEGORY,))
        check_report("monitor", out["monitor"], 20, artifacts, (ATTRIBUTE,))
        check_report("assess", out["assess"], 0, artifacts, ("do not deploy",))
        check_render_time(out["drift"], tmp)
    if FAILURES:
        print(f"{len(FAILURES)} failures")
        return 1
    print("HTML reports: all checks passed in chromium")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses, tests/fuzz/corpus/<harness>/,
from the repository's fixtures (tests/fixtures/) plus a few small hand-made
edge cases. Deterministic: run it again after a fixture changes and commit the
result. Never reads ../shared/data.

  python3 tests/fuzz/make_corpus.py [REPO_ROOT]

Harnesses whose input starts with a selector byte (profile, sketch, registry)
get it here; see the comment at the top of each tests/fuzz/fuzz_<harness>.cpp.
Seeds named regress-* (kept when this script runs) are inputs that once found
a bug, replayed by every fuzz run.
"""
import json
import pathlib
import sys
import zlib

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).parents[2])
FIXTURES = ROOT / "tests" / "fixtures"
OUT = ROOT / "tests" / "fuzz" / "corpus"


def compact(value):
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def load(relative):
    return json.loads((FIXTURES / relative).read_text(encoding="utf-8"))


def csv_text(header, rows):
    def field(v):
        if v is None:
            return ""
        if isinstance(v, float):
            return repr(v)
        s = str(v)
        return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n\r') else s

    lines = [",".join(field(h) for h in header)]
    lines += [",".join(field(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def csv_seeds():
    seeds = {}
    export = load("reference/pipeline_export.json")["cases"][0]
    header = export["document"]["input_features"]
    seeds["pipeline-export-x"] = csv_text(header, export["X_test"][:20])
    samples = load("evidently_normal_samples.json")
    seeds["evidently-normal"] = csv_text(
        ["reference", "current"], list(zip(samples["reference"][:30], samples["current"][:30])))
    case = load("reference/drift_categorical.json")["cases"][0]
    rows = []
    for category, count in zip(case["categories"], case["reference_counts"]):
        rows += [[category, i % 3 if i % 4 else None] for i in range(int(count))]
    seeds["categorical"] = csv_text(["colour", "n"], rows)
    # RFC 4180 corners, blank lines, CRLF, a byte-order mark, infinities.
    seeds["quoting"] = ('id,note,x\r\n1,"a, b",1e400\r\n\r\n2,"say ""hi""",-inf\r\n'
                        '3,"two\nlines",nan\r\n4,,\r\n')
    seeds["bom-one-column"] = "\ufeffx\n1\n\n2.5\n-0\n"
    seeds["extremes"] = "a,b\n1.7976931348623157e308,-1.7976931348623157e308\n5e-324,0\n"
    return {k: v.encode("utf-8") for k, v in seeds.items()}


def profile_seeds():
    seeds = {}
    golden = (FIXTURES / "profile/golden_profile.json").read_bytes()
    legacy = (FIXTURES / "profile/profile_mlguard_0.1.json").read_bytes()
    seeds["golden"] = b"\x00" + golden
    seeds["mlguard-0.1"] = b"\x00" + legacy
    seeds["merge-golden-golden"] = b"\x01" + golden + b"\x00" + golden
    seeds["merge-golden-legacy"] = b"\x01" + golden + b"\x00" + legacy
    for name, text in csv_seeds().items():
        seeds["csv-" + name] = b"\x02" + text
    return seeds


def sketch_seeds():
    seeds = {}
    selector = {"quantiles": b"\x00", "frequencies": b"\x01", "distinct": b"\x02"}
    for fixture in ("golden_profile.json", "profile_mlguard_0.1.json"):
        profile = load("profile/" + fixture)
        for feature, body in sorted(profile["features"].items()):
            for field, byte in selector.items():
                if field in body:
                    seeds[f"{fixture.split('.')[0]}-{feature}-{field}"] = byte + compact(
                        body[field]).encode()
    return seeds


def online_seeds():
    seeds = {}
    stream = bytes([0, 1, 0, 0, 1, 1, 1, 1, 250, 251, 201, 230, 249, 252, 253, 254, 255] * 4)
    for path in sorted((FIXTURES / "online").glob("*.json")):
        text = path.read_bytes()
        seeds[path.stem] = text
        seeds[path.stem + "-stream"] = text + b"\x00" + stream
    return seeds


def pipeline_seeds():
    cases = load("reference/pipeline_export.json")["cases"]
    return {case["model"]: compact(case["document"]).encode() for case in cases}


SCHEMA = {
    "format": "mlguard.schema",
    "format_version": 1,
    "histogram_buckets": 10,
    "severity": {"FLOAT_TYPE_BIG_FLOAT": "warning", "SCHEMA_NEW_COLUMN": "error"},
    "features": [
        {"name": "fare", "kind": "numeric", "required": True, "domain": {"min": 0, "max": 500},
         "allow_nan": False, "allow_inf": False, "policy": {"action": "clip"},
         "skew": {"jensen_shannon": 0.1, "normalized_abs_difference": 0.2}},
        {"name": "passengers", "kind": "integer", "required": False,
         "max_missing_fraction": 0.25, "domain": {"min": 1, "max": 9},
         "policy": {"action": "impute", "impute": {"strategy": "median", "value": 1}}},
        {"name": "payment", "kind": "categorical", "vocabulary": ["card", "cash", "caf\u00e9"],
         "policy": {"action": "impute", "impute": {"strategy": "most_frequent",
                                                   "category": "card"}},
         "skew": {"l_infinity": 0.3, "unseen_share": 0.05}},
        {"name": "flag", "kind": "boolean", "policy": {"action": "reject"}},
        {"name": "ratio", "kind": "numeric", "domain": {"min": "-inf", "max": "inf"},
         "allow_nan": True, "allow_inf": True},
    ],
}


def schema_seeds():
    minimal = {"format": "mlguard.schema", "format_version": 1,
               "features": [{"name": "x", "kind": "numeric"}, {"name": "c", "kind": "categorical"}]}
    return {"five-features": compact(SCHEMA).encode(), "minimal": compact(minimal).encode()}


def model_version(version, parent=None):
    return {
        "model": "churn", "version": version, "artifact_uri": f"file:///models/churn/{version}",
        "artifact_digest": "sha256:" + "ab" * 32, "status": "ready", "description": "gbm",
        "tags": {"team": "risk"}, "metrics": {"auc": 0.91, "loss": None, "gain": "inf"},
        "params": {"depth": "6"},
        "lineage": {"data_fingerprint": "sha256:" + "cd" * 32, "pipeline_fingerprint": "",
                    "code_version": "3f2a9c1", "parent_version": parent,
                    "created_at": "2024-03-01T12:00:00.123456789Z", "created_by": "ci"},
    }


def journal_records():
    t = "2024-03-01T12:00:0{}Z"
    records = [
        {"sequence": 1, "time": t.format(0), "model": "churn", "action": "create_model",
         "actor": "ci", "document": {"description": "churn model", "tags": {"team": "risk"}}},
        {"sequence": 2, "time": t.format(1), "model": "churn", "action": "register_version",
         "actor": "ci", "reason": "AUC 0.91", "version": 1, "document": model_version(1)},
        {"sequence": 3, "time": t.format(2), "model": "churn", "action": "register_version",
         "version": 2, "document": model_version(2, parent=1)},
        {"sequence": 4, "time": t.format(3), "model": "churn", "action": "set_alias",
         "version": 2, "alias": "prod", "previous_version": None},
        {"sequence": 5, "time": t.format(4), "model": "churn", "action": "set_version_tag",
         "version": 2, "key": "stage", "value": "canary"},
        {"sequence": 6, "time": t.format(5), "model": "churn", "action": "rollback_alias",
         "version": 1, "alias": "prod", "previous_version": 2, "reason": "drift"},
    ]
    return [compact(r) for r in records]


def journal_line(text):
    return f"{zlib.crc32(text.encode()):08x} {text}\n".encode()


def registry_seeds():
    header = compact({"format": "mlguard.registry.journal", "format_version": 1, "model": "churn"})
    records = journal_records()
    journal = journal_line(header) + b"".join(journal_line(r) for r in records)
    snapshot = {"format": "mlguard.registry.model", "format_version": 1, "name": "churn",
                "description": "churn model", "tags": {"team": "risk"},
                "created_at": "2024-03-01T12:00:00Z", "updated_at": "2024-03-01T12:00:05Z",
                "latest_version": 2, "aliases": {"prod": 1}, "sequence": 6, "journal_offset": 0}
    return {
        "journal": b"\x00" + journal,
        "journal-torn-tail": b"\x00" + journal + journal_line(records[0])[:20],
        "records": b"\x01" + "\n".join(records).encode() + b"\n",
        "version": b"\x02" + compact({"format": "mlguard.registry.model_version",
                                      "format_version": 1, **model_version(2, parent=1)}).encode(),
        "model": b"\x03" + compact(snapshot).encode(),
    }


# Tokens no seed holds but loaders branch on, and numbers at the edges.
EXTRA_TOKENS = [
    "null", "true", "false", "inf", "-inf", "nan", "-0", "1e308", "-1e308",
    "1.7976931348623157e308", "5e-324", "18446744073709551615", "18446744073709551616",
    "-9223372036854775808", "2147483648", "0.5", "[]", "{}", "[[", "]]", "\\u0000", "\\ud800",
    "pending", "failed", "delete_model", "set_model_description", "set_model_tag",
    "delete_model_tag", "set_version_description", "delete_version_tag", "set_version_status",
    "delete_alias", "clipper", "min_max_scaler", "robust_scaler", "linear_regression",
    "most_frequent", "constant", "mean", "flag", "reject", "warning", "error",
]


def booster_seeds():
    """The taxi booster python3-xgboost saved (tests/reference/gen_xgboost.py)
    and a one-split model in XGBoost 1.7's JSON layout."""
    stump = {
        "learner": {
            "attributes": {}, "feature_names": ["a", "b"], "feature_types": ["float", "float"],
            "gradient_booster": {"name": "gbtree", "model": {
                "gbtree_model_param": {"num_parallel_tree": "1", "num_trees": "1",
                                       "size_leaf_vector": "0"},
                "tree_info": [0],
                "trees": [{
                    "id": 0, "base_weights": [0.0, 0.5, -0.5], "categories": [],
                    "categories_nodes": [], "categories_segments": [], "categories_sizes": [],
                    "default_left": [1, 0, 0], "left_children": [1, -1, -1],
                    "right_children": [2, -1, -1], "parents": [2147483647, 0, 0],
                    "loss_changes": [1.0, 0.0, 0.0], "split_conditions": [0.5, 0.5, -0.5],
                    "split_indices": [0, 0, 0], "split_type": [0, 0, 0], "sum_hessian": [10.0, 5.0, 5.0],
                    "tree_param": {"num_deleted": "0", "num_feature": "2", "num_nodes": "3",
                                   "size_leaf_vector": "0"}}]}},
            "learner_model_param": {"base_score": "5E-1", "boost_from_average": "1",
                                    "num_class": "0", "num_feature": "2", "num_target": "1"},
            "objective": {"name": "binary:logistic", "reg_loss_param": {"scale_pos_weight": "1"}}},
        "version": [1, 7, 4]}
    return {"taxi.ubj": (FIXTURES / "reference" / "xgboost_taxi.ubj").read_bytes(),
            "stump.json": compact(stump).encode()}


def json_tokens(value, out):
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            json_tokens(item, out)
    elif isinstance(value, list):
        for item in value:
            json_tokens(item, out)
    elif isinstance(value, str) and len(value) <= 40:
        out.add(value)


def json_texts(data):
    """The JSON texts in a seed: NUL-separated parts without their selector
    byte, and the lines of a journal without their checksums."""
    for part in data.split(b"\x00"):
        text = part.lstrip(b"\x01\x02\x03").decode("utf-8", "replace")
        yield text
        for line in text.splitlines():
            yield line[9:] if line[8:9] == " " else line


def write_dictionary(corpora, path):
    """A libFuzzer dictionary: every key and short string of the JSON seeds,
    quoted as JSON, plus EXTRA_TOKENS as they are."""
    tokens = set()
    for seeds in corpora.values():
        for data in seeds.values():
            for text in json_texts(data):
                try:
                    json_tokens(json.loads(text), tokens)
                except ValueError:
                    pass

    def entry(raw):  # a dictionary line holds the token as a C-escaped string
        return '"' + raw.replace("\\", "\\\\").replace('"', '\\"') + '"'

    entries = sorted({entry(json.dumps(t)) for t in tokens} | {entry(t) for t in EXTRA_TOKENS})
    path.write_text("# Written by tests/fuzz/make_corpus.py: JSON keys and strings of the seeds.\n" +
                    "\n".join(entries) + "\n", encoding="utf-8")
    return len(entries)


def main():
    corpora = {
        "csv": csv_seeds(),
        "profile": profile_seeds(),
        "sketch": sketch_seeds(),
        "online": online_seeds(),
        "pipeline": pipeline_seeds(),
        "schema": schema_seeds(),
        "registry": registry_seeds(),
        "booster": booster_seeds(),
    }
    for harness, seeds in corpora.items():
        directory = OUT / harness
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("seed-*"):
            old.unlink()
        for name, data in seeds.items():
            (directory / f"seed-{name}").write_bytes(data)
        print(f"{directory.relative_to(ROOT)}: {len(seeds)} seeds, "
              f"{sum(len(d) for d in seeds.values())} bytes")
    count = write_dictionary(corpora, OUT.parent / "mlguard.dict")
    print(f"tests/fuzz/mlguard.dict: {count} tokens")


if __name__ == "__main__":
    main()

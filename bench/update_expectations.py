#!/usr/bin/env python3
"""Writes measured expectations into variants/manifest.json from a racelab JSON report.

    build/bin/racelab run all --runs 1000 --format json --out expect.json
    python3 bench/update_expectations.py expect.json            # rewrites variants/manifest.json

Every class a target showed becomes an expected class of that variant and build, with its
measured rate and run count, so `--expect` declares `not-reproduced` only when missing it was
improbable (racelab's rule: P(miss) < 0.1% at the recorded rate). The fuzz setting of the
measurement is recorded as `expected_fuzz`. Classes listed under `tolerated` are kept as they
are: they are curated by hand, each with its reason in `tolerated_why`.
"""
import json
import pathlib
import sys


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    report = json.loads(pathlib.Path(sys.argv[1]).read_text())
    manifest_path = pathlib.Path(sys.argv[2] if len(sys.argv) == 3 else "variants/manifest.json")
    manifest = json.loads(manifest_path.read_text())
    if report.get("schema") != "racelab.report/1":
        print(f"{sys.argv[1]}: not a racelab.report/1 report", file=sys.stderr)
        return 2
    by_id = {v["id"]: v for v in manifest["variants"]}
    for t in report["targets"]:
        v = by_id.get(t["id"])
        if v is None or t["build"] not in ("plain", "tsan"):
            continue
        runs = t["runs"]
        expected = {}
        for cls, n in sorted(t["classes"].items()):
            if cls == "ok" or n == 0:
                continue
            expected[cls] = {"rate": round(n / runs, 4), "runs": runs}
        v.setdefault("expected", {})[t["build"]] = expected
        v["expected_fuzz"] = report["settings"]["fuzz"]
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Per fuzz setting: how often each target failed, its main classes, and ms per run.

    build/bin/racelab run p1s2 p1s3 p1s3a p1s4 p1s5 p1s6 p2s2 \
        --fuzz none,yield,sleep:10,sleep:100,sleep:1000 --runs 250 --format json --out f.json
    python3 bench/fuzz_table.py f.json
"""
import json
import sys

r = json.load(open(sys.argv[1]))
settings = r["settings"]["fuzz"].split(",")
print("| target | build | " + " | ".join(settings) + " |")
print("|---|---|" + "---|" * len(settings))
for t in r["targets"]:
    cells = []
    for s in settings:
        n = t["runs_by_fuzz"].get(s, 0)
        c = t["classes_by_fuzz"].get(s, {})
        failed = n - c.get("ok", 0)
        ms = 1000 * t.get("wall_seconds_by_fuzz", {}).get(s, 0) / max(n, 1)
        cells.append(f"{failed}/{n} ({ms:.0f} ms)")
    print(f"| {t['id']} | {t['build']} | " + " | ".join(cells) + " |")

#!/usr/bin/env python3
"""Per target and build: runs, failing runs, and how many runs showed each class.

    build/bin/racelab run p1s2 p1s3 p1s3a p1s4 p1s5 p1s6 --build both --runs 200 \
        --format json --out claims.json
    python3 bench/class_table.py claims.json [CLASS...]

With CLASS arguments, only those columns (in that order); otherwise every class seen.
A count is "k (p%)": runs that showed the class, and their share of the target's runs.
"""
import json
import sys


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    report = json.load(open(sys.argv[1]))
    if report.get("schema") != "racelab.report/1":
        print(f"{sys.argv[1]}: not a racelab.report/1 report", file=sys.stderr)
        return 2
    targets = report["targets"]
    classes = sys.argv[2:] or sorted({c for t in targets for c in t["classes"] if c != "ok"})
    print("| target | build | runs | failing | " + " | ".join(classes) + " |")
    print("|---|---|---|---|" + "---|" * len(classes))
    for t in targets:
        n = t["runs"]

        def cell(k: int) -> str:
            return f"{k} ({100 * k / n:.0f}%)" if n else "-"

        counts = [cell(t["classes"].get(c, 0)) for c in classes]
        print(f"| {t['id']} | {t['build']} | {n} | {cell(t['failed_runs'])} | " + " | ".join(counts) + " |")
    print()
    print(f"settings: {report['settings']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

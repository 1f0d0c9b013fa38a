#!/usr/bin/env bash
# The JSON report against docs/schema/racelab.report-1.schema.json: a real campaign's
# report (`racelab run all --runs 6 --expect --format json`), the golden and fixture reports, and a
# report with an unknown class, which the schema must reject.
#   report_schema_test.sh RACELAB SCHEMA TEST_DIR OUT_DIR
# PYTHON3 names the python3 that sees Debian's python3-jsonschema (default: python3 on PATH).
set -euo pipefail
racelab=$1 schema=$2 dir=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
python3=${PYTHON3:-python3}
validate() { "$python3" "$here/validate_report.py" "$schema" "$@"; }
rm -rf "$out" && mkdir -p "$out"
status=0
"$racelab" run all --runs 6 --expect --jobs 2 --format json --out "$out/run.json" >"$out/stdout" 2>"$out/stderr" || status=$?
# 0: nothing failed, 1: failures found (the specimens are meant to fail); anything else is not a report.
if [ "$status" -gt 1 ]; then
  echo "racelab run all exited $status:" >&2
  cat "$out/stderr" >&2
  exit 1
fi
# A shard's report and a merged one carry the campaign identity and shard coverage.
for k in 0 1; do
  "$racelab" run p1s4 --build plain --fuzz pct:3 --runs 6 --shard "$k/2" --no-progress \
    --format json --out "$out/shard$k.json" >/dev/null 2>&1 || [ $? -le 1 ]
done
"$racelab" merge "$out/shard0.json" "$out/shard1.json" --format json --out "$out/merged.json" \
  || [ $? -le 1 ]
validate "$out/run.json" "$out/shard0.json" "$out/merged.json" "$dir/golden/report.json" \
  "$dir/fixtures/report.json"
"$python3" - "$out/run.json" "$out/bad.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["targets"][0]["classes"]["no-such-class"] = 1
json.dump(r, open(sys.argv[2], "w"))
PY
if validate "$out/bad.json" >"$out/bad.txt"; then
  echo "the schema accepted a report with an unknown class" >&2
  exit 1
fi
grep -q "NOT valid" "$out/bad.txt"

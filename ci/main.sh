#!/usr/bin/env bash
# The main job: build, then run the checker over every specimen (plain and TSan builds)
# and write a readable report (text on stdout, JSON and JUnit in build/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset default
cmake --build --preset default -j "$(nproc)"
status=0
build/bin/racelab run all --runs "${RACELAB_RUNS:-200}" --expect \
  --format text \
  --format json --out build/racelab-report.json \
  --format junit --out build/racelab-report.xml || status=$?
echo
echo "reports: build/racelab-report.json, build/racelab-report.xml (exit status $status)"
exit $status

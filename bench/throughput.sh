#!/usr/bin/env bash
# The throughput benchmark: racelab against `xargs -P<cores>` running the same binary
# the same number of times (2000 runs of p1s1 plain and of p1s2 tsan, output discarded),
# alternating repetitions, medians; --jobs on the TSan workload; peak memory for 1,000 and
# 10,000 runs. The measuring is `racelab bench throughput` (bench/suite/bench_throughput.cpp);
# this script only fixes the sizes and where the results go.
#
#   bash bench/throughput.sh [BUILD_DIR]     (default build/; RUNS=2000 TSAN_RUNS=2000 REPS=3)
#   TOOLS=racelab,xargs,parallel,stress,sh bash bench/throughput.sh   (every tool)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
racelab=$build/bin/racelab
[ -x "$racelab" ] || { echo "bench: $racelab not built (cmake --workflow --preset default)" >&2; exit 2; }
exec "$racelab" bench throughput \
  --runs "${RUNS:-2000}" --tsan-runs "${TSAN_RUNS:-2000}" --reps "${REPS:-3}" \
  --tools "${TOOLS:-racelab,xargs}" --jobs-sweep "${JOBS_SWEEP:-3,6}" \
  --memory-runs 1000,10000 \
  --out "$build/throughput.json" --plot "$build/throughput.svg"

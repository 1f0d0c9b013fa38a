#!/usr/bin/env bash
# racelab's throughput against `xargs -P2` running the same binary the same number of
# times, side by side, alternating repetitions; then --jobs on a TSan workload, then
# racelab's peak memory for 1,000 vs 10,000 runs. Prints a Markdown report.
#
#   bash bench/throughput.sh [BUILD_DIR]        (default build/; RUNS=2000 REPS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
racelab=$build/bin/racelab
runs=${RUNS:-2000}
reps=${REPS:-3}
[ -x "$racelab" ] || { echo "bench: $racelab not built (cmake --workflow --preset default)" >&2; exit 2; }
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }

# The environment racelab gives a run, so xargs's children do the same work.
child_env() {  # id build
  local iters
  iters=$("$racelab" list | awk -v id="$1" '$1==id {print $4}')
  echo "RACELAB_ITERATIONS=$iters RACELAB_FUZZ=none RACELAB_SEED=1"
}

time_racelab() {  # id build jobs -> seconds
  local t0 t1
  t0=$(now)
  "$racelab" run "$1" --build "$2" --runs "$runs" --jobs "$3" --fuzz none --no-progress \
    --format json --out /dev/null >/dev/null || true
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

time_xargs() {  # id build -> seconds
  local bin=$build/bin/variants/$2/$1 t0 t1
  t0=$(now)
  # shellcheck disable=SC2046
  seq "$runs" | env $(child_env "$1" "$2") TSAN_OPTIONS=halt_on_error=0:color=never \
    xargs -P2 -n1 "$bin" >/dev/null 2>&1 || true
  t1=$(now)
  echo "$t1 - $t0" | bc -l
}

cpu_per_run() {  # id build -> child CPU seconds per run, as racelab measured it
  local tmp
  tmp=$(mktemp)
  "$racelab" run "$1" --build "$2" --runs 200 --jobs 1 --fuzz none --no-progress \
    --format json --out "$tmp" >/dev/null || true
  grep -o '"cpu_seconds": [0-9.e-]*' "$tmp" | head -1 | awk '{print $2/200}'
  rm -f "$tmp"
}

echo "# racelab throughput ($(date -u +%F), $(nproc) cores, $(uname -r))"
echo
echo "Command: \`bash bench/throughput.sh $build\` (runs=$runs, reps=$reps, medians)"
echo
echo "| workload | racelab runs/s | xargs -P2 runs/s | racelab / xargs | 2-core limit runs/s |"
echo "|---|---|---|---|---|"
for w in "p1s1 plain" "p1s2 tsan"; do
  set -- $w
  r_times=(); x_times=()
  for ((i = 0; i < reps; i++)); do
    r_times+=("$(time_racelab "$1" "$2" 2)")
    x_times+=("$(time_xargs "$1" "$2")")
  done
  r=$(printf '%s\n' "${r_times[@]}" | median)
  x=$(printf '%s\n' "${x_times[@]}" | median)
  cpu=$(cpu_per_run "$1" "$2")
  limit=$(echo "2 / $cpu" | bc -l)
  printf '| %s %s | %.0f | %.0f | %.2f | %.0f |\n' "$1" "$2" "$(echo "$runs/$r" | bc -l)" \
    "$(echo "$runs/$x" | bc -l)" "$(echo "$x/$r" | bc -l)" "$limit"
done

echo
echo "## --jobs on the TSan workload (p1s2 tsan, $runs runs, median of $reps)"
echo
echo "| --jobs | runs/s |"
echo "|---|---|"
for j in 2 3 4 6; do
  ts=()
  for ((i = 0; i < reps; i++)); do ts+=("$(time_racelab p1s2 tsan "$j")"); done
  t=$(printf '%s\n' "${ts[@]}" | median)
  printf '| %s | %.0f |\n' "$j" "$(echo "$runs/$t" | bc -l)"
done

echo
echo "## Peak memory of racelab (p1s1 plain, --jobs 2)"
echo
echo "| runs | max RSS (KiB) |"
echo "|---|---|"
for n in 1000 10000; do
  rss=$( { /usr/bin/time -f '%M' "$racelab" run p1s1 --build plain --runs "$n" --jobs 2 \
      --no-progress --format json --out /dev/null >/dev/null; } 2>&1 | tail -1)
  echo "| $n | $rss |"
done

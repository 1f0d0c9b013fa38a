#!/usr/bin/env bash
# The tools `racelab bench throughput` compares racelab with (GNU parallel, Go's stress from
# golang-golang-x-tools) and GNU time for peak memory, on top of ci/setup.sh. Idempotent.
# Without them the benchmark still runs and marks the missing tools "not installed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
packages=(parallel golang-golang-x-tools time)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench/setup.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

#!/usr/bin/env bash
# The whole test suite, as CI runs it: format check, default preset (all default labels),
# then racelab's own tests under AddressSanitizer+UBSan and ThreadSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh

echo "== clang-format"
files=$(git ls-files '*.cpp' '*.hpp' 2>/dev/null || find checker variants tests bench -name '*.[ch]pp')
clang-format --dry-run -Werror $files

jobs=$(nproc)
# Each preset builds only the tiers it runs (targets racelab_tests_<label>). The stress tier
# (the 200-run manifest acceptance, the 100,000-run soak), the fuzz tier and the ASan
# integration tier run apart: `ctest --preset stress`, `cmake --workflow --preset fuzz`,
# `cmake --workflow --preset asan` (docs/testing.md, "Tiers").
echo "== default preset: configure, build"
cmake --preset default
cmake --build --preset default -j "$jobs"

# The asan and tsan presets build (niced, in a session of their own) while the default
# preset's tests run: those spend much of their time waiting for the programs they start,
# and no verdict depends on load. Their output goes to build/sanitizer-builds.log.
sanitizer_builds() {
  cmake --preset asan
  cmake --build --preset asan -j "$jobs" --target racelab_tests_unit racelab_tests_property
  cmake --preset tsan
  cmake --build --preset tsan -j "$jobs" --target racelab_tests_unit racelab_tests_property
}
export -f sanitizer_builds
export jobs
log=build/sanitizer-builds.log
setsid nice -n 10 bash -c 'set -euo pipefail; sanitizer_builds' >"$log" 2>&1 &
builds=$!
trap 'kill -- -"$builds" 2>/dev/null || true' EXIT

# With them the cluster test (label cluster): a single-node Slurm runs a campaign as a job
# array. The long tests start first (tests/schedule/costs.cmake).
echo "== default preset: every test but the stress and fuzz labels"
ctest --preset default -j "$jobs"

echo "== asan and tsan presets: waiting for their builds"
if ! wait "$builds"; then
  tail -n 60 "$log"
  echo "the asan/tsan builds failed; the whole log is $log" >&2
  exit 1
fi
trap - EXIT

# racelab's integration tests under ASan+UBSan (racelab against the hostile programs, its
# command line and the specimens, with an ASan-built racelab) are their own tier:
# `cmake --workflow --preset asan` (docs/testing.md, "Tiers"); here they run unsanitized.
echo "== asan preset: racelab's own unit and property tests under ASan+UBSan"
ctest --preset asan -j "$jobs" -L 'unit|property'

echo "== tsan preset: racelab's own unit and property tests under TSan"
ctest --preset tsan -j "$jobs" -L 'unit|property'

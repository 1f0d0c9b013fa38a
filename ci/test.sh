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
# (the 200-run manifest acceptance, the 100,000-run soak) and the fuzz tier run apart:
# `ctest --preset stress`, `cmake --workflow --preset fuzz` (docs/testing.md, "Tiers").
echo "== default preset: configure, build, every test but the stress, fuzz and cluster labels"
cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs" -E '^SlurmCluster\.'

echo "== cluster: a single-node Slurm runs a campaign as a job array (label cluster)"
ctest --preset default -R '^SlurmCluster\.' --output-on-failure

# The package, recipe and shard-law tests and the JSON-schema check (not built in the
# sanitizer presets), the external validators (Chromium, ajv, xmllint) and the golden
# symbolization of the clang fixture programs run once, in the default preset above: under
# ASan they would repeat the same runs and tools with a slower racelab.
echo "== asan preset: racelab's own unit, property and integration tests under ASan+UBSan"
cmake --preset asan
cmake --build --preset asan -j "$jobs" --target racelab_tests_unit racelab_tests_property \
  racelab_tests_integration
ctest --preset asan -j "$jobs" -L 'unit|property|integration' \
  -E '^Clang/FixtureProgram|HtmlInBrowser|SarifSchema|JunitSchema'

echo "== tsan preset: racelab's own unit and property tests under TSan"
cmake --preset tsan
cmake --build --preset tsan -j "$jobs" --target racelab_tests_unit racelab_tests_property
ctest --preset tsan -j "$jobs" -L 'unit|property'

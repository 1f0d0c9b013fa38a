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
echo "== default preset: configure, build, every test but the stress, fuzz and cluster labels"
cmake --preset default
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs" -E '^SlurmCluster\.'

echo "== cluster: a single-node Slurm runs a campaign as a job array (label cluster)"
ctest --preset default -R '^SlurmCluster\.' --output-on-failure

# The 200-run manifest check (RacelabCli.AllSpecimensBehaveAsTheManifestExpectsOver200Runs),
# the package, recipe and shard-law tests, the offline-symbolization golden test and the
# external validators (Chromium, ajv, xmllint, jsonschema) run once, in the default preset
# above: under ASan they would only repeat the same runs and tools with a slower racelab
# (docs/testing.md, "Tiers").
echo "== asan preset: racelab's own unit, property and integration tests under ASan+UBSan"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
ctest --preset asan -j "$jobs" -L 'unit|property|integration' \
  -E 'ManifestExpectsOver200Runs|^Package\.|Recipe\.|ShardLaw|^Clang/FixtureProgram|HtmlInBrowser|SarifSchema|JunitSchema|report_schema_test'

echo "== tsan preset: racelab's own unit and property tests under TSan"
cmake --preset tsan
cmake --build --preset tsan -j "$jobs"
ctest --preset tsan -j "$jobs" -L 'unit|property'

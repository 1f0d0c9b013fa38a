#!/usr/bin/env bash
# Installs the Debian packages racelab needs (only those missing). Idempotent.
set -euo pipefail

packages=(
  clang llvm            # clang++ builds everything; llvm brings llvm-symbolizer for TSan's file:line
  lld                   # a faster linker, used when present
  cmake ninja-build
  libboost-program-options-dev librapidcheck-dev libgtest-dev libgmock-dev
  nlohmann-json3-dev libfmt-dev libbenchmark-dev
  libxml2-utils         # xmllint, for the JUnit schema check
  python3-jsonschema    # the JSON report against docs/schema, SARIF against its schema (tests/report)
  python3-rfc3987       # the SARIF check's uri formats
  chromium fonts-dejavu-core  # the HTML report test opens the page in headless Chromium
  clang-format
  bc time               # bench/ scripts
  parallel python3-yaml  # the scale-out recipes' tests: GNU parallel, the Kubernetes YAML
  munge slurmctld slurmd slurm-client  # the single-node Slurm of the cluster test
  dpkg-dev file lintian # cpack -G DEB (dpkg-shlibdeps, file) and the package check
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/setup.sh: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

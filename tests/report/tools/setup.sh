#!/usr/bin/env bash
# Installs the report tests' npm tools (package.json here, exact versions from package-lock.json)
# into DEST with `npm ci`; does nothing when DEST already has this lock file's install.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dest=${1:?usage: setup.sh DEST}
mkdir -p "$dest"
# ctest runs test cases in parallel, and each may call this: one install at a time.
exec 9>"$dest/.lock"
flock 9
stamp=$(cat "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$here/validate-sarif.js" |
  sha256sum | cut -d' ' -f1)
if [ -d "$dest/node_modules" ] && [ "$(cat "$dest/.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "npm not found: ci/setup.sh installs nodejs" >&2
  exit 2
fi
cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$here/validate-sarif.js" "$dest/"
cd "$dest"
rm -f .stamp
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
echo "$stamp" >.stamp

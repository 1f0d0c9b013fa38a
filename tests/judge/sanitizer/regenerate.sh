#!/usr/bin/env bash
# Rebuilds the meant-to-fail programs with clang++ and g++ under TSan, captures their stderr
# as fixtures and rewrites the golden files from them.
#
#   tests/judge/sanitizer/regenerate.sh      (BUILD_DIR=build by default)
#
# Each program in programs/ is built with both compilers (-fsanitize=thread -g -O1, the
# specimens' flags) and run with the TSAN_OPTIONS racelab sets (sanitize/tsan_options.conf).
# Its stderr goes to fixtures/<name>.<clang|gcc>.stderr, and a second run's to
# fixtures/reruns/<name>.<clang|gcc>.stderr (different pids, addresses and thread ids: the
# signature-stability tests compare the two). Directives in a program's header comment:
#   // CHECK: TEXT                  every capture must contain TEXT (else it is retried)
#   // ULIMIT: ARGS                 run under `ulimit ARGS` (e.g. -v 2000000)
#   // RERUN-TSAN-OPTIONS: OPTS     extra TSAN_OPTIONS for the second run
# Finally the test binary rewrites fixtures/*.golden (RACELAB_REGENERATE_GOLDEN=1).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build_dir=${BUILD_DIR:-$root/build}
fixtures=$here/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# racelab's TSAN_OPTIONS: name=value pairs of the options file, comments and sections dropped.
tsan_options=$(sed -e 's/#.*//' -e '/^\s*\[/d' "$root/sanitize/tsan_options.conf" 2>/dev/null |
  tr -s ' \t\n' '\n' | grep '=' | paste -sd: - || true)

directive() {  # directive FILE NAME -> the values of "// NAME: value" lines, one a line
  sed -n "s|^// $2: ||p" "$1"
}

capture() {  # capture BINARY SOURCE OUT [EXTRA_TSAN_OPTIONS]
  local bin=$1 src=$2 out=$3 extra=${4:-} limit attempt missing
  limit=$(directive "$src" ULIMIT)
  for attempt in 1 2 3 4 5; do
    (
      cd "$work"
      # shellcheck disable=SC2086  # "-v 2000000" is meant to split into two words
      if [[ -n $limit ]]; then ulimit $limit; fi
      TSAN_OPTIONS="$tsan_options${extra:+:$extra}" timeout 60 "$bin" >/dev/null 2>"$out"
    ) 2>/dev/null || true  # failing is the point; the shell's "Segmentation fault" is noise
    missing=""
    while IFS= read -r want; do
      [[ -z $want ]] && continue
      grep -qF -- "$want" "$out" || missing="$want"
    done < <(directive "$src" CHECK)
    if [[ -z $missing ]]; then return 0; fi
    echo "  attempt $attempt: '$missing' not in $(basename "$out"), retrying" >&2
  done
  echo "error: $(basename "$src") never printed '$missing'" >&2
  return 1
}

mkdir -p "$fixtures/reruns"
rm -f "$fixtures"/*.stderr "$fixtures"/*.golden "$fixtures"/reruns/*.stderr
printf '%s\n' "$root" >"$fixtures/SOURCE_ROOT"

for src in "$here"/programs/*.cpp; do
  name=$(basename "$src" .cpp)
  for cc in clang gcc; do
    cxx=$([[ $cc == clang ]] && echo clang++ || echo g++)
    echo "$name ($cc)"
    "$cxx" -std=c++17 -fsanitize=thread -g -O1 -pthread "$src" -o "$work/$name.$cc"
    capture "$work/$name.$cc" "$src" "$fixtures/$name.$cc.stderr"
    capture "$work/$name.$cc" "$src" "$fixtures/reruns/$name.$cc.stderr" \
      "$(directive "$src" RERUN-TSAN-OPTIONS | paste -sd: -)"
  done
done

cmake --build "$build_dir" --target sanitizer_report_test
RACELAB_REGENERATE_GOLDEN=1 "$build_dir/tests/sanitizer_report_test" \
  --gtest_filter='*SanitizerGolden.*' >/dev/null
ls "$fixtures"/*.golden >/dev/null  # fails if the filter matched nothing
echo "fixtures and golden files rewritten under $fixtures"

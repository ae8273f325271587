#!/usr/bin/env bash
# Golden tests: runs the built loginref on the examples and fixtures and
# compares stdout, stderr and the exit code with the files of each case.
#
#   tests/golden/run_golden.sh LOGINREF_BINARY [CASE...]
#   UPDATE_GOLDEN=1 tests/golden/run_golden.sh LOGINREF_BINARY   # rewrite them
#
# A case is a directory tests/golden/cases/NAME with
#   cmd          a bash snippet run from the repository root; $LOGINREF is the binary
#   stdout       expected standard output
#   stderr       expected standard error
#   exit_code    expected exit status
# Tempfail timestamps ([host:YYYY-MM-DD HH:MM:SS]) are replaced by
# [host:TIMESTAMP] before comparing.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 LOGINREF_BINARY [CASE...]" >&2
  exit 2
fi
LOGINREF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LOGINREF
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
shift
cd "$repo"
examples/sqlite/build-db

work=$(mktemp -d "${TMPDIR:-/tmp}/loginref-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT

normalize() {
  sed -E 's/\[([^]:]*):[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\]/[\1:TIMESTAMP]/g'
}

cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
  for dir in "$here"/cases/*/; do cases+=("$(basename "$dir")"); done
fi

passed=0
failed=0
for name in "${cases[@]}"; do
  dir=$here/cases/$name
  # The environment is fixed so that outputs do not depend on the caller.
  env -i PATH="$PATH" HOME="$work" TZ=UTC LOGINREF="$LOGINREF" GOLDEN="$here" \
    bash -c "$(cat "$dir/cmd")" > "$work/stdout" 2> "$work/stderr" < /dev/null
  echo $? > "$work/exit_code"
  normalize < "$work/stdout" > "$work/stdout.n"
  normalize < "$work/stderr" > "$work/stderr.n"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$work/stdout.n" "$dir/stdout"
    cp "$work/stderr.n" "$dir/stderr"
    cp "$work/exit_code" "$dir/exit_code"
  fi
  ok=1
  for part in stdout stderr; do
    if ! diff -u "$dir/$part" "$work/$part.n" > "$work/diff" 2>&1; then
      ok=0
      echo "FAIL $name ($part differs):"
      cat "$work/diff"
    fi
  done
  if ! diff -q "$dir/exit_code" "$work/exit_code" > /dev/null 2>&1; then
    ok=0
    echo "FAIL $name: exit code $(cat "$work/exit_code"), expected $(cat "$dir/exit_code" 2>/dev/null)"
  fi
  if [ $ok = 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "golden: $passed passed, $failed failed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Runs examples/plan.yaml with `loginref check` on all three drivers and
# compares the output with tests/integration/check_drivers/<driver>.stdout
# (and the exit status with <driver>.exit_code). examples/pgsql and
# examples/mysql hold the same rows as examples/sqlite, so every driver
# must reach the same decisions and lines.
#
#   tests/integration/check_drivers.sh LOGINREF_BINARY
#   UPDATE_GOLDEN=1 tests/integration/check_drivers.sh LOGINREF_BINARY   # rewrite them
#
# sqlite always runs, on a private copy of the example database (the golden
# tests rebuild examples/sqlite/users.db at the same time). pgsql and mysql
# run when LOGINREF_TEST_PGSQL / LOGINREF_TEST_MYSQL are set
# (eval "$(scripts/lib/dbservers.sh start)"); their example rows are
# (re)loaded with examples/<driver>/load-db first. They are skipped
# otherwise, and a skip fails when LOGINREF_REQUIRE_SERVERS=1.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 LOGINREF_BINARY" >&2
  exit 2
fi
LOGINREF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
expected=$here/check_drivers
cd "$repo"

work=$(mktemp -d "${TMPDIR:-/tmp}/loginref-check-drivers.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
skipped=0

# run_driver DRIVER CONNECT: runs the plan with --driver/--connect and
# compares. Connect strings hold a password: they never reach the output
# (loginref does not print them; the comparison shows only loginref's output).
run_driver() {
  local driver=$1 connect=$2 ok=1
  env TZ=UTC "$LOGINREF" check examples/plan.yaml --driver "$driver" --connect "$connect" \
    > "$work/$driver.stdout" 2> "$work/$driver.stderr"
  echo $? > "$work/$driver.exit_code"
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$work/$driver.stdout" "$expected/$driver.stdout"
    cp "$work/$driver.exit_code" "$expected/$driver.exit_code"
  fi
  if ! diff -u "$expected/$driver.stdout" "$work/$driver.stdout"; then
    ok=0
  fi
  if ! diff -q "$expected/$driver.exit_code" "$work/$driver.exit_code" > /dev/null; then
    ok=0
    echo "FAIL $driver: exit code $(cat "$work/$driver.exit_code"), expected $(cat "$expected/$driver.exit_code")"
    cat "$work/$driver.stderr"
  fi
  if [ $ok = 1 ]; then
    echo "ok   $driver"
    passed=$((passed + 1))
  else
    echo "FAIL $driver"
    failed=$((failed + 1))
  fi
}

skip() {
  if [ "${LOGINREF_REQUIRE_SERVERS:-0}" = 1 ]; then
    echo "FAIL $1: $2 is not set (LOGINREF_REQUIRE_SERVERS=1)"
    failed=$((failed + 1))
  else
    echo "skip $1: set $2 to run (eval \"\$(scripts/lib/dbservers.sh start)\")"
    skipped=$((skipped + 1))
  fi
}

command -v sqlite3 > /dev/null || { echo "check_drivers: sqlite3 is required" >&2; exit 2; }
sqlite3 "$work/users.db" < examples/sqlite/schema.sql || exit 2
run_driver sqlite "$work/users.db"

if [ -n "${LOGINREF_TEST_PGSQL:-}" ]; then
  if examples/pgsql/load-db "$LOGINREF_TEST_PGSQL"; then
    run_driver pgsql "$LOGINREF_TEST_PGSQL"
  else
    echo "FAIL pgsql: examples/pgsql/load-db failed"
    failed=$((failed + 1))
  fi
else
  skip pgsql LOGINREF_TEST_PGSQL
fi

if [ -n "${LOGINREF_TEST_MYSQL:-}" ]; then
  if examples/mysql/load-db "$LOGINREF_TEST_MYSQL"; then
    run_driver mysql "$LOGINREF_TEST_MYSQL"
  else
    echo "FAIL mysql: examples/mysql/load-db failed"
    failed=$((failed + 1))
  fi
else
  skip mysql LOGINREF_TEST_MYSQL
fi

echo "check_drivers: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]

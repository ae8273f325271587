#!/usr/bin/env bash
# loginref audit and diff on all three drivers: the example users
# (examples/{sqlite,pgsql,mysql}) must give the same JSON Lines on each,
# equal to the recorded tests/golden/fixtures/audit/expected-*.jsonl, with
# one connection and with --jobs 2.
#
#   tests/integration/audit_drivers.sh LOGINREF_BINARY [sqlite|pgsql|mysql...]
#
# pgsql and mysql need LOGINREF_TEST_PGSQL / LOGINREF_TEST_MYSQL
# (eval "$(scripts/lib/dbservers.sh start)"); this script loads the
# example table `users` into those databases. UPDATE_GOLDEN=1 rewrites the
# expected files from the sqlite run.
set -uo pipefail
[ $# -ge 1 ] || { echo "usage: $0 LOGINREF_BINARY [DRIVER...]" >&2; exit 2; }
loginref=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
drivers=("$@")
[ ${#drivers[@]} -gt 0 ] || drivers=(sqlite pgsql mysql)
expected=tests/golden/fixtures/audit
work=$(mktemp -d "${TMPDIR:-/tmp}/loginref-audit.XXXXXX")
trap 'rm -rf "$work"' EXIT
examples/sqlite/build-db

# A copy of an examples/audit config that uses `driver` and `connect`.
config_for() { # DRIVER CONNECT SOURCE-CONF
  sed -e "s|^driver = .*|driver = $1|" -e "s|^connect = .*|connect = $2|" "$3"
}
# Tempfail lines carry the time; the summary names the config file.
normalize() {
  sed -E -e 's/\[([^]:]*):[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\]/[\1:TIMESTAMP]/g' \
    -e 's/"source":"[^"]*"/"source":"SOURCE"/'
}

failed=0
check() { # NAME EXPECTED-FILE ACTUAL-FILE
  if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$3" "$2"
  fi
  if diff -u "$2" "$3" > "$work/diff"; then
    echo "ok   $1"
  else
    echo "FAIL $1"
    cat "$work/diff"
    failed=1
  fi
}

for driver in "${drivers[@]}"; do
  case $driver in
    sqlite) connect=examples/sqlite/users.db ;;
    pgsql)
      connect=${LOGINREF_TEST_PGSQL:?set LOGINREF_TEST_PGSQL (scripts/lib/dbservers.sh start)}
      examples/pgsql/load-db "$connect" ;;
    mysql)
      connect=${LOGINREF_TEST_MYSQL:?set LOGINREF_TEST_MYSQL (scripts/lib/dbservers.sh start)}
      examples/mysql/load-db "$connect" ;;
    *) echo "unknown driver $driver" >&2; exit 2 ;;
  esac
  config_for "$driver" "$connect" examples/audit/dovecot-sql.conf.ext > "$work/old.conf.ext"
  config_for "$driver" "$connect" examples/audit/migrated.conf.ext > "$work/new.conf.ext"
  for jobs in 1 2; do
    "$loginref" audit -c "$work/old.conf.ext" --json -q --hostname mail.example.com --jobs $jobs \
      > "$work/audit.jsonl" 2> /dev/null
    echo "exit $?" >> "$work/audit.jsonl"
    normalize < "$work/audit.jsonl" > "$work/audit.n"
    [ "$driver" = sqlite ] || [ "${UPDATE_GOLDEN:-0}" != 1 ] || continue
    check "audit $driver --jobs $jobs" "$expected/expected-audit.jsonl" "$work/audit.n"
    "$loginref" diff --old "$work/old.conf.ext" --new "$work/new.conf.ext" --json \
      --hostname mail.example.com --jobs $jobs > "$work/diff.jsonl" 2> /dev/null
    echo "exit $?" >> "$work/diff.jsonl"
    normalize < "$work/diff.jsonl" > "$work/diff.n"
    check "diff $driver --jobs $jobs" "$expected/expected-diff.jsonl" "$work/diff.n"
  done
done
exit $failed

#!/usr/bin/env bash
# The secret-leak test: no test password may appear in anything loginref
# prints, and a connect-string password given in argv must vanish from
# `ps` and /proc/PID/cmdline.
#
#   tests/hostile/secret_grep.sh LOGINREF_BINARY
#
# 1. Runs every golden case (tests/golden/cases/*) exactly as run_golden.sh
#    does and greps its stdout and stderr for every test password. The
#    secrets-show* cases use --show-secrets and must show them instead.
# 2. Starts loginref with --connect "... password=X" against a server that
#    never answers and reads its command line while it waits.
# Prints one line per failure, then "secrets: N passed, M failed".
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 LOGINREF_BINARY" >&2
  exit 2
fi
LOGINREF=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LOGINREF
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
golden=$repo/tests/golden
cd "$repo"
examples/sqlite/build-db

work=$(mktemp -d "${TMPDIR:-/tmp}/loginref-secrets.XXXXXX")
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

# Every password the test suites use: logins, password/pass columns, and
# connect strings (the integration servers' password included).
secrets=(
  "{PLAIN}secret" "{PLAIN}other" "'secret'" "=secret"
  golden-login-pw-42 golden-pass-col-93 golden-wrong-pw-17
  hostile-login-pw-71 connect-pw-57 loginref-test-pw ps-secret-pw-88
)

passed=0
failed=0
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}

# --- 1. Every output of the golden suite ----------------------------------------

for dir in "$golden"/cases/*/; do
  name=$(basename "$dir")
  mkdir -p "$work/home"
  env -i PATH="$PATH" HOME="$work/home" TZ=UTC LOGINREF="$LOGINREF" GOLDEN="$golden" \
    bash -c "$(cat "$dir/cmd")" > "$work/out" 2>&1 < /dev/null
  case $name in
    secrets-show*)
      # --show-secrets: the secrets are shown, and the warning says so.
      if grep -qF golden-login-pw-42 "$work/out" && grep -qF golden-pass-col-93 "$work/out" &&
        grep -qF "loginref: WARNING: --show-secrets" "$work/out"; then
        passed=$((passed + 1))
      else
        fail "$name: --show-secrets does not show the secrets with its warning"
      fi
      continue
      ;;
  esac
  ok=1
  for secret in "${secrets[@]}"; do
    if grep -aqF -- "$secret" "$work/out"; then
      fail "$name: output contains the test password '$secret'"
      ok=0
    fi
  done
  [ $ok = 1 ] && passed=$((passed + 1))
done

# --- 2. ps and /proc/PID/cmdline --------------------------------------------------

# A server that accepts and never answers, so loginref waits in connect.
port_file=$work/port
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])
' "$port_file" &
server_pid=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
port=$(cat "$port_file")
for driver in pgsql mysql; do
  "$LOGINREF" test --driver "$driver" --connect "host=127.0.0.1 port=$port user=u password=ps-secret-pw-88 dbname=d" \
    -u alice --timeout 3 > /dev/null 2>&1 &
  pid=$!
  sleep 1
  cmdline=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)
  ps_line=$(ps -o args= -p "$pid" 2>/dev/null)
  wait "$pid"
  if [ -z "$cmdline" ]; then
    fail "ps ($driver): loginref had already exited; cannot check its command line"
  elif [[ $cmdline == *ps-secret-pw-88* || $ps_line == *ps-secret-pw-88* ]]; then
    fail "ps ($driver): the connect password is visible: $ps_line"
  elif [[ $cmdline != *"password=***************"* ]]; then
    fail "ps ($driver): expected password=*** in the command line, got: $cmdline"
  else
    passed=$((passed + 1))
  fi
done

echo "secrets: $passed passed, $failed failed"
[ $failed -eq 0 ]

#!/usr/bin/env bash
# Checks that man/loginref.1 mentions everything loginref exposes:
#   - every option of `loginref --help` and `loginref test --help`,
#   - every subcommand,
#   - every -o setting name (from loginref's own error message),
#   - every JSON key of a report and of the error object (from real runs on
#     the example users of examples/sqlite, built in a temp directory),
#   - every warning code (Warning initialisers in src/core),
#   - every decision name (from loginref's --expect error message),
#   - every exit code of src/cli/exit_code.hpp (in EXIT STATUS),
# and that the page renders without groff warnings (when groff is there).
#
#   tests/golden/check_man.sh LOGINREF_BINARY
#
# Prints one line per failure, then "man: N passed, M failed"; exits 1 if
# anything is missing, 2 if the check itself cannot run.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 LOGINREF_BINARY" >&2
  exit 2
fi
if [ ! -x "$1" ] || [ -d "$1" ]; then
  echo "check_man: $1 is not an executable file" >&2
  exit 2
fi
LOGINREF=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
man_page=$repo/man/loginref.1

command -v python3 > /dev/null || { echo "check_man: python3 is required" >&2; exit 2; }
[ -r "$man_page" ] || { echo "check_man: cannot read $man_page" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/loginref-check-man.XXXXXX")
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() {
  failed=$((failed + 1))
  echo "FAIL $*"
}

# The man page as plain text: troff escapes for '-', quotes and fonts
# removed, so "\-\-password\-stdin" and "\fBjson\fR" are found as written.
python3 - "$man_page" > "$work/man.txt" << 'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for pattern, replacement in [
        (r"\\f(\[[^]]*\]|\(..|.)", ""),   # font changes
        (r"\\\(aq", "'"), (r"\\\(dq", '"'), (r"\\\(lq", '"'), (r"\\\(rq", '"'),
        (r"\\\(bu", "*"), (r"\\\(en", "-"), (r"\\\(em", "-"),
        (r"\\-", "-"), (r"\\&", ""), (r"\\:", ""), (r"\\%", ""), (r"\\\|", ""),
        (r"\\e", "\\\\"), (r"\\ ", " ")]:
    text = re.sub(pattern, replacement, text)
sys.stdout.write(text)
EOF

# mentioned WORD: the man page has WORD with no letter, digit, '_' or '-'
# right before or after it.
mentioned() {
  python3 - "$work/man.txt" "$1" << 'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
word = sys.argv[2]
sys.exit(0 if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text) else 1)
EOF
}

check_mentioned() { # check_mentioned KIND WORD
  if mentioned "$2"; then
    pass
  else
    fail "$1 '$2' is not in man/loginref.1"
  fi
}

# --- Options and subcommands ---------------------------------------------------

"$LOGINREF" --help > "$work/help.txt" 2>&1 || { echo "check_man: '$LOGINREF --help' failed" >&2; exit 2; }
"$LOGINREF" test --help > "$work/test-help.txt" 2>&1 ||
  { echo "check_man: '$LOGINREF test --help' failed" >&2; exit 2; }

# Option tokens at the start of CLI11's option lines: "-c,--config TEXT".
options=$(cat "$work/help.txt" "$work/test-help.txt" |
  grep -oE '^ +-[-a-zA-Z0-9,]+' | tr ',' '\n' | sed 's/^ *//' | grep -E '^-' | sort -u)
[ -n "$options" ] || { echo "check_man: no options found in --help" >&2; exit 2; }
for option in $options; do
  check_mentioned option "$option"
done

subcommands=$(sed -n '/^Subcommands:/,$p' "$work/help.txt" | grep -oE '^  [a-z][a-z0-9-]*' | sed 's/^ *//')
[ -n "$subcommands" ] || { echo "check_man: no subcommands found in --help" >&2; exit 2; }
for subcommand in $subcommands; do
  check_mentioned subcommand "$subcommand"
done

# --- -o settings -----------------------------------------------------------------

# An unknown name far from every real one lists them all:
# "-o NAME: unknown setting (known settings: a, b, ...)".
"$LOGINREF" test -u x -o zzzzzzzzzzzzzzzzzzzzzzzzzzzz=1 > /dev/null 2> "$work/settings.txt"
settings=$(grep -oE 'known settings: [^)]*' "$work/settings.txt" | sed 's/^known settings: //' | tr -d ',')
if [ -z "$settings" ]; then
  fail "-o settings: could not read them from loginref's error: $(cat "$work/settings.txt")"
fi
for setting in $settings; do
  check_mentioned "-o setting" "$setting"
done

# --- Decisions -------------------------------------------------------------------

# "--expect X: unknown decision (one of proxy, referral-suggest, ...)".
"$LOGINREF" test -u x --expect no-such-decision > /dev/null 2> "$work/decisions.txt"
decisions=$(grep -oE 'one of [^)]*' "$work/decisions.txt" | sed 's/^one of //' | tr -d ',')
if [ -z "$decisions" ]; then
  fail "decisions: could not read them from loginref's error: $(cat "$work/decisions.txt")"
fi
for decision in $decisions; do
  check_mentioned decision "$decision"
done

# --- JSON keys -------------------------------------------------------------------

# The example database is built in a temp copy of examples/sqlite, so the
# check writes nothing in the source tree (golden tests may run at the same
# time and rebuild users.db there).
mkdir -p "$work/examples/sqlite"
cp "$repo"/examples/sqlite/*.conf.ext "$work/examples/sqlite/"
python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2]).read())' \
  "$work/examples/sqlite/users.db" "$repo/examples/sqlite/schema.sql" ||
  { echo "check_man: cannot build the example database" >&2; exit 2; }

json_runs=0
run_json() { # run_json NAME PASSWORD ARGS...: a --json run whose output is kept
  local name=$1 password=$2
  shift 2
  (cd "$work" && printf '%s' "$password" |
    "$LOGINREF" test --json --hostname mail.example.com "$@" > "$work/json-$name.out" 2> /dev/null)
  json_runs=$((json_runs + 1))
}
config=examples/sqlite/dovecot-sql.conf.ext
# local, referral-require, referral-suggest (a warning), proxy, reject with a
# reason, tempfail, a wrong password (discarded fields), no password.
for user in alice bob carol dave erin twins; do
  run_json "$user" secret -c "$config" -u "$user@example.com" --password-stdin
done
run_json wrong-password wrong -c "$config" -u bob@example.com --password-stdin
run_json no-password '' -c "$config" -u frank@example.com
# The error object of a run that fails.
run_json error '' -c /nonexistent/dovecot-sql.conf.ext -u alice@example.com

# Every key, at any depth, except inside the objects that map the row's
# field names to values (those are the database's names, not loginref's).
if ! python3 - "$work"/json-*.out > "$work/keys.txt" << 'EOF'
import json, sys
DATA_OBJECTS = {"fields", "discarded_fields", "reply_fields"}
keys = set()
def walk(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            keys.add(key)
            if key not in DATA_OBJECTS:
                walk(inner)
    elif isinstance(value, list):
        for inner in value:
            walk(inner)
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            walk(json.load(f))
    except (OSError, ValueError) as e:
        print("check_man: %s: not JSON: %s" % (path, e), file=sys.stderr)
        sys.exit(1)
print("\n".join(sorted(keys)))
EOF
then
  echo "check_man: could not read loginref's JSON output" >&2
  exit 2
fi
[ -s "$work/keys.txt" ] || { echo "check_man: no JSON keys found ($json_runs runs)" >&2; exit 2; }
while read -r key; do
  check_mentioned "JSON key" "$key"
done < "$work/keys.txt"

# --- Warning codes ---------------------------------------------------------------

# Warning initialisers: warnings.push_back({"code", ...}), Warning{"code", ...}
# and emplace_back("code", ...), possibly over several lines.
python3 - "$repo/src/core" > "$work/warnings.txt" << 'EOF'
import os, re, sys
pattern = re.compile(
    r'(?:warnings\s*\.\s*(?:push_back|emplace_back)\s*\(\s*(?:Warning\s*)?\{?|Warning\s*\{)'
    r'\s*"([a-z][a-z0-9_]*)"\s*,')
codes = set()
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        if name.endswith((".cpp", ".hpp")):
            with open(os.path.join(root, name), encoding="utf-8") as f:
                codes.update(pattern.findall(f.read()))
print("\n".join(sorted(codes)))
EOF
[ -s "$work/warnings.txt" ] || { echo "check_man: no warning codes found in src/core" >&2; exit 2; }
while read -r code; do
  check_mentioned "warning code" "$code"
done < "$work/warnings.txt"

# --- Exit codes ------------------------------------------------------------------

# "  name = N," in enum class ExitCode; each N must head an entry of EXIT STATUS.
exit_codes=$(grep -oE '^\s*[a-z_]+\s*=\s*[0-9]+\s*,' "$repo/src/cli/exit_code.hpp" | grep -oE '[0-9]+')
[ -n "$exit_codes" ] || { echo "check_man: no exit codes in src/cli/exit_code.hpp" >&2; exit 2; }
python3 - "$man_page" > "$work/exit-status.txt" << 'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = re.search(r'^\.SH "?EXIT STATUS"?\s*$(.*?)(?=^\.SH )', text, re.M | re.S)
if section:
    # Entry heads: ".TP" then a line ".B N" or "N".
    for head in re.findall(r'^\.TP[^\n]*\n(?:\.B\s+)?(\d+)\s*$', section.group(1), re.M):
        print(head)
EOF
for code in $exit_codes; do
  if grep -qx "$code" "$work/exit-status.txt"; then
    pass
  else
    fail "exit code $code has no entry in EXIT STATUS of man/loginref.1"
  fi
done

# --- Rendering -------------------------------------------------------------------

if command -v groff > /dev/null; then
  if groff -man -Tutf8 -ww "$man_page" > /dev/null 2> "$work/groff.txt" && [ ! -s "$work/groff.txt" ]; then
    pass
  else
    fail "man/loginref.1 does not render cleanly: $(head -5 "$work/groff.txt")"
  fi
fi

echo "man: $passed passed, $failed failed"
[ $failed -eq 0 ]

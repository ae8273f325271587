#!/usr/bin/env bash
# Differential tests: loginref against a private Dovecot 2.3 (see README.md).
#
#   tests/differential/run.sh LOGINREF_BINARY [run_differential.py options...]
#
# Needs root and dovecot-core, dovecot-imapd, dovecot-sqlite (plus
# dovecot-pgsql / dovecot-mysql for --driver pgsql|mysql). Exits non-zero
# if any case fails.
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 LOGINREF_BINARY [--driver sqlite|pgsql|mysql] [--only NAME]..." >&2
    exit 2
fi
loginref=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec python3 "$here/run_differential.py" --loginref "$loginref" "$@"

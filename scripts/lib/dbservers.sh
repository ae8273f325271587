#!/usr/bin/env bash
# Starts and stops private PostgreSQL and MariaDB servers for loginref's
# integration tests (tests/integration), as root, on loopback and Unix
# sockets only, with their own data directories and fsync off.
#
#   eval "$(scripts/lib/dbservers.sh start)"   # prints export lines
#   scripts/lib/dbservers.sh env               # prints them again
#   scripts/lib/dbservers.sh stop              # works after a failed start too
#
# `start [pgsql] [mysql]` starts both by default. Both commands are
# idempotent. This script installs nothing: the caller installs postgresql
# and mariadb-server (Debian 12: PostgreSQL 15, MariaDB 10.11).
#
# Environment:
#   LOGINREF_DB_DIR       where data, sockets and logs go
#                         (default ${TMPDIR:-/tmp}/loginref-dbservers)
#   LOGINREF_PGSQL_PORT   default 55432
#   LOGINREF_MYSQL_PORT   default 53306
#
# Exported connect strings use Dovecot 2.3 syntax and a password-protected
# user (so the tests can check that passwords are never printed):
#   LOGINREF_TEST_PGSQL="host=<socket dir> port=... dbname=loginref_test user=loginref password=..."
#   LOGINREF_TEST_MYSQL="host=<socket path> dbname=loginref_test user=loginref password=..."
set -euo pipefail

db_dir=${LOGINREF_DB_DIR:-${TMPDIR:-/tmp}/loginref-dbservers}
pg_port=${LOGINREF_PGSQL_PORT:-55432}
my_port=${LOGINREF_MYSQL_PORT:-53306}
db_name=loginref_test
db_user=loginref
# A test-only password for a server that listens on loopback only.
db_password=loginref-test-pw

pg_dir=$db_dir/pgsql
my_dir=$db_dir/mysql
my_socket=$my_dir/run/mysqld.sock

log() { echo "dbservers: $*" >&2; }
die() { log "error: $*"; exit 1; }

pg_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [[ -n $dir && -x $dir/postgres ]] || die "PostgreSQL server not found (install the Debian package postgresql)"
  echo "$dir"
}

as_user() { # as_user USER COMMAND... (postgres and mariadbd refuse or dislike root)
  local user=$1
  shift
  setpriv --reuid="$user" --regid="$user" --init-groups -- "$@"
}

# --- PostgreSQL ---------------------------------------------------------------

pg_running() {
  [[ -f $pg_dir/data/postmaster.pid ]] && as_user postgres "$(pg_bindir)/pg_ctl" -D "$pg_dir/data" status >/dev/null 2>&1
}

pg_start() {
  local bin
  bin=$(pg_bindir)
  if pg_running; then
    log "PostgreSQL already running in $pg_dir"
    return
  fi
  mkdir -p "$pg_dir/run"
  if [[ ! -f $pg_dir/data/PG_VERSION ]]; then
    rm -rf "$pg_dir/data"
    mkdir -p "$pg_dir/data"
    chown -R postgres:postgres "$pg_dir"
    as_user postgres "$bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
      >"$pg_dir/initdb.log" 2>&1 || die "initdb failed, see $pg_dir/initdb.log"
    # The superuser may use the socket without a password (to set up);
    # everyone else needs one, so a wrong password is refused.
    cat >"$pg_dir/data/pg_hba.conf" <<HBA
local all postgres trust
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
HBA
  fi
  chown -R postgres:postgres "$pg_dir"
  as_user postgres "$bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 start -o \
    "-k $pg_dir/run -p $pg_port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || die "PostgreSQL did not start, see $pg_dir/postgres.log"
  as_user postgres "$bin/psql" -h "$pg_dir/run" -p "$pg_port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 <<SQL >/dev/null
SELECT 'CREATE ROLE $db_user LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$db_user') \gexec
ALTER ROLE $db_user PASSWORD '$db_password';
-- The differential tests make one scratch database per case.
ALTER ROLE $db_user CREATEDB;
SELECT 'CREATE DATABASE $db_name OWNER $db_user ENCODING ''UTF8''' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db_name') \gexec
SQL
  log "PostgreSQL running: socket $pg_dir/run, port $pg_port"
}

pg_stop() {
  [[ -d $pg_dir/data ]] || return 0
  if pg_running; then
    as_user postgres "$(pg_bindir)/pg_ctl" -D "$pg_dir/data" -m fast -w -t 60 stop >/dev/null || true
  fi
  # A server that died leaves a stale pid file; pg_ctl start copes with it.
  log "PostgreSQL stopped"
}

pg_dsn() { echo "host=$pg_dir/run port=$pg_port dbname=$db_name user=$db_user password=$db_password"; }

# --- MariaDB ------------------------------------------------------------------

my_pid() {
  local pid
  [[ -f $my_dir/mariadbd.pid ]] || return 1
  pid=$(cat "$my_dir/mariadbd.pid")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

my_admin() { mariadb-admin --no-defaults --socket="$my_socket" -u root "$@"; }

my_start() {
  command -v mariadbd >/dev/null || die "MariaDB server not found (install the Debian package mariadb-server)"
  if my_pid >/dev/null && my_admin ping >/dev/null 2>&1; then
    log "MariaDB already running in $my_dir"
    return
  fi
  mkdir -p "$my_dir/run"
  if [[ ! -d $my_dir/data/mysql ]]; then
    rm -rf "$my_dir/data"
    mkdir -p "$my_dir/data"
    chown -R mysql:mysql "$my_dir"
    mariadb-install-db --no-defaults --datadir="$my_dir/data" --user=mysql \
      --auth-root-authentication-method=socket --skip-test-db \
      >"$my_dir/install-db.log" 2>&1 || die "mariadb-install-db failed, see $my_dir/install-db.log"
  fi
  chown -R mysql:mysql "$my_dir"
  # setsid: the server must not die with the shell that started it.
  setsid mariadbd --no-defaults --datadir="$my_dir/data" --socket="$my_socket" \
    --port="$my_port" --bind-address=127.0.0.1 --user=mysql \
    --pid-file="$my_dir/mariadbd.pid" --log-error="$my_dir/mariadbd.log" \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --skip-name-resolve --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
    --sync-binlog=0 --innodb-flush-method=nosync </dev/null >/dev/null 2>&1 &
  local i
  for i in $(seq 1 120); do
    if my_admin ping >/dev/null 2>&1; then
      break
    fi
    sleep 0.25
  done
  my_admin ping >/dev/null 2>&1 || die "MariaDB did not start, see $my_dir/mariadbd.log"
  mariadb --no-defaults --socket="$my_socket" -u root <<SQL
CREATE DATABASE IF NOT EXISTS $db_name CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$db_user'@'localhost' IDENTIFIED BY '$db_password';
CREATE USER IF NOT EXISTS '$db_user'@'127.0.0.1' IDENTIFIED BY '$db_password';
GRANT ALL ON $db_name.* TO '$db_user'@'localhost';
GRANT ALL ON $db_name.* TO '$db_user'@'127.0.0.1';
-- The differential tests make one scratch database per case (ldt_*).
GRANT ALL ON \`ldt\\_%\`.* TO '$db_user'@'localhost';
GRANT ALL ON \`ldt\\_%\`.* TO '$db_user'@'127.0.0.1';
SQL
  log "MariaDB running: socket $my_socket, port $my_port"
}

my_stop() {
  local pid i
  if pid=$(my_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 120); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "MariaDB (pid $pid) ignored SIGTERM; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  [[ -d $my_dir ]] && log "MariaDB stopped"
  return 0
}

my_dsn() { echo "host=$my_socket dbname=$db_name user=$db_user password=$db_password"; }

# --- Commands -----------------------------------------------------------------

print_env() {
  local what
  for what in "$@"; do
    case $what in
      pgsql) echo "export LOGINREF_TEST_PGSQL='$(pg_dsn)'" ;;
      mysql) echo "export LOGINREF_TEST_MYSQL='$(my_dsn)'" ;;
    esac
  done
}

main() {
  [[ $# -ge 1 ]] || die "usage: $0 start|stop|env [pgsql] [mysql]"
  local command=$1
  shift
  local servers=("$@")
  [[ ${#servers[@]} -gt 0 ]] || servers=(pgsql mysql)
  local s
  for s in "${servers[@]}"; do
    [[ $s == pgsql || $s == mysql ]] || die "unknown server '$s' (pgsql or mysql)"
  done
  case $command in
    start)
      [[ $(id -u) -eq 0 ]] || die "run as root (the servers run as users postgres and mysql)"
      mkdir -p "$db_dir"
      chmod 755 "$db_dir"
      for s in "${servers[@]}"; do
        case $s in
          pgsql) pg_start ;;
          mysql) my_start ;;
        esac
      done
      print_env "${servers[@]}"
      ;;
    stop)
      # Keep going on errors: stop is what runs after a failure.
      set +e
      for s in "${servers[@]}"; do
        case $s in
          pgsql) pg_stop ;;
          mysql) my_stop ;;
        esac
      done
      return 0
      ;;
    env) print_env "${servers[@]}" ;;
    *) die "unknown command '$command' (start, stop or env)" ;;
  esac
}

main "$@"

# Shared by the scripts in scripts/ and bench/run. Source it; it sets
# `repo` (the repository root) and defines the helpers below.
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Debian 12 packages needed to build loginref.
build_packages="cmake g++ make pkg-config libcli11-dev nlohmann-json3-dev libsqlite3-dev \
sqlite3 libcrypt-dev libssl-dev libsodium-dev libpq-dev libmariadb-dev libgtest-dev libgmock-dev \
libyaml-cpp-dev"

# ... and to run every test: the database servers and a real Dovecot 2.3.
test_packages="postgresql mariadb-server dovecot-core dovecot-imapd dovecot-sqlite \
dovecot-pgsql dovecot-mysql python3 clang libclang-rt-14-dev clang-format clang-tidy"

say() { printf '==> %s\n' "$*"; }

# install_packages PKG...: apt-get installs the ones that are missing.
install_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]}" >&2
    echo "run as root, or: sudo apt-get install ${missing[*]}" >&2
    return 1
  fi
  say "installing ${missing[*]}"
  # policy-rc.d keeps apt from starting the distribution's own services
  # (PostgreSQL, MariaDB, Dovecot): the tests start private instances.
  local policy=/usr/sbin/policy-rc.d created=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      > /tmp/loginref-apt.log 2>&1 || { tail -20 /tmp/loginref-apt.log >&2; return 1; }
  [ $created -eq 1 ] && rm -f "$policy"
  return 0
}

# build_loginref DIR [cmake args...]: configures and builds into DIR.
build_loginref() {
  local dir=$1; shift
  cmake -S "$repo" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > "$dir.cmake.log" 2>&1 ||
    { cat "$dir.cmake.log" >&2; return 1; }
  cmake --build "$dir" -j"$(nproc)"
}

#!/usr/bin/env python3
"""Differential tests: loginref against a private, real Dovecot 2.3.

For every scenario in cases.py this script
  1. builds the database and a dovecot-sql.conf.ext in a temp dir,
  2. starts a private Dovecot on a loopback port (plus a backend Dovecot for
     proxy cases), sends `a1 LOGIN user pass` and records the tagged line,
  3. runs `loginref test ... --json` for the same login and compares its
     "response" with Dovecot's line (byte for byte; only the timestamp of a
     tempfail line is templated) and its "decision" with the case's.

Python 3 standard library only. Usage: see --help and README.md.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True     # no __pycache__ in the source tree
import cases as catalogue  # noqa: E402

DECISIONS = {"proxy", "referral-suggest", "referral-require", "local",
             "reject", "tempfail"}
TAG = "a1"
LOGIN_TIMEOUT = 20.0      # failures arrive after ~2 s; proxying may take longer
START_TIMEOUT = 10.0
TEMPFAIL_STAMP = re.compile(rb"\[([^\[\]]*):\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\]$")


class HarnessError(Exception):
    """A problem with the test set-up itself (not a loginref mismatch)."""


# ---------------------------------------------------------------- ports ----

_port_lock = threading.Lock()
_ports_used = set()


def free_port():
    """A loopback TCP port nobody listens on, never handed out twice."""
    with _port_lock:
        for _ in range(100):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            if port not in _ports_used:
                _ports_used.add(port)
                return port
    raise HarnessError("no free port")


# ------------------------------------------------------------- databases ----

def sql_literal(value, driver):
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    text = str(value).replace("'", "''")
    if driver == "mysql":
        text = text.replace("\\", "\\\\")
    return "'" + text + "'"


def quote_ident(name, driver):
    return "`%s`" % name if driver == "mysql" else '"%s"' % name


def schema_sql(case, driver, subst):
    """CREATE TABLE users + INSERTs for the case's rows, as a list of statements."""
    columns = []
    for row in case["rows"]:
        for col in row:
            if col not in columns:
                columns.append(col)
    types = case.get("types", {})
    defs = ", ".join("%s %s" % (quote_ident(c, driver), types.get(c, "TEXT"))
                     for c in columns)
    stmts = ["CREATE TABLE users (%s)" % defs]
    for row in case["rows"]:
        values = []
        for c in columns:
            v = row.get(c)
            values.append(sql_literal(subst(v) if isinstance(v, str) else v, driver))
        stmts.append("INSERT INTO users (%s) VALUES (%s)" % (
            ", ".join(quote_ident(c, driver) for c in columns), ", ".join(values)))
    return stmts


def parse_connect(connect):
    """Dovecot-style 'k=v k=v' connect string -> dict (no quoting support)."""
    out = {}
    for tok in connect.split():
        key, _, value = tok.partition("=")
        out[key] = value
    return out


def replace_dbname(connect, dbname):
    toks = [t for t in connect.split() if not t.startswith("dbname=")]
    return " ".join(toks + ["dbname=" + dbname])


class Database:
    """The per-case database; `connect` is what goes into dovecot-sql.conf.ext."""

    def __init__(self, driver, workdir, name):
        self.driver = driver
        self.workdir = workdir
        self.name = name          # unique per case
        self.connect = None
        self.created = False

    def create(self, statements):
        if self.driver == "sqlite":
            path = os.path.join(self.workdir, "users.db")
            con = sqlite3.connect(path)
            try:
                for st in statements:
                    con.execute(st)
                con.commit()
            finally:
                con.close()
            os.chmod(path, 0o644)
            self.connect = path
        elif self.driver == "pgsql":
            base = os.environ.get("LOGINREF_TEST_PGSQL")
            if not base:
                raise HarnessError("set LOGINREF_TEST_PGSQL for --driver pgsql")
            self._psql(base, ['CREATE DATABASE "%s"' % self.name])
            self.created = True
            self.connect = replace_dbname(base, self.name)
            self._psql(self.connect, statements)
        elif self.driver == "mysql":
            base = os.environ.get("LOGINREF_TEST_MYSQL")
            if not base:
                raise HarnessError("set LOGINREF_TEST_MYSQL for --driver mysql")
            self._mysql(base, None, ["CREATE DATABASE `%s` CHARACTER SET utf8mb4" % self.name])
            self.created = True
            self.connect = replace_dbname(base, self.name)
            self._mysql(base, self.name, statements)
        else:
            raise HarnessError("unknown driver " + self.driver)

    def drop(self):
        if not self.created:
            return
        if self.driver == "pgsql":
            self._psql(os.environ["LOGINREF_TEST_PGSQL"],
                       ['DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % self.name])
        elif self.driver == "mysql":
            self._mysql(os.environ["LOGINREF_TEST_MYSQL"], None,
                        ["DROP DATABASE IF EXISTS `%s`" % self.name])

    @staticmethod
    def _run(argv, statements):
        sql = "".join(st + ";\n" for st in statements)
        p = subprocess.run(argv, input=sql.encode(), capture_output=True, timeout=60)
        if p.returncode != 0:
            raise HarnessError("%s failed: %s" % (argv[0], p.stderr.decode(errors="replace")))

    def _psql(self, conninfo, statements):
        # libpq accepts Dovecot's pgsql connect string as a conninfo string.
        for st in statements:   # CREATE/DROP DATABASE can't run in a transaction block
            self._run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", conninfo], [st])

    def _mysql(self, connect, dbname, statements):
        kv = parse_connect(connect)
        argv = ["mariadb", "--no-defaults", "--batch", "--default-character-set=utf8mb4"]
        host = kv.get("host") or kv.get("hostaddr")
        if host and host.startswith("/"):
            argv.append("--socket=" + host)
        elif host:
            argv.append("--host=" + host)
        if "port" in kv:
            argv.append("--port=" + kv["port"])
        if "user" in kv:
            argv.append("--user=" + kv["user"])
        if "password" in kv:
            argv.append("--password=" + kv["password"])
        if dbname:
            argv.append(dbname)
        self._run(argv, statements)


# --------------------------------------------------------------- dovecot ----

class Dovecot:
    """One private Dovecot master (`dovecot -F -c CONF`) in `workdir`."""

    def __init__(self, workdir, label, port, passdb, extra_conf=None, env=None,
                 conf_tail=""):
        self.workdir = workdir
        self.label = label
        self.port = port
        self.proc = None
        self.log_path = os.path.join(workdir, "log", "dovecot.log")
        self.env = dict(os.environ)
        self.env.update(env or {})
        for sub in ("run", "state", "log", "home"):
            os.makedirs(os.path.join(workdir, sub), mode=0o755, exist_ok=True)
        os.chown(os.path.join(workdir, "home"), 65534, 65534)
        extra = "".join("%s = %s\n" % (k, v)
                        for k, v in (extra_conf or {}).items())
        self.conf_path = os.path.join(workdir, "dovecot.conf")
        write_file(self.conf_path, DOVECOT_CONF.format(
            dir=workdir, instance="loginref-diff-%s-%d" % (label, port),
            port=port, passdb=passdb, extra=extra) + conf_tail)

    def start(self):
        self.proc = subprocess.Popen(
            ["dovecot", "-F", "-c", self.conf_path], env=self.env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.workdir, "log", "stderr"), "wb"),
            start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError("dovecot (%s) exited %s: %s" % (
                    self.label, self.proc.returncode, self.tail_logs()))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise HarnessError("dovecot (%s) did not listen on %d" % (self.label, self.port))

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        # The master's children share its session id: make sure none survive.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self.proc = None

    def tail_logs(self, limit=4000):
        text = ""
        for name in ("stderr", "dovecot.log"):
            try:
                with open(os.path.join(self.workdir, "log", name), "rb") as f:
                    text += f.read().decode(errors="replace")
            except OSError:
                pass
        return text[-limit:]


DOVECOT_CONF = """\
# Private instance for loginref's differential tests.
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = {instance}
log_path = {dir}/log/dovecot.log
info_log_path = {dir}/log/dovecot.log
debug_log_path = {dir}/log/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_verbose = yes
auth_debug = yes
mail_location = maildir:~/Maildir
{extra}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{passdb}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={dir}/home
}}
"""


def write_file(path, text, mode=0o644):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(path, mode)


# ------------------------------------------------------------- IMAP client ----

class LineReader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def line(self, deadline):
        """The next line up to CRLF (a reason may contain a bare LF)."""
        while b"\r\n" not in self.buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HarnessError("timeout waiting for a line (have %r)" % self.buf)
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise HarnessError("timeout waiting for a line (have %r)" % self.buf)
            if not chunk:
                raise HarnessError("connection closed (have %r)" % self.buf)
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b"\r\n")
        return line


def needs_literal(data):
    return any(b in b'"\\\r\n\0' or b >= 0x80 for b in data)


def imap_login(port, user, password):
    """Sends `a1 LOGIN` and returns (tagged line without CRLF, untagged lines,
    seconds from sending the command to the tagged line, client port)."""
    deadline = time.monotonic() + LOGIN_TIMEOUT
    with socket.create_connection(("127.0.0.1", port), timeout=LOGIN_TIMEOUT) as sock:
        client_port = sock.getsockname()[1]
        reader = LineReader(sock)
        greeting = reader.line(deadline)
        if not greeting.startswith(b"* OK"):
            raise HarnessError("unexpected greeting %r" % greeting)
        untagged = []
        pending = (TAG + " LOGIN").encode()
        started = time.monotonic()
        for arg in (user.encode("utf-8"), password.encode("utf-8")):
            if needs_literal(arg):
                sock.sendall(pending + b" {%d}\r\n" % len(arg))
                cont = reader.line(deadline)
                if not cont.startswith(b"+"):
                    return cont, untagged, time.monotonic() - started, client_port
                pending = arg
            else:
                pending += b' "' + arg + b'"'
        sock.sendall(pending + b"\r\n")
        while True:
            line = reader.line(deadline)
            if line.startswith(TAG.encode() + b" "):
                elapsed = time.monotonic() - started
                return line, untagged, elapsed, client_port
            untagged.append(line)


# ----------------------------------------------------------------- loginref ----

def run_loginref(binary, conf, case, port, client_port, hostname):
    password = case.get("password", catalogue.PASSWORD)
    # loginref strips one trailing newline from --password-stdin; add one so a
    # password that itself ends in a newline survives.
    stdin = password + "\n" if password.endswith("\n") else password
    argv = [binary, "test", "--config", conf, "--user", case.get("user", "alice"),
            "--password-stdin", "--json", "--tag", TAG,
            "--remote-ip", "127.0.0.1", "--local-ip", "127.0.0.1",
            "--local-port", str(port), "--remote-port", str(client_port),
            "--hostname", hostname]
    for key, value in case.get("dovecot_conf", {}).items():
        argv += ["-o", "%s=%s" % (key, value)]
    p = subprocess.run(argv, input=stdin.encode("utf-8"), capture_output=True, timeout=60)
    try:
        doc = json.loads(p.stdout.decode("utf-8"))
        return doc.get("response"), doc.get("decision"), p
    except (ValueError, UnicodeDecodeError):
        return None, None, p


def line_fits_decision(line, decision):
    """A coarse check of the catalogue itself: could Dovecot's `line` belong
    to `decision`? (A proxy's line is the backend's: anything goes.)"""
    # loginref calls both UNAVAILABLE lines tempfail: the auth one and
    # imap-login's "Account is temporarily unavailable." (proxy cannot start).
    tempfail = b"a1 NO [UNAVAILABLE] " in line
    if decision in ("local", "referral-suggest"):
        return line.startswith(b"a1 OK ")
    if decision == "referral-require":
        return line.startswith(b"a1 NO [REFERRAL ")
    if decision == "tempfail":
        return tempfail
    if decision == "reject":
        return line.startswith(b"a1 NO ") and not tempfail and b"[REFERRAL " not in line
    return True


def template_stamp(line):
    return TEMPFAIL_STAMP.sub(rb"[\1:YYYY-MM-DD HH:MM:SS]", line)


# ------------------------------------------------------------------ one case ----

class Result:
    def __init__(self, case):
        self.case = case
        self.name = case["name"]
        self.ok = False
        self.dovecot = None       # bytes
        self.untagged = []
        self.delay = None
        self.loginref = None      # bytes
        self.decision = None
        self.problems = []
        self.expect = case["expect"]
        self.workdir = None


def run_case(case, opts, index):
    res = Result(case)
    res.expect = case.get("expect_by_driver", {}).get(opts.driver, case["expect"])
    workdir = tempfile.mkdtemp(prefix="ldt-%s-" % case["name"][:20])
    os.chmod(workdir, 0o755)
    instances = []
    db = None
    try:
        port = free_port()
        backend_port = free_port() if case.get("backend") else None
        dead_port = free_port()

        def subst(text):
            text = text.replace("@PORT@", str(port)).replace("@DEAD_PORT@", str(dead_port))
            if backend_port is not None:
                text = text.replace("@BACKEND_PORT@", str(backend_port))
            return text

        if backend_port is not None:
            bdir = os.path.join(workdir, "backend")
            os.makedirs(bdir, mode=0o755)
            backend = Dovecot(bdir, "b%d" % index, backend_port,
                              "passdb {\n  driver = static\n  args = nopassword=y\n}",
                              conf_tail=opts.conf_tail)
            instances.append(backend)
            backend.start()

        db = Database(opts.driver, workdir, "ldt_%d_%d" % (os.getpid(), index))
        db.create(schema_sql(case, opts.driver, subst))
        sql_conf = os.path.join(workdir, "dovecot-sql.conf.ext")
        lines = ["driver = %s" % opts.driver, "connect = %s" % db.connect,
                 "password_query = %s" % subst(case.get("query", catalogue.DEFAULT_QUERY))]
        lines += ["%s = %s" % kv for kv in case.get("sql_conf", {}).items()]
        write_file(sql_conf, "\n".join(lines) + "\n")

        env = case.get("env", {})
        front = Dovecot(workdir, "f%d" % index, port,
                        "passdb {\n  driver = sql\n  args = %s\n}" % sql_conf,
                        case.get("dovecot_conf"), env, opts.conf_tail)
        instances.append(front)
        front.start()
        res.dovecot, res.untagged, res.delay, client_port = imap_login(
            port, case.get("user", "alice"), case.get("password", catalogue.PASSWORD))
        for inst in reversed(instances):
            inst.stop()
        if not line_fits_decision(res.dovecot, res.expect):
            res.problems.append("catalogue: Dovecot's line does not look like %r" % res.expect)

        if opts.record:
            res.ok = not res.problems
            return res

        hostname = env.get("DOVECOT_HOSTNAME", socket.gethostname())
        response, res.decision, proc = run_loginref(
            opts.loginref, sql_conf, case, port, client_port, hostname)
        if response is None:
            res.problems.append("loginref gave no JSON response (exit %d): stdout=%r stderr=%r"
                                % (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:]))
        else:
            res.loginref = response.encode("utf-8", errors="surrogateescape")
            if case.get("backend_dependent"):
                # loginref cannot see the backend: it predicts the line of a
                # backend that accepts the login (a Dovecot 2.3.19 like this one).
                if not res.loginref.startswith(b"a1 OK [CAPABILITY "):
                    res.problems.append("loginref's proxy line is not the backend's OK line")
            elif template_stamp(res.loginref) != template_stamp(res.dovecot):
                res.problems.append("response differs")
        if res.decision != res.expect:
            res.problems.append("decision %r, expected %r" % (res.decision, res.expect))
        res.ok = not res.problems
    except (HarnessError, OSError, subprocess.SubprocessError, sqlite3.Error) as e:
        res.problems.append("harness: %s" % e)
        for inst in instances:
            res.problems.append("log of %s:\n%s" % (inst.label, inst.tail_logs(1500)))
    finally:
        for inst in reversed(instances):
            inst.stop()
        if db is not None and not opts.keep:
            try:
                db.drop()
            except (HarnessError, subprocess.SubprocessError) as e:
                res.problems.append("harness: drop database: %s" % e)
                res.ok = False
        res.workdir = workdir
        if not opts.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return res


# -------------------------------------------------------------------- main ----

def check_catalogue(cases):
    seen = set()
    for c in cases:
        if c["name"] in seen:
            raise SystemExit("duplicate case name " + c["name"])
        seen.add(c["name"])
        if c["expect"] not in DECISIONS:
            raise SystemExit("%s: unknown expected decision %r" % (c["name"], c["expect"]))


def report(res, opts):
    if opts.record:
        extra = "".join("\n    untagged %r" % u for u in res.untagged)
        if res.dovecot is None:
            return "FAIL %s\n    %s" % (res.name, "\n    ".join(res.problems))
        return "%s %s  expect=%s  delay=%.2fs\n    %r%s%s" % (
            "RECORD" if res.ok else "FAIL", res.name, res.expect, res.delay,
            res.dovecot, extra, "".join("\n    " + p for p in res.problems))
    if res.ok:
        return "PASS %s%s" % (res.name, "  (kept %s)" % res.workdir if opts.keep else "")
    out = ["FAIL %s%s" % (res.name, "  (kept %s)" % res.workdir if opts.keep else "")]
    out += ["    " + p for p in res.problems]
    out.append("    dovecot : %r" % res.dovecot)
    out.append("    loginref: %r  (decision %r, expected %r)"
               % (res.loginref, res.decision, res.expect))
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loginref", default=os.environ.get("LOGINREF_BIN"),
                    help="path of the loginref binary (default $LOGINREF_BIN)")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="run only this case (repeatable; a trailing * matches a prefix)")
    ap.add_argument("--keep", action="store_true", help="keep the temp dirs")
    ap.add_argument("--record", action="store_true",
                    help="Dovecot only: print the lines it sends, no loginref")
    ap.add_argument("--driver", choices=("sqlite", "pgsql", "mysql"), default="sqlite")
    ap.add_argument("--jobs", "-j", type=int, default=6)
    ap.add_argument("--dovecot-conf-extra", metavar="FILE",
                    help="append FILE to every private dovecot.conf (e.g. Debian's "
                         "/etc/dovecot/conf.d/15-mailboxes.conf)")
    opts = ap.parse_args()
    opts.conf_tail = ""
    if opts.dovecot_conf_extra:
        with open(opts.dovecot_conf_extra, encoding="utf-8") as f:
            opts.conf_tail = "\n# --dovecot-conf-extra %s\n%s" % (opts.dovecot_conf_extra, f.read())

    if os.geteuid() != 0:
        raise SystemExit("run as root: each case starts its own Dovecot master")
    if shutil.which("dovecot") is None:
        raise SystemExit("dovecot not found (apt-get install dovecot-core dovecot-imapd dovecot-sqlite)")
    if not opts.record:
        if not opts.loginref or not os.access(opts.loginref, os.X_OK):
            raise SystemExit("loginref binary not found: pass --loginref PATH (or --record)")
        opts.loginref = os.path.abspath(opts.loginref)
        # Run a private copy: a rebuild during the run must not change the
        # binary under test (or make it briefly unexecutable).
        # The pgsql/mysql drivers are modules loaded from the binary's directory.
        bindir = tempfile.mkdtemp(prefix="ldt-bin-")
        shutil.copy2(opts.loginref, os.path.join(bindir, "loginref"))
        srcdir = os.path.dirname(opts.loginref)
        for name in os.listdir(srcdir):
            if name.startswith("loginref_driver_") and name.endswith(".so"):
                shutil.copy2(os.path.join(srcdir, name), bindir)
        opts.loginref_dir = bindir
        opts.loginref = os.path.join(bindir, "loginref")

    env_name = {"pgsql": "LOGINREF_TEST_PGSQL", "mysql": "LOGINREF_TEST_MYSQL"}.get(opts.driver)
    if env_name and not os.environ.get(env_name):
        raise SystemExit("--driver %s needs %s (a Dovecot-style connect string)"
                         % (opts.driver, env_name))

    cases = catalogue.CASES
    check_catalogue(cases)
    if opts.only:
        def wanted(name):
            return any(name == o or (o.endswith("*") and name.startswith(o[:-1]))
                       for o in opts.only)
        cases = [c for c in cases if wanted(c["name"])]
        if not cases:
            raise SystemExit("no case matches --only")

    passed = failed = 0
    results = []
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=opts.jobs) as pool:
            futures = [pool.submit(run_case, c, opts, i) for i, c in enumerate(cases)]
            for fut in concurrent.futures.as_completed(futures):
                res = fut.result()
                results.append(res)
                if not opts.record:     # a recording is printed in catalogue order
                    print(report(res, opts), flush=True)
                if res.ok:
                    passed += 1
                else:
                    failed += 1
    finally:
        if getattr(opts, "loginref_dir", None):
            shutil.rmtree(opts.loginref_dir, ignore_errors=True)
    if opts.record:
        order = {c["name"]: i for i, c in enumerate(cases)}
        for res in sorted(results, key=lambda r: order[r.name]):
            print(report(res, opts))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

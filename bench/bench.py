#!/usr/bin/env python3
"""loginref audit benchmark (run through bench/run, which starts the servers).

Measures, side by side in one run, for each driver:
  floor    one bulk SELECT of every row the password_query reads, with the
           database's own client (sqlite3, psql, mariadb), output discarded
  queries  every user's own password_query text (as Dovecot and loginref
           send it: the values expanded into the text) run by the same
           client, 256 statements per message where the protocol allows
           (psql: one simple-query message; mariadb: multi-statements;
           sqlite3: one statement after the other): what the database
           needs just to answer one distinct query per user
  audit    `loginref audit` over every user (iterate_query), 1 and 2 jobs
  doveadm  `doveadm auth lookup` against a private Dovecot 2.3, fed the
           users in batches of --batch names per process (a sample of
           --doveadm-users users; the per-user cost is what is compared)
and for SQLite also the peak memory of a --big user audit (max RSS from
/usr/bin/time -v) and one `loginref test` against `sqlite3 DB "SELECT..."`
and one `doveadm auth lookup`. Prints medians and the ratios the targets
are stated in.
"""
import argparse
import os
import re
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import time

COLUMNS = "userid, password, host, port, destuser, nologin, proxy, proxy_maybe, reason"
PASSWORD_QUERY = ("SELECT userid AS user, password, host, port, destuser, nologin, proxy, "
                  "proxy_maybe, reason FROM bench_users WHERE userid = '%u'")
ITERATE_QUERY = "SELECT userid AS user FROM bench_users"

# The mix of rows: local, referral-require, referral-suggest, proxy, reject.
def row_sql(i, driver):
    """SQL expressions for one generated row, from the integer expression i."""
    if driver == "sqlite":
        name = "printf('user%%07d@example.com', %s)" % i
    elif driver == "pgsql":
        name = "'user' || lpad(%s::text, 7, '0') || '@example.com'" % i
    else:
        name = "concat('user', lpad(%s, 7, '0'), '@example.com')" % i
    m = "(%s %% 10)" % i
    return ", ".join([
        name,
        "'{PLAIN}secret'",
        # Referral hosts by name; proxy hosts by IP (a name would be resolved,
        # by Dovecot and loginref alike, and this machine has no DNS).
        ("CASE WHEN %s IN (1, 2) THEN 'imap' || (%s %% 3) || '.example.com' "
         "WHEN %s = 3 THEN '192.0.2.' || (%s %% 250 + 1) END" % (m, i, m, i))
        if driver != "mysql" else
        ("CASE WHEN %s IN (1, 2) THEN concat('imap', %s %% 3, '.example.com') "
         "WHEN %s = 3 THEN concat('192.0.2.', %s %% 250 + 1) END" % (m, i, m, i)),
        "NULL", "NULL",
        "CASE WHEN %s IN (1, 4) THEN 'Y' END" % m,
        "CASE WHEN %s = 3 THEN 'Y' END" % m,
        "NULL", "NULL"])

SCHEMA = ("CREATE TABLE bench_users (userid VARCHAR(64) PRIMARY KEY, password VARCHAR(128), "
          "host VARCHAR(64), port INTEGER, destuser VARCHAR(64), nologin VARCHAR(4), "
          "proxy VARCHAR(4), proxy_maybe VARCHAR(4), reason VARCHAR(128))")


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def run(argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def timed(argv, stdin=None, env=None):
    """Seconds `argv` runs; `stdin` is a path to feed it, or None."""
    with open(stdin or os.devnull, "rb") as feed:
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       stdin=feed, env=env)
        return time.perf_counter() - start


def server_pid(driver):
    """pid of the PostgreSQL postmaster or of mariadbd (scripts/lib/dbservers.sh)."""
    db_dir = os.environ["LOGINREF_DB_DIR"]
    if driver == "pgsql":
        with open(os.path.join(db_dir, "pgsql", "data", "postmaster.pid")) as f:
            return int(f.readline())
    with open(os.path.join(db_dir, "mysql", "mariadbd.pid")) as f:
        return int(f.read())


def process_cpu(pid):
    """CPU seconds of a process, with its children that have exited and been
    waited for (PostgreSQL's backends, one per connection)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_split(runs, argv, driver, stdin=None, env=None):
    """(client CPU s, server CPU s) of `argv`, medians of `runs`."""
    splits = [cpu_split_once(argv, driver, stdin=stdin, env=env) for _ in range(runs)]
    return (statistics.median(c for c, _ in splits), statistics.median(s for _, s in splits))


def cpu_split_once(argv, driver, stdin=None, env=None):
    """(client CPU s, server CPU s) of one run of `argv`: where the time goes."""
    pid = server_pid(driver)
    server_before = process_cpu(pid)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    timed(argv, stdin=stdin, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    time.sleep(0.5)  # the postmaster reaps the backend that served the run
    client = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return client, process_cpu(pid) - server_before


def median_of(runs, fn):
    return statistics.median(fn() for _ in range(runs))


def medians_interleaved(runs, fns):
    """The median of each of `fns`, run in turn `runs` times: a passing
    disturbance of the machine then hits every one of them alike."""
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, seen in zip(fns, times):
            seen.append(fn())
    return [statistics.median(seen) for seen in times]


def parse_connect(connect):
    return dict(tok.split("=", 1) for tok in connect.split() if "=" in tok)


class Db:
    def __init__(self, driver, work):
        self.driver = driver
        self.work = work
        if driver == "sqlite":
            self.path = os.path.join(work, "bench.db")
            self.connect = self.path
        elif driver == "pgsql":
            self.connect = os.environ["LOGINREF_TEST_PGSQL"]
        else:
            self.connect = os.environ["LOGINREF_TEST_MYSQL"]

    def client(self, sql):
        """argv that runs `sql` with the database's own client, rows as text."""
        if self.driver == "sqlite":
            return ["sqlite3", self.path, sql]
        if self.driver == "pgsql":
            return ["psql", "-X", "-q", "-A", "-t", self.connect, "-c", sql]
        c = parse_connect(self.connect)
        return ["mariadb", "--no-defaults", "--batch", "-S", c["host"], "-u", c["user"],
                "-p" + c["password"], c["dbname"], "-e", sql]

    def per_user_queries(self, users):
        """argv and stdin path that run every user's password_query text."""
        path = os.path.join(self.work, "%s-queries.sql" % self.driver)
        texts = [PASSWORD_QUERY.replace("%u", "user%07d@example.com" % i)
                 for i in range(1, users + 1)]
        with open(path, "w") as f:
            if self.driver == "sqlite":
                f.write("".join(t + ";\n" for t in texts))
            elif self.driver == "pgsql":
                # "\;" keeps psql from splitting: one Query message per 256.
                for at in range(0, len(texts), 256):
                    f.write(" \\;\n".join(texts[at:at + 256]) + ";\n")
            else:
                # With another delimiter the client sends the 256 statements
                # as one multi-statement query.
                f.write("DELIMITER //\n")
                for at in range(0, len(texts), 256):
                    f.write(";\n".join(texts[at:at + 256]) + "//\n")
        if self.driver == "sqlite":
            return ["sqlite3", self.path], path
        if self.driver == "pgsql":
            return ["psql", "-X", "-q", "-A", "-t", self.connect, "-f", path], None
        c = parse_connect(self.connect)
        return ["mariadb", "--no-defaults", "--batch", "-S", c["host"], "-u", c["user"],
                "-p" + c["password"], c["dbname"]], path

    def load(self, users, path=None):
        if self.driver == "sqlite":
            path = path or self.path
            if os.path.exists(path):
                os.unlink(path)
            sql = (SCHEMA + ";\nWITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                   "WHERE i < %d) INSERT INTO bench_users SELECT %s FROM n;\n"
                   % (users, row_sql("i", "sqlite")))
            run(["sqlite3", path], input=sql.encode())
            os.chmod(path, 0o644)
            return
        if self.driver == "pgsql":
            sql = ("DROP TABLE IF EXISTS bench_users; " + SCHEMA + "; INSERT INTO bench_users "
                   "SELECT %s FROM generate_series(1, %d) AS g(i); ANALYZE bench_users;"
                   % (row_sql("i", "pgsql"), users))
        else:
            sql = ("DROP TABLE IF EXISTS bench_users; " + SCHEMA + "; INSERT INTO bench_users "
                   "SELECT %s FROM seq_1_to_%d AS s; ANALYZE TABLE bench_users;"
                   % (row_sql("s.seq", "mysql"), users))
        run(self.client(sql), stdout=subprocess.DEVNULL)
        if self.driver == "pgsql":
            # Vacuumed now, so that autovacuum does not wake up for the new
            # rows in the middle of a measurement (PostgreSQL 13+ vacuums
            # after inserts too). VACUUM runs outside a transaction: alone.
            run(self.client("VACUUM bench_users"), stdout=subprocess.DEVNULL)

    def config(self, name, connect=None):
        path = os.path.join(self.work, "%s-%s.conf.ext" % (self.driver, name))
        with open(path, "w") as f:
            f.write("driver = %s\nconnect = %s\npassword_query = %s\niterate_query = %s\n"
                    % (self.driver, connect or self.connect, PASSWORD_QUERY, ITERATE_QUERY))
        os.chmod(path, 0o644)
        return path


DOVECOT_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {dir}/run
state_dir = {dir}/state
instance_name = loginref-bench-{name}
log_path = {dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
passdb {{
  driver = sql
  args = {sqlconf}
}}
userdb {{
  driver = static
  args = uid=65534 gid=65534 home={dir}/home
}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, work, name, sqlconf):
        self.dir = os.path.join(work, "dovecot-" + name)
        for sub in ("run", "state", "home"):
            os.makedirs(os.path.join(self.dir, sub), mode=0o755, exist_ok=True)
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self.conf = os.path.join(self.dir, "dovecot.conf")
        with open(self.conf, "w") as f:
            f.write(DOVECOT_CONF.format(dir=self.dir, name=name, port=self.port, sqlconf=sqlconf))
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(["dovecot", "-F", "-c", self.conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        else:
            raise RuntimeError("dovecot did not start (%s)" % self.conf)
        # The auth process starts on first use: one lookup warms it up.
        self.lookup(["user0000001@example.com"])
        return self

    def lookup(self, users):
        return subprocess.run(["doveadm", "-c", self.conf, "auth", "lookup"] + users,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def users_list(n, total):
    step = max(1, total // n)
    return ["user%07d@example.com" % (1 + (i * step) % total) for i in range(n)]


def max_rss_kib(argv):
    out = subprocess.run(["/usr/bin/time", "-v"] + argv, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", out).group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loginref", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--users", type=int, default=100000)
    ap.add_argument("--big", type=int, default=1000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--singles", type=int, default=21)
    ap.add_argument("--doveadm-users", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--drivers", default="sqlite,pgsql,mysql")
    opts = ap.parse_args()
    lr = opts.loginref
    env = dict(os.environ, LOGINREF_DRIVER_DIR=os.path.dirname(lr))
    results = []
    lines = []

    def out(line=""):
        lines.append(line)
        print(line, flush=True)

    out("loginref audit benchmark: %d users, plain passwords, median of %d runs"
        % (opts.users, opts.runs))
    out("%-7s %10s %10s %10s %10s %8s %10s %8s %8s %8s" % (
        "driver", "floor s", "queries s", "audit s", "audit -j2", "us/user", "doveadm",
        "audit/", "audit/", "doveadm/"))
    out("%-7s %10s %10s %10s %10s %8s %10s %8s %8s %8s" % (
        "", "bulk SELECT", "per user", "", "", "(best)", "us/user", "floor", "queries",
        "audit"))
    for driver in opts.drivers.split(","):
        db = Db(driver, opts.work)
        log("%s: loading %d users" % (driver, opts.users))
        db.load(opts.users)
        conf = db.config("bench")
        floor = median_of(opts.runs, lambda: timed(db.client(
            "SELECT %s FROM bench_users" % COLUMNS), env=env))
        queries_argv, queries_stdin = db.per_user_queries(opts.users)
        queries = median_of(opts.runs, lambda: timed(queries_argv, stdin=queries_stdin))
        audit_argv = [lr, "audit", "-c", conf, "-q", "--hostname", "bench"]
        log("%s: audit" % driver)
        audit1 = median_of(opts.runs, lambda: timed(audit_argv, env=env))
        audit2 = median_of(opts.runs, lambda: timed(audit_argv + ["--jobs", "2"], env=env))
        best = min(audit1, audit2)
        cpu = None  # where the time goes, on the drivers with a server
        if driver != "sqlite":
            cpu = {
                "queries": cpu_split(opts.runs, queries_argv, driver, stdin=queries_stdin, env=env),
                "audit": cpu_split(opts.runs, audit_argv, driver, env=env),
                "audit -j2": cpu_split(opts.runs, audit_argv + ["--jobs", "2"], driver, env=env),
            }
        log("%s: doveadm auth lookup, %d users in batches of %d"
            % (driver, opts.doveadm_users, opts.batch))
        sample = users_list(opts.doveadm_users, opts.users)
        with Dovecot(opts.work, driver, conf) as dovecot:
            def doveadm_all():
                start = time.perf_counter()
                for at in range(0, len(sample), opts.batch):
                    dovecot.lookup(sample[at:at + opts.batch])
                return time.perf_counter() - start
            doveadm = median_of(opts.runs, doveadm_all) / len(sample)
            if driver == "sqlite":
                # One login, process start to exit: loginref, sqlite3 and
                # doveadm in turn.
                user = "user0050000@example.com"
                single_lr, single_sqlite, single_doveadm = medians_interleaved(opts.singles, [
                    lambda: timed([lr, "test", "-c", conf, "-u", user, "--hostname", "bench"],
                                  env=env),
                    lambda: timed(db.client("SELECT %s FROM bench_users WHERE userid = '%s'"
                                            % (COLUMNS, user))),
                    lambda: timed(["doveadm", "-c", dovecot.conf, "auth", "lookup", user]),
                ])
        per_user = best / opts.users
        target = 15 if driver == "sqlite" else 10
        r = {"driver": driver, "floor": floor, "queries": queries, "audit1": audit1,
             "audit2": audit2,
             "per_user": per_user, "doveadm": doveadm,
             "vs_floor": best / floor, "vs_doveadm": doveadm / per_user, "target": target,
             "cpu": cpu}
        results.append(r)
        out("%-7s %10.3f %10.3f %10.3f %10.3f %8.1f %10.1f %7.1fx %7.2fx %7.1fx" % (
            driver, floor, queries, audit1, audit2, per_user * 1e6, doveadm * 1e6,
            r["vs_floor"], best / queries, r["vs_doveadm"]))
        if driver == "sqlite":
            r.update(single_lr=single_lr, single_sqlite=single_sqlite,
                     single_doveadm=single_doveadm)
            log("sqlite: %d-user audit for peak memory" % opts.big)
            big_path = os.path.join(opts.work, "big.db")
            db.load(opts.big, big_path)
            big_conf = db.config("big", big_path)
            rss = max_rss_kib([lr, "audit", "-c", big_conf, "-q", "--hostname", "bench"])
            r["big_rss_kib"] = rss
            os.unlink(big_path)

    split = [r for r in results if r["cpu"]]
    cores = os.cpu_count()
    if split:
        out("")
        out("where the time goes: CPU us per user, median of %d runs (client = %s or loginref)"
            % (opts.runs, "/".join({"pgsql": "psql", "mysql": "mariadb"}[r["driver"]]
                                   for r in split)))
        out("%-7s %-10s %10s %10s   %s" % ("driver", "run", "client", "server",
                                           "floor budget (10x) on %d cores" % cores))
        for r in split:
            budget = 10 * r["floor"] / opts.users * cores * 1e6
            for name, (client, server) in r["cpu"].items():
                out("%-7s %-10s %10.1f %10.1f   %.1f us of CPU per user" % (
                    r["driver"], name, client / opts.users * 1e6, server / opts.users * 1e6,
                    budget))
    out("")
    out("targets:")
    ok = True
    def verdict(cond):
        nonlocal ok
        ok = ok and cond
        return "ok  " if cond else "MISS"
    for r in results:
        out("  %s %-6s audit per user %.1fx the bulk-SELECT floor (target <= %dx; the "
            "per-user queries alone, run by %s, are %.1fx)"
            % (verdict(r["vs_floor"] <= r["target"]), r["driver"], r["vs_floor"], r["target"],
               {"sqlite": "sqlite3", "pgsql": "psql", "mysql": "mariadb"}[r["driver"]],
               r["queries"] / r["floor"]))
        out("  %s %-6s audit %.0fx faster per user than doveadm auth lookup (target >= 30x)"
            % (verdict(r["vs_doveadm"] >= 30), r["driver"], r["vs_doveadm"]))
        if "big_rss_kib" in r:
            out("  %s sqlite %d-user audit peak RSS %.1f MiB (target < 64 MiB)"
                % (verdict(r["big_rss_kib"] < 64 * 1024), opts.big, r["big_rss_kib"] / 1024))
            out("  %s sqlite one loginref test %.1f ms = %.2fx sqlite3 SELECT %.1f ms "
                "(target <= 2x)" % (verdict(r["single_lr"] <= 2 * r["single_sqlite"]),
                                    r["single_lr"] * 1e3, r["single_lr"] / r["single_sqlite"],
                                    r["single_sqlite"] * 1e3))
            out("  %s sqlite one loginref test %.2fx faster than doveadm auth lookup %.1f ms "
                "(target >= 2x)" % (verdict(r["single_doveadm"] >= 2 * r["single_lr"]),
                                    r["single_doveadm"] / r["single_lr"],
                                    r["single_doveadm"] * 1e3))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

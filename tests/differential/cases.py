"""Scenario catalogue for the differential tests (see README.md).

Each entry of CASES is one login scenario, run once through a private
Dovecot 2.3.19 and once through loginref. Fields (only `name`, `expect`
and `rows` or `sql` are required):

  name          unique, kebab-case; used by --only
  expect        loginref's decision: proxy, referral-suggest,
                referral-require, local, reject or tempfail
  expect_by_driver  optional {driver: decision} where a database behaves
                differently (e.g. MySQL's case-insensitive collation)
  rows          rows of the single table `users`; a dict per row, column
                name -> value (None is SQL NULL). Every column is TEXT
                unless `types` says otherwise. The table's columns are the
                keys of all rows, in order of first appearance.
  types         optional {column: SQL type}, e.g. {"nologin": "BOOLEAN"};
                Python True/False become TRUE/FALSE literals
  query         the password_query (default: DEFAULT_QUERY)
  sql_conf      extra dovecot-sql.conf.ext settings, e.g.
                {"default_pass_scheme": "PLAIN"}
  dovecot_conf  extra top-level dovecot.conf settings, e.g.
                {"auth_username_format": "%n"}
  env           extra environment for the Dovecot master (and the same
                value of DOVECOT_HOSTNAME is passed to loginref)
  user          login name sent in `a1 LOGIN` (default "alice")
  password      password sent (default PASSWORD)
  backend       True: start a second private Dovecot (accepts any
                password) and substitute its port for @BACKEND_PORT@
  backend_dependent  True: Dovecot's line comes from the proxy backend,
                which loginref cannot see; loginref must predict the OK line of
                a backend that accepts, and the lines are not compared
  note          why the case exists / what Dovecot was seen to do

Placeholders in row values and the query: @PORT@ is the port of the
Dovecot under test, @BACKEND_PORT@ the backend's port (backend=True),
@DEAD_PORT@ a loopback port nothing listens on.

Column names avoid words reserved in PostgreSQL or MySQL (user, ssl);
queries alias them with AS "user" / AS "ssl", which all three accept.
"""

PASSWORD = "S3cret!pw"
WRONG = "wrong-password"

# Hashes of PASSWORD, made with `doveadm pw -s SCHEME -p 'S3cret!pw'`
# (Dovecot 2.3.19.1). Fixed here so every run sees the same data.
HASH = {
    "SHA512-CRYPT": "{SHA512-CRYPT}$6$m.iEm5jtZN2QAOPT$9Au8XQnqbODx68e6zPI3krVyTs7SLmwfJsfjPPC2hPlz9hDwd55hGDQFQsAchMuCrv5OtHBs.TLKyt6n0kqOc1",
    "SHA256-CRYPT": "{SHA256-CRYPT}$5$AkBTCUd/ieIX2g9d$7XQQHrcfd//D.UzFKI4xv5SOVz4bvuS/Hl6Mg4.Hlh2",
    "BLF-CRYPT": "{BLF-CRYPT}$2y$05$M4QUjS/epFDcfGKSXH9QEeXCRqMjzbwNiLt.Z/3ftcv5V8wRpN3A6",
    "MD5-CRYPT": "{MD5-CRYPT}$1$Oglu01.n$KBLw2G23h2k.lzk8mIQtj/",
    "SSHA512": "{SSHA512}Sein9zX3GKN83cR7G/UnlxERvg6oVPL6UMzZuVumfkw2N9VqPeMOeyb3gmggiT1zgj57PHtmJWA5OilzQ2GIOi5LnBw=",
    "SSHA": "{SSHA}ECd6rmfA6jIIbu/dwyad42nXHlKig/24",
    "SMD5": "{SMD5}wyrA92QeEnFgaqQVqAkszKHi6Ls=",
    "SHA1": "{SHA1}RV3XTDc0R9U9mwKRvUQe1cd7YBE=",
    "SHA256": "{SHA256}oK6SjiCngX8OPfu0cFpyF1imsCfocEPEiXthkly0/Is=",
    "SHA256.HEX": "{SHA256.HEX}a0ae928e20a7817f0e3dfbb4705a721758a6b027e87043c4897b61925cb4fc8b",
    "SHA512.B64": "{SHA512.B64}mA2W8pFmaFjkMtZomCCwfGdQ8WQTqSUxwuO3AQy7mIkSksMyl9G/xCBTEw9Y6PF8z0xayiQhc9dBfNr44hz7KA==",
    "PLAIN": "{PLAIN}S3cret!pw",
    "PLAIN-MD5": "{PLAIN-MD5}39160755403262d6a6a3ac543be6df45",
    "CRAM-MD5": "{CRAM-MD5}240f78632bb7e2d22020a756595cad3d88d399de8f4c2682ea2ebdba5529c67f",
    "PBKDF2": "{PBKDF2}$1$TsN5G.GyiuE/Nx8D$5000$4ffb131216e696ec0a79ed4496d3c8b195f33fef",
    "ARGON2ID": "{ARGON2ID}$argon2id$v=19$m=65536,t=3,p=1$Hj3E7lxmiZBxbyMcuwlf9w$vOdXerqZjPVi0myDoUSGjjaRH0QR9f/RSBKiZGQsIH4",
}
# md5_hex('S3cret!pw'), for the 2.3 default scheme MD5 (no braces).
MD5_HEX = "39160755403262d6a6a3ac543be6df45"

DEFAULT_QUERY = "SELECT password FROM users WHERE userid = '%u'"
# The query most referral cases use; unused columns are simply NULL.
FIELDS_QUERY = ("SELECT password, nologin, host, port, reason, destuser, tls AS \"ssl\" "
                "FROM users WHERE userid = '%u'")


def alice(**columns):
    """One row for alice with the right PLAIN password, plus `columns`."""
    row = {"userid": "alice", "password": HASH["PLAIN"]}
    row.update(columns)
    return [row]


def referral(name, note="", user="alice", password=PASSWORD,
             expect="referral-require", **columns):
    """A nologin+host row for `user`, queried with FIELDS_QUERY."""
    row = {"userid": user.lower(), "password": HASH["PLAIN"],
           "nologin": "Y", "host": "imap2.example.com", "port": None,
           "reason": None, "destuser": None, "tls": None}
    row.update(columns)
    return {"name": name, "expect": expect, "rows": [row],
            "query": FIELDS_QUERY, "user": user, "password": password,
            "note": note}


def local_hash(scheme, note=""):
    return {"name": "local-" + scheme.lower().replace(".", "-"),
            "expect": "local", "rows": alice(password=HASH[scheme]),
            "note": note or "password stored as " + scheme}


CASES = [
    # ---- plain local logins, one per password scheme -------------------
    local_hash("PLAIN"),
    local_hash("SHA512-CRYPT"),
    local_hash("SHA256-CRYPT"),
    local_hash("BLF-CRYPT"),
    local_hash("MD5-CRYPT"),
    local_hash("SSHA512"),
    local_hash("SSHA"),
    local_hash("SMD5"),
    local_hash("SHA1"),
    local_hash("SHA256"),
    local_hash("SHA256.HEX", ".HEX suffix forces hex decoding"),
    local_hash("SHA512.B64", ".B64 suffix forces base64 decoding"),
    local_hash("PLAIN-MD5"),
    local_hash("CRAM-MD5"),
    local_hash("PBKDF2"),
    local_hash("ARGON2ID", "needs libsodium; Debian's build has it"),
    {"name": "local-crypt-generic-sha512",
     "expect": "local",
     "rows": alice(password="{CRYPT}" + HASH["SHA512-CRYPT"].split("}", 1)[1]),
     "note": "{CRYPT} with a $6$ hash goes through the system crypt()"},
    {"name": "local-default-scheme-md5-hex",
     "expect": "local", "rows": alice(password=MD5_HEX),
     "note": "no {SCHEME}: 2.3 default_pass_scheme is MD5, which accepts hex PLAIN-MD5"},
    {"name": "local-default-scheme-md5-crypt",
     "expect": "local",
     "rows": alice(password=HASH["MD5-CRYPT"].split("}", 1)[1]),
     "note": "default MD5 scheme also accepts a $1$ MD5-crypt string"},
    {"name": "local-default-scheme-plain",
     "expect": "local", "rows": alice(password=PASSWORD),
     "sql_conf": {"default_pass_scheme": "PLAIN"}},
    {"name": "local-scheme-lowercase",
     "expect": "local", "rows": alice(password="{plain}" + PASSWORD),
     "note": "scheme names are case-insensitive"},
    {"name": "wrong-default-scheme-md5-plaintext",
     "expect": "reject", "rows": alice(password=PASSWORD),
     "note": "plaintext in the column but the default scheme is MD5"},

    # ---- failures: all fields are discarded -----------------------------
    {"name": "wrong-password", "expect": "reject",
     "rows": alice(), "password": WRONG},
    {"name": "wrong-password-crypt", "expect": "reject",
     "rows": alice(password=HASH["SHA512-CRYPT"]), "password": WRONG},
    referral("wrong-password-nologin-host", password=WRONG, expect="reject",
             reason="Moved",
             note="fields of a failed passdb are rolled back: no referral"),
    {"name": "wrong-password-nologin", "expect": "reject",
     "rows": alice(nologin="Y", reason="Go away"),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'",
     "password": WRONG},
    {"name": "wrong-password-nodelay", "expect": "reject",
     "rows": alice(nodelay="Y"), "password": WRONG,
     "query": "SELECT password, nodelay FROM users WHERE userid = '%u'",
     "note": "2.3: nodelay of a failed passdb is rolled back; still ~2 s"},
    {"name": "unknown-user", "expect": "reject",
     "rows": alice(), "user": "bob"},
    {"name": "userid-case-collation", "expect": "reject",
     "expect_by_driver": {"mysql": "local"},
     "rows": [{"userid": "ALICE", "password": HASH["PLAIN"]}],
     "note": "%Lu gives 'alice'; MySQL's default collation matches 'ALICE'"},
    {"name": "unknown-scheme", "expect": "reject",
     "rows": alice(password="{NOSUCH}" + PASSWORD),
     "note": "2.3.19: unknown scheme is a mismatch, not a tempfail"},
    {"name": "unknown-scheme-suffix", "expect": "reject",
     "rows": alice(password="{PLAIN.FOO}" + PASSWORD)},
    {"name": "invalid-hash-data", "expect": "reject",
     "rows": alice(password="{SHA256}not*base64*or*hex"),
     "note": "2.3.19: undecodable data is a mismatch (2.3.20+: tempfail)"},
    {"name": "password-null", "expect": "reject",
     "rows": alice(password=None),
     "note": "NULL password without nopassword"},
    {"name": "password-empty-column", "expect": "reject",
     "rows": alice(password=""),
     "note": "empty (not NULL) column verified as {MD5} of nothing"},
    {"name": "empty-password-plain-empty", "expect": "local",
     "rows": alice(password="{PLAIN}"), "password": "",
     "note": "empty password typed, {PLAIN} empty stored"},
    {"name": "empty-password-typed", "expect": "reject",
     "rows": alice(), "password": ""},
    {"name": "password-with-tab", "expect": "reject",
     "rows": alice(password="{PLAIN}a\tb"), "password": "a\tb",
     "note": "a tab in the password fails before any query"},
    {"name": "username-chars-refused", "expect": "reject",
     "rows": [{"userid": "o'brien", "password": HASH["PLAIN"]}],
     "user": "o'brien",
     "note": "' is not in the default auth_username_chars: no query"},
    {"name": "username-non-ascii-refused", "expect": "reject",
     "rows": [{"userid": "jos\u00e9", "password": HASH["PLAIN"]}],
     "user": "jos\u00e9"},
    {"name": "username-dquote-refused", "expect": "reject",
     "rows": alice(), "user": 'al"ice',
     "note": "sent as a literal; \" is not in auth_username_chars"},
    {"name": "password-with-dquote-backslash", "expect": "local",
     "rows": alice(password='{PLAIN}p"w\\x'), "password": 'p"w\\x',
     "note": "sent as a literal"},
    {"name": "allow-nets-mismatch", "expect": "reject",
     "rows": alice(allow_nets="10.0.0.0/8"),
     "query": "SELECT password, allow_nets FROM users WHERE userid = '%u'"},
    {"name": "allow-nets-match", "expect": "local",
     "rows": alice(allow_nets="10.0.0.0/8,127.0.0.1"),
     "query": "SELECT password, allow_nets FROM users WHERE userid = '%u'"},
    {"name": "fail-field", "expect": "reject",
     "rows": alice(fail="Y"),
     "query": "SELECT password, fail FROM users WHERE userid = '%u'"},

    # ---- tempfail --------------------------------------------------------
    {"name": "no-password-column", "expect": "tempfail",
     "rows": alice(nologin="Y"),
     "query": "SELECT nologin FROM users WHERE userid = '%u'"},
    {"name": "two-rows", "expect": "tempfail",
     "rows": alice() + alice()},
    {"name": "sql-syntax-error", "expect": "tempfail",
     "rows": alice(), "query": "SELEKT password FROM users WHERE userid = '%u'"},
    {"name": "unknown-table", "expect": "tempfail",
     "rows": alice(), "query": "SELECT password FROM nosuchtable WHERE userid = '%u'"},
    {"name": "unknown-variable-short", "expect": "tempfail",
     "rows": alice(), "query": "SELECT password FROM users WHERE userid = '%z'"},
    {"name": "unknown-variable-long", "expect": "tempfail",
     "rows": alice(), "query": "SELECT password FROM users WHERE userid = '%{nosuchvar}'"},
    {"name": "noauthenticate", "expect": "tempfail",
     "rows": alice(noauthenticate="Y"),
     "query": "SELECT password, noauthenticate FROM users WHERE userid = '%u'"},
    {"name": "tempfail-dovecot-hostname-env", "expect": "tempfail",
     "rows": alice(), "query": "SELEKT 1",
     "env": {"DOVECOT_HOSTNAME": "mx-test.example.net"},
     "note": "the master passes DOVECOT_HOSTNAME (default gethostname()) to imap-login"},

    # ---- nologin without host: CONTACTADMIN ------------------------------
    {"name": "nologin-default-reason", "expect": "reject",
     "rows": alice(nologin="Y", reason=None),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'"},
    {"name": "nologin-custom-reason", "expect": "reject",
     "rows": alice(nologin="Y", reason="Account suspended, call 555-0100."),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'"},
    {"name": "nologin-empty-reason", "expect": "reject",
     "rows": alice(nologin="Y", reason=""),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'",
     "note": "empty reason is non-NULL: line ends in '] '"},
    {"name": "nologin-reason-with-bracket", "expect": "reject",
     "rows": alice(nologin="Y", reason="[ALERT] Call the helpdesk"),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'"},
    {"name": "nologin-reason-with-newline", "expect": "reject",
     "rows": alice(nologin="Y", reason="line one\nline two"),
     "query": "SELECT password, nologin, reason FROM users WHERE userid = '%u'",
     "note": "sent raw: the tagged 'line' contains a bare LF"},
    {"name": "nologin-N-still-set", "expect": "reject",
     "rows": alice(nologin="N"),
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'"},
    {"name": "nologin-0-still-set", "expect": "reject",
     "rows": alice(nologin="0"),
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'"},
    {"name": "nologin-empty-string-still-set", "expect": "reject",
     "rows": alice(nologin=""),
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'"},
    {"name": "nologin-null-not-set", "expect": "local",
     "rows": alice(nologin=None, host="imap2.example.com"),
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'"},
    {"name": "nologin-boolean-false", "expect": "reject",
     "rows": alice(nologin=False), "types": {"nologin": "BOOLEAN"},
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'",
     "note": "pgsql 'f', mysql '0', sqlite '0': still set; only NULL clears it"},
    {"name": "nologin-integer-0", "expect": "reject",
     "rows": alice(nologin=0), "types": {"nologin": "INTEGER"},
     "query": "SELECT password, nologin FROM users WHERE userid = '%u'"},

    # ---- nologin + host: NO [REFERRAL ...] -------------------------------
    referral("referral-default-reason"),
    referral("referral-custom-reason", reason="Your mailbox moved to imap2."),
    referral("referral-empty-reason", reason="",
             note="empty reason: line ends in '/] '"),
    referral("referral-reason-with-tab", reason="moved\tsee imap2"),
    referral("referral-port-143-omitted", port="143"),
    referral("referral-port-993", port="993"),
    referral("referral-port-other", port="10143"),
    referral("referral-port-invalid", port="abc",
             note="invalid port is ignored by login -> 143 -> omitted"),
    referral("referral-port-zero", port="0"),
    referral("referral-ssl-yes", tls="yes", note="ssl and no port -> 993"),
    referral("referral-ssl-no-value", tls="no", note="any ssl value turns SSL on"),
    referral("referral-ssl-with-port", tls="yes", port="10993"),
    referral("referral-destuser", destuser="alice.smith@example.org"),
    referral("referral-destuser-odd-chars", destuser="a b;c/d%e:f"),
    referral("referral-user-with-at", user="alice@example.com",
             note="@ in the userid becomes %40"),
    referral("referral-mixed-case-user", user="Alice@Example.COM",
             note="%Lu lowercases; the URL uses the lowercased user"),
    referral("referral-ipv6-bare", host="2001:db8::1"),
    referral("referral-ipv6-brackets", host="[2001:db8::1]"),
    referral("referral-ipv6-brackets-port", host="[2001:db8::1]", port="10143"),
    referral("referral-ipv4-host", host="192.0.2.7"),
    referral("referral-empty-host", host=""),
    referral("referral-host-odd-chars", host="mail host/x%y?z@w"),
    referral("referral-host-uppercase", host="IMAP2.Example.COM"),
    {"name": "referral-rename-user-column", "expect": "referral-require",
     "rows": alice(nologin="Y", host="imap2.example.com", dest="bob@other.example"),
     "query": "SELECT password, nologin, host, dest AS \"user\" FROM users WHERE userid = '%u'",
     "note": "the user column replaces the whole username -> referral userid"},
    {"name": "referral-rename-username-column", "expect": "referral-require",
     "rows": [{"userid": "alice@example.com", "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com", "dest": "bob"}],
     "user": "alice@example.com",
     "query": "SELECT password, nologin, host, dest AS username FROM users WHERE userid = '%u'",
     "note": "username keeps @domain"},
    {"name": "referral-rename-domain-column", "expect": "referral-require",
     "rows": [{"userid": "alice@example.com", "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com", "dest": "new.example"}],
     "user": "alice@example.com",
     "query": "SELECT password, nologin, host, dest AS domain FROM users WHERE userid = '%u'"},
    {"name": "referral-rename-user-uppercase", "expect": "referral-require",
     "rows": alice(nologin="Y", host="imap2.example.com", dest="Bob"),
     "query": "SELECT password, nologin, host, dest AS \"user\" FROM users WHERE userid = '%u'",
     "note": "renamed user does not go through auth_username_format again"},
    {"name": "referral-default-realm", "expect": "referral-require",
     "rows": [{"userid": "alice@example.com", "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com"}],
     "query": "SELECT password, nologin, host FROM users WHERE userid = '%u'",
     "dovecot_conf": {"auth_default_realm": "example.com"}},
    {"name": "referral-username-format-n", "expect": "referral-require",
     "rows": alice(nologin="Y", host="imap2.example.com"),
     "user": "Alice@Example.com",
     "query": "SELECT password, nologin, host FROM users WHERE userid = '%u'",
     "dovecot_conf": {"auth_username_format": "%Ln"}},
    {"name": "referral-username-chars-empty-quote", "expect": "referral-require",
     "rows": [{"userid": "o'brien", "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com"}],
     "user": "o'brien",
     "query": "SELECT password, nologin, host FROM users WHERE userid = '%u'",
     "dovecot_conf": {"auth_username_chars": ""},
     "note": "empty auth_username_chars allows all; ' escaped by the driver"},
    {"name": "referral-username-dquote-backslash", "expect": "referral-require",
     "rows": [{"userid": 'a"b\\c', "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com"}],
     "user": 'a"b\\c',
     "query": "SELECT password, nologin, host FROM users WHERE userid = '%u'",
     "dovecot_conf": {"auth_username_chars": ""}},
    {"name": "referral-username-non-ascii", "expect": "referral-require",
     "rows": [{"userid": "jos\u00e9", "password": HASH["PLAIN"],
               "nologin": "Y", "host": "imap2.example.com"}],
     "user": "jos\u00e9",
     "query": "SELECT password, nologin, host FROM users WHERE userid = '%u'",
     "dovecot_conf": {"auth_username_chars": ""},
     "note": "UTF-8 bytes are %-encoded in lowercase hex"},
    {"name": "referral-columns-reordered", "expect": "referral-require",
     "rows": alice(nologin="Y", host="imap2.example.com"),
     "query": "SELECT host, nologin, password FROM users WHERE userid = '%u'"},

    # ---- host without nologin: referral-suggest --------------------------
    {"name": "referral-suggest", "expect": "referral-suggest",
     "rows": alice(host="imap2.example.com"),
     "query": "SELECT password, host FROM users WHERE userid = '%u'",
     "note": "2.3.19 never sends OK [REFERRAL]: plain local login"},
    {"name": "referral-suggest-with-reason", "expect": "referral-suggest",
     "rows": alice(host="imap2.example.com", reason="Use imap2 please"),
     "query": "SELECT password, host, reason FROM users WHERE userid = '%u'"},
    {"name": "local-with-reason-only", "expect": "local",
     "rows": alice(reason="ignored"),
     "query": "SELECT password, reason FROM users WHERE userid = '%u'"},

    # ---- nopassword --------------------------------------------------------
    {"name": "nopassword-before-password", "expect": "local",
     "rows": alice(nopassword="Y"), "password": WRONG,
     "query": "SELECT nopassword, password FROM users WHERE userid = '%u'",
     "note": "nopassword first: any password accepted"},
    {"name": "nopassword-after-password-wrong", "expect": "reject",
     "rows": alice(nopassword="Y"), "password": WRONG,
     "query": "SELECT password, nopassword FROM users WHERE userid = '%u'",
     "note": "password first: nopassword ignored, password verified"},
    {"name": "nopassword-after-password-right", "expect": "local",
     "rows": alice(nopassword="Y"),
     "query": "SELECT password, nopassword FROM users WHERE userid = '%u'"},
    {"name": "nopassword-null-password", "expect": "local",
     "rows": alice(password=None, nopassword="N"), "password": WRONG,
     "query": "SELECT password, nopassword FROM users WHERE userid = '%u'"},
    {"name": "nopassword-null-value", "expect": "reject",
     "rows": alice(password=None, nopassword=None), "password": WRONG,
     "query": "SELECT password, nopassword FROM users WHERE userid = '%u'"},
    {"name": "nopassword-referral", "expect": "referral-require",
     "rows": alice(password=None, nopassword="Y", nologin="Y", host="imap2.example.com"),
     "password": WRONG,
     "query": "SELECT password, nopassword, nologin, host FROM users WHERE userid = '%u'"},

    # ---- password_noscheme -------------------------------------------------
    {"name": "password-noscheme-braces", "expect": "local",
     "rows": alice(password="{PLAIN}x"), "password": "{PLAIN}x",
     "query": "SELECT password AS password_noscheme FROM users WHERE userid = '%u'",
     "sql_conf": {"default_pass_scheme": "PLAIN"},
     "note": "password_noscheme always gets {default} prepended"},
    {"name": "password-noscheme-md5", "expect": "local",
     "rows": alice(password=MD5_HEX),
     "query": "SELECT password AS password_noscheme FROM users WHERE userid = '%u'"},
    {"name": "password-noscheme-scheme-not-parsed", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password AS password_noscheme FROM users WHERE userid = '%u'",
     "sql_conf": {"default_pass_scheme": "PLAIN"},
     "note": "{PLAIN}S3cret!pw is compared literally"},

    # ---- variable expansion, seen through the CONTACTADMIN reason --------
    {"name": "expand-connection-vars", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, "
              "'s=%s l=%l r=%r a=%a b=%b c=%c m=%m h=%h k=%k !=%! "
              "lip=%{local_ip} rip=%{rip} lport=%{lport} rport=%{remote_port} "
              "real=%{real_lip}/%{real_rip}/%{real_lport}/%{real_rport} "
              "mu=%{master_user} lu=%{login_user} au=%{auth_user} sp=%{session_pid}' AS reason "
              "FROM users WHERE userid = '%u'"},
    {"name": "expand-more-long-names", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, "
              "'lun=%{login_username} ld=%{login_domain} ln=%{local_name} ci=%{client_id} "
              "oun=%{original_username} od=%{original_domain} aun=%{auth_username} "
              "ad=%{auth_domain} pw=%{password} mech=%{mechanism} svc=%{service} "
              "sec=%{secured} cert=%{cert}' AS reason "
              "FROM users WHERE userid = '%u'"},
    {"name": "expand-user-vars", "expect": "reject",
     "rows": [{"userid": "alice@example.com", "password": HASH["PLAIN"]}],
     "user": "Alice@Example.COM",
     "query": "SELECT password, 'Y' AS nologin, "
              "'u=%u n=%n d=%d ou=%{orig_user} on=%{orig_username} od=%{orig_domain} "
              "df=%{domain_first} dl=%{domain_last} w=%w' AS reason "
              "FROM users WHERE userid = '%u'"},
    {"name": "expand-modifiers", "expect": "reject",
     "rows": [{"userid": "alice@example.com", "password": HASH["PLAIN"]}],
     "user": "alice@example.com",
     "query": "SELECT password, 'Y' AS nologin, "
              "'U=%Un L=%Ld 1.3=%1.3n w2=%2n neg=%-3.2u R=%Rn M=%Mn X=%Xa T=%Tn D=%Dd "
              "H=%Hu N=%Nu pct=%%' AS reason FROM users WHERE userid = '%u'"},
    {"name": "expand-hash-functions", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, "
              "'%{md5:user} %{sha1;truncate=32:user} %{sha256;format=base64:user} "
              "%{sha512;rounds=3,salt=s%n,format=hexuc,truncate=64:user} %{pkcs5;truncate=64:user}' AS reason "
              "FROM users WHERE userid = '%u'",
     "note": "options go between the algorithm and the colon"},
    {"name": "expand-hash-options-misplaced", "expect": "tempfail",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, '%{sha1:user;truncate=32}' AS reason "
              "FROM users WHERE userid = '%u'",
     "note": "'user;truncate=32' is taken as the variable name: unknown -> tempfail"},
    {"name": "expand-if", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, "
              "'%{if;%u;eq;alice;yes;no} %{if;%a;>;100;big;small}' AS reason "
              "FROM users WHERE userid = '%u'"},
    {"name": "expand-hostname", "expect": "reject",
     "rows": alice(),
     "query": "SELECT password, 'Y' AS nologin, 'host=%{hostname}' AS reason "
              "FROM users WHERE userid = '%u'"},
    {"name": "expand-escape-in-reason", "expect": "referral-require",
     "rows": [{"userid": "o'brien", "password": HASH["PLAIN"]}],
     "user": "o'brien", "dovecot_conf": {"auth_username_chars": ""},
     "query": "SELECT password, 'Y' AS nologin, '' AS host, 'u=%u n=%n' AS reason "
              "FROM users WHERE userid = '%u'",
     "note": "sqlite doubles ' in %u; the reason shows one '"},
    {"name": "expand-escape-modifier-breaks-sql", "expect": "tempfail",
     "rows": [{"userid": "o'brien", "password": HASH["PLAIN"]}],
     "user": "o'brien", "dovecot_conf": {"auth_username_chars": ""},
     "query": "SELECT password, 'Y' AS nologin, 'u=%u E=%Eu' AS reason "
              "FROM users WHERE userid = '%u'",
     "expect_by_driver": {"mysql": "reject"},
     "note": "%E runs after the driver's escaping: sqlite/pgsql o''brien -> o\\'\\'brien "
             "ends the SQL string; mysql o\\'brien -> o\\\\\\'brien is valid SQL"},
    {"name": "expand-password-escaped", "expect": "reject",
     "rows": alice(password="{PLAIN}it's"), "password": "it's",
     "query": "SELECT password, 'Y' AS nologin, 'w=%w' AS reason "
              "FROM users WHERE userid = '%u'"},

    # ---- proxy / proxy_maybe ---------------------------------------------
    {"name": "proxy-to-backend", "expect": "proxy", "backend": True,
     "rows": alice(proxy="Y", host="127.0.0.1", port="@BACKEND_PORT@"),
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'",
     "note": "client sees the backend's OK line"},
    {"name": "proxy-with-nologin", "expect": "proxy", "backend": True,
     "rows": alice(proxy="Y", nologin="Y", host="127.0.0.1", port="@BACKEND_PORT@"),
     "query": "SELECT password, proxy, nologin, host, port FROM users WHERE userid = '%u'",
     "note": "proxy wins over nologin"},
    {"name": "proxy-wrong-password", "expect": "reject", "backend": True,
     "rows": alice(proxy="Y", host="127.0.0.1", port="@BACKEND_PORT@"),
     "password": WRONG,
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'"},
    {"name": "proxy-without-host", "expect": "tempfail",
     "rows": alice(proxy="Y"),
     "query": "SELECT password, proxy FROM users WHERE userid = '%u'",
     "note": "recorded: what 2.3.19's imap-login really does"},
    {"name": "proxy-empty-host", "expect": "reject",
     "rows": alice(proxy="Y", host=""),
     "query": "SELECT password, proxy, host FROM users WHERE userid = '%u'"},
    {"name": "proxy-host-name-localhost", "expect": "proxy", "backend": True,
     "rows": alice(proxy="Y", host="localhost", port="@BACKEND_PORT@"),
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'",
     "note": "auth resolves the name (DNS) and adds hostip"},
    {"name": "proxy-host-unresolvable", "expect": "tempfail",
     "rows": alice(proxy="Y", host="no-such-host.invalid", port="@DEAD_PORT@"),
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'",
     "note": "DNS failure in auth -> tempfail"},
    {"name": "proxy-backend-down", "expect": "proxy", "backend_dependent": True,
     "rows": alice(proxy="Y", host="127.0.0.1", port="@DEAD_PORT@"),
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'",
     "note": "nothing listens on the port: connect fails after reconnects"},
    {"name": "proxy-loop-to-self", "expect": "tempfail",
     "rows": alice(proxy="Y", host="127.0.0.1", port="@PORT@"),
     "query": "SELECT password, proxy, host, port FROM users WHERE userid = '%u'",
     "note": "plain proxy (not _maybe) to our own IP and port: login detects the loop"},
    {"name": "proxy-maybe-self", "expect": "local",
     "rows": alice(proxy_maybe="Y", host="127.0.0.1", port="@PORT@"),
     "query": "SELECT password, proxy_maybe, host, port FROM users WHERE userid = '%u'",
     "note": "host = our IP, port = our port: proxy fields dropped"},
    {"name": "proxy-maybe-self-no-port", "expect": "local",
     "rows": alice(proxy_maybe="Y", host="127.0.0.1"),
     "query": "SELECT password, proxy_maybe, host FROM users WHERE userid = '%u'"},
    {"name": "proxy-maybe-self-nologin", "expect": "reject",
     "rows": alice(proxy_maybe="Y", nologin="Y", host="127.0.0.1", port="@PORT@"),
     "query": "SELECT password, proxy_maybe, nologin, host, port FROM users WHERE userid = '%u'",
     "note": "self: host removed, nologin stays -> CONTACTADMIN"},
    {"name": "proxy-maybe-other-port", "expect": "proxy", "backend": True,
     "rows": alice(proxy_maybe="Y", host="127.0.0.1", port="@BACKEND_PORT@"),
     "query": "SELECT password, proxy_maybe, host, port FROM users WHERE userid = '%u'"},
    {"name": "proxy-destuser", "expect": "proxy", "backend": True,
     "rows": alice(proxy="Y", host="127.0.0.1", port="@BACKEND_PORT@",
                   destuser="carol"),
     "query": "SELECT password, proxy, host, port, destuser FROM users WHERE userid = '%u'"},
]

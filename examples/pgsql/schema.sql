-- The example passdb for loginref on PostgreSQL (every password is "secret");
-- the same rows as examples/sqlite/schema.sql.
-- Load it with: examples/pgsql/load-db [CONNECT] (default: $LOGINREF_TEST_PGSQL,
-- which scripts/lib/dbservers.sh start prints).
DROP TABLE IF EXISTS users;
CREATE TABLE users (
  userid      TEXT NOT NULL,  -- the full login name, user@domain
  password    TEXT,           -- with a {SCHEME} prefix, or in default_pass_scheme (MD5)
  host        TEXT,           -- referral or proxy destination
  port        INTEGER,
  destuser    TEXT,
  nologin     TEXT,           -- any non-NULL value disables the local login, even 'N'
  proxy       TEXT,
  proxy_maybe TEXT,
  reason      TEXT
);

-- local: logs in here.
INSERT INTO users (userid, password) VALUES
  ('alice@example.com', '{SHA512-CRYPT}$6$LQGUa.NAzeYFYFMW$/D4eVetC3ZaYmI/XTM4E7sHPMovc.e7xeZqQoWf4pZcmtc1nth0JMagDFkgCKLjWmuqnZj.MEf0QRDXTP3gku0');
-- referral-require: host + nologin.
INSERT INTO users (userid, password, host, nologin) VALUES
  ('bob@example.com', '{BLF-CRYPT}$2y$05$MylaWHTcGwwCdlrBKkcKK.V6pA6l5iD2.vSwz9eyOIXQ2odPCSLfm', 'imap2.example.com', 'Y');
-- referral-suggest: host without nologin (Dovecot 2.3 logs in here anyway).
INSERT INTO users (userid, password, host) VALUES
  ('carol@example.com', '{SSHA256}7sDgf1qY5geKbQPTkZf0Bj0/VVYtiPMY8Bk9dyvPmiwsY2Ms', 'imap3.example.com');
-- proxy: to a backend by IP.
INSERT INTO users (userid, password, host, port, proxy) VALUES
  ('dave@example.com', '{PLAIN}secret', '192.0.2.20', 143, 'Y');
-- reject: login disabled with a reason.
INSERT INTO users (userid, password, nologin, reason) VALUES
  ('erin@example.com', '{PLAIN}secret', 'Y', 'Account suspended, please call the helpdesk.');
-- referral-require to another port and user name; MD5 is the 2.3 default scheme.
INSERT INTO users (userid, password, host, port, destuser, nologin, reason) VALUES
  ('frank@example.com', '5ebe2294ecd0e0f08eab7690d2a6ee69', 'imap.example.net', 993, 'frank@example.net', 'N', 'Your mailbox has moved.');
-- tempfail: two rows for one user.
INSERT INTO users (userid, password) VALUES ('twins@example.com', '{PLAIN}secret');
INSERT INTO users (userid, password) VALUES ('twins@example.com', '{PLAIN}other');

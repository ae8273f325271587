// Reading Dovecot 2.3's dovecot-sql.conf.ext.
//
// The file is read exactly as Dovecot 2.3.19 reads it
// (src/lib-settings/settings.c: settings_read_i, src/auth/db-sql.c):
// `key = value` lines, `#` comments (a `#` inside '...' or "..." is kept),
// `\` line continuation (joined with one space), whole-value quotes with
// backslash unescaping, `$ENV:NAME` in unquoted values, `!include` and
// `!include_try` (relative to the including file, `{a,b}` globs), and
// `name { ... }` sections that are read and skipped. Every setting remembers
// where it was set, so later errors (a bad query, an unknown variable) can
// point at the line.
#pragma once

#include <string>
#include <string_view>

namespace loginref {

// Where a setting's value came from: "file:line", "--option", or "default".
struct Setting {
  std::string value;
  std::string origin = "default";
};

// The settings of dovecot-sql.conf.ext, with Dovecot 2.3's defaults.
struct SqlConfig {
  std::string path; // the top-level file ("" when none was given)
  Setting driver;   // no default: required
  Setting connect;  // no default: required
  Setting password_query{"SELECT username, domain, password FROM users WHERE username = '%n' AND "
                         "domain = '%d'"};
  Setting user_query{"SELECT home, uid, gid FROM users WHERE username = '%n' AND domain = "
                     "'%d'"};
  Setting update_query{"UPDATE users SET password = '%w' WHERE username = '%n' AND domain = "
                       "'%d'"};
  Setting iterate_query{"SELECT username, domain FROM users"};
  Setting default_pass_scheme{"MD5"};   // 2.3's default (2.4 uses PLAIN)
  Setting userdb_warning_disable{"no"}; // "yes" or "no": any case is accepted, stored lower-case
};

// Reads `path` as Dovecot 2.3 does. Does not check `driver`/`connect`
// (command-line options may still supply them; see validate_sql_config).
// Throws ConfigError "<file>:<line>: <what>" for an unreadable file, an
// unknown setting (with the closest known name), a line without '=', a
// recursive or missing !include, and an unbalanced section.
SqlConfig load_sql_config(const std::string& path);

// Checks that `driver` and `connect` are set and that `driver` names a
// driver Dovecot 2.3 knows (sqlite, pgsql, mysql). Throws ConfigError naming
// the file (or the option) and saying what to add.
void validate_sql_config(const SqlConfig& config);

// The known settings' names, for "did you mean" suggestions elsewhere.
bool is_sql_setting(std::string_view key);

} // namespace loginref

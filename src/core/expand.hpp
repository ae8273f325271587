// Dovecot 2.3 variable expansion (%u, %{user}, %Lu, %{sha256:user}, ...).
//
// Reproduces src/lib/var-expand.c and src/auth/auth-request-var-expand.c of
// Dovecot 2.3.19: the short and long names of the auth request table,
// %{passdb:..}/%{userdb:..}, %{env:..}, %{hostname}, %{uid}/%{gid}, the hash
// functions with their options, %{if;...}, modifiers L U E X R H N M D T,
// offset/width, %% and the dropped trailing %. As in Dovecot, values marked
// "escaped" in the table go through the driver's escape function when the
// table is built, *before* modifiers run (so %Lu lowercases the escaped
// string and %Mu hashes it).
//
// Expansion never throws (unless `escape` does) and accepts any input. An
// unknown variable does what Dovecot does: the text still expands (with
// Dovecot's UNSUPPORTED_VARIABLE_x placeholder) and `error` says why; auth
// then fails the lookup with a tempfail. Beyond Dovecot, loginref refuses
// (as an error) zero padding over 65536 characters, hash rounds over
// 100000 and nesting deeper than 64 levels, so hostile templates stay
// cheap.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace loginref {

// The raw values of one auth request, as auth_request_get_var_expand_table
// sees them. Empty strings are "unknown" (Dovecot prints them as "").
struct AuthVars {
  std::string user;          // %u: the normalised user (or the one renamed by a column)
  std::string original_user; // %{orig_user}: as the client typed it ("" = same as user)
  std::string service = "imap";
  std::string local_ip;  // %l
  std::string remote_ip; // %r
  std::string pid;       // %p: the login process's PID
  std::string password;  // %w: plaintext from the client ("" if none)
  std::string mech = "PLAIN";
  std::string secured;      // %c: "", "secured" or "TLS"
  unsigned local_port = 0;  // %a
  unsigned remote_port = 0; // %b
  std::string cert;         // %k: "valid" or ""
  std::string session;      // %{session}
  std::string real_local_ip, real_remote_ip;
  unsigned real_local_port = 0, real_remote_port = 0;
  std::string master_user;
  std::string login_user;
  std::string local_name;                           // TLS SNI
  std::string client_id;                            // IMAP ID
  std::string hostname;                             // %{hostname}
  unsigned passdb_id = 1;                           // %!
  std::map<std::string, std::string> passdb_fields; // %{passdb:name}
  std::map<std::string, std::string> userdb_fields; // %{userdb:name}
};

// Escapes a value for a quoted SQL literal (the driver's escape_string).
using Escaper = std::function<std::string(std::string_view)>;

// The expanded text, plus Dovecot's error when expansion "failed" (returned
// <= 0 in Dovecot; the text is then what Dovecot would have produced).
struct Expansion {
  std::string text;
  // Set exactly when Dovecot's return value would be <= 0. Dovecot's own
  // text where it has one: "Unknown variable '%x'", "Unknown variable
  // '%usr'" (for %{usr}: Dovecot drops the braces), "if: ...",
  // "Cannot parse hash arguments:...".
  std::optional<std::string> error;
};

// Expands `tmpl` against `vars`. Values that Dovecot escapes are passed
// through `escape` first; pass no_escape() where Dovecot passes NULL
// (auth_username_format).
Expansion expand(std::string_view tmpl, const AuthVars& vars, const Escaper& escape);

// The identity escaper.
Escaper no_escape();

} // namespace loginref

// One login attempt as a client makes it, the dovecot.conf settings that
// shape it (set with -o, Dovecot's own convention), and the username
// normalisation Dovecot's auth process applies before any query
// (src/auth/auth-request-fields.c: auth_request_fix_username, 2.3.19).
#pragma once

#include "core/expand.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace loginref {

// dovecot.conf settings loginref honours. Defaults are Dovecot 2.3.19's.
struct AuthSettings {
  std::string auth_username_chars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@";
  std::string auth_username_translation;
  std::string auth_default_realm;
  std::string auth_username_format = "%Lu";
  std::string auth_proxy_self; // space-separated IPs that count as "this server"
  // Post-login CAPABILITY; "" = Dovecot's default list, "+X Y" appends.
  std::string imap_capability;
  // Not a single setting: whether the user's namespace defines special_use
  // mailboxes (Debian's stock 15-mailboxes.conf does), which makes imap add
  // SPECIAL-USE. Set by --special-use.
  bool special_use_mailboxes = false;
};

// Sets one `NAME=VALUE` (as given to -o; the value may be empty and may
// contain '='). Throws UsageError
// "-o NAME: unknown setting (did you mean 'auth_username_format'?)",
// "-o NAME: unknown setting (known settings: auth_username_chars, ...)" when
// nothing is close, or "-o X: expected NAME=VALUE" (no '=' or no name).
void apply_setting(AuthSettings& settings, std::string_view name_equals_value);

// The names apply_setting accepts.
std::vector<std::string> auth_setting_names();

// What the client does and what Dovecot knows about the connection.
struct LoginRequest {
  std::string user;                    // as typed by the client
  std::optional<std::string> password; // nullopt: check skipped
  std::string mech = "PLAIN";          // the LOGIN command is SASL PLAIN
  std::string service = "imap";
  std::string remote_ip; // "" = unknown
  std::string local_ip;  // "" = unknown
  unsigned remote_port = 0;
  unsigned local_port = 143;
  bool secured = false; // TLS, trusted network or remote == local
  std::string tag = "a1";
  std::string hostname; // for the tempfail line and %{hostname}
};

// The username after auth_request_fix_username, or Dovecot's reason to
// refuse it before any query (which the client sees as an ordinary
// authentication failure).
struct NormalizedUser {
  std::string user;    // %u: realm added, translated, auth_username_format applied
                       // ("" when refused)
  std::string refusal; // non-empty: Dovecot's log message, e.g.
                       // "Username character disallowed by auth_username_chars: 0x27 (username:
                       // o'hara)" or "Empty username"
  // Set when auth_username_format did not expand cleanly, e.g.
  // "Failed to expand username_format=%{usr}: Unknown variable '%usr'".
  // Dovecot 2.3.19 computes this message and then discards it: the login
  // goes on with the text as expanded (UNSUPPORTED_VARIABLE_... included),
  // so this is a warning, never a refusal.
  std::string format_error;
  bool refused() const { return !refusal.empty(); }
};

// Applies auth_default_realm (only to a name without '@'),
// auth_username_translation and auth_username_chars (per character, the
// check sees the translated character), then auth_username_format (no
// escaping; %w is empty because auth has not seen the password yet), in
// Dovecot 2.3.19's order. An empty user from the client is not refused
// earlier (mech-plain.c passes it on): it is refused here as
// "Empty username", unless auth_default_realm makes it "@realm". Never
// throws.
NormalizedUser normalize_username(const AuthSettings& settings, const LoginRequest& request);

// The auth request's variables (auth-request-var-expand.c) for `request`
// with the normalised `user` and the client's `password`.
AuthVars auth_vars(const LoginRequest& request, const std::string& user, std::string_view password);

// Dovecot refuses passwords containing \001, \t, \r or \n before any query
// (auth-request.c: password_has_illegal_chars): the result is USER_UNKNOWN,
// logged as "Attempted login with password having illegal chars". Like
// Dovecot, looks only up to the first NUL.
bool password_has_illegal_chars(std::string_view password);

} // namespace loginref

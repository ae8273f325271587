// What Dovecot 2.3.19 does with a finished passdb lookup: auth's proxy and
// proxy_maybe resolution (src/auth/auth-request.c: auth_request_proxy_finish),
// the reply to imap-login (auth-request-handler.c), and imap-login's choice
// between proxying, referring, refusing and logging in
// (src/login-common/client-common-auth.c: client_auth_parse_args,
// client_auth_handle_reply; sasl-server.c: authenticate_callback).
//
// decide() is pure: no I/O, no clock. The one outside fact it needs, the
// addresses of a proxy host name, comes in through a resolver callback.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/login_request.hpp"
#include "core/passdb_result.hpp"
#include "core/warning.hpp"

namespace loginref {

// The decisions loginref reports (see man/loginref.1).
enum class DecisionKind {
  proxy,            // imap-login proxies the session to host[:port]
  referral_suggest, // host without nologin/proxy: Dovecot logs in locally anyway
  referral_require, // host + nologin: NO [REFERRAL ...]
  local,            // logged in here
  reject,           // authentication failed or login disabled
  tempfail,         // temporary failure: the query, the DNS or the config failed
};

// "referral-suggest", ...
std::string_view to_string(DecisionKind kind);
std::optional<DecisionKind> decision_kind_from_name(std::string_view name);
// Every decision's name, in the order above.
std::vector<std::string> decision_names();

// imap-login's enum client_auth_result, plus the two proxy outcomes.
enum class LoginResult {
  logged_in,          // the imap process answers OK ... Logged in
  proxied,            // the backend accepted; the client sees its OK line
  proxy_failed,       // NO [UNAVAILABLE] Account is temporarily unavailable.
  referral_nologin,   // NO [REFERRAL url] reason
  login_disabled,     // NO [CONTACTADMIN] reason
  auth_failed,        // NO [AUTHENTICATIONFAILED] Authentication failed.
  auth_failed_reason, // NO [ALERT] reason (or NO reason when it starts with '[')
  tempfail,           // NO [UNAVAILABLE] Temporary authentication failure. [host:time]
};

// An RFC 2221 referral as imap-login builds it.
struct Referral {
  std::string host; // the `host` field as given ("" is possible)
  unsigned port = 143;
  std::string userid; // destuser, else the user auth replied with
  std::string mech;   // the client's SASL mechanism, upper case
};

// Where imap-login proxies to.
struct ProxyTarget {
  std::string host;
  std::string hostip; // resolved by auth when host is a name
  unsigned port = 143;
  std::string destuser;
  bool ssl = false;
  bool starttls = false;
};

struct Decision {
  DecisionKind kind = DecisionKind::tempfail;
  LoginResult result = LoginResult::tempfail;
  std::string reason; // the text after the response code (tempfail: without the [host:time] suffix)
  std::string rule;   // one line: what decided, in terms of fields and Dovecot's code
  std::optional<Referral> referral;      // referral_require and referral_suggest
  std::optional<ProxyTarget> proxy;      // proxy
  std::vector<PassdbField> reply_fields; // the fields auth sends to imap-login
  std::vector<Warning> warnings;
};

// Addresses of a host name, or nullopt when the lookup fails (as Dovecot's
// dns-client would).
using Resolver = std::function<std::optional<std::vector<std::string>>(const std::string& host)>;

// Everything decide() judges.
struct DecisionInput {
  const PassdbResult& passdb; // after finish_passdb_lookup
  const LoginRequest& request;
  const AuthSettings& settings;
  bool password_known = true; // false: the check was skipped (no password given)
};

// Decides, in Dovecot 2.3.19's order. Never throws.
Decision decide(const DecisionInput& input, const Resolver& resolve);

// The resolver loginref uses: getaddrinfo(), as Dovecot's dns-client does.
std::optional<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& host);

} // namespace loginref

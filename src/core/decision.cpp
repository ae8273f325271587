#include "core/decision.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <set>

#include "core/ip_addr.hpp"

namespace loginref {

namespace {

constexpr std::array<std::pair<DecisionKind, std::string_view>, 6> k_decision_names = {{
    {DecisionKind::proxy, "proxy"},
    {DecisionKind::referral_suggest, "referral-suggest"},
    {DecisionKind::referral_require, "referral-require"},
    {DecisionKind::local, "local"},
    {DecisionKind::reject, "reject"},
    {DecisionKind::tempfail, "tempfail"},
}};

// client_auth_fail_codes (login-common/client-common-auth.c): the code=
// values imap-login knows.
const std::set<std::string, std::less<>> k_fail_codes = {
    "authz_fail",     "temp_fail",         "user_disabled",          "pass_expired",
    "invalid_base64", "auth_mech_invalid", "auth_mech_ssl_required", "anonymous_denied",
};

// What auth sends to imap-login: OK or FAIL, the extra fields, and a code.
struct AuthReply {
  bool success = false;
  std::vector<PassdbField> fields;
  std::string code;     // "temp_fail" or ""
  std::string rule;     // why auth answered this way
  bool crashed = false; // the auth process died on an assertion
};

// client_auth_reply, the parts imap-login looks at for IMAP.
struct LoginReply {
  bool nologin = false;
  bool proxy = false;
  bool temp_fail_code = false;
  const std::string* reason = nullptr;
  const std::string* host = nullptr;
  const std::string* hostip = nullptr;
  const std::string* destuser = nullptr;
  const std::string* pass = nullptr;
  const std::string* proxy_mech = nullptr;
  unsigned port = 0;
  bool ssl = false;
  bool starttls = false;
};

const std::string* find_field(const std::vector<PassdbField>& fields, std::string_view name) {
  for (const PassdbField& field : fields) {
    if (field.name == name) {
      return &field.value;
    }
  }
  return nullptr;
}

bool has_field(const std::vector<PassdbField>& fields, std::string_view name) {
  return find_field(fields, name) != nullptr;
}

void add_field(std::vector<PassdbField>& fields, std::string_view name, std::string_view value) {
  for (PassdbField& field : fields) {
    if (field.name == name) {
      field.value = value;
      return;
    }
  }
  fields.push_back({std::string(name), std::string(value), false});
}

void remove_field(std::vector<PassdbField>& fields, std::string_view name) {
  std::erase_if(fields, [&](const PassdbField& field) { return field.name == name; });
}

// auth_request_proxy_finish_failure: drop every proxying field.
void remove_proxy_fields(std::vector<PassdbField>& fields) {
  for (std::string_view name :
       {"proxy", "proxy_maybe", "proxy_always", "host", "port", "destuser"}) {
    remove_field(fields, name);
  }
}

// net_str2port: 1..65535, decimal digits only.
std::optional<unsigned> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > 65535) {
    return std::nullopt;
  }
  return value;
}

// auth_request_proxy_ip_is_self: the connection's local IP or auth_proxy_self.
// auth_settings_set_self_ips resolves each space-separated auth_proxy_self
// entry with net_gethostbyname, so an entry may be a host name too.
bool ip_is_self(const IpAddr& ip, const DecisionInput& input, const Resolver& resolve) {
  if (std::optional<IpAddr> local = parse_ip(input.request.local_ip); local && *local == ip) {
    return true;
  }
  const std::string& self_list = input.settings.auth_proxy_self;
  std::size_t pos = 0;
  while (pos < self_list.size()) {
    const std::size_t end = std::min(self_list.find(' ', pos), self_list.size());
    const std::string entry = self_list.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) {
      continue;
    }
    if (std::optional<IpAddr> self = parse_ip(entry)) {
      if (*self == ip) {
        return true;
      }
      continue;
    }
    if (std::optional<std::vector<std::string>> addresses = resolve(entry)) {
      for (const std::string& address : *addresses) {
        if (std::optional<IpAddr> self = parse_ip(address); self && *self == ip) {
          return true;
        }
      }
    }
  }
  return false;
}

// auth_request_proxy_is_self: str_uint_equals(port, local_port), so the port
// is compared as a number ("0143" is 143) and a non-number never matches.
bool port_is_local(const std::string& port, unsigned local_port) {
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  return ec == std::errc() && end == port.data() + port.size() && value == local_port;
}

// auth_request_proxy_finish_ip.
void finish_proxy_ip(std::vector<PassdbField>& fields, bool host_is_self,
                     const DecisionInput& input, std::string& rule) {
  if (!has_field(fields, "proxy_maybe")) {
    return;
  }
  const std::string* port = find_field(fields, "port");
  // auth_request_proxy_is_self compares the port only; destuser is ignored.
  const bool port_differs = port && !port_is_local(*port, input.request.local_port);
  if (!host_is_self || port_differs) {
    remove_field(fields, "proxy_maybe");
    add_field(fields, "proxy", "");
    rule = port_differs && host_is_self
               ? "proxy_maybe: host is this server but port differs from the local port, so proxy"
               : "proxy_maybe: host is not this server, so proxy";
    return;
  }
  const bool proxy_always = has_field(fields, "proxy_always");
  remove_proxy_fields(fields);
  rule = "proxy_maybe: host is this server (local IP/port or auth_proxy_self), so the proxy "
         "fields are dropped";
  if (proxy_always) {
    add_field(fields, "proxy", "");
    rule += ", but proxy_always adds proxy back";
  }
}

// auth_request_proxy_finish for a reply with proxy or proxy_maybe. Returns
// false when it turned the reply into a failure.
bool finish_proxy(AuthReply& reply, const DecisionInput& input, const Resolver& resolve) {
  bool host_is_self = false;
  const std::string* host = find_field(reply.fields, "host");
  if (!host) {
    // For director: only the local address (net_ip2addr) and port are
    // added; nothing is "self".
    if (std::optional<IpAddr> local = parse_ip(input.request.local_ip)) {
      add_field(reply.fields, "lip", to_string(*local));
    }
    if (input.request.local_port != 0) {
      add_field(reply.fields, "lport", std::to_string(input.request.local_port));
    }
  } else if (std::optional<IpAddr> ip = parse_ip(*host)) {
    host_is_self = ip_is_self(*ip, input, resolve);
  } else if (const std::string* hostip = find_field(reply.fields, "hostip")) {
    std::optional<IpAddr> parsed = parse_ip(*hostip);
    if (!parsed) {
      // Fails the request without removing the proxy fields.
      reply.success = false;
      reply.rule = "Invalid hostip in passdb: " + *hostip;
      remove_field(reply.fields, "nologin");
      return false;
    }
    host_is_self = ip_is_self(*parsed, input, resolve);
  } else {
    const std::string name = *host;
    if (name.empty()) {
      // 2.3.19 asks its DNS client to look up "", which fails an assertion
      // (dns_client_lookup_common) and kills auth: observed live, the
      // client then gets an immediate authentication failure.
      reply.success = false;
      reply.crashed = true;
      reply.rule = "proxy with an empty host: the auth process panics";
      reply.fields.clear();
      return false;
    }
    std::optional<std::vector<std::string>> addresses = resolve(name);
    if (!addresses || addresses->empty()) {
      reply.success = false;
      reply.code = "temp_fail";
      reply.rule = "DNS lookup for " + name + " failed";
      remove_proxy_fields(reply.fields);
      remove_field(reply.fields, "nologin");
      return false;
    }
    add_field(reply.fields, "hostip", addresses->front());
    for (const std::string& address : *addresses) {
      std::optional<IpAddr> ip = parse_ip(address);
      host_is_self = host_is_self || (ip && ip_is_self(*ip, input, resolve));
    }
  }
  finish_proxy_ip(reply.fields, host_is_self, input, reply.rule);
  return true;
}

// The auth process: the passdb's result, proxy/proxy_maybe resolution, and
// the reply line's fields (auth-request-handler.c, 2.3.19).
AuthReply auth_reply(const DecisionInput& input, const Resolver& resolve) {
  const PassdbResult& passdb = input.passdb;
  AuthReply reply;
  for (const PassdbField& field : passdb.fields) {
    if (!field.hidden) {
      reply.fields.push_back(field);
    }
  }
  if (passdb.status != PassdbStatus::ok) {
    reply.code = passdb.status == PassdbStatus::internal_failure ? "temp_fail" : "";
    reply.rule = "passdb " + std::string(to_string(passdb.status)) + ": " + passdb.failure;
    remove_proxy_fields(reply.fields);
    remove_field(reply.fields, "nologin");
    return reply;
  }
  reply.success = true;
  reply.rule = "passdb ok";
  if (has_field(reply.fields, "proxy") || has_field(reply.fields, "proxy_maybe")) {
    if (!finish_proxy(reply, input, resolve)) {
      return reply;
    }
  }
  // auth_request_handler_reply_success_finish: auth_fields_booleanize, so
  // nologin=x and proxy=x are sent as bare keys on every OK reply.
  for (PassdbField& field : reply.fields) {
    if (field.name == "nologin" || field.name == "proxy") {
      field.value.clear();
    }
  }
  return reply;
}

// client_auth_parse_args (login-common, 2.3.19). `code` is the code= auth
// puts before the extra fields of a FAIL line
// (auth_request_handler_reply_failure_finish), so it is seen first.
LoginReply parse_login_args(const std::vector<PassdbField>& fields, const std::string& code) {
  LoginReply reply;
  // reply_r->fail_code: a code= is looked up only while no fail code is
  // set yet, and nologin sets LOGIN_DISABLED whatever came before.
  bool fail_code_set = false;
  if (!code.empty()) {
    fail_code_set = true;
    reply.temp_fail_code = code == "temp_fail";
  }
  for (const PassdbField& field : fields) {
    const std::string& key = field.name;
    if (key == "nologin") {
      reply.nologin = true;
      fail_code_set = true;
      reply.temp_fail_code = false;
    } else if (key == "proxy") {
      reply.proxy = true;
    } else if (key == "reason") {
      reply.reason = &field.value;
    } else if (key == "host") {
      reply.host = &field.value;
    } else if (key == "hostip") {
      reply.hostip = &field.value;
    } else if (key == "port") {
      // An invalid port is logged and ignored.
      reply.port = parse_port(field.value).value_or(reply.port);
    } else if (key == "destuser") {
      reply.destuser = &field.value;
    } else if (key == "pass") {
      reply.pass = &field.value;
    } else if (key == "proxy_mech") {
      reply.proxy_mech = &field.value;
    } else if (key == "ssl") {
      // Any value, even "no", turns SSL on; the port becomes 993 if unset.
      reply.ssl = true;
      if (reply.port == 0) {
        reply.port = 993;
      }
    } else if (key == "starttls") {
      reply.ssl = true;
      reply.starttls = true;
    } else if (key == "code" && !fail_code_set) {
      // client_auth_fail_code_lookup; an unknown name leaves it unset.
      fail_code_set = k_fail_codes.contains(field.value);
      reply.temp_fail_code = field.value == "temp_fail";
    }
  }
  if (reply.port == 0) {
    reply.port = 143;
  }
  return reply;
}

// proxy_check_start: the reasons imap-login refuses to start a proxy.
std::optional<std::string> proxy_start_problem(const LoginReply& reply, const std::string& destuser,
                                               const DecisionInput& input) {
  // "password not given" cannot happen for IMAP LOGIN: the client always
  // sends one, and auth adds it as pass= when proxying.
  if (!reply.host || reply.host->empty()) {
    return "host not given";
  }
  std::optional<IpAddr> ip;
  if (reply.hostip && !reply.hostip->empty()) {
    ip = parse_ip(*reply.hostip);
    if (!ip) {
      return "Invalid hostip " + *reply.hostip;
    }
  } else {
    ip = parse_ip(*reply.host);
    if (!ip) {
      return "BUG: host " + *reply.host + " is not an IP (auth should have changed it)";
    }
  }
  if (reply.proxy_mech) {
    std::string mech = *reply.proxy_mech;
    std::transform(mech.begin(), mech.end(), mech.begin(), ::toupper);
    // dsasl_client_mech_find (strcasecmp) over what dsasl_clients_init
    // registers in 2.3.19's lib-sasl: no ANONYMOUS and no SCRAM client.
    if (mech != "PLAIN" && mech != "LOGIN" && mech != "EXTERNAL" && mech != "OAUTHBEARER" &&
        mech != "XOAUTH2") {
      return "Unsupported SASL mechanism " + *reply.proxy_mech;
    }
  }
  // login_proxy_is_ourself: same port, same local IP, same user.
  std::optional<IpAddr> local = parse_ip(input.request.local_ip);
  std::optional<IpAddr> host_ip = parse_ip(*reply.host);
  if (reply.port == input.request.local_port && host_ip && local && *host_ip == *local &&
      destuser == input.passdb.user) {
    return "Proxying loops to itself";
  }
  return std::nullopt;
}

Referral make_referral(const LoginReply& reply, const std::string& destuser,
                       const DecisionInput& input) {
  std::string mech = input.request.mech;
  std::transform(mech.begin(), mech.end(), mech.begin(), ::toupper);
  return Referral{*reply.host, reply.port, destuser, mech};
}

// client_auth_handle_reply and the paths around it in sasl_callback.
void login_decision(const AuthReply& auth, const DecisionInput& input, Decision& decision) {
  const LoginReply reply = parse_login_args(auth.fields, auth.code);
  const std::string destuser = reply.destuser ? *reply.destuser : input.passdb.user;

  if (auth.crashed) {
    decision.kind = DecisionKind::reject;
    decision.result = LoginResult::auth_failed;
    decision.reason = "Authentication failed.";
    decision.rule = auth.rule;
    decision.warnings.push_back(
        {"auth_crash", "Dovecot 2.3.19's auth process panics on this row (" + auth.rule +
                           "); every login it serves at that moment fails"});
    return;
  }
  if (auth.success && !reply.nologin && !reply.proxy) {
    // authenticate_callback hands such a reply to the imap process without
    // looking at any other field: host and reason are ignored.
    decision.result = LoginResult::logged_in;
    decision.reason = "Logged in";
    if (reply.host) {
      decision.kind = DecisionKind::referral_suggest;
      decision.referral = make_referral(reply, destuser, input);
      decision.rule = "host without nologin or proxy: Dovecot 2.3 logs the user in here and "
                      "never sends the referral";
      decision.warnings.push_back(
          {"referral_suggest_ignored",
           "host is set without nologin: Dovecot 2.3's imap-login never sends the "
           "suggestion (OK [REFERRAL ...]) and logs the user in here; add nologin to "
           "require the referral"});
    } else {
      decision.kind = DecisionKind::local;
      decision.rule = auth.rule == "passdb ok" ? "no nologin, proxy or host: local login"
                                               : auth.rule + "; local login";
    }
    return;
  }

  if (reply.proxy) {
    if (!auth.success) {
      // A FAIL with proxy set is a plain authentication failure.
      decision.kind = DecisionKind::reject;
      decision.result = LoginResult::auth_failed;
      decision.reason = "Authentication failed.";
      decision.rule = auth.rule + "; proxy set on a failed reply: authentication failed";
      return;
    }
    if (std::optional<std::string> problem = proxy_start_problem(reply, destuser, input)) {
      decision.kind = DecisionKind::tempfail;
      decision.result = LoginResult::proxy_failed;
      decision.reason = "Account is temporarily unavailable.";
      decision.rule = "proxy cannot start: " + *problem;
      if (*problem == "host not given" || *problem == "Proxying loops to itself") {
        // Observed live with 2.3.19.1: the line is sent, then imap-login
        // dies with signal 11.
        decision.warnings.push_back(
            {"imap_login_crash", "Dovecot 2.3.19's imap-login sends this line and then crashes "
                                 "(signal 11): " +
                                     *problem});
      }
      return;
    }
    decision.kind = DecisionKind::proxy;
    decision.result = LoginResult::proxied;
    decision.reason = "Logged in";
    decision.proxy = ProxyTarget{*reply.host, reply.hostip ? *reply.hostip : "",
                                 reply.port,  destuser,
                                 reply.ssl,   reply.starttls};
    decision.rule =
        auth.rule == "passdb ok" ? "proxy with host: imap-login proxies the session" : auth.rule;
    return;
  }

  // A failed reply always counts as nologin here.
  const bool nologin = reply.nologin || !auth.success;
  if (reply.host && nologin) {
    decision.kind = DecisionKind::referral_require;
    decision.result = LoginResult::referral_nologin;
    decision.reason = reply.reason ? *reply.reason : "Try this server instead.";
    decision.referral = make_referral(reply, destuser, input);
    decision.rule = auth.success ? "nologin and host: imap-login refers the client and refuses "
                                   "the login"
                                 : auth.rule + "; host kept on a failed reply: referral";
    return;
  }
  if (auth.success) {
    // nologin without host: the fail code is always LOGIN_DISABLED.
    decision.kind = DecisionKind::reject;
    decision.result = LoginResult::login_disabled;
    decision.reason = reply.reason ? *reply.reason : "Login disabled for this user";
    decision.rule = "nologin without host: login disabled";
    return;
  }
  decision.rule = auth.rule;
  if (reply.temp_fail_code || auth.code == "temp_fail") {
    // Any reason from auth is discarded for a tempfail.
    decision.kind = DecisionKind::tempfail;
    decision.result = LoginResult::tempfail;
    decision.reason = "Temporary authentication failure.";
    return;
  }
  decision.kind = DecisionKind::reject;
  if (reply.reason) {
    decision.result = LoginResult::auth_failed_reason;
    decision.reason = *reply.reason;
  } else {
    decision.result = LoginResult::auth_failed;
    decision.reason = "Authentication failed.";
  }
}

// Warnings about the row that only make sense once the outcome is known.
void add_outcome_warnings(const DecisionInput& input, Decision& decision) {
  const PassdbResult& passdb = input.passdb;
  if (passdb.status == PassdbStatus::ok || passdb.rolled_back.empty()) {
    return;
  }
  std::string names;
  for (const PassdbField& field : passdb.rolled_back) {
    if (!field.hidden && field.name != "nopassword") {
      names += (names.empty() ? "" : ", ") + field.name;
    }
  }
  if (!names.empty()) {
    decision.warnings.push_back(
        {"fields_discarded_on_failure",
         "the passdb lookup failed, so Dovecot 2.3 discards every field the row set (" + names +
             "): the client gets no referral, proxy or custom reason"});
  }
}

} // namespace

std::string_view to_string(DecisionKind kind) {
  for (const auto& [value, name] : k_decision_names) {
    if (value == kind) {
      return name;
    }
  }
  return "tempfail";
}

std::optional<DecisionKind> decision_kind_from_name(std::string_view name) {
  for (const auto& [value, known] : k_decision_names) {
    if (known == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::vector<std::string> decision_names() {
  std::vector<std::string> names;
  for (const auto& [value, name] : k_decision_names) {
    names.emplace_back(name);
  }
  return names;
}

Decision decide(const DecisionInput& input, const Resolver& resolve) {
  Decision decision;
  const AuthReply auth = auth_reply(input, resolve);
  decision.reply_fields = auth.fields;
  login_decision(auth, input, decision);
  add_outcome_warnings(input, decision);
  return decision;
}

std::optional<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* raw = nullptr;
  if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &raw) != 0) {
    return std::nullopt;
  }
  const std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(raw, &freeaddrinfo);
  std::vector<std::string> addresses;
  for (const addrinfo* entry = list.get(); entry != nullptr; entry = entry->ai_next) {
    char text[NI_MAXHOST] = {};
    if (getnameinfo(entry->ai_addr, entry->ai_addrlen, text, sizeof(text), nullptr, 0,
                    NI_NUMERICHOST) == 0 &&
        std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
      addresses.emplace_back(text);
    }
  }
  return addresses;
}

} // namespace loginref

// The auth request table (auth_request_get_var_expand_table_full) and
// function table (auth_request_var_funcs_table) of Dovecot 2.3.19's
// src/auth/auth-request-var-expand.c. The code is our own.
#include "core/auth_var_table.hpp"

#include "core/strfuncs.hpp"

#include <map>

namespace loginref {

namespace {

// Where an entry's value comes from. The table is a constant list of
// names; a value is computed (and escaped) only when a template asks for
// it: building all ~50 values for every login cost more than the rest of
// an audit's lookup (bench/README.md).
enum class Source : unsigned char {
  empty, // NULL in Dovecot's table: printed as ""
  user,
  username,
  domain,
  service,
  local_ip,
  remote_ip,
  pid,
  password,
  passdb_id,
  mech,
  secured,
  local_port,
  remote_port,
  cert,
  login_user,
  login_username,
  login_domain,
  session,
  real_local_ip,
  real_remote_ip,
  real_local_port,
  real_remote_port,
  domain_first,
  domain_last,
  master_user,
  orig_user,
  orig_username,
  orig_domain,
  auth_user,
  auth_username,
  auth_domain,
  local_name,
  client_id,
};

struct TableEntry {
  char key;              // '\0': long name only
  std::string_view name; // "": short key only (%!)
  Source source;
};

// auth_request_get_var_expand_table_full, in its order (a key or name is
// found at its first entry). Values that are escaped: user parts,
// service, password, mechanism, session, master user, local_name,
// client_id. Not escaped: IPs, ports, pid, %!, %c, %k.
constexpr TableEntry k_table[] = {
    {'u', "user", Source::user},
    {'n', "username", Source::username},
    {'d', "domain", Source::domain},
    {'s', "service", Source::service},
    {'h', "home", Source::empty}, // a passdb lookup has no home directory
    {'l', "lip", Source::local_ip},
    {'r', "rip", Source::remote_ip},
    {'p', "pid", Source::pid},
    {'w', "password", Source::password},
    {'!', "", Source::passdb_id},
    {'m', "mech", Source::mech},
    {'c', "secured", Source::secured},
    {'a', "lport", Source::local_port},
    {'b', "rport", Source::remote_port},
    {'k', "cert", Source::cert},
    {'\0', "login_user", Source::login_user},
    {'\0', "login_username", Source::login_username},
    {'\0', "login_domain", Source::login_domain},
    {'\0', "session", Source::session},
    {'\0', "real_lip", Source::real_local_ip},
    {'\0', "real_rip", Source::real_remote_ip},
    {'\0', "real_lport", Source::real_local_port},
    {'\0', "real_rport", Source::real_remote_port},
    {'\0', "domain_first", Source::domain_first},
    {'\0', "domain_last", Source::domain_last},
    {'\0', "master_user", Source::master_user},
    {'\0', "session_pid", Source::empty}, // no session process during login
    {'\0', "orig_user", Source::orig_user},
    {'\0', "orig_username", Source::orig_username},
    {'\0', "orig_domain", Source::orig_domain},
    {'\0', "auth_user", Source::auth_user},
    {'\0', "auth_username", Source::auth_username},
    {'\0', "auth_domain", Source::auth_domain},
    {'\0', "local_name", Source::local_name},
    {'\0', "client_id", Source::client_id},
    // Aliases, with the same values as their originals.
    {'\0', "local_ip", Source::local_ip},
    {'\0', "remote_ip", Source::remote_ip},
    {'\0', "local_port", Source::local_port},
    {'\0', "remote_port", Source::remote_port},
    {'\0', "real_local_ip", Source::real_local_ip},
    {'\0', "real_remote_ip", Source::real_remote_ip},
    {'\0', "real_local_port", Source::real_local_port},
    {'\0', "real_remote_port", Source::real_remote_port},
    {'\0', "mechanism", Source::mech},
    {'\0', "original_user", Source::orig_user},
    {'\0', "original_username", Source::orig_username},
    {'\0', "original_domain", Source::orig_domain},
};

std::string_view before_at(std::string_view name) { return name.substr(0, name.find('@')); }

// i_strchr_to_next(name, '@'): what follows the first '@', or nothing.
std::optional<std::string_view> after_first_at(std::string_view name) {
  const std::size_t at = name.find('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return name.substr(at + 1);
}

std::optional<std::string_view> after_last_at(std::string_view name) {
  const std::size_t at = name.rfind('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  return name.substr(at + 1);
}

// A value Dovecot passes through escape_func when building the table (a C
// string: it ends at the first NUL, before and after escaping).
std::string escaped(const Escaper& escape, std::string_view value) {
  return std::string(c_string(escape(c_string(value))));
}

// Dovecot leaves a NULL (printed as "") where the value is absent and
// escapes only present values.
std::string escaped_optional(const Escaper& escape, std::optional<std::string_view> value) {
  return value ? escaped(escape, *value) : std::string();
}

std::string plain(std::string_view value) { return std::string(c_string(value)); }

// The parts of a name split at its first '@' (user, username, domain), as
// the orig_*, auth_* and login_* entries have them.
enum class Part { user, username, domain };
std::string user_part(const Escaper& escape, std::string_view name, Part part) {
  switch (part) {
  case Part::user:
    return escaped(escape, name);
  case Part::username:
    return escaped(escape, before_at(name));
  case Part::domain:
    return escaped_optional(escape, after_first_at(name));
  }
  return {};
}

std::string table_value(Source source, const AuthVars& vars, const Escaper& escape) {
  const std::string_view user = vars.user;
  // %{orig_user} falls back to the current user when none was recorded.
  const std::string_view original = vars.original_user.empty() ? user : vars.original_user;
  const std::string_view auth = vars.master_user.empty() ? original : vars.master_user;
  switch (source) {
  case Source::empty:
    return {};
  case Source::user:
    return user_part(escape, user, Part::user);
  case Source::username:
    return user_part(escape, user, Part::username);
  case Source::domain:
    return user_part(escape, user, Part::domain);
  case Source::service:
    return escaped(escape, vars.service);
  case Source::local_ip:
    return plain(vars.local_ip);
  case Source::remote_ip:
    return plain(vars.remote_ip);
  case Source::pid:
    return plain(vars.pid);
  case Source::password:
    return escaped(escape, vars.password);
  case Source::passdb_id:
    return std::to_string(vars.passdb_id);
  case Source::mech:
    return escaped(escape, vars.mech);
  case Source::secured:
    return plain(vars.secured);
  case Source::local_port:
    return std::to_string(vars.local_port);
  case Source::remote_port:
    return std::to_string(vars.remote_port);
  case Source::cert:
    return plain(vars.cert);
  // The login_* names exist (with NULL values) even without a login user.
  case Source::login_user:
    return vars.login_user.empty() ? std::string() : user_part(escape, vars.login_user, Part::user);
  case Source::login_username:
    return vars.login_user.empty() ? std::string()
                                   : user_part(escape, vars.login_user, Part::username);
  case Source::login_domain:
    return vars.login_user.empty() ? std::string()
                                   : user_part(escape, vars.login_user, Part::domain);
  case Source::session:
    return escaped(escape, vars.session);
  case Source::real_local_ip:
    return plain(vars.real_local_ip);
  case Source::real_remote_ip:
    return plain(vars.real_remote_ip);
  case Source::real_local_port:
    return std::to_string(vars.real_local_port);
  case Source::real_remote_port:
    return std::to_string(vars.real_remote_port);
  case Source::domain_first: {
    const std::optional<std::string_view> domain = after_first_at(user);
    return escaped_optional(escape, domain ? std::optional<std::string_view>(before_at(*domain))
                                           : std::nullopt);
  }
  case Source::domain_last:
    return escaped_optional(escape, after_last_at(user));
  case Source::master_user:
    return escaped(escape, vars.master_user);
  case Source::orig_user:
    return user_part(escape, original, Part::user);
  case Source::orig_username:
    return user_part(escape, original, Part::username);
  case Source::orig_domain:
    return user_part(escape, original, Part::domain);
  case Source::auth_user:
    return user_part(escape, auth, Part::user);
  case Source::auth_username:
    return user_part(escape, auth, Part::username);
  case Source::auth_domain:
    return user_part(escape, auth, Part::domain);
  case Source::local_name:
    return escaped(escape, vars.local_name);
  case Source::client_id:
    return escaped(escape, vars.client_id);
  }
  return {};
}

// auth_request_var_expand_func_passdb/userdb: "name[:default]", and the
// result (even the default) is escaped.
std::string field_value(const std::map<std::string, std::string>& fields, std::string_view data,
                        const Escaper& escape) {
  const std::size_t colon = data.find(':');
  const std::string name(data.substr(0, colon));
  const std::map<std::string, std::string>::const_iterator found = fields.find(name);
  if (found != fields.end()) {
    return escape(c_string(found->second));
  }
  return escape(colon == std::string_view::npos ? std::string_view() : data.substr(colon + 1));
}

} // namespace

std::optional<std::string> auth_var_short(char key, const AuthVars& vars, const Escaper& escape) {
  for (const TableEntry& entry : k_table) {
    if (entry.key != '\0' && entry.key == key) {
      return table_value(entry.source, vars, escape);
    }
  }
  return std::nullopt;
}

std::optional<std::string> auth_var_long(std::string_view name, const AuthVars& vars,
                                         const Escaper& escape) {
  for (const TableEntry& entry : k_table) {
    if (!entry.name.empty() && entry.name == name) {
      return table_value(entry.source, vars, escape);
    }
  }
  return std::nullopt;
}

std::optional<std::string> auth_var_func(std::string_view name, std::string_view data,
                                         const AuthVars& vars, const Escaper& escape) {
  if (name == "passdb") {
    return field_value(vars.passdb_fields, data, escape);
  }
  if (name == "userdb") {
    return field_value(vars.userdb_fields, data, escape);
  }
  return std::nullopt;
}

} // namespace loginref

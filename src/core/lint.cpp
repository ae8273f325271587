#include "core/lint.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "core/expand.hpp"
#include "core/suggest.hpp"

namespace loginref {

namespace {

// ---------------------------------------------------------------------------
// Query lint

// The escaper used to probe expand(): a value that went through it carries
// this byte, so "escaped or not" comes from expand()'s own table.
constexpr char k_escape_mark = '\x01';

// Where a variable sits in the SQL text.
enum class Quoting { none, single, double_quote, backtick };

struct VariableUse {
  std::string token;     // as written, e.g. "%Lu" or "%{user}"
  std::string key;       // without width and modifiers: "%u", "%{user}"
  std::string long_name; // the text between the braces ("" for a short key)
  Quoting quoting = Quoting::none;
};

bool is_modifier(char c) {
  return std::string_view("LUEXRHNMDT").find(c) != std::string_view::npos;
}

// Finds the end of a %{...} starting at `open` (the '{'): nested braces
// count, as in var-expand.c. npos when there is no closing brace.
std::size_t closing_brace(std::string_view text, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < text.size(); ++i) {
    if (text[i] == '{') {
      ++depth;
    } else if (text[i] == '}' && --depth == 0) {
      return i;
    }
  }
  return std::string_view::npos;
}

// Every % variable of `query` with its SQL quoting, read with Dovecot's
// syntax (src/lib/var-expand.c): %% is a literal, then [-][0]digits
// [.[0][-]digits], modifiers, and a key or {long key}. SQL quotes follow
// the SQL text around the variables; '' inside '...' stays inside, and a
// backslash escapes the next character on mysql only.
std::vector<VariableUse> variables_of(std::string_view query, bool backslash_escapes) {
  std::vector<VariableUse> uses;
  Quoting quoting = Quoting::none;
  std::size_t i = 0;
  while (i < query.size()) {
    const char c = query[i];
    if (c == '%') {
      std::size_t j = i + 1;
      if (j >= query.size()) {
        break; // a lone % at the end is dropped
      }
      if (query[j] == '%') {
        i = j + 1;
        continue;
      }
      j += query[j] == '-' ? 1 : 0;
      while (j < query.size() && std::isdigit(static_cast<unsigned char>(query[j]))) {
        ++j;
      }
      if (j < query.size() && query[j] == '.') {
        ++j;
        j += j < query.size() && query[j] == '0' ? 1 : 0;
        j += j < query.size() && query[j] == '-' ? 1 : 0;
        while (j < query.size() && std::isdigit(static_cast<unsigned char>(query[j]))) {
          ++j;
        }
      }
      while (j + 1 < query.size() && is_modifier(query[j])) {
        ++j;
      }
      if (j >= query.size()) {
        break;
      }
      VariableUse use;
      use.quoting = quoting;
      const std::size_t close = query[j] == '{' ? closing_brace(query, j) : std::string_view::npos;
      if (close != std::string_view::npos) {
        use.long_name = std::string(query.substr(j + 1, close - j - 1));
        use.key = "%{" + use.long_name + "}";
        j = close;
      } else {
        use.key = std::string("%") + query[j];
      }
      use.token = std::string(query.substr(i, j + 1 - i));
      uses.push_back(use);
      i = j + 1;
      continue;
    }
    if (quoting == Quoting::none) {
      quoting = c == '\''  ? Quoting::single
                : c == '"' ? Quoting::double_quote
                : c == '`' ? Quoting::backtick
                           : Quoting::none;
    } else if (c == '\\' && backslash_escapes) {
      ++i;
    } else {
      const char quote = quoting == Quoting::single         ? '\''
                         : quoting == Quoting::double_quote ? '"'
                                                            : '`';
      if (c == quote) {
        if (i + 1 < query.size() && query[i + 1] == quote) {
          ++i; // a doubled quote stays inside the literal
        } else {
          quoting = Quoting::none;
        }
      }
    }
    ++i;
  }
  return uses;
}

// Variable names Dovecot 2.3.19 knows, for did-you-mean.
const std::vector<std::string>& known_variables() {
  static const std::vector<std::string> names = {"user",
                                                 "username",
                                                 "domain",
                                                 "service",
                                                 "home",
                                                 "lip",
                                                 "rip",
                                                 "pid",
                                                 "password",
                                                 "mech",
                                                 "secured",
                                                 "lport",
                                                 "rport",
                                                 "cert",
                                                 "login_user",
                                                 "login_username",
                                                 "login_domain",
                                                 "session",
                                                 "real_lip",
                                                 "real_rip",
                                                 "real_lport",
                                                 "real_rport",
                                                 "domain_first",
                                                 "domain_last",
                                                 "master_user",
                                                 "session_pid",
                                                 "orig_user",
                                                 "orig_username",
                                                 "orig_domain",
                                                 "auth_user",
                                                 "auth_username",
                                                 "auth_domain",
                                                 "local_name",
                                                 "client_id",
                                                 "local_ip",
                                                 "remote_ip",
                                                 "local_port",
                                                 "remote_port",
                                                 "real_local_ip",
                                                 "real_remote_ip",
                                                 "real_local_port",
                                                 "real_remote_port",
                                                 "mechanism",
                                                 "original_user",
                                                 "original_username",
                                                 "original_domain",
                                                 "uid",
                                                 "gid",
                                                 "hostname"};
  return names;
}

// Functions whose result is computed (a hash, a choice): never a raw value.
bool is_computed(std::string_view long_name) {
  for (std::string_view prefix : {"md4:", "md5:", "sha1:", "sha256:", "sha384:", "sha512:",
                                  "sha3-256:", "sha3-512:", "pkcs5:", "if;"}) {
    if (long_name.starts_with(prefix)) {
      return true;
    }
  }
  return false;
}

// What expand() makes of the bare key: nullopt and the error when Dovecot
// does not know it, else the probe value (escaped values carry the mark).
struct Probe {
  std::optional<std::string> value;
  std::string error;
};

Probe probe(const VariableUse& use) {
  AuthVars vars;
  vars.user = "v@v";
  vars.original_user = "v@v";
  vars.local_ip = vars.remote_ip = vars.real_local_ip = vars.real_remote_ip = "v";
  vars.pid = "1";
  vars.password = "v";
  vars.secured = vars.cert = vars.session = vars.master_user = vars.login_user = "v";
  vars.local_name = vars.client_id = vars.hostname = "v";
  vars.local_port = vars.remote_port = vars.real_local_port = vars.real_remote_port = 1;
  for (std::string_view prefix : {"passdb:", "userdb:"}) {
    if (use.long_name.starts_with(prefix)) {
      std::string name = use.long_name.substr(prefix.size());
      name = name.substr(0, name.find(':'));
      (prefix == "passdb:" ? vars.passdb_fields : vars.userdb_fields)[name] = "v";
    }
  }
  const Escaper mark = [](std::string_view value) { return k_escape_mark + std::string(value); };
  const Expansion expansion = expand(use.key, vars, mark);
  if (expansion.error) {
    return Probe{std::nullopt, *expansion.error};
  }
  return Probe{expansion.text, ""};
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string query_origin(const SqlConfig& config) {
  const std::string& origin = config.password_query.origin;
  return origin.starts_with("--") ? origin : "password_query (" + origin + ")";
}

// ---------------------------------------------------------------------------
// Row lint

struct RowField {
  std::string name;
  std::string value;
};

// Every field the row set, whether it is in effect or was rolled back.
std::vector<RowField> row_fields(const PassdbResult& passdb) {
  std::vector<RowField> fields;
  for (const std::vector<PassdbField>* list : {&passdb.fields, &passdb.rolled_back}) {
    for (const PassdbField& field : *list) {
      fields.push_back({field.name, field.value});
    }
  }
  return fields;
}

const RowField* find_field(const std::vector<RowField>& fields, std::string_view name) {
  for (const RowField& field : fields) {
    if (field.name == name) {
      return &field;
    }
  }
  return nullptr;
}

bool in_reply(const Decision& decision, std::string_view name) {
  return std::any_of(decision.reply_fields.begin(), decision.reply_fields.end(),
                     [name](const PassdbField& field) { return field.name == name; });
}

// Shows a name or value with its control characters and spaces visible.
std::string quoted(std::string_view text) {
  static const char k_hex[] = "0123456789abcdef";
  std::string out = "'";
  for (char ch : text) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += k_hex[c >> 4];
      out += k_hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out + "'";
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool is_known_field(std::string_view name) {
  for (std::string_view prefix : {"userdb_", "user_", "forward_"}) {
    if (name.starts_with(prefix) && name.size() > prefix.size()) {
      return true;
    }
  }
  const std::vector<std::string>& known = known_passdb_fields();
  return std::find(known.begin(), known.end(), name) != known.end();
}

void lint_field_names(const std::vector<RowField>& fields, std::vector<Warning>& warnings) {
  for (const RowField& field : fields) {
    if (is_known_field(field.name)) {
      continue;
    }
    std::string why = "it reaches imap-login, which ignores it";
    const std::string trimmed = field.name.substr(0, field.name.find_last_not_of(" \t") + 1);
    if (trimmed != field.name && is_known_field(trimmed)) {
      why = "the name has trailing white space";
    } else if (is_known_field(lower(field.name))) {
      why = "field names are case-sensitive";
    }
    std::optional<std::string> close = closest_match(lower(trimmed), known_passdb_fields());
    warnings.push_back(Warning{
        "unknown_field", "column " + quoted(field.name) + " is not a field Dovecot 2.3 knows: " +
                             why + (close ? " (did you mean '" + *close + "'?)" : "")});
  }
}

// Flags Dovecot sets for any value that is not NULL (auth_fields_add keeps
// the field; client_auth_parse_args only looks at the key).
void lint_flag_values(const std::vector<RowField>& fields, std::vector<Warning>& warnings) {
  static const std::vector<std::string> flags = {
      "nologin",          "proxy",        "proxy_maybe",
      "proxy_always",     "nodelay",      "nopassword",
      "noauthenticate",   "fail",         "ssl",
      "starttls",         "proxy_noauth", "proxy_nopipelining",
      "proxy_not_trusted"};
  static const std::vector<std::string> false_words = {"", "n", "no", "0", "f", "false", "off"};
  for (const RowField& field : fields) {
    if (std::find(flags.begin(), flags.end(), field.name) == flags.end() ||
        std::find(false_words.begin(), false_words.end(), lower(field.value)) ==
            false_words.end()) {
      continue;
    }
    warnings.push_back(Warning{
        "flag_value_looks_false",
        field.name + "=" + quoted(field.value) + " looks like \"false\", but Dovecot 2.3 sets " +
            field.name + " for any value that is not NULL; return NULL to leave it unset"});
  }
}

bool valid_port(std::string_view text) {
  // net_str2port: a decimal number 1..65535.
  if (!all_digits(text) || text.size() > 5) {
    return false;
  }
  const unsigned long port = std::stoul(std::string(text));
  return port >= 1 && port <= 65535;
}

void lint_field_values(const Report& report, const std::vector<RowField>& fields,
                       std::vector<Warning>& warnings) {
  const Decision& decision = report.decision;
  if (in_reply(decision, "proxy") && in_reply(decision, "nologin")) {
    const bool host = in_reply(decision, "host");
    warnings.push_back(Warning{
        "nologin_ignored_by_proxy",
        std::string("proxy and nologin are both set: imap-login proxies the session and ignores "
                    "nologin") +
            (host ? ", so the referral to host is never sent" : "") +
            (in_reply(decision, "reason") ? " and reason is not shown" : "")});
  }
  if (const RowField* reason = find_field(fields, "reason");
      reason && reason->value.find_first_of("\r\n") != std::string::npos) {
    warnings.push_back(
        Warning{"reason_line_break",
                "reason contains a line break (CR or LF): Dovecot 2.3 sends it unchanged, so the "
                "response line ends there and the client reads the rest as another line"});
  }
  const PasswordCheck check = report.password_check.status;
  if (find_field(fields, "nodelay") &&
      (check == PasswordCheck::match || check == PasswordCheck::mismatch ||
       check == PasswordCheck::skipped)) {
    warnings.push_back(
        Warning{"nodelay_ignored",
                "nodelay is set and the password is checked: when the check fails, Dovecot 2.3 "
                "discards nodelay with the row's other fields, so the failure is still delayed "
                "(fixed in 2.4)"});
  }
  const std::vector<std::string>& log = report.passdb.log;
  if (std::find(log.begin(), log.end(), "nopassword set but password is non-empty") != log.end()) {
    warnings.push_back(
        Warning{"nopassword_ignored",
                "nopassword comes after a non-empty password column: Dovecot 2.3 logs \"nopassword "
                "set but password is non-empty\", ignores nopassword and verifies the password"});
  }
  if (const RowField* port = find_field(fields, "port"); port && !valid_port(port->value)) {
    warnings.push_back(Warning{
        "port_invalid", "port=" + quoted(port->value) +
                            " is not a port number (1-65535): imap-login logs \"Auth service "
                            "returned invalid port number\" and uses 143 (993 with ssl)"});
  }
  if (const RowField* host = find_field(fields, "host"); host && host->value.empty() &&
                                                         !find_field(fields, "proxy") &&
                                                         !find_field(fields, "proxy_maybe")) {
    warnings.push_back(Warning{"host_empty",
                               "host is empty: a referral to it has no host name "
                               "(imap://user;AUTH=PLAIN@/), which no client can follow"});
  }
  if (decision.kind == DecisionKind::referral_require && !report.request.secured) {
    warnings.push_back(Warning{
        "referral_not_secured",
        "the referral is sent on a connection that is not TLS (--secured not given): as RFC "
        "2221 warns, a man in the middle can change it and send the client to a server of "
        "their choice"});
  }
}

} // namespace

const std::vector<std::string>& known_passdb_fields() {
  // auth-request.c auth_request_set_field (and the fields it stores for
  // auth itself), auth-request-handler.c (nodelay), sasl-server.c and
  // client-common-auth.c client_auth_parse_args (what imap-login reads).
  static const std::vector<std::string> names = {"password",
                                                 "password_noscheme",
                                                 "user",
                                                 "username",
                                                 "domain",
                                                 "login_user",
                                                 "allow_nets",
                                                 "allow_real_nets",
                                                 "fail",
                                                 "delay_until",
                                                 "nopassword",
                                                 "noauthenticate",
                                                 "passdb_import",
                                                 "nodelay",
                                                 "proxy",
                                                 "proxy_maybe",
                                                 "proxy_always",
                                                 "nologin",
                                                 "reason",
                                                 "host",
                                                 "hostip",
                                                 "source_ip",
                                                 "port",
                                                 "destuser",
                                                 "pass",
                                                 "proxy_mech",
                                                 "proxy_timeout",
                                                 "proxy_host_immediate_failure_after",
                                                 "proxy_refresh",
                                                 "proxy_noauth",
                                                 "proxy_nopipelining",
                                                 "proxy_not_trusted",
                                                 "master",
                                                 "ssl",
                                                 "starttls",
                                                 "code",
                                                 "postlogin_socket",
                                                 "anonymous"};
  return names;
}

std::vector<Warning> lint_query(const SqlConfig& config) {
  std::vector<Warning> warnings;
  const bool mysql = config.driver.value == "mysql";
  const std::string where = query_origin(config);
  for (const VariableUse& use : variables_of(config.password_query.value, mysql)) {
    const Probe result = probe(use);
    if (!result.value) {
      std::optional<std::string> close;
      if (!use.long_name.empty()) {
        close = closest_match(use.long_name, known_variables());
      }
      warnings.push_back(Warning{"query_unknown_variable",
                                 where + ": " + use.token + ": " + result.error +
                                     ": Dovecot 2.3 fails every lookup with it (tempfail)" +
                                     (close ? " (did you mean %{" + *close + "}?)" : "")});
      continue;
    }
    const bool escaped = result.value->find(k_escape_mark) != std::string::npos;
    const bool computed =
        is_computed(use.long_name) || all_digits(*result.value) || result.value->empty();
    // '...' protects an escaped value on every driver; "..." only on mysql,
    // whose escape function also escapes '"'.
    const bool protected_quote =
        use.quoting == Quoting::single || (use.quoting == Quoting::double_quote && mysql);
    if (!protected_quote && !computed) {
      warnings.push_back(
          Warning{"query_variable_unquoted",
                  where + ": " + use.token + " is not inside '...': Dovecot 2.3's escaping only " +
                      "protects quoted values, so a crafted value can change the query (SQL " +
                      "injection); write '" + use.token + "'"});
    } else if (protected_quote && !escaped && !computed) {
      warnings.push_back(Warning{
          "query_variable_unescaped",
          where + ": " + use.token + " is not escaped by Dovecot 2.3 (only user names, the " +
              "password, service, mechanism, session and client values are): a quote in " +
              "its value would end the SQL literal"});
    }
  }
  return warnings;
}

std::vector<Warning> lint_report(const Report& report) {
  std::vector<Warning> warnings;
  const std::vector<RowField> fields = row_fields(report.passdb);
  lint_field_names(fields, warnings);
  lint_flag_values(fields, warnings);
  lint_field_values(report, fields, warnings);
  return warnings;
}

namespace {

// The query's warnings depend on the config alone, and an audit asks for
// them once per user: the last answer is kept (per thread, for --jobs).
const std::vector<Warning>& query_warnings(const SqlConfig& config) {
  // What the answer depends on, compared piece by piece (no copy per user).
  thread_local std::string driver;
  thread_local std::string origin;
  thread_local std::string query;
  thread_local std::vector<Warning> warnings;
  thread_local bool known = false;
  if (!known || config.driver.value != driver || config.password_query.origin != origin ||
      config.password_query.value != query) {
    warnings = lint_query(config);
    driver = config.driver.value;
    origin = config.password_query.origin;
    query = config.password_query.value;
    known = true;
  }
  return warnings;
}

} // namespace

void add_lint_warnings(Report& report, const SqlConfig& config) {
  std::vector<Warning> found = query_warnings(config);
  for (Warning& warning : lint_report(report)) {
    found.push_back(std::move(warning));
  }
  for (Warning& warning : found) {
    if (std::find(report.warnings.begin(), report.warnings.end(), warning) ==
        report.warnings.end()) {
      report.warnings.push_back(std::move(warning));
    }
  }
}

} // namespace loginref

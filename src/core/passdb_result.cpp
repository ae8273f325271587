#include "core/passdb_result.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include "core/ip_addr.hpp"

namespace loginref {

std::string_view to_string(PassdbStatus status) {
  switch (status) {
  case PassdbStatus::ok:
    return "ok";
  case PassdbStatus::user_unknown:
    return "user_unknown";
  case PassdbStatus::password_mismatch:
    return "password_mismatch";
  case PassdbStatus::internal_failure:
    return "internal_failure";
  }
  return "internal_failure";
}

const std::string* PassdbResult::find(std::string_view name) const {
  for (const PassdbField& field : fields) {
    if (field.name == name) {
      return &field.value;
    }
  }
  return nullptr;
}

namespace {

// auth_fields_add: a re-set field keeps its place and takes the new flags.
void add_field(PassdbResult& result, std::string_view name, std::string_view value, bool hidden) {
  for (PassdbField& field : result.fields) {
    if (field.name == name) {
      field.value = value;
      field.hidden = hidden;
      return;
    }
  }
  result.fields.push_back({std::string(name), std::string(value), hidden});
}

void remove_field(PassdbResult& result, std::string_view name) {
  std::erase_if(result.fields, [&](const PassdbField& field) { return field.name == name; });
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// password_get_scheme's view of a stored "{SCHEME}data": the data part.
std::string_view password_data(std::string_view stored) {
  const std::size_t close = stored.find('}');
  if (stored.empty() || stored.front() != '{' || close == std::string_view::npos) {
    return stored;
  }
  return stored.substr(close + 1);
}

// auth_request_set_password: a value "{X}..." keeps its own scheme unless
// it came from password_noscheme; a second value is ignored with an error.
void set_password(PassdbResult& result, std::string_view value, const PassdbInput& input,
                  bool noscheme) {
  if (result.password) {
    result.log.push_back("Multiple password values not supported");
    return;
  }
  if (!noscheme && !value.empty() && value.front() == '{' &&
      value.find('}') != std::string_view::npos) {
    result.password = std::string(value);
  } else {
    result.password = "{" + input.default_pass_scheme + "}" + std::string(value);
  }
}

// get_updated_username: `user` replaces the name, `username` the part
// before '@' (keeping the domain), `domain` the part after it.
std::optional<std::string> updated_username(std::string_view old_user, std::string_view name,
                                            std::string_view value) {
  const std::size_t at = old_user.find('@');
  if (name == "user") {
    return std::string(value);
  }
  if (name == "username") {
    if (value.find('@') != std::string_view::npos || at == std::string_view::npos) {
      return std::string(value);
    }
    return std::string(value) + std::string(old_user.substr(at));
  }
  if (name == "domain") {
    if (at == std::string_view::npos) {
      return std::string(old_user) + "@" + std::string(value);
    }
    return std::string(old_user.substr(0, at + 1)) + std::string(value);
  }
  return std::nullopt;
}

// auth_request_validate_networks: comma/space separated IPs and CIDRs, and
// "local" for a connection whose remote IP is not known.
void validate_networks(PassdbResult& result, std::string_view name, std::string_view networks,
                       std::string_view remote_ip) {
  const std::optional<IpAddr> remote = parse_ip(remote_ip);
  bool found = false;
  std::size_t pos = 0;
  while (!found && pos < networks.size()) {
    const std::size_t end = std::min(networks.find_first_of(", ", pos), networks.size());
    const std::string_view net = networks.substr(pos, end - pos);
    pos = end + 1;
    if (net.empty()) {
      continue;
    }
    if (net == "local") {
      found = !remote.has_value();
      continue;
    }
    if (!remote) {
      // Dovecot still validates the network's syntax here.
      if (!ip_in_network(IpAddr{}, net)) {
        result.log.push_back(std::string(name) + ": Invalid network '" + std::string(net) + "'");
      }
      continue;
    }
    const std::optional<bool> inside = ip_in_network(*remote, net);
    if (!inside) {
      result.log.push_back(std::string(name) + ": Invalid network '" + std::string(net) + "'");
    } else if (*inside) {
      found = true;
    }
  }
  if (found) {
    return;
  }
  if (!remote) {
    result.log.push_back(std::string(name) +
                         " check failed: Remote IP not known and 'local' missing");
  } else {
    result.log.push_back(std::string(name) + " check failed: IP " + to_string(*remote) +
                         " not in allowed networks");
  }
  result.failed = true;
}

void set_field(PassdbResult& result, std::string_view name, std::string_view value,
               const PassdbInput& input);

// auth_request_passdb_import: a tab-separated list of key=value pairs, each
// set in turn with `prefix` before the key ("userdb_" for
// userdb_userdb_import).
void import_fields(PassdbResult& result, std::string_view list, std::string_view prefix,
                   const PassdbInput& input) {
  std::size_t pos = 0;
  while (pos <= list.size()) {
    const std::size_t end = std::min(list.find('\t', pos), list.size());
    const std::string item = std::string(prefix) + std::string(list.substr(pos, end - pos));
    const std::size_t equals = item.find('=');
    // auth_request_set_field_keyvalue: no '=' means an empty value. An empty
    // key would trip an assertion in Dovecot; it is skipped here.
    const std::string_view key = std::string_view(item).substr(0, equals);
    if (!key.empty()) {
      set_field(result, key,
                equals == std::string::npos ? "" : std::string_view(item).substr(equals + 1),
                input);
    }
    pos = end + 1;
  }
}

// str_to_intmax / str_to_uint: optional '-' (signed only), then decimal
// digits only, no overflow.
std::optional<long long> parse_decimal(std::string_view text, bool allow_negative) {
  const bool negative = allow_negative && !text.empty() && text.front() == '-';
  const std::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  unsigned long long value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() ||
      value > static_cast<unsigned long long>(std::numeric_limits<long long>::max())) {
    return std::nullopt;
  }
  return negative ? -static_cast<long long>(value) : static_cast<long long>(value);
}

// auth_request_set_field's delay_until: "<unix time>[+<max random secs>]".
// It only delays a successful reply, so the response line is unaffected,
// but a bad value (or one more than AUTH_REQUEST_MAX_DELAY_SECS = 300 s
// ahead, judged only when `now` is known) fails the request.
void check_delay_until(PassdbResult& result, std::string_view value, const PassdbInput& input) {
  const std::size_t plus = value.find('+');
  if (plus != std::string_view::npos) {
    const std::string_view extra = value.substr(plus + 1);
    const std::optional<long long> secs = parse_decimal(extra, false);
    if (!secs || *secs > std::numeric_limits<unsigned int>::max()) {
      result.log.push_back("Invalid delay_until randomness number '" + std::string(extra) + "'");
      result.failed = true;
    }
    value = value.substr(0, plus);
  }
  const std::optional<long long> timestamp = parse_decimal(value, true);
  if (!timestamp) {
    result.log.push_back("Invalid delay_until timestamp '" + std::string(value) + "'");
    result.failed = true;
  } else if (input.now && *timestamp > *input.now && *timestamp - *input.now > 60 * 5) {
    result.log.push_back("delay_until timestamp " + std::string(value) +
                         " is too much in the future, failing");
    result.failed = true;
  }
}

// auth_request_set_field (Dovecot 2.3.19), one column of the first row.
void set_field(PassdbResult& result, std::string_view name, std::string_view value,
               const PassdbInput& input) {
  if (ends_with(name, ":protected")) {
    name.remove_suffix(10);
    if (result.has(name)) {
      return;
    }
  } else if (ends_with(name, ":remove")) {
    name.remove_suffix(7);
    remove_field(result, name);
    return;
  }

  if (name == "password" || name == "password_noscheme") {
    set_password(result, value, input, name == "password_noscheme");
    return;
  }
  if (std::optional<std::string> user = updated_username(result.user, name, value)) {
    if (user->empty()) {
      result.log.push_back("username attempted to be changed to empty");
      result.failed = true;
    } else if (*user != result.user) {
      result.log.push_back("username changed " + result.user + " -> " + *user);
      result.user = *user;
    }
  } else if (name == "allow_nets") {
    validate_networks(result, name, value, input.remote_ip);
  } else if (name == "allow_real_nets") {
    validate_networks(result, name, value, input.real_remote_ip);
  } else if (name == "fail") {
    result.failed = true;
  } else if (name == "login_user") {
    // auth_request_set_login_username_forced (a master-user style login,
    // which loginref does not follow); the field itself is hidden.
  } else if (name == "delay_until") {
    check_delay_until(result, value, input);
  } else if (name == "noauthenticate") {
    add_field(result, name, value, false);
    add_field(result, "nopassword", "", false);
  } else if (name == "nopassword") {
    // A non-empty password stored by an earlier column wins: the field is
    // not set and the password is still verified.
    if (result.password && !result.has("noauthenticate") &&
        !password_data(*result.password).empty()) {
      result.log.push_back("nopassword set but password is non-empty");
      return;
    }
    result.password.reset();
    add_field(result, name, value, false);
    return;
  } else if (name == "passdb_import") {
    import_fields(result, value, "", input);
    return;
  } else if (name.starts_with("userdb_")) {
    // For the prefetch userdb; never reaches imap-login.
    // userdb_userdb_import is imported as userdb_<key> fields and not
    // stored itself.
    if (name == "userdb_userdb_import") {
      import_fields(result, value, "userdb_", input);
      return;
    }
  } else {
    // Everything else (nologin, proxy, host, port, destuser, reason, ...)
    // is sent to imap-login in the reply.
    add_field(result, name, value, false);
    return;
  }
  // Fields auth handles itself are kept, hidden from the reply.
  add_field(result, name, value, true);
}

} // namespace

PassdbResult read_passdb_result(const driver::QueryResult& rows, const PassdbInput& input) {
  PassdbResult result;
  result.user = input.user;
  if (rows.rows.empty()) {
    result.status = PassdbStatus::user_unknown;
    result.failure = "unknown user";
    result.log.push_back("unknown user");
    return result;
  }
  const driver::Row& first = rows.rows.front();
  for (std::size_t i = 0; i < rows.columns.size() && i < first.size(); ++i) {
    const std::string& name = rows.columns[i];
    // An empty name is skipped; a NULL value is as if the column were absent.
    if (name.empty() || !first[i]) {
      continue;
    }
    set_field(result, name, *first[i], input);
  }

  const auto has_column = [&](std::string_view column) {
    // sql_result_find_field: exact, case-sensitive name.
    return std::find(rows.columns.begin(), rows.columns.end(), column) != rows.columns.end();
  };
  if (!has_column("password") && !has_column("password_noscheme")) {
    result.status = PassdbStatus::internal_failure;
    result.failure = "Password query must return a field named 'password'";
  } else if (rows.rows.size() > 1) {
    result.status = PassdbStatus::internal_failure;
    result.failure = "Password query returned multiple matches";
  } else if (!result.password && !result.has("nopassword")) {
    result.status = PassdbStatus::password_mismatch;
    result.failure = "No password returned (and no nopassword)";
  } else {
    result.status = PassdbStatus::ok;
  }
  if (result.status != PassdbStatus::ok) {
    result.log.push_back(result.failure);
  }
  return result;
}

PassdbResult passdb_query_failed(const PassdbInput& input, std::string_view error) {
  PassdbResult result;
  result.user = input.user;
  result.status = PassdbStatus::internal_failure;
  result.failure = "Password query failed: " + std::string(error);
  result.log.push_back(result.failure);
  return result;
}

void set_password_mismatch(PassdbResult& result, std::string_view log_line) {
  result.status = PassdbStatus::password_mismatch;
  result.failure = std::string(log_line);
  result.log.push_back(result.failure);
}

void finish_passdb_lookup(PassdbResult& result) {
  // noauthenticate makes the result PASSDB_RESULT_NEXT, which keeps the
  // fields like OK does; any other failure rolls back every field this
  // passdb set (auth_fields_rollback), so none of them reaches imap-login.
  // auth_request_verify_plain_callback turns OK into NEXT before
  // auth_request_handle_passdb_callback looks at request->failed, and that
  // only turns OK (not NEXT) into USER_UNKNOWN: so noauthenticate wins over
  // allow_nets/fail and the fields are kept.
  const bool next = result.status == PassdbStatus::ok && result.has("noauthenticate");
  if (result.failed && result.status == PassdbStatus::ok && !next) {
    result.status = PassdbStatus::user_unknown;
    result.failure = "request failed inside the passdb (allow_nets, fail, delay_until or "
                     "an empty user)";
  }
  if (result.status != PassdbStatus::ok) {
    result.rolled_back = std::move(result.fields);
    result.fields.clear();
  }
  remove_field(result, "nopassword");
  remove_field(result, "noauthenticate");
  if (next) {
    result.status = PassdbStatus::internal_failure;
    result.failure = "Last passdb had noauthenticate field, cannot authenticate user";
    result.log.push_back(result.failure);
  }
}

} // namespace loginref

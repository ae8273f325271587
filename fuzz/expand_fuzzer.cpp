// Fuzzes username normalisation and %{...} expansion (normalize_username,
// expand), the way lookup_login chains them: the client's name goes through
// the auth_* settings, and the result feeds password_query.
//
// Input fields, one per line (see fuzz_input.hpp): template, user as typed,
// auth_username_format, auth_default_realm, auth_username_translation,
// auth_username_chars ("" = Dovecot's default), password, remote IP, local
// IP, remote port, local port, then `name=value` passdb fields.
#include <cstdint>
#include <string>

#include "core/expand.hpp"
#include "core/login_request.hpp"
#include "fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  loginref::fuzz::FieldReader in(data, size);
  const std::string tmpl = in.next();

  loginref::LoginRequest request;
  loginref::AuthSettings settings;
  request.user = in.next();
  settings.auth_username_format = in.next();
  settings.auth_default_realm = in.next();
  settings.auth_username_translation = in.next();
  if (std::string chars = in.next(); !chars.empty()) {
    settings.auth_username_chars = chars;
  }
  request.password = in.next();
  request.remote_ip = in.next();
  request.local_ip = in.next();
  request.remote_port = static_cast<unsigned>(in.number() % 65536);
  request.local_port = static_cast<unsigned>(in.number() % 65536);

  const loginref::NormalizedUser normalized = loginref::normalize_username(settings, request);
  (void)loginref::password_has_illegal_chars(*request.password);

  loginref::AuthVars vars;
  vars.user = normalized.refused() ? request.user : normalized.user;
  vars.original_user = request.user;
  vars.password = *request.password;
  vars.remote_ip = request.remote_ip;
  vars.local_ip = request.local_ip;
  vars.remote_port = request.remote_port;
  vars.local_port = request.local_port;
  vars.hostname = "mail.example.com";
  for (std::string field = in.next(); !field.empty(); field = in.next()) {
    const std::size_t equals = field.find('=');
    vars.passdb_fields[field.substr(0, equals)] =
        equals == std::string::npos ? "" : field.substr(equals + 1);
  }

  // The sqlite driver's escaping (doubles '), and none (auth_username_format).
  const loginref::Escaper sqlite_escape = [](std::string_view value) {
    std::string out;
    for (const char c : value) {
      out += c;
      if (c == '\'') {
        out += '\'';
      }
    }
    return out;
  };
  (void)loginref::expand(tmpl, vars, sqlite_escape);
  (void)loginref::expand(tmpl, vars, loginref::no_escape());
  return 0;
}

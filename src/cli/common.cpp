#include "cli/common.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/error.hpp"

namespace loginref::cli {

namespace {

std::string read_all(std::istream& in) {
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A password read from a file or stdin loses one trailing newline, as
// `echo secret | loginref ...` would add it.
std::string strip_newline(std::string text) {
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
  }
  return text;
}

} // namespace

void add_database_options(CLI::App& command, DatabaseOptions& options) {
  command.add_option("--config,-c", options.config_path, "dovecot-sql.conf.ext to read");
  command.add_option("--driver", options.driver, "override driver (sqlite, pgsql, mysql)");
  command.add_option("--connect", options.connect, "override connect");
  command.add_option("--password-query", options.password_query, "override password_query");
  command
      .add_option("--timeout", options.timeout_seconds,
                  "seconds for connecting and for each query (default 10)")
      ->check(CLI::PositiveNumber);
}

void add_password_options(CLI::App& command, LoginOptions& options) {
  CLI::Option* stdin_option =
      command.add_flag("--password-stdin", options.password_stdin, "read the password from stdin");
  command.add_option("--password-file", options.password_file, "read the password from FILE")
      ->excludes(stdin_option);
}

void add_connection_options(CLI::App& command, LoginOptions& options) {
  command.add_option("--tag", options.tag, "the IMAP command tag (default a1)");
  command.add_option("--mech", options.mech, "SASL mechanism (default PLAIN, as for LOGIN)");
  command.add_option("-o", options.settings, "a dovecot.conf setting NAME=VALUE (repeatable)");
  command.add_option("--remote-ip", options.remote_ip, "the client's IP (%r)");
  command.add_option("--local-ip", options.local_ip, "the server's IP the client reached (%l)");
  command.add_option("--remote-port", options.remote_port, "the client's port (%b)")
      ->check(CLI::Range(0, 65535));
  command.add_option("--local-port", options.local_port, "the server's port (%a, default 143)")
      ->check(CLI::Range(1, 65535));
  command.add_option("--service", options.service, "the service name (%s, default imap)");
  command.add_flag("--secured", options.secured, "the connection is TLS or trusted (%c)");
  command.add_option("--hostname", options.hostname, "host name in tempfail lines");
  command.add_flag("--special-use", options.special_use,
                   "the namespace has special_use mailboxes (Debian's stock config): the "
                   "post-login CAPABILITY ends in SPECIAL-USE");
}

SqlConfig load_config(const DatabaseOptions& options) {
  if (options.config_path.empty() && (options.driver.empty() || options.connect.empty())) {
    throw UsageError("--config is required unless --driver and --connect are given");
  }
  SqlConfig config;
  if (!options.config_path.empty()) {
    config = load_sql_config(options.config_path);
  }
  if (!options.driver.empty()) {
    config.driver = Setting{options.driver, "--driver"};
  }
  if (!options.connect.empty()) {
    config.connect = Setting{options.connect, "--connect"};
  }
  if (!options.password_query.empty()) {
    config.password_query = Setting{options.password_query, "--password-query"};
  }
  validate_sql_config(config);
  return config;
}

std::unique_ptr<driver::Driver> open_database(const SqlConfig& config,
                                              const DatabaseOptions& options) {
  driver::DriverOptions driver_options;
  driver_options.timeout =
      std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  // validate_sql_config has checked the name.
  return driver::open_driver(*driver::driver_kind_from_name(config.driver.value),
                             config.connect.value, driver_options);
}

AuthSettings auth_settings(const LoginOptions& options) {
  AuthSettings settings;
  for (const std::string& setting : options.settings) {
    apply_setting(settings, setting); // throws UsageError
  }
  settings.special_use_mailboxes = options.special_use;
  return settings;
}

namespace {

// No IMAP LOGIN can carry a NUL (Dovecot 2.3.19 imap-parser.c: "NULs not
// allowed in strings"; SASL PLAIN uses NUL as its separator).
std::string refuse_nul(std::string password, const std::string& source) {
  if (password.find('\0') != std::string::npos) {
    throw ConfigError(source + ": the password contains a NUL byte, which no IMAP client can "
                               "send (Dovecot answers BAD: NULs not allowed in strings)");
  }
  return password;
}

} // namespace

std::optional<std::string> read_password(const LoginOptions& options) {
  // The password never comes from argv (ps shows argv to every user).
  if (options.password_stdin) {
    return refuse_nul(strip_newline(read_all(std::cin)), "--password-stdin");
  }
  if (!options.password_file.empty()) {
    std::ifstream file(options.password_file, std::ios::binary);
    if (!file) {
      throw ConfigError("--password-file " + options.password_file +
                        ": cannot read: " + std::strerror(errno));
    }
    return refuse_nul(strip_newline(read_all(file)), "--password-file " + options.password_file);
  }
  if (const char* value = std::getenv("LOGINREF_PASSWORD")) {
    return std::string(value);
  }
  return std::nullopt;
}

void hide_connect_passwords(int argc, char** argv) {
  bool connect_value = false;
  for (int i = 1; i < argc; ++i) {
    char* arg = argv[i];
    const bool inline_value = std::strncmp(arg, "--connect=", 10) == 0;
    if (connect_value || inline_value) {
      // libpq/mysql connect strings: "password=" starts a token; the value
      // runs to the next space (libpq quoting with '...' included).
      for (char* at = std::strstr(arg, "password="); at; at = std::strstr(at, "password=")) {
        at += std::strlen("password=");
        const char quote = *at == '\'' ? '\'' : ' ';
        char* end = at + (quote == '\'' ? 1 : 0);
        while (*end && *end != quote) {
          ++end;
        }
        std::fill(at, end + (quote == '\'' && *end ? 1 : 0), '*');
      }
    }
    connect_value = std::strcmp(arg, "--connect") == 0;
  }
}

std::string machine_hostname() {
  // my_hostname in Dovecot (src/lib/hostpid.c): DOVECOT_HOSTNAME when the
  // master passes it, else gethostname().
  if (const char* configured = std::getenv("DOVECOT_HOSTNAME"); configured && *configured) {
    return configured;
  }
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) {
    return "localhost";
  }
  return name;
}

LoginRequest login_request(const LoginOptions& options, const std::string& user) {
  if (user.empty()) {
    throw ConfigError("--user: the user name is empty (Dovecot refuses an empty name before "
                      "any query)");
  }
  LoginRequest request;
  request.user = user;
  request.password = read_password(options);
  // sasl_server_auth_begin upper-cases the mechanism (%m, AUTH= in URLs).
  request.mech = options.mech;
  std::transform(request.mech.begin(), request.mech.end(), request.mech.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  request.service = options.service;
  request.remote_ip = options.remote_ip;
  request.local_ip = options.local_ip;
  request.remote_port = options.remote_port;
  request.local_port = options.local_port;
  request.secured = options.secured;
  request.tag = options.tag;
  request.hostname = options.hostname.empty() ? machine_hostname() : options.hostname;
  return request;
}

std::optional<DecisionKind> parse_decision(const std::string& option, const std::string& name) {
  if (name.empty()) {
    return std::nullopt;
  }
  std::optional<DecisionKind> kind = decision_kind_from_name(name);
  if (!kind) {
    std::string names;
    for (const std::string& known : decision_names()) {
      names += (names.empty() ? "" : ", ") + known;
    }
    throw UsageError(option + " " + name + ": unknown decision (one of " + names + ")");
  }
  return kind;
}

} // namespace loginref::cli

// Options shared by several subcommands and the steps every subcommand
// takes with them: read the config, open the database, build the login.
// CLI11 appears only in src/cli/.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/decision.hpp"
#include "core/driver/driver.hpp"
#include "core/login_request.hpp"

namespace CLI {
class App;
}

namespace loginref::cli {

// Where the passdb is: --config and the overrides, and --timeout.
struct DatabaseOptions {
  std::string config_path;
  std::string driver;
  std::string connect;
  std::string password_query;
  double timeout_seconds = 10;
};

// How the client logs in, and the dovecot.conf settings around it.
struct LoginOptions {
  bool password_stdin = false;
  std::string password_file;
  std::string tag = "a1";
  std::string mech = "PLAIN";
  std::vector<std::string> settings; // -o NAME=VALUE
  std::string remote_ip;
  std::string local_ip;
  unsigned remote_port = 0;
  unsigned local_port = 143;
  std::string service = "imap";
  bool secured = false;
  bool special_use = false;
  std::string hostname;
};

// --config, --driver, --connect, --password-query, --timeout.
void add_database_options(CLI::App& command, DatabaseOptions& options);

// --password-stdin and --password-file (LOGINREF_PASSWORD needs no option).
void add_password_options(CLI::App& command, LoginOptions& options);

// --tag, --mech, -o, the connection facts, --hostname, --special-use.
void add_connection_options(CLI::App& command, LoginOptions& options);

// The config file, then the command line's overrides, then the checks.
// Throws ConfigError, or UsageError when there is neither --config nor
// --driver and --connect.
SqlConfig load_config(const DatabaseOptions& options);

// Opens the configured driver with --timeout. Throws ConfigError/DriverError.
std::unique_ptr<driver::Driver> open_database(const SqlConfig& config,
                                              const DatabaseOptions& options);

// -o settings and --special-use. Throws UsageError for a bad -o.
AuthSettings auth_settings(const LoginOptions& options);

// The login request for `user` (never empty: throws ConfigError), with the
// password from --password-stdin, --password-file or LOGINREF_PASSWORD.
LoginRequest login_request(const LoginOptions& options, const std::string& user);

// Reads the password the options point at; nullopt when none is given.
// Throws ConfigError for an unreadable --password-file.
std::optional<std::string> read_password(const LoginOptions& options);

// Overwrites, in the process's own argv memory, the value of every
// password= in a --connect argument with '*', so that ps and
// /proc/PID/cmdline no longer show it (CLI11 has already copied it). Call
// right after parsing; the password is visible only until then.
void hide_connect_passwords(int argc, char** argv);

// my_hostname as Dovecot has it: DOVECOT_HOSTNAME, else gethostname().
std::string machine_hostname();

// The decision named by --expect (nullopt for ""). Throws UsageError.
std::optional<DecisionKind> parse_decision(const std::string& option, const std::string& name);

} // namespace loginref::cli

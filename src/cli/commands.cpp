#include "cli/commands.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/decision.hpp"
#include "core/driver/driver.hpp"
#include "core/error.hpp"
#include "core/login_request.hpp"
#include "core/lookup.hpp"
#include "core/output.hpp"

namespace loginref::cli {

namespace {

// Options of `loginref test`, exactly as given.
struct TestOptions {
  std::string config_path;
  std::string user;
  bool user_given = false;
  bool password_stdin = false;
  std::string password_file;
  bool json = false;
  std::string tag = "a1";
  std::string mech = "PLAIN";
  std::string expect;
  std::vector<std::string> settings; // -o NAME=VALUE
  std::string remote_ip;
  std::string local_ip;
  unsigned remote_port = 0;
  unsigned local_port = 143;
  std::string service = "imap";
  bool secured = false;
  bool special_use = false;
  std::string hostname;
  std::string driver;
  std::string connect;
  std::string password_query;
  double timeout_seconds = 10;
};

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

// The password never comes from argv (ps shows argv to every user).
std::optional<std::string> read_password(const TestOptions& options) {
  if (options.password_stdin) {
    return strip_newline(read_all(std::cin));
  }
  if (!options.password_file.empty()) {
    std::ifstream file(options.password_file, std::ios::binary);
    if (!file) {
      throw ConfigError("--password-file " + options.password_file +
                        ": cannot read: " + std::strerror(errno));
    }
    return strip_newline(read_all(file));
  }
  if (const char* value = std::getenv("LOGINREF_PASSWORD")) {
    return std::string(value);
  }
  return std::nullopt;
}

// my_hostname in Dovecot (src/lib/hostpid.c): DOVECOT_HOSTNAME when the
// master passes it, else gethostname().
std::string machine_hostname() {
  if (const char* configured = std::getenv("DOVECOT_HOSTNAME"); configured && *configured) {
    return configured;
  }
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) {
    return "localhost";
  }
  return name;
}

// The config file, then the command line's overrides, then the checks.
SqlConfig load_config(const TestOptions& options) {
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
  if (options.config_path.empty() && (options.driver.empty() || options.connect.empty())) {
    throw UsageError("--config is required unless --driver and --connect are given");
  }
  validate_sql_config(config);
  return config;
}

AuthSettings auth_settings(const TestOptions& options) {
  AuthSettings settings;
  for (const std::string& setting : options.settings) {
    apply_setting(settings, setting); // throws UsageError
  }
  settings.special_use_mailboxes = options.special_use;
  return settings;
}

LoginRequest login_request(const TestOptions& options) {
  if (options.user.empty()) {
    throw ConfigError("--user: the user name is empty (Dovecot refuses an empty name before "
                      "any query)");
  }
  LoginRequest request;
  request.user = options.user;
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

std::optional<DecisionKind> expected_decision(const TestOptions& options) {
  if (options.expect.empty()) {
    return std::nullopt;
  }
  std::optional<DecisionKind> kind = decision_kind_from_name(options.expect);
  if (!kind) {
    std::string names;
    for (const std::string& name : decision_names()) {
      names += (names.empty() ? "" : ", ") + name;
    }
    throw UsageError("--expect " + options.expect + ": unknown decision (one of " + names + ")");
  }
  return kind;
}

// The exit code for a finished report.
ExitCode test_exit_code(const Report& report, std::optional<DecisionKind> expect) {
  const DecisionKind decision = report.decision.kind;
  if (expect) {
    if (*expect == decision) {
      return ExitCode::ok;
    }
    std::cerr << "loginref: expected " << to_string(*expect) << ", got " << to_string(decision)
              << '\n';
    if (decision != DecisionKind::tempfail) {
      return ExitCode::expectation_failed;
    }
  }
  if (decision == DecisionKind::tempfail) {
    const std::string why = report.error.empty() ? report.decision.rule : report.error;
    std::cerr << "loginref: error: tempfail: " << why << '\n';
    return ExitCode::tempfail;
  }
  return ExitCode::ok;
}

ExitCode run_test(const TestOptions& options) {
  const std::optional<DecisionKind> expect = expected_decision(options); // throws UsageError
  const AuthSettings settings = auth_settings(options);                  // throws UsageError
  const SqlConfig config = load_config(options);                         // throws ConfigError
  const LoginRequest request = login_request(options);                   // throws ConfigError
  driver::DriverOptions driver_options;
  driver_options.timeout =
      std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  std::unique_ptr<driver::Driver> db = driver::open_driver(
      *driver::driver_kind_from_name(config.driver.value), config.connect.value, driver_options);
  const Report report = lookup_login(*db, config, settings, request, std::time(nullptr));
  write_report(std::cout, report, options.json ? OutputFormat::json : OutputFormat::text);
  return test_exit_code(report, expect);
}

void add_test_options(CLI::App& command, TestOptions& options) {
  command.add_option("--config,-c", options.config_path, "dovecot-sql.conf.ext to read");
  command.add_option("--user,-u", options.user, "the login name, as the client types it")
      ->required();
  CLI::Option* stdin_option =
      command.add_flag("--password-stdin", options.password_stdin, "read the password from stdin");
  command.add_option("--password-file", options.password_file, "read the password from FILE")
      ->excludes(stdin_option);
  command.add_flag("--json", options.json, "write one JSON object instead of text");
  command.add_option("--tag", options.tag, "the IMAP command tag (default a1)");
  command.add_option("--mech", options.mech, "SASL mechanism (default PLAIN, as for LOGIN)");
  command.add_option("--expect", options.expect, "exit 1 unless the decision is DECISION");
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
  command.add_option("--driver", options.driver, "override driver (sqlite, pgsql, mysql)");
  command.add_option("--connect", options.connect, "override connect");
  command.add_option("--password-query", options.password_query, "override password_query");
  command.add_option("--timeout", options.timeout_seconds,
                     "seconds for connecting and for the query (default 10)")
      ->check(CLI::PositiveNumber);
}

// The subcommand table. check, audit, diff and lint will be rows here.
struct Command {
  const char* name;
  const char* description;
  std::function<std::function<ExitCode()>(CLI::App&, Invocation&)> add;
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"test", "predict Dovecot's answer to one IMAP login",
       [](CLI::App& command, Invocation& invocation) -> std::function<ExitCode()> {
         std::shared_ptr<TestOptions> options = std::make_shared<TestOptions>();
         add_test_options(command, *options);
         return [options, &invocation]() {
           invocation.json = options->json;
           return run_test(*options);
         };
       }},
  };
  return table;
}

} // namespace

ExitCode run(int argc, char** argv, Invocation& invocation) {
  CLI::App app{"loginref: predict what Dovecot 2.3 answers to an IMAP login, from the SQL "
               "passdb's password_query"};
  app.set_version_flag("--version", "loginref " LOGINREF_VERSION);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, std::function<ExitCode()>>> runners;
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.description);
    runners.emplace_back(sub, command.add(*sub, invocation));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& success) {
    app.exit(success); // --help, --version
    return ExitCode::ok;
  } catch (const CLI::ParseError& error) {
    // Note whether --json was asked for, so the error is JSON too.
    for (int i = 1; i < argc; ++i) {
      invocation.json = invocation.json || std::string(argv[i]) == "--json";
    }
    throw UsageError(std::string(error.what()) + " (see 'loginref --help')");
  }
  for (const auto& [sub, runner] : runners) {
    if (sub->parsed()) {
      return runner();
    }
  }
  throw UsageError("no subcommand given (see 'loginref --help')");
}

} // namespace loginref::cli

// loginref test: one login, one report.
#include <CLI/CLI.hpp>
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/lookup.hpp"
#include "core/output.hpp"

namespace loginref::cli {

namespace {

struct TestOptions {
  DatabaseOptions database;
  LoginOptions login;
  std::string user;
  bool json = false;
  std::string expect;
  bool show_secrets = false;
};

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
    std::cerr << "loginref: error: tempfail: " << report.error << '\n';
    return ExitCode::tempfail;
  }
  return ExitCode::ok;
}

ExitCode run_test(const TestOptions& options) {
  if (options.show_secrets) {
    // Every run, first, so that no captured output hides it.
    std::cerr << "loginref: WARNING: --show-secrets: this output contains passwords (the query "
                 "as run with %w, pass and the stored password); for local debugging only, "
                 "do not share or log it\n";
  }
  const std::optional<DecisionKind> expect = parse_decision("--expect", options.expect);
  const AuthSettings settings = auth_settings(options.login);              // throws UsageError
  const SqlConfig config = load_config(options.database);                  // throws ConfigError
  const LoginRequest request = login_request(options.login, options.user); // throws ConfigError
  std::unique_ptr<driver::Driver> db = open_database(config, options.database);
  Report report = lookup_login(*db, config, settings, request, std::time(nullptr));
  report.show_secrets = options.show_secrets;
  write_report(std::cout, report, options.json ? OutputFormat::json : OutputFormat::text);
  return test_exit_code(report, expect);
}

} // namespace

std::function<ExitCode()> add_test_command(CLI::App& command, Invocation& invocation) {
  std::shared_ptr<TestOptions> options = std::make_shared<TestOptions>();
  add_database_options(command, options->database);
  command.add_option("--user,-u", options->user, "the login name, as the client types it")
      ->required();
  add_password_options(command, options->login);
  add_connection_options(command, options->login);
  command.add_flag("--json", options->json, "write one JSON object instead of text");
  command.add_option("--expect", options->expect, "exit 1 unless the decision is DECISION");
  command.add_flag("--show-secrets", options->show_secrets,
                   "show the query with %w, pass and the stored password (local debugging)");
  return [options, &invocation]() {
    invocation.json = options->json;
    return run_test(*options);
  };
}

} // namespace loginref::cli

#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cli/common.hpp"
#include "core/error.hpp"

namespace loginref::cli {

namespace {

// The subcommand table (ninja's kTools): one row each, bodies elsewhere.
struct Command {
  const char* name;
  const char* description;
  CommandRunner (*add)(CLI::App& command, Invocation& invocation);
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"test", "predict Dovecot's answer to one IMAP login", add_test_command},
      {"audit", "every user's decision, without passwords, and a summary", add_audit_command},
      {"diff", "every user whose decision changes between two configs", add_diff_command},
      {"lint", "check a dovecot-sql.conf.ext's password_query without a database",
       add_lint_command},
      {"check", "run the logins of a plan file and compare each with what it expects",
       add_check_command},
  };
  return table;
}

} // namespace

ExitCode run(int argc, char** argv, Invocation& invocation) {
  CLI::App app{"loginref: predict what Dovecot 2.3 answers to an IMAP login, from the SQL "
               "passdb's password_query"};
  app.set_version_flag("--version", "loginref " LOGINREF_VERSION);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, CommandRunner>> runners;
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
  hide_connect_passwords(argc, argv); // ps shows argv to every user
  for (const auto& [sub, runner] : runners) {
    if (sub->parsed()) {
      return runner();
    }
  }
  throw UsageError("no subcommand given (see 'loginref --help')");
}

} // namespace loginref::cli

// loginref check: every login of a plan file, over one database connection.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/check.hpp"
#include "core/error.hpp"
#include "core/plan.hpp"

namespace loginref::cli {

namespace {

struct CheckOptions {
  std::string plan_path;
  DatabaseOptions database; // --config overrides the plan's config
  std::string hostname;
  bool json = false;
  std::string junit_path;
};

// 4 when a case hit a tempfail it did not expect (Dovecot could not decide:
// the database, not the policy, is the likely cause), else 1 when a case
// failed, else 0.
ExitCode check_exit_code(const CheckRun& run) {
  bool tempfail = false;
  for (const CaseResult& result : run.cases) {
    if (result.unexpected_tempfail()) {
      std::cerr << "loginref: error: tempfail: " << result.name << ": " << result.report.error
                << '\n';
      tempfail = true;
    }
  }
  if (run.failed() > 0) {
    std::cerr << "loginref: " << run.failed() << " of " << run.cases.size()
              << (run.cases.size() == 1 ? " case" : " cases") << " failed\n";
  }
  if (tempfail) {
    return ExitCode::tempfail;
  }
  return run.failed() > 0 ? ExitCode::expectation_failed : ExitCode::ok;
}

ExitCode run_check(const CheckOptions& options) {
  const Plan plan = load_plan(options.plan_path); // throws ConfigError with file:line:column
  DatabaseOptions database = options.database;
  if (database.config_path.empty()) {
    database.config_path = plan.config_path;
  }
  const SqlConfig config = load_config(database); // throws ConfigError
  std::unique_ptr<driver::Driver> db = open_database(config, database);
  // Opened after connecting (an unreachable database leaves no empty,
  // unreadable report behind) and before any query.
  std::ofstream junit;
  if (!options.junit_path.empty()) {
    junit.open(options.junit_path, std::ios::binary | std::ios::trunc);
    if (!junit) {
      throw ConfigError("--junit " + options.junit_path +
                        ": cannot write: " + std::strerror(errno));
    }
  }
  const std::string hostname = options.hostname.empty() ? machine_hostname() : options.hostname;
  const CheckRun run = run_plan(*db, config, plan, hostname, std::time(nullptr));
  write_check_results(std::cout, run, options.json ? OutputFormat::json : OutputFormat::text);
  if (junit.is_open()) {
    write_check_junit(junit, run);
    if (!junit.flush()) {
      throw ConfigError("--junit " + options.junit_path +
                        ": cannot write: " + std::strerror(errno));
    }
  }
  return check_exit_code(run);
}

} // namespace

std::function<ExitCode()> add_check_command(CLI::App& command, Invocation& invocation) {
  std::shared_ptr<CheckOptions> options = std::make_shared<CheckOptions>();
  command.add_option("PLAN", options->plan_path, "the plan file (YAML) to run")->required();
  add_database_options(command, options->database);
  command.add_option("--hostname", options->hostname,
                     "host name in tempfail lines, for cases that set none");
  command.add_flag("--json", options->json, "write one JSON object instead of text");
  command.add_option("--junit", options->junit_path, "also write a JUnit XML report to FILE");
  return [options, &invocation]() {
    invocation.json = options->json;
    return run_check(*options);
  };
}

} // namespace loginref::cli

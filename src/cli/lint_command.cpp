// loginref lint: the policy lint of a dovecot-sql.conf.ext that needs no
// database and no user (core/lint.hpp lint_query). Exit 0 when clean, 1
// when there are warnings, 3 when the file cannot be read.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/lint.hpp"
#include "core/output.hpp"

namespace loginref::cli {

namespace {

struct LintOptions {
  std::string config_path; // -c FILE
  std::string positional;  // or FILE as the argument
  bool json = false;
};

ExitCode run_lint(const LintOptions& options) {
  if (!options.config_path.empty() && !options.positional.empty()) {
    throw UsageError("give the configuration file once: either -c FILE or FILE");
  }
  const std::string path = options.config_path.empty() ? options.positional : options.config_path;
  if (path.empty()) {
    throw UsageError("lint needs a dovecot-sql.conf.ext: loginref lint FILE");
  }
  const SqlConfig config = load_sql_config(path); // throws ConfigError
  validate_sql_config(config);                    // Dovecot refuses to start without these
  const std::vector<Warning> warnings = lint_query(config);
  write_lint_report(std::cout, path, warnings,
                    options.json ? OutputFormat::json : OutputFormat::text);
  return warnings.empty() ? ExitCode::ok : ExitCode::expectation_failed;
}

} // namespace

CommandRunner add_lint_command(CLI::App& command, Invocation& invocation) {
  std::shared_ptr<LintOptions> options = std::make_shared<LintOptions>();
  command.add_option("--config,-c", options->config_path, "dovecot-sql.conf.ext to check");
  command.add_option("config", options->positional, "dovecot-sql.conf.ext to check");
  command.add_flag("--json", options->json, "write one JSON object instead of text");
  return [options, &invocation]() {
    invocation.json = options->json;
    return run_lint(*options);
  };
}

} // namespace loginref::cli

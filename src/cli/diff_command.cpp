// loginref diff: the same users through two configurations.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/audit.hpp"
#include "core/batch.hpp"
#include "core/diff.hpp"
#include "core/error.hpp"

namespace loginref::cli {

namespace {

constexpr std::size_t k_chunk_size = 256; // as for audit

struct DiffOptions {
  std::string old_config;
  std::string new_config;
  double timeout_seconds = 10;
  LoginOptions login;
  std::string users_file; // "" = the old config's iterate_query, "-" = stdin
  bool json = false;
  unsigned jobs = 1;
};

DatabaseOptions database_options(const std::string& path, double timeout_seconds) {
  DatabaseOptions options;
  options.config_path = path;
  options.timeout_seconds = timeout_seconds;
  return options;
}

ExitCode run_diff(const DiffOptions& options) {
  const AuthSettings settings = auth_settings(options.login); // throws UsageError
  const DatabaseOptions old_options = database_options(options.old_config, options.timeout_seconds);
  const DatabaseOptions new_options = database_options(options.new_config, options.timeout_seconds);
  const SqlConfig old_config = load_config(old_options); // throws ConfigError
  const SqlConfig new_config = load_config(new_options);
  LoginRequest request = login_request(options.login, "-");
  request.password.reset(); // like audit: no passwords

  std::ifstream users_file;
  if (!options.users_file.empty() && options.users_file != "-") {
    users_file.open(options.users_file);
    if (!users_file) {
      throw ConfigError("--users " + options.users_file + ": cannot read: " + std::strerror(errno));
    }
  }
  std::vector<std::unique_ptr<driver::Driver>> old_dbs;
  std::vector<std::unique_ptr<driver::Driver>> new_dbs;
  for (unsigned job = 0; job < options.jobs; ++job) {
    old_dbs.push_back(open_database(old_config, old_options));
    new_dbs.push_back(open_database(new_config, new_options));
  }
  std::unique_ptr<driver::Driver> iterate_db;
  if (options.users_file.empty()) {
    iterate_db = open_database(old_config, old_options);
  }
  const UserProducer produce = [&](const UserSink& sink) {
    if (iterate_db) {
      iterate_users(*iterate_db, old_config, sink); // throws DriverError, ConfigError
    } else {
      read_users(options.users_file == "-" ? std::cin : users_file, sink);
    }
  };

  const std::time_t now = std::time(nullptr);
  DiffSummary summary(!options.json); // text groups users by transition; JSON streams them
  // Each chunk's reports: the old ones, then the new ones.
  const ChunkProcessor process = [&](unsigned job, const std::vector<LoginRequest>& chunk) {
    std::vector<Report> reports = lookup_batch(*old_dbs[job], old_config, settings, chunk, now);
    std::vector<Report> changed = lookup_batch(*new_dbs[job], new_config, settings, chunk, now);
    reports.insert(reports.end(), std::make_move_iterator(changed.begin()),
                   std::make_move_iterator(changed.end()));
    return reports;
  };
  const ChunkConsumer consume = [&](const std::vector<LoginRequest>& chunk,
                                    std::vector<Report>& reports) {
    for (std::size_t i = 0; i < chunk.size(); ++i) {
      std::optional<UserChange> change = compare_reports(reports[i], reports[chunk.size() + i]);
      if (!change) {
        summary.add_unchanged();
        continue;
      }
      if (options.json) {
        write_change_json(std::cout, *change);
      }
      summary.add(std::move(*change));
    }
  };
  run_in_chunks(produce, request, options.jobs, k_chunk_size, process, consume);

  if (options.json) {
    summary.write_json(std::cout);
  } else {
    summary.write_text(std::cout);
  }
  return summary.changed() > 0 ? ExitCode::expectation_failed : ExitCode::ok;
}

} // namespace

CommandRunner add_diff_command(CLI::App& command, Invocation& invocation) {
  std::shared_ptr<DiffOptions> options = std::make_shared<DiffOptions>();
  command.add_option("--old", options->old_config, "the dovecot-sql.conf.ext of today")->required();
  command.add_option("--new", options->new_config, "the dovecot-sql.conf.ext to compare")
      ->required();
  command
      .add_option("--timeout", options->timeout_seconds,
                  "seconds for connecting and for each query (default 10)")
      ->check(CLI::PositiveNumber);
  command.add_option("--users", options->users_file,
                     "read user names from FILE, one per line ('-': stdin) instead of running "
                     "the old config's iterate_query");
  command.add_flag("--json", options->json,
                   "write one JSON object per changed user (JSON Lines), then a summary object");
  command
      .add_option("--jobs,-j", options->jobs,
                  "spread the users over N connections per config (default 1)")
      ->check(CLI::Range(1, 64));
  add_connection_options(command, options->login);
  return [options, &invocation]() {
    invocation.json = options->json;
    return run_diff(*options);
  };
}

} // namespace loginref::cli

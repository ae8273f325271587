// loginref audit: every user's decision, without passwords, and a summary.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/audit.hpp"
#include "core/batch.hpp"
#include "core/error.hpp"

namespace loginref::cli {

namespace {

// Logins per chunk: enough to fill a multi-statement message (256
// statements, driver/statement_split.hpp), small enough that chunks in
// flight take little memory.
constexpr std::size_t k_chunk_size = 256;

struct AuditOptions {
  DatabaseOptions database;
  LoginOptions login;
  std::string users_file; // "" = iterate_query, "-" = stdin
  std::string show;
  bool json = false;
  bool quiet = false;
  unsigned jobs = 1;
};

// The counter on stderr, redrawn at most ten times a second; only when
// stderr is a terminal and --quiet is not given.
class Progress {
public:
  explicit Progress(bool enabled) : m_enabled(enabled) {}

  void update(std::uint64_t users, std::uint64_t tempfails) {
    if (!m_enabled) {
      return;
    }
    const std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(100)) {
      return;
    }
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    std::fprintf(stderr, "\r\033[Kaudit: %s users, %s tempfail, %.0f users/s",
                 format_count(users).c_str(), format_count(tempfails).c_str(),
                 seconds > 0 ? static_cast<double>(users) / seconds : 0.0);
  }

  void done() {
    if (m_enabled) {
      std::fputs("\r\033[K", stderr);
    }
  }

private:
  bool m_enabled;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last{};
};

// The request every user's login starts from: the options, no password.
LoginRequest request_template(const LoginOptions& options) {
  LoginRequest request = login_request(options, "-");
  request.password.reset(); // an audit never has passwords (LOGINREF_PASSWORD is ignored)
  return request;
}

ExitCode run_audit(const AuditOptions& options) {
  const std::optional<DecisionKind> show = parse_decision("--show", options.show);
  const AuthSettings settings = auth_settings(options.login); // throws UsageError
  const SqlConfig config = load_config(options.database);     // throws ConfigError
  const LoginRequest request = request_template(options.login);
  std::ifstream users_file;
  if (!options.users_file.empty() && options.users_file != "-") {
    users_file.open(options.users_file);
    if (!users_file) {
      throw ConfigError("--users " + options.users_file + ": cannot read: " + std::strerror(errno));
    }
  }
  // One connection per job, and one more that streams iterate_query.
  std::vector<std::unique_ptr<driver::Driver>> connections;
  for (unsigned job = 0; job < options.jobs; ++job) {
    connections.push_back(open_database(config, options.database));
  }
  const std::string source = options.users_file.empty()
                                 ? "iterate_query (" + config.iterate_query.origin + ")"
                             : options.users_file == "-" ? std::string("standard input")
                                                         : options.users_file;
  std::unique_ptr<driver::Driver> iterate_db;
  if (options.users_file.empty()) {
    iterate_db = open_database(config, options.database);
  }
  const UserProducer produce = [&](const UserSink& sink) {
    if (iterate_db) {
      iterate_users(*iterate_db, config, sink); // throws DriverError, ConfigError
    } else {
      read_users(options.users_file == "-" ? std::cin : users_file, sink);
    }
  };

  const std::time_t now = std::time(nullptr);
  AuditSummary summary;
  Progress progress(!options.quiet && isatty(STDERR_FILENO) != 0);
  std::ostream& out = std::cout;
  const ChunkProcessor process = [&](unsigned job, const std::vector<LoginRequest>& chunk) {
    return lookup_batch(*connections[job], config, settings, chunk, now);
  };
  const ChunkConsumer consume = [&](const std::vector<LoginRequest>&,
                                    std::vector<Report>& reports) {
    for (const Report& report : reports) {
      summary.add(report);
      // Tempfails are always listed: the audit could not say what they get.
      const bool listed = report.decision.kind == DecisionKind::tempfail ||
                          (show ? report.decision.kind == *show : options.json);
      if (listed && options.json) {
        write_audit_user_json(out, report);
      } else if (listed) {
        write_audit_user_text(out, report);
      }
    }
    progress.update(summary.users(), summary.tempfails());
  };
  run_in_chunks(produce, request, options.jobs, k_chunk_size, process, consume);
  progress.done();

  if (options.json) {
    summary.write_json(out, source);
  } else {
    if (summary.users() > 0 && (show || summary.tempfails() > 0)) {
      out << '\n';
    }
    summary.write_text(out, source);
  }
  if (summary.tempfails() > 0) {
    std::cerr << "loginref: audit: " << format_count(summary.tempfails())
              << (summary.tempfails() == 1 ? " user" : " users")
              << " tempfailed (the query failed): exit status 4\n";
    return ExitCode::tempfail;
  }
  return ExitCode::ok;
}

} // namespace

CommandRunner add_audit_command(CLI::App& command, Invocation& invocation) {
  std::shared_ptr<AuditOptions> options = std::make_shared<AuditOptions>();
  add_database_options(command, options->database);
  command.add_option("--users", options->users_file,
                     "read user names from FILE, one per line ('-': stdin) instead of running "
                     "iterate_query");
  command.add_option("--show", options->show, "list the users whose decision is DECISION");
  command.add_flag("--json", options->json,
                   "write one JSON object per user (JSON Lines), then a summary object");
  command.add_flag("--quiet,-q", options->quiet, "no progress counter on stderr");
  command
      .add_option("--jobs,-j", options->jobs,
                  "spread the users over N database connections (default 1)")
      ->check(CLI::Range(1, 64));
  add_connection_options(command, options->login);
  return [options, &invocation]() {
    invocation.json = options->json;
    return run_audit(*options);
  };
}

} // namespace loginref::cli

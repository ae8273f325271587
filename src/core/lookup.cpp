#include "core/lookup.hpp"

#include "core/error.hpp"
#include "core/expand.hpp"
#include "core/lint.hpp"
#include "core/password_scheme.hpp"
#include "core/response.hpp"

namespace loginref {

namespace {

constexpr std::string_view k_redacted_password = "********";

PassdbInput passdb_input(const SqlConfig& config, const LoginRequest& request,
                         const std::string& user, std::time_t now) {
  return PassdbInput{user, config.default_pass_scheme.value, request.remote_ip, request.remote_ip,
                     now};
}

// A failure before any query: Dovecot answers USER_UNKNOWN.
PassdbResult refused_before_query(const PassdbInput& input, const std::string& why) {
  PassdbResult result;
  result.user = input.user;
  result.status = PassdbStatus::user_unknown;
  result.failure = why;
  result.log.push_back(why);
  return result;
}

std::string scheme_of(std::string_view stored) {
  const std::size_t close = stored.find('}');
  if (stored.empty() || stored.front() != '{' || close == std::string_view::npos) {
    return "";
  }
  return std::string(stored.substr(1, close - 1));
}

// passdb-sql's verify step: every outcome but a match is a mismatch in 2.3.19.
PasswordCheckResult check_password(PassdbResult& passdb, const LoginRequest& request) {
  PasswordCheckResult check;
  if (passdb.status != PassdbStatus::ok) {
    check.status = PasswordCheck::not_reached;
    if (passdb.status == PassdbStatus::password_mismatch) {
      check.status = PasswordCheck::mismatch; // no password stored
      check.message = passdb.failure;
    }
    return check;
  }
  // auth_request_password_verify accepts any password while the nopassword
  // field exists, even when a later password column stored one.
  if (!passdb.password || passdb.has("nopassword")) {
    check.status = PasswordCheck::nopassword;
    return check;
  }
  check.scheme = scheme_of(*passdb.password);
  if (!request.password) {
    check.status = PasswordCheck::skipped;
    return check;
  }
  const VerifyResult verified = verify_password(*request.password, *passdb.password, request.user);
  if (verified.outcome == VerifyOutcome::match) {
    check.status = PasswordCheck::match;
    return check;
  }
  check.status = PasswordCheck::mismatch;
  check.message =
      verified.outcome == VerifyOutcome::mismatch ? "Password mismatch" : verified.message;
  set_password_mismatch(passdb, check.message);
  return check;
}

// Expands password_query for `request`: the text shown (%w as ******** when
// there is a password to hide) goes to the report, the text sent is
// returned. Without a password (audits) one expansion serves both.
Expansion expand_password_query(const driver::Driver& db, const SqlConfig& config,
                                const LoginRequest& request, Report& report) {
  const Escaper escape = [&db](std::string_view value) { return db.escape(value); };
  const std::string password = request.password.value_or("");
  Expansion real =
      expand(config.password_query.value, auth_vars(request, report.user, password), escape);
  report.query_as_run = real.text; // shown only with --show-secrets
  report.query = password.empty()
                     ? real.text
                     : expand(config.password_query.value,
                              auth_vars(request, report.user, k_redacted_password), escape)
                           .text;
  return real;
}

} // namespace

std::string_view to_string(PasswordCheck check) {
  switch (check) {
  case PasswordCheck::match:
    return "match";
  case PasswordCheck::mismatch:
    return "mismatch";
  case PasswordCheck::skipped:
    return "skipped";
  case PasswordCheck::nopassword:
    return "nopassword";
  case PasswordCheck::not_reached:
    return "not_reached";
  case PasswordCheck::refused:
    return "refused";
  }
  return "not_reached";
}

PendingLogin begin_login(Report& report, const driver::Driver& db, const SqlConfig& config,
                         const AuthSettings& settings, const LoginRequest& request,
                         std::time_t now) {
  PendingLogin pending;
  report.request = request;
  report.query_origin = config.password_query.origin;
  report.driver = std::string(driver::to_string(db.kind()));

  const NormalizedUser normalized = normalize_username(settings, request);
  // A refused name has no normalised form; Dovecot's reply then carries
  // the name as typed.
  report.user = normalized.refused() ? request.user : normalized.user;
  report.username_refusal = normalized.refusal;
  pending.username_format_error = normalized.format_error;

  const PassdbInput input = passdb_input(config, request, report.user, now);
  if (!report.username_refusal.empty()) {
    report.passdb = refused_before_query(input, report.username_refusal);
    return pending;
  }
  if (request.password && password_has_illegal_chars(*request.password)) {
    report.password_check.status = PasswordCheck::refused;
    report.passdb =
        refused_before_query(input, "Attempted login with password having illegal chars");
    return pending;
  }
  Expansion real = expand_password_query(db, config, request, report);
  if (real.error) {
    const std::string& origin = config.password_query.origin;
    report.error = (origin.starts_with("--") ? origin : origin + ": password_query") + ": " +
                   *real.error + " (Dovecot fails every lookup with it: tempfail)";
    report.passdb = passdb_query_failed(
        input,
        "Failed to expand password_query=" + config.password_query.value + ": " + *real.error);
    return pending;
  }
  pending.query = std::move(real.text);
  return pending;
}

void finish_login(Report& report, const PendingLogin& pending, const driver::QueryOutcome* answer,
                  const std::string& connection, const SqlConfig& config,
                  const AuthSettings& settings, std::time_t now) {
  const LoginRequest& request = report.request;
  if (pending.query) {
    const PassdbInput input = passdb_input(config, request, report.user, now);
    if (answer != nullptr && answer->result) {
      report.passdb = read_passdb_result(*answer->result, input);
    } else {
      // Dovecot's "Password query failed": the login tempfails, and batch
      // runs go on with the next user.
      report.error = answer != nullptr ? answer->error : "no answer to the query";
      report.passdb = passdb_query_failed(input, report.error);
    }
  }
  if (report.password_check.status != PasswordCheck::refused) {
    report.password_check = check_password(report.passdb, request);
  }
  finish_passdb_lookup(report.passdb);
  report.connection = connection;
  report.user = report.passdb.user;

  const DecisionInput input{report.passdb, request, settings, request.password.has_value()};
  report.decision = decide(input, resolve_with_getaddrinfo);
  report.response = response_line(report.decision, ResponseContext{request.tag, request.hostname,
                                                                   now, settings.imap_capability,
                                                                   settings.special_use_mailboxes});
  report.warnings = report.decision.warnings;
  if (!pending.username_format_error.empty()) {
    // Dovecot logs this and goes on with the partly expanded name.
    report.warnings.push_back({"username_format_failed", pending.username_format_error});
  }
  if (report.decision.kind == DecisionKind::tempfail && report.error.empty()) {
    // Every tempfail says why, also in JSON ("error").
    report.error = report.decision.rule;
  }
  add_lint_warnings(report, config); // policy lint (core/lint.hpp)
  if (report.password_check.status == PasswordCheck::skipped) {
    report.warnings.push_back({"password_check_skipped",
                               "no password given: the decision assumes the password is right"});
  }
}

Report lookup_login(driver::Driver& db, const SqlConfig& config, const AuthSettings& settings,
                    const LoginRequest& request, std::time_t now) {
  Report report;
  const PendingLogin pending = begin_login(report, db, config, settings, request, now);
  std::optional<driver::QueryOutcome> answer;
  if (pending.query) {
    // The one place a single login's DriverError is caught (query_batch
    // catches its own): Dovecot tempfails the login.
    answer.emplace();
    try {
      answer->result = db.query(*pending.query);
    } catch (const DriverError& e) {
      answer->error = e.what();
      answer->sqlstate = e.sqlstate();
    }
  }
  const std::string connection = db.connection_info();
  finish_login(report, pending, answer ? &*answer : nullptr, connection, config, settings, now);
  return report;
}

} // namespace loginref

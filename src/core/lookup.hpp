// One login, start to finish: normalise the user, expand password_query,
// run it, read the passdb result, verify the password, decide, and build
// the response line. Everything else in loginref (test today; check, audit
// and diff later) is built on lookup_login().
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/decision.hpp"
#include "core/driver/driver.hpp"
#include "core/login_request.hpp"
#include "core/passdb_result.hpp"
#include "core/warning.hpp"

namespace loginref {

enum class PasswordCheck {
  match,       // the password verified
  mismatch,    // it did not (or the stored value could not be used)
  skipped,     // no password was given: the decision assumes it is right
  nopassword,  // the row sets nopassword: any password is accepted
  not_reached, // the lookup failed before a password could be checked
  refused,     // the password has a character Dovecot refuses (\001 \t \r \n)
};

std::string_view to_string(PasswordCheck check);

struct PasswordCheckResult {
  PasswordCheck status = PasswordCheck::not_reached;
  std::string scheme;  // of the stored password, e.g. "SHA512-CRYPT"
  std::string message; // Dovecot's log line for a mismatch, or ""
};

// Everything a report shows about one login.
struct Report {
  LoginRequest request;
  std::string user;             // %u after normalisation and renames
  std::string username_refusal; // why Dovecot refused the name before any query
  std::string query;            // the expanded password_query, %w shown as ********
  std::string query_origin;     // where password_query was set (file:line or option)
  std::string error;            // expansion or database error behind a tempfail ("" if none)
  PasswordCheckResult password_check;
  PassdbResult passdb;
  Decision decision;
  std::string response;   // the tagged line, without CRLF
  std::string driver;     // sqlite, pgsql or mysql
  std::string connection; // which server answered, and why others did not ("" if nothing to say)
  std::vector<Warning> warnings;
  // The query as sent, %w included, and whether outputs may show it and the
  // pass/password values (--show-secrets; off by default).
  std::string query_as_run;
  bool show_secrets = false;
};

// Runs one login against `db`. A database error during the query is not
// thrown: like Dovecot, it becomes a tempfail outcome (report.error says
// why). Never throws DriverError.
Report lookup_login(driver::Driver& db, const SqlConfig& config, const AuthSettings& settings,
                    const LoginRequest& request, std::time_t now);

// lookup_login in two halves, for batches (core/batch.hpp): begin_login
// runs the steps before the query into `report` and says which text to
// send (nullopt: none, e.g. a refused name or a query that does not
// expand); the caller sends it and finish_login runs the rest on the
// answer, into the same `report`. lookup_login is begin_login, db.query(),
// finish_login: batches take the same path.
struct PendingLogin {
  // The password_query text to send; finish_login only asks whether there
  // is one (a batch moves the text out to send it).
  std::optional<std::string> query;
  std::string username_format_error; // auth_username_format's error, if any
};

// Uses `db` only to escape values and name the driver.
PendingLogin begin_login(Report& report, const driver::Driver& db, const SqlConfig& config,
                         const AuthSettings& settings, const LoginRequest& request,
                         std::time_t now);

// `answer` is the outcome of pending.query (null when it was not sent);
// `connection` is the driver's connection_info() after the query.
void finish_login(Report& report, const PendingLogin& pending, const driver::QueryOutcome* answer,
                  const std::string& connection, const SqlConfig& config,
                  const AuthSettings& settings, std::time_t now);

} // namespace loginref

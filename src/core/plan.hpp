// A check plan: a YAML file, written by hand and kept in git, that names a
// dovecot-sql.conf.ext and lists logins with the outcome each must have
// (`loginref check PLAN`; the format is in man/loginref.1, CHECK PLANS, and
// examples/plan.yaml is one).
//
// The plan is read and checked completely before any query runs: every
// mistake in it (a YAML syntax error, an unknown key, a misspelt decision
// or -o setting, an unreadable password file) is a ConfigError that starts
// with "<file>:<line>:<column>: ", so a CI log points at the line. Keys use
// the names the admin already knows: the connection facts are the options
// of `loginref test` without their dashes (remote-ip, local-port, ...), the
// settings are the names -o takes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/decision.hpp"
#include "core/login_request.hpp"

namespace loginref {

// One field value a case expects in the passdb result (the report's
// "fields"). `value` nullopt: the field must not be set.
struct ExpectedField {
  std::string name;
  std::optional<std::string> value;
};

// What one case must produce. Only `decision` is required; what is left out
// is not compared.
struct Expectation {
  DecisionKind decision = DecisionKind::local;
  // The exact response line. In a tempfail line the time of
  // "[host:YYYY-MM-DD HH:MM:SS]" matches any time (it may also be written
  // as TIMESTAMP); the host name must match.
  std::optional<std::string> response;
  std::vector<ExpectedField> fields; // in plan order
  // The exact set of warning codes (order and repeats do not matter); an
  // empty list means "no warnings". nullopt: warnings are not compared.
  std::optional<std::vector<std::string>> warnings;
};

// One login of the plan, ready for lookup_login.
struct PlanCase {
  std::string name; // `name`, or the user when there is none
  int line = 0;     // 1-based line of the case in the plan
  // The login as the client makes it. `hostname` is "" when neither the
  // case nor `defaults` sets it: the caller supplies this machine's name.
  LoginRequest request;
  AuthSettings settings; // `defaults` settings, then the case's
  Expectation expect;
};

struct Plan {
  std::string path;            // as given to load_plan
  std::string name;            // `name`, or the file name without .yaml/.yml
  std::string config_path;     // `config`, resolved against the plan's directory
  std::vector<PlanCase> cases; // never empty
};

// Reads and checks the plan at `path`. Passwords given as {file: ...} or
// {env: ...} are read now, so a missing one stops the run before any
// query; relative `config` and password file paths are resolved against
// the plan's directory. Throws ConfigError "<path>: cannot read: <why>"
// for an unreadable file and "<path>:<line>:<column>: <what>" for every
// mistake in it, e.g. "plan.yaml:7:5: unknown key 'usr' in a case (did you
// mean 'user'?)". Never opens a database.
Plan load_plan(const std::string& path);

} // namespace loginref

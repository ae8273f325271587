// The one small exception hierarchy for failures that end a run.
//
// Outcomes of a login (unknown user, wrong password, referral, tempfail) are
// values (see passdb_result.hpp and decision.hpp), never exceptions. What is
// thrown here ends the run and is mapped to an exit code in exactly one place
// (src/cli/main.cpp). Every message says where the problem is (file:line,
// option name, driver) and, where possible, what to do.
#pragma once

#include <stdexcept>
#include <string>

namespace loginref {

// Base of every loginref failure. what() is one line, without "loginref: ".
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// The command line is wrong (unknown option, bad -o, missing --user). Exit 2.
class UsageError : public Error {
public:
  using Error::Error;
};

// A configuration file or other input (password file, database file) is
// wrong or unreadable. The message starts with its location, e.g.
// "dovecot-sql.conf.ext:3: unknown setting 'pasword_query' (did you mean
// 'password_query'?)". Exit 3.
class ConfigError : public Error {
public:
  using Error::Error;
};

// The database could not be reached or failed outside a lookup (a failure
// during a lookup is a tempfail outcome, not this). `sqlstate` is empty when
// the driver has none. Exit 4.
class DriverError : public Error {
public:
  explicit DriverError(const std::string& message, std::string sqlstate = {})
      : Error(message), m_sqlstate(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return m_sqlstate; }

private:
  std::string m_sqlstate;
};

} // namespace loginref

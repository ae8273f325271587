// What the driver conformance suite needs to know about each backend
// (SOCI's test_context): how to reach it, how to set up the fixture
// (through the backend's own command-line client, since a driver never
// writes), and where the backends legitimately differ.
#pragma once

#include "core/driver/driver.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace loginref::test {

class Backend {
public:
  virtual ~Backend() = default;

  virtual driver::DriverKind kind() const = 0;

  // The Dovecot connect string of the test database, or nullopt when this
  // backend is not configured (then the test is skipped; see skip_reason()).
  virtual std::optional<std::string> connect_string() const = 0;
  virtual std::string skip_reason() const = 0;

  // Runs `sql` as the database owner with the backend's CLI client
  // (sqlite3, psql, mariadb). Throws std::runtime_error with its output.
  virtual void run_setup_sql(const std::string& sql) const = 0;

  // `insert` ("INSERT INTO t ... VALUES ...") made to skip rows whose
  // primary key exists.
  virtual std::string insert_if_missing(const std::string& insert) const = 0;

  // How the backend quotes an identifier ("x" or `x`).
  virtual std::string quote_identifier(const std::string& name) const = 0;

  // TRUE as Dovecot reads it: "t" from libpq, "1" from MariaDB and SQLite.
  virtual std::string true_text() const = 0;

  // escape("a'b\c") exactly as the Dovecot 2.3 driver escapes it.
  virtual std::string expected_escape_of_quote_backslash() const = 0;

  // A query that takes `seconds` (nullopt if the backend cannot sleep).
  virtual std::string sleep_query(int seconds) const = 0;

  // Backend-specific setup beyond the common table (functions that write).
  virtual std::string extra_setup_sql() const = 0;

  // Statements that try to write and that every backend must refuse, on
  // top of the common UPDATE/DELETE/INSERT/DROP/CREATE list.
  virtual std::vector<std::string> extra_write_attempts() const = 0;

  // SQLSTATE of a syntax error ("" where the backend has none).
  virtual std::string syntax_error_sqlstate() const = 0;

  // A connect string for the same server with `key` set to `value`.
  std::string with_token(const std::string& key, const std::string& value) const;

  // The DSN's password (empty if none), to check it is never printed.
  std::string password() const;
};

std::unique_ptr<Backend> make_backend(driver::DriverKind kind);

} // namespace loginref::test

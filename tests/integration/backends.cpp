#include "integration/backends.hpp"

#include "support/temp_dir.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace loginref::test {
namespace {

using driver::DriverKind;

std::vector<std::string> split_spaces(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> tokens;
  std::string token;
  while (in >> token) {
    tokens.push_back(token);
  }
  return tokens;
}

std::string token_value(const std::string& dsn, const std::string& key) {
  for (const std::string& token : split_spaces(dsn)) {
    if (token.starts_with(key + "=")) {
      return token.substr(key.size() + 1);
    }
  }
  return {};
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

// Runs `command` with `sql` on its standard input.
void run_client(const std::string& command, const std::string& sql) {
  static TempDir scratch;
  const std::string input = scratch.write("setup.sql", sql);
  const std::string output = scratch.path() + "/setup.out";
  const std::string full =
      command + " < " + shell_quote(input) + " > " + shell_quote(output) + " 2>&1";
  const int status = std::system(full.c_str());
  if (status != 0) {
    std::ifstream in(output);
    std::stringstream text;
    text << in.rdbuf();
    throw std::runtime_error("setup failed (" + command.substr(0, command.find(' ')) +
                             "): " + text.str());
  }
}

std::optional<std::string> env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

class SqliteBackend final : public Backend {
public:
  DriverKind kind() const override { return DriverKind::sqlite; }
  std::optional<std::string> connect_string() const override { return path(); }
  std::string skip_reason() const override { return {}; }
  void run_setup_sql(const std::string& sql) const override {
    run_client("sqlite3 -bail " + shell_quote(path()), sql);
  }
  std::string insert_if_missing(const std::string& insert) const override {
    return "INSERT OR IGNORE" + insert.substr(6);
  }
  std::string quote_identifier(const std::string& name) const override {
    return "\"" + name + "\"";
  }
  std::string true_text() const override { return "1"; }
  std::string expected_escape_of_quote_backslash() const override { return "a''b\\c"; }
  // SQLite has no sleep(); this counts for ever, until the timeout stops it.
  std::string sleep_query(int) const override {
    return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";
  }
  std::string extra_setup_sql() const override { return {}; }
  std::vector<std::string> extra_write_attempts() const override {
    return {"REPLACE INTO lr_users (id, username, nologin) VALUES (1, 'mallory', FALSE)",
            "WITH x AS (SELECT 1) DELETE FROM lr_users"};
  }
  std::string syntax_error_sqlstate() const override { return {}; }

private:
  static const std::string& path() {
    static TempDir dir;
    static const std::string db = dir.path() + "/conformance.db";
    return db;
  }
};

class PgsqlBackend final : public Backend {
public:
  DriverKind kind() const override { return DriverKind::pgsql; }
  std::optional<std::string> connect_string() const override { return env("LOGINREF_TEST_PGSQL"); }
  std::string skip_reason() const override {
    return "set LOGINREF_TEST_PGSQL to run (eval \"$(scripts/lib/dbservers.sh start)\")";
  }
  void run_setup_sql(const std::string& sql) const override {
    run_client("PGCLIENTENCODING=UTF8 psql -X -q -v ON_ERROR_STOP=1 " +
                   shell_quote(*connect_string()),
               sql);
  }
  std::string insert_if_missing(const std::string& insert) const override {
    return insert + " ON CONFLICT DO NOTHING";
  }
  std::string quote_identifier(const std::string& name) const override {
    return "\"" + name + "\"";
  }
  std::string true_text() const override { return "t"; }
  // standard_conforming_strings is on (PostgreSQL >= 9.1): only ' doubles.
  std::string expected_escape_of_quote_backslash() const override { return "a''b\\c"; }
  std::string sleep_query(int seconds) const override {
    return "SELECT pg_sleep(" + std::to_string(seconds) + ")";
  }
  std::string extra_setup_sql() const override {
    return "CREATE SEQUENCE IF NOT EXISTS lr_seq;\n"
           "CREATE OR REPLACE FUNCTION lr_write() RETURNS integer LANGUAGE plpgsql AS $$\n"
           "BEGIN INSERT INTO lr_users (id, username, nologin) VALUES (99, 'mallory', FALSE); "
           "RETURN 1; END $$;\n";
  }
  std::vector<std::string> extra_write_attempts() const override {
    return {"WITH d AS (DELETE FROM lr_users RETURNING id) SELECT count(*) FROM d",
            "SELECT lr_write()", "SELECT nextval('lr_seq')", "COMMIT; DELETE FROM lr_users"};
  }
  std::string syntax_error_sqlstate() const override { return "42601"; }
};

class MysqlBackend final : public Backend {
public:
  DriverKind kind() const override { return DriverKind::mysql; }
  std::optional<std::string> connect_string() const override { return env("LOGINREF_TEST_MYSQL"); }
  std::string skip_reason() const override {
    return "set LOGINREF_TEST_MYSQL to run (eval \"$(scripts/lib/dbservers.sh start)\")";
  }
  void run_setup_sql(const std::string& sql) const override {
    const std::string dsn = *connect_string();
    const std::string host = token_value(dsn, "host");
    std::string command = "MYSQL_PWD=" + shell_quote(token_value(dsn, "password")) +
                          " mariadb --no-defaults --default-character-set=utf8mb4";
    command +=
        host.starts_with("/") ? " --socket=" + shell_quote(host) : " --host=" + shell_quote(host);
    if (const std::string port = token_value(dsn, "port"); !port.empty()) {
      command += " --port=" + port;
    }
    command += " --user=" + shell_quote(token_value(dsn, "user")) + " " +
               shell_quote(token_value(dsn, "dbname"));
    run_client(command, sql);
  }
  std::string insert_if_missing(const std::string& insert) const override {
    return "INSERT IGNORE" + insert.substr(6);
  }
  std::string quote_identifier(const std::string& name) const override { return "`" + name + "`"; }
  std::string true_text() const override { return "1"; }
  // mysql_real_escape_string backslash-escapes both.
  std::string expected_escape_of_quote_backslash() const override { return "a\\'b\\\\c"; }
  std::string sleep_query(int seconds) const override {
    return "SELECT SLEEP(" + std::to_string(seconds) + ")";
  }
  std::string extra_setup_sql() const override {
    return "DELIMITER //\n"
           "CREATE FUNCTION IF NOT EXISTS lr_write() RETURNS INT MODIFIES SQL DATA\n"
           "BEGIN INSERT INTO lr_users (id, username, nologin) VALUES (99, 'mallory', FALSE); "
           "RETURN 1; END //\n"
           "DELIMITER ;\n";
  }
  std::vector<std::string> extra_write_attempts() const override {
    return {"SELECT lr_write()",
            "REPLACE INTO lr_users (id, username, nologin) VALUES (1, 'mallory', FALSE)",
            "TRUNCATE TABLE lr_users", "COMMIT; DELETE FROM lr_users"};
  }
  std::string syntax_error_sqlstate() const override { return "42000"; }
};

} // namespace

std::string Backend::with_token(const std::string& key, const std::string& value) const {
  std::string dsn;
  bool replaced = false;
  for (const std::string& token : split_spaces(connect_string().value_or(""))) {
    std::string out = token;
    if (token.starts_with(key + "=")) {
      out = key + "=" + value;
      replaced = true;
    }
    dsn += (dsn.empty() ? "" : " ") + out;
  }
  if (!replaced) {
    dsn += (dsn.empty() ? "" : " ") + key + "=" + value;
  }
  return dsn;
}

std::string Backend::password() const {
  return token_value(connect_string().value_or(""), "password");
}

std::unique_ptr<Backend> make_backend(DriverKind kind) {
  switch (kind) {
  case DriverKind::sqlite:
    return std::make_unique<SqliteBackend>();
  case DriverKind::pgsql:
    return std::make_unique<PgsqlBackend>();
  case DriverKind::mysql:
    return std::make_unique<MysqlBackend>();
  }
  return nullptr;
}

} // namespace loginref::test

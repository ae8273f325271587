// The mysql driver: Dovecot 2.3's driver-mysql.c (MariaDB Connector/C,
// libmysqlclient API), with every query in a read-only transaction that is
// rolled back.
//
// Sections (the same in all three drivers): C handles, errors, connect
// string, the driver class, factory. Built as the module
// loginref_driver_mysql.so (module.hpp), so only runs that use mysql load
// libmariadb.
#include "core/driver/mysql_driver.hpp"

#include "core/driver/driver_support.hpp"
#include "core/driver/module.hpp"
#include "core/driver/statement_split.hpp"
#include "core/error.hpp"

#include <mysql.h>
#include <mysqld_error.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loginref::driver {
namespace {

// --- C handles ---------------------------------------------------------------

using MysqlHandle = std::unique_ptr<MYSQL, decltype(&mysql_close)>;
using MysqlResult = std::unique_ptr<MYSQL_RES, decltype(&mysql_free_result)>;

// After the server's max_statement_time should have fired, how long to wait
// for its answer before giving up on the connection.
constexpr std::chrono::milliseconds k_answer_grace{500};

// Dovecot 2.3's defaults (driver-mysql.c: SQL_CONNECT_TIMEOUT_SECS,
// MYSQL_DEFAULT_READ_TIMEOUT_SECS, MYSQL_DEFAULT_WRITE_TIMEOUT_SECS).
constexpr unsigned int k_dovecot_connect_timeout = 5;
constexpr unsigned int k_dovecot_read_timeout = 30;
constexpr unsigned int k_dovecot_write_timeout = 30;

// SQLSTATEs that get a hint (MariaDB 10.11: ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION,
// ER_STATEMENT_TIMEOUT).
constexpr std::string_view k_read_only_transaction = "25006";
constexpr std::string_view k_query_canceled = "70100";

// MySQL 8's max_execution_time error (ER_QUERY_TIMEOUT; MariaDB's is
// ER_STATEMENT_TIMEOUT, SQLSTATE 70100).
constexpr unsigned int k_mysql_query_timeout = 3024;

// --- Errors ------------------------------------------------------------------

// One line: the server's message, then the SQLSTATE and a hint where
// loginref knows one. Dovecot 2.3 logs mysql_error().
DriverError make_error(MYSQL* mysql, std::chrono::milliseconds timeout) {
  const std::string sqlstate = mysql_sqlstate(mysql);
  std::string message = "mysql: " + one_line(mysql_error(mysql));
  message += " (SQLSTATE " + sqlstate + ", error " + std::to_string(mysql_errno(mysql)) + ")";
  if (sqlstate == k_read_only_transaction) {
    message +=
        "; loginref runs every query in a read-only transaction: the password_query must not write";
  } else if (sqlstate == k_query_canceled) {
    message += "; the query did not finish within " + timeout_text(timeout) + " (the timeout)";
  }
  return DriverError(message, sqlstate);
}

// A lost or unusable connection: Connector/C's message, one line.
DriverError connection_error(MYSQL* mysql, const std::vector<std::string>& secrets) {
  const std::string sqlstate = mysql_sqlstate(mysql);
  // HY000 is Connector/C's "general error" for client-side failures.
  return DriverError("mysql: " + redact(one_line(mysql_error(mysql)), secrets),
                     sqlstate == "HY000" || sqlstate == "00000" ? "" : sqlstate);
}

// --- Connect string ----------------------------------------------------------

// Dovecot 2.3's driver_mysql_parse_connect_string, key for key.
struct MysqlConnectString {
  std::optional<std::string> host; // a leading '/' makes it a Unix socket
  std::optional<std::string> user, password, dbname;
  unsigned int port = 0;
  unsigned int client_flags = 0;
  unsigned int connect_timeout = k_dovecot_connect_timeout;
  unsigned int read_timeout = k_dovecot_read_timeout;
  unsigned int write_timeout = k_dovecot_write_timeout;
  std::optional<std::string> ssl_cert, ssl_key, ssl_ca, ssl_ca_path;
  std::string ssl_cipher = "HIGH";
  bool ssl_verify_server_cert = true;
  std::optional<std::string> option_file, option_group;
  std::vector<std::string> secrets; // password and its pieces, to redact
};

const char* c_str(const std::optional<std::string>& value) {
  return value ? value->c_str() : nullptr;
}

[[noreturn]] void throw_connect_string_error(const std::string& dovecot_message,
                                             const MysqlConnectString& parsed) {
  throw ConfigError("mysql: 'connect': " + redact(dovecot_message, parsed.secrets));
}

MysqlConnectString parse_connect_string(const std::string& connect) {
  const std::vector<std::string> tokens = split_spaces(connect);
  MysqlConnectString parsed;
  // "password=abc def": "def" is most likely a piece of the password; it
  // must not appear in the "Missing value" message.
  bool after_password = false;
  for (const std::string& token : tokens) {
    if (token.starts_with("password=")) {
      parsed.secrets.push_back(token.substr(9));
      after_password = true;
    } else if (after_password && token.find('=') == std::string::npos) {
      parsed.secrets.push_back(token);
    } else {
      after_password = false;
    }
  }
  for (const std::string& token : tokens) {
    const std::size_t equals = token.find('=');
    if (equals == std::string::npos) {
      throw_connect_string_error(
          "Missing value in connect string: " + token + " (values cannot contain spaces)", parsed);
    }
    const std::string name = token.substr(0, equals);
    const std::string value = token.substr(equals + 1);
    unsigned int number = 0;
    if (name == "host" || name == "hostaddr") {
      parsed.host = value;
    } else if (name == "user") {
      parsed.user = value;
    } else if (name == "password") {
      parsed.password = value;
    } else if (name == "dbname") {
      parsed.dbname = value;
    } else if (name == "port") {
      if (!parse_uint(value, number) || number == 0 || number > 65535) {
        throw_connect_string_error("Invalid port number: " + value, parsed);
      }
      parsed.port = number;
    } else if (name == "client_flags") {
      if (!parse_uint(value, parsed.client_flags)) {
        throw_connect_string_error("Invalid client flags: " + value, parsed);
      }
    } else if (name == "connect_timeout" || name == "read_timeout" || name == "write_timeout") {
      // Dovecot 2.3 says "read_timeout" for all three (a copy-paste slip).
      if (!parse_uint(value, number)) {
        throw_connect_string_error("Invalid read_timeout: " + value + " (in " + name + ")", parsed);
      }
      unsigned int& field = name == "connect_timeout" ? parsed.connect_timeout
                            : name == "read_timeout"  ? parsed.read_timeout
                                                      : parsed.write_timeout;
      field = number;
    } else if (name == "ssl_cert") {
      parsed.ssl_cert = value;
    } else if (name == "ssl_key") {
      parsed.ssl_key = value;
    } else if (name == "ssl_ca") {
      parsed.ssl_ca = value;
    } else if (name == "ssl_ca_path") {
      parsed.ssl_ca_path = value;
    } else if (name == "ssl_cipher") {
      parsed.ssl_cipher = value;
    } else if (name == "ssl_verify_server_cert") {
      if (value != "yes" && value != "no") {
        throw_connect_string_error(
            "Invalid boolean: " + value + " (ssl_verify_server_cert is yes or no)", parsed);
      }
      parsed.ssl_verify_server_cert = value == "yes";
    } else if (name == "option_file") {
      parsed.option_file = value;
    } else if (name == "option_group") {
      parsed.option_group = value;
    } else {
      throw_connect_string_error(
          "Unknown connect string: " + name +
              " (Dovecot 2.3 knows: host, hostaddr, port, user, password, dbname, "
              "client_flags, ssl_cert, ssl_key, ssl_ca, ssl_ca_path, ssl_cipher, "
              "ssl_verify_server_cert, option_file, option_group, connect_timeout, "
              "read_timeout, write_timeout)",
          parsed);
    }
  }
  if (!parsed.host && !parsed.option_file) {
    throw_connect_string_error("No hosts given in connect string", parsed);
  }
  if (parsed.password) {
    parsed.secrets.push_back(*parsed.password);
  }
  return parsed;
}

// --- The driver --------------------------------------------------------------

class MysqlDriver final : public Driver {
public:
  MysqlDriver(MysqlConnectString connect, const DriverOptions& options)
      : m_connect(std::move(connect)), m_timeout(options.timeout) {
    open_connection();
  }

  QueryResult query(const std::string& sql) override {
    if (!m_mysql) {
      open_connection(); // an earlier timeout dropped it; Dovecot reconnects too
    }
    try {
      set_multi_statements(false); // as Dovecot 2.3 runs every query
      // SET SESSION ... READ ONLY covers statements that commit implicitly
      // (DDL), which START TRANSACTION READ ONLY alone does not stop.
      run_own("SET SESSION TRANSACTION READ ONLY");
      run_own("START TRANSACTION READ ONLY");
      QueryResult result = run_query(sql);
      run_own("ROLLBACK");
      return result;
    } catch (const DriverError&) {
      rollback_after_error();
      throw;
    }
  }

  // mysql_use_result: rows come from the server as they are fetched, so a
  // million rows are never held at once. The statement lasts until the
  // caller has read the last row, so the server's statement time limit is
  // lifted for it; the client-side deadline bounds each wait instead.
  void query_each(const std::string& sql, const RowHandler& on_row) override {
    if (!m_mysql) {
      open_connection();
    }
    try {
      set_multi_statements(false);
      run_own("SET SESSION TRANSACTION READ ONLY");
      run_own("START TRANSACTION READ ONLY");
      set_statement_time(std::chrono::milliseconds(0));
      stream_query(sql, on_row);
      set_statement_time(m_timeout);
      run_own("ROLLBACK");
    } catch (const DriverError&) {
      rollback_after_error();
      throw;
    }
  }

  // Connector/C has no pipelining for text queries, so one round trip per
  // query costs 100-200 us. Runs of batchable queries (statement_split.hpp)
  // therefore go as multi-statement messages of up to 256 statements, with
  // the server's multi-statement option on for just those messages:
  // Dovecot 2.3 never sets CLIENT_MULTI_STATEMENTS, so every other query
  // runs alone with it off, where a ';' gives the syntax error Dovecot
  // gets. Each query still has its own text, as Dovecot sends it. The
  // session is made read-only once per connection, so each statement runs
  // alone in autocommit instead of SET/START/query/ROLLBACK.
  std::vector<QueryOutcome> query_batch(const std::vector<std::string>& sqls) override {
    std::vector<QueryOutcome> outcomes;
    outcomes.reserve(sqls.size());
    bool ascii_safe = false; // unknown until connected
    try {
      open_batch_session();
      ascii_safe = ascii_safe_charset(SqlDialect::mysql, mysql_character_set_name(m_mysql.get()));
    } catch (const DriverError&) {
      // Each query below tries again and reports the error, as query()
      // would.
    }
    BatchPlan plan(sqls, SqlDialect::mysql, ascii_safe);
    while (!plan.done()) {
      const BatchStep step = plan.next();
      const std::span<const std::string> queries(sqls.data() + step.begin, step.end - step.begin);
      bool failed = false;
      if (step.multi) {
        failed = !run_message(queries, outcomes);
      } else {
        for (const std::string& sql : queries) {
          outcomes.push_back(outcome_of([&] {
            open_batch_session();
            if (!step.batchable) {
              set_multi_statements(false);
            }
            return run_query(sql);
          }));
          failed = failed || !outcomes.back().result;
        }
      }
      plan.advance(outcomes.size(), failed);
    }
    return outcomes;
  }

  // driver_mysql_escape_string: mysql_real_escape_string with the
  // connection (its character set counts), else mysql_escape_string.
  std::string escape(std::string_view value) const override {
    const std::string_view text = up_to_nul(value);
    std::string escaped(text.size() * 2 + 1, '\0');
    unsigned long length = 0;
    if (m_mysql) {
      length = mysql_real_escape_string(m_mysql.get(), escaped.data(), text.data(), text.size());
    } else {
      length = mysql_escape_string(escaped.data(), text.data(), text.size());
    }
    escaped.resize(length);
    return escaped;
  }

  DriverKind kind() const override { return DriverKind::mysql; }

  std::string connection_info() const override { return m_connection_info; }

private:
  void open_connection() {
    MysqlHandle mysql(mysql_init(nullptr), &mysql_close);
    if (!mysql) {
      throw DriverError("mysql: out of memory starting a connection");
    }
    set_options(mysql.get());
    const std::string& host = m_connect.host.value_or("");
    const bool is_socket = host.starts_with("/");
    // Dovecot 2.3 adds CLIENT_MULTI_RESULTS (for stored procedures). It
    // never sets CLIENT_MULTI_STATEMENTS; loginref removes it from
    // client_flags too, so one query cannot end the read-only transaction
    // and write after it.
    const unsigned long flags =
        (m_connect.client_flags | CLIENT_MULTI_RESULTS) & ~CLIENT_MULTI_STATEMENTS;
    MYSQL* connected = nullptr;
    const bool finished = run_async(
        mysql.get(),
        [&] {
          return mysql_real_connect_start(
              &connected, mysql.get(), m_connect.host && !is_socket ? host.c_str() : nullptr,
              c_str(m_connect.user), c_str(m_connect.password), c_str(m_connect.dbname),
              m_connect.port, is_socket ? host.c_str() : nullptr, flags);
        },
        [&](int status) { return mysql_real_connect_cont(&connected, mysql.get(), status); },
        Clock::now() + m_timeout);
    const std::string where = m_connect.host ? "host=" + host : "the option_file's host";
    if (!finished) {
      throw DriverError("mysql: cannot connect to " + where + ": no answer within " +
                        timeout_text(m_timeout) +
                        " (the timeout; check host and port, or raise --timeout)");
    }
    if (connected == nullptr) {
      const DriverError error = connection_error(mysql.get(), m_connect.secrets);
      throw DriverError("mysql: cannot connect to " + where + ": " +
                            std::string(error.what()).substr(7),
                        error.sqlstate());
    }
    m_mysql = std::move(mysql);
    m_batch_session = false;
    m_multi_statements = false; // the connect flags never have it
    const char* host_info = mysql_get_host_info(m_mysql.get());
    m_connection_info = std::string("connected to ") + (host_info != nullptr ? host_info : where) +
                        " dbname=" + m_connect.dbname.value_or("") +
                        " user=" + m_connect.user.value_or("");
    set_statement_time(m_timeout);
  }

  // The server-side bound for each statement (0: none).
  void set_statement_time(std::chrono::milliseconds limit) {
    // MariaDB: seconds.
    std::array<char, 32> seconds{};
    std::snprintf(seconds.data(), seconds.size(), "%lld.%03lld",
                  static_cast<long long>(limit.count() / 1000),
                  static_cast<long long>(limit.count() % 1000));
    try {
      run_own("SET SESSION max_statement_time = " + std::string(seconds.data()));
    } catch (const DriverError& error) {
      // Oracle MySQL has no max_statement_time (a MariaDB variable); its
      // max_execution_time (milliseconds, SELECT only) bounds the same
      // statements. Any other failure still ends the connection attempt.
      if (std::string(error.what()).find("Unknown system variable") == std::string::npos) {
        throw;
      }
      run_own("SET SESSION max_execution_time = " + std::to_string(limit.count()));
    }
  }

  // The mysql_options() calls of driver_mysql_connect, in its order.
  void set_options(MYSQL* mysql) const {
    mysql_options(mysql, MYSQL_OPT_NONBLOCK, nullptr); // so every wait is bounded
    if (m_connect.option_file) {
      mysql_options(mysql, MYSQL_READ_DEFAULT_FILE, m_connect.option_file->c_str());
    }
    mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &m_connect.connect_timeout);
    mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &m_connect.read_timeout);
    mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &m_connect.write_timeout);
    mysql_options(mysql, MYSQL_READ_DEFAULT_GROUP,
                  m_connect.option_group.value_or("client").c_str());
    // Dovecot 2.3 sets up TLS only when ssl_ca or ssl_ca_path is given.
    if (m_connect.ssl_ca || m_connect.ssl_ca_path) {
      mysql_ssl_set(mysql, c_str(m_connect.ssl_key), c_str(m_connect.ssl_cert),
                    c_str(m_connect.ssl_ca), c_str(m_connect.ssl_ca_path),
                    m_connect.ssl_cipher.c_str());
      const my_bool verify = m_connect.ssl_verify_server_cert ? 1 : 0;
      mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    }
  }

  // Drives one Connector/C non-blocking call to its end: `start()` begins
  // it, `resume(events)` continues it; both return what to wait for next
  // (0 = done). Returns false if `deadline` passed first; the library's own
  // timeouts (Dovecot's connect/read/write_timeout) still apply within it.
  template <typename Start, typename Resume>
  static bool run_async(MYSQL* mysql, Start start, Resume resume, Clock::time_point deadline) {
    int status = start();
    while (status != 0) {
      Clock::time_point until = deadline;
      if ((status & MYSQL_WAIT_TIMEOUT) != 0) {
        until = std::min(
            deadline, Clock::now() + std::chrono::milliseconds(mysql_get_timeout_value_ms(mysql)));
      }
      const bool ready = wait_socket(mysql_get_socket(mysql), (status & MYSQL_WAIT_READ) != 0,
                                     (status & MYSQL_WAIT_WRITE) != 0, until);
      if (!ready && Clock::now() >= deadline) {
        return false;
      }
      status = resume(ready ? status & (MYSQL_WAIT_READ | MYSQL_WAIT_WRITE | MYSQL_WAIT_EXCEPT)
                            : MYSQL_WAIT_TIMEOUT);
    }
    return true;
  }

  // Sends `sql` and reads its result set, if any, and every further result
  // (as Dovecot 2.3 does with CLIENT_MULTI_RESULTS).
  MysqlResult send(const std::string& sql, Clock::time_point deadline) {
    MYSQL* mysql = m_mysql.get();
    int failed = 0;
    if (!run_async(
            mysql, [&] { return mysql_real_query_start(&failed, mysql, sql.data(), sql.size()); },
            [&](int status) { return mysql_real_query_cont(&failed, mysql, status); }, deadline)) {
      throw timed_out();
    }
    if (failed != 0) {
      throw query_error();
    }
    MYSQL_RES* raw = nullptr;
    if (!run_async(
            mysql, [&] { return mysql_store_result_start(&raw, mysql); },
            [&](int status) { return mysql_store_result_cont(&raw, mysql, status); }, deadline)) {
      throw timed_out();
    }
    MysqlResult result(raw, &mysql_free_result);
    if (!result && mysql_errno(mysql) != 0) {
      throw query_error();
    }
    for (;;) {
      int more = -1; // -1 done, 0 another result, > 0 error
      if (!run_async(
              mysql, [&] { return mysql_next_result_start(&more, mysql); },
              [&](int status) { return mysql_next_result_cont(&more, mysql, status); }, deadline)) {
        throw timed_out();
      }
      if (more > 0) {
        throw query_error();
      }
      if (more < 0) {
        return result;
      }
      MYSQL_RES* extra = nullptr; // ignored, as by Dovecot 2.3
      if (!run_async(
              mysql, [&] { return mysql_store_result_start(&extra, mysql); },
              [&](int status) { return mysql_store_result_cont(&extra, mysql, status); },
              deadline)) {
        throw timed_out();
      }
      const MysqlResult ignored(extra, &mysql_free_result);
    }
  }

  // Our own statements (SET, START TRANSACTION, ROLLBACK).
  void run_own(const std::string& sql) { send(sql, Clock::now() + m_timeout); }

  // run_own unless `already_done` (a setting that holds for the session).
  void run_own(const std::string& sql, bool already_done) {
    if (!already_done) {
      run_own(sql);
    }
  }

  // Sends `sql` and hands each row of its result set to `on_row` as it is
  // fetched; further results are read and ignored, as in send().
  void stream_query(const std::string& sql, const RowHandler& on_row) {
    MYSQL* mysql = m_mysql.get();
    int failed = 0;
    if (!run_async(
            mysql, [&] { return mysql_real_query_start(&failed, mysql, sql.data(), sql.size()); },
            [&](int status) { return mysql_real_query_cont(&failed, mysql, status); },
            Clock::now() + m_timeout + k_answer_grace)) {
      throw timed_out();
    }
    if (failed != 0) {
      throw query_error();
    }
    MysqlResult answer(mysql_use_result(mysql), &mysql_free_result);
    if (!answer) {
      if (mysql_errno(mysql) != 0) {
        throw query_error();
      }
    } else {
      std::vector<std::string> columns;
      const unsigned int count = mysql_num_fields(answer.get());
      const MYSQL_FIELD* fields = mysql_fetch_fields(answer.get());
      for (unsigned int i = 0; i < count; ++i) {
        columns.emplace_back(fields[i].name);
      }
      for (;;) {
        MYSQL_ROW values = nullptr;
        if (!run_async(
                mysql, [&] { return mysql_fetch_row_start(&values, answer.get()); },
                [&](int status) { return mysql_fetch_row_cont(&values, answer.get(), status); },
                Clock::now() + m_timeout)) {
          throw timed_out();
        }
        if (values == nullptr) {
          if (mysql_errno(mysql) != 0) {
            throw query_error();
          }
          break;
        }
        Row row;
        row.reserve(count);
        for (unsigned int i = 0; i < count; ++i) {
          row.push_back(field_value(values, i));
        }
        on_row(columns, row);
      }
    }
    answer.reset();
    for (;;) {
      int more = -1;
      if (!run_async(
              mysql, [&] { return mysql_next_result_start(&more, mysql); },
              [&](int status) { return mysql_next_result_cont(&more, mysql, status); },
              Clock::now() + m_timeout)) {
        throw timed_out();
      }
      if (more > 0) {
        throw query_error();
      }
      if (more < 0) {
        return;
      }
      MYSQL_RES* extra = nullptr;
      if (!run_async(
              mysql, [&] { return mysql_store_result_start(&extra, mysql); },
              [&](int status) { return mysql_store_result_cont(&extra, mysql, status); },
              Clock::now() + m_timeout)) {
        throw timed_out();
      }
      const MysqlResult ignored(extra, &mysql_free_result);
    }
  }

  // The password_query over the text protocol, as Dovecot 2.3 sends it.
  QueryResult run_query(const std::string& sql) {
    const MysqlResult answer = send(sql, Clock::now() + m_timeout + k_answer_grace);
    return read_result(answer.get());
  }

  // A stored result set (null: a statement without one) as a QueryResult.
  static QueryResult read_result(MYSQL_RES* answer) {
    QueryResult result;
    if (answer == nullptr) {
      return result;
    }
    const unsigned int columns = mysql_num_fields(answer);
    const MYSQL_FIELD* fields = mysql_fetch_fields(answer);
    for (unsigned int i = 0; i < columns; ++i) {
      result.columns.emplace_back(fields[i].name);
    }
    // The result is stored, so fetching does no I/O.
    while (MYSQL_ROW values = mysql_fetch_row(answer)) {
      Row row;
      row.reserve(columns);
      for (unsigned int i = 0; i < columns; ++i) {
        row.push_back(field_value(values, i));
      }
      result.rows.push_back(std::move(row));
    }
    return result;
  }

  // query_batch's session: read-only for every statement, also those that
  // commit implicitly.
  void open_batch_session() {
    if (!m_mysql) {
      open_connection();
    }
    run_own("SET SESSION TRANSACTION READ ONLY", m_batch_session);
    m_batch_session = true;
  }

  // The server's multi-statement option (COM_SET_OPTION), on only while
  // query_batch sends messages of several statements. Dovecot 2.3 never
  // sets CLIENT_MULTI_STATEMENTS, and neither does open_connection().
  void set_multi_statements(bool on) {
    if (m_multi_statements == on) {
      return;
    }
    MYSQL* mysql = m_mysql.get();
    const enum_mysql_set_option option =
        on ? MYSQL_OPTION_MULTI_STATEMENTS_ON : MYSQL_OPTION_MULTI_STATEMENTS_OFF;
    int failed = 0;
    if (!run_async(
            mysql, [&] { return mysql_set_server_option_start(&failed, mysql, option); },
            [&](int status) { return mysql_set_server_option_cont(&failed, mysql, status); },
            Clock::now() + m_timeout)) {
      throw timed_out();
    }
    if (failed != 0) {
      throw query_error();
    }
    m_multi_statements = on;
  }

  // Sends `sqls` (all batchable) as one message with multi statements on
  // and reads every result of it before sending anything else, appending
  // one outcome per statement answered. The server stops at a failing
  // statement: that statement then gets the outcome of running alone (a
  // syntax error's "near '...' at line N" quotes the rest of the message
  // and counts its lines), and false is returned: the caller goes on
  // after it. A statement timeout or a lost connection is kept as it is
  // rather than waited for again.
  bool run_message(std::span<const std::string> sqls, std::vector<QueryOutcome>& outcomes) {
    const std::size_t first = outcomes.size();
    try {
      open_batch_session();
      set_multi_statements(true);
    } catch (const DriverError& e) {
      // As each query would have (it would try to connect again).
      outcomes.resize(first + sqls.size(), QueryOutcome{std::nullopt, e.what(), e.sqlstate()});
      return false;
    }
    MYSQL* mysql = m_mysql.get();
    try {
      const std::string text = join_statements(sqls);
      int failed = 0;
      if (!run_async(
              mysql,
              [&] { return mysql_real_query_start(&failed, mysql, text.data(), text.size()); },
              [&](int status) { return mysql_real_query_cont(&failed, mysql, status); },
              Clock::now() + m_timeout + k_answer_grace)) {
        throw timed_out();
      }
      // As mysql_next_result() says it: 0 a result, > 0 an error, -1 none.
      int next = failed != 0 ? 1 : 0;
      for (std::size_t at = 0; at < sqls.size(); ++at) {
        if (at > 0) {
          next = next_result();
        }
        if (next < 0) {
          run_each_alone(sqls, outcomes, first); // fewer results than statements
          return false;
        }
        MysqlResult result(nullptr, &mysql_free_result);
        if (next == 0) {
          result = store_result();
          if (!result && mysql_errno(mysql) != 0) {
            next = 1;
          }
        }
        if (next > 0) {
          statement_failed(sqls, at, outcomes, first);
          return false;
        }
        outcomes.push_back(QueryOutcome{read_result(result.get()), {}, {}});
      }
      if (const int extra = next_result(); extra >= 0) {
        // More results than statements.
        if (extra == 0) {
          discard_results();
        }
        run_each_alone(sqls, outcomes, first);
        return false;
      }
    } catch (const DriverError& e) {
      // No answer in time: the statement fails with that error; the
      // connection is closed and the next message goes on a new one.
      m_mysql.reset();
      if (outcomes.size() < first + sqls.size()) {
        outcomes.push_back(QueryOutcome{std::nullopt, e.what(), e.sqlstate()});
      }
      return false;
    }
    return true;
  }

  // Statement `at` of the message failed; the server skipped the rest.
  void statement_failed(std::span<const std::string> sqls, std::size_t at,
                        std::vector<QueryOutcome>& outcomes, std::size_t first) {
    const unsigned int code = mysql_errno(m_mysql.get());
    const DriverError error = query_error(); // closes a lost connection
    if (code == ER_NET_PACKET_TOO_LARGE) {
      // The message was over max_allowed_packet; the server hangs up.
      m_mysql.reset();
      run_each_alone(sqls, outcomes, first);
    } else if (!m_mysql || error.sqlstate() == k_query_canceled || code == k_mysql_query_timeout ||
               code == ER_LOCK_WAIT_TIMEOUT) {
      outcomes.push_back(QueryOutcome{std::nullopt, error.what(), error.sqlstate()});
    } else {
      // No ';' in it, so it reads the same with multi statements on.
      outcomes.push_back(outcome_of([&] {
        open_batch_session();
        return run_query(sqls[at]);
      }));
    }
  }

  // When a message did not give one result per statement: forget what it
  // gave and run each of its queries alone.
  void run_each_alone(std::span<const std::string> sqls, std::vector<QueryOutcome>& outcomes,
                      std::size_t first) {
    outcomes.resize(first);
    for (const std::string& sql : sqls) {
      outcomes.push_back(outcome_of([&] {
        open_batch_session();
        return run_query(sql);
      }));
    }
  }

  // The next result of a multi-statement message: 0 there is one, > 0 the
  // statement failed, -1 there is none.
  int next_result() {
    MYSQL* mysql = m_mysql.get();
    int more = -1;
    if (!run_async(
            mysql, [&] { return mysql_next_result_start(&more, mysql); },
            [&](int status) { return mysql_next_result_cont(&more, mysql, status); },
            Clock::now() + m_timeout + k_answer_grace)) {
      throw timed_out();
    }
    return more;
  }

  // The current result set (null: none, or an error when mysql_errno()).
  MysqlResult store_result() {
    MYSQL* mysql = m_mysql.get();
    MYSQL_RES* raw = nullptr;
    if (!run_async(
            mysql, [&] { return mysql_store_result_start(&raw, mysql); },
            [&](int status) { return mysql_store_result_cont(&raw, mysql, status); },
            Clock::now() + m_timeout + k_answer_grace)) {
      throw timed_out();
    }
    return MysqlResult(raw, &mysql_free_result);
  }

  // Reads and drops every result left, up to the end or an error.
  void discard_results() {
    for (;;) {
      const MysqlResult ignored = store_result();
      if (next_result() != 0) {
        return;
      }
    }
  }

  // NULL stays distinct from ''. Like Dovecot (MYSQL_ROW entries read as C
  // strings), a value ends at its first NUL.
  static Value field_value(MYSQL_ROW values, unsigned int column) {
    if (values[column] == nullptr) {
      return std::nullopt;
    }
    return std::string(values[column]);
  }

  DriverError query_error() {
    const unsigned int code = mysql_errno(m_mysql.get());
    // Connector/C's client errors (2000..2999) mean the connection is gone
    // (CR_SERVER_GONE_ERROR, CR_SERVER_LOST, ...); Dovecot disconnects too.
    if (code >= 2000 && code < 3000) {
      DriverError error = connection_error(m_mysql.get(), m_connect.secrets);
      m_mysql.reset();
      return error;
    }
    return make_error(m_mysql.get(), m_timeout);
  }

  // A deadline that passes leaves the connection mid-operation; closing it
  // is the only safe way out (Connector/C allows mysql_close() then).
  DriverError timed_out() {
    m_mysql.reset();
    return DriverError("mysql: no answer to the query within " + timeout_text(m_timeout) +
                       " (the timeout); the connection was closed");
  }

  // After a failed query, end the transaction so the connection can serve
  // the next lookup. Errors here add nothing.
  void rollback_after_error() {
    if (!m_mysql) {
      return;
    }
    try {
      run_own("ROLLBACK");
    } catch (const DriverError&) {
      m_mysql.reset(); // the first error is the one to report
    }
  }

  MysqlConnectString m_connect;
  std::chrono::milliseconds m_timeout;
  MysqlHandle m_mysql{nullptr, &mysql_close};
  std::string m_connection_info;
  bool m_batch_session = false;    // query_batch has made the session read-only
  bool m_multi_statements = false; // the server's multi-statement option is on
};

} // namespace

// --- Factory -----------------------------------------------------------------

std::unique_ptr<Driver> open_mysql(const std::string& connect, const DriverOptions& options) {
  return std::make_unique<MysqlDriver>(parse_connect_string(connect), options);
}

} // namespace loginref::driver

LOGINREF_DRIVER_MODULE(loginref::driver::open_mysql)

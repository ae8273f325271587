// The pgsql driver: Dovecot 2.3's driver-pgsql.c behind driver-sqlpool.c,
// with every query in a read-only transaction that is rolled back.
//
// Sections (the same in all three drivers): C handles, errors, connect
// string, the driver class, factory. Built as the module
// loginref_driver_pgsql.so (module.hpp), so only runs that use pgsql load
// libpq.
#include "core/driver/pgsql_driver.hpp"

#include "core/driver/driver_support.hpp"
#include "core/driver/module.hpp"
#include "core/driver/statement_split.hpp"
#include "core/error.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loginref::driver {
namespace {

// --- C handles ---------------------------------------------------------------

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;
using PgOptions = std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)>;
using PgMemory = std::unique_ptr<char, decltype(&PQfreemem)>;

// After the server's statement_timeout should have fired, how long to wait
// for its answer before giving up on the connection.
constexpr std::chrono::milliseconds k_answer_grace{500};

// SQLSTATEs that get a hint (PostgreSQL 15, Appendix A).
constexpr std::string_view k_read_only_transaction = "25006";
constexpr std::string_view k_query_canceled = "57014";
constexpr std::string_view k_lock_not_available = "55P03";

// --- Errors ------------------------------------------------------------------

// One line: the server's primary message, then the SQLSTATE and a hint
// where loginref knows one. Dovecot 2.3 logs PQresultErrorMessage().
DriverError make_error(const PGresult* result, std::chrono::milliseconds timeout) {
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const std::string sqlstate = state != nullptr ? state : "";
  std::string message = "pgsql: " + (primary != nullptr ? std::string(primary)
                                                        : one_line(PQresultErrorMessage(result)));
  if (!sqlstate.empty()) {
    message += " (SQLSTATE " + sqlstate + ")";
  }
  if (sqlstate == k_read_only_transaction) {
    message +=
        "; loginref runs every query in a read-only transaction: the password_query must not write";
  } else if (sqlstate == k_query_canceled) {
    message += "; the query did not finish within " + timeout_text(timeout) + " (the timeout)";
  } else if (std::string_view(message).find("multiple commands") != std::string_view::npos) {
    message += "; loginref runs one statement per query (Dovecot 2.3 would run them all)";
  }
  return DriverError(message, sqlstate);
}

// libpq's connection error on one line, without the server's "FATAL:  "
// severity prefix and without any piece of the password.
std::string libpq_message(PGconn* conn, const std::vector<std::string>& secrets) {
  std::string message = one_line(PQerrorMessage(conn));
  for (std::size_t at = message.find("FATAL:  "); at != std::string::npos;
       at = message.find("FATAL:  ")) {
    message.erase(at, 8);
  }
  return redact(message, secrets);
}

// A lost or unusable connection.
DriverError connection_error(PGconn* conn, const std::vector<std::string>& secrets) {
  return DriverError("pgsql: " + libpq_message(conn, secrets));
}

// --- Connect string ----------------------------------------------------------

// What Dovecot 2.3's sqlpool makes of a pgsql connect string
// (driver_sqlpool_parse_hosts): maxconns= and every host= token removed,
// then one libpq conninfo "host=<h> <rest>" per host, or just <rest>.
struct PgConnectString {
  std::vector<std::string> labels;   // "host=db1" per conninfo, "" for none
  std::vector<std::string> conninfo; // what each connection gives libpq
  std::vector<std::string> secrets;  // password and its pieces, to redact
};

// The password value and, for a quoted value that the space-splitting cut
// into several tokens, each piece; libpq messages may quote any of them.
std::vector<std::string> password_pieces(const std::vector<std::string>& tokens) {
  std::vector<std::string> pieces;
  bool in_quoted_password = false;
  bool after_password = false; // "password=abc def": "def" is likely a piece
  for (const std::string& token : tokens) {
    if (in_quoted_password) {
      pieces.push_back(token);
      in_quoted_password = token.back() != '\'';
    } else if (token.starts_with("password=")) {
      const std::string value = token.substr(9);
      pieces.push_back(value);
      after_password = true;
      if (value.starts_with("'")) {
        pieces.push_back(value.substr(1));
        in_quoted_password = value.size() == 1 || value.back() != '\'';
      }
      continue;
    } else if (after_password && token.find('=') == std::string::npos) {
      pieces.push_back(token);
      continue;
    }
    after_password = false;
    // postgresql://user:secret@host/db
    const std::size_t scheme = token.find("://");
    const std::size_t at = token.find('@');
    if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
      const std::string userinfo = token.substr(scheme + 3, at - scheme - 3);
      const std::size_t colon = userinfo.find(':');
      if (colon != std::string::npos) {
        pieces.push_back(userinfo.substr(colon + 1));
      }
    }
  }
  return pieces;
}

PgConnectString parse_connect_string(const std::string& connect) {
  const std::vector<std::string> tokens = split_spaces(connect);
  PgConnectString parsed;
  parsed.secrets = password_pieces(tokens);
  std::vector<std::string> hosts;
  std::string rest;
  for (const std::string& token : tokens) {
    const std::size_t equals = token.find('=');
    const std::string key = token.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : token.substr(equals + 1);
    if (key == "maxconns") {
      // Dovecot's per-host connection limit; loginref uses one connection.
      unsigned int limit = 0;
      if (!parse_uint(value, limit)) {
        throw ConfigError("pgsql: 'connect': Invalid value for maxconns: " + value);
      }
    } else if (key == "host") {
      hosts.push_back(value);
    } else {
      rest += (rest.empty() ? "" : " ") + token;
    }
  }
  if (hosts.empty()) {
    parsed.labels.emplace_back();
    parsed.conninfo.push_back(rest);
  }
  for (const std::string& host : hosts) {
    parsed.labels.push_back("host=" + host);
    parsed.conninfo.push_back("host=" + host + " " + rest);
  }
  // libpq would report these only when connecting; they are configuration
  // mistakes, so say so now.
  for (const std::string& conninfo : parsed.conninfo) {
    char* raw_error = nullptr;
    const PgOptions options(PQconninfoParse(conninfo.c_str(), &raw_error), &PQconninfoFree);
    const PgMemory error(raw_error, &PQfreemem);
    if (!options) {
      const std::string reason = error ? one_line(error.get()) : "out of memory";
      throw ConfigError("pgsql: 'connect': " + redact(reason, parsed.secrets) +
                        " (Dovecot 2.3 splits it on spaces, so quoting cannot protect a space)");
    }
    for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
      if (std::string_view(option->keyword) == "password" && option->val != nullptr) {
        parsed.secrets.emplace_back(option->val);
      }
    }
  }
  return parsed;
}

// --- The driver --------------------------------------------------------------

// libpq prints notices ("there is no transaction in progress") to stderr by
// default; loginref's output is its report, so they are dropped.
void ignore_notice(void*, const char*) {}

class PgsqlDriver final : public Driver {
public:
  PgsqlDriver(PgConnectString connect, const DriverOptions& options)
      : m_connect(std::move(connect)), m_timeout(options.timeout) {
    open_connection();
  }

  QueryResult query(const std::string& sql) override {
    if (!m_conn) {
      open_connection(); // an earlier timeout dropped it; Dovecot reconnects too
    }
    try {
      // BEGIN READ ONLY makes the server refuse every write, and the
      // statement timeout bounds the query on the server side.
      run_own("BEGIN READ ONLY; SET LOCAL statement_timeout = " + std::to_string(m_timeout.count()),
              Clock::now() + m_timeout);
      QueryResult result = run_query(sql, Clock::now() + m_timeout + k_answer_grace);
      run_own("ROLLBACK", Clock::now() + m_timeout);
      return result;
    } catch (const DriverError&) {
      rollback_after_error();
      throw;
    }
  }

  // Single-row mode: libpq hands over each row as it arrives, so a million
  // rows are never held at once. No statement_timeout here: the statement
  // lasts until the caller has read the last row; the client-side deadline
  // bounds each wait instead.
  void query_each(const std::string& sql, const RowHandler& on_row) override {
    if (!m_conn) {
      open_connection();
    }
    try {
      run_own("BEGIN READ ONLY", Clock::now() + m_timeout);
      if (PQsendQueryParams(m_conn.get(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) ==
              0 ||
          PQsetSingleRowMode(m_conn.get()) == 0) {
        throw connection_error(m_conn.get(), m_connect.secrets);
      }
      flush(Clock::now() + m_timeout);
      std::vector<std::string> columns;
      std::optional<DriverError> failure;
      for (;;) {
        PgResult result = next_result(Clock::now() + m_timeout + k_answer_grace);
        if (!result) {
          break;
        }
        const ExecStatusType status = PQresultStatus(result.get());
        if (status == PGRES_SINGLE_TUPLE) {
          if (columns.empty()) {
            columns = column_names(result.get());
          }
          on_row(columns, read_row(result.get(), 0));
        } else if (status == PGRES_EMPTY_QUERY) {
          failure = DriverError("pgsql: the query is empty (no SQL statement)");
        } else if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && !failure) {
          failure = make_error(result.get(), m_timeout);
        }
      }
      if (failure) {
        throw *failure;
      }
      run_own("ROLLBACK", Clock::now() + m_timeout);
    } catch (const DriverError&) {
      rollback_after_error();
      throw;
    }
  }

  // Runs of batchable queries (statement_split.hpp) go as multi-statement
  // simple-protocol Query messages of up to 256 statements: PostgreSQL
  // then spends about 30 us of CPU per query instead of 45-67 us in pipeline
  // mode (one extended-protocol Parse/Bind/Execute/Sync per query,
  // measured). Every other query, and a batchable one that runs alone,
  // takes the pipeline as before. Each query still has its own text, as
  // Dovecot sends it. The session is made read-only and given the
  // statement timeout once, instead of BEGIN READ ONLY / SET LOCAL per
  // query; PostgreSQL 13+ applies statement_timeout to each statement of
  // a multi-statement message.
  std::vector<QueryOutcome> query_batch(const std::vector<std::string>& sqls) override {
    std::vector<QueryOutcome> outcomes;
    outcomes.reserve(sqls.size());
    try {
      open_batch_session();
      // The server lexes a message after converting it to the server
      // encoding; a client-only encoding can hide a quote in a character.
      BatchPlan plan(sqls, SqlDialect::pgsql,
                     ascii_safe_charset(SqlDialect::pgsql,
                                        pg_encoding_to_char(PQclientEncoding(m_conn.get()))));
      while (!plan.done()) {
        open_batch_session(); // a lost connection is opened again, as query() does
        const BatchStep step = plan.next();
        const std::span<const std::string> queries(sqls.data() + step.begin, step.end - step.begin);
        bool failed = false;
        if (step.multi) {
          failed = !run_message(queries, outcomes);
        } else {
          run_pipeline(queries, outcomes);
          failed = !outcomes.back().result;
        }
        plan.advance(outcomes.size(), failed);
      }
    } catch (const DriverError& e) {
      // The connection is gone (or never came): the remaining queries fail
      // as query() would have, each with the same error.
      while (outcomes.size() < sqls.size()) {
        outcomes.push_back(QueryOutcome{std::nullopt, e.what(), e.sqlstate()});
      }
    }
    return outcomes;
  }

  // driver_pgsql_escape_string: PQescapeStringConn with the connection (so
  // the server's encoding and standard_conforming_strings count), else
  // PQescapeString.
  std::string escape(std::string_view value) const override {
    const std::string_view text = up_to_nul(value);
    std::string escaped(text.size() * 2 + 1, '\0');
    std::size_t length = 0;
    if (m_conn) {
      int error = 0; // invalid multibyte input: Dovecot 2.3 ignores it too
      length = PQescapeStringConn(m_conn.get(), escaped.data(), text.data(), text.size(), &error);
    } else {
      length = PQescapeString(escaped.data(), text.data(), text.size());
    }
    escaped.resize(length);
    return escaped;
  }

  DriverKind kind() const override { return DriverKind::pgsql; }

  std::string connection_info() const override { return m_connection_info; }

private:
  // One connection attempt per host, all at once, as Dovecot's sqlpool
  // connects to every host; the first to finish connecting is used.
  struct Attempt {
    std::string label;
    PgConnection conn{nullptr, &PQfinish};
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;
    std::string failure; // set when this attempt is over without success
  };

  void open_connection() {
    const Clock::time_point deadline = Clock::now() + m_timeout;
    std::vector<Attempt> attempts;
    for (std::size_t i = 0; i < m_connect.conninfo.size(); ++i) {
      Attempt attempt;
      attempt.label = m_connect.labels[i];
      // PQconnectStart resolves host names before returning (blocking),
      // as in Dovecot 2.3.
      attempt.conn.reset(PQconnectStart(m_connect.conninfo[i].c_str()));
      if (!attempt.conn) {
        throw DriverError("pgsql: out of memory starting a connection");
      }
      if (PQstatus(attempt.conn.get()) == CONNECTION_BAD) {
        attempt.failure = libpq_message(attempt.conn.get(), m_connect.secrets);
      }
      attempts.push_back(std::move(attempt));
    }
    for (;;) {
      std::vector<pollfd> watched;
      std::vector<Attempt*> pending;
      for (Attempt& attempt : attempts) {
        if (!attempt.failure.empty()) {
          continue;
        }
        pollfd entry{};
        entry.fd = PQsocket(attempt.conn.get());
        entry.events = attempt.state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
        watched.push_back(entry);
        pending.push_back(&attempt);
      }
      if (pending.empty()) {
        throw all_failed(attempts);
      }
      const Clock::duration left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) {
        for (Attempt* attempt : pending) {
          attempt->failure = "no answer within " + timeout_text(m_timeout) +
                             " (the timeout; check host and port, or raise --timeout)";
        }
        throw all_failed(attempts);
      }
      const int wait_ms =
          static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
      if (poll(watched.data(), watched.size(), wait_ms) < 0 && errno != EINTR) {
        throw DriverError("pgsql: poll() failed while connecting");
      }
      for (std::size_t i = 0; i < pending.size(); ++i) {
        if (watched[i].revents == 0) {
          continue;
        }
        Attempt& attempt = *pending[i];
        attempt.state = PQconnectPoll(attempt.conn.get());
        if (attempt.state == PGRES_POLLING_FAILED) {
          attempt.failure = libpq_message(attempt.conn.get(), m_connect.secrets);
        } else if (attempt.state == PGRES_POLLING_OK) {
          use_connection(attempt, attempts);
          return;
        }
      }
    }
  }

  void use_connection(Attempt& winner, const std::vector<Attempt>& attempts) {
    m_conn = std::move(winner.conn);
    m_batch_session = false;
    PQsetNoticeProcessor(m_conn.get(), &ignore_notice, nullptr);
    if (PQsetnonblocking(m_conn.get(), 1) != 0) {
      throw connection_error(m_conn.get(), m_connect.secrets);
    }
    const char* host = PQhost(m_conn.get());
    const char* port = PQport(m_conn.get());
    const char* db = PQdb(m_conn.get());
    const char* user = PQuser(m_conn.get());
    m_connection_info = std::string("connected to host=") + (host != nullptr ? host : "") +
                        " port=" + (port != nullptr ? port : "") +
                        " dbname=" + (db != nullptr ? db : "") +
                        " user=" + (user != nullptr ? user : "");
    for (const Attempt& other : attempts) {
      if (&other != &winner && !other.failure.empty()) {
        m_connection_info += " (" + other.label + " failed: " + other.failure + ")";
      }
    }
  }

  DriverError all_failed(const std::vector<Attempt>& attempts) const {
    if (attempts.size() == 1) {
      const std::string& label = attempts.front().label;
      return DriverError("pgsql: cannot connect" + (label.empty() ? "" : " to " + label) + ": " +
                         attempts.front().failure);
    }
    std::string message =
        "pgsql: cannot connect to any of " + std::to_string(attempts.size()) + " hosts";
    for (const Attempt& attempt : attempts) {
      message += "; " + attempt.label + ": " + attempt.failure;
    }
    return DriverError(message);
  }

  // Our own statements (BEGIN, ROLLBACK) over the simple protocol.
  void run_own(const std::string& sql, Clock::time_point deadline) {
    if (PQsendQuery(m_conn.get(), sql.c_str()) == 0) {
      throw connection_error(m_conn.get(), m_connect.secrets);
    }
    for (const PgResult& result : collect_results(deadline)) {
      if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        throw make_error(result.get(), m_timeout);
      }
    }
  }

  // The password_query over the extended protocol, which takes exactly one
  // statement, so the query cannot COMMIT our read-only transaction and
  // write after it. Results come back as text, as Dovecot 2.3 reads them
  // (PQgetvalue: booleans are t/f).
  QueryResult run_query(const std::string& sql, Clock::time_point deadline) {
    if (PQsendQueryParams(m_conn.get(), sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) ==
        0) {
      throw connection_error(m_conn.get(), m_connect.secrets);
    }
    return answer_of(collect_results(deadline));
  }

  // Sends each query followed by a Sync, then reads one outcome per query.
  void run_pipeline(std::span<const std::string> sqls, std::vector<QueryOutcome>& outcomes) {
    PGconn* conn = m_conn.get();
    if (PQenterPipelineMode(conn) == 0) {
      throw connection_error(conn, m_connect.secrets);
    }
    const Clock::time_point deadline =
        Clock::now() + m_timeout * static_cast<int>(std::max<std::size_t>(1, sqls.size() / 64 + 1));
    for (const std::string& sql : sqls) {
      if (PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0 ||
          PQpipelineSync(conn) == 0) {
        throw lost_connection();
      }
    }
    flush(deadline);
    for (std::size_t i = 0; i < sqls.size(); ++i) {
      std::vector<PgResult> results;
      while (PgResult result = next_result(deadline)) {
        results.push_back(std::move(result));
      }
      const PgResult sync = next_result(deadline);
      if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
        throw lost_connection();
      }
      outcomes.push_back(outcome_of([&] { return answer_of(results); }));
    }
    if (PQexitPipelineMode(conn) == 0) {
      throw lost_connection();
    }
  }

  // query_batch's session: read-only, with the statement timeout.
  void open_batch_session() {
    if (!m_conn) {
      open_connection();
    }
    if (!m_batch_session) {
      run_own("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = " +
                  std::to_string(m_timeout.count()),
              Clock::now() + m_timeout);
      m_batch_session = true;
    }
  }

  // Sends `sqls` (all batchable) as one simple-protocol Query message and
  // reads one result per statement, appending one outcome per statement
  // answered. The whole message runs as one implicit transaction, and the
  // server skips the rest of it after a failing statement; then that
  // statement gets the outcome of running alone (its error text may tell
  // its position in the message, and a syntax error anywhere fails the
  // whole message before any statement runs), and false is returned: the
  // caller goes on after it. A statement timeout or a lost connection is
  // kept as it is rather than waited for again.
  bool run_message(std::span<const std::string> sqls, std::vector<QueryOutcome>& outcomes) {
    const std::size_t first = outcomes.size();
    try {
      const std::string text = join_statements(sqls);
      if (PQsendQuery(m_conn.get(), text.c_str()) == 0) {
        throw lost_connection();
      }
      flush(Clock::now() + m_timeout);
      for (const std::string& sql : sqls) {
        const PgResult result = next_result(Clock::now() + m_timeout + k_answer_grace);
        const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_EMPTY_QUERY;
        if (result && status == PGRES_TUPLES_OK) {
          outcomes.push_back(QueryOutcome{read_result(result.get()), {}, {}});
        } else if (result && status == PGRES_FATAL_ERROR) {
          const DriverError error = make_error(result.get(), m_timeout);
          if (const std::optional<DriverError> lost = finish_message()) {
            // A FATAL error ends the connection: query() reports the lost
            // connection too.
            outcomes.push_back(QueryOutcome{std::nullopt, lost->what(), lost->sqlstate()});
          } else if (error.sqlstate() == k_query_canceled ||
                     error.sqlstate() == k_lock_not_available) {
            outcomes.push_back(QueryOutcome{std::nullopt, error.what(), error.sqlstate()});
          } else {
            run_pipeline(std::span<const std::string>(&sql, 1), outcomes);
          }
          return false;
        } else {
          // Fewer results than statements, or one that is not a row set
          // (neither can happen with SELECT, WITH and VALUES).
          if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT || status == PGRES_COPY_BOTH) {
            drop_connection();
          } else {
            finish_message();
          }
          run_each_alone(sqls, outcomes, first);
          return false;
        }
      }
      if (const PgResult extra = next_result(Clock::now() + m_timeout + k_answer_grace)) {
        finish_message(); // more results than statements
        run_each_alone(sqls, outcomes, first);
        return false;
      }
    } catch (const DriverError& e) {
      // Lost or timed out while waiting for a statement: it fails with that
      // error; what the connection was doing is unknown, so it is dropped
      // and the next message goes on a new one.
      drop_connection();
      if (outcomes.size() < first + sqls.size()) {
        outcomes.push_back(QueryOutcome{std::nullopt, e.what(), e.sqlstate()});
      }
      return false;
    }
    return true;
  }

  // When a message did not give one result per statement: forget what it
  // gave and run each of its queries alone.
  void run_each_alone(std::span<const std::string> sqls, std::vector<QueryOutcome>& outcomes,
                      std::size_t first) {
    outcomes.resize(first);
    open_batch_session();
    run_pipeline(sqls, outcomes);
  }

  // Reads the results left of the current message (none after an error).
  // When the connection is lost meanwhile, drops it and returns the error
  // query() would have thrown.
  std::optional<DriverError> finish_message() {
    try {
      while (next_result(Clock::now() + m_timeout + k_answer_grace)) {
      }
    } catch (const DriverError& e) {
      return e; // dropped already
    }
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
      return lost_connection();
    }
    return std::nullopt;
  }

  void drop_connection() {
    m_conn.reset();
    m_batch_session = false;
  }

  // What run_query makes of the results of one query.
  QueryResult answer_of(const std::vector<PgResult>& results) const {
    if (results.empty()) {
      throw connection_error(m_conn.get(), m_connect.secrets);
    }
    const PGresult* answer = results.front().get();
    switch (PQresultStatus(answer)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
      break;
    case PGRES_EMPTY_QUERY:
      throw DriverError("pgsql: the query is empty (no SQL statement)");
    default:
      throw make_error(answer, m_timeout);
    }
    return read_result(answer);
  }

  static std::vector<std::string> column_names(const PGresult* result) {
    std::vector<std::string> columns;
    const int count = PQnfields(result);
    for (int i = 0; i < count; ++i) {
      columns.emplace_back(PQfname(result, i));
    }
    return columns;
  }

  static Row read_row(const PGresult* result, int row_number) {
    const int columns = PQnfields(result);
    Row row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) {
      row.push_back(field_value(result, row_number, i));
    }
    return row;
  }

  static QueryResult read_result(const PGresult* answer) {
    QueryResult result;
    result.columns = column_names(answer);
    const int rows = PQntuples(answer);
    for (int r = 0; r < rows; ++r) {
      result.rows.push_back(read_row(answer, r));
    }
    return result;
  }

  // NULL stays distinct from ''; everything else is libpq's text form.
  static Value field_value(const PGresult* result, int row, int column) {
    if (PQgetisnull(result, row, column) != 0) {
      return std::nullopt;
    }
    return std::string(PQgetvalue(result, row, column),
                       static_cast<std::size_t>(PQgetlength(result, row, column)));
  }

  // Sends what is queued and reads every result of the last command. A
  // deadline that passes leaves the connection in an unknown state, so it
  // is dropped (PQcancel could block on a silent server).
  std::vector<PgResult> collect_results(Clock::time_point deadline) {
    flush(deadline);
    std::vector<PgResult> results;
    while (PgResult result = next_result(deadline)) {
      results.push_back(std::move(result));
    }
    return results;
  }

  // Sends what is queued, reading meanwhile so a server that answers early
  // cannot block us both.
  void flush(Clock::time_point deadline) {
    PGconn* conn = m_conn.get();
    for (;;) {
      const int flushed = PQflush(conn);
      if (flushed == 0) {
        return;
      }
      if (flushed < 0) {
        throw lost_connection();
      }
      if (!wait_socket(PQsocket(conn), true, true, deadline)) {
        throw timed_out();
      }
      if (PQconsumeInput(conn) == 0) {
        throw lost_connection();
      }
    }
  }

  // The next result of the current command, or null at its end.
  // Reads only when libpq has no complete result buffered: PQconsumeInput
  // moves the unread input to the front of libpq's buffer, so calling it
  // once per row of a large iterate_query result (single-row mode) costs
  // time quadratic in the rows buffered (45% of an audit's CPU, measured).
  PgResult next_result(Clock::time_point deadline) {
    PGconn* conn = m_conn.get();
    while (PQisBusy(conn) != 0) {
      if (!wait_socket(PQsocket(conn), true, false, deadline)) {
        throw timed_out();
      }
      if (PQconsumeInput(conn) == 0) {
        throw lost_connection();
      }
    }
    return PgResult(PQgetResult(conn), &PQclear);
  }

  DriverError lost_connection() {
    DriverError error = connection_error(m_conn.get(), m_connect.secrets);
    drop_connection();
    return error;
  }

  DriverError timed_out() {
    drop_connection();
    return DriverError("pgsql: no answer to the query within " + timeout_text(m_timeout) +
                       " (the timeout); the connection was closed");
  }

  // After a failed query the transaction is aborted; end it so the
  // connection can serve the next lookup. Errors here add nothing.
  void rollback_after_error() {
    if (!m_conn) {
      return;
    }
    if (PQstatus(m_conn.get()) == CONNECTION_BAD) {
      m_conn.reset();
      return;
    }
    try {
      run_own("ROLLBACK", Clock::now() + m_timeout);
    } catch (const DriverError&) {
      m_conn.reset(); // the first error is the one to report
    }
  }

  PgConnectString m_connect;
  std::chrono::milliseconds m_timeout;
  PgConnection m_conn{nullptr, &PQfinish};
  std::string m_connection_info;
  bool m_batch_session = false; // query_batch has set the session up
};

} // namespace

// --- Factory -----------------------------------------------------------------

std::unique_ptr<Driver> open_pgsql(const std::string& connect, const DriverOptions& options) {
  return std::make_unique<PgsqlDriver>(parse_connect_string(connect), options);
}

} // namespace loginref::driver

LOGINREF_DRIVER_MODULE(loginref::driver::open_pgsql)

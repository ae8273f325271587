// The SQL driver interface: the three things a passdb lookup needs from a
// database, and nothing more. Dovecot's own drivers sit behind one API the
// same way (src/lib-sql/sql-api.h); ours are sqlite, pgsql and mysql.
//
// A driver never modifies data: it opens SQLite read-only and runs every
// PostgreSQL/MySQL query in a read-only transaction that is rolled back.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace loginref::driver {

enum class DriverKind { sqlite, pgsql, mysql };

// "sqlite" -> sqlite, ...; nullopt for a name Dovecot 2.3 does not know.
std::optional<DriverKind> driver_kind_from_name(std::string_view name);
std::string_view to_string(DriverKind kind);

// One value as the driver returns it in text form; nullopt is SQL NULL.
using Value = std::optional<std::string>;
using Row = std::vector<Value>;

// The whole answer to one query: column names in order, and every row.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// One query of a batch: its rows, or the error query() would have thrown.
struct QueryOutcome {
  std::optional<QueryResult> result; // nullopt when the query failed
  std::string error;                 // DriverError::what() when it failed
  std::string sqlstate;              // DriverError::sqlstate() when it failed
};

// Called by query_each() for each row as it arrives; `columns` are the
// result's column names (the same vector for every row).
using RowHandler = std::function<void(const std::vector<std::string>& columns, const Row& row)>;

struct DriverOptions {
  // Bounds connecting and each statement (issue: --timeout, default 10 s).
  std::chrono::milliseconds timeout{10000};
};

class Driver {
public:
  virtual ~Driver() = default;

  // Runs `sql` and returns every row. Throws DriverError (message from the
  // database, SQLSTATE when it has one) when the query fails.
  virtual QueryResult query(const std::string& sql) = 0;

  // Escapes `value` for a quoted SQL literal exactly as this driver's
  // Dovecot counterpart does (sqlite: doubles '; pgsql: PQescapeStringConn;
  // mysql: mysql_real_escape_string).
  virtual std::string escape(std::string_view value) const = 0;

  virtual DriverKind kind() const = 0;

  // Runs `sql` like query() but hands each row to `on_row` as it arrives
  // instead of holding them all, so iterate_query over a million users
  // takes constant memory. The timeout bounds the wait for each row, not
  // the whole result (the caller may take long between rows). Throws
  // DriverError; what `on_row` throws passes through.
  virtual void query_each(const std::string& sql, const RowHandler& on_row) {
    const QueryResult result = query(sql);
    for (const Row& row : result.rows) {
      on_row(result.columns, row);
    }
  }

  // Runs each of `sqls` exactly as query() would and returns one outcome
  // per query, in order; one query's failure does not stop the others
  // (Dovecot tempfails that login only). A driver that can do better than
  // one round trip per query overrides this (pgsql and mysql: several
  // queries per multi-statement message, statement_split.hpp). Throws
  // nothing for a failing query; the outcome carries its error.
  virtual std::vector<QueryOutcome> query_batch(const std::vector<std::string>& sqls) {
    std::vector<QueryOutcome> outcomes;
    outcomes.reserve(sqls.size());
    for (const std::string& sql : sqls) {
      outcomes.push_back(outcome_of([&] { return query(sql); }));
    }
    return outcomes;
  }

  // What this driver is connected to, for reports: for pgsql with several
  // host= tokens, which host answered and why the others did not (Dovecot
  // 2.3's sqlpool would spread lookups over all that answer). Never
  // contains a password. Empty when there is nothing worth saying.
  virtual std::string connection_info() const { return {}; }

protected:
  // Runs `run` (which returns a QueryResult) and turns a DriverError into
  // a failed outcome: the catch site for batches, where a failing query is
  // one user's tempfail and the batch goes on.
  template <typename Run> static QueryOutcome outcome_of(Run run) {
    QueryOutcome outcome;
    try {
      outcome.result = run();
    } catch (const DriverError& e) {
      outcome.error = e.what();
      outcome.sqlstate = e.sqlstate();
    }
    return outcome;
  }
};

// Opens a driver for Dovecot's `connect` string. Throws ConfigError when
// the driver was not built into this loginref or the connect string is
// malformed, ConfigError for a missing SQLite file, DriverError when the
// server cannot be reached.
std::unique_ptr<Driver> open_driver(DriverKind kind, const std::string& connect,
                                    const DriverOptions& options);

} // namespace loginref::driver

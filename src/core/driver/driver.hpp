// The SQL driver interface: the three things a passdb lookup needs from a
// database, and nothing more. Dovecot's own drivers sit behind one API the
// same way (src/lib-sql/sql-api.h); ours are sqlite, pgsql and mysql.
//
// A driver never modifies data: it opens SQLite read-only and runs every
// PostgreSQL/MySQL query in a read-only transaction that is rolled back.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

  // What this driver is connected to, for reports: for pgsql with several
  // host= tokens, which host answered and why the others did not (Dovecot
  // 2.3's sqlpool would spread lookups over all that answer). Never
  // contains a password. Empty when there is nothing worth saying.
  virtual std::string connection_info() const { return {}; }
};

// Opens a driver for Dovecot's `connect` string. Throws ConfigError when
// the driver was not built into this loginref or the connect string is
// malformed, ConfigError for a missing SQLite file, DriverError when the
// server cannot be reached.
std::unique_ptr<Driver> open_driver(DriverKind kind, const std::string& connect,
                                    const DriverOptions& options);

} // namespace loginref::driver

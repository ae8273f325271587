// The sqlite driver: Dovecot 2.3's driver-sqlite.c, opened read-only.
//
// Sections (the same in all three drivers): C handles, errors, connect
// string, the driver class, factory.
#include "core/driver/sqlite_driver.hpp"

#include "core/driver/driver_support.hpp"
#include "core/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace loginref::driver {
namespace {

// --- C handles ---------------------------------------------------------------

using SqliteHandle = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

// Dovecot 2.3 sets a fixed busy timeout (driver-sqlite.c:
// sqlite_busy_timeout = 1000 ms); a shorter --timeout wins.
constexpr std::chrono::milliseconds k_dovecot_busy_timeout{1000};

// How many SQLite VM steps run between two checks of the query deadline.
constexpr int k_progress_steps = 1000;

// --- Memory ------------------------------------------------------------------

// Debian 12 builds SQLite with SQLITE_OMIT_LOOKASIDE, so each of the ~85
// small allocations of preparing and finalising one password_query goes
// to malloc(); an audit prepares one text per user (Dovecot expands the
// values into it). These methods (SQLITE_CONFIG_MALLOC) put SQLite's small
// blocks on per-thread free lists by size, as lookaside would: measured
// 11 us -> 8.5 us per prepare+step+finalize of the benchmark's query.
// Blocks carry their size in a 16-byte header (xSize needs it, and 16
// keeps SQLite's 8-byte alignment); big ones go to malloc.
namespace memory {

constexpr std::size_t k_header = 16;
constexpr std::size_t k_step = 16;
constexpr std::size_t k_largest_listed = 1024;

struct FreeBlock {
  FreeBlock* next;
};

// One thread's free lists; they go back to malloc when the thread ends.
struct FreeLists {
  FreeBlock* heads[k_largest_listed / k_step + 1] = {};
  bool alive = true;
  ~FreeLists() {
    alive = false;
    for (FreeBlock*& head : heads) {
      while (head != nullptr) {
        FreeBlock* next = head->next;
        std::free(head);
        head = next;
      }
    }
  }
};

thread_local FreeLists t_lists;

std::size_t rounded(std::size_t size) {
  return size == 0 ? k_step : (size + k_step - 1) & ~(k_step - 1);
}

std::size_t& size_of_block(char* block) { return *reinterpret_cast<std::size_t*>(block); }

void* allocate(int requested) {
  const std::size_t size = rounded(static_cast<std::size_t>(requested));
  char* block = nullptr;
  if (size <= k_largest_listed && t_lists.alive) {
    FreeBlock*& head = t_lists.heads[size / k_step];
    if (head != nullptr) {
      block = reinterpret_cast<char*>(head);
      head = head->next;
    }
  }
  if (block == nullptr) {
    block = static_cast<char*>(std::malloc(size + k_header));
    if (block == nullptr) {
      return nullptr;
    }
  }
  size_of_block(block) = size;
  return block + k_header;
}

void release(void* pointer) {
  if (pointer == nullptr) {
    return;
  }
  char* block = static_cast<char*>(pointer) - k_header;
  const std::size_t size = size_of_block(block);
  if (size > k_largest_listed || !t_lists.alive) {
    std::free(block);
    return;
  }
  FreeBlock*& head = t_lists.heads[size / k_step];
  head = new (block) FreeBlock{head};
}

int size_of(void* pointer) {
  return pointer == nullptr
             ? 0
             : static_cast<int>(size_of_block(static_cast<char*>(pointer) - k_header));
}

void* reallocate(void* pointer, int requested) {
  if (pointer == nullptr) {
    return allocate(requested);
  }
  const int old_size = size_of(pointer);
  if (requested <= old_size) {
    return pointer;
  }
  void* moved = allocate(requested);
  if (moved != nullptr) {
    std::memcpy(moved, pointer, static_cast<std::size_t>(old_size));
    release(pointer);
  }
  return moved;
}

int round_up(int size) { return static_cast<int>(rounded(static_cast<std::size_t>(size))); }
int initialize(void*) { return SQLITE_OK; }
void shut_down(void*) {}

} // namespace memory

// --- Errors ------------------------------------------------------------------

// SQLite has no SQLSTATE; the message is sqlite3_errmsg(), which is what
// Dovecot 2.3 logs for a failed query.
DriverError make_error(sqlite3* db) {
  return DriverError("sqlite: " + std::string(sqlite3_errmsg(db)));
}

// --- Connect string ----------------------------------------------------------

// Dovecot 2.3 takes the whole connect string as the database path
// (driver_sqlite_init_full_v); options such as journal_mode came in 2.4.
// It would sqlite3_open() a missing path and so create an empty database;
// a dry run must not write, so loginref refuses up front.
std::string parse_connect_string(const std::string& connect) {
  const std::string& path = connect;
  if (path == ":memory:") {
    return path; // Dovecot would open an empty in-memory database; so do we.
  }
  if (path.empty()) {
    throw ConfigError("sqlite: 'connect' is empty; it must be the path of the SQLite database");
  }
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    throw ConfigError(
        path + ": no such SQLite database (Dovecot would create an empty one; check 'connect')");
  }
  if (std::filesystem::is_directory(status)) {
    throw ConfigError(path + ": is a directory, not an SQLite database (check 'connect')");
  }
  return path;
}

// --- The driver --------------------------------------------------------------

// BEGIN ... COMMIT around a batch of reads; errors are left to the queries.
class ReadTransaction {
public:
  explicit ReadTransaction(sqlite3* db) : m_db(db) {
    m_open = sqlite3_exec(m_db, "BEGIN", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~ReadTransaction() {
    if (m_open) {
      sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr);
    }
  }
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

private:
  sqlite3* m_db;
  bool m_open = false;
};

class SqliteDriver final : public Driver {
public:
  SqliteDriver(std::string path, const DriverOptions& options)
      : m_path(std::move(path)), m_timeout(options.timeout) {
    open_connection();
  }

  QueryResult query(const std::string& sql) override {
    SqliteStatement stmt = prepare(sql);
    return run_statement(stmt.get());
  }

  void query_each(const std::string& sql, const RowHandler& on_row) override {
    SqliteStatement stmt = prepare(sql);
    const std::vector<std::string> columns = column_names(stmt.get());
    for (;;) {
      m_deadline = std::chrono::steady_clock::now() + m_timeout; // per row
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) {
        return;
      }
      if (rc != SQLITE_ROW) {
        throw step_error(rc);
      }
      on_row(columns, read_row(stmt.get(), static_cast<int>(columns.size())));
    }
  }

  // One query after the other on this connection: SQLite has no round trip
  // to save. Each user's query has its own text (Dovecot expands the values
  // into it, no bind parameters), so a prepared statement is reused only
  // when the text is the same as the one before (measured in bench/: a
  // cache keyed by text never hits in an audit).
  std::vector<QueryOutcome> query_batch(const std::vector<std::string>& sqls) override {
    std::vector<QueryOutcome> outcomes;
    outcomes.reserve(sqls.size());
    // One read transaction for the batch: SQLite then takes its shared lock
    // and checks for a hot journal once, not once per query (measured: 3
    // stat() and a pread() per query otherwise). Every query only reads.
    const ReadTransaction transaction(m_db.get());
    SqliteStatement last(nullptr, &sqlite3_finalize);
    const std::string* last_sql = nullptr;
    for (const std::string& sql : sqls) {
      outcomes.push_back(outcome_of([&] {
        if (last && last_sql != nullptr && *last_sql == sql) {
          sqlite3_reset(last.get());
        } else {
          last.reset();
          last = prepare(sql);
        }
        last_sql = &sql;
        return run_statement(last.get());
      }));
    }
    return outcomes;
  }

  // driver_sqlite_escape_string doubles every ' and nothing else.
  std::string escape(std::string_view value) const override {
    std::string escaped;
    for (const char c : up_to_nul(value)) {
      escaped += c;
      if (c == '\'') {
        escaped += '\'';
      }
    }
    return escaped;
  }

  DriverKind kind() const override { return DriverKind::sqlite; }

private:
  void open_connection() {
    configure_library();
    const std::string& path = m_path;
    sqlite3* raw = nullptr;
    // NOMUTEX: a connection is used by one thread at a time (audit --jobs
    // gives each job its own), so SQLite's per-connection mutex only costs.
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    SqliteHandle db(raw, &sqlite3_close); // owns the handle even when rc fails
    if (rc != SQLITE_OK) {
      const std::string reason = db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc);
      throw ConfigError(path + ": cannot open SQLite database: " + reason +
                        " (check 'connect' and permissions)");
    }
    sqlite3_busy_timeout(db.get(),
                         static_cast<int>(std::min(m_timeout, k_dovecot_busy_timeout).count()));
    // sqlite3_open_v2 does not read the file yet; reading the schema now
    // turns "not a database" into a configuration error instead of a
    // failed lookup later.
    char* message = nullptr;
    const int probe =
        sqlite3_exec(db.get(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr, &message);
    const std::unique_ptr<char, decltype(&sqlite3_free)> owned_message(message, &sqlite3_free);
    if (probe != SQLITE_OK) {
      const std::string reason = message != nullptr ? message : sqlite3_errstr(probe);
      throw ConfigError(path + ": not a usable SQLite database: " + reason + " (check 'connect')");
    }
    sqlite3_progress_handler(db.get(), k_progress_steps, &SqliteDriver::on_progress, this);
    m_db = std::move(db);
  }

  // Before SQLite's first use: the memory methods above, and no memory
  // statistics (they take one global mutex around every allocation, which
  // serialised the connections of audit --jobs). sqlite3_config returns
  // SQLITE_MISUSE when SQLite was initialised already; SQLite then keeps
  // its own methods, which is only slower.
  static void configure_library() {
    static std::once_flag once;
    std::call_once(once, [] {
      static const sqlite3_mem_methods methods{
          &memory::allocate, &memory::release,    &memory::reallocate, &memory::size_of,
          &memory::round_up, &memory::initialize, &memory::shut_down,  nullptr};
      sqlite3_config(SQLITE_CONFIG_MALLOC, &methods);
      sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
  }

  // Dovecot 2.3 uses sqlite3_prepare() and so runs only the first statement
  // of `sql`; the rest is ignored, here too.
  SqliteStatement prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    m_deadline = std::chrono::steady_clock::now() + m_timeout;
    const int rc = sqlite3_prepare_v2(m_db.get(), sql.c_str(), -1, &raw, nullptr);
    SqliteStatement stmt(raw, &sqlite3_finalize);
    if (rc != SQLITE_OK) {
      throw step_error(rc);
    }
    if (!stmt) {
      throw DriverError(
          "sqlite: the query is empty (no SQL statement before the end or the first ';')");
    }
    // The file is open read-only, so SQLite would refuse a write anyway;
    // checking first gives one clear message for every kind of write.
    if (sqlite3_stmt_readonly(stmt.get()) == 0) {
      throw DriverError(
          "sqlite: the statement would write to the database; loginref opens it read-only: "
          "the password_query must not write");
    }
    return stmt;
  }

  static std::vector<std::string> column_names(sqlite3_stmt* stmt) {
    std::vector<std::string> columns;
    const int count = sqlite3_column_count(stmt);
    for (int i = 0; i < count; ++i) {
      const char* name = sqlite3_column_name(stmt, i);
      columns.emplace_back(name != nullptr ? name : "");
    }
    return columns;
  }

  static Row read_row(sqlite3_stmt* stmt, int columns) {
    Row row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) {
      row.push_back(field_value(stmt, i));
    }
    return row;
  }

  // Steps a prepared statement to its end and returns every row.
  QueryResult run_statement(sqlite3_stmt* stmt) {
    QueryResult result;
    result.columns = column_names(stmt);
    const int columns = static_cast<int>(result.columns.size());
    m_deadline = std::chrono::steady_clock::now() + m_timeout;
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) {
        break;
      }
      if (rc != SQLITE_ROW) {
        throw step_error(rc);
      }
      result.rows.push_back(read_row(stmt, columns));
    }
    return result;
  }

  // SQL NULL stays distinct from ''. Like Dovecot (sqlite3_column_text into
  // a C string), a value ends at its first NUL.
  static Value field_value(sqlite3_stmt* stmt, int column) {
    if (sqlite3_column_type(stmt, column) == SQLITE_NULL) {
      return std::nullopt;
    }
    const unsigned char* text = sqlite3_column_text(stmt, column);
    if (text == nullptr) {
      throw DriverError("sqlite: out of memory reading a value");
    }
    return std::string(reinterpret_cast<const char*>(text));
  }

  DriverError step_error(int rc) const {
    if (rc == SQLITE_INTERRUPT) {
      return DriverError("sqlite: query did not finish within " + timeout_text(m_timeout) +
                         " (the timeout); check the query or raise --timeout");
    }
    return make_error(m_db.get());
  }

  // Interrupts a statement that runs past the deadline (non-zero = stop).
  static int on_progress(void* self) {
    const SqliteDriver* driver = static_cast<const SqliteDriver*>(self);
    return std::chrono::steady_clock::now() > driver->m_deadline ? 1 : 0;
  }

  std::string m_path;
  std::chrono::milliseconds m_timeout;
  SqliteHandle m_db{nullptr, &sqlite3_close};
  std::chrono::steady_clock::time_point m_deadline{};
};

} // namespace

// --- Factory -----------------------------------------------------------------

std::unique_ptr<Driver> open_sqlite(const std::string& path, const DriverOptions& options) {
  return std::make_unique<SqliteDriver>(parse_connect_string(path), options);
}

} // namespace loginref::driver

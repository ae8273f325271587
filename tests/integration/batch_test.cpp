// lookup_batch (the path audit and diff take: multi-statement messages
// for most queries, pgsql pipeline mode or mysql one statement at a time
// for the others) gives every user exactly the Report lookup_login gives,
// on all three drivers; query_batch gives each query exactly what query()
// gives; the lexer that picks the queries for messages agrees with the
// servers' own, whatever their settings; query_each streams what query
// returns. Objects the tests create are named lr_batch_<pid>... and
// dropped again.
#include "core/audit.hpp"
#include "core/batch.hpp"
#include "core/driver/driver.hpp"
#include "core/driver/statement_split.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/output.hpp"
#include "integration/backends.hpp"
#include "support/temp_dir.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <sstream>

namespace loginref::test {
namespace {

using driver::DriverKind;
using namespace std::chrono_literals;

// Every decision, escaping, a query that fails on pgsql (division by zero
// for "bad" users), several rows ("twin"), no row ("gone").
const char* const k_password_query =
    "SELECT '%u' AS user, NULL AS password, 'Y' AS nopassword, "
    "CASE WHEN '%n' LIKE 'ref%%' OR '%n' LIKE 'sug%%' OR '%n' LIKE 'prx%%' THEN "
    "'192.0.2.7' ELSE NULL END AS host, "
    "CASE WHEN '%n' LIKE 'ref%%' OR '%n' LIKE 'off%%' THEN 'Y' ELSE NULL END AS nologin, "
    "CASE WHEN '%n' LIKE 'prx%%' THEN 'Y' ELSE NULL END AS proxy, "
    "CASE WHEN '%n' LIKE 'bad%%' THEN 1 / (LENGTH('%n') - LENGTH('%n')) ELSE 0 END AS x "
    "FROM (SELECT 1 AS one UNION ALL SELECT 2) AS t "
    "WHERE '%n' NOT LIKE 'gone%%' AND (t.one = 1 OR '%n' LIKE 'twin%%')";

std::vector<LoginRequest> requests(int count) {
  const char* const kinds[] = {"ref", "sug", "prx", "off", "loc", "gone", "twin", "bad", "o'h\\x"};
  std::vector<LoginRequest> all;
  for (int i = 0; i < count; ++i) {
    LoginRequest request;
    request.user = std::string(kinds[i % 9]) + std::to_string(i) + "@example.com";
    request.hostname = "mail.example.com";
    request.tag = "a1";
    request.mech = "PLAIN";
    request.service = "imap";
    request.local_port = 143;
    all.push_back(request);
  }
  return all;
}

std::string json_of(const Report& report) {
  std::ostringstream out;
  write_report(out, report, OutputFormat::json);
  return out.str();
}

// An outcome in one line, so EXPECT_EQ shows what differs.
std::string describe(const driver::QueryOutcome& outcome) {
  if (!outcome.result) {
    return "error [" + outcome.sqlstate + "] " + outcome.error;
  }
  std::string text = "columns";
  for (const std::string& column : outcome.result->columns) {
    text += " " + column;
  }
  for (const driver::Row& row : outcome.result->rows) {
    text += " | row";
    for (const driver::Value& value : row) {
      text += value ? " '" + *value + "'" : " NULL";
    }
  }
  return text;
}

// What query() gives for `sql`, as an outcome.
driver::QueryOutcome query_outcome(driver::Driver& db, const std::string& sql) {
  driver::QueryOutcome outcome;
  try {
    outcome.result = db.query(sql);
  } catch (const DriverError& e) {
    outcome.error = e.what();
    outcome.sqlstate = e.sqlstate();
  }
  return outcome;
}

// What query_each() gives for `sql` (which must give rows if it works).
driver::QueryOutcome query_each_outcome(driver::Driver& db, const std::string& sql) {
  driver::QueryOutcome outcome;
  try {
    driver::QueryResult result;
    db.query_each(sql, [&](const std::vector<std::string>& columns, const driver::Row& row) {
      result.columns = columns;
      result.rows.push_back(row);
    });
    outcome.result = std::move(result);
  } catch (const DriverError& e) {
    outcome.error = e.what();
    outcome.sqlstate = e.sqlstate();
  }
  return outcome;
}

// Every outcome of a batch is what query() on `reference` gives.
void expect_same_as_query(driver::Driver& reference, const std::vector<std::string>& sqls,
                          const std::vector<driver::QueryOutcome>& outcomes) {
  ASSERT_EQ(outcomes.size(), sqls.size());
  for (std::size_t i = 0; i < sqls.size(); ++i) {
    EXPECT_EQ(describe(outcomes[i]), describe(query_outcome(reference, sqls[i])))
        << "query " << i << ": " << sqls[i];
  }
}

// A pid-named table (and, on the servers, a function that writes to it, a
// sequence and a procedure with two result sets), dropped again.
class ScratchObjects {
public:
  explicit ScratchObjects(const Backend& backend)
      : m_backend(backend), m_table("lr_batch_" + std::to_string(getpid())) {
    std::string sql = "CREATE TABLE " + m_table + " (x INTEGER);\n";
    if (backend.kind() == DriverKind::pgsql) {
      sql += "CREATE SEQUENCE " + m_table +
             "_seq;\n"
             "CREATE FUNCTION " +
             m_table +
             "_write() RETURNS integer LANGUAGE plpgsql AS $$\n"
             "BEGIN INSERT INTO " +
             m_table +
             " VALUES (1); RETURN 1; END $$;\n"
             "CREATE PROCEDURE " +
             m_table + "_proc() LANGUAGE sql AS $$ SELECT 1 $$;\n";
    } else if (backend.kind() == DriverKind::mysql) {
      sql += "DELIMITER //\n"
             "CREATE FUNCTION " +
             m_table +
             "_write() RETURNS INT MODIFIES SQL DATA\n"
             "BEGIN INSERT INTO " +
             m_table +
             " VALUES (1); RETURN 1; END //\n"
             "CREATE PROCEDURE " +
             m_table +
             "_proc() BEGIN SELECT 1 AS a; SELECT 2 AS b; END //\n"
             "DELIMITER ;\n";
    }
    drop();
    backend.run_setup_sql(sql);
  }
  ~ScratchObjects() {
    try {
      drop();
    } catch (const std::exception&) {
      // The test's own failure is the one to report.
    }
  }
  ScratchObjects(const ScratchObjects&) = delete;
  ScratchObjects& operator=(const ScratchObjects&) = delete;

  const std::string& table() const { return m_table; }

private:
  void drop() const {
    std::string sql;
    if (m_backend.kind() == DriverKind::pgsql) {
      sql = "DROP PROCEDURE IF EXISTS " + m_table +
            "_proc;\n"
            "DROP FUNCTION IF EXISTS " +
            m_table +
            "_write;\n"
            "DROP SEQUENCE IF EXISTS " +
            m_table +
            "_seq;\n"
            "DROP TABLE IF EXISTS " +
            m_table + "_new;\n";
    } else if (m_backend.kind() == DriverKind::mysql) {
      sql = "DROP PROCEDURE IF EXISTS " + m_table +
            "_proc;\n"
            "DROP FUNCTION IF EXISTS " +
            m_table +
            "_write;\n"
            "DROP TABLE IF EXISTS " +
            m_table + "_new;\n";
    }
    m_backend.run_setup_sql(sql + "DROP TABLE IF EXISTS " + m_table + ";\n");
  }

  const Backend& m_backend;
  std::string m_table;
};

class BatchLookup : public testing::TestWithParam<DriverKind> {
protected:
  void SetUp() override {
    setenv("LOGINREF_DRIVER_DIR", LOGINREF_TEST_DRIVER_DIR, 0);
    m_backend = make_backend(GetParam());
    if (!m_backend->connect_string()) {
      if (std::getenv("LOGINREF_REQUIRE_SERVERS") != nullptr) {
        FAIL() << m_backend->skip_reason();
      }
      GTEST_SKIP() << m_backend->skip_reason();
    }
    if (GetParam() == DriverKind::sqlite) {
      m_backend->run_setup_sql("SELECT 1;"); // creates the database file
    }
    m_config.driver = Setting{std::string(driver::to_string(GetParam()))};
    m_config.connect = Setting{*m_backend->connect_string()};
    m_config.password_query = Setting{k_password_query};
  }

  std::unique_ptr<driver::Driver> open() const {
    return driver::open_driver(GetParam(), *m_backend->connect_string(), {});
  }

  std::unique_ptr<Backend> m_backend;
  SqlConfig m_config;
};

TEST_P(BatchLookup, SameReportsAsLookupLogin) {
  const std::vector<LoginRequest> logins = requests(600);
  std::unique_ptr<driver::Driver> single = open();
  std::unique_ptr<driver::Driver> batched = open();
  const AuthSettings settings;
  const std::time_t now = 1700000000;
  std::vector<Report> reports;
  // In chunks, as audit sends them; the same connection goes on after errors.
  for (std::size_t at = 0; at < logins.size(); at += 256) {
    const std::vector<LoginRequest> chunk(logins.begin() + static_cast<long>(at),
                                          logins.begin() +
                                              static_cast<long>(std::min(at + 256, logins.size())));
    for (Report& report : lookup_batch(*batched, m_config, settings, chunk, now)) {
      reports.push_back(std::move(report));
    }
  }
  ASSERT_EQ(reports.size(), logins.size());
  std::map<DecisionKind, int> seen;
  for (std::size_t i = 0; i < logins.size(); ++i) {
    const Report expected = lookup_login(*single, m_config, settings, logins[i], now);
    EXPECT_EQ(json_of(reports[i]), json_of(expected)) << logins[i].user;
    ++seen[expected.decision.kind];
  }
  EXPECT_GT(seen[DecisionKind::referral_require], 0);
  EXPECT_GT(seen[DecisionKind::proxy], 0);
  EXPECT_GT(seen[DecisionKind::local], 0);
  EXPECT_GT(seen[DecisionKind::reject], 0);
  EXPECT_GT(seen[DecisionKind::tempfail], 0);
}

TEST_P(BatchLookup, QueryBatchMatchesQueryAndKeepsGoingAfterErrors) {
  std::unique_ptr<driver::Driver> db = open();
  const std::vector<std::string> sqls = {"SELECT 1 AS a", "SELECT nosuchcolumn FROM nosuchtable",
                                         "SELECT 'x' AS b, NULL AS c", ""};
  const std::vector<driver::QueryOutcome> outcomes = db->query_batch(sqls);
  ASSERT_EQ(outcomes.size(), sqls.size());
  for (std::size_t i = 0; i < sqls.size(); ++i) {
    std::unique_ptr<driver::Driver> fresh = open();
    try {
      const driver::QueryResult expected = fresh->query(sqls[i]);
      ASSERT_TRUE(outcomes[i].result) << sqls[i] << ": " << outcomes[i].error;
      EXPECT_EQ(outcomes[i].result->columns, expected.columns);
      EXPECT_EQ(outcomes[i].result->rows, expected.rows);
    } catch (const DriverError& e) {
      EXPECT_FALSE(outcomes[i].result) << sqls[i];
      EXPECT_EQ(outcomes[i].error, e.what());
      EXPECT_EQ(outcomes[i].sqlstate, e.sqlstate());
    }
  }
  // The connection still serves single queries.
  EXPECT_EQ(db->query("SELECT 2 AS two").rows.size(), 1u);
}

TEST_P(BatchLookup, BatchRefusesWrites) {
  std::unique_ptr<driver::Driver> db = open();
  const std::vector<driver::QueryOutcome> outcomes =
      db->query_batch({"CREATE TABLE lr_batch_write (x INTEGER)", "SELECT 1 AS a"});
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_FALSE(outcomes[0].result);
  EXPECT_TRUE(outcomes[1].result);
}

// Plain lookups around everything that must not share a message (from
// 100 on), and failures where messages start, end and in the middle: the
// first message ([0, 100)) fails at its first statement, the next one in
// its middle (60), the one after at its start (61, right after); 180 is in
// the middle of a message again, and the last query ends the last one.
// (pgsql parses a whole message before running it, so there a syntax
// error fails its message before any statement runs.)
std::vector<std::string> mixed_queries(DriverKind kind, const driver::Driver& db,
                                       const std::string& table) {
  const bool pgsql = kind == DriverKind::pgsql;
  const bool mysql = kind == DriverKind::mysql;
  std::vector<std::string> sqls;
  for (int i = 0; i < 330; ++i) {
    sqls.push_back("SELECT " + std::to_string(i) + " AS n, 'user" + std::to_string(i) +
                   "@example.com' AS u");
  }
  const std::string missing_table = "SELECT nosuch FROM lr_batch_nosuchtable";
  // Alone: "syntax error at end of input" / "near '' at line 1"; in a
  // message: "at or near ";"" / "near ';\nSELECT ...' at line 2".
  const std::string syntax_error = "SELECT 1 AS n FROM";
  sqls[0] = missing_table;
  sqls[60] = syntax_error;
  sqls[61] = missing_table;
  sqls[180] = syntax_error;
  sqls.back() = missing_table;
  const std::vector<std::string> specials = {
      "SELECT 1 AS a; SELECT 2 AS b", // alone: Dovecot's syntax error (mysql), pgsql's refusal
      "SELECT 'a;b' AS s",
      "SELECT 1 AS a -- trailing comment, it's",
      "/* leading */ SELECT 2 AS b",
      "/* it's */ ( SELECT 3 AS c /* and */ ) -- this",
      "",
      "   ",
      "-- only a comment",
      "CALL " + table + "_proc()",
      pgsql ? "SHOW transaction_read_only" : "DO 1",
      "SELECT 'it''s' AS s",
      "SELECT 'a\\' AS s -- '", // 'a\' and a comment, or 'a'' -- ': ends either way
      "SELECT '" + db.escape("o'h\\x") + "' AS u",
      "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
      "VALUES (1, 2)",
      "SELECT 4 AS d\r\n-- a CRLF line\r\n",
      pgsql ? "SELECT E'it\\'s' AS s, $q$it's$q$ AS t, U&'\\0041' AS u, B'101' AS b"
            : "SELECT 1 AS a # hash comment, it's",
      mysql ? "SELECT \"it's\" AS s, 1 AS `it's`, /*!40001 2 + */ 1 AS n" : "SELECT 5 AS e",
      "INSERT INTO " + table + " VALUES (1)",
      "SELECT " + table + "_write() AS w",
      "SELECT 1 AS n FROM " + table,
  };
  std::copy(specials.begin(), specials.end(), sqls.begin() + 100);
  return sqls;
}

TEST_P(BatchLookup, QueryBatchGivesWhatQueryGivesForEveryKindOfQuery) {
  const ScratchObjects scratch(*m_backend);
  std::unique_ptr<driver::Driver> db = open();
  std::unique_ptr<driver::Driver> reference = open();
  const std::vector<std::string> sqls = mixed_queries(GetParam(), *db, scratch.table());
  const std::vector<driver::QueryOutcome> outcomes = db->query_batch(sqls);
  expect_same_as_query(*reference, sqls, outcomes);
  for (const std::size_t failing : {0, 60, 61, 180, 329}) {
    EXPECT_FALSE(outcomes.at(failing).result) << failing;
  }
  EXPECT_TRUE(outcomes.at(1).result);
  EXPECT_TRUE(outcomes.at(328).result);
  // A second batch on the same connection.
  expect_same_as_query(*reference, sqls, db->query_batch(sqls));
  // The connection still serves single queries, and a ';' in one still
  // gives what it gives on a fresh connection (mysql: multi statements
  // are off again, as Dovecot 2.3 has them).
  for (const std::string sql : {"SELECT 2 AS two", "SELECT 1 AS a; SELECT 2 AS b",
                                "SELECT nosuch FROM lr_batch_nosuchtable"}) {
    EXPECT_EQ(describe(query_outcome(*db, sql)), describe(query_outcome(*open(), sql))) << sql;
  }
  for (const std::string sql :
       {"SELECT 'a' AS x UNION ALL SELECT 'b'", "SELECT 1 AS a; SELECT 2 AS b"}) {
    EXPECT_EQ(describe(query_each_outcome(*db, sql)), describe(query_outcome(*open(), sql))) << sql;
  }
  // Nothing was written.
  EXPECT_EQ(db->query("SELECT count(*) AS n FROM " + scratch.table()).rows,
            (std::vector<driver::Row>{{driver::Value("0")}}));
}

TEST_P(BatchLookup, WritesInMessagesAreRefused) {
  const ScratchObjects scratch(*m_backend);
  const std::string& table = scratch.table();
  std::vector<std::string> writes = {"INSERT INTO " + table + " VALUES (1)",
                                     "CREATE TABLE " + table + "_new (x INTEGER)"};
  if (GetParam() != DriverKind::sqlite) {
    // (sqlite runs only the COMMIT, which ends its batch's read transaction
    // instead of failing as it does alone: a known difference of its own.)
    writes.push_back("COMMIT; INSERT INTO " + table + " VALUES (1)");
  }
  if (GetParam() == DriverKind::pgsql) {
    writes.insert(writes.end(),
                  {"WITH d AS (INSERT INTO " + table + " VALUES (1) RETURNING x) SELECT x FROM d",
                   "SELECT " + table + "_write()", "SELECT nextval('" + table + "_seq')",
                   "SELECT 1 AS x INTO " + table + "_new"});
  } else if (GetParam() == DriverKind::mysql) {
    writes.push_back("SELECT " + table + "_write()");
  }
  // Each write among plain queries, so that it lands inside a message.
  std::vector<std::string> sqls;
  for (const std::string& write : writes) {
    for (int i = 0; i < 5; ++i) {
      sqls.push_back("SELECT " + std::to_string(i) + " AS n");
    }
    sqls.push_back(write);
  }
  sqls.push_back("SELECT 9 AS n");
  std::unique_ptr<driver::Driver> db = open();
  const std::vector<driver::QueryOutcome> outcomes = db->query_batch(sqls);
  std::unique_ptr<driver::Driver> reference = open();
  expect_same_as_query(*reference, sqls, outcomes);
  for (std::size_t i = 5; i < sqls.size(); i += 6) {
    EXPECT_FALSE(outcomes[i].result) << sqls[i];
  }
  EXPECT_TRUE(outcomes.back().result);
  EXPECT_EQ(db->query("SELECT count(*) AS n FROM " + table).rows,
            (std::vector<driver::Row>{{driver::Value("0")}}));
}

TEST_P(BatchLookup, TimeoutInAMessageIsKeptAndTheBatchGoesOn) {
  const driver::DriverOptions options{.timeout = 1s};
  std::unique_ptr<driver::Driver> db =
      driver::open_driver(GetParam(), *m_backend->connect_string(), options);
  std::vector<std::string> sqls;
  for (int i = 0; i < 20; ++i) {
    sqls.push_back("SELECT " + std::to_string(i) + " AS n");
  }
  sqls[10] = m_backend->sleep_query(5);
  const std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  const std::vector<driver::QueryOutcome> outcomes = db->query_batch(sqls);
  // One timeout, not a second one for running the query again alone.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  ASSERT_EQ(outcomes.size(), sqls.size());
  EXPECT_FALSE(outcomes[10].result);
  EXPECT_THAT(outcomes[10].error, testing::HasSubstr("1 s"));
  for (std::size_t i = 0; i < sqls.size(); ++i) {
    if (i != 10) {
      EXPECT_EQ(describe(outcomes[i]), describe(query_outcome(*db, sqls[i]))) << i;
    }
  }
  const std::unique_ptr<driver::Driver> reference =
      driver::open_driver(GetParam(), *m_backend->connect_string(), options);
  EXPECT_EQ(describe(outcomes[10]), describe(query_outcome(*reference, sqls[10])));
}

TEST_P(BatchLookup, LostConnectionInAMessageIsKeptAndTheBatchGoesOn) {
  if (GetParam() != DriverKind::pgsql) {
    GTEST_SKIP() << "only pgsql lets a SELECT end its own connection";
  }
  std::unique_ptr<driver::Driver> db = open();
  std::vector<std::string> sqls;
  for (int i = 0; i < 20; ++i) {
    sqls.push_back("SELECT " + std::to_string(i) + " AS n");
  }
  sqls[10] = "SELECT pg_terminate_backend(pg_backend_pid())";
  const std::vector<driver::QueryOutcome> outcomes = db->query_batch(sqls);
  ASSERT_EQ(outcomes.size(), sqls.size());
  EXPECT_FALSE(outcomes[10].result);
  EXPECT_THAT(outcomes[10].error, testing::HasSubstr("terminat"));
  EXPECT_EQ(describe(outcomes[10]), describe(query_outcome(*open(), sqls[10])));
  for (std::size_t i = 0; i < sqls.size(); ++i) {
    if (i != 10) {
      EXPECT_EQ(describe(outcomes[i]), describe(query_outcome(*db, sqls[i]))) << i;
    }
  }
}

// Random texts from the pieces that lexers disagree about. Only those the
// lexer calls batchable matter here.
class TrickyTexts {
public:
  explicit TrickyTexts(DriverKind kind) : m_pgsql(kind == DriverKind::pgsql) {}

  std::string next() {
    std::string text = "SELECT " + item();
    for (int i = pick(3); i > 0; --i) {
      text += ", " + item();
    }
    if (pick(3) == 0) {
      text += " -- " + content(5);
    }
    return text;
  }

private:
  int pick(int count) { return std::uniform_int_distribution<int>(0, count - 1)(m_random); }

  std::string content(int longest) {
    static const char* const pieces[] = {
        "a",  "'",  "\\",  "\"", "$",  "-",  "/",  "*",   "#",   "`",   "\n",   " ",
        "!",  "e",  "E",   "\r", "''", "--", "/*", "*/",  "$$",  "$a$", "\t",   "X'",
        "B'", "N'", "U&'", "1",  "1e", "$1", "a$", "/*!", "/*+", "-- ", "--\t", "\xc3\xa9"};
    std::string text;
    for (int i = pick(longest); i > 0; --i) {
      text += pieces[pick(static_cast<int>(std::size(pieces)))];
    }
    return text;
  }

  static std::string doubled(const std::string& text, char quote) {
    std::string out;
    for (const char c : text) {
      out += c;
      if (c == quote) {
        out += c;
      }
    }
    return out;
  }

  static std::string backslashed(const std::string& text, char quote) {
    std::string out;
    for (const char c : text) {
      if (c == quote || c == '\\') {
        out += '\\';
      }
      out += c;
    }
    return out;
  }

  std::string item() {
    const std::string c = content(8);
    switch (pick(11)) {
    case 0:
      return "'" + doubled(c, '\'') + "'";
    case 1:
      return "'" + backslashed(c, '\'') + "'";
    case 2:
      return "'" + c + "'";
    case 3:
      return "1 /*" + c + "*/";
    case 4:
      return "1 -- " + c + "\n";
    case 5:
      return m_pgsql ? "E'" + backslashed(c, '\'') + "'" : "1 # " + c + "\n";
    case 6:
      return m_pgsql ? "$$" + c + "$$" : "\"" + backslashed(c, '"') + "\"";
    case 7:
      return m_pgsql ? "$q$" + c + "$q$" : "\"" + doubled(c, '"') + "\"";
    case 8:
      return m_pgsql ? "1 AS \"" + doubled(c, '"') + "\"" : "1 AS `" + doubled(c, '`') + "`";
    case 9:
      return m_pgsql ? "B'" + c + "'" : "1 /*!" + c + "*/";
    default:
      return c;
    }
  }

  bool m_pgsql;
  std::mt19937 m_random{20240611};
};

// MariaDB's "near '...' at line N": the rest of the text from the error.
std::string near_text(const std::string& error) {
  const std::size_t begin = error.find("near '");
  const std::size_t end = error.rfind("' at line ");
  return begin == std::string::npos || end == std::string::npos || end < begin + 6
             ? std::string("?")
             : error.substr(begin + 6, end - begin - 6);
}

// Where the lexer says a text ends outside every literal and comment, the
// server agrees. A text that runs alone ends there for the server anyway;
// the texts that matter fail alone:
// - pgsql reports a literal or comment left open as "unterminated ...";
// - mysql's syntax error quotes the text from where it stopped, so with a
//   separator and another statement after the text, the error must be
//   where it was without them (or at the ';', multi statements being off).
void expect_lexer_agrees(DriverKind kind, driver::Driver& db, int count) {
  const driver::SqlDialect dialect =
      kind == DriverKind::pgsql ? driver::SqlDialect::pgsql : driver::SqlDialect::mysql;
  TrickyTexts texts(kind);
  int checked = 0;
  for (int i = 0; i < count; ++i) {
    const std::string text = texts.next();
    if (!driver::is_batchable(text, dialect)) {
      continue;
    }
    const driver::QueryOutcome alone = query_outcome(db, text);
    if (kind == DriverKind::pgsql) {
      EXPECT_THAT(alone.error, testing::Not(testing::HasSubstr("unterminated"))) << text;
      ++checked;
    } else if (!alone.result &&
               alone.error.find("(SQLSTATE 42000, error 1064)") != std::string::npos) {
      const std::string followed = query_outcome(db, text + "\n;\nSELECT 'sentinel'").error;
      const std::string before = near_text(alone.error);
      const std::string after = near_text(followed);
      if (before.find_first_not_of(" \t\r\n") == std::string::npos) {
        EXPECT_EQ(after.substr(after.find_first_not_of(" \t\r\n")).substr(0, 1), ";")
            << text << "\n"
            << followed;
      } else if (!before.ends_with("...")) {
        EXPECT_EQ(after.substr(0, before.size()), before) << text << "\n" << followed;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, count / 20);
}

TEST_P(BatchLookup, LexerAgreesWithTheServer) {
  if (GetParam() == DriverKind::sqlite) {
    GTEST_SKIP() << "sqlite has no multi-statement messages";
  }
  std::unique_ptr<driver::Driver> db = open();
  expect_lexer_agrees(GetParam(), *db, 800);
  // The settings that change where a literal ends.
  const TempDir dir;
  const std::string connect =
      GetParam() == DriverKind::pgsql
          ? m_backend->with_token("options", "-cstandard_conforming_strings=off")
          : m_backend->with_token(
                "option_file", dir.write("my.cnf", "[client]\ninit-command=SET SESSION sql_mode = "
                                                   "'NO_BACKSLASH_ESCAPES,ANSI_QUOTES'\n"));
  std::unique_ptr<driver::Driver> other = driver::open_driver(GetParam(), connect, {});
  const std::string probe =
      GetParam() == DriverKind::pgsql ? "SHOW standard_conforming_strings" : "SELECT @@sql_mode";
  ASSERT_THAT(describe(query_outcome(*other, probe)),
              testing::AnyOf(testing::HasSubstr("'off'"), testing::HasSubstr("NO_BACKSLASH")));
  expect_lexer_agrees(GetParam(), *other, 800);
  // And batches there give what query() gives.
  const std::vector<std::string> sqls = mixed_queries(GetParam(), *other, "lr_batch_none");
  expect_same_as_query(*other, sqls, other->query_batch(sqls));
}

// A connection character set whose two-byte characters may end in the
// byte of a backslash: the server reads the text in that set, the lexer
// reads bytes. 0x95 0x5C is one Shift JIS character, so for the server
// the quote after it is not escaped: the literal ends at "''" for the lexer
// and runs to the end of the text for the server, and would swallow the
// next query of a message. Such a text must run alone.
TEST_P(BatchLookup, ClientCharsetThatHidesABackslashRunsNonAsciiTextsAlone) {
  if (GetParam() == DriverKind::sqlite) {
    GTEST_SKIP() << "sqlite has no multi-statement messages";
  }
  const bool pgsql = GetParam() == DriverKind::pgsql;
  const driver::SqlDialect dialect = pgsql ? driver::SqlDialect::pgsql : driver::SqlDialect::mysql;
  const TempDir dir;
  const std::string connect =
      pgsql ? m_backend->with_token("client_encoding", "SJIS")
            : m_backend->with_token("option_file",
                                    dir.write("my.cnf", "[client]\ndefault-character-set=sjis\n"));
  std::unique_ptr<driver::Driver> db = driver::open_driver(GetParam(), connect, {});
  EXPECT_EQ(describe(query_outcome(*db, pgsql ? "SHOW client_encoding"
                                              : "SELECT @@character_set_client AS c")),
            pgsql ? "columns client_encoding | row 'SJIS'" : "columns c | row 'sjis'");

  // mysql: the \' in the comment keeps the text batchable under
  // NO_BACKSLASH_ESCAPES too. pgsql refuses a real \' in a client-only
  // encoding (backslash_quote = safe_encoding), so its text has none.
  const std::string hidden =
      pgsql ? "SELECT E'a\x95\\'' /* */ AS x" : "SELECT 'a\x95\\'' /*\\' */ AS x";
  // The byte lexer alone would send it in a message; the server, reading
  // Shift JIS, finds the literal left open.
  ASSERT_TRUE(driver::is_batchable(hidden, dialect, true));
  EXPECT_FALSE(driver::is_batchable(hidden, dialect, false));
  const driver::QueryOutcome alone = query_outcome(*db, hidden);
  ASSERT_FALSE(alone.result) << describe(alone);

  // In one message the server would read the hidden text and the next as
  // one statement, up to the quote in the comment, which works; the
  // failing statement after them would then be taken for the second
  // one, and the first would get the merged statement's row.
  const std::vector<std::string> sqls = {"SELECT 1 AS n", hidden, "SELECT 2 -- '\n AS y",
                                         "SELECT x FROM lr_batch_no_such_table", "SELECT 3 AS n"};
  expect_same_as_query(*db, sqls, db->query_batch(sqls));
}

TEST_P(BatchLookup, QueryEachStreamsEveryRow) {
  std::unique_ptr<driver::Driver> db = open();
  const std::string sql = "SELECT 'a' AS user, NULL AS domain UNION ALL SELECT 'b', 'x'";
  const driver::QueryResult expected = db->query(sql);
  std::vector<driver::Row> rows;
  db->query_each(sql, [&](const std::vector<std::string>& columns, const driver::Row& row) {
    EXPECT_EQ(columns, expected.columns);
    rows.push_back(row);
  });
  EXPECT_EQ(rows, expected.rows);
  EXPECT_THROW(db->query_each("SELECT nosuch FROM nosuchtable",
                              [](const std::vector<std::string>&, const driver::Row&) {}),
               DriverError);
  EXPECT_EQ(db->query("SELECT 2 AS two").rows.size(), 1u); // still usable
}

TEST_P(BatchLookup, IterateUsersBuildsNamesAsDovecot) {
  std::unique_ptr<driver::Driver> db = open();
  SqlConfig config = m_config;
  config.iterate_query = Setting{"SELECT 'ann' AS username, 'example.com' AS domain UNION ALL "
                                 "SELECT 'ben', NULL"};
  std::vector<std::string> users;
  iterate_users(*db, config, [&](std::string user) { users.push_back(std::move(user)); });
  EXPECT_EQ(users, (std::vector<std::string>{"ann@example.com", "ben"}));
}

INSTANTIATE_TEST_SUITE_P(Drivers, BatchLookup,
                         testing::Values(DriverKind::sqlite, DriverKind::pgsql, DriverKind::mysql),
                         [](const testing::TestParamInfo<DriverKind>& info) {
                           return std::string(driver::to_string(info.param));
                         });

} // namespace
} // namespace loginref::test

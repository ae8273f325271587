// lookup_batch (the path audit and diff take: pgsql pipeline mode, mysql
// one statement per user) gives every user exactly the Report lookup_login
// gives, on all three drivers; query_each streams what query returns.
// Needs no fixture table: the password_query computes each row from %n.
#include "core/audit.hpp"
#include "core/batch.hpp"
#include "core/driver/driver.hpp"
#include "core/error.hpp"
#include "core/lookup.hpp"
#include "core/output.hpp"
#include "integration/backends.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

namespace loginref::test {
namespace {

using driver::DriverKind;

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

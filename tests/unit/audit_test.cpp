#include "core/audit.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "core/error.hpp"
#include "support/fake_driver.hpp"

namespace loginref {
namespace {

using test::FakeDriver;

std::vector<std::string> iterate(const driver::QueryResult& result, const std::string& query) {
  FakeDriver db(result);
  SqlConfig config;
  config.iterate_query = Setting{query, "a.conf:4"};
  std::vector<std::string> users;
  iterate_users(db, config, [&](std::string user) { users.push_back(std::move(user)); });
  return users;
}

TEST(IterateUsers, UserColumnFirstIsTheName) {
  EXPECT_EQ(iterate({{"user", "domain"}, {{"a@x"}, {"b@y", "z"}}}, "SELECT"),
            (std::vector<std::string>{"a@x", "b@y"}));
}

TEST(IterateUsers, UsernameAndDomainAreJoinedUnlessDomainIsNull) {
  EXPECT_EQ(iterate({{"username", "domain"}, {{"a", "x"}, {"b", std::nullopt}}}, "SELECT"),
            (std::vector<std::string>{"a@x", "b"}));
}

TEST(IterateUsers, UserNotFirstFallsBackToUsername) {
  EXPECT_EQ(iterate({{"id", "user", "username"}, {{"1", "u", "n"}}}, "SELECT"),
            (std::vector<std::string>{"n"}));
}

TEST(IterateUsers, NoUserFieldStopsWithDovecotsMessage) {
  try {
    iterate({{"id", "user"}, {{"1", "u"}}}, "SELECT");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "a.conf:4: iterate_query: row 1: no 'user' first column and no "
                           "'username' column (Dovecot logs \"sql: Iterate query didn't return "
                           "'user' field\" and stops iterating)");
  }
}

TEST(IterateUsers, NullUserStops) {
  EXPECT_THROW(iterate({{"user"}, {{std::nullopt}}}, "SELECT"), ConfigError);
  EXPECT_THROW(iterate({{"username"}, {{std::nullopt}}}, "SELECT"), ConfigError);
}

TEST(IterateUsers, UnexpandableQueryIsConfigError) {
  EXPECT_THROW(iterate({}, "SELECT user FROM t WHERE user LIKE 'a%'"), ConfigError);
}

TEST(ReadUsers, OnePerLineWithoutCrAndEmptyLines) {
  std::istringstream in("a\r\n\nb\nc");
  std::vector<std::string> users;
  read_users(in, [&](std::string user) { users.push_back(std::move(user)); });
  EXPECT_EQ(users, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(FormatCount, ThousandsSeparators) {
  EXPECT_EQ(format_count(0), "0");
  EXPECT_EQ(format_count(999), "999");
  EXPECT_EQ(format_count(1204), "1,204");
  EXPECT_EQ(format_count(1000000), "1,000,000");
}

Report report(DecisionKind kind, std::vector<Warning> warnings = {}) {
  Report r;
  r.request.user = "u";
  r.decision.kind = kind;
  r.warnings = std::move(warnings);
  if (kind == DecisionKind::referral_require) {
    r.decision.referral = Referral{"imap2", 143, "u", "PLAIN"};
  }
  return r;
}

TEST(AuditSummary, CountsDecisionsWarningsOncePerUserAndTargets) {
  AuditSummary summary;
  summary.add(report(DecisionKind::referral_require,
                     {{"w", "1"}, {"w", "2"}, {"password_check_skipped", "x"}}));
  summary.add(report(DecisionKind::local));
  summary.add(report(DecisionKind::tempfail));
  EXPECT_EQ(summary.users(), 3u);
  EXPECT_EQ(summary.tempfails(), 1u);
  std::ostringstream out;
  summary.write_text(out, "test");
  EXPECT_EQ(out.str(), "audited 3 users from test\n"
                       "passwords: not checked (each decision assumes the right password)\n"
                       "decisions:\n"
                       "  proxy             0    0.0%\n"
                       "  referral-suggest  0    0.0%\n"
                       "  referral-require  1   33.3%\n"
                       "  local             1   33.3%\n"
                       "  reject            0    0.0%\n"
                       "  tempfail          1   33.3%\n"
                       "warnings:\n"
                       "  w  1   33.3%\n"
                       "targets:\n"
                       "  referral imap2  1   33.3%\n"
                       "tempfail: 1 user (listed above): the audit is incomplete for them\n");
}

TEST(AuditSummary, JsonSummaryObject) {
  AuditSummary summary;
  summary.add(report(DecisionKind::local));
  std::ostringstream out;
  summary.write_json(out, "standard input");
  EXPECT_EQ(out.str().substr(0, 87),
            "{\"summary\":{\"loginref\":1,\"source\":\"standard input\",\"users\":1,\"passwords_"
            "checked\":false,");
}

TEST(AuditUser, TextLines) {
  std::ostringstream out;
  Report referred = report(DecisionKind::referral_require);
  referred.response = "a1 NO [REFERRAL x] y";
  write_audit_user_text(out, referred);
  Report failed = report(DecisionKind::tempfail);
  failed.error = "boom";
  write_audit_user_text(out, failed);
  EXPECT_EQ(out.str(), "referral-require u -> referral imap2:143: a1 NO [REFERRAL x] y\n"
                       "tempfail u: boom\n");
}

} // namespace
} // namespace loginref

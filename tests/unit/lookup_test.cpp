#include "core/lookup.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fake_driver.hpp"

namespace loginref {
namespace {

using driver::QueryResult;
using test::FakeDriver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

SqlConfig config_with(std::string query) {
  SqlConfig config;
  config.driver = {"sqlite", "test.conf:1"};
  config.connect = {"/nonexistent.db", "test.conf:2"};
  config.password_query = {std::move(query), "test.conf:3"};
  config.default_pass_scheme = {"PLAIN", "test.conf:4"};
  return config;
}

LoginRequest login(std::string user, std::optional<std::string> password) {
  LoginRequest request;
  request.user = std::move(user);
  request.password = std::move(password);
  request.hostname = "mail.example.com";
  request.local_ip = "127.0.0.1";
  request.remote_ip = "192.0.2.10";
  return request;
}

constexpr std::time_t k_now = 0;

TEST(Lookup, ExpandsQueryWithEscapedLowercasedUser) {
  FakeDriver db(QueryResult{{"password"}, {{"secret"}}});
  const Report report = lookup_login(db, config_with("SELECT password FROM users WHERE u = '%u'"),
                                     AuthSettings{}, login("O'Hara", "secret"), k_now);
  // auth_username_chars refuses the quote before any query.
  EXPECT_TRUE(db.queries().empty());
  EXPECT_EQ(report.decision.kind, DecisionKind::reject);
  EXPECT_THAT(report.username_refusal, HasSubstr("0x27"));

  AuthSettings any_chars;
  any_chars.auth_username_chars = "";
  FakeDriver db2(QueryResult{{"password"}, {{"secret"}}});
  lookup_login(db2, config_with("SELECT password FROM users WHERE u = '%u'"), any_chars,
               login("O'Hara", "secret"), k_now);
  EXPECT_THAT(db2.queries(), ElementsAre("SELECT password FROM users WHERE u = 'o''hara'"));
}

TEST(Lookup, RightPasswordIsLocalLogin) {
  FakeDriver db(QueryResult{{"password"}, {{"secret"}}});
  const Report report = lookup_login(db, config_with("SELECT password FROM t"), AuthSettings{},
                                     login("alice", "secret"), k_now);
  EXPECT_EQ(report.decision.kind, DecisionKind::local);
  EXPECT_EQ(report.password_check.status, PasswordCheck::match);
  EXPECT_EQ(report.password_check.scheme, "PLAIN");
  EXPECT_THAT(report.response, HasSubstr("a1 OK [CAPABILITY IMAP4rev1 "));
  EXPECT_THAT(report.response, HasSubstr("] Logged in"));
}

TEST(Lookup, WrongPasswordDiscardsReferralFields) {
  FakeDriver db(QueryResult{{"password", "host", "nologin"}, {{"secret", "imap2", "Y"}}});
  const Report report =
      lookup_login(db, config_with("SELECT 1"), AuthSettings{}, login("alice", "wrong"), k_now);
  EXPECT_EQ(report.decision.kind, DecisionKind::reject);
  EXPECT_EQ(report.response, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.");
  EXPECT_EQ(report.password_check.status, PasswordCheck::mismatch);
  EXPECT_TRUE(report.passdb.fields.empty());
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_EQ(report.warnings[0].code, "fields_discarded_on_failure");
}

TEST(Lookup, NoPasswordGivenSkipsCheckAndSaysSo) {
  FakeDriver db(QueryResult{{"password", "host", "nologin"}, {{"secret", "imap2", ""}}});
  const Report report = lookup_login(db, config_with("SELECT 1"), AuthSettings{},
                                     login("alice", std::nullopt), k_now);
  EXPECT_EQ(report.decision.kind, DecisionKind::referral_require);
  EXPECT_EQ(report.password_check.status, PasswordCheck::skipped);
  EXPECT_EQ(report.response,
            "a1 NO [REFERRAL imap://alice;AUTH=PLAIN@imap2/] Try this server instead.");
  EXPECT_EQ(report.warnings.back().code, "password_check_skipped");
}

TEST(Lookup, DatabaseErrorIsTempfailWithMessage) {
  FakeDriver db;
  db.fail_with("sqlite: near \"SELEC\": syntax error");
  const Report report =
      lookup_login(db, config_with("SELEC 1"), AuthSettings{}, login("alice", "x"), 0);
  EXPECT_EQ(report.decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(report.error, "sqlite: near \"SELEC\": syntax error");
  EXPECT_THAT(report.response, HasSubstr("a1 NO [UNAVAILABLE] Temporary authentication failure. "
                                         "[mail.example.com:"));
}

TEST(Lookup, UnknownVariableIsTempfailNamingTheSetting) {
  FakeDriver db(QueryResult{{"password"}, {{"x"}}});
  const Report report = lookup_login(db, config_with("SELECT password FROM t WHERE u = '%{usr}'"),
                                     AuthSettings{}, login("alice", "x"), k_now);
  EXPECT_TRUE(db.queries().empty());
  EXPECT_EQ(report.decision.kind, DecisionKind::tempfail);
  EXPECT_THAT(report.error, HasSubstr("test.conf:3: password_query: "));
  EXPECT_THAT(report.error, HasSubstr("usr"));
}

TEST(Lookup, PasswordNeverAppearsInShownQuery) {
  FakeDriver db(QueryResult{{"password"}, {{"s3cr3t"}}});
  const Report report = lookup_login(db, config_with("SELECT '%w' AS password"), AuthSettings{},
                                     login("alice", "s3cr3t"), k_now);
  EXPECT_EQ(report.query, "SELECT '********' AS password");
  EXPECT_THAT(db.queries(), ElementsAre("SELECT 's3cr3t' AS password"));
  EXPECT_EQ(report.decision.kind, DecisionKind::local);
}

TEST(Lookup, IllegalPasswordCharacterFailsBeforeQuery) {
  FakeDriver db(QueryResult{{"password"}, {{"a\tb"}}});
  const Report report =
      lookup_login(db, config_with("SELECT 1"), AuthSettings{}, login("alice", "a\tb"), k_now);
  EXPECT_TRUE(db.queries().empty());
  EXPECT_EQ(report.password_check.status, PasswordCheck::refused);
  EXPECT_EQ(report.response, "a1 NO [AUTHENTICATIONFAILED] Authentication failed.");
}

TEST(Lookup, UserColumnRenamesReferralUserid) {
  FakeDriver db(QueryResult{{"password", "user", "host", "nologin"},
                            {{"x", "bob@example.org", "imap2", "y"}}});
  const Report report =
      lookup_login(db, config_with("SELECT 1"), AuthSettings{}, login("alice", "x"), k_now);
  EXPECT_EQ(report.user, "bob@example.org");
  EXPECT_EQ(report.response,
            "a1 NO [REFERRAL imap://bob%40example.org;AUTH=PLAIN@imap2/] Try this server instead.");
}

} // namespace
} // namespace loginref

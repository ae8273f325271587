#include "core/lint.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/fake_driver.hpp"

namespace loginref {
namespace {

using driver::QueryResult;
using test::FakeDriver;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;

SqlConfig config_with(std::string query, std::string driver = "sqlite") {
  SqlConfig config;
  config.driver = {std::move(driver), "test.conf:1"};
  config.connect = {"/nonexistent.db", "test.conf:2"};
  config.password_query = {std::move(query), "test.conf:3"};
  config.default_pass_scheme = {"PLAIN", "test.conf:4"};
  return config;
}

LoginRequest login(std::optional<std::string> password = "secret", bool secured = false) {
  LoginRequest request;
  request.user = "alice";
  request.password = std::move(password);
  request.hostname = "mail.example.com";
  request.secured = secured;
  return request;
}

// The warnings of one login whose query returns `rows`.
std::vector<Warning> warnings_for(QueryResult rows, LoginRequest request = login()) {
  FakeDriver db(std::move(rows));
  return lookup_login(db, config_with("SELECT * FROM users WHERE u = '%u'"), AuthSettings{},
                      request, 0)
      .warnings;
}

std::vector<std::string> codes(const std::vector<Warning>& warnings) {
  std::vector<std::string> out;
  for (const Warning& warning : warnings) {
    out.push_back(warning.code);
  }
  return out;
}

TEST(LintQuery, QuotedEscapedVariablesAreClean) {
  EXPECT_THAT(lint_query(config_with("SELECT password FROM users WHERE u = '%u' AND "
                                     "d = '%d' AND p = '%{sha256:password}' AND x = %a")),
              IsEmpty());
}

TEST(LintQuery, VariableOutsideQuotesIsInjectionRisk) {
  const std::vector<Warning> warnings =
      lint_query(config_with("SELECT password FROM users WHERE u = %u"));
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0],
            (Warning{"query_variable_unquoted",
                     "password_query (test.conf:3): %u is not inside '...': Dovecot 2.3's escaping "
                     "only protects quoted values, so a crafted value can change the query (SQL "
                     "injection); write '%u'"}));
}

TEST(LintQuery, DoubleQuotesProtectOnlyOnMysql) {
  EXPECT_THAT(codes(lint_query(config_with("SELECT password FROM users WHERE u = \"%u\""))),
              Contains("query_variable_unquoted"));
  EXPECT_THAT(lint_query(config_with("SELECT password FROM users WHERE u = \"%u\"", "mysql")),
              IsEmpty());
}

TEST(LintQuery, DoubledQuoteStaysInsideLiteral) {
  EXPECT_THAT(lint_query(config_with("SELECT password FROM users WHERE u = 'it''s %u'")),
              IsEmpty());
}

TEST(LintQuery, UnescapedVariableInsideQuotes) {
  const std::vector<Warning> warnings =
      lint_query(config_with("SELECT password FROM users WHERE u = '%u' AND ip = '%r'"));
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0],
            (Warning{"query_variable_unescaped",
                     "password_query (test.conf:3): %r is not escaped by Dovecot 2.3 (only user "
                     "names, the password, service, mechanism, session and client values are): a "
                     "quote in its value would end the SQL literal"}));
}

TEST(LintQuery, UnknownVariableWithSuggestion) {
  const std::vector<Warning> warnings =
      lint_query(config_with("SELECT password FROM users WHERE u = '%{usr}'"));
  ASSERT_EQ(warnings.size(), 1U);
  EXPECT_EQ(warnings[0], (Warning{"query_unknown_variable",
                                  "password_query (test.conf:3): %{usr}: Unknown variable '%usr': "
                                  "Dovecot 2.3 fails every lookup with it (tempfail) (did you "
                                  "mean %{user}?)"}));
}

TEST(LintQuery, UnknownShortVariable) {
  EXPECT_THAT(codes(lint_query(config_with("SELECT password FROM users WHERE u = '%z'"))),
              Contains("query_unknown_variable"));
}

TEST(LintQuery, LiteralPercentIsNoVariable) {
  EXPECT_THAT(lint_query(config_with("SELECT password FROM users WHERE u LIKE '100%%' AND "
                                     "v = '%Lu'")),
              IsEmpty());
}

TEST(LintRow, UnknownColumnWithClosestName) {
  const std::vector<Warning> warnings =
      warnings_for(QueryResult{{"password", "nolgin"}, {{"secret", "Y"}}});
  EXPECT_THAT(warnings, Contains(Warning{"unknown_field",
                                         "column 'nolgin' is not a field Dovecot 2.3 knows: it "
                                         "reaches imap-login, which ignores it (did you mean "
                                         "'nologin'?)"}));
}

TEST(LintRow, CaseAndTrailingSpaceAreNamed) {
  const std::vector<Warning> warnings =
      warnings_for(QueryResult{{"password", "Host", "destuser "}, {{"secret", "imap2", "bob"}}});
  EXPECT_THAT(warnings, Contains(Warning{"unknown_field",
                                         "column 'Host' is not a field Dovecot 2.3 knows: field "
                                         "names are case-sensitive (did you mean 'host'?)"}));
  EXPECT_THAT(warnings,
              Contains(Warning{"unknown_field",
                               "column 'destuser ' is not a field Dovecot 2.3 knows: the name has "
                               "trailing white space (did you mean 'destuser'?)"}));
}

TEST(LintRow, UppercasePasswordColumnIsUnknown) {
  EXPECT_THAT(warnings_for(QueryResult{{"Password"}, {{"secret"}}}),
              Contains(Warning{"unknown_field",
                               "column 'Password' is not a field Dovecot 2.3 knows: field names "
                               "are case-sensitive (did you mean 'password'?)"}));
}

TEST(LintRow, FlagValuesThatLookFalse) {
  for (const std::string value : {"N", "0", "f", "no", ""}) {
    const std::vector<Warning> warnings =
        warnings_for(QueryResult{{"password", "nologin"}, {{"secret", value}}});
    EXPECT_THAT(warnings, Contains(Warning{"flag_value_looks_false",
                                           "nologin='" + value +
                                               "' looks like \"false\", but Dovecot 2.3 sets "
                                               "nologin for any value that is not NULL; return "
                                               "NULL to leave it unset"}))
        << value;
  }
  EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "nologin"}, {{"secret", "Y"}}})),
              Not(Contains("flag_value_looks_false")));
}

TEST(LintRow, ProxyWithNologinIgnoresReferral) {
  EXPECT_THAT(warnings_for(QueryResult{{"password", "proxy", "host", "nologin"},
                                       {{"secret", "Y", "192.0.2.7", "Y"}}}),
              Contains(Warning{"nologin_ignored_by_proxy",
                               "proxy and nologin are both set: imap-login proxies the session "
                               "and ignores nologin, so the referral to host is never sent"}));
}

TEST(LintRow, ReasonWithLineBreak) {
  EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "nologin", "reason"},
                                             {{"secret", "Y", "moved\r\na2 OK"}}})),
              Contains("reason_line_break"));
}

TEST(LintRow, NodelayWithPasswordCheck) {
  EXPECT_THAT(warnings_for(QueryResult{{"password", "nodelay"}, {{"secret", "Y"}}}),
              Contains(Warning{"nodelay_ignored",
                               "nodelay is set and the password is checked: when the check "
                               "fails, Dovecot 2.3 discards nodelay with the row's other fields, "
                               "so the failure is still delayed (fixed in 2.4)"}));
}

TEST(LintRow, NopasswordAfterPassword) {
  EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "nopassword"}, {{"secret", "Y"}}})),
              Contains("nopassword_ignored"));
  EXPECT_THAT(codes(warnings_for(QueryResult{{"nopassword", "password"}, {{"Y", "secret"}}})),
              Not(Contains("nopassword_ignored")));
}

TEST(LintRow, InvalidPort) {
  for (const std::string port : {"abc", "0", "65536", ""}) {
    EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "nologin", "host", "port"},
                                               {{"secret", "Y", "imap2", port}}})),
                Contains("port_invalid"))
        << port;
  }
  EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "nologin", "host", "port"},
                                             {{"secret", "Y", "imap2", "993"}}})),
              Not(Contains("port_invalid")));
}

TEST(LintRow, EmptyHost) {
  EXPECT_THAT(
      codes(warnings_for(QueryResult{{"password", "nologin", "host"}, {{"secret", "Y", ""}}})),
      Contains("host_empty"));
}

TEST(LintRow, ReferralOnInsecureConnection) {
  const QueryResult rows{{"password", "nologin", "host"}, {{"secret", "Y", "imap2"}}};
  EXPECT_THAT(warnings_for(rows),
              Contains(Warning{"referral_not_secured",
                               "the referral is sent on a connection that is not TLS (--secured "
                               "not given): as RFC 2221 warns, a man in the middle can change it "
                               "and send the client to a server of their choice"}));
  EXPECT_THAT(codes(warnings_for(rows, login("secret", true))),
              Not(Contains("referral_not_secured")));
}

TEST(LintRow, CleanRowHasNoLintWarnings) {
  EXPECT_THAT(warnings_for(QueryResult{{"password", "nologin", "host"}, {{"secret", "Y", "imap2"}}},
                           login("secret", true)),
              IsEmpty());
}

TEST(LintRow, KnownPrefixesAreFields) {
  EXPECT_THAT(codes(warnings_for(QueryResult{{"password", "userdb_quota_rule", "forward_x"},
                                             {{"secret", "*:storage=1G", "y"}}})),
              Not(Contains("unknown_field")));
}

} // namespace
} // namespace loginref

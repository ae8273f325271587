#include "core/check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "support/fake_driver.hpp"

namespace loginref {
namespace {

using driver::QueryResult;
using test::FakeDriver;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

SqlConfig sql_config() {
  SqlConfig config;
  config.driver = {"sqlite", "test.conf:1"};
  config.connect = {"/nonexistent.db", "test.conf:2"};
  config.password_query = {"SELECT password, host, nologin FROM t WHERE u = '%u'", "test.conf:3"};
  config.default_pass_scheme = {"PLAIN", "test.conf:4"};
  return config;
}

PlanCase plan_case(std::string name, std::string user, DecisionKind decision) {
  PlanCase result;
  result.name = std::move(name);
  result.line = 7;
  result.request.user = std::move(user);
  result.request.password = "secret";
  result.request.secured = true;
  result.expect.decision = decision;
  return result;
}

Plan plan_of(std::vector<PlanCase> cases) {
  return Plan{"plans/p.yaml", "p", "sql.conf", std::move(cases)};
}

TEST(Check, ResponseMatchesAnyTempfailTime) {
  const std::string line = "a1 NO [UNAVAILABLE] Temporary authentication failure. "
                           "[mail:2026-12-03 16:21:52]";
  EXPECT_TRUE(response_matches(line, line));
  EXPECT_TRUE(response_matches("a1 NO [UNAVAILABLE] Temporary authentication failure. "
                               "[mail:2025-01-01 00:00:00]",
                               line));
  EXPECT_TRUE(response_matches("a1 NO [UNAVAILABLE] Temporary authentication failure. "
                               "[mail:TIMESTAMP]",
                               line));
  // The host name must match, and only the time is a pattern.
  EXPECT_FALSE(response_matches("a1 NO [UNAVAILABLE] Temporary authentication failure. "
                                "[other:TIMESTAMP]",
                                line));
  EXPECT_FALSE(response_matches("a1 NO [UNAVAILABLE] Temporary failure. [mail:TIMESTAMP]", line));
  EXPECT_FALSE(response_matches("a1 OK", "a1 NO"));
}

TEST(Check, PassingCaseOverOneConnection) {
  FakeDriver db(QueryResult{{"password", "host", "nologin"}, {{"secret", "imap2", "Y"}}});
  PlanCase bob = plan_case("bob", "Bob@Example.com", DecisionKind::referral_require);
  bob.expect.response = "a1 NO [REFERRAL imap://bob%40example.com;AUTH=PLAIN@imap2/] Try this "
                        "server instead.";
  bob.expect.fields = {{"host", "imap2"}, {"nologin", "Y"}, {"proxy", std::nullopt}};
  bob.expect.warnings = std::vector<std::string>{};
  PlanCase alice = plan_case("alice", "alice", DecisionKind::referral_require);
  const CheckRun run = run_plan(db, sql_config(), plan_of({bob, alice}), "mail", 0);
  EXPECT_THAT(db.queries(), ElementsAre("SELECT password, host, nologin FROM t WHERE u = "
                                        "'bob@example.com'",
                                        "SELECT password, host, nologin FROM t WHERE u = 'alice'"));
  ASSERT_EQ(run.cases.size(), 2u);
  EXPECT_TRUE(run.cases[0].passed()) << failure_summary(run.cases[0]);
  EXPECT_EQ(run.passed(), 2);
  EXPECT_EQ(run.failed(), 0);
  EXPECT_EQ(run.driver, "sqlite");
}

TEST(Check, EveryDifferenceIsNamed) {
  FakeDriver db(QueryResult{{"password", "host", "nologin"}, {{"secret", "imap3", std::nullopt}}});
  PlanCase carol = plan_case("carol", "carol", DecisionKind::referral_require);
  carol.expect.response = "a1 NO [REFERRAL imap://carol;AUTH=PLAIN@imap3/] Moved.";
  carol.expect.fields = {{"host", "imap2"}, {"nologin", "Y"}, {"password", "x"}};
  carol.expect.warnings = std::vector<std::string>{"referral_not_secured"};
  const CheckRun run = run_plan(db, sql_config(), plan_of({carol}), "mail", 0);
  const CaseResult& result = run.cases[0];
  ASSERT_EQ(result.differences.size(), 6u);
  EXPECT_EQ(describe(result.differences[0]),
            "decision: expected referral-require, got referral-suggest");
  EXPECT_THAT(describe(result.differences[1]),
              HasSubstr("response: expected \"a1 NO [REFERRAL imap://carol;AUTH=PLAIN@imap3/] "
                        "Moved.\", got \"a1 OK [CAPABILITY "));
  EXPECT_EQ(describe(result.differences[2]), "field host: expected \"imap2\", got \"imap3\"");
  EXPECT_EQ(describe(result.differences[3]), "field nologin: expected \"Y\", got (not set)");
  // Secrets never appear in a difference (the stored password is no field).
  EXPECT_EQ(describe(result.differences[4]),
            "field password: expected \"<redacted>\", got (not set)");
  EXPECT_EQ(describe(result.differences[5]),
            "warnings: expected [referral_not_secured], got [referral_suggest_ignored]");
  EXPECT_EQ(run.failed(), 1);
  EXPECT_FALSE(result.unexpected_tempfail());
}

TEST(Check, UnexpectedTempfailCarriesItsError) {
  FakeDriver db;
  db.fail_with("sqlite: no such table: t");
  const CheckRun run =
      run_plan(db, sql_config(), plan_of({plan_case("x", "x", DecisionKind::local)}), "mail", 0);
  const CaseResult& result = run.cases[0];
  EXPECT_TRUE(result.unexpected_tempfail());
  EXPECT_EQ(failure_summary(result),
            "decision: expected local, got tempfail; error: sqlite: no such table: t");
}

TEST(Check, TextHasOneLinePerCaseAndASummary) {
  FakeDriver db(
      QueryResult{{"password", "host", "nologin"}, {{"secret", std::nullopt, std::nullopt}}});
  const CheckRun run = run_plan(db, sql_config(),
                                plan_of({plan_case("alice", "alice", DecisionKind::local),
                                         plan_case("bob\nnext", "bob", DecisionKind::reject)}),
                                "mail", 0);
  std::ostringstream out;
  write_check_results(out, run, OutputFormat::text);
  EXPECT_EQ(out.str(), "PASS  alice (local)\n"
                       "FAIL  bob\\nnext (line 7): decision: expected reject, got local\n"
                       "1 passed, 1 failed of 2 cases (plans/p.yaml, sqlite)\n");
}

TEST(Check, JsonAndJunitNameTheFailingCase) {
  FakeDriver db(
      QueryResult{{"password", "host", "nologin"}, {{"secret", std::nullopt, std::nullopt}}});
  const CheckRun run = run_plan(
      db, sql_config(), plan_of({plan_case("bob & co", "bob", DecisionKind::reject)}), "mail", 0);
  std::ostringstream json;
  write_check_results(json, run, OutputFormat::json);
  EXPECT_THAT(json.str(), HasSubstr("\"loginref\": 1"));
  EXPECT_THAT(json.str(), HasSubstr("\"summary\": {\n    \"cases\": 1,\n    \"passed\": 0,\n"
                                    "    \"failed\": 1\n  }"));
  EXPECT_THAT(json.str(), HasSubstr("\"message\": \"decision: expected reject, got local\""));
  std::ostringstream junit;
  write_check_junit(junit, run);
  EXPECT_THAT(junit.str(), HasSubstr("<testcase name=\"bob &amp; co\" classname=\"p\" "
                                     "file=\"plans/p.yaml\" line=\"7\""));
  EXPECT_THAT(junit.str(), HasSubstr("<failure message=\"decision: expected reject, got local\" "
                                     "type=\"mismatch\">plans/p.yaml:7: bob &amp; co\n"
                                     "decision: expected reject, got local\n\ndecision: local\n"));
}

} // namespace
} // namespace loginref

#include "core/output.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

namespace loginref {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Report referral_report() {
  Report report;
  report.request.user = "Alice";
  report.user = "alice";
  report.query = "SELECT password, host, nologin, pass FROM users WHERE u = 'alice'";
  report.password_check = {PasswordCheck::match, "PLAIN", ""};
  report.passdb.status = PassdbStatus::ok;
  report.passdb.fields = {{"host", "imap2.example.com", false},
                          {"nologin", "Y", false},
                          {"pass", "backend-secret", false},
                          {"allow_nets", "10.0.0.0/8", true}};
  report.decision.kind = DecisionKind::referral_require;
  report.decision.result = LoginResult::referral_nologin;
  report.decision.reason = "Try this server instead.";
  report.decision.rule = "nologin and host";
  report.decision.referral = Referral{"imap2.example.com", 143, "alice", "PLAIN"};
  report.response =
      "a1 NO [REFERRAL imap://alice;AUTH=PLAIN@imap2.example.com/] Try this server instead.";
  report.warnings = {{"some_code", "a message"}};
  return report;
}

std::string render(const Report& report, OutputFormat format) {
  std::ostringstream out;
  write_report(out, report, format);
  return out.str();
}

TEST(Output, JsonHasVersionDecisionResponseAndReferral) {
  const std::string json = render(referral_report(), OutputFormat::json);
  EXPECT_THAT(json, HasSubstr("\"loginref\": 1"));
  EXPECT_THAT(json, HasSubstr("\"decision\": \"referral-require\""));
  EXPECT_THAT(json, HasSubstr("\"response\": \"a1 NO [REFERRAL "
                              "imap://alice;AUTH=PLAIN@imap2.example.com/] Try this server "
                              "instead.\""));
  EXPECT_THAT(json, HasSubstr("\"userid\": \"alice\""));
  EXPECT_THAT(json, HasSubstr("\"code\": \"some_code\""));
  EXPECT_THAT(json, HasSubstr("\"proxy\": null"));
}

TEST(Output, SecretsAndHiddenFieldsNeverShown) {
  for (OutputFormat format : {OutputFormat::json, OutputFormat::text}) {
    const std::string out = render(referral_report(), format);
    EXPECT_THAT(out, Not(HasSubstr("backend-secret")));
    EXPECT_THAT(out, HasSubstr("<redacted>"));
    EXPECT_THAT(out, Not(HasSubstr("allow_nets")));
  }
}

TEST(Output, TextEscapesControlCharactersJsonKeepsThem) {
  Report report = referral_report();
  report.response = "a1 NO [CONTACTADMIN] line one\r\nline\ttwo";
  EXPECT_THAT(render(report, OutputFormat::text),
              HasSubstr("response: a1 NO [CONTACTADMIN] line one\\r\\nline\\ttwo\n"));
  EXPECT_THAT(render(report, OutputFormat::json), HasSubstr("line one\\r\\nline\\ttwo"));
}

TEST(Output, JsonStaysValidForInvalidUtf8) {
  Report report = referral_report();
  report.passdb.fields.push_back({"reason", "bad \xff byte", false});
  EXPECT_THAT(render(report, OutputFormat::json), HasSubstr("bad \xef\xbf\xbd byte"));
}

TEST(Output, ErrorJsonCarriesMessageAndExitCode) {
  std::ostringstream out;
  write_error_json(out, "a.conf:3: unknown setting 'x'", 3);
  EXPECT_EQ(out.str(), "{\n  \"loginref\": 1,\n  \"error\": {\n    \"message\": \"a.conf:3: "
                       "unknown setting 'x'\",\n    \"exit_code\": 3\n  }\n}\n");
}

} // namespace
} // namespace loginref

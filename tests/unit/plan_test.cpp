#include "core/plan.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/error.hpp"
#include "support/temp_dir.hpp"

namespace loginref {
namespace {

using test::TempDir;
using ::testing::StrEq;
using ::testing::ThrowsMessage;

// Writes `text` as plan.yaml in `dir` and returns its path.
std::string plan_file(const TempDir& dir, const std::string& text) {
  return dir.write("plan.yaml", text);
}

TEST(Plan, ReadsCasesDefaultsAndExpectations) {
  TempDir dir;
  dir.write("bob.pw", "s3cret\n");
  const std::string path = plan_file(dir, R"(# a comment
config: sql.conf.ext
defaults:
  hostname: mail.example.com
  settings: {auth_default_realm: example.com}
cases:
  - name: bob
    user: Bob
    password: {file: bob.pw}
    remote-ip: 192.0.2.7
    local-port: 993
    secured: true
    mech: plain
    expect:
      decision: referral-require
      response: "a1 NO [REFERRAL imap://bob%40example.com;AUTH=PLAIN@imap2/] Try this server instead."
      fields: {host: imap2, nologin: ~, reason: ""}
      warnings: []
  - user: alice
    password: {value: secret}
    settings: {auth_username_format: "%Ln"}
    expect: {decision: local}
)");
  const Plan plan = load_plan(path);
  EXPECT_EQ(plan.name, "plan");
  EXPECT_EQ(plan.config_path, dir.path() + "/sql.conf.ext");
  ASSERT_EQ(plan.cases.size(), 2u);

  const PlanCase& bob = plan.cases[0];
  EXPECT_EQ(bob.name, "bob");
  EXPECT_EQ(bob.line, 7);
  EXPECT_EQ(bob.request.user, "Bob");
  EXPECT_EQ(bob.request.password, "s3cret"); // one trailing newline removed
  EXPECT_EQ(bob.request.remote_ip, "192.0.2.7");
  EXPECT_EQ(bob.request.local_port, 993u);
  EXPECT_TRUE(bob.request.secured);
  EXPECT_EQ(bob.request.mech, "PLAIN");
  EXPECT_EQ(bob.request.hostname, "mail.example.com");
  EXPECT_EQ(bob.settings.auth_default_realm, "example.com");
  EXPECT_EQ(bob.expect.decision, DecisionKind::referral_require);
  ASSERT_EQ(bob.expect.fields.size(), 3u);
  EXPECT_EQ(bob.expect.fields[0].value, "imap2");
  EXPECT_EQ(bob.expect.fields[1].value, std::nullopt); // ~: must not be set
  EXPECT_EQ(bob.expect.fields[2].value, "");
  ASSERT_TRUE(bob.expect.warnings.has_value());
  EXPECT_TRUE(bob.expect.warnings->empty());

  const PlanCase& alice = plan.cases[1];
  EXPECT_EQ(alice.name, "alice"); // the user when there is no name
  EXPECT_EQ(alice.request.password, "secret");
  EXPECT_EQ(alice.settings.auth_default_realm, "example.com"); // from defaults
  EXPECT_EQ(alice.settings.auth_username_format, "%Ln");
  EXPECT_FALSE(alice.expect.response.has_value());
  EXPECT_FALSE(alice.expect.warnings.has_value());
}

TEST(Plan, PasswordFromEnvironmentAndNone) {
  TempDir dir;
  setenv("LOGINREF_PLAN_TEST_PW", "from-env", 1);
  const Plan plan = load_plan(plan_file(dir, R"(config: /etc/x.conf
defaults: {password: {env: LOGINREF_PLAN_TEST_PW}}
cases:
  - {user: a, expect: {decision: local}}
  - {user: b, password: ~, expect: {decision: local}}
)"));
  unsetenv("LOGINREF_PLAN_TEST_PW");
  EXPECT_EQ(plan.config_path, "/etc/x.conf"); // absolute paths stay
  EXPECT_EQ(plan.cases[0].request.password, "from-env");
  EXPECT_EQ(plan.cases[1].request.password, std::nullopt);
}

// Each mistake, with the file, line and column it is at.
struct BadPlan {
  const char* text;
  const char* message; // after "<path>:"
};

class PlanError : public ::testing::TestWithParam<BadPlan> {};

TEST_P(PlanError, NamesFileLineAndColumn) {
  TempDir dir;
  const std::string path = plan_file(dir, GetParam().text);
  EXPECT_THAT([&] { load_plan(path); },
              ThrowsMessage<ConfigError>(StrEq(path + ":" + GetParam().message)));
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, PlanError,
    ::testing::Values(
        BadPlan{"config: a\ncases:\n  - usr: bob\n",
                "3:5: unknown key 'usr' in a case (did you mean 'user'?)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: referal-require}\n",
                "4:24: unknown decision 'referal-require' (did you mean 'referral-require'?)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: zzz}\n",
                "4:24: unknown decision 'zzz' (one of proxy, referral-suggest, "
                "referral-require, local, reject, tempfail)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    settings: {auth_default_relm: x}\n"
                "    expect: {decision: local}\n",
                "4:16: unknown setting 'auth_default_relm' (did you mean 'auth_default_realm'?)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: local\n",
                "5:1: end of map flow not found"},
        BadPlan{
            "config: a\ncases:\n  - user: bob\n    local-port: 0\n    expect: {decision: local}\n",
            "4:17: 'local-port' must be a port number from 1 to 65535, not '0'"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    password: secret\n"
                "    expect: {decision: local}\n",
                "4:15: 'password' must be {value: ...}, {file: ...} or {env: ...} (or ~ for none)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    password: {env: LOGINREF_NO_SUCH_VAR}\n"
                "    expect: {decision: local}\n",
                "4:21: environment variable LOGINREF_NO_SUCH_VAR is not set"},
        BadPlan{
            "config: a\ncases:\n  - user: bob\n    user: carol\n    expect: {decision: local}\n",
            "4:5: duplicate key 'user' in a case"},
        BadPlan{"config: a\ncases:\n  - user: bob\n", "3:5: the case has no 'expect'"},
        BadPlan{"config: a\ncases:\n  - user: ''\n    expect: {decision: local}\n",
                "3:11: 'user' is empty (Dovecot refuses an empty name before any query)"},
        BadPlan{"cases:\n  - user: bob\n", "1:1: the plan has no 'config'"},
        BadPlan{"config: a\ncases: []\n", "2:8: 'cases' must be a non-empty list of cases"},
        BadPlan{
            "config: a\ncases:\n  - user: bob\n    secured: maybe\n    expect: {decision: local}\n",
            "4:14: 'secured' must be true or false, not 'maybe'"},
        BadPlan{"- a\n- b\n", "1:1: a plan is a map with 'config' and 'cases'"},
        BadPlan{"config: a\ndefaults: [x]\ncases:\n  - user: bob\n",
                "2:11: 'defaults' must be a map of login keys (password, tag, mech, service, "
                "remote-ip, local-ip, remote-port, local-port, secured, hostname, special-use, "
                "settings)"},
        BadPlan{"config: a\ncases:\n  - bob\n",
                "3:5: a case must be a map with 'user' and 'expect'"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: local\n",
                "4:13: 'expect' must be a map with at least 'decision'"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {response: x}\n",
                "4:13: 'expect' has no 'decision'"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: local, fields: [a]}\n",
                "4:39: 'fields' must be a map of field names to values (~ for not set)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: local, fields: {a: 1, a: "
                "2}}\n",
                "4:46: duplicate field 'a'"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    expect: {decision: local, warnings: x}\n",
                "4:41: 'warnings' must be a list of warning codes ([] for none)"},
        BadPlan{
            "config: a\ncases:\n  - user: bob\n    settings: [x]\n    expect: {decision: local}\n",
            "4:15: 'settings' must be a map of dovecot.conf settings (name: value)"},
        BadPlan{"config: a\ncases:\n  - user: bob\n    settings: {auth_default_realm: x, "
                "auth_default_realm: y}\n    expect: {decision: local}\n",
                "4:39: duplicate setting 'auth_default_realm'"},
        BadPlan{"config:\ncases:\n  - user: bob\n", "1:1: 'config' needs a value"},
        BadPlan{"config: [a]\ncases:\n  - user: bob\n",
                "1:9: 'config' must be a single value, not a list or map"},
        BadPlan{"config: a\n[x]: 1\ncases:\n  - user: bob\n",
                "2:1: a key in the plan must be a string"}));

TEST(Plan, EmptyAndUnreadableFiles) {
  TempDir dir;
  const std::string empty = plan_file(dir, "# nothing yet\n");
  EXPECT_THAT([&] { load_plan(empty); },
              ThrowsMessage<ConfigError>(
                  StrEq(empty + ": the plan is empty (it needs 'config' and 'cases')")));
  const std::string missing = dir.path() + "/missing.yaml";
  EXPECT_THAT(
      [&] { load_plan(missing); },
      ThrowsMessage<ConfigError>(StrEq(missing + ": cannot read: No such file or directory")));
  EXPECT_THAT([&] { load_plan(dir.path()); },
              ThrowsMessage<ConfigError>(StrEq(dir.path() + ": cannot read: Is a directory")));
}

TEST(Plan, UnreadablePasswordFileNamesItsLine) {
  TempDir dir;
  const std::string path =
      plan_file(dir, "config: a\ncases:\n  - user: bob\n    password: {file: none.pw}\n"
                     "    expect: {decision: local}\n");
  EXPECT_THAT([&] { load_plan(path); }, ThrowsMessage<ConfigError>(StrEq(
                                            path + ":4:22: password file " + dir.path() +
                                            "/none.pw: cannot read: No such file or directory")));
}

} // namespace
} // namespace loginref

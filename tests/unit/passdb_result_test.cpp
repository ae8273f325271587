#include "core/passdb_result.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace loginref {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

using driver::QueryResult;
using driver::Row;
using driver::Value;

const Value k_null = std::nullopt;

PassdbInput input(std::string remote_ip = "192.0.2.10") {
  return PassdbInput{.user = "alice@example.com",
                     .default_pass_scheme = "MD5",
                     .remote_ip = remote_ip,
                     .real_remote_ip = remote_ip};
}

// One row with these columns.
PassdbResult read(std::vector<std::string> columns, Row row, const PassdbInput& in = input()) {
  return read_passdb_result(QueryResult{std::move(columns), {std::move(row)}}, in);
}

// read_passdb_result + finish_passdb_lookup, as lookup does it.
PassdbResult lookup(std::vector<std::string> columns, Row row, const PassdbInput& in = input()) {
  PassdbResult result = read(std::move(columns), std::move(row), in);
  finish_passdb_lookup(result);
  return result;
}

// "name=value" (or "name" for an empty value), "(hidden)" appended.
std::vector<std::string> fields(const std::vector<PassdbField>& list) {
  std::vector<std::string> out;
  for (const PassdbField& field : list) {
    out.push_back(field.name + (field.value.empty() ? "" : "=" + field.value) +
                  (field.hidden ? " (hidden)" : ""));
  }
  return out;
}

// --- sql_query_callback ---------------------------------------------------------

TEST(ReadPassdbResult, ZeroRowsIsUserUnknown) {
  const PassdbResult result = read_passdb_result(QueryResult{{"password"}, {}}, input());
  EXPECT_EQ(result.status, PassdbStatus::user_unknown);
  EXPECT_EQ(result.failure, "unknown user");
  EXPECT_THAT(result.log, ElementsAre("unknown user"));
  EXPECT_EQ(result.user, "alice@example.com");
}

TEST(ReadPassdbResult, OneRowWithPasswordIsOk) {
  const PassdbResult result = read({"password"}, {"{PLAIN}secret"});
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_THAT(result.password, Optional(std::string("{PLAIN}secret")));
  EXPECT_THAT(result.log, IsEmpty());
}

TEST(ReadPassdbResult, MultipleRowsIsInternalFailureButFirstRowFieldsAreSet) {
  const PassdbResult result =
      read_passdb_result(QueryResult{{"password", "host"}, {{"x", "a"}, {"y", "b"}}}, input());
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Password query returned multiple matches");
  EXPECT_THAT(fields(result.fields), ElementsAre("host=a"));
}

TEST(ReadPassdbResult, MissingPasswordColumnIsInternalFailure) {
  const PassdbResult result = read({"nopassword", "nologin"}, {"Y", "Y"});
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Password query must return a field named 'password'");
  EXPECT_THAT(result.log, ElementsAre("Password query must return a field named 'password'"));
}

TEST(ReadPassdbResult, PasswordColumnNameIsCaseSensitive) {
  const PassdbResult result = read({"Password"}, {"secret"});
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Password query must return a field named 'password'");
  EXPECT_THAT(fields(result.fields), ElementsAre("Password=secret"));
}

TEST(ReadPassdbResult, PasswordNoschemeColumnCountsAsPasswordColumn) {
  EXPECT_EQ(read({"password_noscheme"}, {"secret"}).status, PassdbStatus::ok);
}

TEST(ReadPassdbResult, NullPasswordWithoutNopasswordIsMismatch) {
  const PassdbResult result = read({"password", "host"}, {k_null, "h"});
  EXPECT_EQ(result.status, PassdbStatus::password_mismatch);
  EXPECT_EQ(result.failure, "No password returned (and no nopassword)");
  EXPECT_EQ(result.password, std::nullopt);
}

TEST(ReadPassdbResult, NullColumnsAreSkipped) {
  const PassdbResult result = read({"password", "nologin", "host"}, {"x", k_null, "h"});
  EXPECT_THAT(fields(result.fields), ElementsAre("host=h"));
  EXPECT_FALSE(result.has("nologin"));
}

TEST(ReadPassdbResult, EmptyColumnNameIsSkipped) {
  const PassdbResult result = read({"password", "", "host"}, {"x", "ignored", "h"});
  EXPECT_THAT(fields(result.fields), ElementsAre("host=h"));
}

TEST(ReadPassdbResult, QueryFailureIsInternalFailure) {
  const PassdbResult result = passdb_query_failed(input(), "no such table: users");
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Password query failed: no such table: users");
  EXPECT_THAT(result.log, ElementsAre("Password query failed: no such table: users"));
}

// --- auth_request_set_password -----------------------------------------------------

TEST(SetPassword, WithoutSchemeGetsTheDefaultScheme) {
  EXPECT_THAT(read({"password"}, {"secret"}).password, Optional(std::string("{MD5}secret")));
}

TEST(SetPassword, OwnSchemeIsKept) {
  EXPECT_THAT(read({"password"}, {"{SHA512-CRYPT}$6$x"}).password,
              Optional(std::string("{SHA512-CRYPT}$6$x")));
}

TEST(SetPassword, BraceWithoutCloseGetsTheDefaultScheme) {
  EXPECT_THAT(read({"password"}, {"{abc"}).password, Optional(std::string("{MD5}{abc")));
}

TEST(SetPassword, EmptyValueIsAnEmptyPasswordWithTheDefaultScheme) {
  const PassdbResult result = read({"password"}, {""});
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_THAT(result.password, Optional(std::string("{MD5}")));
}

TEST(SetPassword, NoschemeIsAlwaysPrefixed) {
  EXPECT_THAT(read({"password_noscheme"}, {"{PLAIN}x"}).password,
              Optional(std::string("{MD5}{PLAIN}x")));
}

TEST(SetPassword, SecondValueIsIgnoredWithAnError) {
  const PassdbResult result = read({"password", "password_noscheme"}, {"{PLAIN}a", "b"});
  EXPECT_THAT(result.password, Optional(std::string("{PLAIN}a")));
  EXPECT_THAT(result.log, ElementsAre("Multiple password values not supported"));
}

// --- user / username / domain --------------------------------------------------

TEST(SetField, UserReplacesTheWholeName) {
  const PassdbResult result = read({"password", "user"}, {"x", "bob@example.org"});
  EXPECT_EQ(result.user, "bob@example.org");
  EXPECT_THAT(result.log, ElementsAre("username changed alice@example.com -> bob@example.org"));
  EXPECT_THAT(fields(result.fields), ElementsAre("user=bob@example.org (hidden)"));
}

TEST(SetField, UsernameKeepsTheDomain) {
  EXPECT_EQ(read({"password", "username"}, {"x", "bob"}).user, "bob@example.com");
  EXPECT_EQ(read({"password", "username"}, {"x", "bob@other"}).user, "bob@other");
}

TEST(SetField, UsernameWithoutDomainReplacesTheName) {
  PassdbInput in = input();
  in.user = "alice";
  EXPECT_EQ(read({"password", "username"}, {"x", "bob"}, in).user, "bob");
}

TEST(SetField, DomainReplacesOrAddsTheDomain) {
  EXPECT_EQ(read({"password", "domain"}, {"x", "example.net"}).user, "alice@example.net");
  PassdbInput in = input();
  in.user = "alice";
  EXPECT_EQ(read({"password", "domain"}, {"x", "example.net"}, in).user, "alice@example.net");
}

TEST(SetField, SameUserIsNotLoggedAsAChange) {
  const PassdbResult result = read({"password", "user"}, {"x", "alice@example.com"});
  EXPECT_THAT(result.log, IsEmpty());
}

TEST(SetField, EmptyUserFailsTheRequest) {
  const PassdbResult result = lookup({"password", "user"}, {"{PLAIN}x", ""});
  EXPECT_EQ(result.user, "alice@example.com");
  EXPECT_TRUE(result.failed);
  EXPECT_EQ(result.status, PassdbStatus::user_unknown);
  EXPECT_THAT(result.log, ElementsAre("username attempted to be changed to empty"));
}

TEST(SetField, EmptyUsernameOnANameWithoutDomainFails) {
  PassdbInput in = input();
  in.user = "alice";
  EXPECT_TRUE(read({"password", "username"}, {"x", ""}, in).failed);
  // With a domain the result is "@example.com": not empty.
  EXPECT_EQ(read({"password", "username"}, {"x", ""}).user, "@example.com");
}

// --- nopassword / noauthenticate -------------------------------------------------

TEST(SetField, NopasswordAfterPasswordIsIgnoredWithAnError) {
  const PassdbResult result = read({"password", "nopassword"}, {"{PLAIN}secret", "Y"});
  EXPECT_THAT(result.password, Optional(std::string("{PLAIN}secret")));
  EXPECT_FALSE(result.has("nopassword"));
  EXPECT_THAT(result.log, ElementsAre("nopassword set but password is non-empty"));
}

TEST(SetField, NopasswordAfterEmptyPasswordClearsIt) {
  const PassdbResult result = read({"password", "nopassword"}, {"{PLAIN}", "Y"});
  EXPECT_EQ(result.password, std::nullopt);
  EXPECT_TRUE(result.has("nopassword"));
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_THAT(result.log, IsEmpty());
}

TEST(SetField, NopasswordBeforePasswordLetsThePasswordBeStoredAgain) {
  const PassdbResult result = read({"nopassword", "password"}, {"Y", "{PLAIN}secret"});
  EXPECT_TRUE(result.has("nopassword"));
  EXPECT_THAT(result.password, Optional(std::string("{PLAIN}secret")));
  EXPECT_EQ(result.status, PassdbStatus::ok);
}

TEST(SetField, NopasswordWithNullPasswordIsOk) {
  const PassdbResult result = read({"password", "nopassword"}, {k_null, "0"});
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_EQ(result.password, std::nullopt);
}

TEST(SetField, NoauthenticateAlsoSetsNopassword) {
  const PassdbResult result = read({"password", "noauthenticate"}, {"{PLAIN}x", "Y"});
  EXPECT_THAT(fields(result.fields), ElementsAre("noauthenticate=Y (hidden)", "nopassword"));
  // auth_fields_add of nopassword does not clear the stored password.
  EXPECT_THAT(result.password, Optional(std::string("{PLAIN}x")));
}

TEST(SetField, NopasswordAfterNoauthenticateIgnoresThePassword) {
  const PassdbResult result =
      read({"password", "noauthenticate", "nopassword"}, {"{PLAIN}x", "", "N"});
  EXPECT_EQ(result.password, std::nullopt);
  EXPECT_THAT(result.log, IsEmpty());
}

// --- :protected / :remove --------------------------------------------------------

TEST(SetField, ProtectedSetsOnlyAnUnsetField) {
  const PassdbResult result =
      read({"password", "host", "host:protected", "reason:protected"}, {"x", "a", "b", "r"});
  EXPECT_THAT(fields(result.fields), ElementsAre("host=a", "reason=r"));
}

TEST(SetField, RemoveDeletesAField) {
  const PassdbResult result =
      read({"password", "host", "nologin", "host:remove"}, {"x", "a", "Y", "anything"});
  EXPECT_THAT(fields(result.fields), ElementsAre("nologin=Y"));
}

TEST(SetField, SuffixAloneIsAnOrdinaryName) {
  const PassdbResult result = read({"password", ":remove"}, {"x", "v"});
  EXPECT_THAT(fields(result.fields), ElementsAre(":remove=v"));
}

// --- allow_nets / allow_real_nets ----------------------------------------------

TEST(AllowNets, MatchingNetworkKeepsTheRequest) {
  const PassdbResult result =
      lookup({"password", "allow_nets"}, {"{PLAIN}x", "10.0.0.0/8, 192.0.2.0/24"});
  EXPECT_FALSE(result.failed);
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_THAT(fields(result.fields), ElementsAre("allow_nets=10.0.0.0/8, 192.0.2.0/24 (hidden)"));
}

TEST(AllowNets, MismatchFailsTheRequestAsUserUnknown) {
  const PassdbResult result =
      lookup({"password", "allow_nets", "host"}, {"{PLAIN}x", "10.0.0.0/8", "h"});
  EXPECT_TRUE(result.failed);
  EXPECT_EQ(result.status, PassdbStatus::user_unknown);
  EXPECT_THAT(result.log,
              ElementsAre("allow_nets check failed: IP 192.0.2.10 not in allowed networks"));
  EXPECT_THAT(result.fields, IsEmpty());
  EXPECT_THAT(fields(result.rolled_back), ElementsAre("allow_nets=10.0.0.0/8 (hidden)", "host=h"));
}

TEST(AllowNets, LocalMatchesOnlyAnUnknownRemoteIp) {
  EXPECT_FALSE(read({"password", "allow_nets"}, {"x", "local"}, input("")).failed);
  const PassdbResult known = read({"password", "allow_nets"}, {"x", "local"});
  EXPECT_TRUE(known.failed);
  EXPECT_THAT(known.log,
              ElementsAre("allow_nets check failed: IP 192.0.2.10 not in allowed networks"));
}

TEST(AllowNets, UnknownRemoteIpWithoutLocalFails) {
  const PassdbResult result = read({"password", "allow_nets"}, {"x", "192.0.2.0/24"}, input(""));
  EXPECT_TRUE(result.failed);
  EXPECT_THAT(result.log,
              ElementsAre("allow_nets check failed: Remote IP not known and 'local' missing"));
}

TEST(AllowNets, InvalidNetworkIsLoggedAndSkipped) {
  const PassdbResult result =
      read({"password", "allow_nets"}, {"x", "bogus 10.0.0.0/33,192.0.2.10"});
  EXPECT_FALSE(result.failed);
  EXPECT_THAT(result.log, ElementsAre("allow_nets: Invalid network 'bogus'",
                                      "allow_nets: Invalid network '10.0.0.0/33'"));
}

TEST(AllowNets, InvalidNetworkIsLoggedEvenWhenRemoteIpIsUnknown) {
  const PassdbResult result = read({"password", "allow_nets"}, {"x", "bogus,local"}, input(""));
  EXPECT_FALSE(result.failed);
  EXPECT_THAT(result.log, ElementsAre("allow_nets: Invalid network 'bogus'"));
}

TEST(AllowNets, NetworksAfterAMatchAreNotChecked) {
  const PassdbResult result = read({"password", "allow_nets"}, {"x", "192.0.2.10 bogus"});
  EXPECT_FALSE(result.failed);
  EXPECT_THAT(result.log, IsEmpty());
}

TEST(AllowNets, Ipv6RemoteAndNetwork) {
  EXPECT_FALSE(
      read({"password", "allow_nets"}, {"x", "2001:db8::/32"}, input("2001:db8::7")).failed);
  const PassdbResult result = read({"password", "allow_nets"}, {"x", "::1"}, input("2001:db8::7"));
  EXPECT_TRUE(result.failed);
  EXPECT_THAT(result.log,
              ElementsAre("allow_nets check failed: IP 2001:db8::7 not in allowed networks"));
}

TEST(AllowNets, EmptyListFails) { EXPECT_TRUE(read({"password", "allow_nets"}, {"x", ""}).failed); }

TEST(AllowNets, AllowRealNetsUsesTheRealRemoteIp) {
  PassdbInput in = input("10.1.1.1");
  in.real_remote_ip = "192.0.2.99";
  const PassdbResult result = read({"password", "allow_real_nets"}, {"x", "10.0.0.0/8"}, in);
  EXPECT_TRUE(result.failed);
  EXPECT_THAT(result.log,
              ElementsAre("allow_real_nets check failed: IP 192.0.2.99 not in allowed networks"));
}

// --- fail / delay_until / login_user / userdb_* -----------------------------------

TEST(SetField, FailWithAnyValueFailsTheRequest) {
  const PassdbResult result = lookup({"password", "fail"}, {"{PLAIN}x", "0"});
  EXPECT_EQ(result.status, PassdbStatus::user_unknown);
  EXPECT_THAT(fields(result.rolled_back), ElementsAre("fail=0 (hidden)"));
}

TEST(SetField, DelayUntilAcceptsTimestampAndRandomness) {
  EXPECT_FALSE(read({"password", "delay_until"}, {"x", "1700000000"}).failed);
  EXPECT_FALSE(read({"password", "delay_until"}, {"x", "1700000000+5"}).failed);
  EXPECT_FALSE(read({"password", "delay_until"}, {"x", "-5"}).failed);
}

TEST(SetField, DelayUntilRejectsBadNumbers) {
  const PassdbResult bad = read({"password", "delay_until"}, {"x", "soon"});
  EXPECT_TRUE(bad.failed);
  EXPECT_THAT(bad.log, ElementsAre("Invalid delay_until timestamp 'soon'"));
  const PassdbResult no_time = read({"password", "delay_until"}, {"x", "+5"});
  EXPECT_TRUE(no_time.failed);
  EXPECT_THAT(no_time.log, ElementsAre("Invalid delay_until timestamp ''"));
  const PassdbResult no_secs = read({"password", "delay_until"}, {"x", "1700000000+"});
  EXPECT_TRUE(no_secs.failed);
  EXPECT_THAT(no_secs.log, ElementsAre("Invalid delay_until randomness number ''"));
  EXPECT_TRUE(read({"password", "delay_until"}, {"x", "1+2+3"}).failed);
}

TEST(SetField, DelayUntilMoreThanFiveMinutesAheadFailsWhenTimeIsKnown) {
  PassdbInput in = input();
  in.now = 1700000000;
  EXPECT_FALSE(read({"password", "delay_until"}, {"x", "1700000300"}, in).failed);
  const PassdbResult result = read({"password", "delay_until"}, {"x", "1700000301"}, in);
  EXPECT_TRUE(result.failed);
  EXPECT_THAT(result.log,
              ElementsAre("delay_until timestamp 1700000301 is too much in the future, failing"));
}

TEST(SetField, LoginUserIsHidden) {
  EXPECT_THAT(fields(read({"password", "login_user"}, {"x", "bob"}).fields),
              ElementsAre("login_user=bob (hidden)"));
}

TEST(SetField, UserdbFieldsAreHidden) {
  const PassdbResult result = read({"password", "userdb_home", "host"}, {"x", "/home/a", "h"});
  EXPECT_THAT(fields(result.fields), ElementsAre("userdb_home=/home/a (hidden)", "host=h"));
}

TEST(SetField, UserdbImportAddsPrefixedHiddenFields) {
  const PassdbResult result =
      read({"password", "userdb_userdb_import"}, {"x", "home=/h\tquota_rule=*:storage=1G"});
  EXPECT_THAT(fields(result.fields),
              ElementsAre("userdb_home=/h (hidden)", "userdb_quota_rule=*:storage=1G (hidden)"));
}

// --- passdb_import -----------------------------------------------------------------

TEST(SetField, PassdbImportSetsEachPairInTurn) {
  const PassdbResult result =
      read({"password", "passdb_import"}, {"x", "nologin\thost=imap2=x\tuser=bob\t\t=skipped"});
  EXPECT_THAT(fields(result.fields), ElementsAre("nologin", "host=imap2=x", "user=bob (hidden)"));
  EXPECT_EQ(result.user, "bob");
}

TEST(SetField, PassdbImportCanSetThePassword) {
  EXPECT_THAT(read({"password", "passdb_import"}, {k_null, "password=secret"}).password,
              Optional(std::string("{MD5}secret")));
}

// --- presence semantics and order --------------------------------------------------

TEST(SetField, EveryNonNullValueSetsAFlag) {
  const PassdbResult result =
      read({"password", "nologin", "proxy", "ssl", "starttls"}, {"x", "", "0", "N", "f"});
  EXPECT_THAT(fields(result.fields), ElementsAre("nologin", "proxy=0", "ssl=N", "starttls=f"));
  EXPECT_TRUE(result.has("nologin"));
  EXPECT_EQ(*result.find("nologin"), "");
  EXPECT_EQ(result.find("host"), nullptr);
}

TEST(SetField, ReSetFieldKeepsItsPlaceAndTakesTheNewValue) {
  const PassdbResult result = read({"password", "host", "nologin", "host"}, {"x", "a", "Y", "b"});
  EXPECT_THAT(fields(result.fields), ElementsAre("host=b", "nologin=Y"));
}

TEST(SetField, FieldNamesAreCaseSensitive) {
  const PassdbResult result = read({"password", "NoLogin"}, {"x", "Y"});
  EXPECT_FALSE(result.has("nologin"));
  EXPECT_TRUE(result.has("NoLogin"));
}

// --- finish_passdb_lookup ----------------------------------------------------------

TEST(FinishPassdbLookup, OkKeepsFieldsAndDropsNopassword) {
  const PassdbResult result = lookup({"password", "nopassword", "host"}, {k_null, "Y", "h"});
  EXPECT_EQ(result.status, PassdbStatus::ok);
  EXPECT_THAT(fields(result.fields), ElementsAre("host=h"));
  EXPECT_THAT(result.rolled_back, IsEmpty());
}

TEST(FinishPassdbLookup, FailureMovesFieldsToRolledBack) {
  const PassdbResult result =
      lookup({"password", "host", "nologin", "reason"}, {k_null, "h", "Y", "r"});
  EXPECT_EQ(result.status, PassdbStatus::password_mismatch);
  EXPECT_THAT(result.fields, IsEmpty());
  EXPECT_THAT(fields(result.rolled_back), ElementsAre("host=h", "nologin=Y", "reason=r"));
}

TEST(FinishPassdbLookup, PasswordMismatchRollsBack) {
  PassdbResult result = read({"password", "host"}, {"{PLAIN}x", "h"});
  set_password_mismatch(result, "Password mismatch");
  finish_passdb_lookup(result);
  EXPECT_EQ(result.status, PassdbStatus::password_mismatch);
  EXPECT_EQ(result.failure, "Password mismatch");
  EXPECT_THAT(result.log, ElementsAre("Password mismatch"));
  EXPECT_THAT(result.fields, IsEmpty());
  EXPECT_THAT(fields(result.rolled_back), ElementsAre("host=h"));
}

TEST(FinishPassdbLookup, InternalFailureRollsBack) {
  PassdbResult result =
      read_passdb_result(QueryResult{{"password", "host"}, {{"x", "a"}, {"y", "b"}}}, input());
  finish_passdb_lookup(result);
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_THAT(fields(result.rolled_back), ElementsAre("host=a"));
}

TEST(FinishPassdbLookup, NoauthenticateIsInternalFailureKeepingFields) {
  const PassdbResult result =
      lookup({"password", "noauthenticate", "host", "reason"}, {k_null, "Y", "h", "r"});
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Last passdb had noauthenticate field, cannot authenticate user");
  EXPECT_THAT(result.log,
              ElementsAre("Last passdb had noauthenticate field, cannot authenticate user"));
  EXPECT_THAT(fields(result.fields), ElementsAre("host=h", "reason=r"));
  EXPECT_THAT(result.rolled_back, IsEmpty());
}

// auth_request_verify_plain_callback makes it NEXT before request->failed
// is looked at, and failed only turns OK into USER_UNKNOWN.
TEST(FinishPassdbLookup, NoauthenticateWinsOverAFailedRequest) {
  const PassdbResult result =
      lookup({"password", "noauthenticate", "fail", "host"}, {k_null, "Y", "Y", "h"});
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Last passdb had noauthenticate field, cannot authenticate user");
  EXPECT_THAT(fields(result.fields), ElementsAre("fail=Y (hidden)", "host=h"));
}

TEST(FinishPassdbLookup, NoauthenticateOnAFailedLookupIsRolledBack) {
  const PassdbResult result = lookup({"noauthenticate", "host"}, {"Y", "h"});
  EXPECT_EQ(result.status, PassdbStatus::internal_failure);
  EXPECT_EQ(result.failure, "Password query must return a field named 'password'");
  EXPECT_THAT(result.fields, IsEmpty());
}

TEST(FinishPassdbLookup, FailedRequestTurnsOkIntoUserUnknown) {
  const PassdbResult result = lookup({"password", "fail"}, {"{PLAIN}x", "Y"});
  EXPECT_EQ(result.status, PassdbStatus::user_unknown);
  EXPECT_EQ(result.failure,
            "request failed inside the passdb (allow_nets, fail, delay_until or an empty user)");
}

TEST(FinishPassdbLookup, FailedRequestKeepsAnEarlierFailure) {
  const PassdbResult result = lookup({"password", "fail"}, {k_null, "Y"});
  EXPECT_EQ(result.status, PassdbStatus::password_mismatch);
}

TEST(PassdbStatusName, EveryStatusHasAName) {
  EXPECT_EQ(to_string(PassdbStatus::ok), "ok");
  EXPECT_EQ(to_string(PassdbStatus::user_unknown), "user_unknown");
  EXPECT_EQ(to_string(PassdbStatus::password_mismatch), "password_mismatch");
  EXPECT_EQ(to_string(PassdbStatus::internal_failure), "internal_failure");
}

} // namespace
} // namespace loginref

#include "core/decision.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loginref {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string k_user = "alice@example.com";

// A passdb result that verified, with these extra fields.
PassdbResult ok(std::vector<PassdbField> fields) {
  return PassdbResult{.status = PassdbStatus::ok,
                      .user = k_user,
                      .password = "{PLAIN}x",
                      .fields = std::move(fields)};
}

PassdbResult failed(PassdbStatus status, std::vector<PassdbField> rolled_back = {}) {
  return PassdbResult{
      .status = status, .user = k_user, .rolled_back = std::move(rolled_back), .failure = "why"};
}

LoginRequest login() {
  LoginRequest request;
  request.user = k_user;
  request.password = "x";
  request.remote_ip = "192.0.2.10";
  request.local_ip = "10.0.0.1";
  request.local_port = 143;
  return request;
}

// A DNS that knows a few names, and remembers what it was asked.
class FakeDns {
public:
  std::map<std::string, std::vector<std::string>> names = {
      {"imap2.example.com", {"10.0.0.3", "10.0.0.4"}},
      {"self.example.com", {"10.0.0.8", "10.0.0.1"}},
      {"cluster.example.com", {"10.0.0.9"}},
  };
  std::vector<std::string> asked;

  Resolver resolver() {
    return [this](const std::string& host) -> std::optional<std::vector<std::string>> {
      asked.push_back(host);
      const auto found = names.find(host);
      if (found == names.end()) {
        return std::nullopt;
      }
      return found->second;
    };
  }
};

Decision decide_for(const PassdbResult& passdb, const LoginRequest& request = login(),
                    const AuthSettings& settings = AuthSettings()) {
  FakeDns dns;
  return decide(DecisionInput{passdb, request, settings}, dns.resolver());
}

Decision decide_with(FakeDns& dns, const PassdbResult& passdb,
                     const AuthSettings& settings = AuthSettings()) {
  const LoginRequest request = login();
  return decide(DecisionInput{passdb, request, settings}, dns.resolver());
}

std::vector<std::string> names(const std::vector<PassdbField>& fields) {
  std::vector<std::string> out;
  for (const PassdbField& field : fields) {
    out.push_back(field.value.empty() ? field.name : field.name + "=" + field.value);
  }
  return out;
}

// --- local, referral, nologin ----------------------------------------------------

TEST(Decision, NoFieldsIsLocalLogin) {
  const Decision decision = decide_for(ok({}));
  EXPECT_EQ(decision.kind, DecisionKind::local);
  EXPECT_EQ(decision.result, LoginResult::logged_in);
  EXPECT_EQ(decision.reason, "Logged in");
  EXPECT_EQ(decision.rule, "no nologin, proxy or host: local login");
  EXPECT_EQ(decision.referral, std::nullopt);
  EXPECT_EQ(decision.proxy, std::nullopt);
  EXPECT_THAT(decision.warnings, IsEmpty());
}

TEST(Decision, ReasonWithoutNologinIsIgnored) {
  const Decision decision = decide_for(ok({{"reason", "Go away"}}));
  EXPECT_EQ(decision.kind, DecisionKind::local);
  EXPECT_EQ(decision.reason, "Logged in");
}

TEST(Decision, HostWithoutNologinIsReferralSuggestThatLogsInLocally) {
  const Decision decision = decide_for(ok({{"host", "imap2.example.com"}}));
  EXPECT_EQ(decision.kind, DecisionKind::referral_suggest);
  EXPECT_EQ(decision.result, LoginResult::logged_in);
  EXPECT_EQ(decision.reason, "Logged in");
  ASSERT_TRUE(decision.referral);
  EXPECT_EQ(decision.referral->host, "imap2.example.com");
  EXPECT_EQ(decision.referral->port, 143u);
  EXPECT_EQ(decision.referral->userid, k_user);
  EXPECT_EQ(decision.referral->mech, "PLAIN");
  EXPECT_THAT(decision.warnings,
              ElementsAre(Warning{"referral_suggest_ignored",
                                  "host is set without nologin: Dovecot 2.3's imap-login never "
                                  "sends the suggestion (OK [REFERRAL ...]) and logs the user in "
                                  "here; add nologin to require the referral"}));
}

TEST(Decision, NologinWithHostIsReferralRequire) {
  const Decision decision = decide_for(ok({{"nologin", "Y"}, {"host", "imap2.example.com"}}));
  EXPECT_EQ(decision.kind, DecisionKind::referral_require);
  EXPECT_EQ(decision.result, LoginResult::referral_nologin);
  EXPECT_EQ(decision.reason, "Try this server instead.");
  EXPECT_EQ(decision.rule, "nologin and host: imap-login refers the client and refuses the login");
  ASSERT_TRUE(decision.referral);
  EXPECT_EQ(decision.referral->host, "imap2.example.com");
  EXPECT_THAT(decision.warnings, IsEmpty());
}

TEST(Decision, NologinWithHostUsesTheCustomReason) {
  const Decision decision =
      decide_for(ok({{"nologin", ""}, {"host", "h"}, {"reason", "Moved to h"}}));
  EXPECT_EQ(decision.result, LoginResult::referral_nologin);
  EXPECT_EQ(decision.reason, "Moved to h");
}

TEST(Decision, NologinWithEmptyHostIsStillAReferral) {
  const Decision decision = decide_for(ok({{"nologin", ""}, {"host", ""}}));
  EXPECT_EQ(decision.kind, DecisionKind::referral_require);
  EXPECT_EQ(decision.referral->host, "");
}

TEST(Decision, ReferralUsesDestuserPortSslAndUppercaseMech) {
  LoginRequest request = login();
  request.mech = "plain";
  const Decision decision = decide_for(
      ok({{"nologin", ""}, {"host", "h"}, {"destuser", "bob"}, {"ssl", "yes"}}), request);
  ASSERT_TRUE(decision.referral);
  EXPECT_EQ(decision.referral->userid, "bob");
  EXPECT_EQ(decision.referral->port, 993u);
  EXPECT_EQ(decision.referral->mech, "PLAIN");
}

TEST(Decision, ReferralUseridDefaultsToTheRenamedUser) {
  PassdbResult passdb = ok({{"nologin", ""}, {"host", "h"}});
  passdb.user = "bob@example.org";
  EXPECT_EQ(decide_for(passdb).referral->userid, "bob@example.org");
}

TEST(Decision, NologinAloneIsLoginDisabled) {
  const Decision decision = decide_for(ok({{"nologin", "N"}}));
  EXPECT_EQ(decision.kind, DecisionKind::reject);
  EXPECT_EQ(decision.result, LoginResult::login_disabled);
  EXPECT_EQ(decision.reason, "Login disabled for this user");
  EXPECT_EQ(decision.rule, "nologin without host: login disabled");
}

TEST(Decision, NologinAloneUsesTheCustomReason) {
  const Decision decision = decide_for(ok({{"reason", "Account suspended"}, {"nologin", ""}}));
  EXPECT_EQ(decision.result, LoginResult::login_disabled);
  EXPECT_EQ(decision.reason, "Account suspended");
}

TEST(Decision, NologinAndProxyAreSentAsBareKeys) {
  const Decision decision = decide_for(ok({{"nologin", "Y"}, {"reason", "r"}}));
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("nologin", "reason=r"));
}

TEST(Decision, HiddenFieldsAreNotSent) {
  PassdbResult passdb = ok({{"host", "h"}});
  passdb.fields.push_back({"allow_nets", "10.0.0.0/8", true});
  EXPECT_THAT(names(decide_for(passdb).reply_fields), ElementsAre("host=h"));
}

// A code= in a successful reply is never looked at.
TEST(Decision, CodeFieldOnSuccessIsIgnored) {
  EXPECT_EQ(decide_for(ok({{"code", "temp_fail"}, {"nologin", ""}})).result,
            LoginResult::login_disabled);
  EXPECT_EQ(decide_for(ok({{"code", "temp_fail"}})).result, LoginResult::logged_in);
}

// --- failures --------------------------------------------------------------------

TEST(Decision, PasswordMismatchIsAuthFailed) {
  const Decision decision = decide_for(failed(PassdbStatus::password_mismatch));
  EXPECT_EQ(decision.kind, DecisionKind::reject);
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
  EXPECT_EQ(decision.reason, "Authentication failed.");
  EXPECT_EQ(decision.rule, "passdb password_mismatch: why");
}

TEST(Decision, UserUnknownIsAuthFailed) {
  const Decision decision = decide_for(failed(PassdbStatus::user_unknown));
  EXPECT_EQ(decision.kind, DecisionKind::reject);
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
}

TEST(Decision, InternalFailureIsTempfail) {
  const Decision decision = decide_for(failed(PassdbStatus::internal_failure));
  EXPECT_EQ(decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(decision.result, LoginResult::tempfail);
  EXPECT_EQ(decision.reason, "Temporary authentication failure.");
  EXPECT_EQ(decision.rule, "passdb internal_failure: why");
}

TEST(Decision, FieldsDiscardedOnFailureAreWarnedAbout) {
  const Decision decision = decide_for(
      failed(PassdbStatus::password_mismatch,
             {{"host", "h"}, {"nopassword", ""}, {"allow_nets", "x", true}, {"nologin", "Y"}}));
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
  EXPECT_EQ(decision.referral, std::nullopt);
  EXPECT_THAT(decision.warnings,
              ElementsAre(Warning{"fields_discarded_on_failure",
                                  "the passdb lookup failed, so Dovecot 2.3 discards every field "
                                  "the row set (host, nologin): the client gets no referral, "
                                  "proxy or custom reason"}));
}

TEST(Decision, OnlyHiddenRolledBackFieldsGiveNoWarning) {
  const Decision decision =
      decide_for(failed(PassdbStatus::user_unknown, {{"allow_nets", "x", true}}));
  EXPECT_THAT(decision.warnings, IsEmpty());
}

// noauthenticate: INTERNAL_FAILURE with the fields kept. The FAIL line has
// code=temp_fail first; nologin and the proxy fields are removed.
TEST(Decision, FailureWithKeptFieldsIsTempfailAndDropsReasonAndHost) {
  PassdbResult passdb = failed(PassdbStatus::internal_failure);
  passdb.fields = {{"nologin", ""}, {"host", "h"}, {"reason", "r"}, {"code", "authz_fail"}};
  const Decision decision = decide_for(passdb);
  EXPECT_EQ(decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(decision.result, LoginResult::tempfail);
  EXPECT_EQ(decision.reason, "Temporary authentication failure.");
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("reason=r", "code=authz_fail"));
}

TEST(Decision, FailureWithKeptReasonIsAlert) {
  PassdbResult passdb = failed(PassdbStatus::password_mismatch);
  passdb.fields = {{"reason", "Locked"}};
  const Decision decision = decide_for(passdb);
  EXPECT_EQ(decision.result, LoginResult::auth_failed_reason);
  EXPECT_EQ(decision.reason, "Locked");
}

// --- proxy -----------------------------------------------------------------------

TEST(Decision, ProxyWithIpHostProxies) {
  const Decision decision = decide_for(ok({{"proxy", "Y"}, {"host", "10.0.0.2"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_EQ(decision.result, LoginResult::proxied);
  EXPECT_EQ(decision.reason, "Logged in");
  EXPECT_EQ(decision.rule, "proxy with host: imap-login proxies the session");
  ASSERT_TRUE(decision.proxy);
  EXPECT_EQ(decision.proxy->host, "10.0.0.2");
  EXPECT_EQ(decision.proxy->hostip, "");
  EXPECT_EQ(decision.proxy->port, 143u);
  EXPECT_EQ(decision.proxy->destuser, k_user);
  EXPECT_FALSE(decision.proxy->ssl);
  EXPECT_FALSE(decision.proxy->starttls);
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("proxy", "host=10.0.0.2"));
}

TEST(Decision, ProxyWithNameHostIsResolvedAndFirstAddressBecomesHostip) {
  FakeDns dns;
  const Decision decision = decide_with(dns, ok({{"proxy", ""}, {"host", "imap2.example.com"}}));
  EXPECT_THAT(dns.asked, ElementsAre("imap2.example.com"));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_EQ(decision.proxy->host, "imap2.example.com");
  EXPECT_EQ(decision.proxy->hostip, "10.0.0.3");
  EXPECT_THAT(names(decision.reply_fields),
              ElementsAre("proxy", "host=imap2.example.com", "hostip=10.0.0.3"));
}

TEST(Decision, ProxyWithNameAndValidHostipIsNotResolved) {
  FakeDns dns;
  const Decision decision =
      decide_with(dns, ok({{"proxy", ""}, {"host", "imap9.example.com"}, {"hostip", "10.0.0.5"}}));
  EXPECT_THAT(dns.asked, IsEmpty());
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_EQ(decision.proxy->hostip, "10.0.0.5");
}

TEST(Decision, ProxyDnsFailureIsTempfail) {
  const Decision decision =
      decide_for(ok({{"proxy", ""}, {"host", "nowhere.example.com"}, {"nologin", ""}}));
  EXPECT_EQ(decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(decision.result, LoginResult::tempfail);
  EXPECT_EQ(decision.reason, "Temporary authentication failure.");
  EXPECT_EQ(decision.rule, "DNS lookup for nowhere.example.com failed");
  EXPECT_THAT(decision.reply_fields, IsEmpty());
}

// Seen live (tests/differential/recorded.txt): 2.3.19's auth asserts in
// dns_client_lookup_common on an empty name and the client gets an
// immediate authentication failure.
TEST(Decision, ProxyWithEmptyHostCrashesAuthAndFailsTheLogin) {
  FakeDns dns;
  const Decision decision = decide_with(dns, ok({{"proxy", ""}, {"host", ""}}));
  EXPECT_TRUE(dns.asked.empty());
  EXPECT_EQ(decision.kind, DecisionKind::reject);
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
  ASSERT_EQ(decision.warnings.size(), 1u);
  EXPECT_EQ(decision.warnings[0].code, "auth_crash");
}

TEST(Decision, ProxyWithoutHostWarnsThatImapLoginCrashes) {
  const Decision decision = decide_for(ok({{"proxy", ""}}));
  ASSERT_EQ(decision.warnings.size(), 1u);
  EXPECT_EQ(decision.warnings[0].code, "imap_login_crash");
}

TEST(Decision, ProxyWithoutHostFailsToStart) {
  const Decision decision = decide_for(ok({{"proxy", ""}}));
  EXPECT_EQ(decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(decision.result, LoginResult::proxy_failed);
  EXPECT_EQ(decision.reason, "Account is temporarily unavailable.");
  EXPECT_EQ(decision.rule, "proxy cannot start: host not given");
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("proxy", "lip=10.0.0.1", "lport=143"));
}

TEST(Decision, ProxyWithoutHostAddsCanonicalLipOnlyWhenKnown) {
  LoginRequest request = login();
  request.local_ip = "";
  request.local_port = 0;
  EXPECT_THAT(names(decide_for(ok({{"proxy", ""}}), request).reply_fields), ElementsAre("proxy"));
  request.local_ip = "[2001:DB8::1]";
  EXPECT_THAT(names(decide_for(ok({{"proxy", ""}}), request).reply_fields),
              ElementsAre("proxy", "lip=2001:db8::1"));
}

TEST(Decision, NologinWithProxyProxies) {
  const Decision decision =
      decide_for(ok({{"nologin", "Y"}, {"proxy", "Y"}, {"host", "10.0.0.2"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("nologin", "proxy", "host=10.0.0.2"));
}

TEST(Decision, ProxyDestuserDefaultsToTheRenamedUser) {
  PassdbResult passdb = ok({{"proxy", ""}, {"host", "10.0.0.2"}});
  passdb.user = "bob";
  EXPECT_EQ(decide_for(passdb).proxy->destuser, "bob");
  passdb.fields.push_back({"destuser", "carol"});
  EXPECT_EQ(decide_for(passdb).proxy->destuser, "carol");
}

// --- port / ssl / starttls -------------------------------------------------------

unsigned proxy_port(std::vector<PassdbField> extra) {
  std::vector<PassdbField> fields = {{"proxy", ""}, {"host", "10.0.0.2"}};
  fields.insert(fields.end(), extra.begin(), extra.end());
  const Decision decision = decide_for(ok(fields));
  return decision.proxy ? decision.proxy->port : 0;
}

TEST(Decision, PortIsParsedAndInvalidPortsAreIgnored) {
  EXPECT_EQ(proxy_port({{"port", "1143"}}), 1143u);
  EXPECT_EQ(proxy_port({{"port", "01143"}}), 1143u);
  EXPECT_EQ(proxy_port({{"port", "abc"}}), 143u);
  EXPECT_EQ(proxy_port({{"port", "0"}}), 143u);
  EXPECT_EQ(proxy_port({{"port", "65536"}}), 143u);
  EXPECT_EQ(proxy_port({{"port", "+993"}}), 143u);
  EXPECT_EQ(proxy_port({{"port", ""}}), 143u);
}

TEST(Decision, SslWithAnyValueMeans993) {
  EXPECT_EQ(proxy_port({{"ssl", "yes"}}), 993u);
  EXPECT_EQ(proxy_port({{"ssl", "no"}}), 993u);
  const Decision decision = decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"ssl", "no"}}));
  EXPECT_TRUE(decision.proxy->ssl);
  EXPECT_FALSE(decision.proxy->starttls);
}

TEST(Decision, SslAfterPortKeepsThePort) {
  EXPECT_EQ(proxy_port({{"port", "1993"}, {"ssl", "yes"}}), 1993u);
}

TEST(Decision, PortAfterSslOverrides) {
  EXPECT_EQ(proxy_port({{"ssl", "yes"}, {"port", "2000"}}), 2000u);
  EXPECT_EQ(proxy_port({{"ssl", "yes"}, {"port", "bad"}}), 993u);
}

TEST(Decision, StarttlsKeepsPort143) {
  const Decision decision =
      decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"starttls", "any-cert"}}));
  EXPECT_EQ(decision.proxy->port, 143u);
  EXPECT_TRUE(decision.proxy->ssl);
  EXPECT_TRUE(decision.proxy->starttls);
}

// --- proxy_maybe -----------------------------------------------------------------

TEST(Decision, ProxyMaybeToSelfWithoutPortIsLocal) {
  const Decision decision = decide_for(
      ok({{"proxy_maybe", "Y"}, {"host", "10.0.0.1"}, {"destuser", "x"}, {"reason", "r"}}));
  EXPECT_EQ(decision.kind, DecisionKind::local);
  EXPECT_EQ(decision.result, LoginResult::logged_in);
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("reason=r"));
}

TEST(Decision, ProxyMaybeToSelfWithSamePortIsLocal) {
  EXPECT_EQ(decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.1"}, {"port", "143"}})).kind,
            DecisionKind::local);
}

// auth_request_proxy_is_self uses str_uint_equals: a number, not a string.
TEST(Decision, ProxyMaybePortIsComparedAsANumber) {
  EXPECT_EQ(decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.1"}, {"port", "0143"}})).kind,
            DecisionKind::local);
}

TEST(Decision, ProxyMaybeToSelfWithNologinIsLoginDisabled) {
  const Decision decision =
      decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.1"}, {"nologin", ""}}));
  EXPECT_EQ(decision.result, LoginResult::login_disabled);
}

TEST(Decision, ProxyMaybeToSelfOnOtherPortProxies) {
  const Decision decision =
      decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.1"}, {"port", "1143"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_EQ(decision.proxy->port, 1143u);
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("host=10.0.0.1", "port=1143", "proxy"));
}

TEST(Decision, ProxyMaybeToSelfWithInvalidPortProxiesToTheDefaultPortAndLoops) {
  const Decision decision =
      decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.1"}, {"port", "x"}}));
  EXPECT_EQ(decision.result, LoginResult::proxy_failed);
  EXPECT_EQ(decision.rule, "proxy cannot start: Proxying loops to itself");
}

TEST(Decision, ProxyMaybeToOtherHostProxies) {
  const Decision decision = decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.2"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
  EXPECT_EQ(decision.rule, "proxy_maybe: host is not this server, so proxy");
}

TEST(Decision, ProxyMaybeNameResolvingToSelfIsLocal) {
  FakeDns dns;
  const Decision decision =
      decide_with(dns, ok({{"proxy_maybe", ""}, {"host", "self.example.com"}}));
  EXPECT_EQ(decision.kind, DecisionKind::local);
  // hostip was added before the proxy fields were dropped; it is not one.
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("hostip=10.0.0.8"));
}

TEST(Decision, AuthProxySelfCountsAsThisServer) {
  AuthSettings settings;
  settings.auth_proxy_self = "10.0.0.7  10.0.0.9";
  EXPECT_EQ(decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.9"}}), login(), settings).kind,
            DecisionKind::local);
  EXPECT_EQ(decide_for(ok({{"proxy_maybe", ""}, {"host", "10.0.0.6"}}), login(), settings).kind,
            DecisionKind::proxy);
}

TEST(Decision, AuthProxySelfNamesAreResolved) {
  FakeDns dns;
  AuthSettings settings;
  settings.auth_proxy_self = "cluster.example.com";
  const Decision decision =
      decide_with(dns, ok({{"proxy_maybe", ""}, {"host", "10.0.0.9"}}), settings);
  EXPECT_EQ(decision.kind, DecisionKind::local);
  EXPECT_THAT(dns.asked, ElementsAre("cluster.example.com"));
}

TEST(Decision, ProxyToSelfIsNotDroppedWithoutMaybe) {
  const Decision decision = decide_for(ok({{"proxy", ""}, {"host", "10.0.0.1"}, {"port", "1143"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
}

TEST(Decision, ProxyAlwaysToSelfKeepsProxyButNotTheHost) {
  const Decision decision = decide_for(
      ok({{"proxy_maybe", ""}, {"proxy_always", ""}, {"host", "10.0.0.1"}, {"nologin", ""}}));
  EXPECT_THAT(names(decision.reply_fields), ElementsAre("nologin", "proxy"));
  EXPECT_EQ(decision.result, LoginResult::proxy_failed);
  EXPECT_EQ(decision.rule, "proxy cannot start: host not given");
}

TEST(Decision, ProxyAlwaysToOtherHostProxies) {
  const Decision decision =
      decide_for(ok({{"proxy_maybe", ""}, {"proxy_always", ""}, {"host", "10.0.0.2"}}));
  EXPECT_EQ(decision.kind, DecisionKind::proxy);
}

// --- invalid hostip ----------------------------------------------------------------

TEST(Decision, InvalidHostipWithProxyIsAuthFailed) {
  const Decision decision = decide_for(
      ok({{"proxy", ""}, {"host", "imap2.example.com"}, {"hostip", "bogus"}, {"nologin", ""}}));
  EXPECT_EQ(decision.kind, DecisionKind::reject);
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
  EXPECT_EQ(decision.reason, "Authentication failed.");
  EXPECT_EQ(decision.rule,
            "Invalid hostip in passdb: bogus; proxy set on a failed reply: authentication failed");
  EXPECT_THAT(names(decision.reply_fields),
              ElementsAre("proxy", "host=imap2.example.com", "hostip=bogus"));
}

TEST(Decision, InvalidHostipWithProxyMaybeIsAReferral) {
  const Decision decision =
      decide_for(ok({{"proxy_maybe", ""}, {"host", "imap2.example.com"}, {"hostip", ""}}));
  EXPECT_EQ(decision.kind, DecisionKind::referral_require);
  EXPECT_EQ(decision.result, LoginResult::referral_nologin);
  EXPECT_EQ(decision.reason, "Try this server instead.");
  EXPECT_EQ(decision.referral->host, "imap2.example.com");
  EXPECT_EQ(decision.rule, "Invalid hostip in passdb: ; host kept on a failed reply: referral");
}

// A code= field from the row reaches imap-login on this FAIL, but host
// (referral) and proxy (plain failure) are decided before any code.
TEST(Decision, InvalidHostipFailureIgnoresACodeField) {
  const Decision decision = decide_for(
      ok({{"proxy_maybe", ""}, {"host", "n.example.com"}, {"hostip", "x"}, {"code", "temp_fail"}}));
  EXPECT_EQ(decision.result, LoginResult::referral_nologin);
  const Decision no_host = decide_for(
      ok({{"proxy", ""}, {"host", "n.example.com"}, {"hostip", "x"}, {"code", "temp_fail"}}));
  EXPECT_EQ(no_host.result, LoginResult::auth_failed);
}

TEST(Decision, InvalidHostipWithIpHostFailsInImapLogin) {
  const Decision decision =
      decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"hostip", "bogus"}}));
  EXPECT_EQ(decision.result, LoginResult::proxy_failed);
  EXPECT_EQ(decision.rule, "proxy cannot start: Invalid hostip bogus");
}

// --- proxy_check_start -----------------------------------------------------------

TEST(Decision, ProxyToItselfAsTheSameUserLoops) {
  const Decision decision = decide_for(ok({{"proxy", ""}, {"host", "10.0.0.1"}}));
  EXPECT_EQ(decision.kind, DecisionKind::tempfail);
  EXPECT_EQ(decision.result, LoginResult::proxy_failed);
  EXPECT_EQ(decision.rule, "proxy cannot start: Proxying loops to itself");
}

TEST(Decision, ProxyToItselfAsAnotherUserDoesNotLoop) {
  EXPECT_EQ(decide_for(ok({{"proxy", ""}, {"host", "10.0.0.1"}, {"destuser", "bob"}})).kind,
            DecisionKind::proxy);
}

TEST(Decision, ProxyMechMustBeAKnownSaslClientMechanism) {
  EXPECT_EQ(decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"proxy_mech", "plain"}})).kind,
            DecisionKind::proxy);
  EXPECT_EQ(decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"proxy_mech", "XOAUTH2"}})).kind,
            DecisionKind::proxy);
  const Decision scram =
      decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"proxy_mech", "SCRAM-SHA-1"}}));
  EXPECT_EQ(scram.result, LoginResult::proxy_failed);
  EXPECT_EQ(scram.rule, "proxy cannot start: Unsupported SASL mechanism SCRAM-SHA-1");
  EXPECT_EQ(decide_for(ok({{"proxy", ""}, {"host", "10.0.0.2"}, {"proxy_mech", ""}})).result,
            LoginResult::proxy_failed);
}

TEST(Decision, ProxyFailedOnAFailedPassdbIsAuthFailed) {
  PassdbResult passdb = failed(PassdbStatus::password_mismatch, {{"proxy", ""}, {"host", "h"}});
  const Decision decision = decide_for(passdb);
  EXPECT_EQ(decision.result, LoginResult::auth_failed);
  EXPECT_EQ(decision.proxy, std::nullopt);
}

// --- names -----------------------------------------------------------------------

TEST(DecisionKindName, EveryKindRoundTrips) {
  EXPECT_THAT(decision_names(), ElementsAre("proxy", "referral-suggest", "referral-require",
                                            "local", "reject", "tempfail"));
  for (const std::string& name : decision_names()) {
    ASSERT_TRUE(decision_kind_from_name(name));
    EXPECT_EQ(to_string(*decision_kind_from_name(name)), name);
  }
  EXPECT_EQ(decision_kind_from_name("referral_suggest"), std::nullopt);
}

} // namespace
} // namespace loginref

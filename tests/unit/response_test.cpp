#include "core/response.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>

namespace loginref {
namespace {

// Dovecot 2.3.19's CAPABILITY_STRING plus what imap adds with default
// settings (seen live: tests/differential/recorded.txt).
const std::string k_caps =
    "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES "
    "THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN "
    "NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES "
    "WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW "
    "STATUS=SIZE SAVEDATE LITERAL+ NOTIFY";

constexpr std::time_t k_now = 1700000000; // 2023-11-14 22:13:20 UTC

// Every test here that formats a time runs in UTC.
class ResponseLine : public ::testing::Test {
protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    m_saved_tz = tz ? std::optional<std::string>(tz) : std::nullopt;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (m_saved_tz) {
      setenv("TZ", m_saved_tz->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

  static std::string line(LoginResult result, std::string reason,
                          const ResponseContext& context = ResponseContext{}) {
    Decision decision;
    decision.result = result;
    decision.reason = std::move(reason);
    return response_line(decision, context);
  }

private:
  std::optional<std::string> m_saved_tz;
};

TEST_F(ResponseLine, LoggedInCarriesTheDefaultCapabilities) {
  EXPECT_EQ(line(LoginResult::logged_in, "Logged in"),
            "a1 OK [CAPABILITY " + k_caps + "] Logged in");
}

TEST_F(ResponseLine, ProxiedLooksLikeALocalLogin) {
  EXPECT_EQ(line(LoginResult::proxied, "Logged in"), "a1 OK [CAPABILITY " + k_caps + "] Logged in");
}

TEST_F(ResponseLine, ProxyFailedIsUnavailable) {
  EXPECT_EQ(line(LoginResult::proxy_failed, "Account is temporarily unavailable."),
            "a1 NO [UNAVAILABLE] Account is temporarily unavailable.");
}

TEST_F(ResponseLine, ReferralNologinCarriesTheUrl) {
  Decision decision;
  decision.result = LoginResult::referral_nologin;
  decision.reason = "Try this server instead.";
  decision.referral = Referral{
      .host = "imap2.example.com", .port = 143, .userid = "alice@example.com", .mech = "PLAIN"};
  EXPECT_EQ(response_line(decision, ResponseContext{}),
            "a1 NO [REFERRAL imap://alice%40example.com;AUTH=PLAIN@imap2.example.com/] "
            "Try this server instead.");
}

TEST_F(ResponseLine, ReferralShowsAPortOtherThan143) {
  Decision decision;
  decision.result = LoginResult::referral_nologin;
  decision.reason = "Moved";
  decision.referral =
      Referral{.host = "[2001:db8::2]", .port = 993, .userid = "bob", .mech = "PLAIN"};
  EXPECT_EQ(response_line(decision, ResponseContext{}),
            "a1 NO [REFERRAL imap://bob;AUTH=PLAIN@[2001:db8::2]:993/] Moved");
}

TEST_F(ResponseLine, LoginDisabledIsContactAdmin) {
  EXPECT_EQ(line(LoginResult::login_disabled, "Login disabled for this user"),
            "a1 NO [CONTACTADMIN] Login disabled for this user");
}

TEST_F(ResponseLine, AuthFailedIsAuthenticationFailed) {
  EXPECT_EQ(line(LoginResult::auth_failed, "Authentication failed."),
            "a1 NO [AUTHENTICATIONFAILED] Authentication failed.");
}

TEST_F(ResponseLine, AuthFailedReasonIsAnAlert) {
  EXPECT_EQ(line(LoginResult::auth_failed_reason, "Account locked"),
            "a1 NO [ALERT] Account locked");
}

TEST_F(ResponseLine, AuthFailedReasonStartingWithBracketCarriesItsOwnCode) {
  EXPECT_EQ(line(LoginResult::auth_failed_reason, "[EXPIRED] Renew your password"),
            "a1 NO [EXPIRED] Renew your password");
}

TEST_F(ResponseLine, EmptyReasonLeavesATrailingSpace) {
  EXPECT_EQ(line(LoginResult::auth_failed_reason, ""), "a1 NO [ALERT] ");
  EXPECT_EQ(line(LoginResult::login_disabled, ""), "a1 NO [CONTACTADMIN] ");
}

TEST_F(ResponseLine, TempfailAddsHostnameAndLocalTime) {
  const ResponseContext context{.tag = "a1", .hostname = "mx1.example.com", .now = k_now};
  EXPECT_EQ(line(LoginResult::tempfail, "Temporary authentication failure.", context),
            "a1 NO [UNAVAILABLE] Temporary authentication failure. "
            "[mx1.example.com:2023-11-14 22:13:20]");
}

TEST_F(ResponseLine, TempfailSuffixFollowsTz) {
  setenv("TZ", "Europe/Helsinki", 1);
  tzset();
  EXPECT_EQ(tempfail_suffix("h", k_now), "[h:2023-11-15 00:13:20]");
}

TEST_F(ResponseLine, TempfailSuffixWithEmptyHostname) {
  EXPECT_EQ(tempfail_suffix("", 0), "[:1970-01-01 00:00:00]");
}

TEST_F(ResponseLine, UsesTheClientsTag) {
  const ResponseContext context{.tag = "x.7"};
  EXPECT_EQ(line(LoginResult::auth_failed, "Authentication failed.", context),
            "x.7 NO [AUTHENTICATIONFAILED] Authentication failed.");
}

TEST_F(ResponseLine, ReasonControlCharactersArePassedRaw) {
  EXPECT_EQ(line(LoginResult::auth_failed_reason, "a\r\nb\tc"), "a1 NO [ALERT] a\r\nb\tc");
  EXPECT_EQ(line(LoginResult::login_disabled, "x\ny"), "a1 NO [CONTACTADMIN] x\ny");
}

TEST_F(ResponseLine, ImapCapabilityReplacesTheList) {
  const ResponseContext context{.imap_capability = "IMAP4rev1 IDLE"};
  EXPECT_EQ(line(LoginResult::logged_in, "Logged in", context),
            "a1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in");
}

// --- post_login_capability -----------------------------------------------------

TEST(PostLoginCapability, EmptySettingIsTheDefault) {
  EXPECT_EQ(post_login_capability("", false), k_caps);
}

TEST(PostLoginCapability, SpecialUseMailboxesAddSpecialUseLast) {
  EXPECT_EQ(post_login_capability("", true), k_caps + " SPECIAL-USE");
  EXPECT_EQ(post_login_capability("+XFOO", true),
            "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE "
            "IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT "
            "MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
            "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH "
            "LIST-STATUS BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE "
            "XFOO LITERAL+ NOTIFY SPECIAL-USE");
  EXPECT_EQ(post_login_capability("IMAP4rev1", true), "IMAP4rev1");
}

TEST(PostLoginCapability, PlusAppendsBeforeTheAddedCapabilities) {
  EXPECT_EQ(post_login_capability("+XFOO XBAR", false),
            "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
            "THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL "
            "CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE "
            "QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS BINARY MOVE "
            "SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE XFOO XBAR LITERAL+ NOTIFY");
}

TEST(PostLoginCapability, ExplicitListGetsNothingAdded) {
  EXPECT_EQ(post_login_capability("IMAP4rev1", false), "IMAP4rev1");
}

} // namespace
} // namespace loginref

#include "core/imap_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace loginref {
namespace {

// --- uri_append_user_data with ";:" ---------------------------------------------

TEST(EncodeUserData, KeepsUnreservedAndSubDelimsButSemicolon) {
  EXPECT_EQ(encode_user_data("AZaz09-._~!$&'()*+,="), "AZaz09-._~!$&'()*+,=");
}

TEST(EncodeUserData, AtBecomesLowercaseHex) {
  EXPECT_EQ(encode_user_data("alice@example.com"), "alice%40example.com");
}

TEST(EncodeUserData, SemicolonAndColonAreEncoded) {
  EXPECT_EQ(encode_user_data("a;b:c"), "a%3bb%3ac");
}

TEST(EncodeUserData, GenDelimsSpacePercentAndControlsAreEncoded) {
  EXPECT_EQ(encode_user_data("a b%c/d?e#f[g]h\"<>\\^`{|}"),
            "a%20b%25c%2fd%3fe%23f%5bg%5dh%22%3c%3e%5c%5e%60%7b%7c%7d");
  EXPECT_EQ(encode_user_data("\t\r\n\x7f"), "%09%0d%0a%7f");
}

TEST(EncodeUserData, Utf8BytesAreEncodedOneByOne) {
  EXPECT_EQ(encode_user_data("j\xc3\xb6rg"), "j%c3%b6rg");
}

TEST(EncodeUserData, StopsAtNulLikeDovecot) {
  EXPECT_EQ(encode_user_data(std::string("ab\0cd", 5)), "ab");
}

// --- uri_append_host -----------------------------------------------------------

TEST(EncodeHostName, KeepsSemicolonAndSubDelims) {
  EXPECT_EQ(encode_host_name("a;b!c=d"), "a;b!c=d");
}

TEST(EncodeHostName, EncodesColonAtSpaceAndUtf8) {
  EXPECT_EQ(encode_host_name("h:1@x y\xc3\xa9"), "h%3a1%40x%20y%c3%a9");
}

TEST(EncodeHostName, BracketedIpv6IsCopiedVerbatim) {
  EXPECT_EQ(encode_host_name("[2001:db8::1]"), "[2001:db8::1]");
  EXPECT_EQ(encode_host_name("[not really% ]"), "[not really% ]");
}

TEST(EncodeHostName, BareIpv6IsPercentEncoded) {
  EXPECT_EQ(encode_host_name("2001:db8::1"), "2001%3adb8%3a%3a1");
}

// --- imap_url_create -----------------------------------------------------------

TEST(ImapReferralUrl, DefaultPortIsOmitted) {
  EXPECT_EQ(imap_referral_url("alice@example.com", "PLAIN", "imap2.example.com", 143),
            "imap://alice%40example.com;AUTH=PLAIN@imap2.example.com/");
}

TEST(ImapReferralUrl, OtherPortsAreShown) {
  EXPECT_EQ(imap_referral_url("bob", "PLAIN", "imap2.example.com", 993),
            "imap://bob;AUTH=PLAIN@imap2.example.com:993/");
  EXPECT_EQ(imap_referral_url("bob", "PLAIN", "10.0.0.2", 1143),
            "imap://bob;AUTH=PLAIN@10.0.0.2:1143/");
}

TEST(ImapReferralUrl, EmptyHostGivesAtSlash) {
  EXPECT_EQ(imap_referral_url("bob", "PLAIN", "", 143), "imap://bob;AUTH=PLAIN@/");
}

TEST(ImapReferralUrl, EmptyUseridIsKept) {
  EXPECT_EQ(imap_referral_url("", "PLAIN", "h", 143), "imap://;AUTH=PLAIN@h/");
}

TEST(ImapReferralUrl, UseridMechAndHostEachUseTheirEncoding) {
  EXPECT_EQ(imap_referral_url("o'hara;x:y", "X;Y", "a;b c", 143),
            "imap://o'hara%3bx%3ay;AUTH=X%3bY@a;b%20c/");
}

TEST(ImapReferralUrl, Ipv6HostsBracketedOrNot) {
  EXPECT_EQ(imap_referral_url("u", "PLAIN", "[2001:db8::1]", 993),
            "imap://u;AUTH=PLAIN@[2001:db8::1]:993/");
  EXPECT_EQ(imap_referral_url("u", "PLAIN", "2001:db8::1", 143),
            "imap://u;AUTH=PLAIN@2001%3adb8%3a%3a1/");
}

} // namespace
} // namespace loginref

#include "core/ip_addr.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace loginref {
namespace {

using ::testing::Optional;

// The canonical text of `text` parsed as an address, or "-" when it is none.
std::string canonical(std::string_view text) {
  const std::optional<IpAddr> ip = parse_ip(text);
  return ip ? to_string(*ip) : "-";
}

std::optional<bool> in_network(std::string_view ip, std::string_view network) {
  return ip_in_network(*parse_ip(ip), network);
}

// --- net_addr2ip ---------------------------------------------------------------

TEST(ParseIp, DottedQuadIsIpv4) {
  EXPECT_EQ(canonical("192.0.2.10"), "192.0.2.10");
  EXPECT_FALSE(parse_ip("192.0.2.10")->v6);
}

TEST(ParseIp, InetAtonShortFormsAreIpv4) {
  EXPECT_EQ(canonical("127.1"), "127.0.0.1");
  EXPECT_EQ(canonical("10.1.2"), "10.1.0.2");
  EXPECT_EQ(canonical("0x7f.0.0.1"), "127.0.0.1");
}

TEST(ParseIp, SingleDecimalNumberIsIpv4) {
  EXPECT_EQ(canonical("10"), "0.0.0.10");
  EXPECT_EQ(canonical("3232235777"), "192.168.1.1");
  EXPECT_EQ(canonical("4294967295"), "255.255.255.255");
}

// net_addr2ip_inet4_fast runs before inet_aton: its two forms are decimal.
TEST(ParseIp, LeadingZerosInFourPartsAreDecimalNotOctal) {
  EXPECT_EQ(canonical("010.0.0.1"), "10.0.0.1");
  EXPECT_EQ(canonical("1.2.3.08"), "1.2.3.8");
  EXPECT_EQ(canonical("00010"), "0.0.0.10");
}

TEST(ParseIp, ShortFormsFallBackToInetAtonOctal) { EXPECT_EQ(canonical("010.1"), "8.0.0.1"); }

TEST(ParseIp, NamesAndBadNumbersAreNotAddresses) {
  EXPECT_EQ(parse_ip("imap.example.com"), std::nullopt);
  EXPECT_EQ(parse_ip(""), std::nullopt);
  EXPECT_EQ(parse_ip("256.1.1.1"), std::nullopt);
  EXPECT_EQ(parse_ip("4294967296"), std::nullopt);
  EXPECT_EQ(parse_ip("[192.0.2.1]"), std::nullopt);
}

TEST(ParseIp, Ipv6IsCanonicalised) {
  EXPECT_EQ(canonical("2001:DB8:0:0::1"), "2001:db8::1");
  EXPECT_TRUE(parse_ip("::1")->v6);
}

TEST(ParseIp, BracketedIpv6IsAccepted) {
  EXPECT_EQ(canonical("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(parse_ip("[2001:db8::1"), std::nullopt);
  EXPECT_EQ(parse_ip("2001:db8::zz"), std::nullopt);
}

// net_ip_compare: no unmapping, so ::ffff:a.b.c.d is not a.b.c.d.
TEST(ParseIp, MappedIpv4StaysIpv6) {
  const std::optional<IpAddr> mapped = parse_ip("::ffff:192.0.2.1");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->v6);
  EXPECT_NE(*mapped, *parse_ip("192.0.2.1"));
  EXPECT_EQ(to_string(*mapped), "::ffff:192.0.2.1");
}

// --- net_parse_range + net_is_in_network --------------------------------------

TEST(IpInNetwork, CidrMatchesInsideAndNotOutside) {
  EXPECT_THAT(in_network("10.1.2.3", "10.0.0.0/8"), Optional(true));
  EXPECT_THAT(in_network("11.1.2.3", "10.0.0.0/8"), Optional(false));
  EXPECT_THAT(in_network("192.0.2.129", "192.0.2.128/25"), Optional(true));
  EXPECT_THAT(in_network("192.0.2.127", "192.0.2.128/25"), Optional(false));
}

TEST(IpInNetwork, OddPrefixLengthsCompareBits) {
  EXPECT_THAT(in_network("192.0.2.7", "192.0.2.4/30"), Optional(true));
  EXPECT_THAT(in_network("192.0.2.8", "192.0.2.4/30"), Optional(false));
  EXPECT_THAT(in_network("203.0.113.1", "0.0.0.0/0"), Optional(true));
}

TEST(IpInNetwork, PlainAddressMustMatchExactly) {
  EXPECT_THAT(in_network("192.0.2.1", "192.0.2.1"), Optional(true));
  EXPECT_THAT(in_network("192.0.2.2", "192.0.2.1"), Optional(false));
}

TEST(IpInNetwork, Ipv6Networks) {
  EXPECT_THAT(in_network("2001:db8::5", "2001:db8::/32"), Optional(true));
  EXPECT_THAT(in_network("2001:db9::5", "2001:db8::/32"), Optional(false));
  EXPECT_THAT(in_network("::1", "::1"), Optional(true));
  EXPECT_THAT(in_network("::1", "::1/128"), Optional(true));
  EXPECT_THAT(in_network("2001:db8::1", "[2001:db8::]/64"), Optional(true));
}

TEST(IpInNetwork, FamiliesNeverMatchEachOther) {
  EXPECT_THAT(in_network("::1", "127.0.0.1"), Optional(false));
  EXPECT_THAT(in_network("127.0.0.1", "::/0"), Optional(false));
}

// net_is_in_network converts a mapped address (not the network) to IPv4.
TEST(IpInNetwork, MappedIpv4AddressMatchesIpv4Network) {
  EXPECT_THAT(in_network("::ffff:10.0.0.5", "10.0.0.0/8"), Optional(true));
  EXPECT_THAT(in_network("10.0.0.5", "::ffff:10.0.0.0/104"), Optional(false));
}

TEST(IpInNetwork, InvalidNetworksAreNullopt) {
  EXPECT_EQ(in_network("10.0.0.1", "10.0.0.0/33"), std::nullopt);
  EXPECT_EQ(in_network("10.0.0.1", "10.0.0.0/"), std::nullopt);
  EXPECT_EQ(in_network("10.0.0.1", "10.0.0.0/+8"), std::nullopt);
  EXPECT_EQ(in_network("10.0.0.1", "10.0.0.0/8x"), std::nullopt);
  EXPECT_EQ(in_network("10.0.0.1", "example.com/8"), std::nullopt);
  EXPECT_EQ(in_network("::1", "::/129"), std::nullopt);
}

TEST(IpInNetwork, PrefixUpToTheFamilyWidthIsValid) {
  EXPECT_THAT(in_network("10.0.0.1", "10.0.0.1/32"), Optional(true));
  EXPECT_THAT(in_network("2001:db8::1", "2001:db8::/100"), Optional(true));
}

} // namespace
} // namespace loginref

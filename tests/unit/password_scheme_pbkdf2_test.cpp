// verify_pbkdf2 directly, with the raw value password_decode() would pass
// it; the hash is from `doveadm pw -s PBKDF2 -p secret` (Dovecot 2.3.19.1).
#include "core/password_scheme_pbkdf2.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace loginref {
namespace {

Verdict verify(std::string_view plaintext, std::string_view raw) {
  return verify_pbkdf2(Attempt{plaintext, raw, "user@realm"});
}

constexpr std::string_view k_hash = "fe8f234c55732e5e9f6e141a499ef5b7d53223ee";

std::string entry(std::string_view rounds, std::string_view hash = k_hash) {
  return "$1$B1cgki17txBOXT0L$" + std::string(rounds) + "$" + std::string(hash);
}

TEST(VerifyPbkdf2, MatchesDoveadm) {
  EXPECT_EQ(verify("secret", entry("5000")).outcome, VerifyOutcome::match);
  EXPECT_EQ(verify("Secret", entry("5000")).outcome, VerifyOutcome::mismatch);
  EXPECT_EQ(verify("secret", entry("4999")).outcome, VerifyOutcome::mismatch);
}

TEST(VerifyPbkdf2, HashDigitsMayBeUppercase) {
  EXPECT_EQ(verify("secret", entry("5000", "FE8F234C55732E5E9F6E141A499EF5B7D53223EE")).outcome,
            VerifyOutcome::match);
}

TEST(VerifyPbkdf2, RoundsAreAnUnsignedInt) {
  EXPECT_EQ(verify("secret", entry("4294967296")).error, "Invalid PBKDF2 passdb entry format");
  EXPECT_EQ(verify("secret", entry("+5000")).error, "Invalid PBKDF2 passdb entry format");
  EXPECT_EQ(verify("secret", entry("")).error, "Invalid PBKDF2 passdb entry format");
  // An unsigned int, but more than OpenSSL's PKCS5_PBKDF2_HMAC can take.
  EXPECT_EQ(verify("secret", entry("4294967295")).error,
            "loginref supports at most 2147483647 PBKDF2 rounds");
  EXPECT_EQ(verify("secret", entry("2147483648")).error,
            "loginref supports at most 2147483647 PBKDF2 rounds");
}

TEST(VerifyPbkdf2, HashMustBeFortyHexDigits) {
  EXPECT_EQ(verify("secret", entry("5000", "fe8f234c55732e5e9f6e141a499ef5b7d53223eg")).error,
            "PBKDF2 hash not 160bit hex-encoded");
  EXPECT_EQ(verify("secret", entry("5000", "fe8f")).error, "PBKDF2 hash not 160bit hex-encoded");
}

TEST(VerifyPbkdf2, ZeroRoundsMatchAnAllZeroHash) {
  EXPECT_EQ(verify("anything", entry("0", std::string(40, '0'))).outcome, VerifyOutcome::match);
}

TEST(VerifyPbkdf2, PrefixAndFieldCount) {
  EXPECT_EQ(verify("secret", "$2$salt$5000$" + std::string(k_hash)).error,
            "Invalid PBKDF2 passdb entry prefix");
  EXPECT_EQ(verify("secret", "$1$salt$5000$" + std::string(k_hash) + "$").error,
            "Invalid PBKDF2 passdb entry format");
}

} // namespace
} // namespace loginref

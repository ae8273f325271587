// The crypt schemes' verify functions directly, with the raw value
// password_decode() would pass them; password_scheme_test.cpp checks them
// through verify_password() against doveadm's hashes. The MD5-CRYPT hash is
// from `openssl passwd -1 -salt abc secret`, the others from doveadm pw.
#include "core/password_scheme_crypt.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace loginref {
namespace {

VerifyOutcome outcome_of(Verdict (*verify)(const Attempt&), std::string_view plaintext,
                         std::string_view raw) {
  return verify(Attempt{plaintext, raw, "user@realm"}).outcome;
}

std::string error_of(Verdict (*verify)(const Attempt&), std::string_view raw) {
  return verify(Attempt{"secret", raw, "user@realm"}).error;
}

constexpr std::string_view k_md5_crypt = "$1$abc$iCQ2D3nhptRYi27fDYv2s1";
constexpr std::string_view k_blowfish =
    "$2y$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc501Sp/T3O";

TEST(VerifyMd5Crypt, MatchesOpensslPasswd) {
  EXPECT_EQ(outcome_of(verify_md5_crypt, "secret", k_md5_crypt), VerifyOutcome::match);
  EXPECT_EQ(outcome_of(verify_md5_crypt, "Secret", k_md5_crypt), VerifyOutcome::mismatch);
}

TEST(VerifyMd5Crypt, StopsAtNulLikeTheCStringDovecotHas) {
  const std::string with_nul = std::string(k_md5_crypt) + std::string("\0junk", 5);
  EXPECT_EQ(outcome_of(verify_md5_crypt, "secret", with_nul), VerifyOutcome::match);
}

TEST(VerifyMd5Crypt, OtherValuesNeverMatch) {
  EXPECT_EQ(outcome_of(verify_md5_crypt, "secret", "abc$iCQ2D3nhptRYi27fDYv2s1"),
            VerifyOutcome::mismatch);
  EXPECT_EQ(outcome_of(verify_md5_crypt, "", ""), VerifyOutcome::mismatch);
}

TEST(VerifyMd5Crypt, ReportsASaltLibxcryptRefuses) {
  EXPECT_EQ(error_of(verify_md5_crypt, "$1$a:b$GahxzmAFX3SZTQ8Z.SxNy/"),
            "loginref cannot compute MD5-CRYPT for salt 'a:b': Invalid argument");
}

TEST(VerifyBlfCrypt, MatchesDoveadm) {
  EXPECT_EQ(outcome_of(verify_blf_crypt, "secret", k_blowfish), VerifyOutcome::match);
  EXPECT_EQ(outcome_of(verify_blf_crypt, "secret2", k_blowfish), VerifyOutcome::mismatch);
  EXPECT_EQ(outcome_of(verify_blf_crypt, "", ""), VerifyOutcome::mismatch);
}

TEST(VerifyBlfCrypt, NeedsALowercaseVariantAndAFullSalt) {
  EXPECT_EQ(error_of(verify_blf_crypt, "$2Y$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc501Sp/"
                                       "T3O"),
            "Password is not blowfish password");
  EXPECT_EQ(error_of(verify_blf_crypt, "$2y$05$wDBrbVfKcbQqLjRZe96k8"),
            "Password is not blowfish password");
  EXPECT_EQ(error_of(verify_blf_crypt, "$2c$05$wDBrbVfKcbQqLjRZe96k8.dy5No3RqCYuqvlYtk6c1kc501Sp/"
                                       "T3O"),
            "crypt_blowfish_rn failed: Invalid argument");
}

TEST(VerifyCrypt, UsesTheSystemCryptForAnythingButBlowfish) {
  EXPECT_EQ(outcome_of(verify_crypt, "secret", "xu/llWsBI3Gac"), VerifyOutcome::match);
  EXPECT_EQ(outcome_of(verify_crypt, "secret", k_md5_crypt), VerifyOutcome::match);
  EXPECT_EQ(outcome_of(verify_crypt, "secret", k_blowfish), VerifyOutcome::match);
  EXPECT_EQ(outcome_of(verify_crypt, "secret", "*0"), VerifyOutcome::mismatch);
  EXPECT_EQ(outcome_of(verify_crypt, "", ""), VerifyOutcome::mismatch);
}

TEST(VerifyCrypt, SendsDollarTwoToTheBlowfishChecks) {
  EXPECT_EQ(error_of(verify_crypt, "$2Y$05$short"), "Password is not blowfish password");
}

TEST(CryptSchemeRegistered, SelfTestsPassWithLibxcrypt) {
  for (std::string_view scheme : {"DES-CRYPT", "SHA256-CRYPT", "SHA512-CRYPT"}) {
    EXPECT_TRUE(crypt_scheme_registered(scheme)) << scheme;
  }
}

TEST(CryptSchemeRegistered, OnlyTheSelfTestedNames) {
  for (std::string_view scheme : {"CRYPT", "BLF-CRYPT", "sha512-crypt", ""}) {
    EXPECT_FALSE(crypt_scheme_registered(scheme)) << scheme;
  }
}

} // namespace
} // namespace loginref

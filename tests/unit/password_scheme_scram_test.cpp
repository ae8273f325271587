// verify_scram directly; the SCRAM-SHA-1 entry is from
// `doveadm pw -s SCRAM-SHA-1 -p secret` (Dovecot 2.3.19.1).
#include "core/password_scheme_scram.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace loginref {
namespace {

Verdict verify_sha1(std::string_view plaintext, std::string_view raw) {
  return verify_scram(DigestMethod::sha1, "SCRAM-SHA-1", Attempt{plaintext, raw, "user@realm"});
}

constexpr std::string_view k_keys = "ryssbq6qB4yp9XRSqY+Wk2nd2MA=,9h2DeUXYjXZHL90JoJt3B9dboYc=";

std::string entry(std::string_view iterations, std::string_view salt = "D87LIZahzbnsNCkCKxKVQA==") {
  return std::string(iterations) + "," + std::string(salt) + "," + std::string(k_keys);
}

TEST(VerifyScram, MatchesDoveadm) {
  EXPECT_EQ(verify_sha1("secret", entry("4096")).outcome, VerifyOutcome::match);
  EXPECT_EQ(verify_sha1("Secret", entry("4096")).outcome, VerifyOutcome::mismatch);
}

TEST(VerifyScram, SaltIsDecodedUpToItsFirstInvalidCharacter) {
  // t_base64_decode_str: what follows the padding is ignored.
  EXPECT_EQ(verify_sha1("secret", entry("4096", "D87LIZahzbnsNCkCKxKVQA==junk")).outcome,
            VerifyOutcome::match);
  EXPECT_EQ(verify_sha1("secret", entry("4096", "D87LIZahzbnsNCkCKxKVQA")).outcome,
            VerifyOutcome::match);
}

TEST(VerifyScram, IterationsFrom4096ToIntMax) {
  for (std::string_view iterations : {"4095", "2147483648", "4294967296", "", "+4096", " 4096"}) {
    EXPECT_EQ(verify_sha1("secret", entry(iterations)).error,
              "Invalid SCRAM-SHA-1 iteration count in passdb")
        << '"' << iterations << '"';
  }
}

TEST(VerifyScram, KeysAreStrictBase64OfTheDigestSize) {
  EXPECT_EQ(verify_sha1("secret", "4096,salt,ryssbq6qB4yp9XRSqY+Wk2nd2MA,x").error,
            "Invalid SCRAM-SHA-1 StoredKey in passdb");
  EXPECT_EQ(verify_sha1("secret", "4096,salt,ryssbq6qB4yp9XRSqY+Wk2nd2MA=,AAAA").error,
            "Invalid SCRAM-SHA-1 ServerKey in passdb");
  // SHA-1 sized keys are too short for SCRAM-SHA-256.
  EXPECT_EQ(verify_scram(DigestMethod::sha256, "SCRAM-SHA-256",
                         Attempt{"secret", entry("4096"), "user@realm"})
                .error,
            "Invalid SCRAM-SHA-256 StoredKey in passdb");
}

TEST(VerifyScram, NeedsExactlyFourFields) {
  EXPECT_EQ(verify_sha1("secret", entry("4096") + ",extra").error,
            "Invalid SCRAM-SHA-1 passdb entry format");
  EXPECT_EQ(verify_sha1("secret", "").error, "Invalid SCRAM-SHA-1 passdb entry format");
}

} // namespace
} // namespace loginref

// digest.hpp against published known-answer vectors (RFC 1320/1321, FIPS
// 180-4 and 202, RFC 2202/4231 for HMAC, RFC 6070 for PBKDF2), so a wrong
// symbol, a wrong digest name or a wrong length in digest.cpp's dlopen()ed
// libcrypto shows here rather than as a mismatching password.
#include "core/digest.hpp"

#include <gtest/gtest.h>

#include <array>
#include <latch>
#include <string>
#include <thread>
#include <vector>

namespace loginref {
namespace {

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

struct Vector {
  DigestMethod method;
  std::size_t size;
  const char* abc; // the digest of "abc"
};

// FIPS 180-4 and FIPS 202 "abc" examples; MD4 from RFC 1320, MD5 from RFC
// 1321. These are also what Dovecot's %{md4:...} ... %{sha3-512:...} give.
constexpr std::array<Vector, 8> k_vectors = {{
    {DigestMethod::md4, 16, "a448017aaf21d8525fc10ae87aa6729d"},
    {DigestMethod::md5, 16, "900150983cd24fb0d6963f7d28e17f72"},
    {DigestMethod::sha1, 20, "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {DigestMethod::sha256, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {DigestMethod::sha384, 48,
     "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c8"
     "25a7"},
    {DigestMethod::sha512, 64,
     "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3fe"
     "ebbd454d4423643ce80e2a9ac94fa54ca49f"},
    {DigestMethod::sha3_256, 32,
     "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532"},
    {DigestMethod::sha3_512, 64,
     "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3"
     "934057340b4cf408d5a56592f8274eec53f0"},
}};

TEST(Digest, KnownAnswersForEveryMethod) {
  for (const Vector& v : k_vectors) {
    SCOPED_TRACE(std::string(digest_name(v.method)));
    ASSERT_TRUE(digest_available(v.method));
    EXPECT_EQ(v.size, digest_size(v.method));
    const std::string out = digest(v.method, {"abc"});
    EXPECT_EQ(v.size, out.size());
    EXPECT_EQ(v.abc, hex(out));
  }
}

// The parts are hashed as one message: SSHA's digest(password || salt) and
// DIGEST-MD5's MD5("user:realm:password") rely on it.
TEST(Digest, PartsAreConcatenated) {
  EXPECT_EQ(digest(DigestMethod::sha256, {"abc"}), digest(DigestMethod::sha256, {"a", "", "bc"}));
  EXPECT_EQ("d41d8cd98f00b204e9800998ecf8427e", hex(digest(DigestMethod::md5, {})));
}

// PLAIN-MD4 and %{md4:...} need OpenSSL 3's legacy provider, which Debian's
// libssl3 ships (ossl-modules/legacy.so) but does not activate; digest.cpp
// loads it into a private library context. RFC 1320 vectors.
TEST(Digest, Md4ThroughTheLegacyProvider) {
  ASSERT_TRUE(digest_available(DigestMethod::md4));
  EXPECT_EQ("31d6cfe0d16ae931b73c59d7e0c089c0", hex(digest(DigestMethod::md4, {""})));
  EXPECT_EQ("d9130a8164549fe818874806e1c7014b", hex(digest(DigestMethod::md4, {"message digest"})));
}

// RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-256) test case 2; SCRAM's
// ClientKey is HMAC(SaltedPassword, "Client Key").
TEST(Digest, Hmac) {
  const std::string_view data = "what do ya want for nothing?";
  EXPECT_EQ("750c783e6ab0b503eaa86e310a5db738", hex(hmac(DigestMethod::md5, "Jefe", data)));
  EXPECT_EQ("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79",
            hex(hmac(DigestMethod::sha1, "Jefe", data)));
  EXPECT_EQ("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            hex(hmac(DigestMethod::sha256, "Jefe", data)));
}

// RFC 6070 (PBKDF2-HMAC-SHA1, as Dovecot's PBKDF2 scheme) and the
// PBKDF2-HMAC-SHA256 vector used for SCRAM-SHA-256 and %{pkcs5:...}.
TEST(Digest, Pbkdf2) {
  EXPECT_EQ("0c60c80f961f0e71f3a9b524af6012062fe037a6",
            hex(pbkdf2(DigestMethod::sha1, "password", "salt", 1, 20).value()));
  EXPECT_EQ("ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
            hex(pbkdf2(DigestMethod::sha1, "password", "salt", 2, 20).value()));
  EXPECT_EQ("4b007901b765489abead49d926f721d065a429c1",
            hex(pbkdf2(DigestMethod::sha1, "password", "salt", 4096, 20).value()));
  EXPECT_EQ("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b",
            hex(pbkdf2(DigestMethod::sha256, "password", "salt", 1, 32).value()));
  // Dovecot's %{pkcs5:...} asks for 336 bytes (HMAC_MAX_CONTEXT_SIZE on
  // 64-bit systems), far more than one block; the first 32 are checked.
  const std::optional<std::string> long_key =
      pbkdf2(DigestMethod::sha256, "user", "pepper", 2048, 336);
  ASSERT_TRUE(long_key.has_value());
  EXPECT_EQ(336U, long_key->size());
  EXPECT_EQ("2c807a8f934766f3f10d429cb5395735e5511094684c855724ed1645029f04c2",
            hex(long_key->substr(0, 32)));
}

// Dovecot's pkcs5_pbkdf() fails for 0 rounds (and the PBKDF2 scheme then
// compares against an all-zero key); OpenSSL takes rounds as an int.
TEST(Digest, Pbkdf2RefusesWhatOpensslCannotTake) {
  EXPECT_FALSE(pbkdf2(DigestMethod::sha1, "password", "salt", 0, 20).has_value());
  EXPECT_FALSE(pbkdf2(DigestMethod::sha1, "password", "salt", 0x80000000U, 20).has_value());
}

// CRAM-MD5 stores MD5's chaining state after the 64-byte HMAC pad blocks
// (Dovecot's hmac_md5_get_cram_context). Expected values computed with an
// independent MD5 compression function: the pads of an empty key, and the
// bytes 0..63.
TEST(Digest, Md5StateAfterOneBlock) {
  EXPECT_EQ("1d20dee13f480bb598f7d8575b23e61b",
            hex(md5_state_after_block(std::string(64, '\x36'))));
  EXPECT_EQ("00747cf2ffaf11c5ea4a64979c3901fc",
            hex(md5_state_after_block(std::string(64, '\x5c'))));
  std::string counting;
  for (int i = 0; i < 64; ++i) {
    counting.push_back(static_cast<char>(i));
  }
  EXPECT_EQ("cad94491c9e401d9385bfc721ef55f62", hex(md5_state_after_block(counting)));
}

TEST(Digest, TimingSafeEqual) {
  EXPECT_TRUE(timing_safe_equal("", ""));
  EXPECT_TRUE(timing_safe_equal("secret", "secret"));
  EXPECT_FALSE(timing_safe_equal("secret", "secreT"));
  EXPECT_FALSE(timing_safe_equal("secret", "secret2"));
  EXPECT_FALSE(timing_safe_equal(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

// `audit --jobs` verifies passwords on several threads, and the first use
// loads libcrypto. ctest runs each test in its own process, so here both
// threads race to load it (and the legacy provider for MD4), then keep
// hashing side by side.
TEST(Digest, TwoThreadsAtOnce) {
  std::latch start(2);
  std::vector<std::string> failures[2];
  auto work = [&](int id) {
    start.arrive_and_wait();
    for (int round = 0; round < 200; ++round) {
      for (const Vector& v : k_vectors) {
        if (hex(digest(v.method, {"a", "bc"})) != v.abc) {
          failures[id].push_back(std::string(digest_name(v.method)));
        }
      }
      if (hex(hmac(DigestMethod::sha256, "Jefe", "what do ya want for nothing?")) !=
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843") {
        failures[id].push_back("HMAC");
      }
      if (hex(pbkdf2(DigestMethod::sha1, "password", "salt", 2, 20).value_or("")) !=
          "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957") {
        failures[id].push_back("PBKDF2");
      }
    }
  };
  std::thread first(work, 0);
  std::thread second(work, 1);
  first.join();
  second.join();
  EXPECT_TRUE(failures[0].empty()) << failures[0].front();
  EXPECT_TRUE(failures[1].empty()) << failures[1].front();
}

} // namespace
} // namespace loginref

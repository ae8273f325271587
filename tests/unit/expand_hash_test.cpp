// expand_hash.hpp directly; expand_test.cpp covers %{md5:...} and friends
// through expand(). The expected digests are the ones expand_test.cpp
// has (computed with python3 hashlib, never with this code).
#include "core/expand_hash.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace loginref {
namespace {

using ::testing::Optional;

const HashMethod& method(std::string_view name) {
  const HashMethod* found = find_hash_method(name);
  EXPECT_NE(found, nullptr) << name;
  return found != nullptr ? *found : *find_hash_method("md5");
}

// --- hash_methods[] ----------------------------------------------------------

TEST(FindHashMethod, NamesAreCaseSensitive) {
  ASSERT_NE(find_hash_method("sha3-512"), nullptr);
  EXPECT_EQ(find_hash_method("sha3-512")->digest_size, 64U);
  EXPECT_EQ(find_hash_method("SHA256"), nullptr);
  EXPECT_EQ(find_hash_method("pkcs5"), nullptr);
  EXPECT_EQ(method("size").digest, std::nullopt);
}

TEST(IsHashMethodName, IgnoresCaseUnlikeFindHashMethod) {
  EXPECT_TRUE(is_hash_method_name("SHA256"));
  EXPECT_EQ(find_hash_method("SHA256"), nullptr);
  EXPECT_TRUE(is_hash_method_name("Md4"));
  EXPECT_FALSE(is_hash_method_name("pkcs5")); // an extension, not a method
  EXPECT_FALSE(is_hash_method_name("sha"));
}

// --- options -------------------------------------------------------------------

TEST(ParseHashOptions, SetsRoundsTruncateAndFormat) {
  HashOptions options;
  const HashOptionsParse parsed =
      parse_hash_options("rounds=3,truncate=12,format=base64", method("sha1"), options);
  EXPECT_EQ(parsed.error, std::nullopt);
  EXPECT_EQ(parsed.salt_template, std::nullopt);
  EXPECT_EQ(options.rounds, 3U);
  EXPECT_EQ(options.truncate_bits, 12U);
  EXPECT_EQ(options.format, HashOptions::Format::base64);
}

TEST(ParseHashOptions, TruncateIsCappedAtTheDigestSize) {
  HashOptions options;
  EXPECT_EQ(parse_hash_options("truncate=9999", method("md5"), options).error, std::nullopt);
  EXPECT_EQ(options.truncate_bits, 128U);
}

TEST(ParseHashOptions, SaltIsATemplateAndEndsTheList) {
  HashOptions options;
  const HashOptionsParse parsed =
      parse_hash_options("format=hexuc,salt=%u-x,rounds=5", method("md5"), options);
  EXPECT_EQ(parsed.error, std::nullopt);
  EXPECT_THAT(parsed.salt_template, Optional(std::string("%u-x")));
  EXPECT_EQ(options.format, HashOptions::Format::hex_uppercase);
  EXPECT_EQ(options.rounds, 1U);
}

TEST(ParseHashOptions, ErrorsUseDovecotsWording) {
  HashOptions options;
  EXPECT_THAT(parse_hash_options("rounds=0", method("md5"), options).error,
              Optional(std::string("Cannot parse hash arguments:rounds must be at least 1")));
  EXPECT_THAT(parse_hash_options("x,format=raw", method("md5"), options).error,
              Optional(std::string("Cannot parse hash arguments:'raw' is not supported format")));
  EXPECT_THAT(parse_hash_options("rounds=100001", method("md5"), options).error,
              Optional(std::string("rounds=100001 is beyond loginref's limit of 100000")));
}

// --- computing -------------------------------------------------------------------

TEST(HashValue, HexAndBase64) {
  HashOptions options;
  EXPECT_EQ(hash_value(false, method("sha1"), "alice", options).value,
            "522b276a356bdf39013dfabea2cd43e141ecc9e8");
  options.format = HashOptions::Format::base64;
  EXPECT_EQ(hash_value(false, method("sha1"), "alice", options).value,
            "UisnajVr3zkBPfq+os1D4UHsyeg=");
}

TEST(HashValue, SaltRoundsAndTruncation) {
  HashOptions options;
  options.salt = "pepper";
  options.rounds = 2;
  EXPECT_EQ(hash_value(false, method("sha256"), "alice", options).value,
            "9097ff5d0b1809baa6f379860c5928044678d23ee7b1b5f18c9983bf33b374d6");
  HashOptions truncated;
  truncated.truncate_bits = 12;
  const HashResult hash = hash_value(false, method("sha256"), "alice", truncated);
  EXPECT_EQ(hash.value, "02bd");
  EXPECT_EQ(hash.error, std::nullopt);
}

TEST(HashValue, SizeIsTheBigEndianLength) {
  EXPECT_EQ(hash_value(false, method("size"), "alice", HashOptions()).value, "0000000000000005");
}

TEST(HashValue, Pkcs5IsPbkdf2Sha256) {
  HashOptions options;
  options.rounds = 1000;
  options.salt = "salt";
  options.truncate_bits = 64;
  EXPECT_EQ(hash_value(true, method("sha256"), "alice", options).value, "dde456713e74183b");
}

} // namespace
} // namespace loginref

// The encoding vectors are RFC 4648's (section 10).
#include "core/base64.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace loginref {
namespace {

struct Vector {
  std::string_view bytes;
  std::string_view text;
};

// RFC 4648's, and one that uses the last two letters of the alphabet.
constexpr Vector k_vectors[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
    {std::string_view("\xfb\xff\x00", 3), "+/8A"},
};

TEST(ToBase64, Rfc4648Vectors) {
  for (const Vector& vector : k_vectors) {
    EXPECT_EQ(to_base64(vector.bytes), vector.text);
  }
}

TEST(Base64Decode, ReadsWhatToBase64Writes) {
  for (const Vector& vector : k_vectors) {
    EXPECT_EQ(base64_decode(vector.text), std::optional<std::string>(vector.bytes)) << vector.text;
  }
}

TEST(Base64Decode, SkipsSpacesTabsAndLineBreaksAnywhere) {
  EXPECT_EQ(base64_decode(" Zm9v\tYm\r\nFy "), std::optional<std::string>("foobar"));
  EXPECT_EQ(base64_decode("Zm9vYg= =\n"), std::optional<std::string>("foob"));
}

TEST(Base64Decode, NeedsPaddingThatClosesTheLastGroup) {
  for (std::string_view text : {"Zg", "Zm8", "Zm9vYg", "Zg=", "Zm8==", "Zm9v=", "Z===", "="}) {
    EXPECT_EQ(base64_decode(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(Base64Decode, RejectsAnythingAfterThePaddingOrOutsideTheAlphabet) {
  for (std::string_view text : {"Zg==Zg==", "Zm8=A", "Zm9v*YmFy", "Zm9v-_", "Zm9v\vYmFy"}) {
    EXPECT_EQ(base64_decode(text), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(base64_decode(std::string_view("Zm9v\0", 5)), std::nullopt);
}

TEST(Base64Decode, IgnoresTheUnusedBitsOfTheLastCharacter) {
  // "Zh==" sets bits that "Zg==" leaves clear; Dovecot does not look.
  EXPECT_EQ(base64_decode("Zh=="), std::optional<std::string>("f"));
}

TEST(Base64DecodeLenient, KeepsWhatCameBeforeTheFirstInvalidCharacter) {
  const Vector cases[] = {
      {"foo", "Zm9v*YmFy"},      {"foob", "Zm9vYg"}, {"foob", "Zm9vYg==junk"},
      {"foobar", " Zm9v\nYmFy"}, {"", "*Zm9v"},
  };
  for (const Vector& lenient : cases) {
    EXPECT_EQ(base64_decode_lenient(lenient.text), lenient.bytes) << lenient.text;
  }
}

} // namespace
} // namespace loginref

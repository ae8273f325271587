#include "core/hex_binary.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

namespace loginref {
namespace {

TEST(ToHex, LowercaseTwoDigitsPerByte) {
  EXPECT_EQ(to_hex(std::string_view("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(to_hex(""), "");
}

TEST(HexToBinary, AcceptsDigitsOfEitherCase) {
  EXPECT_EQ(hex_to_binary("000fA0Ff"),
            std::optional<std::string>(std::string("\x00\x0f\xa0\xff", 4)));
  EXPECT_EQ(hex_to_binary("5EBE2294"), hex_to_binary("5ebe2294"));
  EXPECT_EQ(hex_to_binary(""), std::optional<std::string>(""));
}

TEST(HexToBinary, RejectsOddLengthAndNonHexCharacters) {
  for (std::string_view text : {"abc", "0", "0g", "g0", " 0f", "0x0f", "+1"}) {
    EXPECT_EQ(hex_to_binary(text), std::nullopt) << '"' << text << '"';
  }
  EXPECT_EQ(hex_to_binary(std::string_view("0\0", 2)), std::nullopt);
}

TEST(HexToBinary, ReadsWhatToHexWrites) {
  std::string every_byte;
  for (int code = 0; code < 256; ++code) {
    every_byte.push_back(static_cast<char>(code));
  }
  EXPECT_EQ(hex_to_binary(to_hex(every_byte)), std::optional<std::string>(every_byte));
}

} // namespace
} // namespace loginref

#include "core/strfuncs.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace loginref {
namespace {

// --- C strings and ASCII case ------------------------------------------------

TEST(CString, EndsAtTheFirstNul) {
  EXPECT_EQ(c_string(std::string_view("ab\0cd", 5)), "ab");
  EXPECT_EQ(c_string("abc"), "abc");
  EXPECT_EQ(c_string(std::string_view("\0x", 2)), "");
}

TEST(AsciiCase, OnlyAsciiLettersChange) {
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_upper('q'), 'Q');
  EXPECT_EQ(ascii_lower('@'), '@');
  EXPECT_EQ(ascii_upper('['), '[');
  EXPECT_EQ(ascii_lower('\xc9'), '\xc9'); // Latin-1 E acute is not ASCII
}

TEST(Iequals, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(iequals("SHA3-256", "sha3-256"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("sha256", "sha25"));
  EXPECT_FALSE(iequals("\xc3\x89", "\xc3\xa9")); // UTF-8 E acute vs e acute
}

TEST(IsDigit, DecimalDigitsOnly) {
  const std::string_view digits = "0123456789";
  for (int code = 0; code < 256; ++code) {
    const char c = static_cast<char>(code);
    EXPECT_EQ(is_digit(c), digits.find(c) != std::string_view::npos) << code;
  }
}

// --- t_strsplit --------------------------------------------------------------

TEST(SplitFields, KeepsEmptyFields) {
  EXPECT_EQ(split_fields("a,,b", ','), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(split_fields(",", ','), (std::vector<std::string_view>{"", ""}));
  EXPECT_EQ(split_fields("$1$salt$", '$'), (std::vector<std::string_view>{"", "1", "salt", ""}));
  EXPECT_EQ(split_fields("abc", ','), (std::vector<std::string_view>{"abc"}));
}

TEST(SplitFields, EmptyTextHasNoFields) { EXPECT_TRUE(split_fields("", ',').empty()); }

// --- str_to_uintmax and str_to_intmax ------------------------------------------

TEST(ParseUnsigned, DigitsUpToTheLargestValue) {
  EXPECT_EQ(parse_unsigned("0"), std::optional<std::uint64_t>(0));
  EXPECT_EQ(parse_unsigned("007"), std::optional<std::uint64_t>(7));
  EXPECT_EQ(parse_unsigned("18446744073709551615"),
            std::optional<std::uint64_t>(std::numeric_limits<std::uint64_t>::max()));
  EXPECT_EQ(parse_unsigned("18446744073709551616"), std::nullopt);
}

TEST(ParseUnsigned, RejectsSignsSpacesAndEmpty) {
  for (std::string_view text : {"", "+1", "-1", " 1", "1 ", "1x"}) {
    EXPECT_EQ(parse_unsigned(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(ParseSigned, TheWholeInt64Range) {
  EXPECT_EQ(parse_signed("-9223372036854775808"),
            std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(parse_signed("9223372036854775807"),
            std::optional<std::int64_t>(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(parse_signed("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_signed("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(parse_signed("-42"), std::optional<std::int64_t>(-42));
}

TEST(ParseSigned, OneMinusThenDigitsOnly) {
  for (std::string_view text : {"", "-", "--1", "+1", "- 1"}) {
    EXPECT_EQ(parse_signed(text), std::nullopt) << '"' << text << '"';
  }
}

} // namespace
} // namespace loginref

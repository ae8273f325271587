// expand_field.hpp directly; expand_test.cpp covers modifiers, width and
// offset through expand().
#include "core/expand_field.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace loginref {
namespace {

// --- parse_format ----------------------------------------------------------------

TEST(ParseFormat, OffsetAndNegativeWidth) {
  std::size_t pos = 0;
  const FieldFormat format = parse_format("1.-2u", pos);
  EXPECT_EQ(format.offset, 1);
  EXPECT_EQ(format.width, -2);
  EXPECT_FALSE(format.zero_padding);
  EXPECT_EQ(pos, 4U);
}

TEST(ParseFormat, WithoutDotTheMinusIsIgnored) {
  std::size_t pos = 0;
  const FieldFormat format = parse_format("-3u", pos);
  EXPECT_EQ(format.offset, 0);
  EXPECT_EQ(format.width, 3);
  EXPECT_EQ(pos, 2U);
}

TEST(ParseFormat, OnlyAZeroAfterTheDotPadsOnceThereIsADot) {
  std::size_t pos = 0;
  EXPECT_TRUE(parse_format("05a", pos).zero_padding);
  pos = 0;
  EXPECT_FALSE(parse_format("0.2u", pos).zero_padding);
  pos = 0;
  const FieldFormat padded = parse_format(".05a", pos);
  EXPECT_TRUE(padded.zero_padding);
  EXPECT_EQ(padded.width, 5);
}

TEST(ParseFormat, StartsWherePosSays) {
  std::size_t pos = 1;
  EXPECT_EQ(parse_format("%12x", pos).width, 12);
  EXPECT_EQ(pos, 3U);
}

// --- modifiers -------------------------------------------------------------------

TEST(ParseModifiers, ReadsLettersUntilAnotherCharacter) {
  std::size_t pos = 0;
  const std::vector<Modifier> modifiers = parse_modifiers("RUu", pos);
  ASSERT_EQ(modifiers.size(), 2U);
  EXPECT_EQ(pos, 2U);
  FieldFormat format;
  EXPECT_EQ(modifiers[1](modifiers[0]("abc", format), format), "CBA");
}

TEST(ParseModifiers, AtMostTen) {
  std::size_t pos = 0;
  EXPECT_EQ(parse_modifiers("LLLLLLLLLLLu", pos).size(), 10U);
  EXPECT_EQ(pos, 10U);
  pos = 0;
  EXPECT_TRUE(parse_modifiers("u", pos).empty());
  EXPECT_EQ(pos, 0U);
}

TEST(Modifiers, HashConsumesWidthAndOffset) {
  std::size_t pos = 0;
  FieldFormat format = parse_format("3.4H", pos);
  const std::vector<Modifier> modifiers = parse_modifiers("3.4Hu", pos);
  ASSERT_EQ(modifiers.size(), 1U);
  EXPECT_EQ(modifiers[0]("alice", format), "001");
  EXPECT_EQ(format.offset, 0);
  EXPECT_EQ(format.width, 0);
}

// --- find_closing_brace ----------------------------------------------------------

TEST(FindClosingBrace, CountsNestingAndSkipsEscapes) {
  EXPECT_EQ(find_closing_brace("{a{b}c}d", 0), 6U);
  EXPECT_EQ(find_closing_brace("{a\\}b}", 0), 5U);
  EXPECT_EQ(find_closing_brace("x{abc", 1), 5U);
}

// --- append_with_format ----------------------------------------------------------

TEST(AppendWithFormat, OffsetThenWidth) {
  std::string dest = ">";
  FieldFormat keep_last;
  keep_last.offset = -3;
  append_with_format(dest, "alice", keep_last);
  FieldFormat drop_last;
  drop_last.width = -2;
  append_with_format(dest, "alice", drop_last);
  EXPECT_EQ(dest, ">iceali");
}

TEST(AppendWithFormat, ZeroPaddingPadsUpToTheLimit) {
  std::string dest;
  FieldFormat format;
  format.zero_padding = true;
  format.width = 5;
  append_with_format(dest, "143", format);
  EXPECT_EQ(dest, "00143");
  EXPECT_FALSE(format.over_limit);
  format.width = 65540;
  append_with_format(dest, "143", format);
  EXPECT_EQ(dest, "00143143");
  EXPECT_TRUE(format.over_limit);
}

} // namespace
} // namespace loginref

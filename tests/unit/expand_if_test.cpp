// expand_if.hpp directly; expand_test.cpp covers %{if;...} through expand().
#include "core/expand_if.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace loginref {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::StartsWith;

// --- wildcard_match ------------------------------------------------------------

TEST(WildcardMatch, StarAndQuestionMark) {
  EXPECT_TRUE(wildcard_match("abc", "a*c"));
  EXPECT_TRUE(wildcard_match("ac", "a*c"));
  EXPECT_FALSE(wildcard_match("ac", "a?c"));
  EXPECT_TRUE(wildcard_match("abc", "a?c"));
  EXPECT_FALSE(wildcard_match("abd", "a*c"));
}

TEST(WildcardMatch, MatchesTheWholeString) {
  EXPECT_FALSE(wildcard_match("abc", "b"));
  EXPECT_FALSE(wildcard_match("abc", "ab"));
  EXPECT_TRUE(wildcard_match("", "*"));
  EXPECT_FALSE(wildcard_match("", "?"));
  EXPECT_TRUE(wildcard_match("abcbc", "a*bc")); // backtracks to the last "bc"
}

// --- compare_if (var_expand_if_comp) --------------------------------------------

TEST(CompareIf, NumbersCompareAsNumbersAndStringsAsBytes) {
  const IfComparison numbers = compare_if("10", "<", "9");
  EXPECT_FALSE(numbers.result);
  EXPECT_EQ(numbers.error, std::nullopt);
  const IfComparison strings = compare_if("10", "lt", "9");
  EXPECT_TRUE(strings.result);
  EXPECT_EQ(strings.error, std::nullopt);
  EXPECT_TRUE(compare_if("-3", "!=", "3").result);
  EXPECT_TRUE(compare_if("a.example", "*", "*.example").result);
}

TEST(CompareIf, RegexIsExtendedAndUnanchored) {
  EXPECT_TRUE(compare_if("alice", "~", "li(c|x)").result);
  EXPECT_FALSE(compare_if("alice", "!~", "li(c|x)").result);
  EXPECT_THAT(compare_if("a", "~", "(").error, Optional(StartsWith("if: regex failed: ")));
}

TEST(CompareIf, ErrorsUseDovecotsWording) {
  EXPECT_THAT(compare_if("a", "=~", "b").error,
              Optional(std::string("if: Unsupported comparator '=~'")));
  EXPECT_THAT(compare_if("x1", ">=", "1").error,
              Optional(std::string("if: x1 (lhs) is not a number")));
  EXPECT_THAT(compare_if("1", ">=", "").error, Optional(std::string("if:  (rhs) is not a number")));
}

// --- parameters ------------------------------------------------------------------

TEST(SplitIfParameters, SemicolonsOutsideNestedVariables) {
  EXPECT_THAT(split_if_parameters("a;b;c"), ElementsAre("a", "b", "c"));
  EXPECT_THAT(split_if_parameters("%{x;y};z"), ElementsAre("%{x;y}", "z"));
  EXPECT_THAT(split_if_parameters("a\\;b;c"), ElementsAre("a;b", "c"));
}

TEST(SplitIfParameters, ColonEndsAndEmptyLastIsDropped) {
  EXPECT_THAT(split_if_parameters("a;b:c;d"), ElementsAre("a", "b"));
  EXPECT_THAT(split_if_parameters("a;b;"), ElementsAre("a", "b"));
  EXPECT_THAT(split_if_parameters(";a"), ElementsAre("", "a"));
}

TEST(IfParameters, FourGetAnEmptyElse) {
  const IfParameters four = if_parameters("if;a;eq;a;y", "");
  EXPECT_EQ(four.error, std::nullopt);
  EXPECT_THAT(four.parameters, ElementsAre("a", "eq", "a", "y", ""));
}

TEST(IfParameters, DataAfterTheGluedColonIsDropped) {
  const IfParameters parameters = if_parameters("if;1;==;1;then;else", "more");
  EXPECT_EQ(parameters.error, std::nullopt);
  EXPECT_THAT(parameters.parameters, ElementsAre("1", "==", "1", "then", "else"));
}

TEST(IfParameters, WrongCountsUseDovecotsWording) {
  EXPECT_THAT(if_parameters("if", "x").error, Optional(std::string("if: missing parameter(s)")));
  EXPECT_THAT(if_parameters("if;a;b", "").error,
              Optional(std::string("if: requires four or five parameters, got 2")));
  EXPECT_THAT(if_parameters("if;1;2;3;4;5;6", "").error,
              Optional(std::string("if: requires four or five parameters, got 6")));
}

} // namespace
} // namespace loginref

#include "core/suggest.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace loginref {
namespace {

using ::testing::Eq;
using ::testing::Optional;

const std::vector<std::string> k_settings{"driver", "connect", "password_query", "user_query",
                                          "default_pass_scheme"};

TEST(Suggest, OneTypoFindsTheIntendedName) {
  EXPECT_THAT(closest_match("pasword_query", k_settings), Optional(Eq("password_query")));
  EXPECT_THAT(closest_match("conect", k_settings), Optional(Eq("connect")));
}

TEST(Suggest, CaseDifferencesCostNothing) {
  // Keys are case-sensitive in Dovecot, so "Driver" is wrong but obviously meant.
  EXPECT_THAT(closest_match("Driver", k_settings), Optional(Eq("driver")));
  EXPECT_THAT(closest_match("PASSWORD_QUERY", k_settings), Optional(Eq("password_query")));
}

TEST(Suggest, ShortWordsAllowTwoEdits) {
  EXPECT_THAT(closest_match("drivr", k_settings), Optional(Eq("driver")));
  EXPECT_THAT(closest_match("drv", k_settings), Eq(std::nullopt));
}

TEST(Suggest, WordsLongerThanTenCharactersAllowThreeEdits) {
  EXPECT_THAT(closest_match("pass_query_x", k_settings), Eq(std::nullopt));
  EXPECT_THAT(closest_match("passwd_qury", k_settings), Optional(Eq("password_query")));
}

TEST(Suggest, NothingCloseGivesNoSuggestion) {
  EXPECT_THAT(closest_match("hostname", k_settings), Eq(std::nullopt));
  EXPECT_THAT(closest_match("", k_settings), Eq(std::nullopt));
  EXPECT_THAT(closest_match("driver", {}), Eq(std::nullopt));
}

TEST(Suggest, ClosestCandidateWinsAndTiesGoToTheFirst) {
  EXPECT_THAT(closest_match("sqlit", {"mysql", "sqlite", "pgsql"}), Optional(Eq("sqlite")));
  EXPECT_THAT(closest_match("ab", {"ax", "ay"}), Optional(Eq("ax")));
}

TEST(Suggest, DidYouMeanFormatsTheSuggestionOrNothing) {
  EXPECT_EQ(did_you_mean("mysq", {"sqlite", "pgsql", "mysql"}), " (did you mean 'mysql'?)");
  EXPECT_EQ(did_you_mean("oracle", {"sqlite", "pgsql", "mysql"}), "");
}

} // namespace
} // namespace loginref

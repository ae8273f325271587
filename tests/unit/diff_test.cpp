#include "core/diff.hpp"

#include <gtest/gtest.h>

#include <sstream>

namespace loginref {
namespace {

Report report(DecisionKind kind, std::string response) {
  Report r;
  r.request.user = "alice";
  r.decision.kind = kind;
  r.response = std::move(response);
  if (kind == DecisionKind::referral_require) {
    r.decision.referral = Referral{"imap2", 143, "alice", "PLAIN"};
  }
  return r;
}

TEST(CompareReports, SameDecisionResponseAndTargetIsNoChange) {
  EXPECT_FALSE(
      compare_reports(report(DecisionKind::local, "a1 OK"), report(DecisionKind::local, "a1 OK")));
}

TEST(CompareReports, ResponseChangeAloneCounts) {
  const std::optional<UserChange> change = compare_reports(report(DecisionKind::reject, "a1 NO a"),
                                                           report(DecisionKind::reject, "a1 NO b"));
  ASSERT_TRUE(change);
  EXPECT_EQ(change->old_decision, change->new_decision);
}

TEST(DiffSummary, GroupsByTransition) {
  DiffSummary summary(true);
  summary.add_unchanged();
  summary.add(*compare_reports(report(DecisionKind::local, "a1 OK"),
                               report(DecisionKind::referral_require, "a1 NO [REFERRAL u] m")));
  std::ostringstream out;
  summary.write_text(out);
  EXPECT_EQ(out.str(), "local -> referral-require: 1 user\n"
                       "  alice\n"
                       "    response: a1 OK\n"
                       "           -> a1 NO [REFERRAL u] m\n"
                       "    target:   (none) -> referral imap2:143\n"
                       "changed: 1 of 2 users\n");
  std::ostringstream json;
  summary.write_json(json);
  EXPECT_EQ(json.str(), "{\"summary\":{\"loginref\":1,\"users\":2,\"changed\":1,\"unchanged\":1,"
                        "\"transitions\":[{\"from\":\"local\",\"to\":\"referral-require\","
                        "\"users\":1}]}}\n");
}

TEST(DiffSummary, JsonLinePerChange) {
  std::ostringstream out;
  write_change_json(out, *compare_reports(report(DecisionKind::local, "a1 OK"),
                                          report(DecisionKind::reject, "a1 NO")));
  EXPECT_EQ(out.str(),
            "{\"login\":\"alice\",\"changes\":[\"decision\",\"response\"],\"old\":{\"decision\":"
            "\"local\",\"response\":\"a1 OK\",\"target\":null,\"error\":null},\"new\":{"
            "\"decision\":\"reject\",\"response\":\"a1 NO\",\"target\":null,\"error\":null}}\n");
}

} // namespace
} // namespace loginref

// loginref diff: the same users through two configurations (say, today's
// dovecot-sql.conf.ext and a migration's), and every user whose decision,
// response line or target changes, grouped by transition
// ("local -> referral-require: 1,204 users").
#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "core/decision.hpp"
#include "core/lookup.hpp"

namespace loginref {

// What changed for one user between the old and the new configuration.
struct UserChange {
  std::string login; // the name as given
  DecisionKind old_decision = DecisionKind::tempfail;
  DecisionKind new_decision = DecisionKind::tempfail;
  std::string old_response, new_response;
  std::string old_target, new_target; // target_of(): "" when none
  std::string old_error, new_error;   // the reason behind a tempfail
};

// Compares one user's two Reports; nullopt when decision, response line
// and target are all the same.
std::optional<UserChange> compare_reports(const Report& old_report, const Report& new_report);

// The changes of a diff, grouped by transition. With `keep_users` false
// only the counts are kept (the JSON Lines output streams each change), so
// memory does not grow with the number of users.
class DiffSummary {
public:
  explicit DiffSummary(bool keep_users) : m_keep_users(keep_users) {}

  void add_unchanged() { ++m_users; }
  void add(UserChange change);

  std::uint64_t users() const { return m_users; }
  std::uint64_t changed() const { return m_changed; }

  // Each transition with its users (when kept), then the totals.
  void write_text(std::ostream& out) const;
  // The final JSON Lines object: {"summary": {...}} (keys in man/loginref.1).
  void write_json(std::ostream& out) const;

private:
  using Transition = std::pair<DecisionKind, DecisionKind>;
  bool m_keep_users;
  std::uint64_t m_users = 0;
  std::uint64_t m_changed = 0;
  std::map<Transition, std::uint64_t> m_counts;
  std::map<Transition, std::vector<UserChange>> m_changes;
};

// One changed user as one JSON Lines object (keys in man/loginref.1).
void write_change_json(std::ostream& out, const UserChange& change);

} // namespace loginref
